/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_QA_BLOCK_HEAPS_H
#define INCLUDED_SPEAD_QA_BLOCK_HEAPS_H

// Test support for the block helpers: received heaps made from encoded ones (through a
// ring stream reading memory, as the blocks receive them).

#include <gnuradio/spead/protocol/heap_encoder.h>
#include <gnuradio/spead/recv/mem_reader.h>
#include <gnuradio/spead/recv/ring_stream.h>
#include <gnuradio/spead/recv/thread_pool.h>
#include <vector>

namespace gr {
namespace spead {
namespace qa {

/// The heaps a stream receives from \p heaps encoded in SPEAD-64-48, in order.
inline std::vector<recv::heap>
receive_heaps(const std::vector<protocol::heap_contents>& heaps)
{
    protocol::encoder_options opts;
    opts.flav = protocol::flavour(4, 64, 48);
    std::vector<std::vector<std::uint8_t>> packets;
    for (const auto& h : heaps)
        for (auto& p : protocol::encode_heap(h, opts))
            packets.push_back(std::move(p));
    const std::vector<std::uint8_t> buffer = protocol::concatenate_packets(packets);
    recv::thread_pool pool(1);
    recv::ring_stream_config ring;
    ring.set_heaps(heaps.size() + 1);
    recv::ring_stream s(pool, recv::stream_config(), ring);
    s.emplace_reader<recv::mem_reader>(buffer.data(), buffer.size());
    std::vector<recv::heap> out;
    while (true) {
        try {
            out.push_back(s.pop());
        } catch (const recv::ringbuffer_stopped&) {
            break;
        }
    }
    return out;
}

} // namespace qa
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_QA_BLOCK_HEAPS_H */
