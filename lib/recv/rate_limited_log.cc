/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <gnuradio/spead/recv/rate_limited_log.h>
#include <stdexcept>

namespace gr {
namespace spead {
namespace recv {

rate_limited_log::rate_limited_log(std::size_t burst,
                                   std::chrono::steady_clock::duration interval)
    : d_burst(burst),
      d_interval(interval),
      d_window_start(std::chrono::steady_clock::now())
{
    if (burst < 1)
        throw std::invalid_argument("rate_limited_log: burst must be at least 1 (got " +
                                    std::to_string(burst) + ")");
    if (interval <= std::chrono::steady_clock::duration::zero())
        throw std::invalid_argument(
            "rate_limited_log: interval must be positive (got " +
            std::to_string(
                std::chrono::duration_cast<std::chrono::nanoseconds>(interval).count()) +
            " ns)");
}

bool rate_limited_log::admit()
{
    std::uint64_t suppressed_before = 0;
    {
        std::lock_guard<std::mutex> lock(d_mutex);
        const auto now = std::chrono::steady_clock::now();
        if (now - d_window_start >= d_interval) {
            d_window_start = now;
            d_in_window = 0;
            suppressed_before = d_suppressed_in_window;
            d_suppressed_in_window = 0;
        }
        if (d_in_window >= d_burst) {
            ++d_suppressed_in_window;
            ++d_suppressed_total;
            return false;
        }
        ++d_in_window;
    }
    // Outside the lock: the log function is the user's and may be slow.
    if (suppressed_before > 0)
        log_message(protocol::log_level::warning,
                    std::to_string(suppressed_before) + " similar messages suppressed");
    return true;
}

bool rate_limited_log::log(protocol::log_level level, const std::string& message)
{
    if (!admit())
        return false;
    log_message(level, message);
    return true;
}

std::uint64_t rate_limited_log::suppressed() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return d_suppressed_total;
}

} // namespace recv
} // namespace spead
} // namespace gr
