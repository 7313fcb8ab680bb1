/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "python_repr.h"

namespace gr {
namespace spead {
namespace protocol {

std::string python_repr(const std::string& text)
{
    const bool has_single = text.find('\'') != std::string::npos;
    const bool has_double = text.find('"') != std::string::npos;
    const char quote = (has_single && !has_double) ? '"' : '\'';

    static const char hex_digits[] = "0123456789abcdef";
    std::string out(1, quote);
    for (const char ch : text) {
        const auto byte = static_cast<unsigned char>(ch);
        if (ch == quote || ch == '\\') {
            out += '\\';
            out += ch;
        } else if (ch == '\n') {
            out += "\\n";
        } else if (ch == '\r') {
            out += "\\r";
        } else if (ch == '\t') {
            out += "\\t";
        } else if (byte < 0x20 || byte >= 0x7f) {
            out += "\\x";
            out += hex_digits[byte >> 4];
            out += hex_digits[byte & 0xf];
        } else {
            out += ch;
        }
    }
    out += quote;
    return out;
}

} // namespace protocol
} // namespace spead
} // namespace gr
