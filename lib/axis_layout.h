/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_AXIS_LAYOUT_H
#define INCLUDED_SPEAD_AXIS_LAYOUT_H

// Private to the blocks, free of GNU Radio types (tested by qa_spead_blocks): an
// output's axis order. An item's value is an array (its descriptor's shape, in wire
// order); an output may take it in another order of its axes, with some axes fixed to
// one index (one polarisation per output), e.g. an F-engine item (channels, spectra,
// pols) read as per-polarisation spectra (spectra, channels).

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace gr {
namespace spead {

/**
 * \brief A cache-friendly copy of an array's elements into another axis order.
 *
 * Made by axis_layout::plan. Axes that stay contiguous are merged into larger elements.
 * The output's innermost axis is copied in tiles of a few cache lines; within a tile,
 * the axes that are denser in the input are walked, so that the cache lines a tile
 * reads are used whole before the next tile, and every tile row is written whole.
 */
class transpose_plan
{
public:
    /// One output axis, outermost first; strides in bytes.
    struct dim {
        std::size_t size;
        std::size_t in_stride;
        std::size_t out_stride;
    };

    transpose_plan() = default;
    /// \p dims in output order, contiguous in the output; \p offset is where the first
    /// element is read (an index fixed on a selected axis); \p element bytes are copied
    /// together. \p input_bytes is the extent of the whole array the plan reads from.
    transpose_plan(std::vector<dim> dims,
                   std::size_t element,
                   std::size_t offset,
                   std::size_t input_bytes);

    /// Bytes the input array must have (the whole item, selected axes included).
    std::size_t input_bytes() const { return d_input_bytes; }
    /// Bytes written to the output.
    std::size_t output_bytes() const { return d_output_bytes; }
    /// Axes left after merging (0: one straight copy); for tests.
    std::size_t merged_dims() const { return d_dims.size(); }
    /// True when run() transposes whole blocks (block_transpose.h); for tests.
    bool uses_matrix_transpose() const { return d_matrix_columns != 0; }

    /// Copies the selected elements of \p in into \p out in the output order.
    /// \p in holds input_bytes(), \p out output_bytes(); neither needs alignment.
    void run(const std::uint8_t* in, std::uint8_t* out) const;

private:
    std::vector<dim> d_dims; ///< merged, in output order
    std::size_t d_element = 1;
    std::size_t d_offset = 0;
    std::size_t d_input_bytes = 0;
    std::size_t d_output_bytes = 0;
    /// Axes other than the innermost, in output order: those sparser in the input
    /// than the innermost (walked outside its tiles) and those denser (inside).
    std::vector<int> d_outer, d_inner;
    /// The innermost axis is cut into tiles (some axis is denser in the input).
    bool d_tiled = false;
    /// Non-zero: the plan runs as a matrix transpose of this many input columns (see the
    /// constructor).
    std::size_t d_matrix_columns = 0;
};

/**
 * \brief An output's layout as its parameters give it.
 *
 * layout: "IN -> OUT": IN names the item's axes in wire order (the order of its
 * descriptor's shape), OUT the order the output takes them in, outermost first.
 * Axes are separated by spaces (or commas, from C++ and Python). An axis may give its
 * size ("channels:1024"); otherwise it comes from the descriptor. Without "-> OUT" the
 * output keeps the wire order. For a complex output read from (re, im) pairs of a real
 * type, the item's last axis (of length 2) is the pair and is not named.
 *
 * select: "AXIS=INDEX" (several separated by spaces): the output takes only that index
 * of the axis, which OUT then leaves out.
 */
class axis_layout
{
public:
    struct axis {
        std::string name;
        std::int64_t size = -1;     ///< -1: from the descriptor's shape
        std::int64_t selected = -1; ///< the index select fixes, or -1
    };

    axis_layout() = default;
    /// \throws std::invalid_argument naming \p parameter (e.g. "outputs[1]") and what is
    /// wrong with the text.
    static axis_layout parse(const std::string& layout,
                             const std::string& select,
                             const std::string& parameter);

    bool empty() const { return d_in.empty(); }
    /// The item's axes, in wire order.
    const std::vector<axis>& input_axes() const { return d_in; }
    /// Output order: indices into input_axes(), outermost first.
    const std::vector<std::size_t>& output_order() const { return d_order; }
    /// True when every axis gives its size (no descriptor needed).
    bool sizes_given() const;

    /**
     * \brief The copy for an item of \p shape (its descriptor's, wire order; -1 for an
     * unknown dimension; empty when there is no descriptor; unused when the layout
     * gives every size) whose output element is
     * \p element bytes of wire data. With \p pair, the last dimension of \p shape is
     * a (re, im) pair inside the element and must be 2.
     * \throws std::invalid_argument explaining what does not fit.
     */
    transpose_plan
    plan(const std::vector<std::int64_t>& shape, std::size_t element, bool pair) const;

private:
    std::vector<axis> d_in;
    std::vector<std::size_t> d_order;
};

} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_AXIS_LAYOUT_H */
