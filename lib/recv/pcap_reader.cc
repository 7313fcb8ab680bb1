/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "../protocol/pcap_capture.h"
#include <gnuradio/spead/protocol/log.h>
#include <gnuradio/spead/recv/pcap_reader.h>
#include <gnuradio/spead/recv/stream.h>
#include <boost/asio/post.hpp>
#include <stdexcept>

namespace gr {
namespace spead {

pcap_reader::pcap_reader(stream& owner,
                         const std::string& filename,
                         const std::string& filter)
    : reader(owner), d_capture(std::make_unique<pcap_capture>(filename, filter))
{
}

pcap_reader::~pcap_reader() = default;

void pcap_reader::start()
{
    {
        std::lock_guard<std::mutex> lock(d_state_mutex);
        if (d_started || d_done)
            return;
        d_started = true;
    }
    boost::asio::post(get_io_context(), [this] { run(); });
}

void pcap_reader::stop()
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

void pcap_reader::finish()
{
    d_capture.reset(); // the file is not needed any more: release it now
    {
        std::lock_guard<std::mutex> lock(d_state_mutex);
        d_done = true;
    }
    // Last: once it returns the stream may destroy this reader.
    mark_finished();
}

void pcap_reader::run()
{
    if (d_stop_requested) {
        finish();
        return;
    }
    bool more = true;
    {
        stream_batch batch(get_stream());
        udp_frame_view frame;
        for (std::size_t i = 0; i < batch_frames && more; i++) {
            pcap_capture::frame_result result;
            try {
                result = d_capture->next(frame);
            } catch (const std::runtime_error& e) {
                log_message(log_level::error,
                            std::string(e.what()) + "; ending the stream");
                result = pcap_capture::frame_result::end_of_file;
            }
            if (result == pcap_capture::frame_result::end_of_file) {
                batch.end_of_stream();
                more = false;
            } else if (result == pcap_capture::frame_result::udp) {
                more = batch.add_packet(
                    frame.payload, frame.payload_length, packet_framing::datagram);
            }
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
