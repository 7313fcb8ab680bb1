/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// The receive engine end to end against spead2's assembly rules: the window as a ring
// (every new heap takes the slot after the last new heap's), single-packet heaps, stop
// heaps, item pointers beyond HEAP_LENGTH, the buffer reader ending at the first packet
// that does not decode, and the nine core statistics (search_dist included).
//
// Every stream here is made of hand-made packets (qa_packet_builder.h) and every
// expectation (heaps in delivery order, complete or not, and the nine statistics) was
// checked against spead2 4.4.1: the same bytes through its add_buffer_reader, a
// RingStream with contiguous_only=False, then its stats.
//
// The packets of heap c ("heap3"): 152 bytes in three packets [0, 40), [40, 96),
// [96, 152), HEAP_LENGTH in each; the first also carries an immediate item 0x1001 and an
// addressed item 0x1000 at offset 0. A "single" heap is 16 bytes in one packet.

#include "../protocol/qa_packet_builder.h"
#include "qa_log_recorder.h"
#include "qa_stream_support.h"
#include <cppunit/extensions/HelperMacros.h>
#include <string>

using namespace gr::spead::protocol;
using namespace gr::spead::recv;
using namespace gr::spead::qa;

namespace {

constexpr int BITS = 40;
constexpr std::uint64_t STOP_POINTER_VALUE = 2; // STREAM_CTRL = stop

std::vector<std::uint64_t> first_packet_items(std::uint64_t cnt, bool stop)
{
    std::vector<std::uint64_t> items = { immediate_ptr(TAG_ID, TAG_BASE + cnt, BITS),
                                         addressed_ptr(DATA_ID, 0, BITS) };
    if (stop)
        items.push_back(immediate_ptr(0x6, STOP_POINTER_VALUE, BITS));
    return items;
}

bytes slice(const bytes& b, std::size_t from, std::size_t to)
{
    return bytes(b.begin() + from, b.begin() + to);
}

/// The three packets of heap \p cnt (see the top of the file).
packet_list heap3(std::uint64_t cnt, bool stop = false)
{
    const bytes d = pattern(cnt, THREE_PACKET_HEAP);
    return { build_data_packet(
                 BITS, cnt, 152, 0, slice(d, 0, 40), first_packet_items(cnt, stop)),
             build_data_packet(BITS, cnt, 152, 40, slice(d, 40, 96)),
             build_data_packet(BITS, cnt, 152, 96, slice(d, 96, 152)) };
}

/// Heap \p cnt whole in one 16-byte packet.
bytes single(std::uint64_t cnt, bool stop = false)
{
    return build_data_packet(
        BITS, cnt, 16, 0, pattern(cnt, 16), first_packet_items(cnt, stop));
}

/// Packet \p i of heap3(cnt).
bytes p(std::uint64_t cnt, std::size_t i) { return heap3(cnt).at(i); }

/// "<cnt>C" for a complete heap, "<cnt>I <received>/<heap length>" for an incomplete one.
std::vector<std::string> describe(const std::vector<heap>& heaps)
{
    std::vector<std::string> out;
    for (const auto& h : heaps) {
        std::string d = std::to_string(h.get_cnt());
        if (h.is_complete())
            d += "C";
        else
            d += "I " + std::to_string(h.get_received_length()) + "/" +
                 std::to_string(h.get_heap_length());
        out.push_back(d);
    }
    return out;
}

std::string join(const std::vector<std::string>& v)
{
    std::string out;
    for (const auto& s : v)
        out += (out.empty() ? "" : ", ") + s;
    return out;
}

/// spead2's nine statistics, in its order (worker_blocked is 0: the ring never fills).
struct core {
    std::uint64_t heaps, evicted, flushed, packets, batches, max_batch, single,
        search_dist;
};

void check(const run_result& r, const std::vector<std::string>& heaps, const core& c)
{
    CPPUNIT_ASSERT_EQUAL(join(heaps), join(describe(r.heaps)));
    const std::vector<std::pair<std::string, std::uint64_t>> want = {
        { "heaps", c.heaps },
        { "incomplete_heaps_evicted", c.evicted },
        { "incomplete_heaps_flushed", c.flushed },
        { "packets", c.packets },
        { "batches", c.batches },
        { "max_batch", c.max_batch },
        { "single_packet_heaps", c.single },
        { "search_dist", c.search_dist },
        { "worker_blocked", 0 },
    };
    std::string got, expected;
    for (const auto& w : want) {
        got += " " + w.first + "=" + std::to_string(r.stats[w.first]);
        expected += " " + w.first + "=" + std::to_string(w.second);
    }
    CPPUNIT_ASSERT_EQUAL(expected, got);
}

run_result run(const packet_list& packets,
               std::size_t max_heaps,
               std::size_t substreams = 1,
               bool out_of_order = false)
{
    return run_stream(packets,
                      stream_config()
                          .set_max_heaps(max_heaps)
                          .set_substreams(substreams)
                          .set_allow_out_of_order(out_of_order),
                      ring_stream_config().set_contiguous_only(false));
}

/// Counters that share spead2's hash bucket in a table of 32 (max_heaps 8).
const std::vector<std::uint64_t> COLLIDING = { 1, 22, 56, 90, 111, 145 };

/// First packets of COLLIDING in order, second packets in reverse, third in order.
packet_list colliding_heaps()
{
    packet_list out;
    for (auto c : COLLIDING)
        out.push_back(p(c, 0));
    for (auto it = COLLIDING.rbegin(); it != COLLIDING.rend(); ++it)
        out.push_back(p(*it, 1));
    for (auto c : COLLIDING)
        out.push_back(p(c, 2));
    return out;
}

} // namespace

