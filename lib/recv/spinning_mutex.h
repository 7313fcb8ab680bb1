/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_RECV_SPINNING_MUTEX_H
#define INCLUDED_SPEAD_RECV_SPINNING_MUTEX_H

#include <mutex>

namespace gr {
namespace spead {
namespace recv {

/**
 * \brief A std::mutex that a thread finding it locked first retries for a moment
 * (about a microsecond) before it sleeps in the kernel.
 *
 * std::mutex sleeps at the first conflict. For a lock held for a few dozen nanoseconds,
 * as the ring's is, sleeping and being woken costs a hundred times the wait and turns
 * every conflict between a worker and its consumer into two system calls and a
 * context switch. Use with std::condition_variable_any.
 */
class spinning_mutex
{
public:
    void lock()
    {
        for (int attempt = 0; attempt < SPIN_ATTEMPTS; attempt++) {
            if (d_mutex.try_lock())
                return;
            relax();
        }
        d_mutex.lock();
    }
    bool try_lock() { return d_mutex.try_lock(); }
    void unlock() { d_mutex.unlock(); }

private:
    /// Each attempt is one pause (tens of nanoseconds on current x86 cores).
    static constexpr int SPIN_ATTEMPTS = 64;

    static void relax()
    {
#if defined(__x86_64__) || defined(__i386__)
        __builtin_ia32_pause();
#elif defined(__aarch64__)
        asm volatile("yield");
#endif
    }

    std::mutex d_mutex;
};

} // namespace recv
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_RECV_SPINNING_MUTEX_H */
