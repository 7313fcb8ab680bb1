/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_SEND_RATE_LIMITER_H
#define INCLUDED_SPEAD_SEND_RATE_LIMITER_H

#include <chrono>
#include <cstddef>

namespace gr {
namespace spead {
namespace send {

/**
 * \brief When the next packet of a send stream may go (spead2's send rate semantics).
 *
 * Packets go back to back until a burst of at least burst_size bytes has gone; then
 * the burst is charged: the schedule moves on by the time its bytes take at their
 * rates, and a second, "catch-up" schedule by that time divided by burst_rate_ratio.
 * The next packet waits for the later of the two, so the long-run rate is exact and a
 * sender that fell behind (its thread did not run) catches up at no more than
 * burst_rate_ratio times the rate. After the stream ran dry, the schedule restarts
 * from the present (idle time is not made up for).
 *
 * Times are seconds since the limiter's epoch, as doubles (sub-nanosecond for months).
 */
class rate_limiter
{
public:
    using clock_type = std::chrono::steady_clock;

    /// \p burst_rate_ratio >= 1.
    rate_limiter(std::size_t burst_size,
                 double burst_rate_ratio,
                 clock_type::time_point epoch = clock_type::now());

    /**
     * \brief Before a packet, at time \p now: the time at which it may go (<= now: at
     * once). Charging a full burst happens here.
     */
    clock_type::time_point ready_at(clock_type::time_point now);

    /// True when ready_at() needs the present time (a burst is full or a wait is on);
    /// otherwise the packet may go without reading the clock.
    bool needs_clock() const { return d_waiting || d_burst_bytes >= d_burst_size; }

    /// Records a packet of \p bytes sent at \p seconds_per_byte (0: unlimited).
    void add(std::size_t bytes, double seconds_per_byte)
    {
        d_burst_bytes += bytes;
        d_burst_seconds += double(bytes) * seconds_per_byte;
    }

    /// The stream had nothing to send until \p now.
    void restart_after_idle(clock_type::time_point now);

private:
    double seconds(clock_type::time_point t) const;
    clock_type::time_point time_point(double seconds) const;

    std::size_t d_burst_size;
    double d_burst_rate_ratio;
    clock_type::time_point d_epoch;
    /// Where the schedule at the rate stands, and the catch-up schedule.
    double d_send_time = 0;
    double d_send_time_burst = 0;
    /// The burst being sent: bytes and their time at their rates.
    std::size_t d_burst_bytes = 0;
    double d_burst_seconds = 0;
    /// A wait until d_send_time_burst is on.
    bool d_waiting = false;
};

} // namespace send
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_SEND_RATE_LIMITER_H */
