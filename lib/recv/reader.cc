/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <gnuradio/spead/recv/reader.h>
#include <gnuradio/spead/recv/stream.h>

namespace gr {
namespace spead {
namespace recv {

reader::reader(stream& owner) : d_stream(owner) {}

boost::asio::io_context& reader::get_io_context()
{
    return d_stream.get_thread_pool().get_io_context();
}

void reader::mark_finished()
{
    std::lock_guard<std::mutex> lock(d_mutex);
    d_finished = true;
    d_finished_cv.notify_all();
}

void reader::wait_finished()
{
    std::unique_lock<std::mutex> lock(d_mutex);
    d_finished_cv.wait(lock, [this] { return d_finished; });
}

bool reader::is_finished() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return d_finished;
}

} // namespace recv
} // namespace spead
} // namespace gr
