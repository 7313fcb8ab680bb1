/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "sample_converter.h"
#include <volk/volk.h>
#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace gr {
namespace spead {

sample_type parse_sample_type(const std::string& text, const std::string& parameter)
{
    if (text == "complex")
        return sample_type::complex_float;
    if (text == "float")
        return sample_type::float32;
    if (text == "int")
        return sample_type::int32;
    if (text == "short")
        return sample_type::int16;
    if (text == "byte")
        return sample_type::byte;
    throw std::invalid_argument(parameter +
                                " must be one of 'complex', 'float', 'int', 'short', "
                                "'byte', not '" +
                                text + "'");
}

std::size_t scalars_per_sample(sample_type type)
{
    return type == sample_type::complex_float ? 2 : 1;
}

std::size_t sample_size(sample_type type)
{
    switch (type) {
    case sample_type::complex_float:
        return 8;
    case sample_type::float32:
    case sample_type::int32:
        return 4;
    case sample_type::int16:
        return 2;
    case sample_type::byte:
        return 1;
    }
    return 1;
}

namespace {

const char* type_name(sample_type t)
{
    switch (t) {
    case sample_type::complex_float:
        return "complex";
    case sample_type::float32:
        return "float";
    case sample_type::int32:
        return "int";
    case sample_type::int16:
        return "short";
    case sample_type::byte:
        return "byte";
    }
    return "?";
}

bool is_integer(const protocol::dtype& t)
{
    return t.type_kind == protocol::dtype::kind::signed_int ||
           t.type_kind == protocol::dtype::kind::unsigned_int ||
           t.type_kind == protocol::dtype::kind::boolean ||
           (t.type_kind == protocol::dtype::kind::bytes && t.itemsize == 1);
}

void byteswap_in_place(void* data, std::size_t size, std::size_t n)
{
    switch (size) {
    case 2:
        volk_16u_byteswap(static_cast<std::uint16_t*>(data), unsigned(n));
        break;
    case 4:
        volk_32u_byteswap(static_cast<std::uint32_t*>(data), unsigned(n));
        break;
    case 8:
        volk_64u_byteswap(static_cast<std::uint64_t*>(data), unsigned(n));
        break;
    default:
        break;
    }
}

} // namespace

sample_converter::sample_converter(sample_type output,
                                   const protocol::dtype& wire,
                                   double scale)
    : d_output(output), d_wire(wire)
{
    auto fail = [&](const std::string& why) {
        std::string descr;
        try {
            descr = wire.descr();
        } catch (const std::exception&) {
            descr = "(record)";
        }
        throw std::invalid_argument("cannot convert wire type " + descr +
                                    " to output type " + type_name(output) + ": " + why);
    };
    if (wire.type_kind == protocol::dtype::kind::record)
        fail("records (structured types) are not sample streams; set the output's wire "
             "type explicitly");
    if (!(scale != 0.0) || scale != scale)
        fail("scale must be a non-zero number");
    d_scalar = wire;
    if (wire.type_kind == protocol::dtype::kind::complex)
        d_scalar = protocol::dtype::scalar(
            protocol::dtype::kind::floating, wire.itemsize / 2, wire.byte_order);
    d_wire_scalar = d_scalar.itemsize;
    d_swap =
        d_wire_scalar > 1 && d_scalar.byte_order != protocol::dtype::native_byte_order();
    d_scalars_per_item = scalars_per_sample(output);
    d_divisor = float(scale);

    const bool float_output =
        output == sample_type::complex_float || output == sample_type::float32;
    d_out_scalar = float_output ? 4 : sample_size(output);
    const protocol::dtype::kind k = d_scalar.type_kind;
    if (wire.type_kind == protocol::dtype::kind::complex && !float_output)
        fail("complex wire values need a complex or float output");
    if (float_output) {
        if (k == protocol::dtype::kind::floating) {
            if (d_wire_scalar == 4)
                d_path = path::f32_to_f32;
            else if (d_wire_scalar == 8)
                d_path = path::f64_to_f32;
            else
                fail("half-precision floats are not supported");
        } else if (k == protocol::dtype::kind::signed_int && d_wire_scalar == 1) {
            d_path = path::i8_to_f32;
        } else if (k == protocol::dtype::kind::signed_int && d_wire_scalar == 2) {
            d_path = path::i16_to_f32;
        } else if (k == protocol::dtype::kind::signed_int && d_wire_scalar == 4) {
            d_path = path::i32_to_f32;
        } else if (is_integer(d_scalar)) {
            d_path = path::int_to_f32;
        } else {
            fail("unsupported wire type");
        }
    } else {
        if (!is_integer(d_scalar))
            fail("integer outputs take integer wire values only");
        if (scale != 1.0)
            fail("scale must be 1 for integer outputs");
        if (d_wire_scalar == d_out_scalar)
            d_path = path::copy;
        else if (d_wire_scalar < d_out_scalar)
            d_path = path::widen_int;
        else
            fail("the wire values are wider than the output (narrowing would lose data)");
    }
    if (d_swap || d_path == path::f64_to_f32)
        d_scratch.resize(scratch_scalars * 8);
}

void sample_converter::copy_native(const std::uint8_t* in, void* dest, std::size_t n)
{
    std::memcpy(dest, in, n * d_wire_scalar);
    if (d_swap)
        byteswap_in_place(dest, d_wire_scalar, n);
}

const void* sample_converter::native_view(const std::uint8_t* in, std::size_t n)
{
    if (!d_swap)
        return in;
    copy_native(in, d_scratch.data(), n);
    return d_scratch.data();
}

std::int64_t sample_converter::read_signed(const std::uint8_t* in, std::size_t i) const
{
    const std::uint64_t u = read_unsigned(in, i);
    const unsigned bits = unsigned(d_wire_scalar * 8);
    if (bits == 64)
        return std::int64_t(u);
    const std::uint64_t sign = std::uint64_t(1) << (bits - 1);
    return std::int64_t((u ^ sign) - sign);
}

std::uint64_t sample_converter::read_unsigned(const std::uint8_t* in, std::size_t i) const
{
    const std::uint8_t* p = in + i * d_wire_scalar;
    const bool big = d_wire_scalar == 1 ? false : d_scalar.byte_order == '>';
    std::uint64_t v = 0;
    for (std::size_t b = 0; b < d_wire_scalar; b++) {
        const std::size_t at = big ? b : d_wire_scalar - 1 - b;
        v = (v << 8) | p[at];
    }
    return v;
}

void sample_converter::convert(const std::uint8_t* in, void* out, std::size_t n_scalars)
{
    auto* out_bytes = static_cast<std::uint8_t*>(out);
    float* out_f = static_cast<float*>(out);
    // Conversions through the scratch buffer go chunk by chunk.
    const std::size_t chunk = d_scratch.empty() ? n_scalars : scratch_scalars;
    switch (d_path) {
    case path::copy:
        copy_native(in, out, n_scalars);
        return;
    case path::i8_to_f32:
        volk_8i_s32f_convert_32f(out_f,
                                 reinterpret_cast<const std::int8_t*>(in),
                                 d_divisor,
                                 unsigned(n_scalars));
        return;
    case path::f32_to_f32:
        copy_native(in, out, n_scalars);
        if (d_divisor != 1.0f)
            volk_32f_s32f_normalize(out_f, d_divisor, unsigned(n_scalars));
        return;
    default:
        break;
    }
    for (std::size_t done = 0; done < n_scalars;) {
        const std::size_t n = std::min(chunk, n_scalars - done);
        const std::uint8_t* src = in + done * d_wire_scalar;
        float* dst = out_f + done;
        switch (d_path) {
        case path::i16_to_f32:
            volk_16i_s32f_convert_32f(
                dst,
                static_cast<const std::int16_t*>(native_view(src, n)),
                d_divisor,
                unsigned(n));
            break;
        case path::i32_to_f32:
            volk_32i_s32f_convert_32f(
                dst,
                static_cast<const std::int32_t*>(native_view(src, n)),
                d_divisor,
                unsigned(n));
            break;
        case path::f64_to_f32: {
            // The scratch buffer holds the native doubles (copied even when the wire is
            // native: VOLK's aligned kernels would otherwise see heap offsets).
            copy_native(src, d_scratch.data(), n);
            volk_64f_convert_32f(
                dst, reinterpret_cast<const double*>(d_scratch.data()), unsigned(n));
            if (d_divisor != 1.0f)
                volk_32f_s32f_normalize(dst, d_divisor, unsigned(n));
            break;
        }
        case path::int_to_f32:
            for (std::size_t i = 0; i < n; i++) {
                const double v = d_scalar.type_kind == protocol::dtype::kind::signed_int
                                     ? double(read_signed(src, i))
                                     : double(read_unsigned(src, i));
                dst[i] = float(v / double(d_divisor));
            }
            break;
        case path::widen_int: {
            std::uint8_t* o = out_bytes + done * d_out_scalar;
            const bool is_signed =
                d_scalar.type_kind == protocol::dtype::kind::signed_int;
            for (std::size_t i = 0; i < n; i++) {
                const std::int64_t v =
                    is_signed ? read_signed(src, i) : std::int64_t(read_unsigned(src, i));
                if (d_out_scalar == 4) {
                    const std::int32_t w = std::int32_t(v);
                    std::memcpy(o + 4 * i, &w, 4);
                } else {
                    const std::int16_t w = std::int16_t(v);
                    std::memcpy(o + 2 * i, &w, 2);
                }
            }
            break;
        }
        default:
            break;
        }
        done += n;
    }
}

} // namespace spead
} // namespace gr
