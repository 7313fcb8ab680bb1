/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_BLOCK_TRANSPOSE_H
#define INCLUDED_SPEAD_BLOCK_TRANSPOSE_H

// Private to the blocks (used by axis_layout): the transpose of a matrix of fixed-size
// elements, the kernel under an output layout that reorders an item's axes.

#include <cstddef>
#include <cstdint>

namespace gr {
namespace spead {

/**
 * Writes the transpose of the \p rows x \p cols matrix at \p in (row r starts at
 * in + r * in_row_stride, its elements of \p element bytes side by side) to \p out
 * (row c, that is input column c, starts at out + c * out_row_stride). Elements of 2, 4
 * and 8 bytes move in SIMD blocks (8x8, 4x4, 2x2) on x86-64; others, and the edges,
 * one by one in cache-sized tiles. Neither pointer needs alignment; the areas must not
 * overlap.
 */
void transpose_matrix(const std::uint8_t* in,
                      std::size_t in_row_stride,
                      std::size_t rows,
                      std::size_t cols,
                      std::size_t element,
                      std::uint8_t* out,
                      std::size_t out_row_stride);

} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_BLOCK_TRANSPOSE_H */
