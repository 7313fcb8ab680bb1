/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_PROTOCOL_HEAP_ITEMS_H
#define INCLUDED_SPEAD_PROTOCOL_HEAP_ITEMS_H

#include <gnuradio/spead/protocol/flavour.h>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace gr {
namespace spead {

class heap_item_list;

/**
 * \brief One item of an assembled heap.
 *
 * For an immediate item \a value holds the immediate value and \a offset / \a length are
 * zero. For an addressed item \a offset and \a length locate its bytes in the heap
 * payload.
 */
struct heap_item {
    std::uint64_t id = 0;
    bool immediate = false;
    std::uint64_t value = 0;
    std::size_t offset = 0;
    std::size_t length = 0;

    bool operator==(const heap_item& o) const
    {
        return id == o.id && immediate == o.immediate && value == o.value &&
               offset == o.offset && length == o.length;
    }
};

/**
 * \brief Turns a heap's item pointers into items (SPEAD-PROTOCOL.md section 4).
 *
 * \p raw_pointers are every item pointer collected from the heap's packets (already
 * converted from big-endian, identical ones already removed), in arrival order.
 * Pointers for HEAP_CNT, HEAP_LENGTH, PAYLOAD_OFFSET and PAYLOAD_LENGTH are skipped.
 * Items come in spead2's order: addressed items by offset, then immediate items by
 * value, ties in arrival order. Each addressed item runs to the next addressed pointer's
 * offset (NULL pointers included, then skipped) and the last one to \p payload_size.
 * Zero-length addressed items and addresses beyond \p payload_size are skipped.
 */
std::vector<heap_item> extract_heap_items(const std::vector<std::uint64_t>& raw_pointers,
                                          int heap_address_bits,
                                          std::size_t payload_size);

/// The same, into \p out (replacing what it held): the receive path's form, which for
/// a few items allocates nothing (see heap_item_list).
void extract_heap_items(const std::vector<std::uint64_t>& raw_pointers,
                        int heap_address_bits,
                        std::size_t payload_size,
                        heap_item_list& out);

} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_PROTOCOL_HEAP_ITEMS_H */
