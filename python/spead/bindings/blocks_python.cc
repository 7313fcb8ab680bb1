/*
 * Copyright 2026 gr-spead authors
 *
 * This file is part of gr-spead
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// Python view of the GNU Radio blocks: spead.source and spead.heap_source, their shared
// receiver_config, output_config, and (unless the spead2-compatible API registered it
// first) spead.InprocQueue for the in-process transport.
//
// Both blocks take the receiver parameters as keyword arguments (or a receiver_config):
//   spead.source([spead.output_config("data", "complex")], transport="pcap",
//                pcap_file="capture.pcap", tag_items=["timestamp"])

#include "block_args.h"
#include <gnuradio/spead/chunk_source.h>
#include <gnuradio/spead/heap_source.h>
#include <gnuradio/spead/receiver_config.h>
#include <gnuradio/spead/recv/inproc_queue.h>
#include <gnuradio/spead/recv/udp_endpoint_list.h>
#include <gnuradio/spead/source.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <string>
#include <vector>

namespace py = pybind11;
using namespace gr::spead;

namespace {

receiver_config config_from(const py::object& base, const py::kwargs& kwargs)
{
    return gr::spead::config_from<receiver_config>(base, kwargs, "receiver_config");
}

output_config output_from(const py::handle& obj, std::size_t index)
{
    if (py::isinstance<output_config>(obj))
        return obj.cast<output_config>();
    if (py::isinstance<py::str>(obj)) {
        output_config o;
        o.item = obj.cast<std::string>();
        return o;
    }
    if (py::isinstance<py::dict>(obj)) {
        py::object o = py::cast(output_config());
        for (const auto& kv : obj.cast<py::dict>()) {
            const std::string name = py::str(kv.first);
            if (name.empty() || name[0] == '_' || !py::hasattr(o, name.c_str()))
                throw py::type_error("outputs[" + std::to_string(index) +
                                     "]: unknown key '" + name +
                                     "' (accepted: item, type, vlen, wire, scale, "
                                     "layout, select)");
            o.attr(name.c_str()) = kv.second;
        }
        return o.cast<output_config>();
    }
    throw py::type_error("outputs[" + std::to_string(index) +
                         "] must be an output_config, a dict or an item name");
}

/// A string, or a list of strings, as a comma-separated list.
std::string comma_list(const py::object& value, const char* name)
{
    if (py::isinstance<py::str>(value))
        return value.cast<std::string>();
    std::string joined;
    for (const py::handle& v : value) {
        const std::string text = py::str(v);
        if (text.find(',') != std::string::npos)
            throw py::value_error(std::string(name) + ": '" + text +
                                  "' has a comma (separate axes by spaces)");
        joined += (joined.empty() ? "" : ",") + text;
    }
    return joined;
}

/// A number, or a list of numbers.
template <typename T>
std::vector<T> number_list(const py::object& value, const char* name)
{
    try {
        if (py::isinstance<py::sequence>(value) && !py::isinstance<py::str>(value))
            return value.cast<std::vector<T>>();
        return { value.cast<T>() };
    } catch (const py::cast_error&) {
        throw py::type_error(std::string(name) +
                             " must be a number or a list of numbers, "
                             "not " +
                             std::string(py::repr(value)));
    }
}

/// A contiguous read-only view of any bytes-like object.
std::vector<std::uint8_t> bytes_of(const py::object& data)
{
    Py_buffer view;
    if (PyObject_GetBuffer(data.ptr(), &view, PyBUF_SIMPLE) != 0)
        throw py::error_already_set();
    const auto* p = static_cast<const std::uint8_t*>(view.buf);
    std::vector<std::uint8_t> out(p, p + view.len);
    PyBuffer_Release(&view);
    return out;
}

void bind_inproc_queue(py::module& m)
{
    // The spead2-compatible API may register the same C++ type (spead.InprocQueue) with
    // more methods; a type can be registered once only.
    if (py::detail::get_type_info(typeid(gr::spead::recv::inproc_queue)))
        return;
    py::class_<gr::spead::recv::inproc_queue, std::shared_ptr<recv::inproc_queue>>(
        m,
        "InprocQueue",
        "Packets passed to a receiver inside one process (spead2's InprocQueue)")
        .def(py::init<>())
        .def(
            "add_packet",
            [](gr::spead::recv::inproc_queue& q, const py::object& packet) {
                const std::vector<std::uint8_t> bytes = bytes_of(packet);
                q.add_packet(bytes);
            },
            py::arg("packet"))
        .def("stop", &gr::spead::recv::inproc_queue::stop);
}

void bind_receiver_config(py::module& m)
{
    py::class_<receiver_config>(m,
                                "receiver_config",
                                "Transport, stream, memory, thread and statistics "
                                "parameters of the SPEAD source blocks "
                                "(docs/blocks.md). Keyword arguments set fields.")
        .def(py::init(
            [](const py::kwargs& kwargs) { return config_from(py::none(), kwargs); }))
        .def_readwrite("transport", &receiver_config::transport)
        .def_readwrite("address", &receiver_config::address)
        .def_readwrite("port", &receiver_config::port)
        .def_readwrite("interface_address", &receiver_config::interface_address)
        .def_readwrite("interface_index", &receiver_config::interface_index)
        .def_readwrite("max_packet_size", &receiver_config::max_packet_size)
        .def_readwrite("socket_buffer_size", &receiver_config::socket_buffer_size)
        .def_readwrite("pcap_file", &receiver_config::pcap_file)
        .def_readwrite("pcap_filter", &receiver_config::pcap_filter)
        .def_readwrite("pcap_extended_frames", &receiver_config::pcap_extended_frames)
        .def_readwrite("pcap_rate", &receiver_config::pcap_rate)
        .def_readwrite("queue", &receiver_config::queue)
        .def_readwrite("max_heaps", &receiver_config::max_heaps)
        .def_readwrite("substreams", &receiver_config::substreams)
        .def_readwrite("bug_compat", &receiver_config::bug_compat)
        .def_readwrite("memcpy_nontemporal", &receiver_config::memcpy_nontemporal)
        .def_readwrite("receive_into_output", &receiver_config::receive_into_output)
        .def_readwrite("stop_on_stop_item", &receiver_config::stop_on_stop_item)
        .def_readwrite("allow_unsized_heaps", &receiver_config::allow_unsized_heaps)
        .def_readwrite("allow_out_of_order", &receiver_config::allow_out_of_order)
        .def_readwrite("stream_id", &receiver_config::stream_id)
        .def_readwrite("max_heap_size", &receiver_config::max_heap_size)
        .def_readwrite("ring_heaps", &receiver_config::ring_heaps)
        .def_readwrite("ring_max_spin_us", &receiver_config::ring_max_spin_us)
        .def_readwrite("busy_poll_us", &receiver_config::busy_poll_us)
        .def_readwrite("contiguous_only", &receiver_config::contiguous_only)
        .def_readwrite("incomplete_keep_payload_ranges",
                       &receiver_config::incomplete_keep_payload_ranges)
        .def_readwrite("heap_size", &receiver_config::heap_size)
        .def_readwrite("memory_pool", &receiver_config::memory_pool)
        .def_readwrite("pool_lower", &receiver_config::pool_lower)
        .def_readwrite("pool_upper", &receiver_config::pool_upper)
        .def_readwrite("pool_max_free", &receiver_config::pool_max_free)
        .def_readwrite("pool_initial", &receiver_config::pool_initial)
        .def_readwrite("pool_low_water", &receiver_config::pool_low_water)
        .def_readwrite("allocator", &receiver_config::allocator)
        .def_readwrite("threads", &receiver_config::threads)
        .def_readwrite("affinity", &receiver_config::affinity)
        .def_readwrite("stats_interval", &receiver_config::stats_interval)
        .def("validate",
             &receiver_config::validate,
             "Raises ValueError naming the first bad parameter and its accepted range.");
}

void bind_output_config(py::module& m)
{
    py::class_<output_config>(
        m,
        "output_config",
        "One stream output of spead.source: item (name or ID), "
        "type ('complex', 'float', 'int', 'short', 'byte'), vlen, "
        "wire ('auto' or a numpy type string such as '|i1', '>i2'), "
        "scale (integers are divided by it), layout (the item's "
        "axes in another order: 'channels spectra pols -> pols "
        "spectra channels') and select (an axis fixed to one "
        "index: 'pols=0').")
        .def(py::init([](const std::string& item,
                         const std::string& type,
                         int vlen,
                         const std::string& wire,
                         double scale,
                         const std::string& layout,
                         const std::string& select) {
                 output_config o;
                 o.item = item;
                 o.type = type;
                 o.vlen = vlen;
                 o.wire = wire;
                 o.scale = scale;
                 o.layout = layout;
                 o.select = select;
                 return o;
             }),
             py::arg("item") = "",
             py::arg("type") = "complex",
             py::arg("vlen") = 1,
             py::arg("wire") = "auto",
             py::arg("scale") = 1.0,
             py::arg("layout") = "",
             py::arg("select") = "")
        .def_readwrite("item", &output_config::item)
        .def_readwrite("type", &output_config::type)
        .def_readwrite("vlen", &output_config::vlen)
        .def_readwrite("wire", &output_config::wire)
        .def_readwrite("scale", &output_config::scale)
        .def_readwrite("layout", &output_config::layout)
        .def_readwrite("select", &output_config::select)
        .def("__repr__", [](const output_config& o) {
            return "output_config(item=" + std::string(py::repr(py::str(o.item))) +
                   ", type=" + std::string(py::repr(py::str(o.type))) +
                   ", vlen=" + std::to_string(o.vlen) +
                   ", wire=" + std::string(py::repr(py::str(o.wire))) +
                   ", scale=" + std::string(py::repr(py::float_(o.scale))) +
                   ", layout=" + std::string(py::repr(py::str(o.layout))) +
                   ", select=" + std::string(py::repr(py::str(o.select))) + ")";
        });

    m.def(
        "output_configs",
        [](int count,
           const py::object& items,
           const py::object& types,
           const py::object& vlens,
           const py::object& wires,
           const py::object& scales,
           const py::object& layouts,
           const py::object& selects) {
            return output_configs(count,
                                  comma_list(items, "items"),
                                  comma_list(types, "types"),
                                  number_list<int>(vlens, "vlens"),
                                  comma_list(wires, "wires"),
                                  number_list<double>(scales, "scales"),
                                  comma_list(layouts, "layouts"),
                                  comma_list(selects, "selects"));
        },
        py::arg("count"),
        py::arg("items"),
        py::arg("types") = "complex",
        py::arg("vlens") = 1,
        py::arg("wires") = "auto",
        py::arg("scales") = 1.0,
        py::arg("layouts") = "",
        py::arg("selects") = "",
        "A list of count output_config from per-output lists (what GRC's SPEAD Source "
        "uses): each argument is one value for every output, or one per output (a "
        "list, or a comma-separated string): output_configs(2, 'x', layouts='c s p -> "
        "s c', selects='p=0, p=1'). Raises ValueError naming a list of the wrong "
        "length.");
}

void bind_source(py::module& m)
{
    py::class_<source, gr::block, gr::basic_block, std::shared_ptr<source>>(
        m,
        "source",
        "SPEAD Source: chosen items' values as sample streams, heap metadata as tags "
        "(docs/blocks.md).\n\n"
        "source(outputs, config=None, tag_items=[], heap_cnt_step=1, timestamp_item='',\n"
        "       timestamp_step=0, zero_fill=False, max_fill_heaps=16, select_item='',\n"
        "       select_values=[], sample_rate=0.0, sync_time=0.0, **receiver_config)")
        .def(py::init([](const py::list& outputs,
                         const py::object& config,
                         const std::vector<std::string>& tag_items,
                         std::int64_t heap_cnt_step,
                         const std::string& timestamp_item,
                         std::int64_t timestamp_step,
                         bool zero_fill,
                         std::int64_t max_fill_heaps,
                         const std::string& select_item,
                         const std::vector<std::int64_t>& select_values,
                         double sample_rate,
                         double sync_time,
                         const py::kwargs& kwargs) {
                 std::vector<output_config> outs;
                 for (std::size_t i = 0; i < outputs.size(); i++)
                     outs.push_back(output_from(outputs[i], i));
                 const receiver_config cfg = config_from(config, kwargs);
                 return source::make(cfg,
                                     outs,
                                     tag_items,
                                     heap_cnt_step,
                                     timestamp_item,
                                     timestamp_step,
                                     zero_fill,
                                     max_fill_heaps,
                                     select_item,
                                     select_values,
                                     sample_rate,
                                     sync_time);
             }),
             py::arg("outputs"),
             py::arg("config") = py::none(),
             py::arg("tag_items") = std::vector<std::string>(),
             py::arg("heap_cnt_step") = 1,
             py::arg("timestamp_item") = "",
             py::arg("timestamp_step") = 0,
             py::arg("zero_fill") = false,
             py::arg("max_fill_heaps") = 16,
             py::arg("select_item") = "",
             py::arg("select_values") = std::vector<std::int64_t>(),
             py::arg("sample_rate") = 0.0,
             py::arg("sync_time") = 0.0)
        .def("local_port", &source::local_port)
        .def("statistics", &source::statistics);
}

void bind_heap_source(py::module& m)
{
    py::class_<heap_source, gr::block, gr::basic_block, std::shared_ptr<heap_source>>(
        m,
        "heap_source",
        "SPEAD Heap Source: every heap as a message (PDU on 'pdus' or dict on 'dicts'), "
        "optionally a tagged stream of one item (docs/blocks.md).\n\n"
        "heap_source(config=None, payload_item='', payload_type='auto', as_dict=False,\n"
        "            select_item='', select_values=[], timestamp_item='', "
        "sample_rate=0.0,\n"
        "            sync_time=0.0, tagged_stream=False, length_tag_key='packet_len',\n"
        "            **receiver_config)")
        .def(py::init([](const py::object& config,
                         const std::string& payload_item,
                         const std::string& payload_type,
                         bool as_dict,
                         const std::string& select_item,
                         const std::vector<std::int64_t>& select_values,
                         const std::string& timestamp_item,
                         double sample_rate,
                         double sync_time,
                         bool tagged_stream,
                         const std::string& length_tag_key,
                         const py::kwargs& kwargs) {
                 return heap_source::make(config_from(config, kwargs),
                                          payload_item,
                                          payload_type,
                                          as_dict,
                                          select_item,
                                          select_values,
                                          timestamp_item,
                                          sample_rate,
                                          sync_time,
                                          tagged_stream,
                                          length_tag_key);
             }),
             py::arg("config") = py::none(),
             py::arg("payload_item") = "",
             py::arg("payload_type") = "auto",
             py::arg("as_dict") = false,
             py::arg("select_item") = "",
             py::arg("select_values") = std::vector<std::int64_t>(),
             py::arg("timestamp_item") = "",
             py::arg("sample_rate") = 0.0,
             py::arg("sync_time") = 0.0,
             py::arg("tagged_stream") = false,
             py::arg("length_tag_key") = "packet_len")
        .def("local_port", &heap_source::local_port)
        .def("statistics", &heap_source::statistics);
}

void bind_chunk_source(py::module& m)
{
    py::class_<chunk_source,
               gr::sync_block,
               gr::block,
               gr::basic_block,
               std::shared_ptr<chunk_source>>(
        m,
        "chunk_source",
        "SPEAD Chunk Source: heaps placed by timestamp (and an index item) into chunks, "
        "emitted as one sample stream with missing heaps zero-filled "
        "(docs/chunk-streams.md)."
        "\n\nchunk_source(heap_size, heap_timestamp_step, heaps_per_chunk, config=None,\n"
        "             type='complex', vlen=1, wire='|i1', scale=1.0, "
        "timestamp_id=0x1600,\n"
        "             index_id=0, index_step=1, index_count=1, layout='', select='',\n"
        "             max_chunks=2, ring_chunks=6, sample_rate=0.0, sync_time=0.0,\n"
        "             select_item=0, select_values=[],\n"
        "             **receiver_config)")
        .def(py::init([](std::int64_t heap_size,
                         std::int64_t heap_timestamp_step,
                         std::int64_t heaps_per_chunk,
                         const py::object& config,
                         const std::string& type,
                         std::int64_t vlen,
                         const std::string& wire,
                         double scale,
                         std::uint64_t timestamp_id,
                         std::uint64_t index_id,
                         std::int64_t index_step,
                         std::int64_t index_count,
                         const std::string& layout,
                         const std::string& select,
                         std::int64_t max_chunks,
                         std::int64_t ring_chunks,
                         double sample_rate,
                         double sync_time,
                         std::uint64_t select_item,
                         const std::vector<std::int64_t>& select_values,
                         const std::string& group_mode,
                         const py::kwargs& kwargs) {
                 return chunk_source::make(config_from(config, kwargs),
                                           type,
                                           vlen,
                                           wire,
                                           scale,
                                           heap_size,
                                           timestamp_id,
                                           heap_timestamp_step,
                                           heaps_per_chunk,
                                           index_id,
                                           index_step,
                                           index_count,
                                           layout,
                                           select,
                                           max_chunks,
                                           ring_chunks,
                                           sample_rate,
                                           sync_time,
                                           select_item,
                                           select_values,
                                           group_mode);
             }),
             py::arg("heap_size"),
             py::arg("heap_timestamp_step"),
             py::arg("heaps_per_chunk"),
             py::arg("config") = py::none(),
             py::arg("type") = "complex",
             py::arg("vlen") = 1,
             py::arg("wire") = "|i1",
             py::arg("scale") = 1.0,
             py::arg("timestamp_id") = 0x1600,
             py::arg("index_id") = 0,
             py::arg("index_step") = 1,
             py::arg("index_count") = 1,
             py::arg("layout") = "",
             py::arg("select") = "",
             py::arg("max_chunks") = 2,
             py::arg("ring_chunks") = 6,
             py::arg("sample_rate") = 0.0,
             py::arg("sync_time") = 0.0,
             py::arg("select_item") = 0,
             py::arg("select_values") = std::vector<std::int64_t>(),
             py::arg("group_mode") = "")
        .def("local_port", &chunk_source::local_port)
        .def("statistics", &chunk_source::statistics);
}

void bind_endpoint_list(py::module& m)
{
    m.def(
        "parse_endpoint_list",
        [](const std::string& text, int port, const std::string& parameter) {
            std::vector<std::pair<std::string, int>> out;
            for (const auto& e : recv::parse_endpoint_list(text, port, parameter))
                out.emplace_back(e.host, e.port);
            return out;
        },
        py::arg("text"),
        py::arg("port") = 7148,
        py::arg("parameter") = "endpoints",
        "The (host, port) pairs of an endpoint list such as '239.10.0.0+15:7148,"
        "10.0.0.1:7149' (host[+N][:port], comma-separated; '+N' adds N consecutive "
        "addresses; a piece without a port takes `port`). Raises ValueError naming "
        "`parameter` and the bad piece.");
}

} // namespace

void bind_sinks(py::module& m);

void bind_blocks(py::module& m)
{
    bind_inproc_queue(m);
    bind_receiver_config(m);
    bind_output_config(m);
    bind_source(m);
    bind_heap_source(m);
    bind_chunk_source(m);
    bind_endpoint_list(m);
    bind_sinks(m);
}
