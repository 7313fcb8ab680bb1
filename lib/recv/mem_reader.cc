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

mem_reader::mem_reader(stream& owner, const std::uint8_t* data, std::size_t length)
    : batch_reader(owner), d_data(data), d_length(length)
{
}

bool mem_reader::read_batch(stream_batch& batch)
{
    for (std::size_t i = 0; i < batch_packets; i++) {
        if (d_position >= d_length) {
            batch.end_of_stream();
            return false;
        }
        std::size_t used = 0;
        const bool open = batch.add_packet(
            d_data + d_position, d_length - d_position, packet_framing::stream, &used);
        if (used == 0) {
            // A bad header leaves no way to find the next packet in a byte stream.
            batch.end_of_stream();
            return false;
        }
        d_position += used;
        if (!open)
            return false;
    }
    return true;
}

} // namespace spead
} // namespace gr
