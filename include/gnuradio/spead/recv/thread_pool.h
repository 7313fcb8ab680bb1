/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_RECV_THREAD_POOL_H
#define INCLUDED_SPEAD_RECV_THREAD_POOL_H

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <mutex>
#include <thread>
#include <vector>

namespace gr {
namespace spead {
namespace recv {

/**
 * \brief Worker threads running a Boost.Asio io_context: the readers of the streams
 * that share the pool, and memory pool refills, run on them (spead2's ThreadPool).
 *
 * Threads start in the constructor and run until stop() or destruction; thread i is
 * named "spead-recv-i" (as top -H, perf and /proc/PID/task/TID/comm show it). With an
 * affinity list, thread i is pinned to CPU affinity[i % affinity.size()].
 * An exception escaping a handler is logged (log_level::error) and the thread goes on
 * serving the io_context.
 */
class thread_pool
{
public:
    /// \throws std::invalid_argument when \p num_threads < 1, naming num_threads.
    explicit thread_pool(int num_threads = 1);
    /// \throws std::invalid_argument when \p num_threads < 1 or a CPU in \p affinity
    /// is negative.
    thread_pool(int num_threads, const std::vector<int>& affinity);
    ~thread_pool();
    thread_pool(const thread_pool&) = delete;
    thread_pool& operator=(const thread_pool&) = delete;

    boost::asio::io_context& get_io_context() { return d_io_context; }

    /// Stops the io_context and joins every thread. Idempotent and safe to call from
    /// several threads at once. Handlers still queued are not run. Called from one of the
    /// pool's own threads it joins the others (a thread cannot join itself).
    void stop();

    int num_threads() const { return int(d_threads.size()); }

    /// Pins the calling thread to \p cpu; a failure is logged, never thrown (affinity is
    /// a performance hint).
    static void set_affinity(int cpu);

private:
    boost::asio::io_context d_io_context;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> d_work;
    std::vector<std::thread> d_threads;
    std::mutex d_stop_mutex; ///< serialises stop(): two threads must not join one thread
};

} // namespace recv
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_RECV_THREAD_POOL_H */
