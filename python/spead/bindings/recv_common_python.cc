/*
 * Copyright 2026 gr-spead authors
 *
 * This file is part of gr-spead
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// Top-level pieces of the spead2-compatible API: ThreadPool, memory allocators and
// pools, InprocQueue, the Stopped/Empty/Full exceptions and constants.

#include "recv_python.h"

#include <gnuradio/spead/recv/inproc_queue.h>
#include <gnuradio/spead/recv/memcpy.h>
#include <gnuradio/spead/recv/memory_allocator.h>
#include <gnuradio/spead/recv/memory_pool.h>
#include <gnuradio/spead/recv/ringbuffer_errors.h>
#include <gnuradio/spead/recv/tcp_reader.h>
#include <gnuradio/spead/recv/thread_pool.h>
#include <gnuradio/spead/recv/udp_reader.h>
#include <pybind11/stl.h>
#include <stdexcept>
#include <string>
#include <vector>

namespace gr {
namespace spead {
namespace python {

namespace {

/// Joining the pool's threads must not hold the GIL: a worker may be waiting for it to
/// log a message.
struct thread_pool_deleter {
    void operator()(recv::thread_pool* pool) const
    {
        py::gil_scoped_release release;
        delete pool;
    }
};

void bind_constants(py::module& m)
{
    m.attr("MEMCPY_STD") = int(recv::memcpy_function::standard);
    m.attr("MEMCPY_NONTEMPORAL") = int(recv::memcpy_function::nontemporal);
    m.attr("DEFAULT_UDP_MAX_SIZE") = recv::DEFAULT_UDP_MAX_SIZE;
    m.attr("DEFAULT_UDP_BUFFER_SIZE") = recv::DEFAULT_UDP_BUFFER_SIZE;
    m.attr("DEFAULT_TCP_MAX_SIZE") = recv::DEFAULT_TCP_MAX_SIZE;
    m.attr("DEFAULT_TCP_BUFFER_SIZE") = recv::DEFAULT_TCP_BUFFER_SIZE;
}

void bind_exceptions(py::module& m)
{
    py::register_exception<recv::ringbuffer_stopped>(m, "Stopped");
    py::register_exception<recv::ringbuffer_empty>(m, "Empty");
    // spead2 has Full for senders and chunk rings; kept so that code naming it imports.
    m.attr("Full") =
        py::module::import("builtins")
            .attr("type")("Full",
                          py::make_tuple(py::handle(PyExc_Exception)),
                          py::dict(py::arg("__module__") = "gnuradio.spead"));
}

void bind_thread_pool(py::module& m)
{
    py::class_<recv::thread_pool,
               std::unique_ptr<recv::thread_pool, thread_pool_deleter>>(
        m,
        "ThreadPool",
        "Worker threads that run the readers of the streams sharing it "
        "(spead2.ThreadPool).")
        .def(py::init([](int threads, const std::vector<int>& affinity) {
                 if (threads < 1)
                     throw py::value_error("threads must be at least 1, not " +
                                           std::to_string(threads));
                 return std::unique_ptr<recv::thread_pool, thread_pool_deleter>(
                     affinity.empty() ? new recv::thread_pool(threads)
                                      : new recv::thread_pool(threads, affinity));
             }),
             py::arg("threads") = 1,
             py::arg("affinity") = std::vector<int>())
        .def_property_readonly("num_threads", &recv::thread_pool::num_threads)
        .def_static("set_affinity",
                    &recv::thread_pool::set_affinity,
                    py::arg("core"),
                    "Pins the calling thread to a CPU core.")
        .def(
            "stop",
            [](recv::thread_pool& pool) {
                py::gil_scoped_release release;
                pool.stop();
            },
            "Stops the threads (gr-spead addition; destruction does it too).");
}

void bind_allocators(py::module& m)
{
    py::class_<recv::memory_allocator, std::shared_ptr<recv::memory_allocator>>(
        m, "MemoryAllocator", "Plain heap memory (spead2.MemoryAllocator).")
        .def(py::init([]() { return std::make_shared<recv::memory_allocator>(); }));

    py::class_<recv::mmap_allocator,
               recv::memory_allocator,
               std::shared_ptr<recv::mmap_allocator>>(
        m, "MmapAllocator", "Memory straight from mmap (spead2.MmapAllocator).")
        .def(py::init([](int flags, bool prefer_huge) {
                 return std::make_shared<recv::mmap_allocator>(flags, prefer_huge);
             }),
             py::arg("flags") = 0,
             py::arg("prefer_huge") = false)
        .def_property_readonly("flags", &recv::mmap_allocator::get_flags)
        .def_property_readonly("prefer_huge", &recv::mmap_allocator::get_prefer_huge);

    py::class_<recv::memory_pool,
               recv::memory_allocator,
               std::shared_ptr<recv::memory_pool>>(
        m, "MemoryPool", "Recycles heap buffers (spead2.MemoryPool).")
        .def(py::init([](recv::thread_pool& pool,
                         std::size_t lower,
                         std::size_t upper,
                         std::size_t max_free,
                         std::size_t initial,
                         std::size_t low_water,
                         std::shared_ptr<recv::memory_allocator> allocator) {
                 return std::make_shared<recv::memory_pool>(
                     pool, lower, upper, max_free, initial, low_water, allocator);
             }),
             py::arg("thread_pool"),
             py::arg("lower"),
             py::arg("upper"),
             py::arg("max_free"),
             py::arg("initial"),
             py::arg("low_water"),
             py::arg("allocator") = nullptr,
             // Refills are posted to the thread pool: it must outlive the pool.
             py::keep_alive<1, 2>())
        .def(py::init([](std::size_t lower,
                         std::size_t upper,
                         std::size_t max_free,
                         std::size_t initial,
                         std::shared_ptr<recv::memory_allocator> allocator) {
                 return std::make_shared<recv::memory_pool>(
                     lower, upper, max_free, initial, allocator);
             }),
             py::arg("lower"),
             py::arg("upper"),
             py::arg("max_free"),
             py::arg("initial"),
             py::arg("allocator") = nullptr)
        .def_property("warn_on_empty",
                      &recv::memory_pool::get_warn_on_empty,
                      &recv::memory_pool::set_warn_on_empty)
        .def_property_readonly("lower", &recv::memory_pool::get_lower)
        .def_property_readonly("upper", &recv::memory_pool::get_upper)
        .def_property_readonly("max_free", &recv::memory_pool::get_max_free)
        .def_property_readonly("initial", &recv::memory_pool::get_initial)
        .def_property_readonly("low_water", &recv::memory_pool::get_low_water);
}

void bind_inproc_queue(py::module& m)
{
    py::class_<recv::inproc_queue, std::shared_ptr<recv::inproc_queue>>(
        m,
        "InprocQueue",
        "Packets passed inside one process, without a socket (spead2.InprocQueue).")
        .def(py::init([]() { return std::make_shared<recv::inproc_queue>(); }))
        .def(
            "add_packet",
            [](recv::inproc_queue& queue, const py::object& packet) {
                const buffer_view bytes(packet);
                queue.add_packet(bytes.data(), bytes.size());
            },
            py::arg("packet"),
            "Queues a copy of one packet (a bytes-like object). Raises Stopped after "
            "stop().")
        .def("stop",
             &recv::inproc_queue::stop,
             "Ends the streams reading the queue once they have taken what is queued.");
}

} // namespace

void bind_recv_common(py::module& m)
{
    bind_constants(m);
    bind_exceptions(m);
    bind_thread_pool(m);
    bind_allocators(m);
    bind_inproc_queue(m);
    install_python_log_bridge();
}

} // namespace python
} // namespace spead
} // namespace gr
