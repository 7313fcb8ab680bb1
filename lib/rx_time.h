/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_RX_TIME_H
#define INCLUDED_SPEAD_RX_TIME_H

// Private to the blocks, free of GNU Radio types (tested by qa_spead_blocks): the
// absolute time of a timestamp item's value, split as UHD's rx_time tag is (whole
// seconds, fractional seconds).

#include <cstdint>

namespace gr {
namespace spead {

struct rx_time_value {
    std::uint64_t seconds = 0;
    double fraction = 0.0; ///< 0 <= fraction < 1
};

class rx_time_clock
{
public:
    /// No clock: active() is false.
    rx_time_clock() = default;
    /**
     * \param sample_rate timestamp ticks per second; 0 turns rx_time off
     * \param sync_time UNIX time (seconds) of timestamp 0
     * \throws std::invalid_argument naming sample_rate or sync_time when negative or not
     * finite.
     */
    rx_time_clock(double sample_rate, double sync_time);

    bool active() const { return d_rate > 0.0; }

    /**
     * \brief sync_time + timestamp / sample_rate, without the rounding error a double
     * sum would have (at 1.7e9 s a double resolves only 0.24 us): whole seconds are
     * counted in integers, and only the fraction of a second is a double. With an
     * integral sample_rate up to 2**53 the fraction is the exact remainder divided
     * once.
     */
    rx_time_value at(std::uint64_t timestamp) const;

    /**
     * \brief The inverse of at(): the timestamp of time \p t, rounded to the nearest
     * tick (the sinks' timestamps from rx_time tags). Whole seconds are subtracted in
     * integers; times before sync_time give 0.
     */
    std::uint64_t timestamp_of(const rx_time_value& t) const;

private:
    double d_rate = 0.0;
    std::uint64_t d_sync_seconds = 0;
    double d_sync_fraction = 0.0;
    /// d_rate as an integer when it is one (and at most 2**53), else 0.
    std::uint64_t d_integral_rate = 0;
};

} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_RX_TIME_H */
