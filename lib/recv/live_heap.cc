/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <gnuradio/spead/protocol/heap_items.h>
#include <gnuradio/spead/protocol/item_ids.h>
#include <gnuradio/spead/recv/live_heap.h>
#include <algorithm>
#include <cstring>
#include <iterator>
#include <new>
#include <stdexcept>

namespace gr {
namespace spead {

namespace {

/// Below this many distinct pointers a linear scan finds repeats faster than a hash set
/// (and needs no allocation); above it the set keeps a hostile heap from going quadratic.
constexpr std::size_t POINTER_INDEX_THRESHOLD = 32;

/// IDs 1-4 describe the packet that carried them, not an item of the heap.
bool describes_packet(std::uint64_t id)
{
    return id >= HEAP_CNT_ID && id <= PAYLOAD_LENGTH_ID;
}

/// True when [offset, offset + length) ends beyond \p limit (written so it cannot wrap).
bool ends_beyond(std::uint64_t offset, std::uint64_t length, std::uint64_t limit)
{
    return offset > limit || length > limit - offset;
}

} // namespace

live_heap::live_heap(std::uint64_t cnt, const live_heap_options& options)
    : d_cnt(cnt), d_options(&options)
{
    if (!options.allocator)
        throw std::invalid_argument("live_heap: options.allocator must not be null");
}

bool live_heap::is_complete() const
{
    return d_heap_length >= 0 && d_received_length == std::uint64_t(d_heap_length);
}

bool live_heap::is_contiguous() const
{
    if (!d_options->allow_out_of_order)
        return true; // every accepted packet continued where the previous one ended
    return d_ranges.empty() || (d_ranges.size() == 1 && d_ranges.begin()->first == 0);
}

live_heap::add_result live_heap::check_length(const packet_view& packet,
                                              std::int64_t& length) const
{
    const std::uint64_t max_size = d_options->max_heap_size;
    length = d_heap_length;
    if (packet.heap_length >= 0) {
        if (d_heap_length >= 0) {
            if (packet.heap_length != d_heap_length)
                return add_result::heap_length_mismatch;
        } else {
            // Checked before anything is allocated: a hostile HEAP_LENGTH costs nothing.
            if (std::uint64_t(packet.heap_length) > max_size)
                return add_result::too_large;
            // The length may come late: what the heap already holds must fit inside it.
            if (d_extent > std::uint64_t(packet.heap_length) ||
                d_min_length > std::uint64_t(packet.heap_length))
                return add_result::heap_length_mismatch;
            length = packet.heap_length;
        }
    } else if (d_heap_length < 0 && !d_options->allow_unsized_heaps) {
        return add_result::unsized;
    }

    if (length >= 0) {
        if (ends_beyond(
                packet.payload_offset, packet.payload_length, std::uint64_t(length)))
            return add_result::heap_length_mismatch;
    } else if (ends_beyond(packet.payload_offset, packet.payload_length, max_size)) {
        return add_result::too_large;
    }
    return add_result::accepted;
}

bool live_heap::overlaps_received(std::size_t start, std::size_t end) const
{
    // Ranges never touch (adjacent ones are merged), so only the neighbours can overlap.
    auto next = d_ranges.upper_bound(start);
    if (next != d_ranges.end() && next->first < end)
        return true;
    return next != d_ranges.begin() && std::prev(next)->second > start;
}

void live_heap::add_range(std::size_t start, std::size_t end)
{
    // The only allocation (emplace_hint) comes before any change, so a bad_alloc leaves
    // the ranges intact.
    auto next = d_ranges.upper_bound(start);
    const bool join_next = next != d_ranges.end() && next->first == end;
    if (next != d_ranges.begin()) {
        auto prev = std::prev(next);
        if (prev->second == start) {
            prev->second = join_next ? next->second : end;
            if (join_next)
                d_ranges.erase(next);
            return;
        }
    }
    if (join_next) {
        const std::size_t merged_end = next->second;
        d_ranges.emplace_hint(next, start, merged_end);
        d_ranges.erase(next);
    } else {
        d_ranges.emplace_hint(next, start, end);
    }
}

bool live_heap::has_pointer(std::uint64_t raw) const
{
    if (!d_pointer_index.empty())
        return d_pointer_index.count(raw) != 0;
    return std::find(d_pointers.begin(), d_pointers.end(), raw) != d_pointers.end();
}

void live_heap::add_pointer(std::uint64_t raw)
{
    d_pointers.push_back(raw);
    if (!d_pointer_index.empty())
        d_pointer_index.insert(raw);
    else if (d_pointers.size() > POINTER_INDEX_THRESHOLD)
        d_pointer_index.insert(d_pointers.begin(), d_pointers.end());
}

void live_heap::truncate_pointers(std::size_t count)
{
    if (count <= POINTER_INDEX_THRESHOLD) {
        d_pointer_index.clear();
    } else {
        for (std::size_t i = count; i < d_pointers.size(); i++)
            d_pointer_index.erase(d_pointers[i]);
    }
    d_pointers.resize(count);
}

bool live_heap::reserve(std::size_t bytes)
{
    if (bytes <= d_capacity)
        return true;
    memory_allocator::pointer grown;
    try {
        grown = d_options->allocator->allocate(bytes, nullptr);
    } catch (const std::bad_alloc&) {
        return false;
    }
    if (!grown)
        return false; // an allocator that fails without throwing
    // Only bytes that arrived are moved: the gaps hold nothing worth copying.
    if (d_options->allow_out_of_order) {
        for (const auto& range : d_ranges)
            std::memcpy(grown.get() + range.first,
                        d_payload.get() + range.first,
                        range.second - range.first);
    } else if (d_received_length > 0) {
        std::memcpy(grown.get(), d_payload.get(), d_received_length);
    }
    d_payload = std::move(grown);
    d_capacity = bytes;
    return true;
}

live_heap::add_result live_heap::add_packet(const packet_view& packet)
{
    // Everything that can refuse the packet is checked before anything changes.
    if (d_heap_address_bits != 0 && packet.heap_address_bits != d_heap_address_bits)
        return add_result::flavour_mismatch;

    std::int64_t length;
    const add_result length_check = check_length(packet, length);
    if (length_check != add_result::accepted)
        return length_check;

    // Every addressed pointer must lie inside the heap; remember the furthest one for a
    // HEAP_LENGTH that arrives later.
    std::size_t min_length = d_min_length;
    bool start_of_stream = false;
    bool end_of_stream = false;
    for (std::size_t i = 0; i < packet.n_items; i++) {
        const item_pointer p = packet.pointer(i);
        if (describes_packet(p.id))
            continue;
        if (!p.immediate) {
            if (length >= 0 && p.value > std::uint64_t(length))
                return add_result::heap_length_mismatch;
            min_length = std::max<std::uint64_t>(min_length, p.value);
        } else if (p.id == STREAM_CTRL_ID) {
            start_of_stream |= p.value == CTRL_STREAM_START;
            end_of_stream |= p.value == CTRL_STREAM_STOP;
        }
    }

    // check_length bounded offset + length by the heap length or max_heap_size, both of
    // which are size_t, so these fit.
    const std::size_t offset = std::size_t(packet.payload_offset);
    const std::size_t end = offset + std::size_t(packet.payload_length);
    if (!d_options->allow_out_of_order) {
        if (offset != d_received_length)
            return add_result::out_of_order;
    } else if (end > offset && overlaps_received(offset, end)) {
        return add_result::duplicate; // an exact repeat of a packet lands here too
    }

    // Now the changes. The allocating ones come first, each undone if a later one fails.
    const std::size_t old_pointer_count = d_pointers.size();
    try {
        // Most heaps take all their pointers from their first packet: one allocation.
        if (d_pointers.empty())
            d_pointers.reserve(packet.n_items);
        for (std::size_t i = 0; i < packet.n_items; i++) {
            const std::uint64_t raw = packet.raw_pointer(i);
            if (!describes_packet(
                    item_pointer::decode(raw, packet.heap_address_bits).id) &&
                !has_pointer(raw))
                add_pointer(raw);
        }
    } catch (const std::bad_alloc&) {
        truncate_pointers(old_pointer_count);
        return add_result::allocation_failed;
    }

    std::size_t wanted = d_capacity;
    if (length >= 0) {
        wanted = std::size_t(length); // allocated once, at the first packet that says it
    } else if (end > d_capacity) {
        // Unsized: at least double, so that copying stays linear in the heap size.
        const std::size_t max_size = d_options->max_heap_size;
        const std::size_t doubled = d_capacity > max_size / 2 ? max_size : 2 * d_capacity;
        wanted = std::max(end, doubled);
    }
    if (!reserve(wanted)) {
        truncate_pointers(old_pointer_count);
        return add_result::allocation_failed;
    }

    if (d_options->allow_out_of_order && end > offset) {
        try {
            add_range(offset, end);
        } catch (const std::bad_alloc&) {
            // The memory may have grown, but it holds the same bytes: nothing visible.
            truncate_pointers(old_pointer_count);
            return add_result::allocation_failed;
        }
    }

    // Nothing below can fail.
    // A reader that received the payload straight into place (next_payload_destination)
    // has nothing left to copy.
    if (end > offset && packet.payload != d_payload.get() + offset) {
        const memcpy_function_ptr copy = d_options->copy ? d_options->copy : std::memcpy;
        copy(d_payload.get() + offset, packet.payload, end - offset);
    }
    d_heap_address_bits = packet.heap_address_bits;
    d_heap_length = length;
    d_received_length += end - offset;
    d_extent = std::max(d_extent, end);
    d_min_length = min_length;
    d_start_of_stream |= start_of_stream;
    d_end_of_stream |= end_of_stream;
    d_packets++;
    return add_result::accepted;
}

std::uint8_t* live_heap::next_payload_destination(std::size_t& room)
{
    room = 0;
    // Only where the next byte is known and nothing beyond it has been received: a
    // sized heap in in-order mode, its memory allocated (sized heaps never move).
    if (d_options->allow_out_of_order || d_heap_length < 0 || !d_payload)
        return nullptr;
    room = std::size_t(d_heap_length) - d_received_length;
    return d_payload.get() + d_received_length;
}

heap live_heap::finish(bool keep_payload_ranges)
{
    heap h;
    const std::size_t payload_size =
        d_heap_length >= 0 ? std::size_t(d_heap_length) : d_extent;
    // A heap that never accepted a packet has no address width yet: SPEAD-64-40 then.
    const int address_bits = d_heap_address_bits ? d_heap_address_bits : 40;
    h.d_cnt = d_cnt;
    h.d_flavour = flavour(4, 64, address_bits, d_options->bug_compat);
    extract_heap_items(d_pointers, address_bits, payload_size, h.d_items);
    h.d_payload = std::move(d_payload);
    h.d_payload_size = payload_size;
    h.d_start_of_stream = d_start_of_stream;
    h.d_end_of_stream = d_end_of_stream;
    // Unsized: complete only when the bytes received reach the extent. A packet with no
    // payload at a high offset extends the extent without adding a range, and those
    // bytes were never written (found by fuzzing: a "complete" heap of garbage).
    h.d_complete = is_complete() || (d_heap_length < 0 && is_contiguous() &&
                                     d_received_length == d_extent);
    h.d_heap_length = d_heap_length;
    h.d_received_length = d_received_length;
    if (!h.d_complete && keep_payload_ranges) {
        if (d_options->allow_out_of_order)
            h.d_payload_ranges.assign(d_ranges.begin(), d_ranges.end());
        else if (d_received_length > 0)
            h.d_payload_ranges.emplace_back(0, d_received_length);
    }

    *this = live_heap(d_cnt, *d_options);
    return h;
}

} // namespace spead
} // namespace gr
