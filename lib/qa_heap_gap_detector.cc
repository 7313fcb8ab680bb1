/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "heap_gap_detector.h"
#include <cppunit/TestAssert.h>
#include <cppunit/extensions/HelperMacros.h>

namespace gr {
namespace spead {

class qa_heap_gap_detector : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(qa_heap_gap_detector);
    CPPUNIT_TEST(test_consecutive_counters_lose_nothing);
    CPPUNIT_TEST(test_gap_counts_missing_heaps);
    CPPUNIT_TEST(test_timestamp_step);
    CPPUNIT_TEST(test_late_heap);
    CPPUNIT_TEST(test_off);
    CPPUNIT_TEST_SUITE_END();

public:
    void test_consecutive_counters_lose_nothing()
    {
        heap_gap_detector d(1);
        for (std::uint64_t cnt = 1; cnt < 10; cnt++) {
            const auto r = d.next(cnt);
            CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), r.lost);
            CPPUNIT_ASSERT(!r.late);
        }
    }

    void test_gap_counts_missing_heaps()
    {
        heap_gap_detector d(1);
        d.next(2);
        d.next(3);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(3), d.next(7).lost); // 4, 5, 6 missing
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), d.next(8).lost);
    }

    void test_timestamp_step()
    {
        heap_gap_detector d(8192);
        d.next(1000000);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), d.next(1000000 + 8192).lost);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(2), d.next(1000000 + 4 * 8192).lost);
    }

    void test_late_heap()
    {
        heap_gap_detector d(1);
        d.next(5);
        d.next(7);
        const auto r = d.next(6);
        CPPUNIT_ASSERT(r.late);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), r.lost);
        // The reference stays at 7.
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), d.next(8).lost);
    }

    void test_off()
    {
        heap_gap_detector d(0);
        d.next(1);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), d.next(100).lost);
        CPPUNIT_ASSERT(!d.next(3).late);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(qa_heap_gap_detector);

} // namespace spead
} // namespace gr