class qa_stream_ring_window : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(qa_stream_ring_window);
    CPPUNIT_TEST(test_new_heap_evicts_next_slot_even_with_free_slots);
    CPPUNIT_TEST(test_single_packet_heaps_move_the_head);
    CPPUNIT_TEST(test_duplicate_single_packet_heap_delivered_twice);
    CPPUNIT_TEST(test_interleaving_beyond_max_heaps_with_loss);
    CPPUNIT_TEST(test_out_of_order_interleaving_and_duplicates);
    CPPUNIT_TEST(test_zero_length_payloads_out_of_order);
    CPPUNIT_TEST(test_split_stop_heap_flushed_in_ring_order);
    CPPUNIT_TEST(test_complete_stop_heap_not_counted);
    CPPUNIT_TEST(test_multi_packet_stop_heap_stops_at_first_packet);
    CPPUNIT_TEST(test_unsized_stop_heap_flushed_whole);
    CPPUNIT_TEST(test_pointer_beyond_heap_length);
    CPPUNIT_TEST(test_buffer_ends_at_undecodable_packet);
    CPPUNIT_TEST(test_buffer_ends_at_bad_magic);
    CPPUNIT_TEST(test_unsized_refused_counts_packets_and_logs);
    CPPUNIT_TEST(test_search_dist_hash_chains);
    CPPUNIT_TEST(test_search_dist_substreams);
    CPPUNIT_TEST_SUITE_END();

