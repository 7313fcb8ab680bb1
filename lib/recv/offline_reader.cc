/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <gnuradio/spead/recv/offline_reader.h>
#include <gnuradio/spead/recv/stream.h>
#include <boost/asio/post.hpp>

namespace gr {
namespace spead {
namespace recv {

offline_reader::offline_reader(stream& owner) : reader(owner) {}

void offline_reader::start()
{
    {
        std::lock_guard<std::mutex> lock(d_state_mutex);
        if (d_started || d_done)
            return;
        d_started = true;
    }
    boost::asio::post(get_io_context(), [this] { run(); });
}

void offline_reader::stop()
{
    d_stop_requested = true;
    bool never_started = false;
    {
        std::lock_guard<std::mutex> lock(d_state_mutex);
        if (!d_started && !d_done) {
            d_done = true; // never started: no handler will run
            never_started = true;
        }
    }
    if (never_started)
        mark_finished();
}

void offline_reader::finish()
{
    release_input();
    {
        std::lock_guard<std::mutex> lock(d_state_mutex);
        d_done = true;
    }
    // Last: once it returns the stream may destroy this reader (its mutexes included).
    mark_finished();
}

void offline_reader::run()
{
    if (d_stop_requested) {
        finish();
        return;
    }
    bool more;
    {
        stream_batch batch(get_stream());
        // A stop that came before this batch began: nothing is read (as spead2's
        // readers, which check the stream before each packet).
        more = !batch.is_stopped() && read_batch(batch);
    }
    if (!more || d_stop_requested) {
        finish();
        return;
    }
    boost::asio::post(get_io_context(), [this] { run(); });
}

} // namespace recv
} // namespace spead
} // namespace gr
