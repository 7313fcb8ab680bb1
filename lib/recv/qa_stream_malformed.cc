/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// The receive engine end to end with hostile input: malformed packets in a memory
// buffer, hostile HEAP_LENGTH values, max_heap_size, failing and pooled allocators, and
// the bookkeeping of every packet (SPEAD-PROTOCOL.md sections 1 and 4).

#include "../protocol/qa_packet_builder.h"
#include "qa_log_recorder.h"
#include "qa_stream_support.h"
#include <gnuradio/spead/recv/memory_pool.h>
#include <cppunit/extensions/HelperMacros.h>
#include <memory>

using namespace gr::spead::protocol;
using namespace gr::spead::recv;
using namespace gr::spead::qa;

namespace {

constexpr int BITS = 40;

/// A packet with HEAP_LENGTH 8 whose 16-byte payload runs past it: malformed, but its
/// PAYLOAD_LENGTH still tells where the next packet starts.
bytes payload_beyond_heap_length_packet()
{
    return build_data_packet(BITS, 21, 8, 0, bytes(16, 0xaa));
}

/// A packet without HEAP_CNT (its length is known).
bytes missing_heap_cnt_packet()
{
    return build_packet(BITS,
                        { immediate_ptr(0x3, 0, BITS), immediate_ptr(0x4, 8, BITS) },
                        bytes(8, 0xbb));
}

/// A packet without PAYLOAD_OFFSET (its length is known).
bytes missing_payload_offset_packet()
{
    return build_packet(BITS,
                        { immediate_ptr(0x1, 22, BITS), immediate_ptr(0x4, 8, BITS) },
                        bytes(8, 0xcc));
}

/// A packet whose HEAP_CNT is addressed instead of immediate (its length is known).
bytes addressed_heap_cnt_packet()
{
    return build_packet(BITS,
                        { addressed_ptr(0x1, 0, BITS),
                          immediate_ptr(0x3, 0, BITS),
                          immediate_ptr(0x4, 8, BITS) },
                        bytes(8, 0xdd));
}

/// Heap 1, \p bad, heap 2.
packet_list between_two_heaps(const bytes& bad)
{
    return data_heap(1, THREE_PACKET_HEAP) + packet_list{ bad } +
           data_heap(2, THREE_PACKET_HEAP);
}

/// Runs heap 1, a packet that does not decode, heap 2: the stream ends at the bad packet
/// (as in spead2: nothing it says can be trusted, its length included), which is counted
/// under \p reason but not as a packet.
void check_stream_ends_at(const bytes& bad, const std::string& reason)
{
    log_recorder log;
    const run_result r = run_stream(between_two_heaps(bad));

    CPPUNIT_ASSERT_EQUAL_MESSAGE(reason, std::size_t(1), r.heaps.size());
    check_data_heap(r.heaps[0], 1, THREE_PACKET_HEAP);
    check_stats(r.stats,
                fed(3,
                    { { "heaps", 1 },
                      { "packets_rejected", 1 },
                      { "packets_rejected_" + reason, 1 } }));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(
        reason, std::size_t(1), log.count(log_level::warning, reason));
}

} // namespace

class qa_stream_malformed : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(qa_stream_malformed);
    CPPUNIT_TEST(test_delimited_malformed_packets_end_byte_stream);
    CPPUNIT_TEST(test_bad_magic_ends_byte_stream);
    CPPUNIT_TEST(test_bad_version_ends_byte_stream);
    CPPUNIT_TEST(test_bad_widths_ends_byte_stream);
    CPPUNIT_TEST(test_missing_payload_length_ends_byte_stream);
    CPPUNIT_TEST(test_truncated_last_packet_ends_byte_stream);
    CPPUNIT_TEST(test_hostile_heap_length_rejected_without_allocation);
    CPPUNIT_TEST(test_max_heap_size_respected);
    CPPUNIT_TEST(test_allocation_failure_drops_heap);
    CPPUNIT_TEST(test_memory_pool_allocator_end_to_end);
    CPPUNIT_TEST(test_accounting_packets_equal_accepted_plus_rejected);
    CPPUNIT_TEST_SUITE_END();

