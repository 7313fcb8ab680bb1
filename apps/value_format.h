/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_APPS_VALUE_FORMAT_H
#define INCLUDED_SPEAD_APPS_VALUE_FORMAT_H

#include <gnuradio/spead/protocol/item_type.h>
#include <string>
#include <vector>

namespace gr {
namespace spead {
namespace apps {

/// Reads element \p index of a decoded value as a double (real part for complex; the
/// first field for records); used for summaries and spectra.
double element_as_double(const protocol::decoded_value& value,
                         std::size_t index,
                         bool imaginary = false);

/**
 * Short human-readable text of a value: a scalar as a number, a string quoted, an array
 * as `int8[16,1024,2] {1, -3, 4, ...}` with at most \p max_elements elements shown.
 */
std::string format_value(const protocol::decoded_value& value,
                         std::size_t max_elements = 6);

/**
 * Mean power per channel of a value shaped (..., channels, 2) with (re, im) on the last
 * axis, or (..., channels) of complex type. Empty when the value has neither shape.
 */
std::vector<double> mean_power_per_channel(const protocol::decoded_value& value);

/// A text bar chart of \p power (one row per group of channels, in dB relative to the
/// median), \p rows rows high.
std::string spectrum_chart(const std::vector<double>& power, std::size_t rows = 32);

} // namespace apps
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_APPS_VALUE_FORMAT_H */
