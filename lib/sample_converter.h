/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_SAMPLE_CONVERTER_H
#define INCLUDED_SPEAD_SAMPLE_CONVERTER_H

// Private to the blocks, free of GNU Radio types (tested by qa_spead_blocks): converts
// an item's wire representation to a block output type, with VOLK kernels, straight
// from heap memory into the output buffer.

#include <gnuradio/spead/protocol/dtype.h>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace gr {
namespace spead {

/// The stream output types a source offers (GNU Radio's usual five).
enum class sample_type { complex_float, float32, int32, int16, byte };

/// \throws std::invalid_argument naming \p parameter for anything but "complex",
/// "float", "int", "short" or "byte".
sample_type parse_sample_type(const std::string& text, const std::string& parameter);
/// Bytes of one output item (vector length 1): 8, 4, 4, 2, 1.
std::size_t sample_size(sample_type type);
/// Real scalars in one item (vector length 1): 2 for complex (re, im), else 1.
std::size_t scalars_per_sample(sample_type type);

/**
 * \brief One conversion from wire scalars to output scalars.
 *
 * A complex output is a pair of floats, so it is fed by pairs of wire scalars: a complex
 * wire type (c8, c16: each element is two floats), or interleaved (re, im) integers or
 * floats (e.g. '|i1' of shape (n, 2), or '>i2'). Integer to float conversions divide
 * by \a scale (as GNU Radio's char_to_float does); integer outputs take integers of
 * the same size (byte-swapped when needed) or of a smaller one (widened), and scale
 * must then be 1.
 */
class sample_converter
{
public:
    /// \throws std::invalid_argument explaining what cannot be converted to what.
    sample_converter(sample_type output, const protocol::dtype& wire, double scale = 1.0);

    /// Wire bytes of one output scalar (a complex output has two scalars per item).
    std::size_t wire_scalar_size() const { return d_wire_scalar; }
    /// Output scalars per output item of vector length 1 (2 for complex).
    std::size_t scalars_per_item() const { return d_scalars_per_item; }
    /// Wire bytes behind one output item of vector length \p vlen.
    std::size_t wire_bytes_per_item(std::size_t vlen) const
    {
        return d_wire_scalar * d_scalars_per_item * vlen;
    }
    sample_type output() const { return d_output; }
    /// True when convert() is a plain copy: the wire values are the output's samples
    /// byte for byte (so a heap may be emitted where it was received).
    bool is_plain_copy() const
    {
        return !d_swap && (d_path == path::copy ||
                           (d_path == path::f32_to_f32 && d_divisor == 1.0f));
    }
    const protocol::dtype& wire() const { return d_wire; }

    /**
     * \brief Converts \p n_scalars wire scalars at \p in into \p out.
     * \p in needs no alignment. Uses a scratch buffer of this object for byte swaps, so
     * one converter must not be used by two threads at once.
     */
    void convert(const std::uint8_t* in, void* out, std::size_t n_scalars);

private:
    enum class path {
        copy,       ///< same representation: memcpy (then maybe byte swap)
        i8_to_f32,  ///< volk_8i_s32f_convert_32f
        i16_to_f32, ///< volk_16i_s32f_convert_32f
        i32_to_f32, ///< volk_32i_s32f_convert_32f
        f32_to_f32, ///< copy, then scale when it is not 1
        f64_to_f32, ///< volk_64f_convert_32f
        widen_int,  ///< integers to larger integers, element by element
        int_to_f32, ///< other integers (unsigned, 64-bit) element by element
    };

    /// Copies \p n wire scalars to \p dest and byte-swaps them in place when the wire
    /// order is not native.
    void copy_native(const std::uint8_t* in, void* dest, std::size_t n);
    /// Returns \p in itself when it is native, else a native copy in the scratch buffer
    /// (at most scratch_scalars at a time).
    const void* native_view(const std::uint8_t* in, std::size_t n);
    /// Reads wire scalar \p i as a 64-bit signed or unsigned value.
    std::int64_t read_signed(const std::uint8_t* in, std::size_t i) const;
    std::uint64_t read_unsigned(const std::uint8_t* in, std::size_t i) const;

    static constexpr std::size_t scratch_scalars = 4096;

    sample_type d_output;
    protocol::dtype d_wire;
    protocol::dtype d_scalar; ///< one wire scalar (a complex wire type's component)
    std::size_t d_wire_scalar;
    std::size_t d_scalars_per_item;
    std::size_t d_out_scalar;
    bool d_swap;
    float d_divisor;
    path d_path;
    std::vector<std::uint8_t> d_scratch;
};

} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_SAMPLE_CONVERTER_H */