public:
    void test_delimited_malformed_packets_end_byte_stream()
    {
        // Even when their PAYLOAD_LENGTH is readable, packets that do not decode end a
        // buffer (spead2 4.4.1 does the same), each counted under its reason and logged.
        check_stream_ends_at(payload_beyond_heap_length_packet(),
                             "payload_beyond_heap_length");
        check_stream_ends_at(missing_heap_cnt_packet(), "missing_heap_cnt");
        check_stream_ends_at(missing_payload_offset_packet(), "missing_payload_offset");
        check_stream_ends_at(addressed_heap_cnt_packet(), "non_immediate_required_item");
    }

    void test_bad_magic_ends_byte_stream()
    {
        // Without a valid header nothing tells where the next packet starts.
        bytes bad = data_heap(2, THREE_PACKET_HEAP)[0];
        bad[0] = 0x54;
        check_stream_ends_at(bad, "bad_magic");
    }

    void test_bad_version_ends_byte_stream()
    {
        bytes bad = data_heap(2, THREE_PACKET_HEAP)[0];
        bad[1] = 3;
        check_stream_ends_at(bad, "bad_version");
    }

    void test_bad_widths_ends_byte_stream()
    {
        bytes bad = data_heap(2, THREE_PACKET_HEAP)[0];
        bad[2] = 4; // 4 + 5 bytes is not 64 bits
        check_stream_ends_at(bad, "bad_widths");
    }

    void test_missing_payload_length_ends_byte_stream()
    {
        const bytes bad = build_packet(
            BITS, { immediate_ptr(0x1, 9, BITS), immediate_ptr(0x3, 0, BITS) }, bytes(8));
        check_stream_ends_at(bad, "missing_payload_length");
    }

    void test_truncated_last_packet_ends_byte_stream()
    {
        // The buffer ends one byte short of heap 2's last packet.
        packet_list packets =
            data_heap(1, THREE_PACKET_HEAP) + data_heap(2, THREE_PACKET_HEAP);
        packets.back().pop_back();
        const run_result r = run_stream(
            packets, stream_config(), ring_stream_config().set_contiguous_only(false));

        CPPUNIT_ASSERT_EQUAL(std::size_t(2), r.heaps.size());
        check_data_heap(r.heaps[0], 1, THREE_PACKET_HEAP);
        CPPUNIT_ASSERT(!r.heaps[1].is_complete());
        CPPUNIT_ASSERT_EQUAL(std::size_t(96), r.heaps[1].get_received_length());
        check_stats(r.stats,
                    fed(5,
                        { { "heaps", 2 },
                          { "incomplete_heaps_flushed", 1 },
                          { "packets_rejected", 1 },
                          { "packets_rejected_length_mismatch", 1 } }));
    }

    void test_hostile_heap_length_rejected_without_allocation()
    {
        auto allocator = std::make_shared<recording_allocator>();
        const packet_list packets = packet_list{
            // HEAP_LENGTH 2^39 with 8 bytes of payload
            build_data_packet(BITS, 9, std::int64_t(1) << 39, 0, bytes(8)),
            // unsized, at offset 2^39: in in-order mode refused before its size matters
            build_data_packet(BITS, 10, -1, std::uint64_t(1) << 39, bytes(8))
        } + data_heap(1, THREE_PACKET_HEAP);
        {
            const run_result r =
                run_stream(packets, stream_config().set_memory_allocator(allocator));

            CPPUNIT_ASSERT_EQUAL(std::size_t(1), r.heaps.size());
            check_data_heap(r.heaps[0], 1, THREE_PACKET_HEAP);
            check_stats(r.stats,
                        fed(5,
                            { { "heaps", 1 },
                              { "packets_rejected", 2 },
                              { "packets_rejected_out_of_order", 1 },
                              { "packets_rejected_heap_too_large", 1 } }));
            // The only allocation is the good heap's, of exactly its HEAP_LENGTH.
            CPPUNIT_ASSERT(std::vector<std::size_t>{ THREE_PACKET_HEAP } ==
                           allocator->sizes());
        }
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), allocator->live());
    }

    void test_max_heap_size_respected()
    {
        auto allocator = std::make_shared<recording_allocator>();
        // 152 bytes exceed the limit of 100; 100 bytes are exactly the limit. Heap 1's
        // later packets find no heap, and a heap cannot begin past offset 0.
        const packet_list packets = data_heap(1, THREE_PACKET_HEAP) + data_heap(2, 100);
        CPPUNIT_ASSERT_EQUAL(std::size_t(6), packets.size());
        const run_result r = run_stream(
            packets,
            stream_config().set_max_heap_size(100).set_memory_allocator(allocator));

        CPPUNIT_ASSERT_EQUAL(std::size_t(1), r.heaps.size());
        check_data_heap(r.heaps[0], 2, 100);
        check_stats(r.stats,
                    fed(6,
                        { { "heaps", 1 },
                          { "packets_rejected", 3 },
                          { "packets_rejected_out_of_order", 2 },
                          { "packets_rejected_heap_too_large", 1 } }));
        CPPUNIT_ASSERT(std::vector<std::size_t>{ 100 } == allocator->sizes());
    }

    void test_allocation_failure_drops_heap()
    {
        // Memory for one heap only: heap 2's first packet finds none; its later packets
        // then have no heap to continue (in-order mode) and heap 3 finds no memory
        // either.
        auto allocator = std::make_shared<recording_allocator>(1);
        const packet_list packets = data_heap(1, THREE_PACKET_HEAP) +
                                    data_heap(2, THREE_PACKET_HEAP) +
                                    data_heap(3, ONE_PACKET_HEAP);
        const run_result r =
            run_stream(packets, stream_config().set_memory_allocator(allocator));

        CPPUNIT_ASSERT_EQUAL(std::size_t(1), r.heaps.size());
        check_data_heap(r.heaps[0], 1, THREE_PACKET_HEAP);
        check_stats(r.stats,
                    fed(7,
                        { { "heaps", 1 },
                          { "packets_rejected", 4 },
                          { "packets_rejected_out_of_order", 2 },
                          { "single_packet_heaps", 1 },
                          { "packets_rejected_allocation_failed", 2 },
                          { "heaps_dropped_allocation_failed", 2 } }));
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), allocator->refused());
    }

    void test_memory_pool_allocator_end_to_end()
    {
        log_recorder log; // the pool warns when it runs empty
        auto underlying = std::make_shared<recording_allocator>();
        // Buffers of 256 bytes for requests of 1..256; 2 made up front, 4 kept at most.
        auto pool = std::make_shared<memory_pool>(1, 256, 4, 2, underlying);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), underlying->sizes().size());

        packet_list packets;
        for (std::uint64_t cnt = 1; cnt <= 6; cnt++)
            packets = packets + data_heap(cnt, THREE_PACKET_HEAP);
        {
            const run_result r =
                run_stream(packets, stream_config().set_memory_allocator(pool));

            CPPUNIT_ASSERT_EQUAL(std::size_t(6), r.heaps.size());
            for (std::size_t i = 0; i < 6; i++)
                check_data_heap(r.heaps[i], i + 1, THREE_PACKET_HEAP);
            check_stats(r.stats, fed(18, { { "heaps", 6 } }));
            // All six heaps are held here at once: the two initial buffers and four
            // more, all of the pool's size.
            CPPUNIT_ASSERT(std::vector<std::size_t>(6, 256) == underlying->sizes());
            CPPUNIT_ASSERT_EQUAL(std::size_t(0), pool->free_count());
        }
        // Dropping the heaps returns their buffers: four are kept, two go back.
        CPPUNIT_ASSERT_EQUAL(std::size_t(4), pool->free_count());
        CPPUNIT_ASSERT_EQUAL(std::size_t(4), underlying->live());
    }

    void test_accounting_packets_equal_accepted_plus_rejected()
    {
        // Every packet either joins a heap or is rejected for exactly one reason; one
        // that does not decode is rejected but not counted as a packet.
        const packet_list a = data_heap(1, THREE_PACKET_HEAP);
        const packet_list b = data_heap(2, THREE_PACKET_HEAP);
        const packet_list c = data_heap(3, THREE_PACKET_HEAP);
        const packet_list d = data_heap(4, THREE_PACKET_HEAP);
        const packet_list d48 = data_heap(4, THREE_PACKET_HEAP, options(true, 48));
        const auto c_bytes = pattern(3, THREE_PACKET_HEAP);
        const bytes c_wrong_length = build_data_packet(
            BITS, 3, 200, 40, bytes(c_bytes.begin() + 40, c_bytes.begin() + 96));

        std::uint64_t accepted = 0;
        packet_list packets;
        packets = packets + pick(a, { 0, 0, 1, 2 }); // repeat: out of order
        accepted += 3;
        packets = packets + pick(b, { 1, 0, 1, 2 }); // does not start at 0: out of order
        accepted += 3;
        packets.push_back(
            build_data_packet(BITS, 20, std::int64_t(1) << 39, 0, bytes(8)));
        packets =
            packets + pick(c, { 0 }) + packet_list{ c_wrong_length } + pick(c, { 1, 2 });
        accepted += 3;
        packets = packets + pick(d, { 0 }) + pick(d48, { 1 }) + pick(d, { 1, 2 });
        accepted += 3;
        // Last: a packet that does not decode ends the buffer, and is no packet.
        packets.push_back(missing_heap_cnt_packet());
        const std::uint64_t rejected = 5;
        CPPUNIT_ASSERT_EQUAL(std::size_t(accepted + rejected + 1), packets.size());

        log_recorder log;
        const run_result r = run_stream(packets);

        CPPUNIT_ASSERT_EQUAL(std::size_t(4), r.heaps.size());
        for (std::size_t i = 0; i < 4; i++)
            check_data_heap(r.heaps[i], i + 1, THREE_PACKET_HEAP);
        check_stats(r.stats,
                    fed(accepted + rejected,
                        { { "heaps", 4 },
                          { "packets_rejected", rejected + 1 },
                          { "packets_rejected_out_of_order", 2 },
                          { "packets_rejected_heap_too_large", 1 },
                          { "packets_rejected_heap_length_mismatch", 1 },
                          { "packets_rejected_flavour_mismatch", 1 },
                          { "packets_rejected_missing_heap_cnt", 1 } }));
        CPPUNIT_ASSERT_EQUAL(r.stats["packets"] + 1,
                             accepted + r.stats["packets_rejected"]);
        // packets_rejected is the sum of the per-reason counters.
        std::uint64_t by_reason = 0;
        for (const auto& item : r.stats.items())
            if (item.first.rfind("packets_rejected_", 0) == 0)
                by_reason += item.second;
        CPPUNIT_ASSERT_EQUAL(r.stats["packets_rejected"], by_reason);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(qa_stream_malformed);
