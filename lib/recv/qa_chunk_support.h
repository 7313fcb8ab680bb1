/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_QA_CHUNK_SUPPORT_H
#define INCLUDED_SPEAD_QA_CHUNK_SUPPORT_H

// Test helpers for chunk streams: heaps made with the protocol encoder (SPEAD-64-48,
// an immediate timestamp and one addressed data item whose bytes tell the heap apart),
// packets made by hand where every packet must carry the same pointers (packet
// presence), chunks with known sizes, and a simple place function.

#include "qa_stream_support.h"
#include <gnuradio/spead/protocol/heap_encoder.h>
#include <gnuradio/spead/protocol/item_ids.h>
#include <gnuradio/spead/recv/chunk_ring_stream.h>
#include <gnuradio/spead/recv/memory_allocator.h>
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

namespace gr {
namespace spead {
namespace qa {

constexpr std::uint64_t TIMESTAMP_ID = 0x1600;
constexpr std::uint64_t PAYLOAD_ID = 0x1601;
constexpr std::uint64_t EXTRA_ID = 0x1602;
/// Bytes of payload per heap in these tests.
constexpr std::size_t HEAP_BYTES = 64;
/// Heaps per chunk of simple_place.
constexpr std::size_t HEAPS_PER_CHUNK = 4;
/// The byte chunks are filled with before use (never a payload byte).
constexpr std::uint8_t FILL = 0xEE;

/// The payload of the heap with timestamp \p ts: every byte tells ts and position.
inline std::vector<std::uint8_t> payload_of(std::uint64_t ts,
                                            std::size_t size = HEAP_BYTES)
{
    std::vector<std::uint8_t> out(size);
    for (std::size_t i = 0; i < size; i++)
        out[i] = std::uint8_t((ts * 7 + i) % 251);
    return out;
}

inline encoder_options options_64_48(std::size_t max_packet_size = 1472)
{
    encoder_options o;
    o.flav = flavour(4, 64, 48, 0);
    o.max_packet_size = max_packet_size;
    return o;
}

/// A data heap: immediate TIMESTAMP_ID = \p ts (unless \p with_timestamp is false),
/// optionally EXTRA_ID = \p extra, and PAYLOAD_ID carrying payload_of(ts).
inline packet_list timestamp_heap(std::uint64_t cnt,
                                  std::uint64_t ts,
                                  bool with_timestamp = true,
                                  std::int64_t extra = -1,
                                  std::size_t max_packet_size = 1472)
{
    heap_contents h;
    h.cnt = cnt;
    if (with_timestamp)
        h.items.push_back(encoder_item::make_immediate(TIMESTAMP_ID, ts));
    if (extra >= 0)
        h.items.push_back(encoder_item::make_immediate(EXTRA_ID, std::uint64_t(extra)));
    h.items.push_back(encoder_item::make_addressed(PAYLOAD_ID, payload_of(ts)));
    return encode_heap(h, options_64_48(max_packet_size));
}

inline void append_be(std::vector<std::uint8_t>& out, std::uint64_t value)
{
    for (int shift = 56; shift >= 0; shift -= 8)
        out.push_back(std::uint8_t(value >> shift));
}

/// One SPEAD-64-48 packet made by hand: HEAP_CNT, HEAP_LENGTH, PAYLOAD_OFFSET,
/// PAYLOAD_LENGTH and TIMESTAMP_ID = \p ts in every packet, then \p length bytes of
/// payload_of(ts, heap_length) from \p offset.
inline std::vector<std::uint8_t> presence_packet(std::uint64_t cnt,
                                                 std::uint64_t ts,
                                                 std::size_t heap_length,
                                                 std::size_t offset,
                                                 std::size_t length)
{
    const auto immediate = [](std::uint64_t id, std::uint64_t value) {
        return (std::uint64_t(1) << 63) | (id << 48) | value;
    };
    std::vector<std::uint8_t> out = { 0x53, 4, 2, 6, 0, 0, 0, 5 };
    append_be(out, immediate(HEAP_CNT_ID, cnt));
    append_be(out, immediate(HEAP_LENGTH_ID, heap_length));
    append_be(out, immediate(PAYLOAD_OFFSET_ID, offset));
    append_be(out, immediate(PAYLOAD_LENGTH_ID, length));
    append_be(out, immediate(TIMESTAMP_ID, ts));
    const auto payload = payload_of(ts, heap_length);
    out.insert(out.end(), payload.begin() + offset, payload.begin() + offset + length);
    return out;
}

/// Memory owned by the chunk.
inline memory_allocator::pointer chunk_memory(std::size_t size, std::uint8_t fill)
{
    static const auto allocator = std::make_shared<memory_allocator>();
    auto p = allocator->allocate(size);
    std::memset(p.get(), fill, size);
    return p;
}

/// A chunk of \p heaps heaps of HEAP_BYTES, data filled with FILL, present zeroed, and
/// (when \p extra_bytes) an extra area of that many bytes filled with FILL.
inline std::unique_ptr<chunk> make_chunk(std::size_t heaps = HEAPS_PER_CHUNK,
                                         std::size_t extra_bytes = 0)
{
    auto c = std::make_unique<chunk>();
    c->present = chunk_memory(heaps, 0);
    c->present_size = heaps;
    c->data = chunk_memory(heaps * HEAP_BYTES, FILL);
    c->data_size = heaps * HEAP_BYTES;
    if (extra_bytes) {
        c->extra = chunk_memory(extra_bytes, FILL);
        c->extra_size = extra_bytes;
    }
    return c;
}

/// items = { TIMESTAMP_ID }: chunk ts / HEAPS_PER_CHUNK, heap ts % HEAPS_PER_CHUNK.
inline void simple_place(chunk_place_data* data, std::size_t)
{
    const std::int64_t ts = data->items[0];
    if (ts < 0)
        return;
    data->chunk_id = ts / std::int64_t(HEAPS_PER_CHUNK);
    data->heap_index = std::size_t(ts) % HEAPS_PER_CHUNK;
    data->heap_offset = data->heap_index * HEAP_BYTES;
}

inline chunk_stream_config simple_chunk_config(std::size_t max_chunks = 2)
{
    chunk_stream_config c;
    c.set_items({ TIMESTAMP_ID }).set_max_chunks(max_chunks).set_place(simple_place);
    return c;
}

/// A data and a free ring of \p capacity, the free ring holding \p chunks chunks.
struct ring_pair_fixture {
    std::shared_ptr<chunk_ringbuffer> data_ring;
    std::shared_ptr<chunk_ringbuffer> free_ring;

