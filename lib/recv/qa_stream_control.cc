/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// The receive engine end to end: stream control items (start, stop), unsized heaps and
// explicit start (SPEAD-PROTOCOL.md section 4, stream.h).

#include "qa_stream_support.h"
#include <gnuradio/spead/protocol/item_ids.h>
#include <cppunit/extensions/HelperMacros.h>
#include <stdexcept>

using namespace gr::spead::protocol;
using namespace gr::spead::recv;
using namespace gr::spead::qa;

namespace {

/// Heaps 1 and 2 complete, the first two packets of heap 3, a stop heap (cnt 4), then
/// heap 5, which comes after the end of the stream.
packet_list stop_in_the_middle()
{
    return data_heap(1, THREE_PACKET_HEAP) + data_heap(2, THREE_PACKET_HEAP) +
           pick(data_heap(3, THREE_PACKET_HEAP), { 0, 1 }) +
           encode_stop_heap(4, options()) + data_heap(5, THREE_PACKET_HEAP);
}

/// Packets that stop_in_the_middle feeds up to and including the stop packet.
constexpr std::uint64_t PACKETS_UP_TO_STOP = 3 + 3 + 2 + 1;

} // namespace

class qa_stream_control : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(qa_stream_control);
    CPPUNIT_TEST(test_stop_item_ends_stream_and_flushes_partial_heaps);
    CPPUNIT_TEST(test_stop_item_flushed_heaps_dropped_when_contiguous_only);
    CPPUNIT_TEST(test_stop_item_in_multi_packet_heap);
    CPPUNIT_TEST(test_stop_heap_delivered_without_stop_on_stop_item);
    CPPUNIT_TEST(test_start_item_marks_start_of_stream);
    CPPUNIT_TEST(test_unsized_heap_delivered_when_flushed);
    CPPUNIT_TEST(test_unsized_heap_delivered_when_evicted);
    CPPUNIT_TEST(test_unsized_heap_with_gap_is_incomplete);
    CPPUNIT_TEST(test_unsized_heaps_refused_when_disallowed);
    CPPUNIT_TEST(test_explicit_start_delivers_nothing_before_start);
    CPPUNIT_TEST(test_reader_after_start_with_explicit_start_throws);
    CPPUNIT_TEST(test_reader_after_stop_throws);
    CPPUNIT_TEST(test_empty_buffer_ends_stream);
    CPPUNIT_TEST_SUITE_END();

