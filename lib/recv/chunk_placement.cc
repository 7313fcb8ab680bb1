/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "chunk_placing_packet.h"
#include <gnuradio/spead/protocol/packet.h>
#include <gnuradio/spead/recv/chunk_placement.h>
#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>

namespace gr {
namespace spead {
namespace recv {

namespace {

void require_positive(std::uint64_t value, const char* name)
{
    if (value == 0)
        throw std::invalid_argument(std::string(name) + " must be at least 1");
}

/// Memory owned by a chunk (freed with it).
memory_allocator::pointer owned_memory(std::size_t size)
{
    static const auto allocator = std::make_shared<memory_allocator>();
    return allocator->allocate(std::max<std::size_t>(size, 1));
}

} // namespace

timestamp_placement::timestamp_placement(std::uint64_t timestamp_id,
                                         std::uint64_t heap_timestamp_step,
                                         std::size_t heaps_per_chunk,
                                         std::size_t heap_size)
    : d_timestamp_id(timestamp_id),
      d_timestamp_step(heap_timestamp_step),
      d_heaps_per_chunk(heaps_per_chunk),
      d_heap_size(heap_size)
{
    require_positive(heap_timestamp_step, "heap_timestamp_step");
    require_positive(heaps_per_chunk, "heaps_per_chunk");
    require_positive(heap_size, "heap_size");
}

timestamp_placement& timestamp_placement::set_index(std::uint64_t index_id,
                                                    std::uint64_t index_step,
                                                    std::size_t index_count)
{
    require_positive(index_step, "index_step");
    require_positive(index_count, "index_count");
    d_index_id = index_id;
    d_index_step = index_step;
    d_index_count = index_count;
    return *this;
}

timestamp_placement&
timestamp_placement::set_extra_items(const std::vector<std::uint64_t>& ids)
{
    d_extra_ids = ids;
    return *this;
}

void timestamp_placement::place(chunk_place_data& data) const
{
    // The packet the chunk stream decoded, when this is its own call; else decoded here.
    const protocol::packet_view* known = detail::placing_packet;
    protocol::packet_view decoded;
    if (known == nullptr ||
        known->pointers - protocol::PACKET_HEADER_SIZE != data.packet) {
        if (protocol::decode_packet(data.packet, data.packet_size, decoded) !=
            protocol::packet_status::ok)
            return;
        known = &decoded;
    }
    const protocol::packet_view& packet = *known;
    if (packet.heap_length < 0 || std::uint64_t(packet.heap_length) != d_heap_size)
        return;
    bool have_timestamp = false;
    bool have_index = false;
    std::uint64_t timestamp = 0;
    std::uint64_t index_value = 0;
    const std::size_t n_extra = d_extra_ids.size();
    auto* extra = reinterpret_cast<std::int64_t*>(data.extra);
    // No room for extras (max_heap_extra was not raised, see apply()): rejected.
    if (n_extra && extra == nullptr)
        return;
    if (n_extra)
        std::fill(extra, extra + n_extra, -1);
    for (std::size_t i = 0; i < packet.n_items; i++) {
        const protocol::item_pointer p = packet.pointer(i);
        if (!p.immediate)
            continue;
        if (p.id == d_timestamp_id) {
            timestamp = p.value;
            have_timestamp = true;
        }
        if (d_index_id && p.id == *d_index_id) {
            index_value = p.value;
            have_index = true;
        }
        for (std::size_t j = 0; j < n_extra; j++) {
            if (d_extra_ids[j] == p.id)
                extra[j] = std::int64_t(p.value);
        }
    }
    if (!have_timestamp || (d_index_id && !have_index))
        return;
    const std::uint64_t sub = index_value / d_index_step;
    if (sub >= d_index_count)
        return;
    const std::uint64_t step = timestamp / d_timestamp_step;
    const std::size_t heap_index =
        std::size_t(step % d_heaps_per_chunk) * d_index_count + std::size_t(sub);
    data.chunk_id = std::int64_t(step / d_heaps_per_chunk);
    data.heap_index = heap_index;
    data.heap_offset = heap_index * d_heap_size;
    if (n_extra) {
        data.extra_offset = heap_index * heap_extra_size();
        data.extra_size = heap_extra_size();
    }
}

chunk_place_function timestamp_placement::place_function() const
{
    const timestamp_placement self = *this;
    return [self](chunk_place_data* data, std::size_t) { self.place(*data); };
}

void timestamp_placement::apply(chunk_stream_config& config) const
{
    config.set_place(place_function());
    if (config.get_max_heap_extra() < heap_extra_size())
        config.set_max_heap_extra(heap_extra_size());
}

std::unique_ptr<chunk> timestamp_placement::make_chunk() const
{
    auto c = std::make_unique<chunk>();
    c->present_size = chunk_heaps();
    c->present = owned_memory(c->present_size);
    std::memset(c->present.get(), 0, c->present_size);
    c->data_size = chunk_data_size();
    c->data = owned_memory(c->data_size);
    if (chunk_extra_size()) {
        c->extra_size = chunk_extra_size();
        c->extra = owned_memory(c->extra_size);
    }
    return c;
}

} // namespace recv
} // namespace spead
} // namespace gr
