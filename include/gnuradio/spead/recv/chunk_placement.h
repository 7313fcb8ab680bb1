/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_RECV_CHUNK_PLACEMENT_H
#define INCLUDED_SPEAD_RECV_CHUNK_PLACEMENT_H

#include <gnuradio/spead/recv/chunk_stream_config.h>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

namespace gr {
namespace spead {
namespace recv {

/**
 * \brief The built-in place function for the usual telescope layout (not in spead2): a
 * chunk is a block of time, heaps are placed by an immediate timestamp and optionally
 * by a second immediate index (a channel offset, an F-engine number).
 *
 * For a heap with timestamp \a t and index value \a v:
 *   - time step: s = t / heap_timestamp_step (rounded down);
 *   - chunk ID: s / heaps_per_chunk;
 *   - heap index: (s % heaps_per_chunk) * index_count + v / index_step (just
 *     s % heaps_per_chunk without an index item), so a chunk holds, time step after
 *     time step, index_count heaps each;
 *   - offset: heap index * heap_size;
 *   - extra: the immediate values of the extra items, one std::int64_t each in host
 *     byte order (-1 when absent), at heap index * 8 * extra item count.
 *
 * A heap is rejected (rejected_heaps) when it has no timestamp, when an index item is
 * configured and missing or v / index_step >= index_count, or when its HEAP_LENGTH is
 * not heap_size. The function reads the items from the packet itself: the stream's
 * chunk_stream_config::get_items() need not name them.
 */
class timestamp_placement
{
public:
    /// \throws std::invalid_argument naming the parameter when a step, count or size is
    /// 0.
    timestamp_placement(std::uint64_t timestamp_id,
                        std::uint64_t heap_timestamp_step,
                        std::size_t heaps_per_chunk,
                        std::size_t heap_size);

    /// Places heaps also by item \p index_id: v / \p index_step, below \p index_count.
    timestamp_placement&
    set_index(std::uint64_t index_id, std::uint64_t index_step, std::size_t index_count);
    /// Items whose values are copied to chunk::extra.
    timestamp_placement& set_extra_items(const std::vector<std::uint64_t>& ids);

    std::uint64_t get_timestamp_id() const { return d_timestamp_id; }
    std::uint64_t get_heap_timestamp_step() const { return d_timestamp_step; }
    std::size_t get_heaps_per_chunk() const { return d_heaps_per_chunk; }
    std::size_t get_heap_size() const { return d_heap_size; }
    std::optional<std::uint64_t> get_index_id() const { return d_index_id; }
    std::uint64_t get_index_step() const { return d_index_step; }
    std::size_t get_index_count() const { return d_index_count; }
    const std::vector<std::uint64_t>& get_extra_items() const { return d_extra_ids; }

    /// Heaps per chunk, all indices included: the size of chunk::present.
    std::size_t chunk_heaps() const { return d_heaps_per_chunk * d_index_count; }
    /// Bytes of chunk::data.
    std::size_t chunk_data_size() const { return chunk_heaps() * d_heap_size; }
    /// Bytes of extra per heap (chunk_stream_config::set_max_heap_extra).
    std::size_t heap_extra_size() const
    {
        return d_extra_ids.size() * sizeof(std::int64_t);
    }
    /// Bytes of chunk::extra.
    std::size_t chunk_extra_size() const { return chunk_heaps() * heap_extra_size(); }
    /// The first timestamp of chunk \p chunk_id.
    std::uint64_t chunk_timestamp(std::int64_t chunk_id) const
    {
        return std::uint64_t(chunk_id) * d_heaps_per_chunk * d_timestamp_step;
    }

    /// The place function (a copy of this placement).
    chunk_place_function place_function() const;
    /// Sets \p config's place function and raises its max_heap_extra to what it needs.
    void apply(chunk_stream_config& config) const;
    /// A chunk with memory of this layout (present zeroed), owned by the chunk.
    std::unique_ptr<chunk> make_chunk() const;

    /// Places one heap (what place_function() calls).
    void place(chunk_place_data& data) const;

private:
    std::uint64_t d_timestamp_id;
    std::uint64_t d_timestamp_step;
    std::size_t d_heaps_per_chunk;
    std::size_t d_heap_size;
    std::optional<std::uint64_t> d_index_id;
    std::uint64_t d_index_step = 1;
    std::size_t d_index_count = 1;
    std::vector<std::uint64_t> d_extra_ids;
};

} // namespace recv
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_RECV_CHUNK_PLACEMENT_H */
