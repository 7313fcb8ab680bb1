/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "json_text.h"
#include <cmath>
#include <cstdio>

namespace gr {
namespace spead {
namespace apps {

std::string json_string(const std::string& s)
{
    std::string out = "\"";
    for (char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (u < 0x20 || u >= 0x7f) {
            // Item names and values come off the wire: bytes above ASCII are escaped one
            // by one rather than trusted to be UTF-8.
            char escaped[8];
            std::snprintf(escaped, sizeof(escaped), "\\u%04x", unsigned(u));
            out += escaped;
        } else {
            out += c;
        }
    }
    return out + "\"";
}

std::string json_number(double v, int decimals)
{
    if (!std::isfinite(v))
        return "null";
    char text[64];
    std::snprintf(text, sizeof(text), "%.*f", decimals, v);
    return text;
}

} // namespace apps
} // namespace spead
} // namespace gr
