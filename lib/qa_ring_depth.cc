/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <gnuradio/spead/receiver_config.h>
#include <cppunit/TestAssert.h>
#include <cppunit/extensions/HelperMacros.h>
#include <stdexcept>
#include <string>

namespace gr {
namespace spead {

/// The depth of the ring between a source block's receive thread and the block.
class qa_ring_depth : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(qa_ring_depth);
    CPPUNIT_TEST(test_auto_holds_16_mib_of_heaps);
    CPPUNIT_TEST(test_auto_stays_within_4_and_64);
    CPPUNIT_TEST(test_a_given_depth_is_kept);
    CPPUNIT_TEST(test_negative_depth_is_refused_by_name);
    CPPUNIT_TEST_SUITE_END();

    static int depth(int ring_heaps, std::int64_t heap_size)
    {
        receiver_config c;
        c.ring_heaps = ring_heaps;
        c.heap_size = heap_size;
        c.validate();
        return c.effective_ring_heaps();
    }

public:
    void test_auto_holds_16_mib_of_heaps()
    {
        CPPUNIT_ASSERT_EQUAL(0, receiver_config().ring_heaps);
        CPPUNIT_ASSERT_EQUAL(16, depth(0, 1 << 20));
        CPPUNIT_ASSERT_EQUAL(8, depth(0, 2 << 20));
        // Not a divisor of 16 MiB: the heaps that fit whole.
        CPPUNIT_ASSERT_EQUAL(5, depth(0, 3 << 20));
    }

    void test_auto_stays_within_4_and_64()
    {
        CPPUNIT_ASSERT_EQUAL(4, depth(0, 0)); // heap size not given
        CPPUNIT_ASSERT_EQUAL(4, depth(0, std::int64_t(64) << 20));
        CPPUNIT_ASSERT_EQUAL(4, depth(0, std::int64_t(1) << 40));
        CPPUNIT_ASSERT_EQUAL(64, depth(0, 4096));
        CPPUNIT_ASSERT_EQUAL(64, depth(0, 1));
    }

    void test_a_given_depth_is_kept()
    {
        CPPUNIT_ASSERT_EQUAL(1, depth(1, 1 << 20));
        CPPUNIT_ASSERT_EQUAL(4, depth(4, 4096));
        CPPUNIT_ASSERT_EQUAL(1000, depth(1000, 0));
    }

    void test_negative_depth_is_refused_by_name()
    {
        receiver_config c;
        c.ring_heaps = -1;
        try {
            c.validate();
            CPPUNIT_FAIL("no exception");
        } catch (const std::invalid_argument& e) {
            CPPUNIT_ASSERT(std::string(e.what()).find(
                               "ring_heaps must be 0 (auto) or 1..1048576") == 0);
        }
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(qa_ring_depth);

} // namespace spead
} // namespace gr
