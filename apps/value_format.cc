/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "value_format.h"
#include <gnuradio/spead/protocol/scalar_visit.h>
#include <type_traits>
#include <algorithm>
#include <cmath>
#include <iomanip>
#include <limits>
#include <numeric>
#include <sstream>

namespace gr {
namespace spead {
namespace apps {

namespace {

/// A scalar as a number: bool as 0 or 1, a byte string as its first byte, complex as its
/// real or \p imaginary part, a record as its first field; half floats are not decoded
/// (NaN).
double
scalar_as_double(const protocol::dtype& type, const std::uint8_t* p, bool imaginary)
{
    return protocol::visit_scalar(type, p, [&](auto v) -> double {
        using T = decltype(v);
        if constexpr (std::is_same_v<T, bool>)
            return v ? 1.0 : 0.0;
        else if constexpr (std::is_same_v<T, protocol::scalar_bytes>) {
            switch (type.type_kind) {
            case protocol::dtype::kind::bytes:
                return double(v.data[0]);
            case protocol::dtype::kind::record:
                if (type.fields.empty())
                    return 0.0;
                return scalar_as_double(
                    type.fields[0].type, p + type.fields[0].offset, imaginary);
            default:
                return std::numeric_limits<double>::quiet_NaN();
            }
        } else if constexpr (protocol::is_complex_scalar_v<T>)
            return imaginary ? double(v.imag()) : double(v.real());
        else
            return double(v);
    });
}

std::string scalar_text(const protocol::dtype& type, const std::uint8_t* p)
{
    std::ostringstream out;
    out << std::setprecision(7);
    protocol::visit_scalar(type, p, [&](auto v) {
        using T = decltype(v);
        if constexpr (std::is_same_v<T, bool>)
            out << (v ? "True" : "False");
        else if constexpr (std::is_same_v<T, protocol::scalar_bytes>) {
            if (type.type_kind == protocol::dtype::kind::bytes) {
                out << '\'' << char(v.data[0]) << '\'';
            } else if (type.type_kind == protocol::dtype::kind::record) {
                out << '(';
                for (std::size_t i = 0; i < type.fields.size(); i++) {
                    if (i)
                        out << ", ";
                    out << scalar_text(type.fields[i].type, p + type.fields[i].offset);
                }
                out << ')';
            } else {
                out << std::numeric_limits<double>::quiet_NaN();
            }
        } else if constexpr (protocol::is_complex_scalar_v<T>)
            out << '(' << double(v.real()) << (v.imag() < 0 ? "" : "+")
                << double(v.imag()) << "j)";
        else if constexpr (std::is_floating_point_v<T>)
            out << double(v);
        else if constexpr (std::is_signed_v<T>)
            out << std::int64_t(v);
        else
            out << std::uint64_t(v);
    });
    return out.str();
}

std::string type_name(const protocol::dtype& type)
{
    switch (type.type_kind) {
    case protocol::dtype::kind::boolean:
        return "bool";
    case protocol::dtype::kind::bytes:
        return "char";
    case protocol::dtype::kind::unsigned_int:
        return "uint" + std::to_string(type.itemsize * 8);
    case protocol::dtype::kind::signed_int:
        return "int" + std::to_string(type.itemsize * 8);
    case protocol::dtype::kind::floating:
        return "float" + std::to_string(type.itemsize * 8);
    case protocol::dtype::kind::complex:
        return "complex" + std::to_string(type.itemsize * 8);
    case protocol::dtype::kind::record:
        return "record";
    }
    return "?";
}

} // namespace

double
element_as_double(const protocol::decoded_value& value, std::size_t index, bool imaginary)
{
    return scalar_as_double(
        value.type, value.data.data() + index * value.type.itemsize, imaginary);
}

std::string format_value(const protocol::decoded_value& value, std::size_t max_elements)
{
    const std::size_t count = value.element_count();
    if (value.is_string) {
        std::string text(value.data.begin(), value.data.begin() + count);
        return '"' + text + '"';
    }
    if (value.shape.empty())
        return scalar_text(value.type, value.data.data());

    std::ostringstream out;
    out << type_name(value.type) << '[';
    for (std::size_t i = 0; i < value.shape.size(); i++)
        out << (i ? "," : "") << value.shape[i];
    out << "] {";
    const std::size_t shown = std::min(count, max_elements);
    for (std::size_t i = 0; i < shown; i++)
        out << (i ? ", " : "")
            << scalar_text(value.type, value.data.data() + i * value.type.itemsize);
    out << (shown < count ? ", ...}" : "}");
    return out.str();
}

std::vector<double> mean_power_per_channel(const protocol::decoded_value& value)
{
    const bool is_complex = value.type.type_kind == protocol::dtype::kind::complex;
    const bool has_re_im_axis =
        value.shape.size() >= 2 && value.shape.back() == 2 && !is_complex;
    if (value.fortran_order || (!is_complex && !has_re_im_axis) || value.shape.empty())
        return {};
    const std::size_t channels =
        has_re_im_axis ? value.shape[value.shape.size() - 2] : value.shape.back();
    const std::size_t rows_of_channels =
        channels ? value.element_count() / (channels * (has_re_im_axis ? 2 : 1)) : 0;
    std::vector<double> power(channels, 0.0);
    for (std::size_t r = 0; r < rows_of_channels; r++) {
        for (std::size_t c = 0; c < channels; c++) {
            double re, im;
            if (has_re_im_axis) {
                const std::size_t base = (r * channels + c) * 2;
                re = element_as_double(value, base);
                im = element_as_double(value, base + 1);
            } else {
                re = element_as_double(value, r * channels + c, false);
                im = element_as_double(value, r * channels + c, true);
            }
            power[c] += re * re + im * im;
        }
    }
    for (auto& p : power)
        p /= double(std::max<std::size_t>(rows_of_channels, 1));
    return power;
}

std::string spectrum_chart(const std::vector<double>& power, std::size_t rows)
{
    if (power.empty() || rows == 0)
        return {};
    // Each row shows the strongest channel of its group, so a narrow line stays visible.
    const std::size_t per_row = (power.size() + rows - 1) / rows;
    std::vector<double> sorted(power);
    std::nth_element(sorted.begin(), sorted.begin() + sorted.size() / 2, sorted.end());
    const double floor_power = std::max(sorted[sorted.size() / 2], 1e-12);

    std::ostringstream out;
    for (std::size_t first = 0; first < power.size(); first += per_row) {
        const std::size_t last = std::min(first + per_row, power.size());
        const double peak =
            *std::max_element(power.begin() + first, power.begin() + last);
        const double db = 10.0 * std::log10(std::max(peak, 1e-12) / floor_power);
        const int bar = std::max(0, std::min(60, int(std::lround(db * 2.0)) + 1));
        out << "  ch " << std::setw(5) << first << "-" << std::setw(5) << (last - 1)
            << " " << std::setw(6) << std::fixed << std::setprecision(1) << db << " dB |"
            << std::string(std::size_t(bar), '#') << '\n';
    }
    return out.str();
}

} // namespace apps
} // namespace spead
} // namespace gr
