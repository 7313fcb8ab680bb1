/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <gnuradio/spead/send/stream_config.h>
#include <cmath>
#include <stdexcept>
#include <string>

namespace gr {
namespace spead {
namespace send {

stream_config& stream_config::set_max_packet_size(std::size_t max_packet_size)
{
    // Checked when a heap is cut into packets, as spead2 does: the smallest workable
    // size depends on the heap (repeat_pointers needs room for every pointer).
    d_max_packet_size = max_packet_size;
    return *this;
}

stream_config& stream_config::set_rate(double rate)
{
    if (!std::isfinite(rate) || rate < 0.0)
        throw std::invalid_argument(
            "rate must be finite and >= 0 (bytes per second), not " +
            std::to_string(rate));
    d_rate = rate;
    return *this;
}

stream_config& stream_config::set_burst_size(std::size_t burst_size)
{
    d_burst_size = burst_size;
    return *this;
}

stream_config& stream_config::set_max_heaps(std::size_t max_heaps)
{
    if (max_heaps == 0)
        throw std::invalid_argument("max_heaps must be at least 1");
    d_max_heaps = max_heaps;
    return *this;
}

stream_config& stream_config::set_burst_rate_ratio(double burst_rate_ratio)
{
    if (!std::isfinite(burst_rate_ratio) || burst_rate_ratio < 1.0)
        throw std::invalid_argument("burst_rate_ratio must be finite and >= 1, not " +
                                    std::to_string(burst_rate_ratio));
    d_burst_rate_ratio = burst_rate_ratio;
    return *this;
}

stream_config& stream_config::set_rate_method(rate_method method)
{
    if (method != rate_method::SW && method != rate_method::HW &&
        method != rate_method::AUTO)
        throw std::invalid_argument("rate_method must be SW, HW or AUTO");
    d_rate_method = method;
    return *this;
}

} // namespace send
} // namespace spead
} // namespace gr
