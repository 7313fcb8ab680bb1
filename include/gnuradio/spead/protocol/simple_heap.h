/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_PROTOCOL_SIMPLE_HEAP_H
#define INCLUDED_SPEAD_PROTOCOL_SIMPLE_HEAP_H

#include <gnuradio/spead/protocol/heap_items.h>
#include <gnuradio/spead/protocol/packet.h>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace gr {
namespace spead {
namespace protocol {

/**
 * \brief A heap assembled from a small, complete, in-order-or-not sequence of packets.
 *
 * Not the receive engine: no eviction, no statistics, no limits beyond \p max_payload.
 * Used to decode descriptor items (whose value is an embedded packet stream) and by
 * offline tools that read captures.
 */
struct simple_heap {
    std::uint64_t cnt = 0;
    int heap_address_bits = 40;
    /// Distinct item pointers in arrival order, without the per-packet ones (IDs 1-4).
    std::vector<std::uint64_t> raw_pointers;
    std::vector<std::uint8_t> payload;
    std::size_t received_bytes = 0;
    std::int64_t heap_length = -1;

    bool complete() const
    {
        return heap_length >= 0 ? received_bytes == std::size_t(heap_length)
                                : received_bytes == payload.size();
    }
    std::vector<heap_item> items() const
    {
        return extract_heap_items(raw_pointers, heap_address_bits, payload.size());
    }
};

/**
 * \brief Gathers packets into simple_heap objects by heap counter.
 *
 * Payload lands at PAYLOAD_OFFSET; the payload buffer grows to HEAP_LENGTH (or to the
 * furthest byte received when unsized), never beyond \p max_payload.
 */
class simple_heap_collector
{
public:
    explicit simple_heap_collector(std::size_t max_payload = std::size_t(64) << 20);

    /**
     * Adds one decoded packet. Returns false (and keeps nothing of it) when it would grow
     * its heap beyond max_payload, or when its HEAP_LENGTH or address width disagrees
     * with earlier packets of the same heap.
     */
    bool add(const packet_view& packet);

    /// The heaps collected so far, in order of their first packet; the collector empties.
    std::vector<simple_heap> take();

private:
    std::size_t d_max_payload;
    std::vector<simple_heap> d_heaps;
};

/**
 * \brief Assembles every heap of a byte stream of whole packets (stream framing).
 * \throws decode_error when a packet is malformed or truncated, or add() refuses it.
 */
std::vector<simple_heap> assemble_packet_stream(const std::uint8_t* data,
                                                std::size_t length);

} // namespace protocol
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_PROTOCOL_SIMPLE_HEAP_H */
