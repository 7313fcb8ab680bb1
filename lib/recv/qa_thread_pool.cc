/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "qa_log_recorder.h"
#include "qa_wait.h"
#include <gnuradio/spead/recv/thread_pool.h>
#include <condition_variable>
#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>
#include <pthread.h>
#include <sched.h>
#include <boost/asio/post.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace gr::spead::protocol;
using namespace gr::spead::recv;
using gr::spead::qa::wait_until;

namespace {

/// The CPUs this process may run on (the container or taskset may exclude CPU 0).
std::vector<int> allowed_cpus()
{
    cpu_set_t set;
    CPU_ZERO(&set);
    sched_getaffinity(0, sizeof(set), &set);
    std::vector<int> cpus;
    for (int cpu = 0; cpu < CPU_SETSIZE; cpu++)
        if (CPU_ISSET(cpu, &set))
            cpus.push_back(cpu);
    return cpus;
}

/// The CPUs the calling thread is allowed on.
std::vector<int> thread_cpus()
{
    cpu_set_t set;
    CPU_ZERO(&set);
    pthread_getaffinity_np(pthread_self(), sizeof(set), &set);
    std::vector<int> cpus;
    for (int cpu = 0; cpu < CPU_SETSIZE; cpu++)
        if (CPU_ISSET(cpu, &set))
            cpus.push_back(cpu);
    return cpus;
}

/**
 * Gathers \a expected handlers that each wait for all the others to be running at the
 * same time: only a pool with that many threads gets them all through (bounded wait).
 */
class rendezvous
{
public:
    explicit rendezvous(std::size_t expected) : d_expected(expected) {}

    /// Called by each handler: records what \p observe returns on the handler's thread
    /// and waits for the others. Returns whether all arrived in time.
    template <typename T, typename Observe>
    bool arrive(std::vector<T>& observations, Observe observe)
    {
        std::unique_lock<std::mutex> lock(d_mutex);
        observations.push_back(observe());
        d_arrived++;
        d_cv.notify_all();
        return d_cv.wait_for(lock, gr::spead::qa::WAIT_TIMEOUT, [this] {
            return d_arrived >= d_expected;
        });
    }

    std::mutex& mutex() { return d_mutex; }

private:
    const std::size_t d_expected;
    std::size_t d_arrived = 0;
    std::mutex d_mutex;
    std::condition_variable d_cv;
};

bool mentions(const std::string& text, const std::string& part)
{
    return text.find(part) != std::string::npos;
}

template <typename Construct>
std::string rejection(Construct construct)
{
    try {
        construct();
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "";
}

} // namespace

class qa_thread_pool : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(qa_thread_pool);
    CPPUNIT_TEST(test_num_threads);
    CPPUNIT_TEST(test_work_runs_on_every_thread_at_once);
    CPPUNIT_TEST(test_threads_are_named);
    CPPUNIT_TEST(test_affinity_pins_thread);
    CPPUNIT_TEST(test_affinity_list_is_used_round_robin);
    CPPUNIT_TEST(test_unusable_cpu_is_logged_not_thrown);
    CPPUNIT_TEST(test_set_affinity_bad_cpu_is_logged);
    CPPUNIT_TEST(test_stop_joins_promptly_and_is_idempotent);
    CPPUNIT_TEST(test_queued_handlers_do_not_run_after_stop);
    CPPUNIT_TEST(test_destructor_stops);
    CPPUNIT_TEST(test_stop_from_a_worker);
    CPPUNIT_TEST(test_throwing_handler_is_logged_and_pool_survives);
    CPPUNIT_TEST(test_bad_num_threads);
    CPPUNIT_TEST(test_negative_cpu_in_affinity);
    CPPUNIT_TEST_SUITE_END();

public:
    void test_num_threads()
    {
        thread_pool one;
        CPPUNIT_ASSERT_EQUAL(1, one.num_threads());
        thread_pool four(4);
        CPPUNIT_ASSERT_EQUAL(4, four.num_threads());
    }

    void test_work_runs_on_every_thread_at_once()
    {
        constexpr int n = 3;
        thread_pool pool(n);
        rendezvous meeting(n);
        std::vector<std::thread::id> ids;
        std::atomic<int> all_met{ 0 }, done{ 0 };
        for (int i = 0; i < n; i++)
            boost::asio::post(pool.get_io_context(), [&] {
                if (meeting.arrive(ids, [] { return std::this_thread::get_id(); }))
                    all_met++;
                done++;
            });
        CPPUNIT_ASSERT(wait_until([&] { return done == n; }));
        CPPUNIT_ASSERT_EQUAL(n, all_met.load());
        std::set<std::thread::id> distinct(ids.begin(), ids.end());
        CPPUNIT_ASSERT_EQUAL(std::size_t(n), distinct.size());
        CPPUNIT_ASSERT(distinct.count(std::this_thread::get_id()) == 0);
    }

