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
namespace recv {

namespace {

/// Below this many distinct pointers a linear scan finds repeats faster than a hash set
/// (and needs no allocation); above it the set keeps a hostile heap from going quadratic.
constexpr std::size_t POINTER_INDEX_THRESHOLD = 32;

/// IDs 1-4 describe the packet that carried them, not an item of the heap.
bool describes_packet(std::uint64_t id)
{
    return id >= protocol::HEAP_CNT_ID && id <= protocol::PAYLOAD_LENGTH_ID;
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
    // A pointer beyond HEAP_LENGTH raised the extent: the heap cannot be decoded whole.
    return d_heap_length >= 0 && d_received_length == std::uint64_t(d_heap_length) &&
           d_received_length == d_min_length;
}

bool live_heap::is_contiguous() const { return d_received_length == d_min_length; }

live_heap::add_result live_heap::check_length(const protocol::packet_view& packet) const
{
    if (packet.heap_length >= 0) {
        if (d_heap_length >= 0 && packet.heap_length != d_heap_length)
            return add_result::heap_length_mismatch;
        // What the heap already holds (payload or pointers) must fit inside the length.
        if (std::uint64_t(packet.heap_length) < d_min_length)
            return add_result::heap_length_mismatch;
    }
    if (d_heap_address_bits != 0 && packet.heap_address_bits != d_heap_address_bits)
        return add_result::flavour_mismatch;
    const std::uint64_t max_size = d_options->max_heap_size;
    if (packet.heap_length < 0) {
        if (!d_options->allow_unsized_heaps)
            return add_result::unsized;
        if (ends_beyond(packet.payload_offset, packet.payload_length, max_size))
            return add_result::too_large;
    } else if (d_heap_length < 0 && std::uint64_t(packet.heap_length) > max_size) {
        // Checked before anything is allocated: a hostile HEAP_LENGTH costs nothing.
        return add_result::too_large;
    }
    return add_result::accepted;
}

bool live_heap::range_is_new(std::size_t start, std::size_t end) const
{
    // Refused: a later range beginning inside this one, or an earlier range reaching
    // past its start (an empty payload inside received bytes included).
    auto next = d_ranges.upper_bound(start);
    if (next != d_ranges.end() && next->first < end)
        return false;
    return next == d_ranges.begin() || std::prev(next)->second <= start;
}

void live_heap::add_range(std::size_t start, std::size_t end)
{
    // The only allocation (emplace_hint) comes before any change, so a bad_alloc leaves
    // the ranges intact.
    auto next = d_ranges.upper_bound(start);
    auto joined = next;
    if (next != d_ranges.begin() && std::prev(next)->second == start) {
        joined = std::prev(next);
        joined->second = end;
    } else {
        joined = d_ranges.emplace_hint(next, start, end);
    }
    if (next != d_ranges.end() && next->first == end) {
        joined->second = next->second;
        d_ranges.erase(next);
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

bool live_heap::reserve(std::size_t bytes, const protocol::packet_view& packet)
{
    if (bytes <= d_capacity)
        return true;
    memory_allocator::pointer grown;
    try {
        grown = d_options->allocator->allocate(
            bytes, const_cast<protocol::packet_view*>(&packet));
    } catch (const std::bad_alloc&) {
        return false;
    }
    if (!grown)
        return false; // an allocator that fails without throwing
    copy_received(grown.get());
    d_payload = std::move(grown);
    d_capacity = bytes;
    return true;
}

void live_heap::copy_received(std::uint8_t* to) const
{
    // Only bytes that arrived are moved: the gaps hold nothing worth copying.
    if (d_options->allow_out_of_order) {
        // An empty packet leaves an empty range, possibly before any memory existed.
        for (const auto& range : d_ranges) {
            if (range.second > range.first)
                std::memcpy(to + range.first,
                            d_payload.get() + range.first,
                            range.second - range.first);
        }
    } else if (d_received_length > 0) {
        std::memcpy(to, d_payload.get(), d_received_length);
    }
}

void live_heap::replace_payload(memory_allocator::pointer memory)
{
    if (!memory)
        return;
    if (d_payload)
        copy_received(memory.get());
    d_payload = std::move(memory);
}

live_heap::add_result live_heap::add_packet(const protocol::packet_view& packet)
{
    // Everything that can refuse the packet is checked before anything changes.
    const add_result length_check = check_length(packet);
    if (length_check != add_result::accepted)
        return length_check;

    // decode_packet bounded offset + length by the packet's HEAP_LENGTH, check_length
    // by max_heap_size when it has none, and both are size_t: these fit.
    const std::size_t offset = std::size_t(packet.payload_offset);
    const std::size_t end = offset + std::size_t(packet.payload_length);
    if (!d_options->allow_out_of_order) {
        if (offset != d_received_length)
            return add_result::out_of_order;
    } else if (!range_is_new(offset, end)) {
        return add_result::duplicate; // an exact repeat of a packet lands here too
    }

    // The new extent and stream control, from the packet's sizes and pointers.
    const bool first_length = packet.heap_length >= 0 && d_heap_length < 0;
    std::uint64_t min_length = d_min_length;
    if (first_length)
        min_length = std::max<std::uint64_t>(min_length, packet.heap_length);
    else if (packet.heap_length < 0)
        min_length = std::max<std::uint64_t>(min_length, end);
    bool start_of_stream = false;
    bool end_of_stream = false;
    for (std::size_t i = 0; i < packet.n_items; i++) {
        const protocol::item_pointer p = packet.pointer(i);
        if (describes_packet(p.id))
            continue;
        if (!p.immediate) {
            min_length = std::max<std::uint64_t>(min_length, p.value);
        } else if (p.id == protocol::STREAM_CTRL_ID) {
            start_of_stream |= p.value == protocol::CTRL_STREAM_START;
            end_of_stream |= p.value == protocol::CTRL_STREAM_STOP;
        }
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
                    protocol::item_pointer::decode(raw, packet.heap_address_bits).id) &&
                !has_pointer(raw))
                add_pointer(raw);
        }
    } catch (const std::bad_alloc&) {
        truncate_pointers(old_pointer_count);
        return add_result::allocation_failed;
    }

