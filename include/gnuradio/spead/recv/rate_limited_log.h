/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_RECV_RATE_LIMITED_LOG_H
#define INCLUDED_SPEAD_RECV_RATE_LIMITED_LOG_H

#include <gnuradio/spead/protocol/log.h>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

namespace gr {
namespace spead {
namespace recv {

/**
 * \brief Logs at most \a burst messages per \a interval and then one summary of how many
 * were suppressed, so that a flood of malformed packets cannot flood the log (or slow
 * the receive path: a suppressed message costs a lock and a counter).
 */
class rate_limited_log
{
public:
    /// \throws std::invalid_argument when \p burst is 0 or \p interval is not positive.
    explicit rate_limited_log(
        std::size_t burst = 10,
        std::chrono::steady_clock::duration interval = std::chrono::seconds(1));

    /// Logs \p message unless the budget of the current interval is spent. Returns true
    /// when it was logged. The first message admitted in a new interval is preceded by a
    /// warning "N similar messages suppressed" when the previous interval dropped any.
    bool log(protocol::log_level level, const std::string& message);

    /// As log(), but the message is built only when it will be logged: \p make is a
    /// callable returning std::string, so a suppressed message costs no formatting.
    template <typename MakeMessage>
    bool log_lazy(protocol::log_level level, MakeMessage&& make)
    {
        if (!admit())
            return false;
        log_message(level, make());
        return true;
    }

    /// Messages suppressed since construction.
    std::uint64_t suppressed() const;

private:
    /// Takes one message from the budget; false when it is spent. Also logs the
    /// "N similar messages suppressed" line when a new interval starts.
    bool admit();
    const std::size_t d_burst;
    const std::chrono::steady_clock::duration d_interval;
    mutable std::mutex d_mutex;
    std::chrono::steady_clock::time_point d_window_start{};
    std::size_t d_in_window = 0;
    std::uint64_t d_suppressed_in_window = 0;
    std::uint64_t d_suppressed_total = 0;
};

} // namespace recv
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_RECV_RATE_LIMITED_LOG_H */
