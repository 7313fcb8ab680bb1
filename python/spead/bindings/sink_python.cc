/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// Python view of the sink blocks: spead.sink, spead.pdu_sink, their parameters
// (sender_config, input_config).
//
//   spead.sink([spead.input_config("data", 0x1600 + 1, "complex", wire="int8",
//               scale=127)], items_per_heap=1024, address="127.0.0.1", port=7148)

#include "block_args.h"
#include <gnuradio/spead/pdu_sink.h>
#include <gnuradio/spead/recv/inproc_queue.h>
#include <gnuradio/spead/sender_config.h>
#include <gnuradio/spead/sink.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

namespace py = pybind11;
using namespace gr::spead;

namespace {

void bind_sender_config(py::module& m)
{
    py::class_<sender_config>(
        m,
        "sender_config",
        "Transport and stream parameters of the SPEAD sink blocks (docs/send.md); every "
        "field is also a keyword argument of the blocks.")
        .def(py::init([](const py::kwargs& kwargs) {
            return config_from<sender_config>(py::none(), kwargs, "sender_config");
        }))
        .def_readwrite("transport", &sender_config::transport)
        .def_readwrite("address", &sender_config::address)
        .def_readwrite("port", &sender_config::port)
        .def_readwrite("filename", &sender_config::filename)
        .def_readwrite("queue", &sender_config::queue)
        .def_readwrite("ttl", &sender_config::ttl)
        .def_readwrite("interface_address", &sender_config::interface_address)
        .def_readwrite("max_packet_size", &sender_config::max_packet_size)
        .def_readwrite("rate_gbps", &sender_config::rate_gbps)
        .def_readwrite("max_heaps", &sender_config::max_heaps)
        .def_readwrite("socket_buffer_size", &sender_config::socket_buffer_size)
        .def_readwrite("heap_address_bits", &sender_config::heap_address_bits)
        .def_readwrite("stats_interval", &sender_config::stats_interval)
        .def("validate",
             &sender_config::validate,
             "Raises ValueError naming the first bad field and its accepted range.");

    py::class_<input_config>(m,
                             "input_config",
                             "One stream input of spead.sink: the item its samples "
                             "become (name, id, type, vlen, wire, scale, description).")
        .def(py::init([](const std::string& name,
                         std::uint64_t id,
                         const std::string& type,
                         std::int64_t vlen,
                         const std::string& wire,
                         double scale,
                         const std::string& description) {
                 return input_config{ name, id, type, vlen, wire, scale, description };
             }),
             py::arg("name"),
             py::arg("id"),
             py::arg("type") = "complex",
             py::arg("vlen") = 1,
             py::arg("wire") = "native",
             py::arg("scale") = 1.0,
             py::arg("description") = "")
        .def_readwrite("name", &input_config::name)
        .def_readwrite("id", &input_config::id)
        .def_readwrite("type", &input_config::type)
        .def_readwrite("vlen", &input_config::vlen)
        .def_readwrite("wire", &input_config::wire)
        .def_readwrite("scale", &input_config::scale)
        .def_readwrite("description", &input_config::description)
        .def("__repr__", [](const input_config& c) {
            return "input_config('" + c.name + "', " + std::to_string(c.id) + ", '" +
                   c.type + "', vlen=" + std::to_string(c.vlen) + ", wire='" + c.wire +
                   "', scale=" + std::to_string(c.scale) + ")";
        });
}

void bind_input_configs(py::module& m)
{
    m.def(
        "input_configs",
        [](int count,
           const py::object& names,
           const py::object& ids,
           const py::object& types,
           const py::object& vlens,
           const py::object& wires,
           const py::object& scales) {
            auto text = [](const py::object& v) {
                if (py::isinstance<py::str>(v))
                    return v.cast<std::string>();
                std::string joined;
                for (const py::handle& x : v)
                    joined += (joined.empty() ? "" : ",") + std::string(py::str(x));
                return joined;
            };
            auto numbers = [](const py::object& v, auto zero) {
                using T = decltype(zero);
                if (py::isinstance<py::sequence>(v) && !py::isinstance<py::str>(v))
                    return v.cast<std::vector<T>>();
                return std::vector<T>{ v.cast<T>() };
            };
            return input_configs(count,
                                 text(names),
                                 numbers(ids, std::uint64_t(0)),
                                 text(types),
                                 numbers(vlens, int(0)),
                                 text(wires),
                                 numbers(scales, 0.0));
        },
        py::arg("count"),
        py::arg("names"),
        py::arg("ids"),
        py::arg("types") = "complex",
        py::arg("vlens") = 1,
        py::arg("wires") = "native",
        py::arg("scales") = 1.0,
        "Inputs of spead.sink from per-input lists (one value for all inputs, or one "
        "per input; strings comma-separated); one ID gives consecutive IDs.");
}

void bind_sink(py::module& m)
{
    py::class_<sink, gr::sync_block, gr::block, gr::basic_block, std::shared_ptr<sink>>(
        m,
        "sink",
        "SPEAD Sink: stream inputs packed into heaps and sent over UDP, TCP or into a "
        "pcap file (docs/send.md).\n\n"
        "sink(inputs, items_per_heap, config=None, timestamp_item='timestamp',\n"
        "     timestamp_id=0x1600, timestamp_step=1, timestamp_source='counter',\n"
        "     sample_rate=0.0, sync_time=0.0, descriptors_every=0, start_heap=False,\n"
        "     stop_heap=True, constant_items={}, **sender_config)\n\n"
        "constant_items: items every heap carries with a fixed value, by name: "
        "{'feng_id': (0x4101, 3)}.")
        .def(py::init([](const std::vector<input_config>& inputs,
                         std::int64_t items_per_heap,
                         const py::object& config,
                         const std::string& timestamp_item,
                         std::uint64_t timestamp_id,
                         std::int64_t timestamp_step,
                         const std::string& timestamp_source,
                         double sample_rate,
                         double sync_time,
                         std::int64_t descriptors_every,
                         bool start_heap,
                         bool stop_heap,
                         const sink::constants& constant_items,
                         const py::kwargs& kwargs) {
                 return sink::make(
                     config_from<sender_config>(config, kwargs, "sender_config"),
                     inputs,
                     items_per_heap,
                     timestamp_item,
                     timestamp_id,
                     timestamp_step,
                     timestamp_source,
                     sample_rate,
                     sync_time,
                     descriptors_every,
                     start_heap,
                     stop_heap,
                     constant_items);
             }),
             py::arg("inputs"),
             py::arg("items_per_heap"),
             py::arg("config") = py::none(),
             py::arg("timestamp_item") = "timestamp",
             py::arg("timestamp_id") = 0x1600,
             py::arg("timestamp_step") = 1,
             py::arg("timestamp_source") = "counter",
             py::arg("sample_rate") = 0.0,
             py::arg("sync_time") = 0.0,
             py::arg("descriptors_every") = 0,
             py::arg("start_heap") = false,
             py::arg("stop_heap") = true,
             py::arg("constant_items") = sink::constants())
        .def("statistics", &sink::statistics);
}

void bind_pdu_sink(py::module& m)
{
    py::class_<pdu_sink, gr::block, gr::basic_block, std::shared_ptr<pdu_sink>>(
        m,
        "pdu_sink",
        "SPEAD PDU Sink: each PDU (or dict of items) on the 'pdus' port becomes one "
        "heap, "
        "sent over UDP, TCP or into a pcap file (docs/send.md).\n\n"
        "pdu_sink(config=None, data_item='data', data_id=0x1601, meta_items={},\n"
        "         descriptors_every=0, start_heap=False, stop_heap=True, "
        "**sender_config)")
        .def(py::init([](const py::object& config,
                         const std::string& data_item,
                         std::uint64_t data_id,
                         const std::map<std::string, std::uint64_t>& meta_items,
                         std::int64_t descriptors_every,
                         bool start_heap,
                         bool stop_heap,
                         const py::kwargs& kwargs) {
                 return pdu_sink::make(
                     config_from<sender_config>(config, kwargs, "sender_config"),
                     data_item,
                     data_id,
                     meta_items,
                     descriptors_every,
                     start_heap,
                     stop_heap);
             }),
             py::arg("config") = py::none(),
             py::arg("data_item") = "data",
             py::arg("data_id") = 0x1601,
             py::arg("meta_items") = std::map<std::string, std::uint64_t>(),
             py::arg("descriptors_every") = 0,
             py::arg("start_heap") = false,
             py::arg("stop_heap") = true)
        .def("statistics", &pdu_sink::statistics);
}

} // namespace

void bind_sinks(py::module& m)
{
    bind_sender_config(m);
    bind_input_configs(m);
    bind_sink(m);
    bind_pdu_sink(m);
}
