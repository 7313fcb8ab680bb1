/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <gnuradio/spead/recv/mem_reader.h>
#include <gnuradio/spead/recv/stream.h>

namespace gr {
namespace spead {
namespace recv {

mem_reader::mem_reader(stream& owner, const std::uint8_t* data, std::size_t length)
    : offline_reader(owner), d_data(data), d_length(length)
{
}

bool mem_reader::read_batch(stream_batch& batch)
{
    while (d_position < d_length) {
        const std::uint8_t* data = d_data + d_position;
        const std::size_t left = d_length - d_position;
        protocol::packet_view packet;
        if (decode_packet(data, left, packet, protocol::packet_framing::stream) !=
            protocol::packet_status::ok) {
            // Where the next packet starts cannot be trusted (spead2 ends here too). The
            // stream still counts and logs this one.
            batch.add_packet(data, left, protocol::packet_framing::stream);
            break;
        }
        d_position += packet.size;
        if (!batch.add_decoded_packet(packet))
            return false; // a stop item, or stop()
    }
    batch.end_of_stream();
    return false;
}

} // namespace recv
} // namespace spead
} // namespace gr
