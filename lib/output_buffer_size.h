/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_OUTPUT_BUFFER_SIZE_H
#define INCLUDED_SPEAD_OUTPUT_BUFFER_SIZE_H

// Private to the blocks, free of GNU Radio types (tested by qa_spead_blocks): how big
// an output buffer the sample sources ask GNU Radio for.

#include <cstddef>

namespace gr {
namespace spead {

/// The smallest output buffer a sample source asks for: GNU Radio's default (64 KiB)
/// splits a heap of a MiB into dozens of work() calls, each a hand-off downstream.
constexpr std::size_t min_output_buffer_bytes = std::size_t(1) << 20;
/// The largest: the rule below stops growing there, whatever the heap size (a
/// flowgraph may have many outputs; the source's ring holds about as much).
constexpr std::size_t max_output_buffer_bytes = std::size_t(16) << 20;

/**
 * \brief Output items a sample source asks GNU Radio to buffer: room for two units
 * (heaps or chunks) of \p unit_items items of \p item_size bytes, within
 * min_output_buffer_bytes and max_output_buffer_bytes, and never fewer than 2 items.
 *
 * With room for two, the block writes a whole unit in one work() call while the next
 * block still reads the one before. With room for one or less, every unit goes out in
 * two or more calls, and each call makes the two threads wake each other.
 * \p unit_items 0 (not known) asks for the smallest buffer.
 */
std::size_t preferred_output_items(std::size_t item_size, std::size_t unit_items);

/**
 * \brief Output items a sample source that receives heaps straight into its output
 * buffer asks for: preferred_output_items() and one more. Two heaps' room is then
 * free when the next block has read everything (GNU Radio keeps one item of a buffer
 * unused, and rounds buffers up to whole pages), so that the heap being received and
 * the one completed before it both lie in the buffer.
 */
std::size_t in_place_output_items(std::size_t item_size, std::size_t unit_items);

/**
 * \brief The most output items one heap of \p heap_size payload bytes can give when
 * each item takes at least \p min_wire_bytes_per_item wire bytes; 0 when the heap size
 * is not known (0).
 */
std::size_t max_items_per_heap(std::size_t heap_size,
                               std::size_t min_wire_bytes_per_item);

} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_OUTPUT_BUFFER_SIZE_H */
