/*
 * Copyright 2026 gr-spead authors
 *
 * This file is part of gr-spead
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// spead2.recv.Stream over the engine's ring_stream: blocking and non-blocking get,
// iteration, start/stop, statistics and the ring's file descriptor (for asyncio). The
// add_*_reader methods are in recv_readers_python.cc.
//
// Every call that takes an engine lock or waits for a worker releases the GIL first, so
// that Python threads keep running while one waits.

#include "recv_python.h"
#include "recv_stream_wrapper.h"

#include <gnuradio/spead/recv/ring_stream.h>
#include <pybind11/stl.h>
#include <boost/system/system_error.hpp>
#include <chrono>
#include <memory>
#include <string>

namespace gr {
namespace spead {
namespace python {

namespace {

/// How long a blocking get() waits between checks for Ctrl-C.
constexpr auto signal_check_interval = std::chrono::milliseconds(50);

/// Ring statistics of a stream (spead2's Stream.ringbuffer).
struct ringbuffer_view {
    recv::ring_stream* stream;
};

py::object pop_blocking(recv::ring_stream& stream)
{
    for (;;) {
        std::optional<recv::heap> h;
        {
            py::gil_scoped_release release;
            h = stream.pop_for(signal_check_interval);
        }
        // Messages readers logged meanwhile reach Python logging from here too, so
        // that a consumer blocked in get() sees them without a main-thread pending call.
        flush_python_log();
        if (h)
            return wrap_heap(std::move(*h));
        if (PyErr_CheckSignals() != 0)
            throw py::error_already_set();
    }
}

void bind_stream(py::module& m, py::module& recv)
{
    // spead2's _Stream: the readers, shared by Stream and the chunk streams.
    py::class_<stream_wrapper_base> base(
        recv, "_Stream", "What every receive stream has: its readers.");
    bind_stream_readers(base);
    py::class_<stream_wrapper, stream_wrapper_base> cls(
        recv,
        "Stream",
        "A receive stream whose heaps wait in a ring for the "
        "consumer (spead2.recv.Stream).");
    py::class_<ringbuffer_view>(
        cls, "Ringbuffer", "The ring between stream and consumer.")
        .def("size", [](const ringbuffer_view& r) { return r.stream->ring_size(); })
        .def("capacity",
             [](const ringbuffer_view& r) { return r.stream->ring_capacity(); });

    cls.def(py::init([](const py::object& pool,
                        const recv::stream_config& config,
                        const recv::ring_stream_config& ring_config) {
                if (!py::isinstance<recv::thread_pool>(pool))
                    throw py::type_error("thread_pool must be a ThreadPool");
                return std::make_unique<stream_wrapper>(pool, config, ring_config);
            }),
            py::arg("thread_pool"),
            py::arg("config") = recv::stream_config(),
            py::arg("ring_config") = recv::ring_stream_config())
        .def_property_readonly("config",
                               [](stream_wrapper& s) { return s.get().get_config(); })
        .def_property_readonly(
            "ring_config", [](stream_wrapper& s) { return s.get().get_ring_config(); })
        .def(
            "get",
            [](stream_wrapper& s) { return pop_blocking(s.get()); },
            "Waits for the next heap; raises Stopped at the end of the stream. Ctrl-C "
            "interrupts the wait.")
        .def(
            "get_nowait",
            [](stream_wrapper& s) {
                std::optional<recv::heap> h;
                flush_python_log();
                {
                    py::gil_scoped_release release;
                    h = s.get().try_pop();
                }
                return wrap_heap(std::move(*h));
            },
            "The next heap if one is ready; raises Empty when none is, Stopped at the "
            "end.")
        .def("__iter__", [](py::object self) { return self; })
        .def("__next__",
             [](stream_wrapper& s) {
                 try {
                     return pop_blocking(s.get());
                 } catch (const recv::ringbuffer_stopped&) {
                     throw py::stop_iteration();
                 }
             })
        .def("start",
             [](stream_wrapper& s) {
                 py::gil_scoped_release release;
                 s.get().start();
             })
        .def("stop",
             [](stream_wrapper& s) {
                 {
                     py::gil_scoped_release release;
                     s.get().stop();
                 }
                 flush_python_log();
             })
        .def_property_readonly("fd", [](stream_wrapper& s) { return s.get().get_fd(); })
        .def_property_readonly("stats",
                               [](stream_wrapper& s) {
                                   flush_python_log();
                                   py::gil_scoped_release release;
                                   return s.get().get_stats();
                               })
        .def_property_readonly(
            "reject_stats",
            [](stream_wrapper& s) {
                flush_python_log();
                py::gil_scoped_release release;
                return s.get().get_reject_stats();
            },
            "Packets rejected and heaps dropped, per reason (a StreamStats indexed by "
            "reject_stat_indices). Not in spead2.")
        .def_property_readonly(
            "ringbuffer",
            [](stream_wrapper& s) { return ringbuffer_view{ &s.get() }; },
            py::keep_alive<0, 1>());
    (void)m;
}

} // namespace

void bind_recv_stream(py::module& m, py::module& recv)
{
    // Socket failures (port in use, bad group) are OSError in Python, as in spead2.
    py::register_exception_translator([](std::exception_ptr p) {
        try {
            if (p)
                std::rethrow_exception(p);
        } catch (const boost::system::system_error& e) {
            PyErr_SetObject(PyExc_OSError,
                            py::make_tuple(e.code().value(), e.what()).ptr());
        }
    });
    bind_stream(m, recv);
}

} // namespace python
} // namespace spead
} // namespace gr
