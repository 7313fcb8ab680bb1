/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_PROTOCOL_FLAVOUR_H
#define INCLUDED_SPEAD_PROTOCOL_FLAVOUR_H

#include <cstdint>

namespace gr {
namespace spead {
namespace protocol {

/// Descriptor format fields are 4 bytes and shape fields 8 bytes, whatever the flavour.
constexpr int BUG_COMPAT_DESCRIPTOR_WIDTHS = 0x1;
/// The variable-dimension flag of a shape is 0x02 instead of 0x01.
constexpr int BUG_COMPAT_SHAPE_BIT_1 = 0x2;
/// Items described by a numpy header arrive byte-swapped relative to their `descr`.
constexpr int BUG_COMPAT_SWAP_ENDIAN = 0x4;
/// Everything PySPEAD 0.5.2 gets wrong: the three flags above.
constexpr int BUG_COMPAT_PYSPEAD_0_5_2 = 0x7;
/// Mask of every known bug-compatibility flag; other bits are invalid.
constexpr int BUG_COMPAT_ALL = 0x7;

/**
 * \brief The variant of SPEAD in use: protocol version, pointer widths, bug
 * compatibility.
 *
 * Same meaning as spead2's Flavour. Only version 4 with 64-bit item pointers exists in
 * practice; the heap-address width (40 for SPEAD-64-40, 48 for SPEAD-64-48) may be any
 * multiple of 8 from 8 to 56. Bug compatibility is receiver configuration, never on the
 * wire: it only changes how descriptors and numpy-header items are interpreted.
 */
class flavour
{
public:
    /// SPEAD-64-40 without bug compatibility (spead2's default).
    flavour() = default;

    /**
     * \throws std::invalid_argument naming the parameter when \p version is not 4,
     * \p item_pointer_bits is not 64, \p heap_address_bits is not a multiple of 8 in
     * [8, 56], or \p bug_compat has bits outside BUG_COMPAT_ALL.
     */
    flavour(int version,
            int item_pointer_bits,
            int heap_address_bits,
            int bug_compat = 0);

    int version() const { return d_version; }
    int item_pointer_bits() const { return d_item_pointer_bits; }
    int heap_address_bits() const { return d_heap_address_bits; }
    int bug_compat() const { return d_bug_compat; }

    /// Bits available for an item ID: item_pointer_bits - heap_address_bits - 1.
    int id_bits() const { return d_item_pointer_bits - d_heap_address_bits - 1; }
    /// Largest item ID representable in this flavour.
    std::uint64_t max_id() const { return (std::uint64_t(1) << id_bits()) - 1; }
    /// Largest immediate value or heap address representable in this flavour.
    std::uint64_t max_address() const
    {
        return (std::uint64_t(1) << d_heap_address_bits) - 1;
    }

    bool operator==(const flavour& other) const
    {
        return d_version == other.d_version &&
               d_item_pointer_bits == other.d_item_pointer_bits &&
               d_heap_address_bits == other.d_heap_address_bits &&
               d_bug_compat == other.d_bug_compat;
    }
    bool operator!=(const flavour& other) const { return !(*this == other); }

private:
    int d_version = 4;
    int d_item_pointer_bits = 64;
    int d_heap_address_bits = 40;
    int d_bug_compat = 0;
};

} // namespace protocol
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_PROTOCOL_FLAVOUR_H */
