/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_RECV_HEAP_H
#define INCLUDED_SPEAD_RECV_HEAP_H

#include <gnuradio/spead/protocol/descriptor.h>
#include <gnuradio/spead/protocol/flavour.h>
#include <gnuradio/spead/protocol/heap_items.h>
#include <gnuradio/spead/recv/memory_allocator.h>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace gr {
namespace spead {
namespace recv {

/**
 * \brief A heap handed to the consumer: complete, or (when the ring keeps them)
 * incomplete (spead2's Heap and IncompleteHeap in one type; is_complete() tells which).
 *
 * It owns its payload memory, which returns to its allocator or pool when the heap is
 * destroyed. Move-only.
 */
class heap
{
public:
    heap() = default;
    heap(heap&&) noexcept = default;
    heap& operator=(heap&&) noexcept = default;

    std::uint64_t get_cnt() const { return d_cnt; }
    /// Flavour of the heap's packets: their address width, and the stream's bug_compat.
    const protocol::flavour& get_flavour() const { return d_flavour; }

    /**
     * The heap's items (HEAP_CNT, HEAP_LENGTH, PAYLOAD_OFFSET and PAYLOAD_LENGTH
     * excluded; DESCRIPTOR items included), in spead2's order: addressed items by
     * payload offset, then immediate items by value, ties in arrival order. Addressed
     * ones locate bytes in payload(); in an incomplete heap those bytes may not all
     * have arrived (get_payload_ranges() tells which did).
     */
    const protocol::heap_item_list& get_items() const { return d_items; }
    const std::uint8_t* payload() const { return d_payload.get(); }
    /// Bytes of payload memory the items refer to (HEAP_LENGTH, or the extent received
    /// when unsized).
    std::size_t payload_size() const { return d_payload_size; }
    /// The payload memory with its deleter, which names the allocator it came from (a
    /// chunk stream finds there where it placed the heap).
    const memory_allocator::pointer& get_payload_memory() const { return d_payload; }

    /**
     * The descriptors this heap carries, decoded with the stream's bug_compat. A
     * malformed descriptor is logged and skipped; one without DESCRIPTOR_ID is ignored.
     * One with a numpy header has an empty format and shape, as in spead2.
     */
    std::vector<protocol::descriptor> get_descriptors() const;

    /// Carries STREAM_CTRL = start.
    bool is_start_of_stream() const { return d_start_of_stream; }
    /// Carries STREAM_CTRL = stop.
    bool is_end_of_stream() const { return d_end_of_stream; }

    /// False for an incomplete heap (evicted or flushed before all its payload arrived).
    bool is_complete() const { return d_complete; }
    /// HEAP_LENGTH, or -1 when no packet carried it.
    std::int64_t get_heap_length() const { return d_heap_length; }
    /// Payload bytes received.
    std::size_t get_received_length() const { return d_received_length; }
    /// [start, end) byte ranges received, merged and sorted; filled only for incomplete
    /// heaps when the ring config asks for it.
    const std::vector<std::pair<std::size_t, std::size_t>>& get_payload_ranges() const
    {
        return d_payload_ranges;
    }

private:
    friend class live_heap;

    std::uint64_t d_cnt = 0;
    protocol::flavour d_flavour;
    protocol::heap_item_list d_items;
    memory_allocator::pointer d_payload;
    std::size_t d_payload_size = 0;
    bool d_start_of_stream = false;
    bool d_end_of_stream = false;
    bool d_complete = true;
    std::int64_t d_heap_length = -1;
    std::size_t d_received_length = 0;
    std::vector<std::pair<std::size_t, std::size_t>> d_payload_ranges;
};

} // namespace recv
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_RECV_HEAP_H */
