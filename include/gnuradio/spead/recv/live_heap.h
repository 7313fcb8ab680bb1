/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_RECV_LIVE_HEAP_H
#define INCLUDED_SPEAD_RECV_LIVE_HEAP_H

#include <gnuradio/spead/protocol/packet.h>
#include <gnuradio/spead/recv/heap.h>
#include <gnuradio/spead/recv/memcpy.h>
#include <gnuradio/spead/recv/memory_allocator.h>
#include <unordered_set>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <vector>

namespace gr {
namespace spead {
namespace recv {

/// What a live heap needs from the stream configuration (resolved once per stream).
struct live_heap_options {
    bool allow_out_of_order = false;
    bool allow_unsized_heaps = true;
    std::size_t max_heap_size = std::size_t(64) << 20;
    int bug_compat = 0;
    memcpy_function_ptr copy = nullptr; ///< nullptr means std::memcpy
    /// Must be set. A live heap passes the packet that needs the memory as the
    /// allocation hint (a const protocol::packet_view*), so that a chunk stream can place
    /// the heap from its items; other allocators ignore it.
    std::shared_ptr<memory_allocator> allocator;
    /// Chunk streams only (empty otherwise): writes each accepted packet's payload (of at
    /// least one byte) into the heap's memory instead of \a copy.
    std::function<void(const memory_allocator::pointer& payload,
                       const protocol::packet_view& packet)>
        write_payload;
};

/**
 * \brief A heap being assembled from its packets (SPEAD-PROTOCOL.md section 4); the
 * stream's window holds these. Internal to the engine, public for its tests.
 *
 * Memory is allocated once from HEAP_LENGTH at the first packet that carries it (never
 * beyond max_heap_size); an unsized heap grows geometrically as data arrives. Each
 * payload is copied once, straight to its place. In-order mode requires each packet to
 * start where the previous ended; out-of-order mode tracks received ranges and rejects
 * overlaps.
 *
 * The heap's extent follows spead2: the largest of HEAP_LENGTH, every addressed item
 * pointer's offset and (for packets without HEAP_LENGTH) every payload's end. An item
 * pointer beyond HEAP_LENGTH is accepted, but such a heap can never be complete, and a
 * later packet whose HEAP_LENGTH is below the extent is refused.
 */
class live_heap
{
public:
    /// Why add_packet refused a packet (the stream counts each).
    enum class add_result {
        accepted,
        duplicate,    ///< out-of-order mode: payload overlaps bytes already received
        out_of_order, ///< in-order mode and offset != bytes received
        heap_length_mismatch, ///< HEAP_LENGTH differs from earlier packets' or is below
                              ///< the heap's extent
        flavour_mismatch,     ///< heap_address_bits differs from the heap's first packet
        too_large,            ///< HEAP_LENGTH or offset + length beyond max_heap_size
        unsized,              ///< no HEAP_LENGTH and unsized heaps are not allowed
        allocation_failed,    ///< the allocator threw std::bad_alloc
    };

    /**
     * An empty heap for \p cnt; the first accepted packet fixes its address width.
     * Allocation-free. \p options is kept by reference: it must outlive the heap.
     * \throws std::invalid_argument when options.allocator is null.
     */
    live_heap(std::uint64_t cnt, const live_heap_options& options);
    live_heap(live_heap&&) noexcept = default;
    live_heap& operator=(live_heap&&) noexcept = default;

    /**
     * Adds one decoded packet of this heap (packet.heap_cnt == get_cnt()). A refused
     * packet leaves the heap exactly as it was (its item pointers are not kept either).
     */
    add_result add_packet(const protocol::packet_view& packet);

    std::uint64_t get_cnt() const { return d_cnt; }
    /// True once every byte of a sized heap has arrived and nothing lies beyond
    /// HEAP_LENGTH (the stream then delivers it at once).
    bool is_complete() const;
    /// True when the bytes received cover the whole extent (see the class comment): a
    /// heap that leaves the window like this is delivered as complete.
    bool is_contiguous() const;
    std::int64_t get_heap_length() const { return d_heap_length; }
    /// The heap's extent so far (see the class comment).
    std::uint64_t get_min_length() const { return d_min_length; }
    std::size_t get_received_length() const { return d_received_length; }
    /// Packets accepted so far.
    std::size_t get_packets() const { return d_packets; }
    /// A STREAM_CTRL = stop pointer arrived.
    bool is_end_of_stream() const { return d_end_of_stream; }

    /**
     * \brief Where the next in-order payload byte goes, for a reader that receives
     * payload straight into place; \p room receives how many bytes from there are
     * neither received nor beyond the heap. nullptr (and room 0) unless the heap is
     * sized, its memory allocated and the stream in in-order mode.
     *
     * add_packet() does not copy a payload that is already at its destination. Bytes
     * written there by anything else are not received until a packet says so, and are
     * overwritten by the packet that does.
     */
    std::uint8_t* next_payload_destination(std::size_t& room);

    /**
     * \brief Turns the live heap into a delivered heap (moves the memory out).
     * Complete when is_contiguous(); incomplete otherwise, with payload ranges when
     * \p keep_payload_ranges. Leaves this live heap empty.
     */
    heap finish(bool keep_payload_ranges);

    /**
     * \brief Empties the heap (its memory goes back to the allocator) and starts it
     * again as an empty heap for \p cnt. Keeps the capacity of the pointer list when
     * it is small, so that a window slot reused heap after heap does not allocate.
     */
    void reset(std::uint64_t cnt);

    /// The heap's memory so far (null before the first packet that needs it).
    const memory_allocator::pointer& get_payload_memory() const { return d_payload; }
    /// Bytes of that memory.
    std::size_t get_payload_capacity() const { return d_capacity; }
    /// Continues the heap in \p memory (get_payload_capacity() bytes or more): the
    /// bytes received so far are copied there and the old memory is given back.
    void replace_payload(memory_allocator::pointer memory);

private:
    /// Grows the heap's memory for \p packet; false on failure.
    bool reserve(std::size_t bytes, const protocol::packet_view& packet);
    /// Copies the bytes received so far into \p to (the gaps hold nothing worth it).
    void copy_received(std::uint8_t* to) const;
    add_result check_length(const protocol::packet_view& packet) const;
    bool range_is_new(std::size_t start, std::size_t end) const;
    void add_range(std::size_t start, std::size_t end);
    bool has_pointer(std::uint64_t raw) const;
    void add_pointer(std::uint64_t raw);
    void truncate_pointers(std::size_t count);

    std::uint64_t d_cnt;
    const live_heap_options* d_options;
    int d_heap_address_bits = 0;
    std::int64_t d_heap_length = -1;
    std::size_t d_received_length = 0;
    std::size_t d_packets = 0;
    /// The extent: HEAP_LENGTH, addressed pointer offsets, unsized payload ends.
    std::uint64_t d_min_length = 0;
    bool d_start_of_stream = false;
    bool d_end_of_stream = false;
    memory_allocator::pointer d_payload;
    std::size_t d_capacity = 0;
    std::vector<std::uint64_t> d_pointers; ///< distinct, arrival order
    /// Index of d_pointers, filled only once a heap has many distinct pointers (so that
    /// the common small heap stays allocation-free and a hostile one stays linear).
    std::unordered_set<std::uint64_t> d_pointer_index;
    /// Out-of-order mode: start -> end of what arrived (an empty payload may leave an
    /// empty range, as in spead2, where it can make a later packet an overlap).
    std::map<std::size_t, std::size_t> d_ranges;
};

} // namespace recv
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_RECV_LIVE_HEAP_H */