    // A sized heap is allocated once, at the first packet that gives the length; payload
    // beyond it (from packets without HEAP_LENGTH) grows the memory as for an unsized
    // one.
    std::size_t wanted = first_length ? std::size_t(packet.heap_length) : d_capacity;
    if (end > wanted) {
        // At least double, so that copying stays linear in the heap size.
        const std::size_t max_size = d_options->max_heap_size;
        const std::size_t doubled = d_capacity > max_size / 2 ? max_size : 2 * d_capacity;
        wanted = std::max(end, doubled);
    }
    if (!reserve(wanted, packet)) {
        truncate_pointers(old_pointer_count);
        return add_result::allocation_failed;
    }

    if (d_options->allow_out_of_order) {
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
    if (end > offset && d_options->write_payload) {
        d_options->write_payload(d_payload, packet);
    } else if (end > offset && packet.payload != d_payload.get() + offset) {
        const memcpy_function_ptr copy = d_options->copy ? d_options->copy : std::memcpy;
        copy(d_payload.get() + offset, packet.payload, end - offset);
    }
    d_heap_address_bits = packet.heap_address_bits;
    if (first_length)
        d_heap_length = packet.heap_length;
    d_received_length += end - offset;
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
    if (d_options->allow_out_of_order || d_heap_length < 0 || !d_payload ||
        d_received_length > std::size_t(d_heap_length))
        return nullptr;
    room = std::size_t(d_heap_length) - d_received_length;
    return d_payload.get() + d_received_length;
}

heap live_heap::finish(bool keep_payload_ranges)
{
    heap h;
    // Items run to the extent; an incomplete heap's may also point past its memory
    // (a pointer beyond HEAP_LENGTH), which they must never reach.
    const bool contiguous = is_contiguous();
    const std::size_t payload_size =
        contiguous ? std::size_t(d_min_length)
                   : std::size_t(std::min<std::uint64_t>(d_min_length, d_capacity));
    // A heap that never accepted a packet has no address width yet: SPEAD-64-40 then.
    const int address_bits = d_heap_address_bits ? d_heap_address_bits : 40;
    h.d_cnt = d_cnt;
    h.d_flavour = protocol::flavour(4, 64, address_bits, d_options->bug_compat);
    extract_heap_items(d_pointers, address_bits, payload_size, h.d_items);
    h.d_payload = std::move(d_payload);
    h.d_payload_size = payload_size;
    h.d_start_of_stream = d_start_of_stream;
    h.d_end_of_stream = d_end_of_stream;
    // spead2's rule: whatever leaves the window covering its whole extent is whole (an
    // unsized heap included; a payload-less packet at a high offset extends the extent
    // without adding bytes, so such a heap is not).
    h.d_complete = contiguous;
    h.d_heap_length = d_heap_length;
    h.d_received_length = d_received_length;
    if (!h.d_complete && keep_payload_ranges) {
        if (d_options->allow_out_of_order) {
            for (const auto& range : d_ranges) {
                if (range.second > range.first)
                    h.d_payload_ranges.emplace_back(range.first, range.second);
            }
        } else if (d_received_length > 0) {
            h.d_payload_ranges.emplace_back(0, d_received_length);
        }
    }

    reset(d_cnt);
    return h;
}

void live_heap::reset(std::uint64_t cnt)
{
    d_cnt = cnt;
    d_heap_address_bits = 0;
    d_heap_length = -1;
    d_received_length = 0;
    d_packets = 0;
    d_min_length = 0;
    d_start_of_stream = false;
    d_end_of_stream = false;
    d_payload.reset();
    d_capacity = 0;
    // A hostile heap's long pointer list or index is given back, not kept in the slot.
    if (d_pointers.capacity() > POINTER_INDEX_THRESHOLD)
        std::vector<std::uint64_t>().swap(d_pointers);
    else
        d_pointers.clear();
    if (!d_pointer_index.empty())
        std::unordered_set<std::uint64_t>().swap(d_pointer_index);
    d_ranges.clear();
}

} // namespace recv
} // namespace spead
} // namespace gr
