/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_PROTOCOL_NUMPY_HEADER_H
#define INCLUDED_SPEAD_PROTOCOL_NUMPY_HEADER_H

#include <gnuradio/spead/protocol/dtype.h>
#include <cstdint>
#include <string>
#include <vector>

namespace gr {
namespace spead {
namespace protocol {

/**
 * \brief The contents of a DESCRIPTOR_DTYPE item: numpy's `.npy` header dictionary.
 *
 * On the wire it is an ASCII Python literal with exactly the keys `descr`,
 * `fortran_order` and `shape`, for example
 * `{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2)}`.
 */
struct numpy_header {
    dtype type;
    bool fortran_order = false;
    /// Dimensions, all non-negative: like spead2, a numpy header has no variable
    /// dimension.
    std::vector<std::int64_t> shape;

    bool operator==(const numpy_header& o) const
    {
        return type == o.type && fortran_order == o.fortran_order && shape == o.shape;
    }
};

/**
 * \brief Parses the header text with a small literal parser (never an evaluator).
 *
 * Accepts single or double quotes, any key order, optional trailing commas, surrounding
 * whitespace and trailing padding spaces/newline (as .npy files have), `descr` as a type
 * string or a list of (name, type) tuples (a type may itself be such a list: nested
 * records). Fields are packed in order; a nameless `|Vn` entry is padding, another
 * nameless field is called f<index> as numpy names it. `shape` must be a tuple of
 * non-negative ints, `fortran_order` True or False.
 * \throws decode_error naming what is wrong: a missing, unknown or repeated key, an
 * unsupported type string, a negative dimension, a malformed literal.
 */
numpy_header parse_numpy_header(const std::string& text);

/**
 * \brief Produces the header text as spead2 writes it (what Python's repr gives for the
 * dict, e.g. `{'descr': '<u8', 'fortran_order': False, 'shape': ()}`, no padding);
 * it round-trips through the parser and through Python's ast.literal_eval.
 * \throws std::invalid_argument for a negative dimension or a record whose fields
 * overlap.
 */
std::string format_numpy_header(const numpy_header& header);

/**
 * \brief Parses one numpy type string such as `<u8`, `|i1`, `>c16`, `<f4`, `|b1`, `|S1`,
 * `?`, `u1`. \throws decode_error for anything else.
 */
dtype parse_dtype_string(const std::string& text);

} // namespace protocol
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_PROTOCOL_NUMPY_HEADER_H */
