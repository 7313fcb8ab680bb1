/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "output_buffer_size.h"
#include <cppunit/TestAssert.h>
#include <cppunit/extensions/HelperMacros.h>
#include <cstddef>
#include <limits>

namespace gr {
namespace spead {

/// The output buffer a sample source asks GNU Radio for.
class qa_output_buffer_size : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(qa_output_buffer_size);
    CPPUNIT_TEST(test_two_heaps_of_samples);
    CPPUNIT_TEST(test_at_least_a_mib);
    CPPUNIT_TEST(test_at_most_16_mib);
    CPPUNIT_TEST(test_huge_items);
    CPPUNIT_TEST(test_items_per_heap);
    CPPUNIT_TEST(test_room_for_heaps_received_into_it);
    CPPUNIT_TEST_SUITE_END();

    static constexpr std::size_t MiB = std::size_t(1) << 20;

public:
    void test_two_heaps_of_samples()
    {
        // 1 MiB heaps of bytes: 2 MiB of bytes.
        CPPUNIT_ASSERT_EQUAL(2 * MiB, preferred_output_items(1, MiB));
        // 1 MiB heaps of '|i1' pairs as complex (8-byte items): 512 Ki items a heap,
        // 1 Mi items (8 MiB) for two.
        CPPUNIT_ASSERT_EQUAL(MiB, preferred_output_items(8, MiB / 2));
        // Vectors of 1024 floats, 300 of them a heap: 600 vectors (2.34 MiB).
        CPPUNIT_ASSERT_EQUAL(std::size_t(600), preferred_output_items(4096, 300));
    }

    void test_at_least_a_mib()
    {
        // Heap size unknown, or heaps smaller than half a MiB of samples.
        CPPUNIT_ASSERT_EQUAL(MiB, preferred_output_items(1, 0));
        CPPUNIT_ASSERT_EQUAL(MiB / 8, preferred_output_items(8, 0));
        CPPUNIT_ASSERT_EQUAL(MiB / 4, preferred_output_items(4, 4096));
        // Exactly half a MiB a heap: a MiB either way.
        CPPUNIT_ASSERT_EQUAL(MiB, preferred_output_items(1, MiB / 2));
    }

    void test_at_most_16_mib()
    {
        CPPUNIT_ASSERT_EQUAL(16 * MiB, preferred_output_items(1, 8 * MiB));
        CPPUNIT_ASSERT_EQUAL(16 * MiB, preferred_output_items(1, 32 * MiB));
        CPPUNIT_ASSERT_EQUAL(2 * MiB, preferred_output_items(8, 64 * MiB));
        // Sizes that would overflow when doubled stay at the cap.
        const std::size_t huge = std::numeric_limits<std::size_t>::max();
        CPPUNIT_ASSERT_EQUAL(16 * MiB, preferred_output_items(1, huge));
        CPPUNIT_ASSERT_EQUAL(4 * MiB, preferred_output_items(4, huge / 3));
    }

    void test_huge_items()
    {
        // An item bigger than the cap: GNU Radio still needs two.
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), preferred_output_items(32 * MiB, 1));
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), preferred_output_items(32 * MiB, 0));
    }

    void test_items_per_heap()
    {
        CPPUNIT_ASSERT_EQUAL(MiB, max_items_per_heap(MiB, 1));
        CPPUNIT_ASSERT_EQUAL(MiB / 2, max_items_per_heap(MiB, 2));
        // A partial item at the end does not count.
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), max_items_per_heap(10, 3));
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), max_items_per_heap(0, 2));
    }

    void test_room_for_heaps_received_into_it()
    {
        // Two heaps and one item: two heaps free once the next block has read all.
        CPPUNIT_ASSERT_EQUAL(2 * MiB + 1, in_place_output_items(1, MiB));
        CPPUNIT_ASSERT_EQUAL(std::size_t(600 + 1), in_place_output_items(4096, 300));
        CPPUNIT_ASSERT_EQUAL(MiB + 1, in_place_output_items(1, 0));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(qa_output_buffer_size);

} // namespace spead
} // namespace gr
