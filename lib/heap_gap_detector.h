/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_HEAP_GAP_DETECTOR_H
#define INCLUDED_SPEAD_HEAP_GAP_DETECTOR_H

// Private to the blocks, free of GNU Radio types (tested by qa_spead_blocks): counts
// heaps lost between two heaps from a value that advances by a known step per heap
// (the heap counter, or a timestamp item).

#include <cstdint>

namespace gr {
namespace spead {

class heap_gap_detector
{
public:
    struct result {
        /// Heaps missing between the previous value and this one.
        std::uint64_t lost = 0;
        /// The value is not beyond the previous one: a late (reordered) or repeated
        /// heap, or a sender that restarted.
        bool late = false;
    };

    /// \p step 0 turns detection off (every value is accepted, nothing is lost).
    explicit heap_gap_detector(std::uint64_t step = 0) : d_step(step) {}

    /**
     * \brief Takes the next heap's value. A value d steps beyond the previous one means
     * d - 1 heaps were lost; a value beyond it by less than a step, or not a whole
     * number of steps, counts the whole steps only (floor). Late values do not move the
     * reference.
     */
    result next(std::uint64_t value)
    {
        result r;
        if (d_step == 0)
            return r;
        if (!d_have) {
            d_have = true;
            d_last = value;
            return r;
        }
        if (value <= d_last) {
            r.late = true;
            return r;
        }
        const std::uint64_t steps = (value - d_last) / d_step;
        r.lost = steps > 0 ? steps - 1 : 0;
        d_last = value;
        return r;
    }

    std::uint64_t step() const { return d_step; }

private:
    std::uint64_t d_step;
    bool d_have = false;
    std::uint64_t d_last = 0;
};

} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_HEAP_GAP_DETECTOR_H */
