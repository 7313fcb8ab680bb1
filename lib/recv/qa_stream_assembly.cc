/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// The receive engine end to end, heap assembly: packet sequences made with the encoder
// go through a ring_stream from a memory buffer (SPEAD-PROTOCOL.md section 4). Byte
// ranges follow the packet geometry described in qa_stream_support.h.

#include "qa_stream_support.h"
#include <cppunit/extensions/HelperMacros.h>

using namespace gr::spead::protocol;
using namespace gr::spead::recv;
using namespace gr::spead::qa;

namespace {

using range_list = std::vector<std::pair<std::size_t, std::size_t>>;

/// Heaps 1, 2, 3 of three packets each, with packet 1 (bytes [40, 96)) of heap 2 lost.
packet_list heaps_with_lost_packet()
{
    return data_heap(1, THREE_PACKET_HEAP) +
           pick(data_heap(2, THREE_PACKET_HEAP), { 0, 2 }) +
           data_heap(3, THREE_PACKET_HEAP);
}

/// Checks the incomplete heap 2 of heaps_with_lost_packet: its items are known, the
/// bytes in \p received are the sender's, and the lengths are as the ranges say.
void check_incomplete_heap_2(const heap& h, const range_list& received)
{
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(2), h.get_cnt());
    CPPUNIT_ASSERT(!h.is_complete());
    CPPUNIT_ASSERT_EQUAL(std::int64_t(THREE_PACKET_HEAP), h.get_heap_length());
    std::size_t total = 0;
    const auto expected = pattern(2, THREE_PACKET_HEAP);
    for (const auto& r : received) {
        total += r.second - r.first;
        CPPUNIT_ASSERT(std::vector<std::uint8_t>(expected.begin() + r.first,
                                                 expected.begin() + r.second) ==
                       payload_bytes(h, r.first, r.second - r.first));
    }
    CPPUNIT_ASSERT_EQUAL(total, h.get_received_length());
    CPPUNIT_ASSERT_EQUAL(TAG_BASE + 2, find_item(h, TAG_ID).value);
}

} // namespace

class qa_stream_assembly : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(qa_stream_assembly);
    CPPUNIT_TEST(test_in_order_multi_packet_heaps);
    CPPUNIT_TEST(test_single_packet_heaps_counted);
    CPPUNIT_TEST(test_lost_packet_heap_dropped_when_contiguous_only);
    CPPUNIT_TEST(test_lost_packet_heap_delivered_incomplete);
    CPPUNIT_TEST(test_lost_packet_payload_range_in_order);
    CPPUNIT_TEST(test_lost_packet_payload_ranges_out_of_order);
    CPPUNIT_TEST(test_reordered_packets_rejected_in_order_mode);
    CPPUNIT_TEST(test_reordered_packets_accepted_out_of_order_mode);
    CPPUNIT_TEST(test_duplicate_packets_rejected_out_of_order_mode);
    CPPUNIT_TEST(test_duplicate_packets_rejected_in_order_mode);
    CPPUNIT_TEST(test_spead_64_48_heaps);
    CPPUNIT_TEST_SUITE_END();

