/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// The receive engine end to end, the interleaving window: max_heaps live heaps per
// substream, the oldest evicted by a new heap that does not fit (SPEAD-PROTOCOL.md
// section 4), and substreams that keep interleaved senders apart.
//
// How expectations follow for heaps interleaved packet by packet in in-order mode:
// the first packets of K heaps arrive in a row, so with a window of M < K slots each
// heap from the (M+1)-th on evicts the one that began M heaps before it. The later
// packets of an evicted heap find no live heap, and a new heap cannot begin at a
// non-zero offset: they are refused as out of order (and, refused, evict nothing).
// The last M heaps complete.

#include "qa_stream_support.h"
#include <cppunit/extensions/HelperMacros.h>

using namespace gr::spead::protocol;
using namespace gr::spead::recv;
using namespace gr::spead::qa;

namespace {

constexpr std::size_t INTERLEAVED_HEAPS = 5;

/// Heaps 0 .. count-1 of three packets, interleaved packet by packet.
packet_list interleaved_heaps(std::size_t count)
{
    std::vector<packet_list> heaps;
    for (std::size_t cnt = 0; cnt < count; cnt++)
        heaps.push_back(data_heap(cnt, THREE_PACKET_HEAP));
    return interleave(heaps);
}

/// Five heaps interleaved through a window of \p max_heaps, incomplete heaps kept.
void check_interleaving(std::size_t max_heaps)
{
    const std::size_t k = INTERLEAVED_HEAPS;
    const std::size_t evicted = max_heaps < k ? k - max_heaps : 0;
    const run_result r = run_stream(interleaved_heaps(k),
                                    stream_config().set_max_heaps(max_heaps),
                                    ring_stream_config().set_contiguous_only(false));

    // Evictions all happen among the first packets, before any heap completes; then
    // the surviving heaps complete in counter order.
    CPPUNIT_ASSERT_EQUAL(k, r.heaps.size());
    for (std::size_t i = 0; i < k; i++) {
        const heap& h = r.heaps[i];
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(i), h.get_cnt());
        if (i < evicted) {
            CPPUNIT_ASSERT(!h.is_complete());
            CPPUNIT_ASSERT_EQUAL(std::size_t(40), h.get_received_length());
            CPPUNIT_ASSERT(pattern(i, 40) == payload_bytes(h, 0, 40));
        } else {
            check_data_heap(h, i, THREE_PACKET_HEAP);
        }
    }
    expected_stats expected = { { "heaps", k } };
    if (evicted) {
        expected["incomplete_heaps_evicted"] = evicted;
        expected["packets_rejected"] = 2 * evicted;
        expected["packets_rejected_out_of_order"] = 2 * evicted;
    }
    check_stats(r.stats, fed(3 * k, expected), 3 * k * max_heaps);
}

/// Sender s of \p senders sends heaps s, s + senders, ... (cnt mod senders = s), two
/// heaps each, one after the other; the senders' packets interleave one by one.
packet_list interleaved_senders(std::size_t senders)
{
    packet_list out;
    for (std::size_t round = 0; round < 2; round++) {
        std::vector<packet_list> heaps;
        for (std::size_t s = 0; s < senders; s++)
            heaps.push_back(data_heap(round * senders + s, THREE_PACKET_HEAP));
        out = out + interleave(heaps);
    }
    return out;
}

} // namespace

class qa_stream_window : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(qa_stream_window);
    CPPUNIT_TEST(test_interleaving_max_heaps_1);
    CPPUNIT_TEST(test_interleaving_max_heaps_2);
    CPPUNIT_TEST(test_interleaving_max_heaps_4);
    CPPUNIT_TEST(test_interleaving_within_max_heaps_evicts_nothing);
    CPPUNIT_TEST(test_evicted_heaps_dropped_when_contiguous_only);
    CPPUNIT_TEST(test_completed_heap_frees_its_slot);
    CPPUNIT_TEST(test_new_heap_evicts_the_slot_after_the_head);
    CPPUNIT_TEST(test_flush_delivers_oldest_first);
    CPPUNIT_TEST(test_substreams_keep_senders_apart);
    CPPUNIT_TEST(test_one_substream_evicts_interleaved_senders);
    CPPUNIT_TEST_SUITE_END();

