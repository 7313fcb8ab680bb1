/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "output_lease.h"
#include <cppunit/TestAssert.h>
#include <cppunit/extensions/HelperMacros.h>
#include <cstdint>
#include <memory>
#include <vector>

namespace gr {
namespace spead {

/// Heap memory lent out of the sample source's output buffer.
class qa_output_lease : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(qa_output_lease);
    CPPUNIT_TEST(test_heaps_of_the_lease_size_lie_one_after_another);
    CPPUNIT_TEST(test_other_sizes_and_overflow_go_to_the_fallback);
    CPPUNIT_TEST(test_nothing_is_lent_before_publish);
    CPPUNIT_TEST(test_claim_waits_for_a_heap_being_received);
    CPPUNIT_TEST(test_claim_over_a_taken_heap_names_it);
    CPPUNIT_TEST(test_a_dropped_lease_stops_lending_until_all_are_gone);
    CPPUNIT_TEST(test_an_upset_pauses_lending);
    CPPUNIT_TEST(test_nothing_is_lent_below_the_write_position);
    CPPUNIT_TEST(test_reset_forgets_leases);
    CPPUNIT_TEST_SUITE_END();

    using claim = output_lease_allocator::claim_result;
    static constexpr std::size_t heap = 1000;

    std::vector<std::uint8_t> d_buffer;
    std::shared_ptr<output_lease_allocator> d_lease;

    bool in_buffer(const std::uint8_t* p) const
    {
        return p >= d_buffer.data() && p < d_buffer.data() + d_buffer.size();
    }

public:
    void setUp() override
    {
        d_buffer.assign(10 * heap, 0);
        d_lease = std::make_shared<output_lease_allocator>(
            std::make_shared<recv::memory_allocator>());
        d_lease->set_lease_size(heap);
        // 5000 bytes written so far; the next 5000 are free.
        d_lease->publish(d_buffer.data() + 5 * heap, 5 * heap, 5 * heap);
    }

