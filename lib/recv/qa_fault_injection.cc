/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// Fault injection, the faults the other suites do not already cover (see
// docs/reliability.md for the whole list): truncated datagrams, zero-length payloads, a
// stop item in the middle of a heap, item offsets beyond HEAP_LENGTH, hostile sizes in
// out-of-order mode, and a UDP sender mixing every kind of damage. In each the stream
// keeps running, the good heaps all arrive, and the statistics account for every packet
// (packets = packets used + packets_rejected, rejects counted by reason).

#include "../protocol/qa_packet_builder.h"
#include "qa_log_recorder.h"
#include "qa_stream_support.h"
#include "qa_udp_support.h"
#include "qa_wait.h"
#include <gnuradio/spead/protocol/item_ids.h>
#include <gnuradio/spead/recv/inproc_reader.h>
#include <gnuradio/spead/recv/udp_reader.h>
#include <cppunit/extensions/HelperMacros.h>
#include <memory>

using namespace gr::spead::protocol;
using namespace gr::spead::recv;
using namespace gr::spead::qa;

namespace {

udp::endpoint loopback_v4()
{
    return udp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0);
}

constexpr int BITS = 40;

/// \p packet cut to its first \p length bytes.
bytes truncated(const bytes& packet, std::size_t length)
{
    return bytes(packet.begin(), packet.begin() + length);
}

/// Feeds \p packets through an in-process queue (one datagram each), all queued before
/// the reader starts so that batching is deterministic, and drains the stream.
run_result run_inproc(const packet_list& packets,
                      const stream_config& config = stream_config(),
                      ring_stream_config ring = ring_stream_config())
{
    auto queue = std::make_shared<inproc_queue>();
    for (const auto& p : packets)
        queue->add_packet(p);
    queue->stop();
    thread_pool pool(1);
    ring_stream s(pool, config, ring.set_heaps(1024));
    s.emplace_reader<inproc_reader>(queue);
    run_result r;
    r.heaps = drain(s);
    r.stats = s.get_all_stats();
    return r;
}

/// The heap data_heap(cnt, size) would give, but with a STREAM_CTRL pointer added to
/// packet \p index (its other packets as they are).
bytes with_stream_ctrl(const bytes& packet, std::uint64_t ctrl)
{
    // Insert one pointer after the header: bump the count, splice in the pointer.
    bytes out(packet.begin(), packet.begin() + 8);
    const std::size_t n = (std::size_t(out[6]) << 8 | out[7]) + 1;
    out[6] = std::uint8_t(n >> 8);
    out[7] = std::uint8_t(n);
    append_be64(out, immediate_ptr(STREAM_CTRL_ID, ctrl, BITS));
    out.insert(out.end(), packet.begin() + 8, packet.end());
    return out;
}

} // namespace

class qa_fault_injection : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(qa_fault_injection);
    CPPUNIT_TEST(test_truncated_datagrams_counted_by_reason);
    CPPUNIT_TEST(test_zero_length_payloads_accepted);
    CPPUNIT_TEST(test_stop_item_in_the_middle_of_a_heap);
    CPPUNIT_TEST(test_item_offset_beyond_heap_length);
    CPPUNIT_TEST(test_hostile_sizes_out_of_order_mode);
    CPPUNIT_TEST(test_udp_sender_with_every_fault);
    CPPUNIT_TEST_SUITE_END();

