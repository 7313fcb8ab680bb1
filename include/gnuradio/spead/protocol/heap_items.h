/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_PROTOCOL_HEAP_ITEMS_H
#define INCLUDED_SPEAD_PROTOCOL_HEAP_ITEMS_H

#include <gnuradio/spead/protocol/flavour.h>
#include <type_traits>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

namespace gr {
namespace spead {
namespace protocol {

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
 * \brief The items of one received heap: a read-only sequence of heap_item (iterate it,
 * index it, or copy it out with to_vector()).
 *
 * Up to INLINE_CAPACITY items are stored inside the object itself, without an
 * allocation of their own. Heaps of high-rate streams carry one to a few items, and a
 * separate allocation for them, made on the receive thread and freed on the
 * consumer's, would move memory between cores for every heap. Longer lists
 * (descriptor heaps, say) are kept in an ordinary vector.
 */
class heap_item_list
{
public:
    /// Items stored without an allocation.
    static constexpr std::size_t INLINE_CAPACITY = 4;

    using value_type = heap_item;
    using const_iterator = const heap_item*;
    using iterator = const_iterator;
    using size_type = std::size_t;

    heap_item_list() = default;
    heap_item_list(const heap_item_list& other) { *this = other; }
    heap_item_list(heap_item_list&& other) noexcept { *this = std::move(other); }
    heap_item_list& operator=(const heap_item_list& other)
    {
        if (this != &other) {
            d_overflow = other.d_overflow;
            copy_inline_from(other);
        }
        return *this;
    }
    heap_item_list& operator=(heap_item_list&& other) noexcept
    {
        if (this != &other) {
            d_overflow = std::move(other.d_overflow);
            copy_inline_from(other);
            other.clear();
        }
        return *this;
    }

    std::size_t size() const { return d_size; }
    bool empty() const { return d_size == 0; }
    const heap_item* data() const
    {
        return d_size <= INLINE_CAPACITY ? inline_items() : d_overflow.data();
    }
    const_iterator begin() const { return data(); }
    const_iterator end() const { return data() + d_size; }
    const heap_item& operator[](std::size_t i) const { return data()[i]; }
    const heap_item& front() const { return data()[0]; }
    const heap_item& back() const { return data()[d_size - 1]; }

    /// A copy as a vector.
    std::vector<heap_item> to_vector() const { return { begin(), end() }; }

    void push_back(const heap_item& item)
    {
        if (d_size < INLINE_CAPACITY) {
            std::memcpy(static_cast<void*>(d_inline + d_size * sizeof(heap_item)),
                        &item,
                        sizeof(heap_item));
        } else {
            if (d_size == INLINE_CAPACITY)
                d_overflow.assign(inline_items(), inline_items() + INLINE_CAPACITY);
            d_overflow.push_back(item);
        }
        d_size++;
    }

    void clear()
    {
        d_size = 0;
        d_overflow.clear();
    }

    bool operator==(const heap_item_list& o) const
    {
        if (d_size != o.d_size)
            return false;
        for (std::size_t i = 0; i < d_size; i++) {
            if (!((*this)[i] == o[i]))
                return false;
        }
        return true;
    }
    bool operator!=(const heap_item_list& o) const { return !(*this == o); }

private:
    static_assert(std::is_trivially_copyable<heap_item>::value,
                  "heap_item is stored by copying its bytes");

    const heap_item* inline_items() const
    {
        return reinterpret_cast<const heap_item*>(d_inline);
    }

    /// Copies the size and, for short lists, the inline items (only those in use).
    void copy_inline_from(const heap_item_list& other)
    {
        d_size = other.d_size;
        if (d_size <= INLINE_CAPACITY && d_size > 0)
            std::memcpy(d_inline, other.d_inline, d_size * sizeof(heap_item));
    }

    std::size_t d_size = 0;
    /// Raw storage, so that making or moving a heap does not initialise unused items.
    alignas(heap_item) unsigned char d_inline[INLINE_CAPACITY * sizeof(heap_item)];
    /// All the items once there are more than INLINE_CAPACITY.
    std::vector<heap_item> d_overflow;
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

} // namespace protocol
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_PROTOCOL_HEAP_ITEMS_H */
