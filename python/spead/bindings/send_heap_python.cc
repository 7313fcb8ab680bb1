/*
 * Copyright 2026 gr-spead authors
 *
 * This file is part of gr-spead
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// spead2.send's Heap, PacketGenerator, HeapReference(List), StreamConfig, RateMethod
// and GroupMode, over the engine's send heap and packet generator.

#include "send_python.h"
#include <gnuradio/spead/send/packet_generator.h>
#include <gnuradio/spead/send/stream_config.h>
#include <pybind11/stl.h>
#include <stdexcept>

namespace gr {
namespace spead {
namespace python {

py_send_heap::~py_send_heap()
{
    for (auto& view : d_buffers)
        PyBuffer_Release(view.get());
}

void py_send_heap::add_item(const py::object& item)
{
    const std::int64_t id = item.attr("id").cast<std::int64_t>();
    if (id <= 0)
        throw py::value_error("item ID must be positive, not " + std::to_string(id));
    py::object buffer = item.attr("to_buffer")();
    const bool allow_immediate = item.attr("allow_immediate")().cast<bool>();
    auto view = std::make_unique<Py_buffer>();
    if (PyObject_GetBuffer(buffer.ptr(), view.get(), PyBUF_C_CONTIGUOUS) != 0) {
        // Not contiguous (numpy says ValueError, others BufferError): send a C-ordered
        // copy, the only case that copies. What has no buffer fails in memoryview.
        PyErr_Clear();
        buffer = py::reinterpret_steal<py::object>(PyMemoryView_FromObject(buffer.ptr()));
        if (!buffer)
            throw py::error_already_set();
        buffer = buffer.attr("tobytes")();
        if (PyObject_GetBuffer(buffer.ptr(), view.get(), PyBUF_C_CONTIGUOUS) != 0)
            throw py::error_already_set();
    }
    try {
        value.add_item(
            std::uint64_t(id), view->buf, std::size_t(view->len), allow_immediate);
    } catch (...) {
        PyBuffer_Release(view.get());
        throw;
    }
    d_buffers.push_back(std::move(view));
}

void py_send_heap::add_descriptor(const py::object& descriptor)
{
    const py::object raw = descriptor.attr("to_raw")(value.get_flavour());
    value.add_descriptor(raw.cast<const protocol::descriptor&>());
}

namespace {

/// Python's PacketGenerator: iterates over a heap's packets as bytes.
struct py_packet_generator {
    py_packet_generator(py::object heap_, std::uint64_t cnt, std::size_t max_packet_size)
        : heap(std::move(heap_)),
          gen(heap_of(heap).value, cnt, max_packet_size),
          scratch(gen.scratch_size())
    {
    }

    py::bytes next()
    {
        pieces.clear();
        const std::size_t size = gen.next_packet(scratch.data(), pieces);
        if (size == 0)
            throw py::stop_iteration();
        std::string out;
        out.reserve(size);
        for (const send::packet_buffer& b : pieces)
            out.append(reinterpret_cast<const char*>(b.data), b.size);
        return py::bytes(out);
    }

    py::object heap; ///< keeps the heap (and its buffers) alive
    send::packet_generator gen;
    std::vector<std::uint8_t> scratch;
    std::vector<send::packet_buffer> pieces;
};

void bind_heap(py::module& m)
{
    using namespace pybind11::literals;
    py::class_<py_send_heap>(m, "Heap", "A heap to send (spead2.send.Heap).")
        .def(py::init<const protocol::flavour&>(), "flavour"_a = protocol::flavour())
        .def_property_readonly(
            "flavour", [](const py_send_heap& h) { return h.value.get_flavour(); })
        .def("add_item", &py_send_heap::add_item, "item"_a)
        .def("add_descriptor", &py_send_heap::add_descriptor, "descriptor"_a)
        .def("add_start", [](py_send_heap& h) { h.value.add_start(); })
        .def("add_end", [](py_send_heap& h) { h.value.add_end(); })
        .def_property(
            "repeat_pointers",
            [](const py_send_heap& h) { return h.value.get_repeat_pointers(); },
            [](py_send_heap& h, bool repeat) { h.value.set_repeat_pointers(repeat); });

    py::class_<py_packet_generator>(
        m,
        "PacketGenerator",
        "The packets of a heap, as bytes (spead2.send.PacketGenerator).")
        .def(
            py::init([](py::object heap, std::uint64_t cnt, std::size_t max_packet_size) {
                heap_of(heap);
                return new py_packet_generator(std::move(heap), cnt, max_packet_size);
            }),
            "heap"_a,
            "cnt"_a,
            "max_packet_size"_a)
        .def("__iter__", [](py::object self) { return self; })
        .def("__next__", &py_packet_generator::next);
}

void bind_heap_references(py::module& m)
{
    using namespace pybind11::literals;
    py::class_<py_heap_reference>(
        m,
        "HeapReference",
        "A heap with its cnt, substream and rate (spead2.send.HeapReference).")
        .def(py::init([](py::object heap,
                         std::int64_t cnt,
                         std::size_t substream_index,
                         double rate) {
                 heap_of(heap);
                 return py_heap_reference{ std::move(heap), cnt, substream_index, rate };
             }),
             "heap"_a,
             py::kw_only(),
             "cnt"_a = -1,
             "substream_index"_a = 0,
             "rate"_a = -1.0)
        .def_property_readonly("heap", [](const py_heap_reference& r) { return r.heap; })
        .def_readwrite("cnt", &py_heap_reference::cnt)
        .def_readwrite("substream_index", &py_heap_reference::substream_index)
        .def_readwrite("rate", &py_heap_reference::rate);

    py::class_<py_heap_reference_list>(
        m,
        "HeapReferenceList",
        "A list of HeapReference made once, for repeated send_heaps "
        "(spead2.send.HeapReferenceList).")
        .def(py::init([](std::vector<py_heap_reference> refs) {
                 return py_heap_reference_list{ std::move(refs) };
             }),
             "heaps"_a)
        .def("__len__", [](const py_heap_reference_list& l) { return l.refs.size(); })
        .def("__getitem__", [](const py_heap_reference_list& l, const py::slice& slice) {
            std::size_t start = 0, stop = 0, step = 0, length = 0;
            if (!slice.compute(l.refs.size(), &start, &stop, &step, &length))
                throw py::error_already_set();
            py_heap_reference_list out;
            for (std::size_t i = 0; i < length; i++, start += step)
                out.refs.push_back(l.refs[start]);
            return out;
        });
}

void bind_stream_config(py::module& m)
{
    using namespace pybind11::literals;
    using send::stream_config;
    py::enum_<send::rate_method>(m, "RateMethod", "How the rate limit is applied.")
        .value("SW", send::rate_method::SW)
        .value("HW", send::rate_method::HW)
        .value("AUTO", send::rate_method::AUTO);
    py::enum_<send::group_mode>(m, "GroupMode", "How the packets of a group interleave.")
        .value("ROUND_ROBIN", send::group_mode::ROUND_ROBIN)
        .value("SERIAL", send::group_mode::SERIAL);

    py::class_<stream_config> config(m,
                                     "StreamConfig",
                                     "Packet size, rate and queue of a send stream "
                                     "(spead2.send.StreamConfig).");
    config
        .def(py::init([](std::size_t max_packet_size,
                         double rate,
                         std::size_t burst_size,
                         std::size_t max_heaps,
                         double burst_rate_ratio,
                         send::rate_method method) {
                 stream_config c;
                 c.set_max_packet_size(max_packet_size)
                     .set_rate(rate)
                     .set_burst_size(burst_size)
                     .set_max_heaps(max_heaps)
                     .set_burst_rate_ratio(burst_rate_ratio)
                     .set_rate_method(method);
                 return c;
             }),
             py::kw_only(),
             "max_packet_size"_a = stream_config::DEFAULT_MAX_PACKET_SIZE,
             "rate"_a = 0.0,
             "burst_size"_a = stream_config::DEFAULT_BURST_SIZE,
             "max_heaps"_a = stream_config::DEFAULT_MAX_HEAPS,
             "burst_rate_ratio"_a = stream_config::DEFAULT_BURST_RATE_RATIO,
             "rate_method"_a = stream_config::DEFAULT_RATE_METHOD)
        .def_property("max_packet_size",
                      &stream_config::get_max_packet_size,
                      [](stream_config& c, std::size_t v) { c.set_max_packet_size(v); })
        .def_property("rate",
                      &stream_config::get_rate,
                      [](stream_config& c, double v) { c.set_rate(v); })
        .def_property("burst_size",
                      &stream_config::get_burst_size,
                      [](stream_config& c, std::size_t v) { c.set_burst_size(v); })
        .def_property("max_heaps",
                      &stream_config::get_max_heaps,
                      [](stream_config& c, std::size_t v) { c.set_max_heaps(v); })
        .def_property("burst_rate_ratio",
                      &stream_config::get_burst_rate_ratio,
                      [](stream_config& c, double v) { c.set_burst_rate_ratio(v); })
        .def_property("rate_method",
                      &stream_config::get_rate_method,
                      [](stream_config& c, send::rate_method v) { c.set_rate_method(v); })
        .def_property_readonly("burst_rate", &stream_config::get_burst_rate);
    config.attr("DEFAULT_MAX_PACKET_SIZE") = stream_config::DEFAULT_MAX_PACKET_SIZE;
    config.attr("DEFAULT_MAX_HEAPS") = stream_config::DEFAULT_MAX_HEAPS;
    config.attr("DEFAULT_BURST_SIZE") = stream_config::DEFAULT_BURST_SIZE;
    config.attr("DEFAULT_BURST_RATE_RATIO") = stream_config::DEFAULT_BURST_RATE_RATIO;
    config.attr("DEFAULT_RATE_METHOD") = stream_config::DEFAULT_RATE_METHOD;
}

} // namespace

void bind_send_heap(py::module& send)
{
    bind_heap(send);
    bind_heap_references(send);
    bind_stream_config(send);
}

} // namespace python
} // namespace spead
} // namespace gr
