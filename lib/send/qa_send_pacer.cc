/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "send_pacer.h"
#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>

using gr::spead::send::pacer;
using namespace std::chrono_literals;

namespace {

/// Milliseconds since \p start, for readable assertions.
double ms_since(pacer::clock_type::time_point start, pacer::clock_type::time_point t)
{
    return std::chrono::duration<double, std::milli>(t - start).count();
}

} // namespace

class qa_send_pacer : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(qa_send_pacer);
    CPPUNIT_TEST(test_on_schedule_batches_follow_the_rate);
    CPPUNIT_TEST(test_behind_schedule_catches_up_at_the_burst_ratio);
    CPPUNIT_TEST(test_catching_up_ends_on_the_schedule);
    CPPUNIT_TEST(test_unlimited_is_always_due);
    CPPUNIT_TEST(test_ratio_below_one_is_one);
    CPPUNIT_TEST(test_a_sleep_that_overshoots_keeps_the_rate);
    CPPUNIT_TEST_SUITE_END();

    // 1 Gb/s: 1 MB takes 8 ms.
    static constexpr double GBPS = 1.0;
    static constexpr std::uint64_t MB = 1000000;
    const pacer::clock_type::time_point t0 = pacer::clock_type::time_point() + 1h;

    /// The first 1 MB batch goes on time, the second (due at 8 ms) only at 50 ms.
    void stall_second_batch(pacer& p) const
    {
        p.released(0, t0);
        p.released(MB, t0 + 50ms);
    }

public:
    void test_on_schedule_batches_follow_the_rate()
    {
        pacer p(GBPS, 1.05, t0);
        CPPUNIT_ASSERT_DOUBLES_EQUAL(0.0, ms_since(t0, p.due(0)), 1e-6);
        p.released(0, t0);
        CPPUNIT_ASSERT_DOUBLES_EQUAL(8.0, ms_since(t0, p.due(MB)), 1e-6);
        p.released(MB, p.due(MB));
        CPPUNIT_ASSERT_DOUBLES_EQUAL(16.0, ms_since(t0, p.due(2 * MB)), 1e-6);
    }

    void test_behind_schedule_catches_up_at_the_burst_ratio()
    {
        pacer p(GBPS, 1.05, t0);
        // The second batch was due at 8 ms but the thread only ran at 50 ms: it counts
        // as gone 0.5 ms earlier (the forgiven lateness), and the third (due at 16 ms
        // on the schedule) waits for 1 MB at 1.05 Gb/s after that.
        stall_second_batch(p);
        CPPUNIT_ASSERT_DOUBLES_EQUAL(
            49.5 + 8.0 / 1.05, ms_since(t0, p.due(2 * MB)), 1e-6);
        // With a ratio of 2 the catch-up is twice as fast.
        pacer fast(GBPS, 2.0, t0);
        stall_second_batch(fast);
        CPPUNIT_ASSERT_DOUBLES_EQUAL(53.5, ms_since(t0, fast.due(2 * MB)), 1e-6);
    }

    void test_catching_up_ends_on_the_schedule()
    {
        // 2 ms behind, catching up 1.05x: after enough batches the schedule rules again.
        pacer p(GBPS, 1.05, t0);
        p.released(0, t0 + 2ms);
        std::uint64_t bytes = 0;
        for (int i = 0; i < 100; i++) {
            bytes += MB / 10;
            p.released(bytes, p.due(bytes));
        }
        // 10 MB on schedule: 80 ms; the 2 ms lag is gone long before.
        CPPUNIT_ASSERT_DOUBLES_EQUAL(
            80.0, ms_since(t0, p.due(bytes + MB / 10) - 800us), 1e-6);
    }

    void test_unlimited_is_always_due()
    {
        pacer p(0, 1.05, t0);
        p.released(0, t0 + 1s);
        CPPUNIT_ASSERT(p.due(100 * MB) <= t0 + 1s);
    }

    void test_ratio_below_one_is_one()
    {
        // A ratio under 1 could never catch up; it is taken as 1.
        pacer p(GBPS, 0.5, t0);
        stall_second_batch(p);
        CPPUNIT_ASSERT_DOUBLES_EQUAL(57.5, ms_since(t0, p.due(2 * MB)), 1e-6);
    }

    void test_a_sleep_that_overshoots_keeps_the_rate()
    {
        // Each batch goes 0.3 ms late (a sleep's usual overshoot): the schedule, not
        // the lateness, sets the next due time, so the rate is not lowered.
        pacer p(GBPS, 1.05, t0);
        p.released(0, t0 + 300us);
        for (std::uint64_t i = 1; i <= 10; i++) {
            CPPUNIT_ASSERT_DOUBLES_EQUAL(
                8.0 * double(i), ms_since(t0, p.due(i * MB)), 1e-6);
            p.released(i * MB, p.due(i * MB) + 300us);
        }
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(qa_send_pacer);