public:
    void test_stop_item_ends_stream_and_flushes_partial_heaps()
    {
        const run_result r = run_stream(stop_in_the_middle(),
                                        stream_config(),
                                        ring_stream_config().set_contiguous_only(false));

        // The stop heap is not delivered, heap 3 is flushed as it stands, and heap 5
        // (after the stop item) is never read: its packets are not even counted.
        CPPUNIT_ASSERT((std::vector<std::uint64_t>{ 1, 2, 3 }) == cnts(r.heaps));
        check_data_heap(r.heaps[0], 1, THREE_PACKET_HEAP);
        check_data_heap(r.heaps[1], 2, THREE_PACKET_HEAP);
        CPPUNIT_ASSERT(!r.heaps[2].is_complete());
        CPPUNIT_ASSERT_EQUAL(std::size_t(96), r.heaps[2].get_received_length());
        CPPUNIT_ASSERT(pattern(3, 96) == payload_bytes(r.heaps[2], 0, 96));
        check_stats(r.stats,
                    fed(PACKETS_UP_TO_STOP,
                        { { "heaps", 3 },
                          { "incomplete_heaps_flushed", 1 },
                          { "single_packet_heaps", 1 } }));
    }

    void test_stop_item_flushed_heaps_dropped_when_contiguous_only()
    {
        const run_result r = run_stream(stop_in_the_middle());

        CPPUNIT_ASSERT((std::vector<std::uint64_t>{ 1, 2 }) == cnts(r.heaps));
        check_stats(r.stats,
                    fed(PACKETS_UP_TO_STOP,
                        { { "heaps", 3 },
                          { "incomplete_heaps_flushed", 1 },
                          { "single_packet_heaps", 1 },
                          { "heaps_dropped_incomplete", 1 } }));
    }

    void test_stop_item_in_multi_packet_heap()
    {
        // A stop heap that carries data (which it should not): the stream stops at its
        // first packet, which carries the stop item; the rest is not read. The stop heap
        // is incomplete then, so it is flushed like any live heap (as in spead2).
        const packet_list packets =
            data_heap(1, ONE_PACKET_HEAP) +
            data_heap(2, THREE_PACKET_HEAP, options(), std::int64_t(CTRL_STREAM_STOP)) +
            data_heap(3, ONE_PACKET_HEAP);
        const run_result r = run_stream(
            packets, stream_config(), ring_stream_config().set_contiguous_only(false));

        CPPUNIT_ASSERT((std::vector<std::uint64_t>{ 1, 2 }) == cnts(r.heaps));
        check_data_heap(r.heaps[0], 1, ONE_PACKET_HEAP);
        CPPUNIT_ASSERT(!r.heaps[1].is_complete());
        CPPUNIT_ASSERT(r.heaps[1].is_end_of_stream());
        CPPUNIT_ASSERT_EQUAL(std::size_t(32), r.heaps[1].get_received_length());
        check_stats(r.stats,
                    fed(2,
                        { { "heaps", 2 },
                          { "incomplete_heaps_flushed", 1 },
                          { "single_packet_heaps", 1 } }));
    }

    void test_stop_heap_delivered_without_stop_on_stop_item()
    {
        const packet_list packets = data_heap(1, THREE_PACKET_HEAP) +
                                    encode_stop_heap(2, options()) +
                                    data_heap(3, THREE_PACKET_HEAP);
        const run_result r =
            run_stream(packets, stream_config().set_stop_on_stop_item(false));

        // The stream reads on to the end of the buffer.
        CPPUNIT_ASSERT((std::vector<std::uint64_t>{ 1, 2, 3 }) == cnts(r.heaps));
        check_data_heap(r.heaps[0], 1, THREE_PACKET_HEAP);
        check_data_heap(r.heaps[2], 3, THREE_PACKET_HEAP);
        const heap& stop = r.heaps[1];
        CPPUNIT_ASSERT(stop.is_complete());
        CPPUNIT_ASSERT(stop.is_end_of_stream());
        CPPUNIT_ASSERT(!stop.is_start_of_stream());
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), stop.get_heap_length());
        const heap_item ctrl = find_item(stop, STREAM_CTRL_ID);
        CPPUNIT_ASSERT(ctrl.immediate);
        CPPUNIT_ASSERT_EQUAL(CTRL_STREAM_STOP, ctrl.value);
        check_stats(r.stats, fed(7, { { "heaps", 3 }, { "single_packet_heaps", 1 } }));
    }

    void test_start_item_marks_start_of_stream()
    {
        const packet_list packets =
            data_heap(1, THREE_PACKET_HEAP, options(), std::int64_t(CTRL_STREAM_START)) +
            data_heap(2, THREE_PACKET_HEAP) + encode_stop_heap(3, options());
        // The STREAM_CTRL pointer takes 8 more bytes of the first packet: heap 1 needs
        // four packets ([0, 32), [32, 88), [88, 144), [144, 152)).
        CPPUNIT_ASSERT_EQUAL(std::size_t(4 + 3 + 1), packets.size());
        const run_result r = run_stream(packets);

        CPPUNIT_ASSERT_EQUAL(std::size_t(2), r.heaps.size());
        const heap& first = r.heaps[0];
        CPPUNIT_ASSERT(first.is_complete());
        CPPUNIT_ASSERT(first.is_start_of_stream());
        CPPUNIT_ASSERT(!first.is_end_of_stream());
        CPPUNIT_ASSERT(pattern(1, THREE_PACKET_HEAP) ==
                       payload_bytes(first, 0, THREE_PACKET_HEAP));
        check_data_heap(r.heaps[1], 2, THREE_PACKET_HEAP);
        // The stop heap is a single-packet heap (counted so), not delivered.
        check_stats(r.stats, fed(8, { { "heaps", 2 }, { "single_packet_heaps", 1 } }));
    }

    void test_unsized_heap_delivered_when_flushed()
    {
        const packet_list packets = data_heap(1, THREE_PACKET_HEAP, options(false));
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), packets.size());
        const run_result r = run_stream(packets);

        // Never known to be complete, but contiguous from 0 when the end flushes it.
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), r.heaps.size());
        check_data_heap(r.heaps[0], 1, THREE_PACKET_HEAP);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(-1), r.heaps[0].get_heap_length());
        CPPUNIT_ASSERT_EQUAL(THREE_PACKET_HEAP, r.heaps[0].payload_size());
        check_stats(r.stats,
                    fed(3, { { "heaps", 1 }, { "incomplete_heaps_flushed", 1 } }));
    }

    void test_unsized_heap_delivered_when_evicted()
    {
        const packet_list packets = data_heap(1, THREE_PACKET_HEAP, options(false)) +
                                    data_heap(2, THREE_PACKET_HEAP, options(false));
        const run_result r = run_stream(packets, stream_config().set_max_heaps(1));

        CPPUNIT_ASSERT_EQUAL(std::size_t(2), r.heaps.size());
        check_data_heap(r.heaps[0], 1, THREE_PACKET_HEAP);
        check_data_heap(r.heaps[1], 2, THREE_PACKET_HEAP);
        check_stats(r.stats,
                    fed(6,
                        { { "heaps", 2 },
                          { "incomplete_heaps_evicted", 1 },
                          { "incomplete_heaps_flushed", 1 } }));
    }

    void test_unsized_heap_with_gap_is_incomplete()
    {
        // Unsized packets: [0, 48), [48, 112), [112, 152); the middle one is lost.
        const packet_list packets =
            pick(data_heap(1, THREE_PACKET_HEAP, options(false)), { 0, 2 });
        const stream_config config = stream_config().set_allow_out_of_order(true);

        const run_result dropped = run_stream(packets, config);
        CPPUNIT_ASSERT(dropped.heaps.empty());
        check_stats(dropped.stats,
                    fed(2,
                        { { "heaps", 1 },
                          { "incomplete_heaps_flushed", 1 },
                          { "heaps_dropped_incomplete", 1 } }));

        const run_result kept = run_stream(packets,
                                           config,
                                           ring_stream_config()
                                               .set_contiguous_only(false)
                                               .set_incomplete_keep_payload_ranges(true));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), kept.heaps.size());
        const heap& h = kept.heaps[0];
        CPPUNIT_ASSERT(!h.is_complete());
        CPPUNIT_ASSERT_EQUAL(std::int64_t(-1), h.get_heap_length());
        CPPUNIT_ASSERT_EQUAL(std::size_t(48 + 40), h.get_received_length());
        CPPUNIT_ASSERT((std::vector<std::pair<std::size_t, std::size_t>>{
                           { 0, 48 }, { 112, 152 } }) == h.get_payload_ranges());
        const auto expected = pattern(1, THREE_PACKET_HEAP);
        CPPUNIT_ASSERT(
            std::vector<std::uint8_t>(expected.begin() + 112, expected.end()) ==
            payload_bytes(h, 112, 40));
    }

    void test_unsized_heaps_refused_when_disallowed()
    {
        const packet_list packets = data_heap(1, THREE_PACKET_HEAP, options(false)) +
                                    data_heap(2, THREE_PACKET_HEAP);
        const run_result r =
            run_stream(packets, stream_config().set_allow_unsized_heaps(false));

        CPPUNIT_ASSERT_EQUAL(std::size_t(1), r.heaps.size());
        check_data_heap(r.heaps[0], 2, THREE_PACKET_HEAP);
        check_stats(r.stats,
                    fed(6,
                        { { "heaps", 1 },
                          { "packets_rejected", 3 },
                          { "packets_rejected_unsized", 3 } }));
    }

    void test_explicit_start_delivers_nothing_before_start()
    {
        watchdog guard("test_explicit_start_delivers_nothing_before_start",
                       std::chrono::seconds(60));
        const std::vector<std::uint8_t> buffer = concatenate_packets(
            data_heap(1, THREE_PACKET_HEAP) + data_heap(2, ONE_PACKET_HEAP));
        thread_pool pool(1);
        ring_stream s(pool, stream_config().set_explicit_start(true));
        s.emplace_reader<mem_reader>(buffer.data(), buffer.size());

        CPPUNIT_ASSERT_THROW(s.try_pop(), ringbuffer_empty);
        // Long enough for a reader that started anyway to have delivered both heaps.
        CPPUNIT_ASSERT(!s.pop_for(std::chrono::milliseconds(100)).has_value());
        check_stats(s.get_all_stats(), {});
        CPPUNIT_ASSERT(!s.is_stopped());

        s.start();
        const std::vector<heap> heaps = drain(s);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), heaps.size());
        check_data_heap(heaps[0], 1, THREE_PACKET_HEAP);
        check_data_heap(heaps[1], 2, ONE_PACKET_HEAP);
        check_stats(s.get_all_stats(),
                    fed(4, { { "heaps", 2 }, { "single_packet_heaps", 1 } }));
    }

    void test_reader_after_start_with_explicit_start_throws()
    {
        const std::vector<std::uint8_t> buffer =
            concatenate_packets(data_heap(1, ONE_PACKET_HEAP));
        thread_pool pool(1);
        ring_stream s(pool, stream_config().set_explicit_start(true));
        s.emplace_reader<mem_reader>(buffer.data(), buffer.size());
        s.start();
        CPPUNIT_ASSERT_THROW(s.emplace_reader<mem_reader>(buffer.data(), buffer.size()),
                             std::logic_error);
        // The reader added before start() still delivers.
        const std::vector<heap> heaps = drain(s);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), heaps.size());
        check_data_heap(heaps[0], 1, ONE_PACKET_HEAP);
    }

    void test_reader_after_stop_throws()
    {
        const std::vector<std::uint8_t> buffer =
            concatenate_packets(data_heap(1, ONE_PACKET_HEAP));
        thread_pool pool(1);
        ring_stream s(pool);
        s.stop();
        CPPUNIT_ASSERT(s.is_stopped());
        CPPUNIT_ASSERT_THROW(s.emplace_reader<mem_reader>(buffer.data(), buffer.size()),
                             std::logic_error);
        CPPUNIT_ASSERT_THROW(s.try_pop(), ringbuffer_stopped);
    }

    void test_empty_buffer_ends_stream()
    {
        const run_result r = run_stream(std::vector<std::uint8_t>());
        CPPUNIT_ASSERT(r.heaps.empty());
        check_stats(r.stats, {});
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(qa_stream_control);
