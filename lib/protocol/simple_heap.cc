/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <gnuradio/spead/protocol/decode_error.h>
#include <gnuradio/spead/protocol/item_ids.h>
#include <gnuradio/spead/protocol/simple_heap.h>
#include <algorithm>
#include <cstring>
#include <string>

namespace gr {
namespace spead {
namespace protocol {

namespace {

/// IDs 1-4 change from packet to packet (PAYLOAD_OFFSET above all) and describe packets,
/// not the heap: keeping them would only grow raw_pointers.
bool describes_packet(std::uint64_t raw, int heap_address_bits)
{
    const std::uint64_t id = item_pointer::decode(raw, heap_address_bits).id;
    return id >= HEAP_CNT_ID && id <= PAYLOAD_LENGTH_ID;
}

} // namespace

simple_heap_collector::simple_heap_collector(std::size_t max_payload)
    : d_max_payload(max_payload)
{
}

bool simple_heap_collector::add(const packet_view& packet)
{
    auto found = std::find_if(d_heaps.begin(), d_heaps.end(), [&](const simple_heap& h) {
        return h.cnt == packet.heap_cnt;
    });
    simple_heap* heap = found == d_heaps.end() ? nullptr : &*found;

    // Work out everything that could refuse the packet before touching the heap.
    std::int64_t heap_length = packet.heap_length;
    if (heap) {
        if (heap->heap_address_bits != packet.heap_address_bits)
            return false;
        if (heap->heap_length >= 0) {
            if (heap_length >= 0 && heap_length != heap->heap_length)
                return false;
            heap_length = heap->heap_length;
        }
    }
    // decode_packet keeps these below 2^57, so the sum cannot overflow.
    const std::uint64_t end = packet.payload_offset + packet.payload_length;
    if (end > d_max_payload)
        return false;
    std::size_t new_size;
    if (heap_length >= 0) {
        if (std::uint64_t(heap_length) > d_max_payload ||
            end > std::uint64_t(heap_length))
            return false;
        // An earlier unsized packet may already reach past a newly learnt length.
        if (heap && heap->payload.size() > std::size_t(heap_length))
            return false;
        new_size = std::size_t(heap_length);
    } else {
        new_size = std::max(heap ? heap->payload.size() : 0, std::size_t(end));
    }

    if (!heap) {
        d_heaps.emplace_back();
        heap = &d_heaps.back();
        heap->cnt = packet.heap_cnt;
        heap->heap_address_bits = packet.heap_address_bits;
    }
    heap->heap_length = heap_length;
    if (heap->payload.size() < new_size)
        heap->payload.resize(new_size);
    if (packet.payload_length)
        std::memcpy(heap->payload.data() + packet.payload_offset,
                    packet.payload,
                    std::size_t(packet.payload_length));
    heap->received_bytes += std::size_t(packet.payload_length);

    for (std::size_t i = 0; i < packet.n_items; i++) {
        const std::uint64_t raw = packet.raw_pointer(i);
        if (describes_packet(raw, packet.heap_address_bits))
            continue;
        // Heaps handled here are small; a linear search keeps the arrival order simply.
        if (std::find(heap->raw_pointers.begin(), heap->raw_pointers.end(), raw) ==
            heap->raw_pointers.end())
            heap->raw_pointers.push_back(raw);
    }
    return true;
}

std::vector<simple_heap> simple_heap_collector::take()
{
    std::vector<simple_heap> heaps;
    heaps.swap(d_heaps);
    return heaps;
}

std::vector<simple_heap> assemble_packet_stream(const std::uint8_t* data,
                                                std::size_t length)
{
    simple_heap_collector collector;
    std::size_t offset = 0;
    while (offset < length) {
        packet_view packet;
        const packet_status status =
            decode_packet(data + offset, length - offset, packet, packet_framing::stream);
        if (status != packet_status::ok)
            throw decode_error("malformed SPEAD packet at byte offset " +
                               std::to_string(offset) + ": " + to_string(status));
        if (!collector.add(packet))
            throw decode_error("SPEAD packet at byte offset " + std::to_string(offset) +
                               " does not fit heap " + std::to_string(packet.heap_cnt) +
                               " (its length or address width disagrees, or it is too "
                               "large)");
        offset += packet.size;
    }
    return collector.take();
}

} // namespace protocol
} // namespace spead
} // namespace gr
