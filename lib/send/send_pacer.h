/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_APPS_SEND_PACER_H
#define INCLUDED_SPEAD_APPS_SEND_PACER_H

#include <chrono>
#include <cstdint>
#include <optional>

namespace gr {
namespace spead {
namespace send {

/**
 * \brief When each batch of a rate-limited sender may go.
 *
 * A batch is due when the bytes before it have taken their time at the rate since the
 * start, so the long-run rate is exact. A sender that fell behind (its thread did not
 * run for a while) catches up at no more than burst_rate_ratio times the rate, like
 * spead2's sender: a receiver then never sees the backlog arrive at full speed, which
 * no real instrument does and which would overflow any socket buffer.
 *
 * A batch that goes a little late (a sleep overshoots by tens of microseconds) counts
 * as on time, or the sender would drift below the rate; lateness beyond
 * FORGIVEN_LATENESS is a stall, and only that much of it may go out at full speed.
 */
class pacer
{
public:
    using clock_type = std::chrono::steady_clock;

    /// How late a batch may go and still count as on time.
    static constexpr std::chrono::microseconds FORGIVEN_LATENESS{ 500 };

    /// \p gbps 0 means unlimited (every batch is due at once); \p burst_rate_ratio
    /// below 1 is taken as 1.
    pacer(double gbps, double burst_rate_ratio, clock_type::time_point start);

    /// The time at which the batch that follows \p bytes_before bytes may go.
    clock_type::time_point due(std::uint64_t bytes_before) const;

    /// Records that the batch following \p bytes_before bytes went at \p when.
    void released(std::uint64_t bytes_before, clock_type::time_point when);

    /// Sleeps until the batch is due, then records its release.
    void wait_for(std::uint64_t bytes_before);

private:
    clock_type::duration time_for(double bytes) const;
    /// released(), given the due time already computed.
    void record(std::uint64_t bytes_before,
                clock_type::time_point was_due,
                clock_type::time_point when);

    double d_seconds_per_byte;
    double d_burst_rate_ratio;
    clock_type::time_point d_start;
    struct release {
        std::uint64_t bytes_before;
        clock_type::time_point counted_at; ///< when it counts as gone (see above)
    };
    std::optional<release> d_last;
};

} // namespace send
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_APPS_SEND_PACER_H */
