/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_APPS_RECV_OUTPUT_H
#define INCLUDED_SPEAD_APPS_RECV_OUTPUT_H

#include "heap_describer.h"
#include <gnuradio/spead/recv/heap.h>
#include <gnuradio/spead/recv/stream_stats.h>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <ostream>

namespace gr {
namespace spead {
namespace apps {

/// What spead_recv prints: heaps (text or JSON lines), interval lines, final statistics.
class recv_output
{
public:
    recv_output(
        std::ostream& out, int bug_compat, bool json, bool quiet, std::size_t values);

    /// Counts \p h; unless quiet, describes it (descriptors are remembered) and prints
    /// it. Quiet describes nothing: no heap is printed for the whole run.
    void heap_received(const recv::heap& h);

    /// One line of running statistics, \p seconds after the start.
    void interval(double seconds, const recv::stream_stats& stats);

    /// What the UDP readers tell of receiving in place (not among spead2's statistics).
    struct udp_reader_counters {
        std::uint64_t packets_received_in_place = 0;
        /// Datagrams the reader planned into a heap that turned out to be other packets,
        /// so were copied out of the plan and then fed as usual.
        std::uint64_t datagrams_mispredicted = 0;
    };

    /// The final statistics (every counter by name), and \p udp when the stream had UDP
    /// readers.
    void final_statistics(double seconds,
                          const recv::stream_stats& stats,
                          const char* reason,
                          const std::optional<udp_reader_counters>& udp = std::nullopt);

    std::uint64_t heaps() const { return d_heaps; }

private:
    void
    print_json(const heap_view& view, const recv::heap& h, const heap_description& d);

    std::ostream& d_out;
    heap_describer d_describer;
    bool d_json;
    bool d_quiet;
    std::size_t d_values;
    std::uint64_t d_heaps = 0;
    std::uint64_t d_incomplete = 0;
    std::uint64_t d_payload_bytes = 0;
    double d_last_seconds = 0;
    std::uint64_t d_last_payload_bytes = 0;
    std::uint64_t d_last_heaps = 0;
};

} // namespace apps
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_APPS_RECV_OUTPUT_H */
