/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <gnuradio/spead/recv/mem_reader.h>
#include <gnuradio/spead/recv/stream.h>
#include <boost/asio/post.hpp>

namespace gr {
namespace spead {

mem_reader::mem_reader(stream& owner, const std::uint8_t* data, std::size_t length)
    : reader(owner), d_data(data), d_length(length)
{
}

void mem_reader::start()
{
    {
        std::lock_guard<std::mutex> lock(d_state_mutex);
        if (d_started || d_done)
            return;
        d_started = true;
    }
    boost::asio::post(get_io_context(), [this] { run(); });
}

void mem_reader::stop()
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

void mem_reader::finish()
{
    {
        std::lock_guard<std::mutex> lock(d_state_mutex);
        d_done = true;
    }
    // Last: once it returns the stream may destroy this reader (its mutexes included).
    mark_finished();
}

void mem_reader::run()
{
    if (d_stop_requested) {
        finish();
        return;
    }
    bool more = true;
    {
        stream_batch batch(get_stream());
        for (std::size_t i = 0; i < batch_packets && more; i++) {
            if (d_position >= d_length) {
                batch.end_of_stream();
                more = false;
                break;
            }
            std::size_t used = 0;
            const bool open = batch.add_packet(d_data + d_position,
                                               d_length - d_position,
                                               packet_framing::stream,
                                               &used);
            if (used == 0) {
                // A bad header leaves no way to find the next packet in a byte stream.
                batch.end_of_stream();
                more = false;
                break;
            }
            d_position += used;
            more = open;
        }
    }
    if (!more || d_stop_requested) {
        finish();
        return;
    }
    // One batch per handler, so that other work on the pool (and stop) gets a turn.
    boost::asio::post(get_io_context(), [this] { run(); });
}

} // namespace spead
} // namespace gr
