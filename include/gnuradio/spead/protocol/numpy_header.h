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
    /// Dimensions; a negative entry marks a variable dimension.
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
 * string or a list of (name, type[, shape]) tuples without the shape element.
 * \throws decode_error naming what is wrong: a missing, unknown or repeated key, an
 * unsupported type string, a malformed literal.
 */
numpy_header parse_numpy_header(const std::string& text);

/// Produces the header text in numpy's own spelling (round-trips through the parser).
std::string format_numpy_header(const numpy_header& header);

/**
 * \brief Parses one numpy type string such as `<u8`, `|i1`, `>c16`, `<f4`, `|b1`, `|S1`,
 * `?`, `u1`. \throws decode_error for anything else.
 */
dtype parse_dtype_string(const std::string& text);

} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_PROTOCOL_NUMPY_HEADER_H */