    void test_threads_are_named()
    {
        // top -H, perf and /proc/PID/task/*/comm tell the receive threads apart by name.
        constexpr int n = 2;
        thread_pool pool(n);
        rendezvous meeting(n);
        std::vector<std::string> names;
        std::atomic<int> done{ 0 };
        for (int i = 0; i < n; i++)
            boost::asio::post(pool.get_io_context(), [&] {
                meeting.arrive(names, [] {
                    char name[16] = {};
                    pthread_getname_np(pthread_self(), name, sizeof(name));
                    return std::string(name);
                });
                done++;
            });
        CPPUNIT_ASSERT(wait_until([&] { return done == n; }));
        std::sort(names.begin(), names.end());
        CPPUNIT_ASSERT(names ==
                       (std::vector<std::string>{ "spead-recv-0", "spead-recv-1" }));
    }

    void test_affinity_pins_thread()
    {
        const int cpu = allowed_cpus().front();
        thread_pool pool(1, { cpu });
        std::mutex mutex;
        std::vector<int> cpus;
        int running_on = -1;
        std::atomic<bool> done{ false };
        boost::asio::post(pool.get_io_context(), [&] {
            std::lock_guard<std::mutex> lock(mutex);
            cpus = thread_cpus();
            running_on = sched_getcpu();
            done = true;
        });
        CPPUNIT_ASSERT(wait_until([&] { return done.load(); }));
        std::lock_guard<std::mutex> lock(mutex);
        CPPUNIT_ASSERT(cpus == std::vector<int>{ cpu });
        CPPUNIT_ASSERT_EQUAL(cpu, running_on);
    }

