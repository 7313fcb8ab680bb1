/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "qa_packet_builder.h"
#include <gnuradio/spead/protocol/decode_error.h>
#include <gnuradio/spead/protocol/simple_heap.h>
#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>
#include <string>

using namespace gr::spead::protocol;
using namespace gr::spead::qa;

namespace {

bytes counting_bytes(std::size_t n, std::uint8_t first = 0)
{
    bytes out(n);
    for (std::size_t i = 0; i < n; i++)
        out[i] = std::uint8_t(first + i);
    return out;
}

bytes slice(const bytes& in, std::size_t begin, std::size_t end)
{
    return bytes(in.begin() + begin, in.begin() + end);
}

/// Decodes a whole packet (datagram framing); fails the test if it is malformed.
packet_view view_of(const bytes& packet)
{
    packet_view view;
    const packet_status status = decode_packet(packet.data(), packet.size(), view);
    CPPUNIT_ASSERT_EQUAL(std::string("ok"), std::string(to_string(status)));
    return view;
}

bytes concat(const std::vector<bytes>& parts)
{
    bytes out;
    for (const bytes& p : parts)
        out.insert(out.end(), p.begin(), p.end());
    return out;
}

bool contains(const std::string& text, const std::string& part)
{
    return text.find(part) != std::string::npos;
}

} // namespace

class qa_simple_heap : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(qa_simple_heap);
    CPPUNIT_TEST(test_single_packet_heap);
    CPPUNIT_TEST(test_packets_out_of_order);
    CPPUNIT_TEST(test_interleaved_heaps_keep_first_packet_order);
    CPPUNIT_TEST(test_unsized_heap_grows);
    CPPUNIT_TEST(test_unsized_then_sized);
    CPPUNIT_TEST(test_refuses_conflicting_heap_length);
    CPPUNIT_TEST(test_refuses_other_address_width);
    CPPUNIT_TEST(test_refuses_beyond_max_payload);
    CPPUNIT_TEST(test_refuses_unsized_then_smaller_length);
    CPPUNIT_TEST(test_take_empties);
    CPPUNIT_TEST(test_assemble_stream);
    CPPUNIT_TEST(test_assemble_empty_stream);
    CPPUNIT_TEST(test_assemble_reports_bad_packet_and_offset);
    CPPUNIT_TEST(test_assemble_reports_truncation);
    CPPUNIT_TEST(test_assemble_reports_refused_packet);
    CPPUNIT_TEST_SUITE_END();

    static constexpr int A40 = 40;
    static constexpr int A48 = 48;

