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
    CPPUNIT_TEST(test_a_heap_in_fallback_memory_keeps_its_place);
    CPPUNIT_TEST(test_a_dropped_heap_gives_up_its_place);
    CPPUNIT_TEST(test_an_upset_pauses_lending);
    CPPUNIT_TEST_SUITE_END();

    using claim = output_lease_allocator::claim_result;
    using pointer = recv::memory_allocator::pointer;
    static constexpr std::size_t heap = 1000;

    std::vector<std::uint8_t> d_buffer;
    std::shared_ptr<output_lease_allocator> d_lease;

    bool in_buffer(const std::uint8_t* p) const
    {
        return p >= d_buffer.data() && p < d_buffer.data() + d_buffer.size();
    }
    std::uint64_t id(const pointer& p) const { return *d_lease->placed_heap(p); }
    std::optional<std::uint64_t> lease_at(const pointer& p) const
    {
        return d_lease->lease_position(id(p));
    }
    /// The free region: \p heaps heaps from 5000 bytes written.
    void publish(std::size_t heaps, std::size_t written = 5 * heap)
    {
        d_lease->publish(d_buffer.data() + written, written, heaps * heap);
    }

public:
    void setUp() override
    {
        d_buffer.assign(10 * heap, 0);
        d_lease = std::make_shared<output_lease_allocator>(
            std::make_shared<recv::memory_allocator>());
        d_lease->set_lease_size(heap);
        publish(5);
    }

    void test_heaps_of_the_lease_size_lie_one_after_another()
    {
        auto a = d_lease->allocate(heap);
        auto b = d_lease->allocate(heap);
        CPPUNIT_ASSERT(a.get() == d_buffer.data() + 5 * heap);
        CPPUNIT_ASSERT(b.get() == d_buffer.data() + 6 * heap);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(5 * heap), *lease_at(a));
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(6 * heap), *lease_at(b));
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(2), d_lease->leases_granted());
    }

    void test_other_sizes_and_overflow_go_to_the_fallback()
    {
        auto small = d_lease->allocate(heap / 2);
        CPPUNIT_ASSERT(!in_buffer(small.get()));
        CPPUNIT_ASSERT(!d_lease->placed_heap(small));
        std::vector<pointer> lent;
        for (int i = 0; i < 5; i++)
            lent.push_back(d_lease->allocate(heap));
        for (const auto& p : lent)
            CPPUNIT_ASSERT(in_buffer(p.get()));
        // The free region holds five heaps: the sixth gets memory of its own.
        auto sixth = d_lease->allocate(heap);
        CPPUNIT_ASSERT(!in_buffer(sixth.get()));
        CPPUNIT_ASSERT(!lease_at(sixth));
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(2), d_lease->fallbacks());
        sixth[heap - 1] = 1; // really heap bytes
    }

    void test_nothing_is_lent_before_publish()
    {
        auto lease = std::make_shared<output_lease_allocator>(
            std::make_shared<recv::memory_allocator>());
        lease->set_lease_size(heap);
        auto p = lease->allocate(heap);
        CPPUNIT_ASSERT(!lease->lease_position(*lease->placed_heap(p)));
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), lease->leases_granted());
    }

    void test_claim_waits_for_a_heap_being_received()
    {
        auto a = d_lease->allocate(heap);
        auto b = d_lease->allocate(heap);
        std::uint64_t blocking = 0;
        // b (still in the stream) completes first: emitting it at the write position
        // would write over a, whose memory the stream may still be filling.
        d_lease->take(id(b));
        CPPUNIT_ASSERT(claim::held_by_stream ==
                       d_lease->claim(5 * heap, heap, id(b), &blocking));
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(5 * heap), blocking);
        // a emitted where it lies: its own lease is no obstacle.
        d_lease->take(id(a));
        CPPUNIT_ASSERT(claim::granted == d_lease->claim(5 * heap, heap, id(a)));
    }

    void test_claim_over_a_taken_heap_names_it()
    {
        auto a = d_lease->allocate(heap);
        d_lease->take(id(a));
        std::uint64_t blocking = 0;
        // A heap with memory of its own, to be copied to the write position, where a
        // heap already taken by the output lies.
        CPPUNIT_ASSERT(claim::held_by_output ==
                       d_lease->claim(5 * heap, heap, std::nullopt, &blocking));
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(5 * heap), blocking);
        a.reset(); // copied out by the output: the lease ends
        CPPUNIT_ASSERT(claim::granted == d_lease->claim(5 * heap, heap, std::nullopt));
    }

    void test_a_heap_in_fallback_memory_keeps_its_place()
    {
        // Room for one heap: a is lent it, b gets memory of its own. With more room
        // (the next work() call), c is placed after b's place, which b's values take
        // when copied: all three go out in order, a and c without a copy.
        publish(1);
        auto a = d_lease->allocate(heap);
        auto b = d_lease->allocate(heap);
        publish(5);
        auto c = d_lease->allocate(heap);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(5 * heap), *lease_at(a));
        CPPUNIT_ASSERT(!in_buffer(b.get()));
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(7 * heap), *lease_at(c));
        for (const pointer* p : { &a, &b, &c })
            d_lease->take(id(*p));
        CPPUNIT_ASSERT(claim::granted == d_lease->claim(5 * heap, heap, id(a)));
        CPPUNIT_ASSERT(claim::granted == d_lease->claim(6 * heap, heap, id(b)));
        CPPUNIT_ASSERT(claim::granted == d_lease->claim(7 * heap, heap, id(c)));
    }

    void test_a_dropped_heap_gives_up_its_place()
    {
        publish(1);
        auto a = d_lease->allocate(heap);
        auto b = d_lease->allocate(heap);
        auto c = d_lease->allocate(heap);
        b.reset(); // dropped (say incomplete): c will take its place
        publish(5);
        auto d = d_lease->allocate(heap);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(7 * heap), *lease_at(d));
        // Half of a emitted: what it has left to emit still counts.
        d_lease->take(id(a));
        CPPUNIT_ASSERT(claim::granted == d_lease->claim(5 * heap, heap / 2, id(a)));
        auto e = d_lease->allocate(heap);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(8 * heap), *lease_at(e));
    }

    void test_an_upset_pauses_lending()
    {
        // A lease dropped by the stream (an incomplete heap) only gives up its place.
        auto a = d_lease->allocate(heap);
        a.reset();
        auto b = d_lease->allocate(heap);
        CPPUNIT_ASSERT(b.get() == d_buffer.data() + 5 * heap);

        // A lease taken back from a heap being received: nothing is lent for the next
        // pause_after_upset heaps.
        auto c = d_lease->allocate(heap);
        auto moved = d_lease->relocate_from(c, heap, 6 * heap, heap);
        CPPUNIT_ASSERT(moved && !in_buffer(moved.get()));
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), d_lease->relocated());
        // Not for a lease outside the bytes asked for, nor one the output has taken.
        CPPUNIT_ASSERT(!d_lease->relocate_from(b, heap, 6 * heap, heap));
        d_lease->take(id(c));
        CPPUNIT_ASSERT(!d_lease->relocate_from(c, heap, 6 * heap, heap));
        c.reset();
        b.reset();
        const auto pause = output_lease_allocator::pause_after_upset;
        for (std::uint64_t i = 0; i < pause; i++)
            CPPUNIT_ASSERT(!lease_at(d_lease->allocate(heap)));
        auto d = d_lease->allocate(heap);
        CPPUNIT_ASSERT(d.get() == d_buffer.data() + 5 * heap);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(qa_output_lease);

} // namespace spead
} // namespace gr
