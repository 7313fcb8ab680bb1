/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "bench_workload.h"
#include <gnuradio/spead/protocol/heap_encoder.h>
#include <gnuradio/spead/protocol/packet.h>
#include <algorithm>
#include <random>
#include <stdexcept>

namespace gr {
namespace spead {
namespace bench {

namespace {

constexpr std::size_t MIB = std::size_t(1) << 20;
constexpr std::size_t KIB = std::size_t(1) << 10;
/// Jumbo-frame UDP payload: the packet size radio telescopes send.
constexpr std::size_t JUMBO_PACKET = 8972;

std::vector<scenario> make_scenarios()
{
    // About 64 MiB of payload per pass: far beyond a core's L1 and L2 (a large shared L3
    // may still hold it, as it would a NIC's freshly written buffers), and long enough
    // that setting up a stream per pass is noise.
    std::vector<scenario> list;
    list.push_back({ "1MiB-8972",
                     MIB,
                     JUMBO_PACKET,
                     64,
                     false,
                     recv::memcpy_function::standard,
                     "1 MiB heaps in 8972-byte packets, in order" });
    list.push_back({ "4KiB-single",
                     4 * KIB,
                     JUMBO_PACKET,
                     16384,
                     false,
                     recv::memcpy_function::standard,
                     "4 KiB heaps, one packet each" });
    list.push_back({ "1MiB-8972-ooo",
                     MIB,
                     JUMBO_PACKET,
                     64,
                     true,
                     recv::memcpy_function::standard,
                     "1 MiB heaps, packets shuffled within each heap, "
                     "allow_out_of_order" });
    list.push_back({ "1MiB-nontemporal",
                     MIB,
                     JUMBO_PACKET,
                     64,
                     false,
                     recv::memcpy_function::nontemporal,
                     "1 MiB heaps in 8972-byte packets, non-temporal copy" });
    return list;
}

} // namespace

const std::vector<scenario>& mem_scenarios()
{
    static const std::vector<scenario> list = make_scenarios();
    return list;
}

std::uint8_t workload::expected_byte(std::uint64_t cnt, std::size_t offset)
{
    // Varies with both, and with the byte's position inside a word, so that a shifted
    // copy or one landing in the wrong heap shows.
    return std::uint8_t(cnt * 131 + offset * 7 + (offset >> 8));
}

workload build_workload(const scenario& s)
{
    protocol::encoder_options options;
    options.max_packet_size = s.max_packet_size;
    options.include_heap_length = true;

    workload w;
    w.heaps = s.heaps;
    w.heap_size = s.heap_size;
    std::mt19937 shuffle_rng(SHUFFLE_SEED);
    std::vector<std::vector<std::uint8_t>> packets;
    std::vector<std::uint8_t> payload(s.heap_size);
    for (std::size_t h = 0; h < s.heaps; h++) {
        const std::uint64_t cnt = h + 1;
        for (std::size_t i = 0; i < payload.size(); i++)
            payload[i] = workload::expected_byte(cnt, i);
        protocol::heap_contents contents;
        contents.cnt = cnt;
        contents.items.push_back(
            protocol::encoder_item::make_addressed(BENCH_ITEM_ID, payload));
        auto heap_packets = encode_heap(contents, options);
        if (s.shuffle_within_heap)
            std::shuffle(heap_packets.begin(), heap_packets.end(), shuffle_rng);
        for (auto& p : heap_packets)
            packets.push_back(std::move(p));
    }
    w.buffer = protocol::concatenate_packets(packets);
    w.packets = packets.size();

    // Decode once up front: the memcpy baseline needs every payload's place, and a
    // buffer that does not decode cleanly would void the benchmark.
    std::size_t position = 0;
    while (position < w.buffer.size()) {
        protocol::packet_view view;
        const protocol::packet_status status =
            decode_packet(w.buffer.data() + position,
                          w.buffer.size() - position,
                          view,
                          protocol::packet_framing::stream);
        if (status != protocol::packet_status::ok)
            throw std::runtime_error(std::string("bench workload ") + s.name +
                                     ": packet at byte " + std::to_string(position) +
                                     " does not decode (" + to_string(status) + ")");
        payload_span span;
        span.buffer_offset = std::size_t(view.payload - w.buffer.data());
        span.heap_offset = std::size_t(view.payload_offset);
        span.length = std::size_t(view.payload_length);
        w.spans.push_back(span);
        w.payload_bytes += span.length;
        position += view.size;
    }
    if (w.spans.size() != w.packets || w.payload_bytes != s.heaps * s.heap_size)
        throw std::runtime_error(std::string("bench workload ") + s.name + ": decoded " +
                                 std::to_string(w.spans.size()) + " packets and " +
                                 std::to_string(w.payload_bytes) +
                                 " payload bytes, expected " + std::to_string(w.packets) +
                                 " and " + std::to_string(s.heaps * s.heap_size));
    return w;
}

} // namespace bench
} // namespace spead
} // namespace gr
