/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_LIB_PROTOCOL_PYTHON_LITERAL_H
#define INCLUDED_SPEAD_LIB_PROTOCOL_PYTHON_LITERAL_H

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace gr {
namespace spead {
namespace protocol {

/**
 * \brief One value of the small Python literal language numpy headers are written in.
 *
 * Internal to the protocol layer. Only what a header can contain exists: strings,
 * integers that fit 64 bits, True/False/None, lists, tuples and dicts with string keys.
 */
struct python_literal {
    enum class kind { string, integer, boolean, none, list, tuple, dict };

    kind type = kind::none;
    std::string text;                     ///< kind::string
    std::int64_t integer = 0;             ///< kind::integer
    bool boolean = false;                 ///< kind::boolean
    std::vector<python_literal> elements; ///< kind::list and kind::tuple
    /// kind::dict, in source order; keys are unique (a repeated key is an error).
    std::vector<std::pair<std::string, python_literal>> entries;

    /// Short human-readable name of the kind, for error messages ("tuple", "int", ...).
    const char* kind_name() const;
    /// The value spelt as Python's repr() would, for error messages.
    std::string repr() const;
};

/// Nesting deeper than this is refused: headers nest two or three levels, and a limit
/// keeps hostile input from exhausting the stack.
constexpr int PYTHON_LITERAL_MAX_DEPTH = 32;

/**
 * \brief Parses one Python literal (with optional surrounding whitespace) without ever
 * evaluating anything.
 *
 * Understands single- and double-quoted strings with Python's backslash escapes
 * (except \\N, \\u and \\U), decimal integers with an optional sign and '_' separators,
 * True, False, None, lists, tuples (a parenthesised single value without a comma is that
 * value, as in Python), dicts with string keys, and trailing commas.
 * \throws decode_error naming the position and what was found there.
 */
python_literal parse_python_literal(const std::string& text);

} // namespace protocol
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_LIB_PROTOCOL_PYTHON_LITERAL_H */