public:
    void test_single_packet_heap()
    {
        const bytes payload = counting_bytes(12);
        const std::uint64_t item_a = addressed_ptr(0x1000, 0, A48);
        const std::uint64_t item_b = addressed_ptr(0x1001, 4, A48);
        const std::uint64_t stamp = immediate_ptr(0x1600, 123456, A48);
        const bytes packet =
            build_data_packet(A48, 7, 12, 0, payload, { item_a, stamp, item_b });

        simple_heap_collector collector;
        CPPUNIT_ASSERT(collector.add(view_of(packet)));
        const std::vector<simple_heap> heaps = collector.take();
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), heaps.size());
        const simple_heap& heap = heaps[0];
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(7), heap.cnt);
        CPPUNIT_ASSERT_EQUAL(48, heap.heap_address_bits);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(12), heap.heap_length);
        CPPUNIT_ASSERT_EQUAL(std::size_t(12), heap.received_bytes);
        CPPUNIT_ASSERT(heap.complete());
        CPPUNIT_ASSERT(heap.payload == payload);
        // The packet-describing pointers (IDs 1-4) are not kept.
        CPPUNIT_ASSERT(heap.raw_pointers ==
                       std::vector<std::uint64_t>({ item_a, stamp, item_b }));

        // Addressed items by offset, then the immediate (spead2's order).
        const std::vector<heap_item> items = heap.items();
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), items.size());
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0x1000), items[0].id);
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), items[0].offset);
        CPPUNIT_ASSERT_EQUAL(std::size_t(4), items[0].length);
        CPPUNIT_ASSERT_EQUAL(std::size_t(4), items[1].offset);
        CPPUNIT_ASSERT_EQUAL(std::size_t(8), items[1].length);
        CPPUNIT_ASSERT(items[2].immediate);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(123456), items[2].value);
    }

    void test_packets_out_of_order()
    {
        const bytes payload = counting_bytes(30, 100);
        const std::uint64_t item = addressed_ptr(0x1000, 0, A40);
        const std::uint64_t other = addressed_ptr(0x1001, 25, A40);
        // The same item pointer in two packets counts once.
        const bytes p0 =
            build_data_packet(A40, 3, 30, 0, slice(payload, 0, 10), { item });
        const bytes p1 =
            build_data_packet(A40, 3, 30, 10, slice(payload, 10, 20), { item });
        const bytes p2 =
            build_data_packet(A40, 3, 30, 20, slice(payload, 20, 30), { other });

        simple_heap_collector collector;
        CPPUNIT_ASSERT(collector.add(view_of(p2)));
        CPPUNIT_ASSERT(collector.add(view_of(p0)));
        CPPUNIT_ASSERT(collector.add(view_of(p1)));
        const std::vector<simple_heap> heaps = collector.take();
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), heaps.size());
        CPPUNIT_ASSERT(heaps[0].payload == payload);
        CPPUNIT_ASSERT_EQUAL(std::size_t(30), heaps[0].received_bytes);
        CPPUNIT_ASSERT(heaps[0].complete());
        CPPUNIT_ASSERT(heaps[0].raw_pointers ==
                       std::vector<std::uint64_t>({ other, item }));
    }

    void test_interleaved_heaps_keep_first_packet_order()
    {
        simple_heap_collector collector;
        CPPUNIT_ASSERT(collector.add(view_of(build_data_packet(A40, 9, 4, 0, { 1, 2 }))));
        CPPUNIT_ASSERT(collector.add(view_of(build_data_packet(A40, 5, 2, 0, { 7, 8 }))));
        CPPUNIT_ASSERT(collector.add(view_of(build_data_packet(A40, 9, 4, 2, { 3, 4 }))));
        const std::vector<simple_heap> heaps = collector.take();
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), heaps.size());
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(9), heaps[0].cnt);
        CPPUNIT_ASSERT(heaps[0].payload == bytes({ 1, 2, 3, 4 }));
        CPPUNIT_ASSERT(heaps[0].complete());
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(5), heaps[1].cnt);
        CPPUNIT_ASSERT(heaps[1].payload == bytes({ 7, 8 }));
        CPPUNIT_ASSERT(heaps[1].complete());
    }

    void test_unsized_heap_grows()
    {
        simple_heap_collector collector;
        CPPUNIT_ASSERT(
            collector.add(view_of(build_data_packet(A40, 1, -1, 4, { 5, 6 }))));
        std::vector<simple_heap> heaps = collector.take();
        CPPUNIT_ASSERT_EQUAL(std::int64_t(-1), heaps[0].heap_length);
        CPPUNIT_ASSERT_EQUAL(std::size_t(6), heaps[0].payload.size());
        CPPUNIT_ASSERT(!heaps[0].complete()); // bytes 0-3 never arrived

        CPPUNIT_ASSERT(
            collector.add(view_of(build_data_packet(A40, 1, -1, 2, { 3, 4 }))));
        CPPUNIT_ASSERT(
            collector.add(view_of(build_data_packet(A40, 1, -1, 0, { 1, 2 }))));
        heaps = collector.take();
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), heaps.size());
        CPPUNIT_ASSERT(heaps[0].payload == bytes({ 1, 2, 3, 4 }));
        CPPUNIT_ASSERT(heaps[0].complete());
    }

    void test_unsized_then_sized()
    {
        simple_heap_collector collector;
        CPPUNIT_ASSERT(
            collector.add(view_of(build_data_packet(A40, 1, -1, 0, { 1, 2 }))));
        CPPUNIT_ASSERT(collector.add(view_of(build_data_packet(A40, 1, 6, 4, { 5, 6 }))));
        // A later packet without HEAP_LENGTH keeps the length learnt.
        CPPUNIT_ASSERT(
            collector.add(view_of(build_data_packet(A40, 1, -1, 2, { 3, 4 }))));
        const std::vector<simple_heap> heaps = collector.take();
        CPPUNIT_ASSERT_EQUAL(std::int64_t(6), heaps[0].heap_length);
        CPPUNIT_ASSERT(heaps[0].payload == bytes({ 1, 2, 3, 4, 5, 6 }));
        CPPUNIT_ASSERT(heaps[0].complete());
    }

    void test_refuses_conflicting_heap_length()
    {
        simple_heap_collector collector;
        CPPUNIT_ASSERT(collector.add(view_of(build_data_packet(A40, 1, 4, 0, { 1, 2 }))));
        CPPUNIT_ASSERT(
            !collector.add(view_of(build_data_packet(A40, 1, 5, 2, { 3, 4 }))));
        // Without its own HEAP_LENGTH a packet must still fit the one already known.
        CPPUNIT_ASSERT(
            !collector.add(view_of(build_data_packet(A40, 1, -1, 3, { 3, 4 }))));
        const std::vector<simple_heap> heaps = collector.take();
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), heaps.size());
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), heaps[0].received_bytes);
        CPPUNIT_ASSERT(heaps[0].payload == bytes({ 1, 2, 0, 0 }));
    }

    void test_refuses_other_address_width()
    {
        simple_heap_collector collector;
        CPPUNIT_ASSERT(collector.add(view_of(build_data_packet(A40, 1, 4, 0, { 1, 2 }))));
        CPPUNIT_ASSERT(
            !collector.add(view_of(build_data_packet(A48, 1, 4, 2, { 3, 4 }))));
        const std::vector<simple_heap> heaps = collector.take();
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), heaps[0].received_bytes);
    }

    void test_refuses_beyond_max_payload()
    {
        simple_heap_collector collector(8);
        CPPUNIT_ASSERT(
            collector.add(view_of(build_data_packet(A40, 1, 8, 0, counting_bytes(8)))));
        // Sized beyond the limit, even though this packet itself is small.
        CPPUNIT_ASSERT(!collector.add(view_of(build_data_packet(A40, 2, 9, 0, { 1 }))));
        // Unsized, reaching past the limit.
        CPPUNIT_ASSERT(
            !collector.add(view_of(build_data_packet(A40, 3, -1, 7, { 1, 2 }))));
        // Unsized, with a 2^39 offset: refused without trying to allocate it.
        CPPUNIT_ASSERT(!collector.add(
            view_of(build_data_packet(A40, 4, -1, std::uint64_t(1) << 39, { 1 }))));
        const std::vector<simple_heap> heaps = collector.take();
        CPPUNIT_ASSERT_EQUAL(std::size_t(1),
                             heaps.size()); // refused heaps were not created
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), heaps[0].cnt);
    }

    void test_refuses_unsized_then_smaller_length()
    {
        simple_heap_collector collector;
        CPPUNIT_ASSERT(
            collector.add(view_of(build_data_packet(A40, 1, -1, 4, { 5, 6 }))));
        // Claims a 4-byte heap, but byte 5 already arrived.
        CPPUNIT_ASSERT(
            !collector.add(view_of(build_data_packet(A40, 1, 4, 0, { 1, 2 }))));
        const std::vector<simple_heap> heaps = collector.take();
        CPPUNIT_ASSERT_EQUAL(std::int64_t(-1), heaps[0].heap_length);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), heaps[0].received_bytes);
    }

    void test_take_empties()
    {
        simple_heap_collector collector;
        CPPUNIT_ASSERT(collector.add(view_of(build_data_packet(A40, 1, 1, 0, { 1 }))));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), collector.take().size());
        CPPUNIT_ASSERT(collector.take().empty());
        // The same counter after take() starts a fresh heap.
        CPPUNIT_ASSERT(collector.add(view_of(build_data_packet(A40, 1, 1, 0, { 2 }))));
        const std::vector<simple_heap> heaps = collector.take();
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), heaps[0].received_bytes);
        CPPUNIT_ASSERT(heaps[0].payload == bytes({ 2 }));
    }

    void test_assemble_stream()
    {
        const bytes data_a = counting_bytes(10);
        const std::uint64_t item = addressed_ptr(0x1000, 0, A48);
        const bytes stream = concat({
            build_data_packet(A48, 1, 10, 0, slice(data_a, 0, 6), { item }),
            build_data_packet(A40, 2, 0, 0, {}, { immediate_ptr(0x6, 2, A40) }),
            build_data_packet(A48, 1, 10, 6, slice(data_a, 6, 10)),
        });
        const std::vector<simple_heap> heaps =
            assemble_packet_stream(stream.data(), stream.size());
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), heaps.size());
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), heaps[0].cnt);
        CPPUNIT_ASSERT_EQUAL(48, heaps[0].heap_address_bits);
        CPPUNIT_ASSERT(heaps[0].complete());
        CPPUNIT_ASSERT(heaps[0].payload == data_a);
        const std::vector<heap_item> items = heaps[0].items();
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), items.size());
        CPPUNIT_ASSERT_EQUAL(std::size_t(10), items[0].length);

        CPPUNIT_ASSERT_EQUAL(std::uint64_t(2), heaps[1].cnt);
        CPPUNIT_ASSERT_EQUAL(40, heaps[1].heap_address_bits);
        CPPUNIT_ASSERT(heaps[1].complete());
        const std::vector<heap_item> stop = heaps[1].items();
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), stop.size());
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0x6), stop[0].id);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(2), stop[0].value);
    }

    void test_assemble_empty_stream()
    {
        const std::uint8_t nothing = 0;
        CPPUNIT_ASSERT(assemble_packet_stream(&nothing, 0).empty());
    }

    void test_assemble_reports_bad_packet_and_offset()
    {
        const bytes first = build_data_packet(A40, 1, 3, 0, { 1, 2, 3 });
        bytes second = build_data_packet(A40, 2, 1, 0, { 4 });
        second[0] = 0x54;
        const bytes stream = concat({ first, second });
        try {
            assemble_packet_stream(stream.data(), stream.size());
            CPPUNIT_FAIL("a bad magic byte did not throw");
        } catch (const decode_error& e) {
            CPPUNIT_ASSERT(contains(e.what(), "bad_magic"));
            CPPUNIT_ASSERT(contains(e.what(), "offset " + std::to_string(first.size())));
        }
    }

    void test_assemble_reports_truncation()
    {
        const bytes packet = build_data_packet(A40, 1, 3, 0, { 1, 2, 3 });
        // Cut in the payload: the packet claims more than the buffer holds.
        try {
            assemble_packet_stream(packet.data(), packet.size() - 1);
            CPPUNIT_FAIL("a packet cut in its payload did not throw");
        } catch (const decode_error& e) {
            CPPUNIT_ASSERT(contains(e.what(), "length_mismatch"));
            CPPUNIT_ASSERT(contains(e.what(), "offset 0"));
        }
        // Trailing bytes too short to be a header.
        const bytes stream = concat({ packet, bytes({ 0x53, 0x04 }) });
        try {
            assemble_packet_stream(stream.data(), stream.size());
            CPPUNIT_FAIL("a trailing partial header did not throw");
        } catch (const decode_error& e) {
            CPPUNIT_ASSERT(contains(e.what(), "too_short"));
            CPPUNIT_ASSERT(contains(e.what(), "offset " + std::to_string(packet.size())));
        }
    }

    void test_assemble_reports_refused_packet()
    {
        const bytes stream = concat({ build_data_packet(A40, 4, 3, 0, { 1 }),
                                      build_data_packet(A40, 4, 5, 1, { 2 }) });
        try {
            assemble_packet_stream(stream.data(), stream.size());
            CPPUNIT_FAIL("conflicting HEAP_LENGTH did not throw");
        } catch (const decode_error& e) {
            CPPUNIT_ASSERT(contains(e.what(), "offset 41")); // 8 + 4 * 8 + 1
            CPPUNIT_ASSERT(contains(e.what(), "heap 4"));
        }
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(qa_simple_heap);