public:
    void test_truncated_datagrams_counted_by_reason()
    {
        // A datagram cut short (a faulty NIC, a sender bug) is rejected by how far it
        // got: inside the header (too_short), inside the item pointers
        // (too_many_item_pointers), inside the payload (length_mismatch). Each is one
        // datagram, so the next one is unaffected.
        const packet_list a = data_heap(1, THREE_PACKET_HEAP);
        const packet_list b = data_heap(2, THREE_PACKET_HEAP);
        const packet_list c = data_heap(3, THREE_PACKET_HEAP);
        // b[0] has 6 pointers (48 bytes after the header) and 40 payload bytes.
        const packet_list packets =
            a +
            packet_list{ truncated(b[0], 5), truncated(b[0], 20), truncated(b[0], 80) } +
            pick(b, { 0 }) + packet_list{ truncated(b[1], 60) } + pick(b, { 2 }) + c;
        log_recorder log;
        const run_result r = run_inproc(packets);

        // Heap 2 lost its middle packet: its last one does not continue where the heap
        // ended (in-order mode), and the heap, incomplete at the end, is dropped. The
        // four cut datagrams do not decode, so they are not counted as packets.
        CPPUNIT_ASSERT((std::vector<std::uint64_t>{ 1, 3 }) == cnts(r.heaps));
        check_data_heap(r.heaps[0], 1, THREE_PACKET_HEAP);
        check_data_heap(r.heaps[1], 3, THREE_PACKET_HEAP);
        check_stats(r.stats,
                    fed(8,
                        { { "heaps", 3 },
                          { "incomplete_heaps_flushed", 1 },
                          { "heaps_dropped_incomplete", 1 },
                          { "packets_rejected", 5 },
                          { "packets_rejected_too_short", 1 },
                          { "packets_rejected_too_many_item_pointers", 1 },
                          { "packets_rejected_length_mismatch", 2 },
                          { "packets_rejected_out_of_order", 1 } }));
    }

    void test_zero_length_payloads_accepted()
    {
        // Packets without payload are legal: one that continues a heap where its data
        // ended adds nothing, and a heap whose HEAP_LENGTH is 0 is complete at its
        // first packet (it carries only immediate items).
        const auto data = pattern(1, THREE_PACKET_HEAP);
        const packet_list a = data_heap(1, THREE_PACKET_HEAP);
        const packet_list packets = packet_list{
            a[0],
            build_data_packet(BITS, 1, THREE_PACKET_HEAP, 40, bytes()),
            a[1],
            build_data_packet(BITS, 1, THREE_PACKET_HEAP, 96, bytes()),
            a[2],
            build_data_packet(BITS, 2, 0, 0, bytes(), { immediate_ptr(TAG_ID, 77, BITS) })
        };
        const run_result r = run_inproc(packets);

        CPPUNIT_ASSERT((std::vector<std::uint64_t>{ 1, 2 }) == cnts(r.heaps));
        check_data_heap(r.heaps[0], 1, THREE_PACKET_HEAP);
        const heap& empty = r.heaps[1];
        CPPUNIT_ASSERT(empty.is_complete());
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), empty.payload_size());
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), empty.get_heap_length());
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), empty.get_items().size());
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(77), find_item(empty, TAG_ID).value);
        check_stats(r.stats, fed(6, { { "heaps", 2 }, { "single_packet_heaps", 1 } }));
    }

    void test_stop_item_in_the_middle_of_a_heap()
    {
        // The stop item rides on the second packet of heap 2 while heap 1 is still
        // being assembled: the stream stops there. Heap 2, the stop heap, is incomplete,
        // so it is flushed like heap 1 (as spead2 does), after it (ring order); nothing
        // after the stop is read.
        const packet_list a = data_heap(1, THREE_PACKET_HEAP);
        const packet_list b = data_heap(2, THREE_PACKET_HEAP);
        const packet_list packets =
            packet_list{ a[0], b[0], with_stream_ctrl(b[1], CTRL_STREAM_STOP),
                         a[1], a[2], b[2] };
        const run_result r = run_stream(packets,
                                        stream_config(),
                                        ring_stream_config()
                                            .set_contiguous_only(false)
                                            .set_incomplete_keep_payload_ranges(true));

        CPPUNIT_ASSERT((std::vector<std::uint64_t>{ 1, 2 }) == cnts(r.heaps));
        const heap& h = r.heaps[0];
        CPPUNIT_ASSERT(!h.is_complete());
        CPPUNIT_ASSERT_EQUAL(std::size_t(40), h.get_received_length());
        CPPUNIT_ASSERT(!r.heaps[1].is_complete());
        CPPUNIT_ASSERT(r.heaps[1].is_end_of_stream());
        CPPUNIT_ASSERT_EQUAL(std::size_t(96), r.heaps[1].get_received_length());
        CPPUNIT_ASSERT((std::vector<std::pair<std::size_t, std::size_t>>{ { 0, 40 } }) ==
                       h.get_payload_ranges());
        CPPUNIT_ASSERT(pattern(1, 40) == payload_bytes(h, 0, 40));
        // mem_reader stops at the packet that stopped the stream: 3 packets read.
        check_stats(r.stats,
                    fed(3, { { "heaps", 2 }, { "incomplete_heaps_flushed", 2 } }));
    }

    void test_item_offset_beyond_heap_length()
    {
        // An addressed item placed past HEAP_LENGTH cannot be honoured: as in spead2 the
        // packet is accepted, but its heap never completes (flushed at the end, then
        // dropped by a ring that keeps complete heaps only). An item at exactly
        // HEAP_LENGTH is a zero-length item: legal, and skipped.
        const bytes payload = pattern(1, ONE_PACKET_HEAP);
        const packet_list packets = {
            build_data_packet(BITS,
                              1,
                              ONE_PACKET_HEAP,
                              0,
                              payload,
                              { addressed_ptr(DATA_ID, 0, BITS),
                                addressed_ptr(0x1005, ONE_PACKET_HEAP + 1, BITS) }),
            build_data_packet(BITS,
                              2,
                              ONE_PACKET_HEAP,
                              0,
                              payload,
                              { addressed_ptr(DATA_ID, 0, BITS),
                                addressed_ptr(0x1005, ONE_PACKET_HEAP, BITS) }),
        };
        const run_result r = run_inproc(packets);

        CPPUNIT_ASSERT_EQUAL(std::size_t(1), r.heaps.size());
        const heap& h = r.heaps[0];
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(2), h.get_cnt());
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), h.get_items().size());
        const heap_item item = find_item(h, DATA_ID);
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), item.offset);
        CPPUNIT_ASSERT_EQUAL(ONE_PACKET_HEAP, item.length);
        check_stats(r.stats,
                    fed(2,
                        { { "heaps", 2 },
                          { "incomplete_heaps_flushed", 1 },
                          { "single_packet_heaps", 2 },
                          { "heaps_dropped_incomplete", 1 } }));
    }

    void test_hostile_sizes_out_of_order_mode()
    {
        // Out-of-order mode keeps a map of received ranges: the largest HEAP_LENGTH and
        // offsets a SPEAD-64-48 packet can state must be refused before any of it is
        // sized or allocated, and a heap in progress is not disturbed.
        const int bits48 = 48;
        const std::uint64_t top = (std::uint64_t(1) << bits48) - 1;
        auto allocator = std::make_shared<recording_allocator>();
        const packet_list good = data_heap(1, THREE_PACKET_HEAP, options(true, bits48));
        const packet_list packets = packet_list{
            good[2],
            build_data_packet(bits48, 7, std::int64_t(top), top - 8, bytes(8)),
            build_data_packet(bits48, 8, -1, top - 8, bytes(8)),
            build_data_packet(bits48, 9, -1, std::uint64_t(1) << 40, bytes()),
            good[0],
            good[1],
        };
        {
            const run_result r = run_inproc(
                packets,
                stream_config().set_allow_out_of_order(true).set_memory_allocator(
                    allocator));

            CPPUNIT_ASSERT_EQUAL(std::size_t(1), r.heaps.size());
            check_data_heap(r.heaps[0], 1, THREE_PACKET_HEAP);
            check_stats(r.stats,
                        fed(6,
                            { { "heaps", 1 },
                              { "packets_rejected", 3 },
                              { "packets_rejected_heap_too_large", 3 } }));
            CPPUNIT_ASSERT(std::vector<std::size_t>{ THREE_PACKET_HEAP } ==
                           allocator->sizes());
        }
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), allocator->live());
    }

    void test_udp_sender_with_every_fault()
    {
        // One UDP stream with loss, reordering, duplication, truncation, garbage
        // (an empty datagram, a few bytes, bad magic, bad version), an oversize
        // datagram and a hostile HEAP_LENGTH, in out-of-order mode with incomplete
        // heaps delivered. Groups are sent one at a time, each after the previous one
        // has been counted, so that the kernel never has reason to drop a datagram.
        watchdog guard("test_udp_sender_with_every_fault", std::chrono::seconds(60));
        log_recorder log;
        thread_pool pool(1);
        ring_stream s(pool,
                      stream_config().set_allow_out_of_order(true),
                      ring_stream_config().set_heaps(64).set_contiguous_only(false));
        auto& r = s.emplace_reader<udp_reader>(loopback_v4(), 200, 0);
        const udp::endpoint to = r.get_local_endpoint();
        udp_sender sender(false);

        const packet_list a = data_heap(1, THREE_PACKET_HEAP);
        const packet_list b = data_heap(2, THREE_PACKET_HEAP);
        const packet_list c = data_heap(3, THREE_PACKET_HEAP);
        bytes bad_version = a[0];
        bad_version[1] = 3;
        const std::vector<packet_list> groups = {
            pick(a, { 0, 1, 1, 0, 2 }), // duplicates
            pick(b, { 2, 0, 1 }),       // reordered
            { bytes(), bytes{ 0x53, 0x04, 0x03 }, bytes(64, 0xee), bad_version },
            { truncated(c[0], 80), bytes(300, 0x53) }, // truncated, oversize
            { build_data_packet(BITS, 9, std::int64_t(1) << 39, 0, bytes(8)) },
            pick(c, { 0, 2 }), // c[1] lost
            encode_stop_heap(4, options()),
        };
        // Datagrams seen: those that decoded (packets) and those that did not (counted
        // only by reason).
        auto seen = [&s] {
            const stream_stats st = s.get_all_stats();
            return st["packets"] + st["packets_rejected_too_short"] +
                   st["packets_rejected_bad_magic"] + st["packets_rejected_bad_version"] +
                   st["packets_rejected_length_mismatch"] +
                   st["packets_rejected_oversize"];
        };
        std::uint64_t sent = 0;
        for (const auto& group : groups) {
            sender.send_all(group, to);
            sent += group.size();
            if (&group != &groups.back()) // the stop heap ends the stream
                CPPUNIT_ASSERT(wait_until([&] { return seen() == sent; }));
        }
        const std::vector<heap> heaps = drain(s);

        CPPUNIT_ASSERT((std::vector<std::uint64_t>{ 1, 2, 3 }) == cnts(heaps));
        check_data_heap(heaps[0], 1, THREE_PACKET_HEAP);
        check_data_heap(heaps[1], 2, THREE_PACKET_HEAP);
        const heap& lossy = heaps[2];
        CPPUNIT_ASSERT(!lossy.is_complete());
        CPPUNIT_ASSERT_EQUAL(std::size_t(40 + 56), lossy.get_received_length());
        CPPUNIT_ASSERT(pattern(3, 40) == payload_bytes(lossy, 0, 40));
        // 18 datagrams: 5 + 3 + 4 + 2 + 1 + 2 + 1; rejected: 2 duplicates, 4 garbage,
        // 1 truncated, 1 oversize, 1 too large; used: 3 + 3 + 2 + the stop packet. The
        // 6 that do not decode are not packets; the stop heap is a single-packet heap.
        check_stats_any_batching(s.get_all_stats(),
                                 { { "packets", 12 },
                                   { "heaps", 3 },
                                   { "single_packet_heaps", 1 },
                                   { "incomplete_heaps_flushed", 1 },
                                   { "packets_rejected", 9 },
                                   { "packets_rejected_duplicate", 2 },
                                   { "packets_rejected_too_short", 2 },
                                   { "packets_rejected_bad_magic", 1 },
                                   { "packets_rejected_bad_version", 1 },
                                   { "packets_rejected_length_mismatch", 1 },
                                   { "packets_rejected_oversize", 1 },
                                   { "packets_rejected_heap_too_large", 1 } },
                                 1,
                                 5);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(18), sent);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(qa_fault_injection);
