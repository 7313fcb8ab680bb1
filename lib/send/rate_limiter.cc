/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "rate_limiter.h"
#include <algorithm>

namespace gr {
namespace spead {
namespace send {

rate_limiter::rate_limiter(std::size_t burst_size,
                           double burst_rate_ratio,
                           clock_type::time_point epoch)
    : d_burst_size(burst_size),
      d_burst_rate_ratio(std::max(burst_rate_ratio, 1.0)),
      d_epoch(epoch)
{
}

double rate_limiter::seconds(clock_type::time_point t) const
{
    return std::chrono::duration<double>(t - d_epoch).count();
}

rate_limiter::clock_type::time_point rate_limiter::time_point(double s) const
{
    // Rounded up, so that the time handed out is never before the schedule's.
    return d_epoch +
           std::chrono::ceil<clock_type::duration>(std::chrono::duration<double>(s));
}

rate_limiter::clock_type::time_point rate_limiter::ready_at(clock_type::time_point now)
{
    const double t = seconds(now);
    if (d_waiting) {
        if (t < d_send_time_burst)
            return time_point(d_send_time_burst);
        d_waiting = false;
    }
    if (d_burst_bytes >= d_burst_size) {
        d_send_time_burst += d_burst_seconds / d_burst_rate_ratio;
        d_send_time += d_burst_seconds;
        d_burst_bytes = 0;
        d_burst_seconds = 0;
        const double target = std::max(d_send_time_burst, d_send_time);
        // The catch-up schedule follows when the burst really goes (no earlier than now).
        d_send_time_burst = std::max(t, target);
        if (t < target) {
            d_waiting = true;
            return time_point(target);
        }
    }
    return now;
}

void rate_limiter::restart_after_idle(clock_type::time_point now)
{
    // Make the next packet due now, counting what the current burst already owes.
    d_send_time = std::max(d_send_time, seconds(now) - d_burst_seconds);
}

} // namespace send
} // namespace spead
} // namespace gr
