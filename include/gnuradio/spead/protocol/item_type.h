/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_PROTOCOL_ITEM_TYPE_H
#define INCLUDED_SPEAD_PROTOCOL_ITEM_TYPE_H

#include <gnuradio/spead/protocol/descriptor.h>
#include <gnuradio/spead/protocol/dtype.h>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace gr {
namespace spead {
namespace protocol {

/**
 * \brief A decoded item value: elements in native byte order with their shape.
 *
 * \a data holds shape-product elements of \a type, laid out in Fortran order when
 * \a fortran_order is set (numpy then views it with order='F'), C order otherwise.
 */
struct decoded_value {
    dtype type;
    std::vector<std::size_t> shape;
    bool fortran_order = false;
    /// A 1-d array of SPEAD format [('c', 8)]: callers present it as a string.
    bool is_string = false;
    std::vector<std::uint8_t> data;

    /// Product of \a shape (1 for a scalar, 0 when any dimension is 0).
    /// \throws std::overflow_error when the product does not fit a size_t.
    std::size_t element_count() const;
};

/**
 * \brief How the bytes of one item become values, resolved once from its descriptor
 * (SPEAD-PROTOCOL.md section 7, rules 4 to 7).
 *
 * A numpy header wins over format and shape. Formats: `u`/`i` of 8/16/32/64 bits map to
 * big-endian integers, `f` 32/64 to big-endian floats, `b` 8 to bool, `c` 8 to a 1-byte
 * character; any other `u`/`i` bit width (1..64) is read MSB-first bit by bit and widened
 * to the smallest of 8/16/32/64 bits (sign-extended for `i`); several fields make a
 * record with fields named f0, f1, ... Values come out in native byte order.
 */
class item_type
{
public:
    /// \throws decode_error when the numpy header or format cannot be interpreted.
    static item_type from_descriptor(const descriptor& desc, int bug_compat);

    /// Element type of decoded values (native byte order).
    const dtype& value_type() const { return d_value_type; }
    /// Element type as on the wire when it is byte-aligned (numpy header, or a format of
    /// standard widths); meaningful only when is_byte_aligned().
    const dtype& wire_type() const { return d_wire_type; }
    /// True when every element occupies whole bytes laid out as wire_type().
    bool is_byte_aligned() const { return d_byte_aligned; }
    /// Bits one element occupies on the wire.
    std::size_t element_bits() const { return d_element_bits; }
    /// Dimensions, -1 for the (at most one) variable dimension.
    const std::vector<std::int64_t>& shape() const { return d_shape; }
    bool fortran_order() const { return d_fortran_order; }
    bool is_string() const { return d_is_string; }

    /**
     * \brief Decodes one value.
     *
     * For an addressed item pass its payload bytes: the value is read from the leading
     * bytes. For an immediate item pass the heap_address_bits/8 bytes of the pointer's
     * value field, big-endian: the value is read from the trailing bytes (the last
     * ceil(element bits * elements / 8) of them, whose leading bits hold the value: a u12
     * immediate `00 00 00 AB C0` is 0xABC, as spead2 reads it). Surplus bytes
     * are ignored; a variable dimension takes floor(available elements / product of the
     * fixed dimensions).
     * \throws decode_error when there are too few bytes for the shape.
     */
    decoded_value
    decode(const std::uint8_t* data, std::size_t length, bool immediate) const;

    /**
     * \brief Encodes a value of this type into its wire bytes (the inverse of decode for
     * an addressed item). \a value.shape resolves the variable dimension.
     * \throws std::invalid_argument when the value's type or shape does not match.
     */
    std::vector<std::uint8_t> encode(const decoded_value& value) const;

private:
    dtype d_value_type;
    dtype d_wire_type;
    bool d_byte_aligned = true;
    std::size_t d_element_bits = 8;
    std::vector<std::int64_t> d_shape;
    bool d_fortran_order = false;
    bool d_is_string = false;
    std::vector<format_field> d_fields; ///< wire fields when decoding bit by bit
};

} // namespace protocol
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_PROTOCOL_ITEM_TYPE_H */
