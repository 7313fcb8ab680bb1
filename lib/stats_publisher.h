/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_STATS_PUBLISHER_H
#define INCLUDED_SPEAD_STATS_PUBLISHER_H

// Private to the blocks: a thread that calls a publish function every interval and on
// request, so that statistics keep flowing while the block's work() is blocked
// downstream, and a request is answered without waiting for work().

#include <condition_variable>
#include <algorithm>
#include <chrono>
#include <functional>
#include <mutex>
#include <thread>

namespace gr {
namespace spead {

class stats_publisher
{
public:
    stats_publisher() = default;
    ~stats_publisher() { stop(); }
    stats_publisher(const stats_publisher&) = delete;
    stats_publisher& operator=(const stats_publisher&) = delete;

    /// Starts the thread; \p interval_s 0 publishes on request only.
    void start(double interval_s, std::function<void()> publish)
    {
        stop();
        std::lock_guard<std::mutex> lock(d_mutex);
        d_stop = false;
        d_requested = false;
        d_publish = std::move(publish);
        d_thread = std::thread([this, interval_s] { run(interval_s); });
    }

    /// Publishes as soon as possible (from the publisher's thread).
    void request()
    {
        std::lock_guard<std::mutex> lock(d_mutex);
        d_requested = true;
        d_cv.notify_all();
    }

    /// Stops and joins the thread (nothing more is published by it). Idempotent.
    void stop()
    {
        {
            std::lock_guard<std::mutex> lock(d_mutex);
            d_stop = true;
            d_cv.notify_all();
        }
        if (d_thread.joinable())
            d_thread.join();
    }

private:
    void run(double interval_s)
    {
        using clock = std::chrono::steady_clock;
        const auto interval = std::chrono::duration_cast<clock::duration>(
            std::chrono::duration<double>(interval_s));
        auto due = clock::now() + interval;
        std::unique_lock<std::mutex> lock(d_mutex);
        while (!d_stop) {
            if (interval_s > 0)
                d_cv.wait_until(lock, due, [this] { return d_stop || d_requested; });
            else
                d_cv.wait(lock, [this] { return d_stop || d_requested; });
            if (d_stop)
                break;
            const bool periodic = !d_requested;
            d_requested = false;
            lock.unlock();
            d_publish();
            lock.lock();
            if (periodic || clock::now() >= due)
                due = std::max(due + interval, clock::now());
        }
    }

    std::mutex d_mutex;
    std::condition_variable d_cv;
    std::thread d_thread;
    std::function<void()> d_publish;
    bool d_stop = false;
    bool d_requested = false;
};

} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_STATS_PUBLISHER_H */
