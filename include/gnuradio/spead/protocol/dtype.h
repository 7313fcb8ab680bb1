/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_PROTOCOL_DTYPE_H
#define INCLUDED_SPEAD_PROTOCOL_DTYPE_H

#include <cstddef>
#include <string>
#include <vector>

namespace gr {
namespace spead {
namespace protocol {

/**
 * \brief Element type of an item's values, in numpy's terms.
 *
 * Scalars are a kind, a size in bytes and a byte order; records (numpy structured types)
 * hold named fields at byte offsets. This is what a numpy header's `descr` describes and
 * what a SPEAD format turns into, so the Python layer maps it 1:1 onto numpy.dtype and
 * the GNU Radio blocks onto their output types.
 */
struct dtype {
    enum class kind : char {
        boolean = 'b',
        signed_int = 'i',
        unsigned_int = 'u',
        floating = 'f',
        complex = 'c',
        bytes = 'S',  ///< fixed-length byte string; itemsize 1 for SPEAD's 'c' format
        record = 'V', ///< structured: see fields
    };
    struct field;

    kind type_kind = kind::unsigned_int;
    std::size_t itemsize = 1;
    /// '<' little-endian, '>' big-endian, '|' not applicable (1-byte types, records).
    char byte_order = '|';
    /// Fields of a record, in order; empty for scalars.
    std::vector<field> fields;

    /**
     * A scalar type (kind::record gives a raw void of \p itemsize bytes). Byte order '|'
     * is forced for itemsize 1, bytes and void; '=' (and '|' on a multi-byte number, as
     * numpy reads it) means native.
     * \throws std::invalid_argument for a size the kind does not have (b: 1; i, u: 1, 2,
     * 4, 8; f: 2, 4, 8; c: 8, 16; S, V: at least 1) or a byte order other than < > | =.
     */
    static dtype scalar(kind k, std::size_t itemsize, char byte_order);
    /// Byte order of this machine: '<' or '>'.
    static char native_byte_order();

    /// Copy with every multi-byte scalar (fields included) in native byte order.
    dtype to_native() const;
    /// True when no multi-byte scalar in it differs from native byte order.
    bool is_native() const;

    /**
     * numpy's descr as a Python literal: `'<u8'`, `'|i1'`, `'>c16'`, or for records
     * `[('f0', '>u2'), ('x', '<f4')]` (padding between fields and after the last one
     * appears as `('', '|V2')`; nested records as nested lists).
     * \throws std::invalid_argument when record fields overlap or are out of offset order
     * (numpy's descr cannot express that).
     */
    std::string descr() const;

    /// Equal kind, size, fields and byte order (byte order compared only where it
    /// exists, so a hand-built '<u1' equals '|u1').
    bool operator==(const dtype& other) const;
    bool operator!=(const dtype& other) const { return !(*this == other); }
};

struct dtype::field {
    std::string name;
    dtype type;
    std::size_t offset = 0;

    bool operator==(const field& o) const
    {
        return name == o.name && type == o.type && offset == o.offset;
    }
};

} // namespace protocol
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_PROTOCOL_DTYPE_H */
