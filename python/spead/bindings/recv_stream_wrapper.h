/*
 * Copyright 2026 gr-spead authors
 *
 * This file is part of gr-spead
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// The C++ objects behind Python's stream classes: _Stream (the base that holds the
// readers, recv_readers_python.cc) and recv.Stream (get, stop, statistics,
// recv_stream_python.cc); the chunk streams derive from _Stream too
// (recv_chunk_python.cc).

#ifndef INCLUDED_SPEAD_PYTHON_RECV_STREAM_WRAPPER_H
#define INCLUDED_SPEAD_PYTHON_RECV_STREAM_WRAPPER_H

#include "recv_python.h"

#include <gnuradio/spead/recv/mem_reader.h>
#include <gnuradio/spead/recv/ring_stream.h>
#include <memory>
#include <utility>
#include <vector>

namespace gr {
namespace spead {
namespace python {

/**
 * What every Python stream class holds (spead2's _Stream): the thread pool's Python
 * object, the buffers of buffer readers, and the engine stream the readers are added to.
 */
class stream_wrapper_base
{
public:
    explicit stream_wrapper_base(py::object pool_object)
        : d_pool_object(std::move(pool_object))
    {
    }
    /// The derived class destroys its stream first (without the GIL); the buffers of
    /// buffer readers are released here, with the GIL, after the readers are gone.
    virtual ~stream_wrapper_base() { d_buffers.clear(); }

    recv::thread_pool& pool() { return d_pool_object.cast<recv::thread_pool&>(); }
    /// The stream readers are added to.
    virtual recv::stream& base_stream() = 0;

    template <typename T, typename... Args>
    T& add_reader(Args&&... args)
    {
        T* added;
        {
            py::gil_scoped_release release;
            added = &base_stream().emplace_reader<T>(std::forward<Args>(args)...);
        }
        flush_python_log(); // e.g. a socket buffer the kernel did not grant in full
        return *added;
    }

    void add_buffer_reader(const py::object& buffer)
    {
        auto view = std::make_unique<buffer_view>(buffer);
        const std::uint8_t* data = view->data();
        const std::size_t size = view->size();
        d_buffers.push_back(std::move(view));
        add_reader<recv::mem_reader>(data, size);
    }

    boost::asio::io_context& io_context()
    {
        return base_stream().get_thread_pool().get_io_context();
    }

private:
    py::object d_pool_object; ///< keeps the ThreadPool alive while the stream lives
    std::vector<std::unique_ptr<buffer_view>> d_buffers;
};

/// Python's recv.Stream: a ring_stream.
class stream_wrapper : public stream_wrapper_base
{
public:
    stream_wrapper(py::object pool_object,
                   const recv::stream_config& config,
                   const recv::ring_stream_config& ring_config)
        : stream_wrapper_base(std::move(pool_object))
    {
        d_stream = std::make_unique<recv::ring_stream>(pool(), config, ring_config);
    }

    ~stream_wrapper() override
    {
        py::gil_scoped_release release;
        d_stream.reset();
    }

    recv::ring_stream& get() { return *d_stream; }
    recv::stream& base_stream() override { return *d_stream; }

private:
    std::unique_ptr<recv::ring_stream> d_stream;
};

/// Adds the add_*_reader methods to _Stream, the base of every Python stream class.
void bind_stream_readers(py::class_<stream_wrapper_base>& cls);

} // namespace python
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_PYTHON_RECV_STREAM_WRAPPER_H */
