/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "chunk_gaps.h"

namespace gr {
namespace spead {

std::vector<heap_run> missing_runs(const std::uint8_t* present, std::size_t n)
{
    std::vector<heap_run> runs;
    for (std::size_t i = 0; i < n;) {
        if (present[i]) {
            i++;
            continue;
        }
        const std::size_t first = i;
        while (i < n && !present[i])
            i++;
        runs.push_back({ first, i - first });
    }
    return runs;
}

} // namespace spead
} // namespace gr
