/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_PROTOCOL_HEAP_ITEM_LIST_H
#define INCLUDED_SPEAD_PROTOCOL_HEAP_ITEM_LIST_H

#include <gnuradio/spead/protocol/heap_items.h>
#include <type_traits>
#include <cstddef>
#include <cstring>
#include <vector>

namespace gr {
namespace spead {

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

} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_PROTOCOL_HEAP_ITEM_LIST_H */
