/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// The TCP reader's framing: packets delimit themselves, so however the byte stream is
// cut into segments the same heaps must come out; a broken header ends the stream, an
// oversize packet is counted and stepped over, and a connection that closes inside a
// packet ends the stream with what was complete. Packets come from the protocol
// encoder; the expected sizes follow from the geometry in qa_stream_support.h.

#include "qa_log_recorder.h"
#include "qa_tcp_support.h"
#include <cppunit/extensions/HelperMacros.h>
#include <chrono>
#include <string>
#include <thread>

using namespace gr::spead::protocol;
using namespace gr::spead::recv;
using namespace gr::spead::qa;

namespace {

constexpr std::chrono::seconds TEST_LIMIT{ 120 };

/// Heap 1 in three 96-byte packets, heap 2 in one 72-byte packet (8 + 6 * 8 + 16).
packet_list two_heaps()
{
    return data_heap(1, THREE_PACKET_HEAP) + data_heap(2, ONE_PACKET_HEAP);
}

/// The two heaps of two_heaps() in order, whole.
void check_two_heaps(const std::vector<heap>& heaps)
{
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), heaps.size());
    check_data_heap(heaps[0], 1, THREE_PACKET_HEAP);
    check_data_heap(heaps[1], 2, ONE_PACKET_HEAP);
}

/// Offsets in the byte stream at which each of \p packets ends.
std::vector<std::size_t> packet_ends(const packet_list& packets)
{
    std::vector<std::size_t> ends;
    std::size_t end = 0;
    for (const auto& p : packets)
        ends.push_back(end += p.size());
    return ends;
}

std::uint64_t stat(const ring_stream& s, const std::string& name)
{
    return s.get_all_stats()[name];
}

} // namespace

class qa_tcp_reader : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(qa_tcp_reader);
    CPPUNIT_TEST(test_split_at_every_offset);
    CPPUNIT_TEST(test_one_byte_writes);
    CPPUNIT_TEST(test_bad_header_skips_8_bytes);
    CPPUNIT_TEST(test_garbage_between_packets);
    CPPUNIT_TEST(test_malformed_but_delimited_packet_skipped);
    CPPUNIT_TEST(test_packet_of_max_size_accepted);
    CPPUNIT_TEST(test_oversize_packet_skipped);
    CPPUNIT_TEST(test_pointers_beyond_buffer_discarded);
    CPPUNIT_TEST(test_closed_mid_packet_keeps_incomplete);
    CPPUNIT_TEST(test_closed_mid_packet_drops_incomplete);
    CPPUNIT_TEST_SUITE_END();