    void test_affinity_list_is_used_round_robin()
    {
        // Thread i goes to affinity[i % 2]: with three threads, two on the first CPU and
        // one on the second.
        const auto cpus = allowed_cpus();
        const int first = cpus.front(), second = cpus.back();
        thread_pool pool(3, { first, second });
        rendezvous meeting(3);
        std::vector<std::vector<int>> masks;
        std::atomic<int> done{ 0 };
        for (int i = 0; i < 3; i++)
            boost::asio::post(pool.get_io_context(), [&] {
                meeting.arrive(masks, thread_cpus);
                done++;
            });
        CPPUNIT_ASSERT(wait_until([&] { return done == 3; }));
        std::lock_guard<std::mutex> lock(meeting.mutex());
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), masks.size());
        std::multiset<std::vector<int>> got(masks.begin(), masks.end());
        std::multiset<std::vector<int>> expected{ { first }, { first }, { second } };
        CPPUNIT_ASSERT(got == expected);
    }

    void test_unusable_cpu_is_logged_not_thrown()
    {
        // A CPU beyond what cpu_set_t can name, and the last one it can name (no test
        // machine has 1024 CPUs): affinity is a hint, the threads run anyway.
        gr::spead::qa::log_recorder log;
        const int beyond = CPU_SETSIZE + 5, absent = CPU_SETSIZE - 1;
        thread_pool pool(2, { beyond, absent });
        std::atomic<int> ran{ 0 };
        for (int i = 0; i < 2; i++)
            boost::asio::post(pool.get_io_context(), [&] { ran++; });
        CPPUNIT_ASSERT(wait_until([&] { return ran == 2; }));
        // Each thread logs before it serves its first handler, but the handlers may both
        // have run on one thread: wait for the other's message too.
        CPPUNIT_ASSERT(wait_until([&] {
            return log.count(log_level::warning, "CPU " + std::to_string(beyond)) == 1 &&
                   log.count(log_level::warning, "CPU " + std::to_string(absent)) == 1;
        }));
    }

    void test_set_affinity_bad_cpu_is_logged()
    {
        gr::spead::qa::log_recorder log;
        // On a thread of its own, so that the test thread's affinity is never touched.
        std::thread([] {
            thread_pool::set_affinity(-1);
            thread_pool::set_affinity(CPU_SETSIZE);
        }).join();
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), log.count(log_level::warning, "CPU -1"));
        CPPUNIT_ASSERT_EQUAL(
            std::size_t(1),
            log.count(log_level::warning, "CPU " + std::to_string(CPU_SETSIZE)));
    }

    void test_stop_joins_promptly_and_is_idempotent()
    {
        thread_pool pool(2);
        std::atomic<int> ran{ 0 };
        for (int i = 0; i < 10; i++)
            boost::asio::post(pool.get_io_context(), [&] { ran++; });
        CPPUNIT_ASSERT(wait_until([&] { return ran == 10; }));

        const auto start = std::chrono::steady_clock::now();
        pool.stop();
        CPPUNIT_ASSERT(std::chrono::steady_clock::now() - start <
                       std::chrono::seconds(1));
        CPPUNIT_ASSERT(pool.get_io_context().stopped());
        pool.stop(); // again: nothing left to join, must not throw

        // No thread is left to run new work.
        std::atomic<bool> late{ false };
        boost::asio::post(pool.get_io_context(), [&] { late = true; });
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        CPPUNIT_ASSERT(!late);
    }

    void test_queued_handlers_do_not_run_after_stop()
    {
        thread_pool pool(1);
        auto& io = pool.get_io_context();
        std::atomic<bool> first_started{ false }, first_saw_stop{ false };
        std::atomic<bool> second_ran{ false };
        // The only thread is busy until stop() has stopped the io_context, so the second
        // handler is still queued when stop() is called.
        boost::asio::post(io, [&] {
            first_started = true;
            first_saw_stop = wait_until([&] { return io.stopped(); });
        });
        CPPUNIT_ASSERT(wait_until([&] { return first_started.load(); }));
        boost::asio::post(io, [&] { second_ran = true; });
        pool.stop();
        CPPUNIT_ASSERT(first_saw_stop);
        CPPUNIT_ASSERT(!second_ran);
    }

    void test_destructor_stops()
    {
        std::atomic<bool> finished{ false };
        const auto start = std::chrono::steady_clock::now();
        {
            thread_pool pool(2);
            auto& io = pool.get_io_context();
            std::atomic<bool> started{ false };
            boost::asio::post(io, [&] {
                started = true;
                wait_until([&] { return io.stopped(); });
                finished = true;
            });
            CPPUNIT_ASSERT(wait_until([&] { return started.load(); }));
        } // the destructor must stop the io_context (releasing the handler) and join
        CPPUNIT_ASSERT(finished);
        CPPUNIT_ASSERT(std::chrono::steady_clock::now() - start <
                       std::chrono::seconds(2));
    }

    void test_stop_from_a_worker()
    {
        // A handler may stop its own pool (e.g. on a fatal error): the worker cannot join
        // itself, so it joins the others and is joined later by the destructor.
        std::atomic<bool> stopped_inside{ false };
        {
            thread_pool pool(2);
            boost::asio::post(pool.get_io_context(), [&] {
                pool.stop();
                stopped_inside = true;
            });
            CPPUNIT_ASSERT(wait_until([&] { return stopped_inside.load(); }));
        }
        CPPUNIT_ASSERT(stopped_inside);
    }

    void test_throwing_handler_is_logged_and_pool_survives()
    {
        gr::spead::qa::log_recorder log;
        thread_pool pool(1);
        std::atomic<bool> later_ran{ false };
        boost::asio::post(pool.get_io_context(),
                          [] { throw std::runtime_error("handler failure 1234"); });
        boost::asio::post(pool.get_io_context(), [&] { later_ran = true; });
        CPPUNIT_ASSERT(wait_until([&] { return later_ran.load(); }));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1),
                             log.count(log_level::error, "handler failure 1234"));
    }

    void test_bad_num_threads()
    {
        for (int n : { 0, -3 }) {
            const std::string message = rejection([n] { thread_pool pool(n); });
            CPPUNIT_ASSERT(mentions(message, "num_threads"));
            CPPUNIT_ASSERT(mentions(message, std::to_string(n)));
            const std::string with_affinity =
                rejection([n] { thread_pool pool(n, { 0 }); });
            CPPUNIT_ASSERT(mentions(with_affinity, "num_threads"));
        }
    }

    void test_negative_cpu_in_affinity()
    {
        const std::string message = rejection([] { thread_pool pool(2, { 0, -2 }); });
        CPPUNIT_ASSERT(mentions(message, "affinity"));
        CPPUNIT_ASSERT(mentions(message, "-2"));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(qa_thread_pool);
