/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <gnuradio/spead/protocol/heap_items.h>
#include <gnuradio/spead/protocol/item_ids.h>
#include <gnuradio/spead/protocol/item_pointer.h>
#include <algorithm>

namespace gr {
namespace spead {
namespace protocol {

namespace {

/// IDs 1-4 describe the packet that carried them, not an item of the heap.
bool describes_packet(std::uint64_t id)
{
    return id >= HEAP_CNT_ID && id <= PAYLOAD_LENGTH_ID;
}

/// A pointer of the heap with the key it is ordered by: the offset of an addressed
/// pointer, the value of an immediate one.
struct keyed_pointer {
    std::uint64_t id;
    std::uint64_t key;
};

/// Stable sort by key. Senders almost always list items in offset order, and heaps have
/// few items: so check first, and sort small lists by insertion, which (unlike
/// std::stable_sort) allocates nothing.
void sort_by_key(std::vector<keyed_pointer>& entries)
{
    const auto by_key = [](const keyed_pointer& a, const keyed_pointer& b) {
        return a.key < b.key;
    };
    if (std::is_sorted(entries.begin(), entries.end(), by_key))
        return;
    if (entries.size() > 32) {
        std::stable_sort(entries.begin(), entries.end(), by_key);
        return;
    }
    for (std::size_t i = 1; i < entries.size(); i++) {
        const keyed_pointer moving = entries[i];
        std::size_t j = i;
        for (; j > 0 && moving.key < entries[j - 1].key; j--)
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
    // Scratch space kept per thread: a receiver extracts items of every heap, and these
    // would otherwise be allocated and freed each time.
    thread_local std::vector<keyed_pointer> addressed;
    thread_local std::vector<keyed_pointer> immediates;
    addressed.clear();
    immediates.clear();
    for (const std::uint64_t raw : raw_pointers) {
        const item_pointer p = item_pointer::decode(raw, heap_address_bits);
        if (describes_packet(p.id))
            continue;
        if (!p.immediate)
            addressed.push_back({ p.id, p.value }); // NULLs too: they end the item before
        else if (p.id != NULL_ID)
            immediates.push_back({ p.id, p.value });
    }

    // spead2's order (its heap sorts the pointers on the immediate flag and the value
    // field, stably): addressed items by offset, then immediates by value, ties in
    // arrival order. An addressed item runs to the next offset in that order, so of
    // several pointers at one offset only the last gets the bytes.
    sort_by_key(addressed);
    sort_by_key(immediates);
    for (std::size_t k = 0; k < addressed.size(); k++) {
        const std::uint64_t start = addressed[k].key;
        if (addressed[k].id == NULL_ID || start >= payload_size)
            continue; // a terminator, or beyond the payload: nothing to give
        std::uint64_t end =
            k + 1 < addressed.size() ? addressed[k + 1].key : std::uint64_t(payload_size);
        end = std::min<std::uint64_t>(end, payload_size);
        if (end == start)
            continue; // zero-length
        heap_item item;
        item.id = addressed[k].id;
        item.offset = std::size_t(start);
        item.length = std::size_t(end - start);
        items.push_back(item);
    }
    for (const keyed_pointer& entry : immediates) {
        heap_item item;
        item.id = entry.id;
        item.immediate = true;
        item.value = entry.key;
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

} // namespace protocol
} // namespace spead
} // namespace gr
