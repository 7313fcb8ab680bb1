/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_PROTOCOL_ITEM_POINTER_H
#define INCLUDED_SPEAD_PROTOCOL_ITEM_POINTER_H

#include <cstdint>
#include <cstring>

namespace gr {
namespace spead {
namespace protocol {

/**
 * \brief One 64-bit item pointer, split into its fields (SPEAD-PROTOCOL.md section 2).
 *
 * Bit 63 is the immediate flag, the bits below it down to the heap-address width hold the
 * item ID, and the low \a heap_address_bits bits hold either the immediate value or the
 * byte offset of the item inside the heap payload.
 */
struct item_pointer {
    bool immediate = false;
    std::uint64_t id = 0;
    /// Immediate value, or address (byte offset in the heap payload).
    std::uint64_t value = 0;

    /// Splits a pointer (already converted from big-endian) for the given address width.
    static item_pointer decode(std::uint64_t raw, int heap_address_bits)
    {
        const std::uint64_t address_mask = (std::uint64_t(1) << heap_address_bits) - 1;
        item_pointer p;
        p.immediate = (raw >> 63) != 0;
        p.id = (raw & ~(std::uint64_t(1) << 63)) >> heap_address_bits;
        p.value = raw & address_mask;
        return p;
    }

    /// Joins the fields; \a id and \a value must fit their widths (they are masked).
    std::uint64_t encode(int heap_address_bits) const
    {
        const std::uint64_t address_mask = (std::uint64_t(1) << heap_address_bits) - 1;
        const std::uint64_t id_mask = (std::uint64_t(1) << (63 - heap_address_bits)) - 1;
        return (std::uint64_t(immediate) << 63) | ((id & id_mask) << heap_address_bits) |
               (value & address_mask);
    }
};

/// Reads a big-endian 64-bit word from unaligned memory (one load and a byte swap:
/// every packet's item pointers pass through here).
inline std::uint64_t load_be64(const std::uint8_t* p)
{
    std::uint64_t v;
    std::memcpy(&v, p, sizeof(v));
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    v = __builtin_bswap64(v);
#endif
    return v;
}

/// Writes a big-endian 64-bit word to unaligned memory.
inline void store_be64(std::uint8_t* p, std::uint64_t v)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    v = __builtin_bswap64(v);
#endif
    std::memcpy(p, &v, sizeof(v));
}

} // namespace protocol
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_PROTOCOL_ITEM_POINTER_H */
