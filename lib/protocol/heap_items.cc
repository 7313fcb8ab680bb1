/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <gnuradio/spead/protocol/heap_item_list.h>
#include <gnuradio/spead/protocol/heap_items.h>
#include <gnuradio/spead/protocol/item_ids.h>
#include <gnuradio/spead/protocol/item_pointer.h>
#include <algorithm>

namespace gr {
namespace spead {

namespace {

/// IDs 1-4 describe the packet that carried them, not an item of the heap.
bool describes_packet(std::uint64_t id)
{
    return id >= HEAP_CNT_ID && id <= PAYLOAD_LENGTH_ID;
}

/// An addressed pointer taking part in the length computation.
struct addressed_entry {
    std::size_t index; ///< position in raw_pointers
    std::uint64_t offset;
};

/// Stable sort by offset. Senders almost always list addressed items in offset order, and
/// heaps have few items: so check first, and sort small lists by insertion, which
/// (unlike std::stable_sort) allocates nothing.
void sort_by_offset(std::vector<addressed_entry>& entries)
{
    const auto by_offset = [](const addressed_entry& a, const addressed_entry& b) {
        return a.offset < b.offset;
    };
    if (std::is_sorted(entries.begin(), entries.end(), by_offset))
        return;
    if (entries.size() > 32) {
        std::stable_sort(entries.begin(), entries.end(), by_offset);
        return;
    }
    for (std::size_t i = 1; i < entries.size(); i++) {
        const addressed_entry moving = entries[i];
        std::size_t j = i;
        for (; j > 0 && moving.offset < entries[j - 1].offset; j--)
            entries[j] = entries[j - 1];
        entries[j] = moving;
    }
}

/// The work of both extract_heap_items: appends the items to \p items, an empty vector
/// or heap_item_list.
template <typename List>
void extract_into(const std::vector<std::uint64_t>& raw_pointers,
                  int heap_address_bits,
                  std::size_t payload_size,
                  List& items)
{
    const std::size_t n = raw_pointers.size();
    // Scratch space kept per thread: a receiver extracts items of every heap, and these
    // would otherwise be allocated and freed each time.
    thread_local std::vector<addressed_entry> addressed;
    thread_local std::vector<std::size_t> length;
    addressed.clear();
    length.assign(n, 0);
    for (std::size_t i = 0; i < n; i++) {
        const item_pointer p = item_pointer::decode(raw_pointers[i], heap_address_bits);
        // Addressed NULL pointers are kept here: they end the item before them.
        if (!p.immediate && !describes_packet(p.id))
            addressed.push_back({ i, p.value });
    }

    // An item runs from its offset to the next offset in sorted order; ties keep arrival
    // order so that, of several pointers at one offset, only the last gets the bytes.
    sort_by_offset(addressed);
    for (std::size_t k = 0; k < addressed.size(); k++) {
        const std::uint64_t start = addressed[k].offset;
        if (start >= payload_size)
            continue; // beyond the payload (or empty at its very end): nothing to give
        std::uint64_t end = k + 1 < addressed.size() ? addressed[k + 1].offset
                                                     : std::uint64_t(payload_size);
        end = std::min<std::uint64_t>(end, payload_size);
        length[addressed[k].index] = std::size_t(end - start);
    }

    for (std::size_t i = 0; i < n; i++) {
        const item_pointer p = item_pointer::decode(raw_pointers[i], heap_address_bits);
        if (p.id == NULL_ID || describes_packet(p.id))
            continue;
        heap_item item;
        item.id = p.id;
        item.immediate = p.immediate;
        if (p.immediate) {
            item.value = p.value;
        } else {
            if (length[i] == 0)
                continue; // zero-length, or beyond the payload
            item.offset = std::size_t(p.value);
            item.length = length[i];
        }
        items.push_back(item);
    }
}

} // namespace

std::vector<heap_item> extract_heap_items(const std::vector<std::uint64_t>& raw_pointers,
                                          int heap_address_bits,
                                          std::size_t payload_size)
{
    std::vector<heap_item> items;
    items.reserve(raw_pointers.size());
    extract_into(raw_pointers, heap_address_bits, payload_size, items);
    return items;
}

void extract_heap_items(const std::vector<std::uint64_t>& raw_pointers,
                        int heap_address_bits,
                        std::size_t payload_size,
                        heap_item_list& out)
{
    out.clear();
    extract_into(raw_pointers, heap_address_bits, payload_size, out);
}

} // namespace spead
} // namespace gr
