/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "block_transpose.h"
#include <algorithm>
#include <cstring>

#if defined(__x86_64__)
#include <emmintrin.h>
#endif

namespace gr {
namespace spead {

namespace {

/// Input columns per tile: one cache line of each input row, read whole before moving on.
constexpr std::size_t CACHE_LINE = 64;

/// Rows [r0, r1) x columns [c0, c1), element by element.
void transpose_scalar(const std::uint8_t* in,
                      std::size_t in_row_stride,
                      std::size_t r0,
                      std::size_t r1,
                      std::size_t c0,
                      std::size_t c1,
                      std::size_t element,
                      std::uint8_t* out,
                      std::size_t out_row_stride)
{
    const std::size_t tile = std::max<std::size_t>(1, CACHE_LINE / element);
    for (std::size_t t = c0; t < c1; t += tile) {
        const std::size_t t1 = std::min(c1, t + tile);
        for (std::size_t r = r0; r < r1; r++)
            for (std::size_t c = t; c < t1; c++)
                std::memcpy(out + c * out_row_stride + r * element,
                            in + r * in_row_stride + c * element,
                            element);
    }
}

#if defined(__x86_64__)

inline __m128i load(const std::uint8_t* p)
{
    return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
}

inline void store(std::uint8_t* p, __m128i v)
{
    _mm_storeu_si128(reinterpret_cast<__m128i*>(p), v);
}

/// 8 x 8 elements of 2 bytes: three rounds of interleaving (16-, 32-, 64-bit).
struct block_2 {
    static constexpr std::size_t size = 8;
    void operator()(const std::uint8_t* in,
                    std::size_t irs,
                    std::uint8_t* out,
                    std::size_t ors) const
    {
        const __m128i r0 = load(in), r1 = load(in + irs), r2 = load(in + 2 * irs),
                      r3 = load(in + 3 * irs), r4 = load(in + 4 * irs),
                      r5 = load(in + 5 * irs), r6 = load(in + 6 * irs),
                      r7 = load(in + 7 * irs);
        const __m128i t0 = _mm_unpacklo_epi16(r0, r1), t1 = _mm_unpackhi_epi16(r0, r1),
                      t2 = _mm_unpacklo_epi16(r2, r3), t3 = _mm_unpackhi_epi16(r2, r3),
                      t4 = _mm_unpacklo_epi16(r4, r5), t5 = _mm_unpackhi_epi16(r4, r5),
                      t6 = _mm_unpacklo_epi16(r6, r7), t7 = _mm_unpackhi_epi16(r6, r7);
        const __m128i u0 = _mm_unpacklo_epi32(t0, t2), u1 = _mm_unpackhi_epi32(t0, t2),
                      u2 = _mm_unpacklo_epi32(t1, t3), u3 = _mm_unpackhi_epi32(t1, t3),
                      u4 = _mm_unpacklo_epi32(t4, t6), u5 = _mm_unpackhi_epi32(t4, t6),
                      u6 = _mm_unpacklo_epi32(t5, t7), u7 = _mm_unpackhi_epi32(t5, t7);
        store(out, _mm_unpacklo_epi64(u0, u4));
        store(out + ors, _mm_unpackhi_epi64(u0, u4));
        store(out + 2 * ors, _mm_unpacklo_epi64(u1, u5));
        store(out + 3 * ors, _mm_unpackhi_epi64(u1, u5));
        store(out + 4 * ors, _mm_unpacklo_epi64(u2, u6));
        store(out + 5 * ors, _mm_unpackhi_epi64(u2, u6));
        store(out + 6 * ors, _mm_unpacklo_epi64(u3, u7));
        store(out + 7 * ors, _mm_unpackhi_epi64(u3, u7));
    }
};

/// 4 x 4 elements of 4 bytes.
struct block_4 {
    static constexpr std::size_t size = 4;
    void operator()(const std::uint8_t* in,
                    std::size_t irs,
                    std::uint8_t* out,
                    std::size_t ors) const
    {
        const __m128i r0 = load(in), r1 = load(in + irs), r2 = load(in + 2 * irs),
                      r3 = load(in + 3 * irs);
        const __m128i t0 = _mm_unpacklo_epi32(r0, r1), t1 = _mm_unpackhi_epi32(r0, r1),
                      t2 = _mm_unpacklo_epi32(r2, r3), t3 = _mm_unpackhi_epi32(r2, r3);
        store(out, _mm_unpacklo_epi64(t0, t2));
        store(out + ors, _mm_unpackhi_epi64(t0, t2));
        store(out + 2 * ors, _mm_unpacklo_epi64(t1, t3));
        store(out + 3 * ors, _mm_unpackhi_epi64(t1, t3));
    }
};

/// 2 x 2 elements of 8 bytes.
struct block_8 {
    static constexpr std::size_t size = 2;
    void operator()(const std::uint8_t* in,
                    std::size_t irs,
                    std::uint8_t* out,
                    std::size_t ors) const
    {
        const __m128i r0 = load(in), r1 = load(in + irs);
        store(out, _mm_unpacklo_epi64(r0, r1));
        store(out + ors, _mm_unpackhi_epi64(r0, r1));
    }
};

/// Whole blocks tile by tile, then the right and bottom edges element by element.
template <typename Block>
void transpose_blocks(const std::uint8_t* in,
                      std::size_t in_row_stride,
                      std::size_t rows,
                      std::size_t cols,
                      std::size_t element,
                      std::uint8_t* out,
                      std::size_t out_row_stride)
{
    const Block block;
    constexpr std::size_t b = Block::size;
    const std::size_t whole_rows = rows - rows % b, whole_cols = cols - cols % b;
    const std::size_t tile = std::max(b, CACHE_LINE / element);
    for (std::size_t c0 = 0; c0 < whole_cols; c0 += tile) {
        const std::size_t c1 = std::min(whole_cols, c0 + tile);
        for (std::size_t r = 0; r < whole_rows; r += b)
            for (std::size_t c = c0; c < c1; c += b)
                block(in + r * in_row_stride + c * element,
                      in_row_stride,
                      out + c * out_row_stride + r * element,
                      out_row_stride);
    }
    transpose_scalar(
        in, in_row_stride, 0, rows, whole_cols, cols, element, out, out_row_stride);
    transpose_scalar(
        in, in_row_stride, whole_rows, rows, 0, whole_cols, element, out, out_row_stride);
}

#endif

} // namespace

void transpose_matrix(const std::uint8_t* in,
                      std::size_t in_row_stride,
                      std::size_t rows,
                      std::size_t cols,
                      std::size_t element,
                      std::uint8_t* out,
                      std::size_t out_row_stride)
{
#if defined(__x86_64__)
    switch (element) {
    case 2:
        return transpose_blocks<block_2>(
            in, in_row_stride, rows, cols, element, out, out_row_stride);
    case 4:
        return transpose_blocks<block_4>(
            in, in_row_stride, rows, cols, element, out, out_row_stride);
    case 8:
        return transpose_blocks<block_8>(
            in, in_row_stride, rows, cols, element, out, out_row_stride);
    default:
        break;
    }
#endif
    transpose_scalar(in, in_row_stride, 0, rows, 0, cols, element, out, out_row_stride);
}

} // namespace spead
} // namespace gr