public:
    void test_interleaving_max_heaps_1() { check_interleaving(1); }
    void test_interleaving_max_heaps_2() { check_interleaving(2); }
    void test_interleaving_max_heaps_4() { check_interleaving(4); }
    void test_interleaving_within_max_heaps_evicts_nothing() { check_interleaving(5); }

    void test_evicted_heaps_dropped_when_contiguous_only()
    {
        const run_result r = run_stream(interleaved_heaps(INTERLEAVED_HEAPS),
                                        stream_config().set_max_heaps(2));

        CPPUNIT_ASSERT_EQUAL(std::size_t(2), r.heaps.size());
        check_data_heap(r.heaps[0], 3, THREE_PACKET_HEAP);
        check_data_heap(r.heaps[1], 4, THREE_PACKET_HEAP);
        check_stats(r.stats,
                    fed(15,
                        { { "heaps", 5 },
                          { "incomplete_heaps_evicted", 3 },
                          { "heaps_dropped_incomplete", 3 },
                          { "packets_rejected", 6 },
                          { "packets_rejected_out_of_order", 6 } }));
    }

    void test_completed_heap_frees_its_slot()
    {
        // Window of 1: heaps one after the other never evict each other, however many.
        packet_list packets;
        for (std::uint64_t cnt = 1; cnt <= 10; cnt++)
            packets = packets + data_heap(cnt, THREE_PACKET_HEAP);
        const run_result r = run_stream(packets, stream_config().set_max_heaps(1));

        CPPUNIT_ASSERT_EQUAL(std::size_t(10), r.heaps.size());
        for (std::size_t i = 0; i < 10; i++)
            check_data_heap(r.heaps[i], i + 1, THREE_PACKET_HEAP);
        check_stats(r.stats, fed(30, { { "heaps", 10 } }), 30);
    }

    void test_new_heap_evicts_the_slot_after_the_head()
    {
        // Window of 2: heap 0 begins, heap 1 comes and completes, then heap 2 begins.
        // Heap 1's slot is free again, but the window is a ring (as in spead2): heap 2
        // takes the slot after heap 1's, heap 0's, and evicts heap 0, whose later
        // packets then find no heap (and cannot begin one past offset 0).
        const packet_list heap0 = data_heap(0, THREE_PACKET_HEAP);
        const packet_list heap2 = data_heap(2, THREE_PACKET_HEAP);
        const packet_list packets = pick(heap0, { 0 }) + data_heap(1, THREE_PACKET_HEAP) +
                                    pick(heap2, { 0 }) + pick(heap0, { 1, 2 }) +
                                    pick(heap2, { 1, 2 });
        const run_result r = run_stream(packets,
                                        stream_config().set_max_heaps(2),
                                        ring_stream_config().set_contiguous_only(false));

        CPPUNIT_ASSERT((std::vector<std::uint64_t>{ 1, 0, 2 }) == cnts(r.heaps));
        check_data_heap(r.heaps[0], 1, THREE_PACKET_HEAP);
        CPPUNIT_ASSERT(!r.heaps[1].is_complete());
        CPPUNIT_ASSERT_EQUAL(std::size_t(40), r.heaps[1].get_received_length());
        check_data_heap(r.heaps[2], 2, THREE_PACKET_HEAP);
        check_stats(r.stats,
                    fed(9,
                        { { "heaps", 3 },
                          { "incomplete_heaps_evicted", 1 },
                          { "packets_rejected", 2 },
                          { "packets_rejected_out_of_order", 2 } }),
                    9 * 2);
    }

    void test_flush_delivers_oldest_first()
    {
        // Only the first packet of each of five heaps: heap 4 evicts heap 0, and the end
        // of the buffer flushes the rest in ring order from the slot after the head,
        // which is the order they began (as spead2 does).
        std::vector<packet_list> firsts;
        for (std::uint64_t cnt = 0; cnt < 5; cnt++)
            firsts.push_back(pick(data_heap(cnt, THREE_PACKET_HEAP), { 0 }));
        const run_result r = run_stream(interleave(firsts),
                                        stream_config().set_max_heaps(4),
                                        ring_stream_config().set_contiguous_only(false));

        CPPUNIT_ASSERT((std::vector<std::uint64_t>{ 0, 1, 2, 3, 4 }) == cnts(r.heaps));
        for (const auto& h : r.heaps) {
            CPPUNIT_ASSERT(!h.is_complete());
            CPPUNIT_ASSERT_EQUAL(std::size_t(40), h.get_received_length());
        }
        check_stats(r.stats,
                    fed(5,
                        { { "heaps", 5 },
                          { "incomplete_heaps_evicted", 1 },
                          { "incomplete_heaps_flushed", 4 } }));
    }

    void test_substreams_keep_senders_apart()
    {
        // Three senders, each with its own substream of one slot: no sender's heap ever
        // displaces another's.
        const run_result r = run_stream(
            interleaved_senders(3), stream_config().set_substreams(3).set_max_heaps(1));

        CPPUNIT_ASSERT_EQUAL(std::size_t(6), r.heaps.size());
        for (std::size_t i = 0; i < 6; i++)
            check_data_heap(r.heaps[i], i, THREE_PACKET_HEAP);
        // A substream's window has one slot: one slot examined per packet.
        check_stats(r.stats, fed(18, { { "heaps", 6 } }), 18);
    }

    void test_one_substream_evicts_interleaved_senders()
    {
        // The same packets through one substream of one slot: in each round the first
        // packets of heaps s=0 and s=1 are evicted by the next sender's, and only the
        // last sender's heap completes.
        const run_result r = run_stream(
            interleaved_senders(3), stream_config().set_substreams(1).set_max_heaps(1));

        CPPUNIT_ASSERT_EQUAL(std::size_t(2), r.heaps.size());
        check_data_heap(r.heaps[0], 2, THREE_PACKET_HEAP);
        check_data_heap(r.heaps[1], 5, THREE_PACKET_HEAP);
        check_stats(r.stats,
                    fed(18,
                        { { "heaps", 6 },
                          { "incomplete_heaps_evicted", 4 },
                          { "heaps_dropped_incomplete", 4 },
                          { "packets_rejected", 8 },
                          { "packets_rejected_out_of_order", 8 } }),
                    18);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(qa_stream_window);
