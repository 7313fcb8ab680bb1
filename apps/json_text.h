/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_APPS_JSON_TEXT_H
#define INCLUDED_SPEAD_APPS_JSON_TEXT_H

#include <string>

namespace gr {
namespace spead {
namespace apps {

/// \p s as a JSON string literal, quotes included (control characters escaped; bytes
/// >= 0x80 that are not UTF-8 become \\u00XX so that the output stays valid JSON).
std::string json_string(const std::string& s);

/// \p v with \p decimals decimals ("null" when not finite, which JSON cannot express).
std::string json_number(double v, int decimals = 3);

} // namespace apps
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_APPS_JSON_TEXT_H */
