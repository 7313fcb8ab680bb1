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
#include <stdexcept>

namespace gr {
namespace spead {
namespace recv {

pcap_reader::pcap_reader(stream& owner,
                         const std::string& filename,
                         const std::string& filter,
                         bool extended_frames)
    : offline_reader(owner),
      d_capture(
          std::make_unique<protocol::pcap_capture>(filename, filter, extended_frames))
{
}

pcap_reader::~pcap_reader() = default;

void pcap_reader::release_input()
{
    d_capture.reset(); // the file is not needed any more: release it now
}

bool pcap_reader::read_batch(stream_batch& batch)
{
    protocol::udp_frame_view frame;
    for (std::size_t i = 0; i < batch_frames; i++) {
        protocol::pcap_capture::frame_result result;
        try {
            result = d_capture->next(frame);
        } catch (const std::runtime_error& e) {
            log_message(protocol::log_level::error,
                        std::string(e.what()) + "; ending the stream");
            result = protocol::pcap_capture::frame_result::end_of_file;
        }
        if (result == protocol::pcap_capture::frame_result::end_of_file) {
            batch.end_of_stream();
            return false;
        }
        if (result == protocol::pcap_capture::frame_result::udp &&
            !batch.add_packet(
                frame.payload, frame.payload_length, protocol::packet_framing::datagram))
            return false;
    }
    return true;
}

} // namespace recv
} // namespace spead
} // namespace gr
