/*
 * Copyright 2026 gr-spead authors
 *
 * This file is part of gr-spead
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// The C++ object behind Python's recv.Stream, shared by recv_stream_python.cc (get,
// stop, statistics) and recv_readers_python.cc (the add_*_reader methods).

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

class stream_wrapper
{
public:
    stream_wrapper(py::object pool_object,
                   const recv::stream_config& config,
                   const recv::ring_stream_config& ring_config)
        : d_pool_object(std::move(pool_object))
    {
        recv::thread_pool& pool = d_pool_object.cast<recv::thread_pool&>();
        d_stream = std::make_unique<recv::ring_stream>(pool, config, ring_config);
    }

    ~stream_wrapper()
    {
        {
            py::gil_scoped_release release;
            d_stream.reset();
        }
        // Buffers of buffer readers are released now, with the GIL and after the
        // readers are gone; then the thread pool reference.
        d_buffers.clear();
    }

    recv::ring_stream& get() { return *d_stream; }

    template <typename T, typename... Args>
    T& add_reader(Args&&... args)
    {
        T* added;
        {
            py::gil_scoped_release release;
            added = &d_stream->emplace_reader<T>(std::forward<Args>(args)...);
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
        return d_stream->get_thread_pool().get_io_context();
    }

private:
    py::object d_pool_object; ///< keeps the ThreadPool alive while the stream lives
    std::vector<std::unique_ptr<buffer_view>> d_buffers;
    std::unique_ptr<recv::ring_stream> d_stream;
};

/// Adds the add_*_reader methods to the Stream class.
void bind_stream_readers(py::class_<stream_wrapper>& cls);

} // namespace python
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_PYTHON_RECV_STREAM_WRAPPER_H */
