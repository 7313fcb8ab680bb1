/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "chunk_heap_allocator.h"
#include "chunk_placing_packet.h"
#include "chunk_window.h"
#include <gnuradio/spead/recv/chunk_stream.h>
#include <algorithm>
#include <cstring>
#include <exception>
#include <stdexcept>
#include <string>

namespace gr {
namespace spead {
namespace recv {

namespace detail {

thread_local const protocol::packet_view* placing_packet = nullptr;

// A non-null address for heaps that go nowhere (a live heap treats null memory as a
// failed allocation); nothing is ever written there.
std::uint8_t chunk_heap_allocator::s_nowhere = 0;
const heap_placement chunk_heap_allocator::s_dropped{ -1, 0, 0, nullptr };

memory_allocator::pointer chunk_heap_allocator::allocate(std::size_t size, void* hint)
{
    if (hint == nullptr || d_owner == nullptr)
        return memory_allocator::allocate(size, hint); // never used by live heaps
    return d_owner->place_heap(size, *static_cast<const protocol::packet_view*>(hint));
}

memory_allocator::pointer chunk_heap_allocator::placed(std::uint8_t* where,
                                                       const heap_placement* placement)
{
    return make_pointer(where, const_cast<heap_placement*>(placement));
}

void chunk_heap_allocator::free(std::uint8_t*, void* user)
{
    // The memory is the chunk's: only the placement record is ours.
    if (user != &s_dropped)
        delete static_cast<heap_placement*>(user);
}

const heap_placement*
chunk_heap_allocator::placement_of(const memory_allocator::pointer& memory) const
{
    if (!memory || memory.get_deleter().get_allocator().get() != this)
        return nullptr;
    return static_cast<const heap_placement*>(memory.get_deleter().get_user());
}

} // namespace detail

namespace {

void check_callbacks(const chunk_stream_config& config, bool own_chunks)
{
    if (!config.get_place())
        throw std::invalid_argument("chunk_stream_config: place is not set");
    if (own_chunks && !config.get_allocate())
        throw std::invalid_argument("chunk_stream_config: allocate is not set");
    if (own_chunks && !config.get_ready())
        throw std::invalid_argument("chunk_stream_config: ready is not set");
}

} // namespace

chunk_stream::chunk_stream(thread_pool& pool,
                           const stream_config& config,
                           const chunk_stream_config& chunk_config)
    : chunk_stream(pool, config, chunk_config, true)
{
}

chunk_stream::chunk_stream(thread_pool& pool,
                           const stream_config& config,
                           const chunk_stream_config& chunk_config,
                           bool own_chunks)
    : chunk_stream(pool,
                   config,
                   chunk_config,
                   own_chunks,
                   std::make_shared<detail::chunk_heap_allocator>())
{
}

chunk_stream::chunk_stream(thread_pool& pool,
                           const stream_config& config,
                           const chunk_stream_config& chunk_config,
                           bool own_chunks,
                           std::shared_ptr<detail::chunk_heap_allocator> allocator)
    : stream(pool, adjusted_config(config, allocator)),
      d_chunk_config((check_callbacks(chunk_config, own_chunks), chunk_config)),
      d_too_old_index(get_config().get_stat_index("too_old_heaps")),
      d_rejected_index(get_config().get_stat_index("rejected_heaps")),
      d_copy(get_memcpy(config.get_memcpy())),
      d_allocator(std::move(allocator)),
      d_window(std::make_unique<detail::chunk_window>(chunk_config.get_max_chunks())),
      d_item_values(chunk_config.get_items().size()),
      d_extra(chunk_config.get_max_heap_extra()),
      d_spare_stats(get_config().get_stats()->size())
{
    d_place_data.items = d_item_values.empty() ? nullptr : d_item_values.data();
    d_place_data.extra = d_extra.empty() ? nullptr : d_extra.data();
    d_allocator->attach(this);
    set_payload_writer(
        [this](const memory_allocator::pointer& payload,
               const protocol::packet_view& packet) { write_payload(payload, packet); });
}

chunk_stream::~chunk_stream()
{
    stop();
    d_allocator->attach(nullptr);
}

stream_config
chunk_stream::adjusted_config(const stream_config& config,
                              std::shared_ptr<detail::chunk_heap_allocator> allocator)
{
    stream_config adjusted = config;
    // A heap's place in its chunk is fixed at its first packet, from HEAP_LENGTH.
    adjusted.set_allow_unsized_heaps(false);
    adjusted.set_memory_allocator(std::move(allocator));
    adjusted.add_stat("too_old_heaps");
    adjusted.add_stat("rejected_heaps");
    return adjusted;
}

void chunk_stream::stop()
{
    // Chunks are readied when the stream stops (live_heaps_flushed), after the heaps.
    stream::stop();
}

bool chunk_stream::chunk_too_old(std::int64_t chunk_id) const
{
    return chunk_id < 0 || std::uint64_t(chunk_id) < d_window->head();
}

std::uint64_t* chunk_stream::batch_stats()
{
    stream_batch* batch = current_batch();
    return batch ? batch->stats_data() : d_spare_stats.data();
}

chunk* chunk_stream::obtain_chunk(std::int64_t chunk_id, std::uint64_t* stats)
{
    chunk* fresh = d_chunk_config.get_allocate()(chunk_id, stats).release();
    if (fresh) {
        fresh->chunk_id = chunk_id;
        fresh->stream_id = get_config().get_stream_id();
    }
    return fresh;
}

void chunk_stream::release_chunk(chunk* c, std::uint64_t* stats)
{
    d_chunk_config.get_ready()(std::unique_ptr<chunk>(c), stats);
}

void chunk_stream::flush_chunks_until(std::uint64_t chunk_id, std::uint64_t* stats)
{
    d_window->flush_until(
        chunk_id,
        [this, stats](chunk* c) { release_chunk(c, stats); },
        [this](std::uint64_t head) { head_moved(head); });
}

void chunk_stream::flush_all_chunks(std::uint64_t* stats)
{
    flush_chunks_until(UINT64_MAX, stats);
}

memory_allocator::pointer chunk_stream::place_heap(std::size_t size,
                                                   const protocol::packet_view& packet)
{
    using detail::chunk_heap_allocator;
    std::uint64_t* stats = batch_stats();
    chunk_place_data& data = d_place_data;
    // The requested items: the immediate values this packet carries (every pointer
    // counts, HEAP_CNT and HEAP_LENGTH included), -1 for the others.
    const auto& ids = d_chunk_config.get_items();
    std::fill(d_item_values.begin(), d_item_values.end(), -1);
    for (std::size_t i = 0; i < packet.n_items; i++) {
        const protocol::item_pointer p = packet.pointer(i);
        if (!p.immediate)
            continue;
        for (std::size_t j = 0; j < ids.size(); j++) {
            if (ids[j] == p.id)
                d_item_values[j] = std::int64_t(p.value);
        }
    }
    data.packet = packet.pointers - protocol::PACKET_HEADER_SIZE;
    data.packet_size = std::size_t(packet.payload + packet.payload_length - data.packet);
    data.chunk_id = -1;
    data.heap_index = 0;
    data.heap_offset = 0;
    data.batch_stats = stats;
    data.extra_offset = 0;
    data.extra_size = 0;
    try {
        const detail::placing_packet_scope placing(packet);
        d_chunk_config.get_place()(&data, sizeof(data));
    } catch (const std::exception& e) {
        // A C++ place function that throws must not take the reader down.
        d_placement_log.log(protocol::log_level::warning,
                            std::string("chunk place function failed: ") + e.what());
        data.chunk_id = -1;
    }
    const std::int64_t chunk_id = data.chunk_id;
    const auto nowhere = [this](const detail::heap_placement* p) {
        return d_allocator->placed(&chunk_heap_allocator::s_nowhere, p);
    };
    if (chunk_too_old(chunk_id)) {
        stats[chunk_id < 0 ? d_rejected_index : d_too_old_index]++;
        return nowhere(&chunk_heap_allocator::s_dropped);
    }

    chunk* c = nullptr;
    try {
        c = d_window->get(
            std::uint64_t(chunk_id),
            [this, stats](std::uint64_t id) {
                return obtain_chunk(std::int64_t(id), stats);
            },
            [this, stats](chunk* old) { release_chunk(old, stats); },
            [this](std::uint64_t head) { head_moved(head); });
    } catch (const std::exception& e) {
        d_placement_log.log(protocol::log_level::warning,
                            std::string("chunk allocate or ready function failed: ") +
                                e.what());
        return nowhere(&chunk_heap_allocator::s_dropped);
    }
    if (c == nullptr)
        return nowhere(&chunk_heap_allocator::s_dropped); // the allocator skipped it

    // gr-spead's guard: a placement outside the chunk's known sizes would write over
    // memory that is not the chunk's.
    const std::size_t presence = d_chunk_config.get_packet_presence_payload_size();
    const std::size_t last_index =
        data.heap_index + (presence && size ? (size - 1) / presence : 0);
    const bool outside =
        (c->data_size &&
         (data.heap_offset > c->data_size || size > c->data_size - data.heap_offset)) ||
        (c->present_size &&
         (data.heap_index >= c->present_size || last_index >= c->present_size)) ||
        !c->present || !c->data ||
        (data.extra_size &&
         (data.extra_size > d_extra.size() || !c->extra ||
          (c->extra_size && (data.extra_offset > c->extra_size ||
                             data.extra_size > c->extra_size - data.extra_offset))));
    if (outside) {
        stats[d_rejected_index]++;
        d_placement_log.log_lazy(protocol::log_level::warning, [&] {
            return "chunk stream " + std::to_string(get_config().get_stream_id()) +
                   ": heap " + std::to_string(packet.heap_cnt) +
                   " placed outside chunk " + std::to_string(chunk_id) + " (offset " +
                   std::to_string(data.heap_offset) + " + " + std::to_string(size) +
                   " bytes, index " + std::to_string(data.heap_index) + "); dropped";
        });
        return nowhere(&chunk_heap_allocator::s_dropped);
    }
    if (data.extra_size)
        std::memcpy(c->extra.get() + data.extra_offset, d_extra.data(), data.extra_size);
    auto* placement =
        new detail::heap_placement{ chunk_id, data.heap_index, data.heap_offset, c };
    return d_allocator->placed(c->data.get() + data.heap_offset, placement);
}

void chunk_stream::write_payload(const memory_allocator::pointer& payload,
                                 const protocol::packet_view& packet)
{
    const detail::heap_placement* placement = d_allocator->placement_of(payload);
    // Its chunk left the window while the heap was live: the memory is no longer ours
    // (too_old_heaps is counted if the heap completes).
    if (placement == nullptr || chunk_too_old(placement->chunk_id))
        return;
    d_copy(payload.get() + packet.payload_offset,
           packet.payload,
           std::size_t(packet.payload_length));
    const std::size_t presence = d_chunk_config.get_packet_presence_payload_size();
    if (presence) {
        // Bounded at placement: the heap's last packet index fits present.
        const std::size_t index =
            placement->heap_index + std::size_t(packet.payload_offset / presence);
        placement->c->present[index] = 1;
    }
}

void chunk_stream::heap_ready(heap&& h, stream_batch& batch)
{
    mark_heap(h.is_complete(), h.get_payload_memory(), batch);
}

void chunk_stream::live_heap_ready(live_heap& h, stream_batch& batch)
{
    // No heap object: its items would only be thrown away (spead2 builds none either).
    mark_heap(h.is_contiguous(), h.get_payload_memory(), batch);
    h.reset(h.get_cnt());
}

void chunk_stream::mark_heap(bool whole,
                             const memory_allocator::pointer& memory,
                             stream_batch& batch)
{
    if (!whole)
        return;
    const detail::heap_placement* placement = d_allocator->placement_of(memory);
    if (placement == nullptr || placement->c == nullptr)
        return;
    if (chunk_too_old(placement->chunk_id))
        batch.stats_data()[d_too_old_index]++;
    else if (!d_chunk_config.get_packet_presence_payload_size())
        placement->c->present[placement->heap_index] = 1;
}

void chunk_stream::live_heaps_flushed(stream_batch& batch)
{
    try {
        flush_all_chunks(batch.stats_data());
    } catch (const std::exception& e) {
        d_placement_log.log(protocol::log_level::warning,
                            std::string("chunk ready function failed: ") + e.what());
    }
}

} // namespace recv
} // namespace spead
} // namespace gr