    explicit ring_pair_fixture(std::size_t chunks,
                               std::size_t capacity = 16,
                               std::size_t extra_bytes = 0)
        : data_ring(std::make_shared<chunk_ringbuffer>(capacity)),
          free_ring(std::make_shared<chunk_ringbuffer>(capacity))
    {
        for (std::size_t i = 0; i < chunks; i++)
            free_ring->push(make_chunk(HEAPS_PER_CHUNK, extra_bytes));
    }
};

/// Every chunk until the data ring stops.
inline std::vector<std::unique_ptr<chunk>> drain_chunks(chunk_ringbuffer& ring)
{
    std::vector<std::unique_ptr<chunk>> out;
    for (;;) {
        try {
            out.push_back(ring.pop());
        } catch (const ringbuffer_stopped&) {
            return out;
        }
    }
}

/// The heap-payload bytes of heap \p index of \p c.
inline std::vector<std::uint8_t> heap_bytes(const chunk& c, std::size_t index)
{
    const std::uint8_t* start = c.data.get() + index * HEAP_BYTES;
    return std::vector<std::uint8_t>(start, start + HEAP_BYTES);
}

inline std::vector<std::uint8_t> present_of(const chunk& c)
{
    return std::vector<std::uint8_t>(c.present.get(), c.present.get() + c.present_size);
}

} // namespace qa
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_QA_CHUNK_SUPPORT_H */