public:
    void test_in_order_multi_packet_heaps()
    {
        const packet_list packets = data_heap(1, THREE_PACKET_HEAP) +
                                    data_heap(2, THREE_PACKET_HEAP) +
                                    data_heap(3, THREE_PACKET_HEAP);
        CPPUNIT_ASSERT_EQUAL(std::size_t(9), packets.size()); // the stated geometry
        const run_result r = run_stream(packets);

        CPPUNIT_ASSERT_EQUAL(std::size_t(3), r.heaps.size());
        for (std::size_t i = 0; i < 3; i++) {
            check_data_heap(r.heaps[i], i + 1, THREE_PACKET_HEAP);
            CPPUNIT_ASSERT_EQUAL(std::int64_t(THREE_PACKET_HEAP),
                                 r.heaps[i].get_heap_length());
            CPPUNIT_ASSERT_EQUAL(THREE_PACKET_HEAP, r.heaps[i].payload_size());
            CPPUNIT_ASSERT_EQUAL(40, r.heaps[i].get_flavour().heap_address_bits());
        }
        // Each packet looks at most at the 4 slots of the default window.
        check_stats(r.stats, fed(9, { { "heaps", 3 } }), 9 * 4);
        CPPUNIT_ASSERT(r.stats["search_dist"] > 0);
        // Names and indices are two views of the same values.
        namespace idx = stream_stat_indices;
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(3), r.stats[idx::heaps]);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(9), r.stats[idx::packets]);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), r.stats["packets_rejected"]);
    }

    void test_single_packet_heaps_counted()
    {
        const packet_list packets = data_heap(1, ONE_PACKET_HEAP) +
                                    data_heap(2, THREE_PACKET_HEAP) +
                                    data_heap(3, ONE_PACKET_HEAP) +
                                    data_heap(4, 0); // no payload at all: one packet
        CPPUNIT_ASSERT_EQUAL(std::size_t(6), packets.size());
        const run_result r = run_stream(packets);

        CPPUNIT_ASSERT_EQUAL(std::size_t(4), r.heaps.size());
        check_data_heap(r.heaps[0], 1, ONE_PACKET_HEAP);
        check_data_heap(r.heaps[1], 2, THREE_PACKET_HEAP);
        check_data_heap(r.heaps[2], 3, ONE_PACKET_HEAP);
        // A zero-length item is no item; the immediate one remains.
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(4), r.heaps[3].get_cnt());
        CPPUNIT_ASSERT(r.heaps[3].is_complete());
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), r.heaps[3].get_items().size());
        CPPUNIT_ASSERT_EQUAL(TAG_BASE + 4, find_item(r.heaps[3], TAG_ID).value);
        check_stats(r.stats, fed(6, { { "heaps", 4 }, { "single_packet_heaps", 3 } }));
    }

    void test_lost_packet_heap_dropped_when_contiguous_only()
    {
        const run_result r = run_stream(heaps_with_lost_packet());

        // Heap 2's last packet does not continue at byte 40: refused in in-order mode.
        // The heap stays in the window until the end of the buffer flushes it; it is
        // incomplete, so the ring drops it.
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), r.heaps.size());
        check_data_heap(r.heaps[0], 1, THREE_PACKET_HEAP);
        check_data_heap(r.heaps[1], 3, THREE_PACKET_HEAP);
        check_stats(r.stats,
                    fed(8,
                        { { "heaps", 3 },
                          { "incomplete_heaps_flushed", 1 },
                          { "heaps_dropped_incomplete", 1 },
                          { "packets_rejected", 1 },
                          { "packets_rejected_out_of_order", 1 } }));
    }

    void test_lost_packet_heap_delivered_incomplete()
    {
        const run_result r = run_stream(heaps_with_lost_packet(),
                                        stream_config(),
                                        ring_stream_config().set_contiguous_only(false));

        // Complete heaps leave as they complete; heap 2 when the end flushes it.
        CPPUNIT_ASSERT((std::vector<std::uint64_t>{ 1, 3, 2 }) == cnts(r.heaps));
        check_data_heap(r.heaps[0], 1, THREE_PACKET_HEAP);
        check_data_heap(r.heaps[1], 3, THREE_PACKET_HEAP);
        check_incomplete_heap_2(r.heaps[2], { { 0, 40 } });
        // Ranges were not asked for.
        CPPUNIT_ASSERT(r.heaps[2].get_payload_ranges().empty());
        check_stats(r.stats,
                    fed(8,
                        { { "heaps", 3 },
                          { "incomplete_heaps_flushed", 1 },
                          { "packets_rejected", 1 },
                          { "packets_rejected_out_of_order", 1 } }));
    }

    void test_lost_packet_payload_range_in_order()
    {
        const run_result r = run_stream(heaps_with_lost_packet(),
                                        stream_config(),
                                        ring_stream_config()
                                            .set_contiguous_only(false)
                                            .set_incomplete_keep_payload_ranges(true));

        CPPUNIT_ASSERT_EQUAL(std::size_t(3), r.heaps.size());
        const heap& h = r.heaps[2];
        check_incomplete_heap_2(h, { { 0, 40 } });
        CPPUNIT_ASSERT(range_list({ { 0, 40 } }) == h.get_payload_ranges());
        // Complete heaps carry no ranges.
        CPPUNIT_ASSERT(r.heaps[0].get_payload_ranges().empty());
    }

    void test_lost_packet_payload_ranges_out_of_order()
    {
        const run_result r = run_stream(heaps_with_lost_packet(),
                                        stream_config().set_allow_out_of_order(true),
                                        ring_stream_config()
                                            .set_contiguous_only(false)
                                            .set_incomplete_keep_payload_ranges(true));

        // Out-of-order mode accepts the packet after the gap.
        CPPUNIT_ASSERT((std::vector<std::uint64_t>{ 1, 3, 2 }) == cnts(r.heaps));
        const heap& h = r.heaps[2];
        check_incomplete_heap_2(h, { { 0, 40 }, { 96, 152 } });
        CPPUNIT_ASSERT(range_list({ { 0, 40 }, { 96, 152 } }) == h.get_payload_ranges());
        check_stats(r.stats,
                    fed(8, { { "heaps", 3 }, { "incomplete_heaps_flushed", 1 } }));
    }

    void test_reordered_packets_rejected_in_order_mode()
    {
        // Heap 1: the last packet overtakes the middle one. Heap 2: the middle packet
        // comes first, so the heap does not start at offset 0.
        const packet_list packets = pick(data_heap(1, THREE_PACKET_HEAP), { 0, 2, 1 }) +
                                    pick(data_heap(2, THREE_PACKET_HEAP), { 1, 0, 2 });
        const run_result r = run_stream(
            packets, stream_config(), ring_stream_config().set_contiguous_only(false));

        // Heap 1 keeps [0, 96); heap 2 keeps [0, 40) (its packet at 96 does not follow
        // 40 either). Both are flushed, oldest first.
        CPPUNIT_ASSERT((std::vector<std::uint64_t>{ 1, 2 }) == cnts(r.heaps));
        CPPUNIT_ASSERT(!r.heaps[0].is_complete());
        CPPUNIT_ASSERT_EQUAL(std::size_t(96), r.heaps[0].get_received_length());
        CPPUNIT_ASSERT(pattern(1, THREE_PACKET_HEAP)[95] == r.heaps[0].payload()[95]);
        CPPUNIT_ASSERT(!r.heaps[1].is_complete());
        CPPUNIT_ASSERT_EQUAL(std::size_t(40), r.heaps[1].get_received_length());
        check_stats(r.stats,
                    fed(6,
                        { { "heaps", 2 },
                          { "incomplete_heaps_flushed", 2 },
                          { "packets_rejected", 3 },
                          { "packets_rejected_out_of_order", 3 } }));
    }

    void test_reordered_packets_accepted_out_of_order_mode()
    {
        const packet_list packets = pick(data_heap(1, THREE_PACKET_HEAP), { 2, 0, 1 }) +
                                    pick(data_heap(2, THREE_PACKET_HEAP), { 1, 2, 0 });
        const run_result r =
            run_stream(packets, stream_config().set_allow_out_of_order(true));

        CPPUNIT_ASSERT_EQUAL(std::size_t(2), r.heaps.size());
        check_data_heap(r.heaps[0], 1, THREE_PACKET_HEAP);
        check_data_heap(r.heaps[1], 2, THREE_PACKET_HEAP);
        check_stats(r.stats, fed(6, { { "heaps", 2 } }));
    }

    void test_duplicate_packets_rejected_out_of_order_mode()
    {
        // Repeats arrive while the heap is still being assembled (a repeat after
        // completion would start a new heap with the same counter).
        const packet_list packets =
            pick(data_heap(1, THREE_PACKET_HEAP), { 0, 1, 0, 1, 2 });
        const run_result r =
            run_stream(packets, stream_config().set_allow_out_of_order(true));

        CPPUNIT_ASSERT_EQUAL(std::size_t(1), r.heaps.size());
        check_data_heap(r.heaps[0], 1, THREE_PACKET_HEAP);
        check_stats(r.stats,
                    fed(5,
                        { { "heaps", 1 },
                          { "packets_rejected", 2 },
                          { "packets_rejected_duplicate", 2 } }));
    }

    void test_duplicate_packets_rejected_in_order_mode()
    {
        // In in-order mode a repeat does not continue where the heap ended: it is
        // refused as out of order, and the heap completes all the same.
        const packet_list packets =
            pick(data_heap(1, THREE_PACKET_HEAP), { 0, 0, 1, 1, 2 });
        const run_result r = run_stream(packets);

        CPPUNIT_ASSERT_EQUAL(std::size_t(1), r.heaps.size());
        check_data_heap(r.heaps[0], 1, THREE_PACKET_HEAP);
        check_stats(r.stats,
                    fed(5,
                        { { "heaps", 1 },
                          { "packets_rejected", 2 },
                          { "packets_rejected_out_of_order", 2 } }));
    }

    void test_spead_64_48_heaps()
    {
        // The address width is detected per packet; the heap remembers it.
        const packet_list packets = data_heap(7, THREE_PACKET_HEAP, options(true, 48)) +
                                    data_heap(8, ONE_PACKET_HEAP, options(true, 40));
        const run_result r = run_stream(packets);

        CPPUNIT_ASSERT_EQUAL(std::size_t(2), r.heaps.size());
        check_data_heap(r.heaps[0], 7, THREE_PACKET_HEAP);
        CPPUNIT_ASSERT_EQUAL(48, r.heaps[0].get_flavour().heap_address_bits());
        check_data_heap(r.heaps[1], 8, ONE_PACKET_HEAP);
        CPPUNIT_ASSERT_EQUAL(40, r.heaps[1].get_flavour().heap_address_bits());
        check_stats(r.stats, fed(4, { { "heaps", 2 }, { "single_packet_heaps", 1 } }));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(qa_stream_assembly);
