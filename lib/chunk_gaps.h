/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_CHUNK_GAPS_H
#define INCLUDED_SPEAD_CHUNK_GAPS_H

// Private to the chunk source, free of GNU Radio types (tested by qa_spead_blocks): the
// runs of missing heaps in a chunk's presence array, which become zeros and gap tags.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace gr {
namespace spead {

struct heap_run {
    std::size_t first; ///< index of the first missing heap
    std::size_t count; ///< missing heaps in a row
};

/// The runs of zero entries of \p present (\p n entries), in order.
std::vector<heap_run> missing_runs(const std::uint8_t* present, std::size_t n);

} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_CHUNK_GAPS_H */
