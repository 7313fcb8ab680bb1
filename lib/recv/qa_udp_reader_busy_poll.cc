/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// Busy polling: a reader that keeps reading after its socket runs dry keeps its thread
// busy for the time asked (and no longer), still delivers every heap, lets the pool's
// other handlers run, and stops promptly.

#include "qa_udp_support.h"
#include <gnuradio/spead/recv/udp_reader.h>
#include <cppunit/extensions/HelperMacros.h>
#include <ctime>
#include <future>

using namespace gr::spead::protocol;
using namespace gr::spead::recv;
using namespace gr::spead::qa;
using boost::asio::ip::make_address;

namespace {

/// CPU seconds used so far by the one thread of \p pool, read by a handler posted to it
/// (so it also shows that the pool's handlers still run while the reader polls).
double pool_thread_cpu_seconds(thread_pool& pool)
{
    std::promise<double> reading;
    std::future<double> result = reading.get_future();
    boost::asio::post(pool.get_io_context(), [&reading] {
        timespec t{};
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
        reading.set_value(double(t.tv_sec) + double(t.tv_nsec) * 1e-9);
    });
    CPPUNIT_ASSERT(result.wait_for(std::chrono::seconds(5)) == std::future_status::ready);
    return result.get();
}

struct idle_run {
    double idle_cpu_seconds = 0; ///< the pool thread's CPU time over IDLE after a heap
    double stop_seconds = 0;     ///< how long stop() took
};

constexpr auto IDLE = std::chrono::milliseconds(300);

/// One heap through a reader with \p busy_poll, then IDLE without traffic, then stop().
idle_run run_idle(std::chrono::microseconds busy_poll)
{
    watchdog guard("busy poll run", std::chrono::seconds(30));
    thread_pool pool(1);
    ring_stream s(pool);
    auto& r = s.emplace_reader<udp_reader>(
        udp::endpoint(make_address("127.0.0.1"), 0), DEFAULT_UDP_MAX_SIZE, 0);
    r.set_busy_poll(busy_poll);
    CPPUNIT_ASSERT(r.get_busy_poll() == busy_poll);
    udp_sender sender(false);
    sender.send_all(data_heap(1, THREE_PACKET_HEAP), r.get_local_endpoint());
    check_data_heap(pop_heap(s), 1, THREE_PACKET_HEAP);

    idle_run out;
    const double before = pool_thread_cpu_seconds(pool);
    std::this_thread::sleep_for(IDLE);
    out.idle_cpu_seconds = pool_thread_cpu_seconds(pool) - before;
    const auto stop_start = std::chrono::steady_clock::now();
    s.stop();
    out.stop_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - stop_start)
            .count();
    return out;
}

} // namespace

class qa_udp_reader_busy_poll : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(qa_udp_reader_busy_poll);
    CPPUNIT_TEST(test_range);
    CPPUNIT_TEST(test_polls_only_when_asked_and_stops_promptly);
    CPPUNIT_TEST(test_heaps_arrive_while_polling);
    CPPUNIT_TEST_SUITE_END();

public:
    void test_range()
    {
        thread_pool pool(1);
        ring_stream s(pool);
        auto& r = s.emplace_reader<udp_reader>(
            udp::endpoint(make_address("127.0.0.1"), 0), DEFAULT_UDP_MAX_SIZE, 0);
        CPPUNIT_ASSERT(r.get_busy_poll() == std::chrono::microseconds(0));
        for (const long bad : { -1L, 1000001L }) {
            try {
                r.set_busy_poll(std::chrono::microseconds(bad));
                CPPUNIT_FAIL("busy_poll " + std::to_string(bad) + " accepted");
            } catch (const std::invalid_argument& e) {
                const std::string message = e.what();
                CPPUNIT_ASSERT_MESSAGE(message,
                                       message.find("busy_poll") != std::string::npos);
                CPPUNIT_ASSERT_MESSAGE(message,
                                       message.find("[0, 1000000]") != std::string::npos);
            }
        }
        r.set_busy_poll(udp_reader::max_busy_poll);
        CPPUNIT_ASSERT(r.get_busy_poll() == std::chrono::seconds(1));
    }

    void test_polls_only_when_asked_and_stops_promptly()
    {
        // Polling for up to 1 s after the last datagram: the thread stays busy through
        // the idle time, and stop() does not wait for the poll to run out. The bounds
        // leave room for a machine busy with parallel tests (the poller then gets a
        // small share of a core, still far above a sleeping thread's).
        const idle_run polling = run_idle(std::chrono::seconds(1));
        CPPUNIT_ASSERT_MESSAGE(std::to_string(polling.idle_cpu_seconds),
                               polling.idle_cpu_seconds > 0.04);
        CPPUNIT_ASSERT_MESSAGE(std::to_string(polling.stop_seconds),
                               polling.stop_seconds < 0.5);
        // Without: the thread sleeps.
        const idle_run sleeping = run_idle(std::chrono::microseconds(0));
        CPPUNIT_ASSERT_MESSAGE(std::to_string(sleeping.idle_cpu_seconds),
                               sleeping.idle_cpu_seconds < 0.02);
    }

    void test_heaps_arrive_while_polling()
    {
        watchdog guard("busy poll exchange", std::chrono::seconds(30));
        thread_pool pool(1);
        ring_stream s(pool);
        auto& r = s.emplace_reader<udp_reader>(
            udp::endpoint(make_address("127.0.0.1"), 0), DEFAULT_UDP_MAX_SIZE, 0);
        r.set_busy_poll(std::chrono::milliseconds(100));
        udp_sender sender(false);
        exchange_heaps(s, sender, r.get_local_endpoint());
        check_exchange_stats(s.get_all_stats());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(qa_udp_reader_busy_poll);
