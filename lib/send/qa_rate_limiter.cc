/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// The send rate limiter on a clock the test drives (no sleeps, no timing).

#include "rate_limiter.h"
#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>

using gr::spead::send::rate_limiter;
using clock_type = rate_limiter::clock_type;

namespace {

const clock_type::time_point T0 = clock_type::time_point() + std::chrono::hours(1);

clock_type::time_point at_ms(double ms)
{
    return T0 + std::chrono::duration_cast<clock_type::duration>(
                    std::chrono::duration<double, std::milli>(ms));
}

double ms_of(clock_type::time_point t)
{
    return std::chrono::duration<double, std::milli>(t - T0).count();
}

// 1 MB/s: a 1000-byte burst takes 1 ms.
constexpr double SECONDS_PER_BYTE = 1e-6;
// Times are rounded up to the clock's nanoseconds.
constexpr double TOLERANCE_MS = 1e-4;

} // namespace

class qa_rate_limiter : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(qa_rate_limiter);
    CPPUNIT_TEST(test_packets_go_until_a_burst_is_full);
    CPPUNIT_TEST(test_a_full_burst_waits_for_its_time);
    CPPUNIT_TEST(test_behind_schedule_catches_up_at_the_burst_ratio);
    CPPUNIT_TEST(test_idle_time_is_not_made_up_for);
    CPPUNIT_TEST(test_unlimited_never_waits);
    CPPUNIT_TEST(test_per_packet_rates_add_up);
    CPPUNIT_TEST_SUITE_END();

public:
    void test_packets_go_until_a_burst_is_full()
    {
        rate_limiter limiter(1000, 2.0, T0);
        for (int i = 0; i < 9; i++) {
            CPPUNIT_ASSERT(!limiter.needs_clock());
            limiter.add(100, SECONDS_PER_BYTE);
        }
        CPPUNIT_ASSERT(!limiter.needs_clock());
        limiter.add(100, SECONDS_PER_BYTE);
        CPPUNIT_ASSERT(limiter.needs_clock());
    }

    void test_a_full_burst_waits_for_its_time()
    {
        rate_limiter limiter(1000, 2.0, T0);
        limiter.add(1000, SECONDS_PER_BYTE);
        CPPUNIT_ASSERT_DOUBLES_EQUAL(
            1.0, ms_of(limiter.ready_at(at_ms(0))), TOLERANCE_MS);
        // Asking again before the time keeps the same answer; at the time, it goes.
        CPPUNIT_ASSERT_DOUBLES_EQUAL(
            1.0, ms_of(limiter.ready_at(at_ms(0.5))), TOLERANCE_MS);
        CPPUNIT_ASSERT_DOUBLES_EQUAL(
            1.0, ms_of(limiter.ready_at(at_ms(1.0))), TOLERANCE_MS);
        CPPUNIT_ASSERT(!limiter.needs_clock());
        // A burst larger than burst_size is charged whole.
        limiter.add(3000, SECONDS_PER_BYTE);
        CPPUNIT_ASSERT_DOUBLES_EQUAL(
            4.0, ms_of(limiter.ready_at(at_ms(1.0))), TOLERANCE_MS);
    }

    void test_behind_schedule_catches_up_at_the_burst_ratio()
    {
        rate_limiter limiter(1000, 2.0, T0);
        limiter.add(1000, SECONDS_PER_BYTE);
        CPPUNIT_ASSERT_DOUBLES_EQUAL(
            1.0, ms_of(limiter.ready_at(at_ms(0))), TOLERANCE_MS);
        CPPUNIT_ASSERT_DOUBLES_EQUAL(
            1.0, ms_of(limiter.ready_at(at_ms(1))), TOLERANCE_MS);
        // The thread stalls until 10 ms: the schedule says 2 ms, so it is behind. The
        // bursts that follow go 0.5 ms apart (twice the rate) until the schedule,
        // 1 ms per burst, catches up: at burst 16, 18 ms; then 1 ms apart again.
        double now = 10;
        limiter.add(1000, SECONDS_PER_BYTE);
        CPPUNIT_ASSERT_DOUBLES_EQUAL(
            10.0, ms_of(limiter.ready_at(at_ms(now))), TOLERANCE_MS);
        for (int k = 1; k <= 18; k++) {
            limiter.add(1000, SECONDS_PER_BYTE);
            const double expected = k <= 16 ? 10.0 + 0.5 * k : 18.0 + (k - 16);
            const double due = ms_of(limiter.ready_at(at_ms(now)));
            CPPUNIT_ASSERT_DOUBLES_EQUAL(expected, due, TOLERANCE_MS);
            now = due;
            limiter.ready_at(at_ms(now));
        }
    }

    void test_idle_time_is_not_made_up_for()
    {
        rate_limiter limiter(1000, 2.0, T0);
        limiter.add(1000, SECONDS_PER_BYTE);
        limiter.ready_at(at_ms(0));
        limiter.ready_at(at_ms(1));
        // Nothing to send until 100 ms: the next bursts keep the rate from there,
        // rather than catching up on 99 ms at twice the rate.
        limiter.restart_after_idle(at_ms(100));
        limiter.add(1000, SECONDS_PER_BYTE);
        CPPUNIT_ASSERT_DOUBLES_EQUAL(
            101.0, ms_of(limiter.ready_at(at_ms(100))), TOLERANCE_MS);
        limiter.ready_at(at_ms(101));
        limiter.add(1000, SECONDS_PER_BYTE);
        CPPUNIT_ASSERT_DOUBLES_EQUAL(
            102.0, ms_of(limiter.ready_at(at_ms(101))), TOLERANCE_MS);
    }

    void test_unlimited_never_waits()
    {
        rate_limiter limiter(1000, 1.05, T0);
        for (int i = 0; i < 100; i++) {
            limiter.add(1500, 0.0);
            CPPUNIT_ASSERT_DOUBLES_EQUAL(
                0.0, ms_of(limiter.ready_at(at_ms(0))), TOLERANCE_MS);
        }
    }

    void test_per_packet_rates_add_up()
    {
        // Half the burst at 1 MB/s, half at 0.5 MB/s: 0.5 ms + 1 ms.
        rate_limiter limiter(1000, 2.0, T0);
        limiter.add(500, SECONDS_PER_BYTE);
        limiter.add(500, 2 * SECONDS_PER_BYTE);
        CPPUNIT_ASSERT_DOUBLES_EQUAL(
            1.5, ms_of(limiter.ready_at(at_ms(0))), TOLERANCE_MS);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(qa_rate_limiter);
