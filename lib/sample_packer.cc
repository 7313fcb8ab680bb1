/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "sample_packer.h"
#include <volk/volk.h>
#include <cmath>
#include <cstring>
#include <stdexcept>

namespace gr {
namespace spead {

wire_choice parse_wire_choice(const std::string& text, const std::string& parameter)
{
    if (text.empty() || text == "native")
        return wire_choice::native;
    if (text == "int8")
        return wire_choice::int8;
    if (text == "int16")
        return wire_choice::int16;
    if (text == "native_be")
        return wire_choice::native_be;
    if (text == "int16_be")
        return wire_choice::int16_be;
    throw std::invalid_argument(parameter + ": unknown wire type '" + text +
                                "' (accepted: native, int8, int16, native_be, int16_be)");
}

namespace {

/// The conversion of a choice, without its byte order.
wire_choice conversion_of(wire_choice w)
{
    switch (w) {
    case wire_choice::native_be:
        return wire_choice::native;
    case wire_choice::int16_be:
        return wire_choice::int16;
    default:
        return w;
    }
}

bool is_float(sample_type t)
{
    return t == sample_type::complex_float || t == sample_type::float32;
}

std::size_t wire_scalar_size(sample_type input, wire_choice wire)
{
    switch (wire) {
    case wire_choice::int8:
        return 1;
    case wire_choice::int16:
        return 2;
    default:
        break;
    }
    return sample_size(input) / scalars_per_sample(input);
}

} // namespace

sample_packer::sample_packer(sample_type input,
                             std::size_t vlen,
                             wire_choice wire,
                             double scale,
                             const std::string& parameter)
    : d_input(input),
      d_vlen(vlen),
      d_wire(conversion_of(wire)),
      d_big_endian(wire != conversion_of(wire)),
      d_scale(float(scale))
{
    wire = d_wire; // the checks below are the conversion's
    if (vlen == 0)
        throw std::invalid_argument(parameter + ": vlen must be at least 1");
    if (!std::isfinite(scale) || scale <= 0)
        throw std::invalid_argument(parameter + ": scale must be finite and above 0");
    const bool byte_as_int8 = input == sample_type::byte && wire == wire_choice::int8;
    if (wire != wire_choice::native && !is_float(input) && !byte_as_int8)
        throw std::invalid_argument(
            parameter + ": wire types int8 and int16 take complex or float inputs " +
            "(and int8 a byte input); other inputs go as they are (native)");
    d_wire_bytes_per_item =
        wire_scalar_size(input, wire) * scalars_per_sample(input) * vlen;
}

void sample_packer::pack(const void* in, std::size_t n_items, std::uint8_t* out) const
{
    const std::size_t n_scalars = n_items * d_vlen * scalars_per_sample(d_input);
    const float* samples = static_cast<const float*>(in);
    if (d_wire == wire_choice::native || !is_float(d_input)) {
        // Little-endian machines (every GNU Radio target): the samples are the wire.
        std::memcpy(out, in, n_items * input_bytes_per_item());
    } else if (d_wire == wire_choice::int8) {
        volk_32f_s32f_convert_8i(
            reinterpret_cast<int8_t*>(out), samples, d_scale, unsigned(n_scalars));
    } else {
        volk_32f_s32f_convert_16i(
            reinterpret_cast<int16_t*>(out), samples, d_scale, unsigned(n_scalars));
    }
    if (!d_big_endian)
        return;
    switch (wire_scalar_size(d_input, d_wire)) {
    case 2:
        volk_16u_byteswap(reinterpret_cast<std::uint16_t*>(out), unsigned(n_scalars));
        break;
    case 4:
        volk_32u_byteswap(reinterpret_cast<std::uint32_t*>(out), unsigned(n_scalars));
        break;
    default: // one byte: no order
        break;
    }
}

protocol::numpy_header sample_packer::describe(std::size_t items_per_heap) const
{
    protocol::numpy_header h;
    h.shape.push_back(std::int64_t(items_per_heap));
    if (d_vlen > 1)
        h.shape.push_back(std::int64_t(d_vlen));
    const bool pairs =
        d_input == sample_type::complex_float && d_wire != wire_choice::native;
    if (pairs)
        h.shape.push_back(2);
    using kind = protocol::dtype::kind;
    const char order = d_big_endian ? '>' : '<';
    switch (d_wire) {
    case wire_choice::int8:
        h.type = protocol::dtype::scalar(kind::signed_int, 1, '|');
        return h;
    case wire_choice::int16:
        h.type = protocol::dtype::scalar(kind::signed_int, 2, order);
        return h;
    default:
        break;
    }
    switch (d_input) {
    case sample_type::complex_float:
        h.type = protocol::dtype::scalar(kind::complex, 8, order);
        break;
    case sample_type::float32:
        h.type = protocol::dtype::scalar(kind::floating, 4, order);
        break;
    case sample_type::int32:
        h.type = protocol::dtype::scalar(kind::signed_int, 4, order);
        break;
    case sample_type::int16:
        h.type = protocol::dtype::scalar(kind::signed_int, 2, order);
        break;
    case sample_type::byte:
        h.type = protocol::dtype::scalar(kind::unsigned_int, 1, '|');
        break;
    }
    return h;
}

} // namespace spead
} // namespace gr