    void test_heaps_of_the_lease_size_lie_one_after_another()
    {
        auto a = d_lease->allocate(heap);
        auto b = d_lease->allocate(heap);
        CPPUNIT_ASSERT(a.get() == d_buffer.data() + 5 * heap);
        CPPUNIT_ASSERT(b.get() == d_buffer.data() + 6 * heap);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(5 * heap), *d_lease->lease_position(a));
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(6 * heap), *d_lease->lease_position(b));
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(2), d_lease->leases_granted());
    }

    void test_other_sizes_and_overflow_go_to_the_fallback()
    {
        auto small = d_lease->allocate(heap / 2);
        CPPUNIT_ASSERT(!in_buffer(small.get()));
        CPPUNIT_ASSERT(!d_lease->lease_position(small));
        std::vector<recv::memory_allocator::pointer> lent;
        for (int i = 0; i < 5; i++)
            lent.push_back(d_lease->allocate(heap));
        for (const auto& p : lent)
            CPPUNIT_ASSERT(in_buffer(p.get()));
        // The free region holds five heaps: the sixth gets memory of its own.
        auto sixth = d_lease->allocate(heap);
        CPPUNIT_ASSERT(!in_buffer(sixth.get()));
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(2), d_lease->fallbacks());
        sixth[heap - 1] = 1; // really heap bytes
    }

    void test_nothing_is_lent_before_publish()
    {
        auto lease = std::make_shared<output_lease_allocator>(
            std::make_shared<recv::memory_allocator>());
        lease->set_lease_size(heap);
        auto p = lease->allocate(heap);
        CPPUNIT_ASSERT(!lease->lease_position(p));
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), lease->leases_granted());
    }

    void test_claim_waits_for_a_heap_being_received()
    {
        auto a = d_lease->allocate(heap);
        auto b = d_lease->allocate(heap);
        std::uint64_t blocking = 0;
        // b (still in the stream) completes first: emitting it at the write position
        // would write over a, whose memory the stream may still be filling.
        CPPUNIT_ASSERT(claim::held_by_stream ==
                       d_lease->claim(5 * heap, heap, 6 * heap, &blocking));
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(5 * heap), blocking);
        // a emitted where it lies: its own lease is no obstacle.
        d_lease->take(5 * heap);
        CPPUNIT_ASSERT(claim::granted == d_lease->claim(5 * heap, heap, 5 * heap));
    }

    void test_claim_over_a_taken_heap_names_it()
    {
        auto a = d_lease->allocate(heap);
        d_lease->take(5 * heap);
        std::uint64_t blocking = 0;
        // A heap with memory of its own, to be copied to the write position, where a
        // heap already taken by the output lies.
        CPPUNIT_ASSERT(claim::held_by_output ==
                       d_lease->claim(5 * heap, heap, std::nullopt, &blocking));
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(5 * heap), blocking);
        a.reset(); // copied out by the output: the lease ends
        CPPUNIT_ASSERT(claim::granted == d_lease->claim(5 * heap, heap, std::nullopt));
    }

    void test_a_dropped_lease_stops_lending_until_all_are_gone()
    {
        auto a = d_lease->allocate(heap);
        auto b = d_lease->allocate(heap);
        auto c = d_lease->allocate(heap);
        for (std::uint64_t at : { 5 * heap, 6 * heap, 7 * heap })
            d_lease->take(at);
        // a emitted where it lies, b dropped by the output (say incomplete): a gap
        // between the write position and c, so nothing more is lent after c.
        CPPUNIT_ASSERT(claim::granted == d_lease->claim(5 * heap, heap, 5 * heap));
        a.reset();
        b.reset();
        CPPUNIT_ASSERT(!d_lease->lease_position(d_lease->allocate(heap)));
        // c moved back over the gap and emitted; once no lease is left, lending
        // resumes at the write position.
        CPPUNIT_ASSERT(claim::granted == d_lease->claim(6 * heap, heap, 7 * heap));
        c.reset();
        auto d = d_lease->allocate(heap);
        CPPUNIT_ASSERT(d.get() == d_buffer.data() + 7 * heap);
    }

    void test_an_upset_pauses_lending()
    {
        // A lease dropped by the stream (an incomplete heap) or taken back from a heap
        // being received: nothing is lent for the next pause_after_upset heaps.
        auto a = d_lease->allocate(heap);
        a.reset(); // never taken by the output: dropped
        const auto pause = output_lease_allocator::pause_after_upset;
        for (std::uint64_t i = 0; i < pause; i++)
            CPPUNIT_ASSERT(!d_lease->lease_position(d_lease->allocate(heap)));
        auto b = d_lease->allocate(heap);
        CPPUNIT_ASSERT(b.get() == d_buffer.data() + 5 * heap);

        auto c = d_lease->allocate(heap);
        auto moved = d_lease->relocate_from(c, heap, 6 * heap, heap);
        CPPUNIT_ASSERT(moved && !in_buffer(moved.get()));
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), d_lease->relocated());
        // Not for a lease outside the bytes asked for, nor one the output has taken.
        CPPUNIT_ASSERT(!d_lease->relocate_from(b, heap, 6 * heap, heap));
        d_lease->take(6 * heap);
        CPPUNIT_ASSERT(!d_lease->relocate_from(c, heap, 6 * heap, heap));
        c.reset();
        b.reset();
        for (std::uint64_t i = 0; i < pause; i++)
            CPPUNIT_ASSERT(!d_lease->lease_position(d_lease->allocate(heap)));
    }

    void test_nothing_is_lent_below_the_write_position()
    {
        CPPUNIT_ASSERT(claim::granted ==
                       d_lease->claim(5 * heap, heap / 2, std::nullopt));
        auto a = d_lease->allocate(heap);
        CPPUNIT_ASSERT(a.get() == d_buffer.data() + 5 * heap + heap / 2);
        // Bytes lent after the write position are not the output's until returned.
        CPPUNIT_ASSERT(claim::held_by_stream ==
                       d_lease->claim(5 * heap + heap / 2, heap, std::nullopt));
    }

    void test_reset_forgets_leases()
    {
        auto a = d_lease->allocate(heap);
        d_lease->reset();
        CPPUNIT_ASSERT(!d_lease->lease_position(a));
        a.reset(); // a lease of the old stream given back: ignored
        auto b = d_lease->allocate(heap);
        CPPUNIT_ASSERT(!d_lease->lease_position(b)); // not published since
        d_lease->publish(d_buffer.data(), 0, 2 * heap);
        auto c = d_lease->allocate(heap);
        CPPUNIT_ASSERT(c.get() == d_buffer.data());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(qa_output_lease);

} // namespace spead
} // namespace gr
