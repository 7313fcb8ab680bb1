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
void sort_by_key(keyed_pointer* first, keyed_pointer* last)
{
    const auto by_key = [](const keyed_pointer& a, const keyed_pointer& b) {
        return a.key < b.key;
    };
    if (std::is_sorted(first, last, by_key))
        return;
    const std::size_t n = std::size_t(last - first);
    if (n > 32) {
        std::stable_sort(first, last, by_key);
        return;
    }
    for (std::size_t i = 1; i < n; i++) {
        const keyed_pointer moving = first[i];
        std::size_t j = i;
        for (; j > 0 && moving.key < first[j - 1].key; j--)
            first[j] = first[j - 1];
        first[j] = moving;
    }
}

/// The work of both extract_heap_items: appends the items to \p items, an empty vector
/// or heap_item_list. \p addressed and \p immediates have room for every pointer.
template <typename List>
void extract_with(const std::vector<std::uint64_t>& raw_pointers,
                  int heap_address_bits,
                  std::size_t payload_size,
                  keyed_pointer* addressed,
                  keyed_pointer* immediates,
                  List& items)
{
    std::size_t n_addressed = 0, n_immediates = 0;
    for (const std::uint64_t raw : raw_pointers) {
        const item_pointer p = item_pointer::decode(raw, heap_address_bits);
        if (describes_packet(p.id))
            continue;
        if (!p.immediate)
            addressed[n_addressed++] = { p.id, p.value }; // NULLs too: they end an item
        else if (p.id != NULL_ID)
            immediates[n_immediates++] = { p.id, p.value };
    }

    // spead2's order (its heap sorts the pointers on the immediate flag and the value
    // field, stably): addressed items by offset, then immediates by value, ties in
    // arrival order. An addressed item runs to the next offset in that order, so of
    // several pointers at one offset only the last gets the bytes.
    sort_by_key(addressed, addressed + n_addressed);
    sort_by_key(immediates, immediates + n_immediates);
    for (std::size_t k = 0; k < n_addressed; k++) {
        const std::uint64_t start = addressed[k].key;
        if (addressed[k].id == NULL_ID || start >= payload_size)
            continue; // a terminator, or beyond the payload: nothing to give
        std::uint64_t end =
            k + 1 < n_addressed ? addressed[k + 1].key : std::uint64_t(payload_size);
        end = std::min<std::uint64_t>(end, payload_size);
        if (end == start)
            continue; // zero-length
        heap_item item;
        item.id = addressed[k].id;
        item.offset = std::size_t(start);
        item.length = std::size_t(end - start);
        items.push_back(item);
    }
    for (std::size_t k = 0; k < n_immediates; k++) {
        heap_item item;
        item.id = immediates[k].id;
        item.immediate = true;
        item.value = immediates[k].key;
        items.push_back(item);
    }
}

/// Scratch space on the stack for the usual heap of a few items (no allocation and no
/// thread-local lookup per heap); larger heaps take it from the free store.
template <typename List>
void extract_into(const std::vector<std::uint64_t>& raw_pointers,
                  int heap_address_bits,
                  std::size_t payload_size,
                  List& items)
{
    constexpr std::size_t on_stack = 32;
    const std::size_t n = raw_pointers.size();
    if (n <= on_stack) {
        keyed_pointer addressed[on_stack], immediates[on_stack];
        extract_with(
            raw_pointers, heap_address_bits, payload_size, addressed, immediates, items);
    } else {
        std::vector<keyed_pointer> addressed(n), immediates(n);
        extract_with(raw_pointers,
                     heap_address_bits,
                     payload_size,
                     addressed.data(),
                     immediates.data(),
                     items);
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
