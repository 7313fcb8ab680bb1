/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// The packets of send heaps, against packets built byte by byte from
// SPEAD-PROTOCOL.md (qa_packet_builder.h). The layouts (pointer order, immediates,
// padding behind a NULL pointer, payload split) were also checked against spead2 4.4's
// PacketGenerator on the same heaps.

#include "../protocol/qa_packet_builder.h"
#include <gnuradio/spead/protocol/descriptor.h>
#include <gnuradio/spead/send/packet_generator.h>
#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>
#include <numeric>
#include <stdexcept>

using gr::spead::protocol::flavour;
using gr::spead::send::heap;
using gr::spead::send::packet_buffer;
using gr::spead::send::packet_generator;
namespace qa = gr::spead::qa;

namespace {

constexpr int BITS = 48;
const flavour FLAVOUR_48(4, 64, 48);

/// Every packet of \p h, each joined into one byte string.
std::vector<qa::bytes> packets_of(const heap& h, std::uint64_t cnt, std::size_t size)
{
    packet_generator gen(h, cnt, size);
    std::vector<std::uint8_t> scratch(gen.scratch_size());
    std::vector<qa::bytes> out;
    std::vector<packet_buffer> pieces;
    while (gen.has_next_packet()) {
        pieces.clear();
        const std::size_t n = gen.next_packet(scratch.data(), pieces);
        qa::bytes packet;
        for (const packet_buffer& b : pieces)
            packet.insert(packet.end(), b.data, b.data + b.size);
        CPPUNIT_ASSERT_EQUAL(n, packet.size());
        CPPUNIT_ASSERT(n <= (size & ~std::size_t(7)));
        out.push_back(packet);
    }
    pieces.clear();
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), gen.next_packet(scratch.data(), pieces));
    CPPUNIT_ASSERT(pieces.empty());
    return out;
}

std::uint64_t imm(std::uint64_t id, std::uint64_t value)
{
    return qa::immediate_ptr(id, value, BITS);
}
std::uint64_t addr(std::uint64_t id, std::uint64_t offset)
{
    return qa::addressed_ptr(id, offset, BITS);
}

/// The four packet items, then \p extra pointers, then \p payload.
qa::bytes packet(std::uint64_t cnt,
                 std::uint64_t heap_length,
                 std::uint64_t offset,
                 const qa::bytes& payload,
                 const std::vector<std::uint64_t>& extra)
{
    return qa::build_data_packet(
        BITS, cnt, std::int64_t(heap_length), offset, payload, extra);
}

qa::bytes ramp(std::size_t n, std::uint8_t first = 0)
{
    qa::bytes out(n);
    std::iota(out.begin(), out.end(), first);
    return out;
}

qa::bytes slice(const qa::bytes& b, std::size_t from, std::size_t to)
{
    return qa::bytes(b.begin() + from, b.begin() + to);
}

} // namespace

class qa_packet_generator : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(qa_packet_generator);
    CPPUNIT_TEST(test_empty_heap_is_one_padded_packet);
    CPPUNIT_TEST(test_start_and_end_are_immediates);
    CPPUNIT_TEST(test_small_item_allowed_is_an_immediate);
    CPPUNIT_TEST(test_small_item_not_allowed_is_addressed);
    CPPUNIT_TEST(test_item_longer_than_an_address_is_addressed);
    CPPUNIT_TEST(test_payload_split_fills_each_packet);
    CPPUNIT_TEST(test_packet_size_rounds_down_to_8);
    CPPUNIT_TEST(test_items_in_the_order_added);
    CPPUNIT_TEST(test_descriptor_is_an_encoded_packet);
    CPPUNIT_TEST(test_pointers_spread_over_packets_with_padding);
    CPPUNIT_TEST(test_repeat_pointers);
    CPPUNIT_TEST(test_repeat_pointers_that_do_not_fit);
    CPPUNIT_TEST(test_values_are_referenced_not_copied);
    CPPUNIT_TEST(test_packet_size_too_small);
    CPPUNIT_TEST(test_cnt_too_wide);
    CPPUNIT_TEST(test_bad_item_ids);
    CPPUNIT_TEST(test_flavour_40_header_widths);
    CPPUNIT_TEST_SUITE_END();