public:
    void test_split_at_every_offset()
    {
        watchdog guard("test_split_at_every_offset", TEST_LIMIT);
        const packet_list packets = two_heaps() + encode_stop_heap(3, options());
        const std::vector<std::size_t> ends = packet_ends(packets);
        const byte_vector bytes = wire(packets);
        thread_pool pool(1);
        for (std::size_t split = 1; split < bytes.size(); split++) {
            tcp_stream_under_test t(pool);
            tcp_sender sender(t.endpoint());
            CPPUNIT_ASSERT(sender.send(bytes.data(), split));
            // Let the reader take in the first part on its own: the packets it completes
            // show in the statistics, and a pause covers a trailing partial packet.
            std::uint64_t whole = 0;
            while (ends[whole] <= split)
                whole++;
            CPPUNIT_ASSERT(
                wait_until([&] { return stat(t.stream, "packets") == whole; }));
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
            CPPUNIT_ASSERT(sender.send(bytes.data() + split, bytes.size() - split));

            const std::vector<heap> heaps = drain(t.stream);
            const std::string where = "split at byte " + std::to_string(split);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(where, std::size_t(2), heaps.size());
            check_two_heaps(heaps);
            const stream_stats stats = t.stream.get_all_stats();
            CPPUNIT_ASSERT_EQUAL_MESSAGE(where, std::uint64_t(5), stats["packets"]);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(
                where, std::uint64_t(0), stats["packets_rejected"]);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(where, std::uint64_t(2), stats["heaps"]);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(
                where, std::uint64_t(0), stats["incomplete_heaps_flushed"]);
            // The stop item ended the stream, and the reader closed the connection.
            CPPUNIT_ASSERT(sender.peer_closed());
        }
    }

    void test_one_byte_writes()
    {
        watchdog guard("test_one_byte_writes", TEST_LIMIT);
        log_recorder log;
        thread_pool pool(1);
        tcp_stream_under_test t(pool);
        tcp_sender sender(t.endpoint());
        CPPUNIT_ASSERT(sender.send_bytewise(wire(two_heaps())));
        sender.shutdown_send(); // the end of the connection ends the stream
        check_two_heaps(drain(t.stream));
        check_stats(t.stream.get_all_stats(),
                    { { "packets", 4 },
                      { "heaps", 2 },
                      { "single_packet_heaps", 1 },
                      { "batches", stat(t.stream, "batches") },
                      { "max_batch", stat(t.stream, "max_batch") } });
        CPPUNIT_ASSERT(stat(t.stream, "batches") >= 1);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1),
                             log.count(log_level::info, "connection closed"));
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), log.count(log_level::warning));
    }

    void test_bad_header_skips_8_bytes()
    {
        // As spead2: a header that does not decode loses 8 bytes, and the next packet is
        // looked for right after them. Heap 3's 72 bytes are 9 such steps (none of its
        // 8-byte words starts with a valid header), and heap 4 after it arrives.
        struct corruption {
            std::size_t byte;
            std::uint8_t value;
            const char* status;
        };
        const corruption cases[] = { { 0, 0x54, "bad_magic" },
                                     { 1, 0x03, "bad_version" },
                                     { 2, 0x04, "bad_widths" }, // 4 + 5 bytes != 8
                                     { 3, 0x00, "bad_widths" } };
        watchdog guard("test_bad_header_skips_8_bytes", TEST_LIMIT);
        thread_pool pool(1);
        for (const corruption& c : cases) {
            log_recorder log;
            packet_list bad = data_heap(3, ONE_PACKET_HEAP);
            bad[0][c.byte] = c.value;
            tcp_stream_under_test t(pool);
            tcp_sender sender(t.endpoint());
            CPPUNIT_ASSERT(
                sender.send(wire(two_heaps() + bad + data_heap(4, ONE_PACKET_HEAP))));
            sender.shutdown_send();
            const std::vector<heap> heaps = drain(t.stream);
            CPPUNIT_ASSERT((std::vector<std::uint64_t>{ 1, 2, 4 }) == cnts(heaps));
            check_data_heap(heaps[2], 4, ONE_PACKET_HEAP);
            // The first step is counted under the corruption, the other 8 as bad_magic;
            // none is a packet.
            const std::string status = c.status;
            expected_stats expected = { { "packets", 5 },
                                        { "packets_rejected", 9 },
                                        { "packets_rejected_bad_magic", 8 },
                                        { "heaps", 3 },
                                        { "single_packet_heaps", 2 },
                                        { "batches", stat(t.stream, "batches") },
                                        { "max_batch", stat(t.stream, "max_batch") } };
            expected["packets_rejected_" + status]++;
            check_stats(t.stream.get_all_stats(), expected);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(
                status,
                std::size_t(status == "bad_magic" ? 9 : 1),
                log.count(log_level::warning, "(" + status + ")"));
            CPPUNIT_ASSERT_EQUAL(std::size_t(9),
                                 log.count(log_level::warning, "skipping 8 bytes"));
            // The reader's position in the connection is named: heap 1 and 2 are 360 B.
            CPPUNIT_ASSERT_EQUAL(std::size_t(1),
                                 log.count(log_level::warning, "byte 360"));
        }
    }

    void test_garbage_between_packets()
    {
        // 16 bytes of garbage between packets are two 8-byte steps: heap 4 arrives. 5
        // bytes put every later header off the 8-byte steps (the packets are multiples
        // of 8 bytes long): the rest of the connection is lost, as in spead2.
        watchdog guard("test_garbage_between_packets", TEST_LIMIT);
        thread_pool pool(1);
        for (std::size_t garbage : { std::size_t(16), std::size_t(5) }) {
            tcp_stream_under_test t(pool);
            tcp_sender sender(t.endpoint());
            byte_vector bytes = wire(two_heaps());
            bytes.insert(bytes.end(), garbage, 0x00);
            const byte_vector last = wire(data_heap(4, ONE_PACKET_HEAP));
            bytes.insert(bytes.end(), last.begin(), last.end());
            CPPUNIT_ASSERT(sender.send_bytewise(bytes));
            sender.shutdown_send();
            const std::vector<heap> heaps = drain(t.stream);
            const bool aligned = garbage % 8 == 0;
            CPPUNIT_ASSERT_EQUAL(std::size_t(aligned ? 3 : 2), heaps.size());
            CPPUNIT_ASSERT_EQUAL(std::uint64_t(aligned ? 5 : 4),
                                 stat(t.stream, "packets"));
            // 16 bytes: 2 steps; 5 + 72 bytes: 9 steps and 5 bytes left at the close.
            CPPUNIT_ASSERT_EQUAL(std::uint64_t(aligned ? 2 : 9),
                                 stat(t.stream, "packets_rejected"));
        }
    }

    void test_malformed_but_delimited_packet_skipped()
    {
        // A packet without HEAP_CNT still states its length: it is counted (not as a
        // packet) and the stream goes on past it.
        watchdog guard("test_malformed_but_delimited_packet_skipped", TEST_LIMIT);
        log_recorder log;
        thread_pool pool(1);
        tcp_stream_under_test t(pool);
        tcp_sender sender(t.endpoint());
        byte_vector bytes = wire(data_heap(1, THREE_PACKET_HEAP));
        const byte_vector bad = packet_without_heap_cnt();
        bytes.insert(bytes.end(), bad.begin(), bad.end());
        const byte_vector last = wire(data_heap(2, ONE_PACKET_HEAP));
        bytes.insert(bytes.end(), last.begin(), last.end());
        CPPUNIT_ASSERT(sender.send_bytewise(bytes));
        sender.shutdown_send();
        check_two_heaps(drain(t.stream));
        check_stats(t.stream.get_all_stats(),
                    { { "packets", 4 },
                      { "packets_rejected", 1 },
                      { "packets_rejected_missing_heap_cnt", 1 },
                      { "heaps", 2 },
                      { "single_packet_heaps", 1 },
                      { "batches", stat(t.stream, "batches") },
                      { "max_batch", stat(t.stream, "max_batch") } });
        // Reported by the stream, which knows the reason.
        CPPUNIT_ASSERT_EQUAL(std::size_t(1),
                             log.count(log_level::warning, "missing_heap_cnt"));
    }

    void test_packet_of_max_size_accepted()
    {
        // 72-byte packets: max_size 72 takes them, 71 refuses every one.
        watchdog guard("test_packet_of_max_size_accepted", TEST_LIMIT);
        const packet_list packets =
            data_heap(1, ONE_PACKET_HEAP) + data_heap(2, ONE_PACKET_HEAP);
        CPPUNIT_ASSERT_EQUAL(std::size_t(72), packets[0].size());
        thread_pool pool(1);
        for (std::size_t max_size : { std::size_t(72), std::size_t(71) }) {
            log_recorder log;
            tcp_stream_under_test t(pool, max_size);
            tcp_sender sender(t.endpoint());
            CPPUNIT_ASSERT(sender.send(wire(packets)));
            sender.shutdown_send();
            const std::vector<heap> heaps = drain(t.stream);
            const bool fits = max_size == 72;
            CPPUNIT_ASSERT_EQUAL(std::size_t(fits ? 2 : 0), heaps.size());
            // An oversize packet is never decoded: not a packet.
            CPPUNIT_ASSERT_EQUAL(std::uint64_t(fits ? 2 : 0), stat(t.stream, "packets"));
            CPPUNIT_ASSERT_EQUAL(std::uint64_t(fits ? 0 : 2),
                                 stat(t.stream, "packets_rejected_oversize"));
            CPPUNIT_ASSERT_EQUAL(std::size_t(fits ? 0 : 2),
                                 log.count(log_level::warning, "max_size 71"));
        }
    }

    void test_oversize_packet_skipped()
    {
        // max_size 100: the 8 + 48 + 300 = 356-byte packet of heap 5 is larger than the
        // whole receive buffer (2 * max_size), so it is discarded over several reads.
        watchdog guard("test_oversize_packet_skipped", TEST_LIMIT);
        encoder_options big = options();
        big.max_packet_size = 512;
        const packet_list oversize = data_heap(5, 300, big);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), oversize.size());
        CPPUNIT_ASSERT_EQUAL(std::size_t(356), oversize[0].size());
        const byte_vector bytes = wire(data_heap(1, ONE_PACKET_HEAP) + oversize +
                                       data_heap(2, ONE_PACKET_HEAP));
        thread_pool pool(1);
        for (bool bytewise : { false, true }) {
            log_recorder log;
            tcp_stream_under_test t(pool, 100);
            tcp_sender sender(t.endpoint());
            CPPUNIT_ASSERT(bytewise ? sender.send_bytewise(bytes) : sender.send(bytes));
            sender.shutdown_send();
            const std::vector<heap> heaps = drain(t.stream);
            CPPUNIT_ASSERT_EQUAL(std::size_t(2), heaps.size());
            check_data_heap(heaps[0], 1, ONE_PACKET_HEAP);
            check_data_heap(heaps[1], 2, ONE_PACKET_HEAP);
            check_stats(t.stream.get_all_stats(),
                        { { "packets", 2 },
                          { "packets_rejected", 1 },
                          { "packets_rejected_oversize", 1 },
                          { "heaps", 2 },
                          { "single_packet_heaps", 2 },
                          { "batches", stat(t.stream, "batches") },
                          { "max_batch", stat(t.stream, "max_batch") } });
            CPPUNIT_ASSERT_EQUAL(std::size_t(1),
                                 log.count(log_level::warning, "356 bytes"));
        }
    }

    void test_pointers_beyond_buffer_discarded()
    {
        // max_size 100, a 200-byte buffer: 30 item pointers (248 bytes of header) can
        // never be buffered whole, so the full buffer is discarded (spead2 discards its
        // buffer too); the 64 bytes of zeros left are 8 steps, and heap 2 arrives.
        watchdog guard("test_pointers_beyond_buffer_discarded", TEST_LIMIT);
        log_recorder log;
        thread_pool pool(1);
        tcp_stream_under_test t(pool, 100);
        tcp_sender sender(t.endpoint());
        byte_vector bytes = wire(data_heap(1, ONE_PACKET_HEAP));
        const byte_vector header = { 0x53, 0x04, 0x03, 0x05, 0, 0, 0, 30 };
        bytes.insert(bytes.end(), header.begin(), header.end());
        bytes.insert(bytes.end(), 30 * 8 + 16, 0x00);
        const byte_vector last = wire(data_heap(2, ONE_PACKET_HEAP));
        bytes.insert(bytes.end(), last.begin(), last.end());
        CPPUNIT_ASSERT(sender.send(bytes));
        sender.shutdown_send();
        const std::vector<heap> heaps = drain(t.stream);
        CPPUNIT_ASSERT((std::vector<std::uint64_t>{ 1, 2 }) == cnts(heaps));
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(1),
                             stat(t.stream, "packets_rejected_oversize"));
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(8),
                             stat(t.stream, "packets_rejected_bad_magic"));
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(2), stat(t.stream, "packets"));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1),
                             log.count(log_level::warning, "discarding 200"));
    }

    /// Heap 1 whole, then packet 0 of heap 2 and 48 bytes of its packet 1; then close.
    static std::vector<heap> closed_mid_packet(const ring_stream_config& ring,
                                               stream_stats& stats,
                                               log_recorder& log)
    {
        const packet_list heap2 = data_heap(2, THREE_PACKET_HEAP);
        byte_vector bytes = wire(data_heap(1, THREE_PACKET_HEAP) + pick(heap2, { 0 }));
        bytes.insert(bytes.end(), heap2[1].begin(), heap2[1].begin() + 48);
        thread_pool pool(1);
        tcp_stream_under_test t(pool, DEFAULT_TCP_MAX_SIZE, ring);
        tcp_sender sender(t.endpoint());
        CPPUNIT_ASSERT(sender.send(bytes));
        sender.shutdown_send();
        std::vector<heap> heaps = drain(t.stream);
        stats = t.stream.get_all_stats();
        CPPUNIT_ASSERT_EQUAL(std::size_t(1),
                             log.count(log_level::warning, "48 bytes of it dropped"));
        return heaps;
    }

    void test_closed_mid_packet_keeps_incomplete()
    {
        watchdog guard("test_closed_mid_packet_keeps_incomplete", TEST_LIMIT);
        log_recorder log;
        stream_stats stats;
        const std::vector<heap> heaps = closed_mid_packet(
            ring_stream_config().set_heaps(64).set_contiguous_only(false), stats, log);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), heaps.size());
        check_data_heap(heaps[0], 1, THREE_PACKET_HEAP);
        // Heap 2 is flushed with the 40 payload bytes of its first packet.
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(2), heaps[1].get_cnt());
        CPPUNIT_ASSERT(!heaps[1].is_complete());
        CPPUNIT_ASSERT_EQUAL(std::size_t(40), heaps[1].get_received_length());
        CPPUNIT_ASSERT(pattern(2, 40) == payload_bytes(heaps[1], 0, 40));
        check_stats(stats,
                    { { "packets", 4 },
                      { "heaps", 2 },
                      { "incomplete_heaps_flushed", 1 },
                      { "batches", stats["batches"] },
                      { "max_batch", stats["max_batch"] } });
    }

    void test_closed_mid_packet_drops_incomplete()
    {
        watchdog guard("test_closed_mid_packet_drops_incomplete", TEST_LIMIT);
        log_recorder log;
        stream_stats stats;
        const std::vector<heap> heaps =
            closed_mid_packet(ring_stream_config().set_heaps(64), stats, log);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), heaps.size());
        check_data_heap(heaps[0], 1, THREE_PACKET_HEAP);
        check_stats(stats,
                    { { "packets", 4 },
                      { "heaps", 2 },
                      { "incomplete_heaps_flushed", 1 },
                      { "heaps_dropped_incomplete", 1 },
                      { "batches", stats["batches"] },
                      { "max_batch", stats["max_batch"] } });
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(qa_tcp_reader);
