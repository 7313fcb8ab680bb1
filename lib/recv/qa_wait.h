/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_QA_WAIT_H
#define INCLUDED_SPEAD_QA_WAIT_H

// Test helper: bounded waiting for something another thread does, so that a broken
// behaviour fails the test instead of hanging the suite.

#include <chrono>
#include <thread>

namespace gr {
namespace spead {
namespace qa {

/// Generous: reached only when the behaviour under test is broken.
constexpr std::chrono::seconds WAIT_TIMEOUT{ 5 };

/// Polls \p done every millisecond until it is true (returns true) or \p timeout
/// passes (returns false).
template <typename Predicate>
bool wait_until(Predicate done, std::chrono::milliseconds timeout = WAIT_TIMEOUT)
{
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done()) {
        if (std::chrono::steady_clock::now() >= deadline)
            return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return true;
}

} // namespace qa
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_QA_WAIT_H */
