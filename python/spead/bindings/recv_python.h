/*
 * Copyright 2026 gr-spead authors
 *
 * This file is part of gr-spead
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// Types shared by the hand-written bindings of the receive API (the spead2.recv
// look-alike): heap wrappers whose raw items keep the heap alive, a bytes-like view, and
// the registration functions called from python_bindings.cc.

#ifndef INCLUDED_SPEAD_PYTHON_RECV_PYTHON_H
#define INCLUDED_SPEAD_PYTHON_RECV_PYTHON_H

#include <gnuradio/spead/protocol/descriptor.h>
#include <gnuradio/spead/recv/heap.h>
#include <pybind11/pybind11.h>
#include <array>
#include <cstdint>
#include <memory>

namespace gr {
namespace spead {
namespace python {

namespace py = pybind11;

/// A heap handed to Python. Python's Heap and IncompleteHeap are subclasses, so that an
/// isinstance() test tells them apart as in spead2.
struct heap_wrapper {
    explicit heap_wrapper(recv::heap&& h) : value(std::move(h)) {}
    virtual ~heap_wrapper() = default;
    recv::heap value;
};
struct complete_heap_wrapper : heap_wrapper {
    using heap_wrapper::heap_wrapper;
};
struct incomplete_heap_wrapper : heap_wrapper {
    using heap_wrapper::heap_wrapper;
};

/// Wraps a heap in the Python class its completeness calls for.
py::object wrap_heap(recv::heap&& h);

/**
 * One item of a heap (spead2's RawItem): its bytes are exposed through the buffer
 * protocol without a copy, and the item holds the heap so the memory stays valid for
 * every numpy array viewing it.
 */
struct raw_item {
    std::shared_ptr<heap_wrapper> owner;
    protocol::heap_item item;
    /// Value field of an immediate item, big-endian (heap_address_bits / 8 bytes).
    std::array<std::uint8_t, 8> immediate_bytes{};
    std::size_t immediate_length = 0;

    std::uint8_t* data()
    {
        if (item.immediate)
            return immediate_bytes.data();
        // The heap is owned by this process; handing out writable memory lets numpy
        // arrays viewing it be modified in place, as with spead2.
        return const_cast<std::uint8_t*>(owner->value.payload()) + item.offset;
    }
    std::size_t size() const { return item.immediate ? immediate_length : item.length; }
};

/// A contiguous read-only view of any bytes-like object, released on destruction.
class buffer_view
{
public:
    explicit buffer_view(const py::handle& obj)
    {
        if (PyObject_GetBuffer(obj.ptr(), &d_view, PyBUF_SIMPLE) != 0)
            throw py::error_already_set();
    }
    ~buffer_view() { PyBuffer_Release(&d_view); }
    buffer_view(const buffer_view&) = delete;
    buffer_view& operator=(const buffer_view&) = delete;

    const std::uint8_t* data() const
    {
        return static_cast<const std::uint8_t*>(d_view.buf);
    }
    std::size_t size() const { return std::size_t(d_view.len); }

private:
    Py_buffer d_view;
};

/**
 * Routes the engine's log to the Python logger "gnuradio.spead". Messages from threads
 * that hold the GIL are logged at once; those from reader threads are queued and
 * handed to Python by the interpreter's main thread (a pending call) or by the next
 * flush_python_log(), so that no reader thread ever waits for the GIL: it may hold the
 * stream's lock, and at interpreter exit a thread waiting for the GIL is terminated.
 */
void install_python_log_bridge();
/// Hands queued engine messages to Python logging; with the GIL held.
void flush_python_log();

void bind_recv_common(py::module& m);
void bind_recv_config(py::module& recv);
void bind_recv_heap(py::module& m, py::module& recv);
void bind_recv_stream(py::module& m, py::module& recv);
void bind_recv_chunk(py::module& m, py::module& recv);

} // namespace python
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_PYTHON_RECV_PYTHON_H */
