/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_SEND_STREAM_CONFIG_H
#define INCLUDED_SPEAD_SEND_STREAM_CONFIG_H

#include <cstddef>

namespace gr {
namespace spead {
namespace send {

/// How the rate limit is applied (spead2's RateMethod). gr-spead has no hardware rate
/// limiter, so every method uses the software one, as spead2 does without ibverbs.
enum class rate_method { SW, HW, AUTO };

/**
 * \brief How a send stream cuts heaps into packets and paces them (spead2's
 * send.StreamConfig), with the same names, defaults and units.
 *
 * Setters validate and throw std::invalid_argument naming the parameter and its
 * accepted range; they return *this for chaining.
 */
class stream_config
{
public:
    static constexpr std::size_t DEFAULT_MAX_PACKET_SIZE = 1472;
    static constexpr std::size_t DEFAULT_MAX_HEAPS = 4;
    static constexpr std::size_t DEFAULT_BURST_SIZE = 65536;
    static constexpr double DEFAULT_BURST_RATE_RATIO = 1.05;
    static constexpr rate_method DEFAULT_RATE_METHOD = rate_method::AUTO;

    /// Largest packet in bytes, SPEAD header included (rounded down to a multiple of 8
    /// when heaps are cut; at least 56 is needed then).
    stream_config& set_max_packet_size(std::size_t max_packet_size);
    std::size_t get_max_packet_size() const { return d_max_packet_size; }

    /// Target rate in bytes per second (packet bytes, headers included); 0 (the
    /// default) sends as fast as possible. Must be finite and >= 0.
    stream_config& set_rate(double rate);
    double get_rate() const { return d_rate; }

    /// Bytes sent back to back before the limiter may sleep; default 65536.
    stream_config& set_burst_size(std::size_t burst_size);
    std::size_t get_burst_size() const { return d_burst_size; }

    /// Heaps queued or in flight at once; default 4, at least 1.
    stream_config& set_max_heaps(std::size_t max_heaps);
    std::size_t get_max_heaps() const { return d_max_heaps; }

    /// How much faster than rate a sender that fell behind may catch up; default 1.05,
    /// finite and >= 1.
    stream_config& set_burst_rate_ratio(double burst_rate_ratio);
    double get_burst_rate_ratio() const { return d_burst_rate_ratio; }

    stream_config& set_rate_method(rate_method method);
    rate_method get_rate_method() const { return d_rate_method; }

    /// rate * burst_rate_ratio: the catch-up rate in bytes per second.
    double get_burst_rate() const { return d_rate * d_burst_rate_ratio; }

private:
    std::size_t d_max_packet_size = DEFAULT_MAX_PACKET_SIZE;
    double d_rate = 0.0;
    std::size_t d_burst_size = DEFAULT_BURST_SIZE;
    std::size_t d_max_heaps = DEFAULT_MAX_HEAPS;
    double d_burst_rate_ratio = DEFAULT_BURST_RATE_RATIO;
    rate_method d_rate_method = DEFAULT_RATE_METHOD;
};

} // namespace send
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_SEND_STREAM_CONFIG_H */
