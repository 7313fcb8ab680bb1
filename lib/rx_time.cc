/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "rx_time.h"
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <string>

namespace gr {
namespace spead {

namespace {

std::string text(double v)
{
    char buffer[32];
    std::snprintf(buffer, sizeof(buffer), "%.17g", v);
    return buffer;
}

} // namespace

rx_time_clock::rx_time_clock(double sample_rate, double sync_time)
{
    if (!(sample_rate >= 0.0) || std::isinf(sample_rate))
        throw std::invalid_argument("sample_rate must be 0 (no rx_time) or a positive "
                                    "number of timestamp ticks per second, not " +
                                    text(sample_rate));
    // Up to 2**63 s so that the whole seconds fit the tag's uint64.
    if (!(sync_time >= 0.0) || !(sync_time < 9.2e18))
        throw std::invalid_argument("sync_time must be a UNIX time in seconds, 0 or "
                                    "more, not " +
                                    text(sync_time));
    d_rate = sample_rate;
    const double whole = std::floor(sync_time);
    d_sync_seconds = std::uint64_t(whole);
    d_sync_fraction = sync_time - whole; // exact: both are doubles of the same binade
    if (sample_rate == std::floor(sample_rate) && sample_rate <= 9007199254740992.0)
        d_integral_rate = std::uint64_t(sample_rate);
}

rx_time_value rx_time_clock::at(std::uint64_t timestamp) const
{
    rx_time_value t;
    if (d_rate <= 0.0)
        return t;
    std::uint64_t whole;
    double fraction;
    if (d_integral_rate) {
        whole = timestamp / d_integral_rate;
        // The remainder is below 2**53: exact as a double; one rounding in the division.
        fraction = double(timestamp % d_integral_rate) / double(d_integral_rate);
    } else {
        // A rate with a fraction: long double carries the whole part and remainder
        // (64-bit mantissa on x86, more elsewhere) for 48-bit timestamps.
        const long double ts = (long double)timestamp;
        const long double rate = d_rate;
        long double q = std::floor(ts / rate);
        long double r = ts - q * rate;
        if (r < 0) {
            q -= 1;
            r += rate;
        } else if (r >= rate) {
            q += 1;
            r -= rate;
        }
        whole = std::uint64_t(q);
        fraction = double(r / rate);
    }
    t.seconds = d_sync_seconds + whole;
    t.fraction = d_sync_fraction + fraction;
    if (t.fraction >= 1.0) {
        t.seconds++;
        t.fraction -= 1.0;
    }
    return t;
}

std::uint64_t rx_time_clock::timestamp_of(const rx_time_value& t) const
{
    if (d_rate <= 0.0)
        return 0;
    // Seconds since sync_time as whole seconds and a fraction (both exact), then one
    // long double product: 64-bit mantissa, enough for 48-bit timestamps.
    const long double since = (long double)(std::int64_t(t.seconds - d_sync_seconds)) +
                              ((long double)t.fraction - (long double)d_sync_fraction);
    if (t.seconds < d_sync_seconds || since <= 0)
        return 0;
    return std::uint64_t(std::llroundl(since * d_rate));
}

} // namespace spead
} // namespace gr
