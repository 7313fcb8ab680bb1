/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// rx_time from a timestamp: whole and fractional seconds without a double's rounding
// error at UNIX times of 1.7e9 s. Expected values computed with Python's integers and
// fractions.Fraction.

#include "rx_time.h"
#include <cppunit/TestAssert.h>
#include <cppunit/extensions/HelperMacros.h>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace gr {
namespace spead {

namespace {

std::string error_of(double rate, double sync)
{
    try {
        rx_time_clock c(rate, sync);
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "";
}

} // namespace

class qa_rx_time : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(qa_rx_time);
    CPPUNIT_TEST(test_48_bit_timestamp_is_exact);
    CPPUNIT_TEST(test_sync_fraction_carries);
    CPPUNIT_TEST(test_fractional_rate);
    CPPUNIT_TEST(test_off_and_errors);
    CPPUNIT_TEST(test_timestamp_of_inverts_at);
    CPPUNIT_TEST_SUITE_END();

public:
    void test_48_bit_timestamp_is_exact()
    {
        const rx_time_clock c(1712e6, 1700000000.0);
        CPPUNIT_ASSERT(c.active());
        const std::uint64_t ts = (std::uint64_t(1) << 48) - 1;
        const rx_time_value t = c.at(ts);
        // divmod(2**48 - 1, 1712000000) = (164412, r); r / 1712000000 as a double.
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(1700164412), t.seconds);
        CPPUNIT_ASSERT_EQUAL(0.9536861302570093, t.fraction);
        // One double sum is 1.07e-7 s (183 ticks) off here: why the split matters.
        const double naive = 1700000000.0 + double(ts) / 1712e6;
        CPPUNIT_ASSERT(std::fabs((naive - std::floor(naive)) - t.fraction) > 1e-7);
        const rx_time_value zero = c.at(0);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(1700000000), zero.seconds);
        CPPUNIT_ASSERT_EQUAL(0.0, zero.fraction);
    }

    void test_sync_fraction_carries()
    {
        // 0.75 s of sync_time plus half a second of ticks: one more whole second.
        const rx_time_clock c(1000.0, 1700000000.75);
        const rx_time_value t = c.at(3500);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(1700000004), t.seconds);
        CPPUNIT_ASSERT_EQUAL(0.25, t.fraction);
        const rx_time_value u = c.at(3249);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(1700000003), u.seconds);
        CPPUNIT_ASSERT_DOUBLES_EQUAL(0.999, u.fraction, 1e-12);
    }

    void test_fractional_rate()
    {
        // 2.5 ticks per second: (2**48 - 2) / 2.5 = 112589990684261.6 s.
        const rx_time_clock c(2.5, 0.0);
        const rx_time_value t = c.at((std::uint64_t(1) << 48) - 2);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(112589990684261), t.seconds);
        CPPUNIT_ASSERT_DOUBLES_EQUAL(0.6, t.fraction, 1e-15);
        const rx_time_value u = rx_time_clock(2.5, 10.5).at(5);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(12), u.seconds);
        CPPUNIT_ASSERT_EQUAL(0.5, u.fraction);
    }

    void test_timestamp_of_inverts_at()
    {
        // The largest 48-bit timestamp at MeerKAT L-band's ADC rate comes back exactly.
        const rx_time_clock c(1712e6, 1700000000.0);
        const std::uint64_t ts = (std::uint64_t(1) << 48) - 1;
        CPPUNIT_ASSERT_EQUAL(ts, c.timestamp_of(c.at(ts)));
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), c.timestamp_of(c.at(0)));
        // A quarter second after a sync_time with a fraction, at 1 MHz.
        const rx_time_clock d(1e6, 1700000000.75);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(500000),
                             d.timestamp_of(rx_time_value{ 1700000001, 0.25 }));
        // Rounded to the nearest tick; before sync_time is 0.
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(3),
                             rx_time_clock(10.0, 0.0).timestamp_of({ 0, 0.26 }));
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), d.timestamp_of({ 1700000000, 0.5 }));
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), d.timestamp_of({ 5, 0.5 }));
    }

    void test_off_and_errors()
    {
        CPPUNIT_ASSERT(!rx_time_clock().active());
        CPPUNIT_ASSERT(!rx_time_clock(0.0, 5.0).active());
        CPPUNIT_ASSERT_EQUAL(std::string("sample_rate must be 0 (no rx_time) or a "
                                         "positive number of timestamp ticks per second, "
                                         "not -1"),
                             error_of(-1.0, 0.0));
        CPPUNIT_ASSERT(error_of(std::numeric_limits<double>::quiet_NaN(), 0.0)
                           .find("sample_rate must be") == 0);
        CPPUNIT_ASSERT(error_of(std::numeric_limits<double>::infinity(), 0.0)
                           .find("sample_rate must be") == 0);
        CPPUNIT_ASSERT_EQUAL(
            std::string("sync_time must be a UNIX time in seconds, 0 or more, not -2.5"),
            error_of(1e6, -2.5));
        CPPUNIT_ASSERT(error_of(1e6, std::numeric_limits<double>::infinity())
                           .find("sync_time must be") == 0);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(qa_rx_time);

} // namespace spead
} // namespace gr
