/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <gnuradio/spead/recv/strand_reader.h>

namespace gr {
namespace spead {
namespace recv {

strand_reader::strand_reader(stream& owner)
    : reader(owner), d_strand(boost::asio::make_strand(get_io_context()))
{
}

void strand_reader::start()
{
    std::lock_guard<std::mutex> lock(d_state_mutex);
    if (d_started || d_stopped)
        return;
    d_started = true;
    // Posted under the lock, so that a concurrent stop() posts its close after this.
    boost::asio::post(d_strand, [this] { run_begin(); });
}

void strand_reader::stop()
{
    bool never_started = false;
    {
        std::lock_guard<std::mutex> lock(d_state_mutex);
        d_stop_requested = true;
        if (d_stopped)
            return;
        d_stopped = true;
        if (d_started)
            boost::asio::post(d_strand, [this] { run_close(); });
        else
            never_started = true; // no handler was ever posted
    }
    if (never_started)
        mark_finished();
}

void strand_reader::run_begin()
{
    // stop() may have come between start() and now: its close is queued behind us.
    if (!stop_requested())
        begin();
}

void strand_reader::run_close()
{
    d_closed = true;
    close();
    finish_if_done();
}

void strand_reader::finish_if_done()
{
    if (d_closed && d_pending == 0 && !d_finish_marked) {
        d_finish_marked = true;
        mark_finished();
    }
}

} // namespace recv
} // namespace spead
} // namespace gr