public:
    void test_empty_heap_is_one_padded_packet()
    {
        heap h(FLAVOUR_48);
        const auto got = packets_of(h, 0x123456, 1500);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), got.size());
        CPPUNIT_ASSERT(got[0] == packet(0x123456, 1, 0, { 0 }, { addr(0, 0) }));
    }

    void test_start_and_end_are_immediates()
    {
        heap start(FLAVOUR_48), end(FLAVOUR_48);
        start.add_start();
        end.add_end();
        CPPUNIT_ASSERT(packets_of(start, 7, 1500)[0] ==
                       packet(7, 1, 0, { 0 }, { imm(6, 0), addr(0, 0) }));
        CPPUNIT_ASSERT(packets_of(end, 7, 1500)[0] ==
                       packet(7, 1, 0, { 0 }, { imm(6, 2), addr(0, 0) }));
    }

    void test_small_item_allowed_is_an_immediate()
    {
        // Two bytes right-aligned in the 6-byte value field, as they are in memory.
        const std::uint8_t value[2] = { 0x76, 0x54 };
        heap h(FLAVOUR_48);
        h.add_item(0x2345, value, 2, true);
        CPPUNIT_ASSERT(packets_of(h, 1, 1500)[0] ==
                       packet(1, 1, 0, { 0 }, { imm(0x2345, 0x7654), addr(0, 0) }));
    }

    void test_small_item_not_allowed_is_addressed()
    {
        const std::uint8_t value[2] = { 4, 5 };
        heap h(FLAVOUR_48);
        h.add_item(0x2345, value, 2, false);
        CPPUNIT_ASSERT(packets_of(h, 1, 1500)[0] ==
                       packet(1, 2, 0, { 4, 5 }, { addr(0x2345, 0) }));
    }

    void test_item_longer_than_an_address_is_addressed()
    {
        const qa::bytes value = ramp(7, 1);
        heap h(FLAVOUR_48);
        h.add_item(0x10, value.data(), value.size(), true);
        CPPUNIT_ASSERT(packets_of(h, 1, 1500)[0] ==
                       packet(1, 7, 0, value, { addr(0x10, 0) }));
    }

    void test_payload_split_fills_each_packet()
    {
        // 88-byte packets: 40 of prefix, 8 for the one pointer, 40 of payload in the
        // first; 48 of payload in the others (no pointer left).
        const qa::bytes value = ramp(136);
        heap h(FLAVOUR_48);
        h.add_item(0x1002, value.data(), value.size(), false);
        const auto got = packets_of(h, 3, 88);
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), got.size());
        CPPUNIT_ASSERT(got[0] ==
                       packet(3, 136, 0, slice(value, 0, 40), { addr(0x1002, 0) }));
        CPPUNIT_ASSERT(got[1] == packet(3, 136, 40, slice(value, 40, 88), {}));
        CPPUNIT_ASSERT(got[2] == packet(3, 136, 88, slice(value, 88, 136), {}));
    }

    void test_packet_size_rounds_down_to_8()
    {
        const qa::bytes value = ramp(136);
        heap h(FLAVOUR_48);
        h.add_item(0x1002, value.data(), value.size(), false);
        CPPUNIT_ASSERT(packets_of(h, 3, 95) == packets_of(h, 3, 88));
    }

    void test_items_in_the_order_added()
    {
        const qa::bytes a = ramp(10), b = ramp(3, 100);
        const std::uint8_t small[1] = { 9 };
        heap h(FLAVOUR_48);
        h.add_item(0x1000, a.data(), a.size(), false);
        h.add_item(0x1001, small, 1, true);
        h.add_item(0x1002, b.data(), b.size(), false);
        qa::bytes payload = a;
        payload.insert(payload.end(), b.begin(), b.end());
        CPPUNIT_ASSERT(packets_of(h, 1, 1500)[0] ==
                       packet(1,
                              13,
                              0,
                              payload,
                              { addr(0x1000, 0), imm(0x1001, 9), addr(0x1002, 10) }));
    }

    void test_descriptor_is_an_encoded_packet()
    {
        gr::spead::protocol::descriptor d;
        d.id = 0x2345;
        d.name = "name";
        d.description = "description";
        d.format = { { 'u', 8 } };
        d.shape = { 2 };
        // The descriptor packet, as SPEAD-PROTOCOL.md lays it out (cnt 1, one packet):
        // name, description, format (1 + 2 bytes), shape (1 + 6 bytes).
        qa::bytes dpayload = { 'n', 'a', 'm', 'e' };
        for (char c : std::string("description"))
            dpayload.push_back(std::uint8_t(c));
        const qa::bytes fmt = { 'u', 0, 8 }, shp = { 0, 0, 0, 0, 0, 0, 2 };
        dpayload.insert(dpayload.end(), fmt.begin(), fmt.end());
        dpayload.insert(dpayload.end(), shp.begin(), shp.end());
        const qa::bytes dpacket = packet(1,
                                         dpayload.size(),
                                         0,
                                         dpayload,
                                         { imm(0x14, 0x2345),
                                           addr(0x10, 0),
                                           addr(0x11, 4),
                                           addr(0x13, 15),
                                           addr(0x12, 18) });
        const std::uint8_t value[2] = { 1, 2 };
        heap h(FLAVOUR_48);
        h.add_descriptor(d);
        h.add_item(0x2345, value, 2, false);
        qa::bytes payload = dpacket;
        payload.insert(payload.end(), value, value + 2);
        CPPUNIT_ASSERT(packets_of(h, 5, 1500)[0] ==
                       packet(5,
                              payload.size(),
                              0,
                              payload,
                              { addr(5, 0), addr(0x2345, dpacket.size()) }));
    }

    void test_pointers_spread_over_packets_with_padding()
    {
        // 64-byte packets hold 2 heap pointers each. 5 immediates and no payload: 3
        // packets, the third with a NULL pointer; 8 + 8 + 1 bytes of zero padding.
        heap h(FLAVOUR_48);
        for (std::uint64_t i = 0; i < 5; i++)
            h.add_item(0x100 + i, i);
        const auto got = packets_of(h, 1, 64);
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), got.size());
        const qa::bytes zeros8(8, 0);
        CPPUNIT_ASSERT(got[0] ==
                       packet(1, 17, 0, zeros8, { imm(0x100, 0), imm(0x101, 1) }));
        CPPUNIT_ASSERT(got[1] ==
                       packet(1, 17, 8, zeros8, { imm(0x102, 2), imm(0x103, 3) }));
        CPPUNIT_ASSERT(got[2] == packet(1, 17, 16, { 0 }, { imm(0x104, 4), addr(0, 0) }));
    }

    void test_repeat_pointers()
    {
        const qa::bytes value = ramp(32);
        heap h(FLAVOUR_48);
        h.add_item(0x2345, value.data(), value.size(), false);
        h.add_item(0x2346, 0xDEADBEEF);
        h.set_repeat_pointers(true);
        const auto got = packets_of(h, 0x123456, 72);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), got.size());
        const std::vector<std::uint64_t> pointers = { addr(0x2345, 0),
                                                      imm(0x2346, 0xDEADBEEF) };
        CPPUNIT_ASSERT(got[0] == packet(0x123456, 32, 0, slice(value, 0, 16), pointers));
        CPPUNIT_ASSERT(got[1] ==
                       packet(0x123456, 32, 16, slice(value, 16, 32), pointers));
    }

    void test_repeat_pointers_that_do_not_fit()
    {
        heap h(FLAVOUR_48);
        for (std::uint64_t i = 0; i < 2; i++)
            h.add_item(0x100 + i, i);
        h.set_repeat_pointers(true);
        // 64 bytes hold 2 pointers but the NULL one might be needed: 2 do not fit.
        CPPUNIT_ASSERT_THROW(packet_generator(h, 1, 64), std::invalid_argument);
        CPPUNIT_ASSERT_NO_THROW(packet_generator(h, 1, 72));
    }

    void test_values_are_referenced_not_copied()
    {
        qa::bytes value = ramp(8);
        heap h(FLAVOUR_48);
        h.add_item(0x10, value.data(), value.size(), false);
        value[3] = 0xAA; // after add_item: what is sent is what the buffer holds now
        CPPUNIT_ASSERT(packets_of(h, 1, 1500)[0] ==
                       packet(1, 8, 0, value, { addr(0x10, 0) }));
    }

    void test_packet_size_too_small()
    {
        heap h(FLAVOUR_48);
        CPPUNIT_ASSERT_THROW(packet_generator(h, 1, 55), std::invalid_argument);
        CPPUNIT_ASSERT_NO_THROW(packet_generator(h, 1, 56));
    }

    void test_cnt_too_wide()
    {
        heap h(FLAVOUR_48);
        CPPUNIT_ASSERT_NO_THROW(packet_generator(h, (std::uint64_t(1) << 48) - 1, 1500));
        CPPUNIT_ASSERT_THROW(packet_generator(h, std::uint64_t(1) << 48, 1500),
                             std::invalid_argument);
    }

    void test_bad_item_ids()
    {
        heap h(FLAVOUR_48);
        const std::uint8_t v[1] = { 0 };
        CPPUNIT_ASSERT_THROW(h.add_item(0, v, 1, false), std::invalid_argument);
        CPPUNIT_ASSERT_THROW(h.add_item(std::uint64_t(1) << 15, v, 1, false),
                             std::invalid_argument);
        CPPUNIT_ASSERT_THROW(h.add_item(0x10, std::uint64_t(1) << 48),
                             std::invalid_argument);
        CPPUNIT_ASSERT_NO_THROW(h.add_item((std::uint64_t(1) << 15) - 1, v, 1, false));
    }

    void test_flavour_40_header_widths()
    {
        heap h; // SPEAD-64-40
        h.add_end();
        const auto got = packets_of(h, 2, 1500);
        const qa::bytes expected = qa::build_data_packet(
            40,
            2,
            1,
            0,
            { 0 },
            { qa::immediate_ptr(6, 2, 40), qa::addressed_ptr(0, 0, 40) });
        CPPUNIT_ASSERT(got[0] == expected);
        CPPUNIT_ASSERT_EQUAL(std::uint8_t(3), got[0][2]);
        CPPUNIT_ASSERT_EQUAL(std::uint8_t(5), got[0][3]);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(qa_packet_generator);
