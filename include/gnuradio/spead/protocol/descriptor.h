/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_PROTOCOL_DESCRIPTOR_H
#define INCLUDED_SPEAD_PROTOCOL_DESCRIPTOR_H

#include <gnuradio/spead/protocol/flavour.h>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace gr {
namespace spead {
namespace protocol {

/// One field of a SPEAD format: a type code ('u', 'i', 'f', 'c', 'b', '0') and a bit
/// length.
struct format_field {
    char code = 'u';
    int bits = 8;

    bool operator==(const format_field& o) const
    {
        return code == o.code && bits == o.bits;
    }
    bool operator!=(const format_field& o) const { return !(*this == o); }
};

/**
 * \brief What a DESCRIPTOR item says about one item (SPEAD-PROTOCOL.md section 5).
 *
 * Held as on the wire: the numpy header stays text here and is parsed when the item type
 * is resolved (item_type), because a bad header must fail that heap's decode, not the
 * descriptor's transport.
 */
struct descriptor {
    std::uint64_t id = 0;
    std::string name;
    std::string description;
    std::vector<format_field> format;
    /// Dimensions; -1 marks a variable dimension. Empty for a scalar.
    std::vector<std::int64_t> shape;
    /// Text of DESCRIPTOR_DTYPE, or empty when absent. When present it wins over format
    /// and shape.
    std::string numpy_header;

    bool operator==(const descriptor& o) const
    {
        return id == o.id && name == o.name && description == o.description &&
               format == o.format && shape == o.shape && numpy_header == o.numpy_header;
    }
    bool operator!=(const descriptor& o) const { return !(*this == o); }
};

/**
 * \brief Decodes the value of a DESCRIPTOR item: one or more whole SPEAD packets in any
 * 64-bit flavour forming one heap.
 *
 * Field widths follow the embedded packets' flavour, or 4/8 bytes with
 * BUG_COMPAT_DESCRIPTOR_WIDTHS; the variable-dimension flag is 0x02 with
 * BUG_COMPAT_SHAPE_BIT_1. NAME, DESCRIPTION, FORMAT, SHAPE and DTYPE may be immediate:
 * their bytes are then the heap_address_bits/8 bytes of the value field, big-endian
 * (leading zeros included, as spead2 reads them). As in spead2: FORMAT and SHAPE are read
 * in whole fields and a partial field at their end is ignored (PySPEAD's 4/8-byte widths
 * read without bug_compat); a repeated FORMAT or SHAPE adds its fields, any other
 * repeated item replaces the earlier one; unknown items are ignored; several variable
 * dimensions are kept (item_type rejects them). Format and shape are kept beside a DTYPE
 * (spead2 empties them; readers let the numpy header win, and re-encoding gives the
 * sender's bytes). Returns std::nullopt when there is no immediate DESCRIPTOR_ID or it is
 * 0 (such a descriptor is ignored, as spead2 does).
 * \throws decode_error when the packets are malformed, they do not form exactly one
 * complete heap, or a format field's bit length does not fit an int.
 */
std::optional<descriptor>
decode_descriptor(const std::uint8_t* data, std::size_t length, int bug_compat);

/**
 * \brief Encodes a descriptor as the value of a DESCRIPTOR item: one packet in \p flav,
 * honouring its bug_compat widths and shape flag, byte for byte as spead2 writes it
 * (HEAP_CNT 1, HEAP_LENGTH, PAYLOAD_OFFSET, PAYLOAD_LENGTH, immediate DESCRIPTOR_ID,
 * then NAME, DESCRIPTION, FORMAT, SHAPE and, when numpy_header is not empty, DTYPE,
 * addressed and back to back in the payload).
 * \throws std::invalid_argument when the ID is 0 or does not fit the flavour's ID and
 * immediate fields, a bit length or a dimension does not fit its field, more than one
 * dimension is variable, or the payload exceeds the flavour's address range.
 */
std::vector<std::uint8_t> encode_descriptor(const descriptor& desc, const flavour& flav);

} // namespace protocol
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_PROTOCOL_DESCRIPTOR_H */
