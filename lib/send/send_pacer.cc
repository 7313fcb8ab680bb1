/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "send_pacer.h"
#include <algorithm>
#include <thread>

namespace gr {
namespace spead {
namespace send {

pacer::pacer(double gbps, double burst_rate_ratio, clock_type::time_point start)
    : d_seconds_per_byte(gbps > 0 ? 8e-9 / gbps : 0),
      d_burst_rate_ratio(std::max(burst_rate_ratio, 1.0)),
      d_start(start)
{
}

pacer::clock_type::duration pacer::time_for(double bytes) const
{
    return std::chrono::duration_cast<clock_type::duration>(
        std::chrono::duration<double>(bytes * d_seconds_per_byte));
}

pacer::clock_type::time_point pacer::due(std::uint64_t bytes_before) const
{
    if (d_seconds_per_byte == 0)
        return d_start;
    const clock_type::time_point on_schedule = d_start + time_for(double(bytes_before));
    if (!d_last || bytes_before <= d_last->bytes_before)
        return on_schedule;
    // The previous batch at the fastest catch-up rate: later than the schedule only
    // when the sender is behind it.
    const double previous_batch = double(bytes_before - d_last->bytes_before);
    const clock_type::time_point catching_up =
        d_last->counted_at + time_for(previous_batch / d_burst_rate_ratio);
    return std::max(on_schedule, catching_up);
}

void pacer::released(std::uint64_t bytes_before, clock_type::time_point when)
{
    record(bytes_before, due(bytes_before), when);
}

void pacer::record(std::uint64_t bytes_before,
                   clock_type::time_point was_due,
                   clock_type::time_point when)
{
    const clock_type::time_point counted_at =
        std::min(when, std::max(was_due, when - FORGIVEN_LATENESS));
    d_last = release{ bytes_before, counted_at };
}

void pacer::wait_for(std::uint64_t bytes_before)
{
    if (d_seconds_per_byte == 0)
        return;
    const clock_type::time_point when = due(bytes_before);
    clock_type::time_point now = clock_type::now();
    if (now < when) {
        std::this_thread::sleep_until(when);
        now = clock_type::now();
    }
    record(bytes_before, when, now);
}

} // namespace send
} // namespace spead
} // namespace gr