public:
    void test_new_heap_evicts_next_slot_even_with_free_slots()
    {
        // Heap 2 completes and frees its slot; heap 3 still takes the slot after the
        // head, heap 1's, and evicts it.
        const auto r = run(packet_list{ p(1, 0) } + heap3(2) + heap3(3), 2);
        check(r, { "2C", "1I 40/152", "3C" }, { 3, 1, 0, 7, 1, 7, 0, 7 });
    }

    void test_single_packet_heaps_move_the_head()
    {
        // Heaps 5 and 6 are single packets: each takes a slot, 6 evicts heap 1; heap 1's
        // later packets then find no heap and cannot begin one (in-order mode).
        const auto r = run({ p(1, 0), single(5), single(6), p(1, 1), p(1, 2) }, 2);
        check(r, { "5C", "1I 40/152", "6C" }, { 3, 1, 0, 5, 1, 5, 2, 3 });
    }

    void test_duplicate_single_packet_heap_delivered_twice()
    {
        // A whole heap in one packet never matches a live heap: its repeat is a new
        // heap. A repeated packet of a multi-packet heap is refused.
        const auto r =
            run({ single(7), single(7), p(8, 0), p(8, 0), p(8, 1), p(8, 2), p(8, 2) }, 4);
        check(r, { "7C", "7C", "8C" }, { 3, 0, 0, 7, 1, 7, 2, 5 });
    }

    void test_interleaving_beyond_max_heaps_with_loss()
    {
        // Heaps 1-5 interleaved packet by packet through 3 slots, heap 2's second packet
        // lost.
        packet_list in;
        for (std::size_t i = 0; i < 3; i++)
            for (std::uint64_t c = 1; c <= 5; c++)
                if (!(c == 2 && i == 1))
                    in.push_back(p(c, i));
        const auto r = run(in, 3);
        check(r,
              { "1I 40/152", "2I 40/152", "3C", "4C", "5C" },
              { 5, 2, 0, 14, 1, 14, 0, 14 });
    }

    void test_out_of_order_interleaving_and_duplicates()
    {
        const auto r = run({ p(1, 2),
                             p(1, 0),
                             p(2, 1),
                             p(1, 0),
                             p(3, 0),
                             p(1, 1),
                             p(2, 0),
                             p(4, 2),
                             p(2, 2),
                             p(3, 1) },
                           2,
                           1,
                           true);
        check(r,
              { "1I 96/152",
                "2I 56/152",
                "3I 40/152",
                "1I 56/152",
                "2I 96/152",
                "4I 56/152",
                "3I 56/152" },
              { 7, 5, 2, 10, 1, 10, 0, 10 });
    }

    void test_zero_length_payloads_out_of_order()
    {
        // An empty payload inside received bytes is a duplicate; one in a gap leaves an
        // empty range there, which the packet that later covers the gap overlaps.
        const bytes d = pattern(10, THREE_PACKET_HEAP);
        const auto r =
            run({ build_data_packet(
                      BITS, 10, 152, 0, slice(d, 0, 40), first_packet_items(10, false)),
                  build_data_packet(BITS, 10, 152, 20, {}),
                  build_data_packet(BITS, 10, 152, 60, {}),
                  build_data_packet(BITS, 10, 152, 40, slice(d, 40, 96)),
                  build_data_packet(BITS, 10, 152, 96, slice(d, 96, 152)) },
                4,
                1,
                true);
        check(r, { "10I 96/152" }, { 1, 0, 1, 5, 1, 5, 0, 5 });
    }

    void test_split_stop_heap_flushed_in_ring_order()
    {
        // The stop item arrives in heap 9's first packet: the stream stops there, the
        // stop heap is flushed like any heap, after heaps 1 and 2 (ring order).
        const packet_list stop = heap3(9, true);
        const auto r =
            run(packet_list{ p(1, 0), p(1, 1), p(2, 0), stop[0], stop[1] } + heap3(3), 4);
        check(r, { "1I 96/152", "2I 40/152", "9I 40/152" }, { 3, 0, 3, 4, 1, 4, 0, 4 });
    }

    void test_complete_stop_heap_not_counted()
    {
        const auto r = run(packet_list{ p(1, 0), single(9, true) } + heap3(2), 4);
        check(r, { "1I 40/152" }, { 1, 0, 1, 2, 1, 2, 1, 1 });
    }

    void test_unsized_stop_heap_flushed_whole()
    {
        // An unsized heap carrying the stop item is not complete when it arrives (its
        // length is unknown), so it is flushed; covering its whole extent, it comes out
        // whole, end of stream set (checked against spead2 4.4.1: a Heap, cnt 2,
        // is_end_of_stream True, flushed 1).
        const bytes unsized_stop = build_data_packet(
            BITS, 2, -1, 0, pattern(2, 16), first_packet_items(2, true));
        const auto r = run_stream(packet_list{ single(1), unsized_stop },
                                  stream_config(),
                                  ring_stream_config().set_contiguous_only(false));
        check(r, { "1C", "2C" }, { 2, 0, 1, 2, 1, 2, 1, 1 });
        CPPUNIT_ASSERT(r.heaps.at(1).is_end_of_stream());
    }

    void test_multi_packet_stop_heap_stops_at_first_packet()
    {
        const auto r = run(heap3(9, true) + heap3(2), 4);
        check(r, { "9I 40/152" }, { 1, 0, 1, 1, 1, 1, 0, 1 });
    }

    void test_pointer_beyond_heap_length()
    {
        // Heap 4: one 16-byte packet with an item at offset 20. It counts as a single
        // packet heap, is accepted, and stays incomplete until flushed. Heap 5: its first
        // packet points at 200, so its later packets (HEAP_LENGTH 152 < 200) are
        // refused.
        std::vector<std::uint64_t> items4 = first_packet_items(4, false);
        items4.push_back(addressed_ptr(0x1002, 20, BITS));
        std::vector<std::uint64_t> items5 = first_packet_items(5, false);
        items5.push_back(addressed_ptr(0x1002, 200, BITS));
        const bytes d5 = pattern(5, THREE_PACKET_HEAP);
        const auto r =
            run(packet_list{ build_data_packet(BITS, 4, 16, 0, pattern(4, 16), items4),
                             build_data_packet(BITS, 5, 152, 0, slice(d5, 0, 40), items5),
                             p(5, 1),
                             p(5, 2) } +
                    heap3(6),
                4);
        check(r, { "6C", "4I 16/16", "5I 40/152" }, { 3, 0, 2, 7, 1, 7, 1, 6 });
        // Nothing of an incomplete heap reaches beyond its memory.
        for (const auto& h : r.heaps)
            for (const auto& item : h.get_items())
                CPPUNIT_ASSERT(item.immediate ||
                               item.offset + item.length <= h.payload_size());
    }

    void test_buffer_ends_at_undecodable_packet()
    {
        // No HEAP_CNT, though its PAYLOAD_LENGTH is valid: the buffer ends there.
        const bytes no_cnt = build_packet(BITS,
                                          { immediate_ptr(0x2, 152, BITS),
                                            immediate_ptr(0x3, 0, BITS),
                                            immediate_ptr(0x4, 40, BITS) },
                                          pattern(0, 40));
        const auto r = run(heap3(1) + packet_list{ no_cnt } + heap3(2), 4);
        check(r, { "1C" }, { 1, 0, 0, 3, 1, 3, 0, 3 });
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(1),
                             r.stats[std::string("packets_rejected_missing_heap_cnt")]);
    }

    void test_buffer_ends_at_bad_magic()
    {
        bytes bad = p(3, 0);
        bad[0] = 0x54;
        const auto r = run(heap3(1) + packet_list{ bad } + heap3(2), 4);
        check(r, { "1C" }, { 1, 0, 0, 3, 1, 3, 0, 3 });
        // Three bytes that cannot be a header end it the same way.
        const auto tail = run(heap3(1) + packet_list{ bytes{ 0x53, 0x04, 0x03 } }, 4);
        check(tail, { "1C" }, { 1, 0, 0, 3, 1, 3, 0, 3 });
    }

    void test_unsized_refused_counts_packets_and_logs()
    {
        // Refused before the window is searched (no search_dist), but counted as a
        // packet.
        const bytes unsized = build_data_packet(
            BITS, 1, -1, 0, pattern(1, 40), { addressed_ptr(DATA_ID, 0, BITS) });
        log_recorder log;
        const auto r =
            run_stream(packet_list{ unsized, p(2, 0), unsized, p(2, 1), p(2, 2) },
                       stream_config().set_allow_unsized_heaps(false),
                       ring_stream_config().set_contiguous_only(false));
        check(r, { "2C" }, { 1, 0, 0, 5, 1, 5, 0, 3 });
        CPPUNIT_ASSERT_EQUAL(
            std::size_t(2),
            log.count(log_level::warning, "packet rejected because it has no HEAP_LEN"));
    }

    void test_search_dist_hash_chains()
    {
        // Six counters in one bucket: each lookup walks the chain (newest first).
        check(run(colliding_heaps(), 8),
              { "1C", "22C", "56C", "90C", "111C", "145C" },
              { 6, 0, 0, 18, 1, 18, 0, 63 });
        check(run(colliding_heaps(), 3),
              { "1I 40/152", "22I 40/152", "56I 40/152", "90C", "111C", "145C" },
              { 6, 3, 0, 18, 1, 18, 0, 54 });
    }

    void test_search_dist_substreams()
    {
        // Heap c's first packet, then the rest of heap c - 3: three live heaps at a time.
        packet_list in;
        for (std::uint64_t c = 1; c < 30; c++) {
            in.push_back(p(c, 0));
            if (c > 3) {
                in.push_back(p(c - 3, 1));
                in.push_back(p(c - 3, 2));
            }
        }
        std::vector<std::string> heaps;
        for (std::uint64_t c = 1; c <= 26; c++)
            heaps.push_back(std::to_string(c) + "C");
        for (std::uint64_t c = 27; c <= 29; c++)
            heaps.push_back(std::to_string(c) + "I 40/152");
        check(run(in, 8), heaps, { 29, 0, 3, 81, 1, 81, 0, 81 });
        check(run(in, 3, 3), heaps, { 29, 0, 3, 81, 1, 81, 0, 81 });
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(qa_stream_ring_window);
