/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_QA_STAT_NAMES_H
#define INCLUDED_SPEAD_QA_STAT_NAMES_H

// The names of a stream's two statistics lists, written out by hand for the tests (not
// taken from the code under test).

#include <string>
#include <vector>

namespace gr {
namespace spead {
namespace qa {

/// spead2's nine statistics written out by hand, in spead2's order (checked against
/// spead2 4.4.1's StreamConfig().stats).
inline const std::vector<std::string> expected_builtin_names = {
    "heaps",
    "incomplete_heaps_evicted",
    "incomplete_heaps_flushed",
    "packets",
    "batches",
    "max_batch",
    "single_packet_heaps",
    "search_dist",
    "worker_blocked",
};

/// gr-spead's reject counters written out by hand, in the order they must appear.
inline const std::vector<std::string> expected_reject_names = {
    "packets_rejected",
    "packets_rejected_too_short",
    "packets_rejected_bad_magic",
    "packets_rejected_bad_version",
    "packets_rejected_bad_widths",
    "packets_rejected_too_many_item_pointers",
    "packets_rejected_missing_heap_cnt",
    "packets_rejected_missing_payload_offset",
    "packets_rejected_missing_payload_length",
    "packets_rejected_non_immediate_required_item",
    "packets_rejected_length_mismatch",
    "packets_rejected_payload_beyond_heap_length",
    "packets_rejected_heap_length_mismatch",
    "packets_rejected_duplicate",
    "packets_rejected_out_of_order",
    "packets_rejected_flavour_mismatch",
    "packets_rejected_heap_too_large",
    "packets_rejected_unsized",
    "packets_rejected_oversize",
    "packets_rejected_after_stop",
    "packets_rejected_allocation_failed",
    "heaps_dropped_incomplete",
    "heaps_dropped_allocation_failed",
    "heaps_dropped_ring_stopped",
};

} // namespace qa
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_QA_STAT_NAMES_H */
