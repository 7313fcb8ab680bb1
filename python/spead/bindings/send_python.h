/*
 * Copyright 2026 gr-spead authors
 *
 * This file is part of gr-spead
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// Types shared by the bindings of the send API (the spead2.send look-alike): the
// Python Heap, which holds the buffers of its items, and heap references.

#ifndef INCLUDED_SPEAD_PYTHON_SEND_PYTHON_H
#define INCLUDED_SPEAD_PYTHON_SEND_PYTHON_H

#include <gnuradio/spead/send/heap.h>
#include <gnuradio/spead/send/stream.h>
#include <pybind11/pybind11.h>
#include <memory>
#include <vector>

namespace gr {
namespace spead {
namespace python {

namespace py = pybind11;

/**
 * Python's send.Heap: the engine's heap plus the buffers its items refer to. Each
 * item's value is the buffer its to_buffer() returns, held (not copied) until the heap
 * is freed, so changing an array after add_item changes what is sent, as in spead2.
 */
class py_send_heap
{
public:
    explicit py_send_heap(const protocol::flavour& flavour) : value(flavour) {}
    ~py_send_heap();
    py_send_heap(const py_send_heap&) = delete;
    py_send_heap& operator=(const py_send_heap&) = delete;

    /// item.id, item.to_buffer() (a C-contiguous buffer) and item.allow_immediate().
    void add_item(const py::object& item);
    /// descriptor.to_raw(flavour), a RawDescriptor.
    void add_descriptor(const py::object& descriptor);

    send::heap value;

private:
    std::vector<std::unique_ptr<Py_buffer>> d_buffers;
};

/// The Heap \p heap holds; TypeError for anything else.
inline py_send_heap& heap_of(const py::object& heap)
{
    if (!py::isinstance<py_send_heap>(heap))
        throw py::type_error("heap must be a gnuradio.spead.send.Heap");
    return heap.cast<py_send_heap&>();
}

/// Python's send.HeapReference: a Heap (kept alive) and its cnt, substream and rate.
struct py_heap_reference {
    py::object heap; ///< a py_send_heap
    std::int64_t cnt = -1;
    std::size_t substream_index = 0;
    double rate = -1.0;

    send::heap_reference to_engine() const
    {
        return send::heap_reference(heap_of(heap).value, cnt, substream_index, rate);
    }
};

/// Python's send.HeapReferenceList: a fixed list of references, made once.
struct py_heap_reference_list {
    std::vector<py_heap_reference> refs;
};

void bind_send_heap(py::module& send);
void bind_send_stream(py::module& send);

} // namespace python
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_PYTHON_SEND_PYTHON_H */
