/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_SEND_LAYOUT_JSON_H
#define INCLUDED_SPEAD_SEND_LAYOUT_JSON_H

#include <string>
#include <utility>
#include <vector>

namespace gr {
namespace spead {
namespace send {

/**
 * \brief One value of a layout file: the JSON a person writes by hand.
 * Numbers keep their text, so that a 64-bit integer is read exactly and a fraction is
 * read as a double only where a fraction is accepted.
 */
struct json_value {
    enum class kind { null, boolean, number, string, array, object };

    kind type = kind::null;
    bool boolean = false;
    std::string text; ///< kind::string: the decoded string; kind::number: as written
    std::vector<json_value> elements;
    /// kind::object, in source order; a repeated key is an error.
    std::vector<std::pair<std::string, json_value>> members;

    /// "object", "array", "string", "number", "true/false" or "null", for messages.
    const char* kind_name() const;
};

/// Deeper nesting is refused (a layout nests three levels).
constexpr int JSON_MAX_DEPTH = 32;

/**
 * \brief Parses one JSON document (RFC 8259: objects, arrays, strings with escapes
 * including \\uXXXX as UTF-8, numbers, true, false, null), surrounded by whitespace.
 * \throws std::invalid_argument naming the line and column and what was found there.
 */
json_value parse_json(const std::string& text);

} // namespace send
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_SEND_LAYOUT_JSON_H */
