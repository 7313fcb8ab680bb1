/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "qa_packet_builder.h"
#include <gnuradio/spead/protocol/packet.h>
#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>
#include <algorithm>
#include <cstring>
#include <memory>
#include <random>
#include <set>
#include <string>

using namespace gr::spead::protocol;
using namespace gr::spead::qa;

namespace {

/// The bytes of \p packet in a heap block of exactly \p length bytes, so that
/// AddressSanitizer reports any read past the end.
std::unique_ptr<std::uint8_t[]> exact_copy(const bytes& packet, std::size_t length)
{
    std::unique_ptr<std::uint8_t[]> copy(new std::uint8_t[length]);
    if (length)
        std::memcpy(copy.get(), packet.data(), std::min(length, packet.size()));
    return copy;
}

std::string name(packet_status s) { return to_string(s); }

packet_status decode(const bytes& packet,
                     packet_view& view,
                     packet_framing framing = packet_framing::datagram)
{
    auto copy = exact_copy(packet, packet.size());
    const packet_status status = decode_packet(copy.get(), packet.size(), view, framing);
    // Views would dangle once the copy is freed: point them back into the caller's bytes.
    if (status == packet_status::ok) {
        view.pointers = packet.data() + (view.pointers - copy.get());
        view.payload = packet.data() + (view.payload - copy.get());
    }
    return status;
}

packet_status decode(const bytes& packet,
                     packet_framing framing = packet_framing::datagram)
{
    packet_view view;
    return decode(packet, view, framing);
}

constexpr int A40 = 40;
constexpr int A48 = 48;

// SPEAD-64-48: HEAP_CNT 7 (the specification's example pointer), HEAP_LENGTH 16,
// PAYLOAD_OFFSET 8, PAYLOAD_LENGTH 4, item 0x1000 addressed at 0, 4 payload bytes.
const bytes packet_64_48 = {
    0x53, 0x04, 0x02, 0x06, 0x00, 0x00, 0x00, 0x05, //
    0x80, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x07, //
    0x80, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, //
    0x80, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08, //
    0x80, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, //
    0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, //
    0xde, 0xad, 0xbe, 0xef,
};

// SPEAD-64-40: HEAP_CNT 7 (the specification's example pointer), HEAP_LENGTH 16,
// PAYLOAD_OFFSET 0, PAYLOAD_LENGTH 3, item 0x1000 addressed at 5, 3 payload bytes.
const bytes packet_64_40 = {
    0x53, 0x04, 0x03, 0x05, 0x00, 0x00, 0x00, 0x05, //
    0x80, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x07, //
    0x80, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x10, //
    0x80, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, //
    0x80, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x03, //
    0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, //
    0x01, 0x02, 0x03,
};

// SPEAD-64-56 (7-bit IDs): HEAP_CNT 0x123456789abcde, PAYLOAD_OFFSET 2, PAYLOAD_LENGTH 1.
const bytes packet_64_56 = {
    0x53, 0x04, 0x01, 0x07, 0x00, 0x00, 0x00, 0x03, //
    0x81, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, //
    0x83, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, //
    0x84, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, //
    0x42,
};

// SPEAD-64-24 (39-bit IDs): HEAP_CNT 0xabcdef, PAYLOAD_OFFSET 0, PAYLOAD_LENGTH 2,
// item 0x7fffffffff (largest ID) immediate 0x000102.
const bytes packet_64_24 = {
    0x53, 0x04, 0x05, 0x03, 0x00, 0x00, 0x00, 0x04, //
    0x80, 0x00, 0x00, 0x00, 0x01, 0xab, 0xcd, 0xef, //
    0x80, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, //
    0x80, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x02, //
    0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x01, 0x02, //
    0x0a, 0x0b,
};

/// A 64-40 packet with the given pointers and a payload of \p payload_size zeros.
bytes packet_with(const std::vector<std::uint64_t>& pointers, std::size_t payload_size)
{
    return build_packet(A40, pointers, bytes(payload_size, 0));
}

std::uint64_t imm(std::uint64_t id, std::uint64_t v) { return immediate_ptr(id, v, A40); }
std::uint64_t adr(std::uint64_t id, std::uint64_t v) { return addressed_ptr(id, v, A40); }

struct malformed_case {
    const char* what;
    packet_status expected;
    bytes packet;
    packet_framing framing;
};

bytes with_byte(bytes packet, std::size_t index, std::uint8_t value)
{
    packet[index] = value;
    return packet;
}

bytes with_extra(bytes packet, std::size_t count)
{
    packet.resize(packet.size() + count, 0xaa);
    return packet;
}

std::vector<malformed_case> malformed_cases()
{
    const packet_framing D = packet_framing::datagram;
    const packet_framing S = packet_framing::stream;
    const bytes good = packet_64_40; // 5 pointers, PAYLOAD_LENGTH 3, HEAP_LENGTH 16
    const std::uint64_t max40 = (std::uint64_t(1) << 40) - 1;
    return {
        // One row per reason, each packet broken in exactly one way.
        { "7-byte header",
          packet_status::too_short,
          bytes(good.begin(), good.begin() + 7),
          D },
        { "empty", packet_status::too_short, bytes(), S },
        { "magic 0x52", packet_status::bad_magic, with_byte(good, 0, 0x52), D },
        { "version 3", packet_status::bad_version, with_byte(good, 1, 3), D },
        { "version 5", packet_status::bad_version, with_byte(good, 1, 5), S },
        { "pointer-width byte 0",
          packet_status::bad_widths,
          with_byte(with_byte(good, 2, 0), 3, 8),
          D },
        { "address-width byte 0",
          packet_status::bad_widths,
          with_byte(with_byte(good, 2, 8), 3, 0),
          D },
        { "widths add to 72 bits", packet_status::bad_widths, with_byte(good, 3, 6), D },
        { "widths add to 56 bits", packet_status::bad_widths, with_byte(good, 2, 2), D },
        { "6 pointers announced, 5 present",
          packet_status::too_many_item_pointers,
          with_byte(good, 7, 6),
          D },
        { "65535 pointers announced",
          packet_status::too_many_item_pointers,
          with_byte(with_byte(good, 6, 0xff), 7, 0xff),
          S },
        { "no HEAP_CNT",
          packet_status::missing_heap_cnt,
          packet_with({ imm(3, 0), imm(4, 2), adr(0x1000, 0) }, 2),
          D },
        { "no PAYLOAD_OFFSET",
          packet_status::missing_payload_offset,
          packet_with({ imm(1, 1), imm(4, 2) }, 2),
          D },
        { "no PAYLOAD_LENGTH",
          packet_status::missing_payload_length,
          packet_with({ imm(1, 1), imm(3, 0) }, 0),
          D },
        { "addressed HEAP_CNT",
          packet_status::non_immediate_required_item,
          packet_with({ adr(1, 1), imm(3, 0), imm(4, 2) }, 2),
          D },
        { "addressed HEAP_LENGTH",
          packet_status::non_immediate_required_item,
          packet_with({ imm(1, 1), adr(2, 2), imm(3, 0), imm(4, 2) }, 2),
          D },
        { "addressed PAYLOAD_OFFSET",
          packet_status::non_immediate_required_item,
          packet_with({ imm(1, 1), adr(3, 0), imm(4, 2) }, 2),
          D },
        { "addressed PAYLOAD_LENGTH",
          packet_status::non_immediate_required_item,
          packet_with({ imm(1, 1), imm(3, 0), adr(4, 2) }, 2),
          D },
        { "one byte past PAYLOAD_LENGTH",
          packet_status::length_mismatch,
          with_extra(good, 1),
          D },
        { "one payload byte missing",
          packet_status::length_mismatch,
          bytes(good.begin(), good.end() - 1),
          D },
        { "stream: one payload byte missing",
          packet_status::length_mismatch,
          bytes(good.begin(), good.end() - 1),
          S },
        { "PAYLOAD_LENGTH 2^40-1",
          packet_status::length_mismatch,
          packet_with({ imm(1, 1), imm(3, 0), imm(4, max40) }, 4),
          S },
        { "64-56 PAYLOAD_LENGTH 2^56-1 (overflow bait)",
          packet_status::length_mismatch,
          build_packet(56,
                       { immediate_ptr(1, 1, 56),
                         immediate_ptr(3, 0, 56),
                         immediate_ptr(4, (std::uint64_t(1) << 56) - 1, 56) },
                       {}),
          D },
        { "offset + length beyond HEAP_LENGTH",
          packet_status::payload_beyond_heap_length,
          packet_with({ imm(1, 1), imm(2, 12), imm(3, 10), imm(4, 3) }, 3),
          D },
        { "64-56 offset 2^56-1 + 1 beyond HEAP_LENGTH 2^56-1",
          packet_status::payload_beyond_heap_length,
          build_packet(56,
                       { immediate_ptr(1, 1, 56),
                         immediate_ptr(2, (std::uint64_t(1) << 56) - 1, 56),
                         immediate_ptr(3, (std::uint64_t(1) << 56) - 1, 56),
                         immediate_ptr(4, 1, 56) },
                       { 0 }),
          D },

        // Packets broken in two ways report the earlier check.
        { "bad magic and version",
          packet_status::bad_magic,
          with_byte(with_byte(good, 0, 0), 1, 0),
          D },
        { "bad version and widths",
          packet_status::bad_version,
          with_byte(with_byte(good, 1, 0), 2, 0),
          D },
        { "bad widths and pointer count",
          packet_status::bad_widths,
          with_byte(with_byte(good, 2, 0), 7, 0xff),
          D },
        { "pointer count past the end hides missing items",
          packet_status::too_many_item_pointers,
          with_byte(packet_with({ imm(0x1000, 0) }, 0), 7, 2),
          D },
        { "addressed PAYLOAD_LENGTH before a missing HEAP_CNT",
          packet_status::non_immediate_required_item,
          packet_with({ adr(4, 2), imm(3, 0) }, 2),
          D },
        { "missing HEAP_CNT and wrong length",
          packet_status::missing_heap_cnt,
          packet_with({ imm(3, 0), imm(4, 2) }, 5),
          D },
        { "wrong length and beyond HEAP_LENGTH",
          packet_status::length_mismatch,
          packet_with({ imm(1, 1), imm(2, 1), imm(3, 0), imm(4, 2) }, 3),
          D },
    };
}

} // namespace

class qa_packet : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(qa_packet);
    CPPUNIT_TEST(test_decode_64_48);
    CPPUNIT_TEST(test_decode_64_40);
    CPPUNIT_TEST(test_decode_64_56_and_64_24);
    CPPUNIT_TEST(test_every_byte_aligned_split);
    CPPUNIT_TEST(test_spec_example_pointers);
    CPPUNIT_TEST(test_empty_payload);
    CPPUNIT_TEST(test_other_pointers_ignored);
    CPPUNIT_TEST(test_repeated_required_item_last_wins);
    CPPUNIT_TEST(test_malformed_table);
    CPPUNIT_TEST(test_malformed_table_covers_every_reason);
    CPPUNIT_TEST(test_truncation_never_succeeds);
    CPPUNIT_TEST(test_random_bytes_stay_in_bounds);
    CPPUNIT_TEST(test_stream_framing_with_trailing_data);
    CPPUNIT_TEST(test_size_needed_every_prefix);
    CPPUNIT_TEST(test_size_needed_reports_malformed_early);
    CPPUNIT_TEST(test_size_needed_pointer_errors);
    CPPUNIT_TEST(test_size_needed_huge_payload);
    CPPUNIT_TEST(test_status_names);
    CPPUNIT_TEST(test_split_only_at_the_header_end);
    CPPUNIT_TEST(test_split_malformed_table);
    CPPUNIT_TEST_SUITE_END();

public:
    void test_decode_64_48()
    {
        packet_view v;
        CPPUNIT_ASSERT_EQUAL(name(packet_status::ok), name(decode(packet_64_48, v)));
        CPPUNIT_ASSERT_EQUAL(48, v.heap_address_bits);
        CPPUNIT_ASSERT_EQUAL(64, v.item_pointer_bits);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(7), v.heap_cnt);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(16), v.heap_length);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(8), v.payload_offset);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(4), v.payload_length);
        CPPUNIT_ASSERT_EQUAL(std::size_t(5), v.n_items);
        CPPUNIT_ASSERT_EQUAL(std::size_t(52), v.size);
        CPPUNIT_ASSERT(v.pointers == packet_64_48.data() + 8);
        CPPUNIT_ASSERT(v.payload == packet_64_48.data() + 48);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0x1000000000000000), v.raw_pointer(4));
        CPPUNIT_ASSERT(!v.pointer(4).immediate);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0x1000), v.pointer(4).id);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), v.pointer(4).value);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0x8001000000000007), v.raw_pointer(0));
    }

    void test_decode_64_40()
    {
        packet_view v;
        CPPUNIT_ASSERT_EQUAL(name(packet_status::ok), name(decode(packet_64_40, v)));
        CPPUNIT_ASSERT_EQUAL(40, v.heap_address_bits);
        CPPUNIT_ASSERT_EQUAL(64, v.item_pointer_bits);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(7), v.heap_cnt);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(16), v.heap_length);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), v.payload_offset);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(3), v.payload_length);
        CPPUNIT_ASSERT_EQUAL(std::size_t(5), v.n_items);
        CPPUNIT_ASSERT_EQUAL(std::size_t(51), v.size);
        CPPUNIT_ASSERT(v.payload == packet_64_40.data() + 48);
        CPPUNIT_ASSERT_EQUAL(0x01, int(v.payload[0]));
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0x1000), v.pointer(4).id);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(5), v.pointer(4).value);
    }

    void test_decode_64_56_and_64_24()
    {
        packet_view v;
        CPPUNIT_ASSERT_EQUAL(name(packet_status::ok), name(decode(packet_64_56, v)));
        CPPUNIT_ASSERT_EQUAL(56, v.heap_address_bits);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0x123456789abcde), v.heap_cnt);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(-1), v.heap_length);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(2), v.payload_offset);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), v.payload_length);
        CPPUNIT_ASSERT_EQUAL(std::size_t(33), v.size);
        CPPUNIT_ASSERT_EQUAL(0x42, int(*v.payload));

        CPPUNIT_ASSERT_EQUAL(name(packet_status::ok), name(decode(packet_64_24, v)));
        CPPUNIT_ASSERT_EQUAL(24, v.heap_address_bits);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0xabcdef), v.heap_cnt);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), v.payload_offset);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(2), v.payload_length);
        CPPUNIT_ASSERT_EQUAL(std::size_t(4), v.n_items);
        CPPUNIT_ASSERT_EQUAL(std::size_t(42), v.size);
        CPPUNIT_ASSERT(v.pointer(3).immediate);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0x7fffffffff), v.pointer(3).id);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0x000102), v.pointer(3).value);
    }

    void test_every_byte_aligned_split()
    {
        // Values stay below 256 so that they fit the narrowest (8-bit) address field.
        for (int bits = 8; bits <= 56; bits += 8) {
            const std::uint64_t largest = (std::uint64_t(1) << bits) - 1;
            const bytes packet = build_data_packet(
                bits, largest, 200, 197, { 1, 2, 3 }, { addressed_ptr(0x5a, 7, bits) });
            packet_view v;
            CPPUNIT_ASSERT_EQUAL(name(packet_status::ok), name(decode(packet, v)));
            CPPUNIT_ASSERT_EQUAL(bits, v.heap_address_bits);
            CPPUNIT_ASSERT_EQUAL(largest, v.heap_cnt);
            CPPUNIT_ASSERT_EQUAL(std::int64_t(200), v.heap_length);
            CPPUNIT_ASSERT_EQUAL(std::uint64_t(197), v.payload_offset);
            CPPUNIT_ASSERT_EQUAL(std::uint64_t(3), v.payload_length);
            CPPUNIT_ASSERT_EQUAL(std::uint64_t(0x5a), v.pointer(4).id);
            CPPUNIT_ASSERT_EQUAL(std::uint64_t(7), v.pointer(4).value);
        }
    }

    void test_spec_example_pointers()
    {
        // 64-48 HEAP_CNT = 7 is 80 01 00 00 00 00 00 07.
        const bytes p48 = build_packet(
            A48,
            { 0x8001000000000007, immediate_ptr(3, 0, A48), immediate_ptr(4, 0, A48) },
            {});
        packet_view v;
        CPPUNIT_ASSERT_EQUAL(name(packet_status::ok), name(decode(p48, v)));
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(7), v.heap_cnt);
        // 64-40 HEAP_CNT = 7 is 80 00 01 00 00 00 00 07.
        const bytes p40 = build_packet(
            A40,
            { 0x8000010000000007, immediate_ptr(3, 0, A40), immediate_ptr(4, 0, A40) },
            {});
        CPPUNIT_ASSERT_EQUAL(name(packet_status::ok), name(decode(p40, v)));
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(7), v.heap_cnt);
        // Read in the other flavour, the same word is no HEAP_CNT at all.
        CPPUNIT_ASSERT_EQUAL(name(packet_status::missing_heap_cnt),
                             name(decode(build_packet(A40,
                                                      { 0x8001000000000007,
                                                        immediate_ptr(3, 0, A40),
                                                        immediate_ptr(4, 0, A40) },
                                                      {}))));
    }

    void test_empty_payload()
    {
        // A stop heap: HEAP_LENGTH 0, PAYLOAD_LENGTH 0.
        const bytes packet = build_data_packet(A40, 22, 0, 0, {}, { imm(6, 2) });
        packet_view v;
        CPPUNIT_ASSERT_EQUAL(name(packet_status::ok), name(decode(packet, v)));
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), v.payload_length);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), v.heap_length);
        CPPUNIT_ASSERT_EQUAL(packet.size(), v.size);
        CPPUNIT_ASSERT(v.payload == packet.data() + packet.size());
    }

    void test_other_pointers_ignored()
    {
        // NULL pointers, immediate or addressed user items and IDs above 4 do not disturb
        // the packet fields, even with values that look like required items.
        const bytes packet = packet_with({ adr(0, 0),
                                           imm(0, 99),
                                           imm(1, 5),
                                           adr(0x1004, 3),
                                           imm(3, 1),
                                           imm(0x1003, 77),
                                           imm(4, 2),
                                           adr(5, 0) },
                                         2);
        packet_view v;
        CPPUNIT_ASSERT_EQUAL(name(packet_status::ok), name(decode(packet, v)));
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(5), v.heap_cnt);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(-1), v.heap_length);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), v.payload_offset);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(2), v.payload_length);
        CPPUNIT_ASSERT_EQUAL(std::size_t(8), v.n_items);
    }

    void test_repeated_required_item_last_wins()
    {
        const bytes packet =
            packet_with({ imm(1, 5), imm(4, 9), imm(3, 0), imm(1, 6), imm(4, 2) }, 2);
        packet_view v;
        CPPUNIT_ASSERT_EQUAL(name(packet_status::ok), name(decode(packet, v)));
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(6), v.heap_cnt);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(2), v.payload_length);
    }

    void test_malformed_table()
    {
        for (const malformed_case& c : malformed_cases()) {
            packet_view v;
            CPPUNIT_ASSERT_EQUAL_MESSAGE(
                c.what, name(c.expected), name(decode(c.packet, v, c.framing)));
        }
    }

    void test_malformed_table_covers_every_reason()
    {
        std::set<packet_status> seen;
        for (const malformed_case& c : malformed_cases())
            seen.insert(c.expected);
        for (std::size_t i = 1; i < packet_status_count(); i++)
            CPPUNIT_ASSERT_MESSAGE(name(packet_status(i)),
                                   seen.count(packet_status(i)) == 1);
    }

    void test_truncation_never_succeeds()
    {
        for (const bytes* packet : { &packet_64_40, &packet_64_48, &packet_64_24 }) {
            for (std::size_t length = 0; length < packet->size(); length++) {
                auto copy = exact_copy(*packet, length);
                packet_view v;
                CPPUNIT_ASSERT(decode_packet(copy.get(), length, v) != packet_status::ok);
                CPPUNIT_ASSERT(
                    decode_packet(copy.get(), length, v, packet_framing::stream) !=
                    packet_status::ok);
            }
        }
    }

    void test_random_bytes_stay_in_bounds()
    {
        // Valid headers followed by random pointers and lengths: whatever the verdict,
        // the decoder must stay inside the buffer (AddressSanitizer watches) and an
        // accepted packet must fit in it.
        std::mt19937 rng(12345);
        for (int round = 0; round < 20000; round++) {
            const std::size_t length = rng() % 64;
            bytes data(length);
            for (auto& b : data)
                b = std::uint8_t(rng());
            const bytes header = { 0x53, 0x04, 0x03, 0x05,
                                   0,    0,    0,    std::uint8_t(rng() % 8) };
            std::copy(header.begin(),
                      header.begin() + std::min(length, header.size()),
                      data.begin());
            // Bias pointer IDs towards 1-4 so that some packets get through.
            for (std::size_t p = 8; p + 8 <= length; p += 8) {
                data[p] = std::uint8_t(rng() % 2 ? 0x80 : 0x00);
                data[p + 1] = 0;
                data[p + 2] = std::uint8_t(rng() % 6);
                data[p + 3] = data[p + 4] = data[p + 5] = data[p + 6] = 0;
                data[p + 7] = std::uint8_t(rng() % 24);
            }
            auto copy = exact_copy(data, length);
            packet_view v;
            const packet_framing framing =
                round % 2 ? packet_framing::stream : packet_framing::datagram;
            if (decode_packet(copy.get(), length, v, framing) == packet_status::ok)
                CPPUNIT_ASSERT(v.size <= length);
            packet_status status;
            const std::size_t needed = packet_size_needed(copy.get(), length, status);
            CPPUNIT_ASSERT(needed == 0 || status == packet_status::ok);
        }
    }

    void test_stream_framing_with_trailing_data()
    {
        bytes stream = packet_64_40;
        stream.insert(stream.end(), packet_64_48.begin(), packet_64_48.end());
        auto copy = exact_copy(stream, stream.size());
        packet_view v;
        CPPUNIT_ASSERT_EQUAL(
            name(packet_status::ok),
            name(decode_packet(copy.get(), stream.size(), v, packet_framing::stream)));
        CPPUNIT_ASSERT_EQUAL(packet_64_40.size(), v.size);
        CPPUNIT_ASSERT_EQUAL(40, v.heap_address_bits);

        const std::size_t rest = stream.size() - v.size;
        CPPUNIT_ASSERT_EQUAL(
            name(packet_status::ok),
            name(decode_packet(copy.get() + v.size, rest, v, packet_framing::stream)));
        CPPUNIT_ASSERT_EQUAL(packet_64_48.size(), v.size);
        CPPUNIT_ASSERT_EQUAL(48, v.heap_address_bits);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(8), v.payload_offset);

        // As one datagram the same bytes are one packet with trailing junk.
        CPPUNIT_ASSERT_EQUAL(name(packet_status::length_mismatch),
                             name(decode_packet(copy.get(), stream.size(), v)));
    }

    void test_size_needed_every_prefix()
    {
        for (const bytes* packet : { &packet_64_40, &packet_64_48, &packet_64_56 }) {
            const std::size_t pointers_end = 8 + 8 * std::size_t((*packet)[7]);
            bytes longer = with_extra(*packet, 5); // the next packet's first bytes
            for (std::size_t length = 0; length <= longer.size(); length++) {
                auto copy = exact_copy(longer, length);
                packet_status status = packet_status::bad_magic; // must be overwritten
                const std::size_t needed = packet_size_needed(copy.get(), length, status);
                CPPUNIT_ASSERT_EQUAL(name(packet_status::ok), name(status));
                CPPUNIT_ASSERT_EQUAL(length < pointers_end ? 0 : packet->size(), needed);
                packet_view v;
                const packet_status decoded =
                    decode_packet(copy.get(), length, v, packet_framing::stream);
                CPPUNIT_ASSERT_EQUAL(length >= packet->size(),
                                     decoded == packet_status::ok);
            }
        }
    }

    void test_size_needed_reports_malformed_early()
    {
        struct row {
            std::size_t index;
            std::uint8_t value;
            packet_status expected;
        };
        for (const row& r : { row{ 0, 0x00, packet_status::bad_magic },
                              row{ 1, 0x02, packet_status::bad_version },
                              row{ 2, 0x04, packet_status::bad_widths },
                              row{ 3, 0x00, packet_status::bad_widths } }) {
            const bytes broken = with_byte(packet_64_40, r.index, r.value);
            // The header's third and fourth bytes are judged together.
            const std::size_t tells_at = r.index >= 2 ? 4 : r.index + 1;
            for (std::size_t length = 0; length <= broken.size(); length++) {
                auto copy = exact_copy(broken, length);
                packet_status status = packet_status::ok;
                CPPUNIT_ASSERT_EQUAL(std::size_t(0),
                                     packet_size_needed(copy.get(), length, status));
                CPPUNIT_ASSERT_EQUAL(
                    name(length < tells_at ? packet_status::ok : r.expected),
                    name(status));
            }
        }
    }

    void test_size_needed_pointer_errors()
    {
        struct row {
            bytes packet;
            packet_status expected;
        };
        for (const row& r :
             { row{ packet_with({ imm(3, 0), imm(4, 2) }, 2),
                    packet_status::missing_heap_cnt },
               row{ packet_with({ imm(1, 0), imm(4, 2) }, 2),
                    packet_status::missing_payload_offset },
               row{ packet_with({ imm(1, 0), imm(3, 2) }, 2),
                    packet_status::missing_payload_length },
               row{ packet_with({ imm(1, 0), adr(3, 0), imm(4, 2) }, 2),
                    packet_status::non_immediate_required_item },
               row{ packet_with({ imm(1, 0), imm(2, 4), imm(3, 3), imm(4, 2) }, 2),
                    packet_status::payload_beyond_heap_length } }) {
            const std::size_t pointers_end = r.packet.size() - 2;
            for (std::size_t length = 8; length <= r.packet.size(); length++) {
                auto copy = exact_copy(r.packet, length);
                packet_status status = packet_status::ok;
                CPPUNIT_ASSERT_EQUAL(std::size_t(0),
                                     packet_size_needed(copy.get(), length, status));
                CPPUNIT_ASSERT_EQUAL(
                    name(length < pointers_end ? packet_status::ok : r.expected),
                    name(status));
            }
        }
    }

    void test_size_needed_huge_payload()
    {
        // A 56-bit PAYLOAD_LENGTH is reported as is (the reader then decides it is too
        // large to buffer); the arithmetic must not wrap.
        const std::uint64_t huge = (std::uint64_t(1) << 56) - 1;
        const bytes packet = build_packet(56,
                                          { immediate_ptr(1, 1, 56),
                                            immediate_ptr(3, 0, 56),
                                            immediate_ptr(4, huge, 56) },
                                          {});
        packet_status status = packet_status::bad_magic;
        const std::size_t needed =
            packet_size_needed(packet.data(), packet.size(), status);
        CPPUNIT_ASSERT_EQUAL(name(packet_status::ok), name(status));
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(32) + huge, std::uint64_t(needed));
    }

    void test_split_only_at_the_header_end()
    {
        // A packet cut anywhere into a header part and a payload part (each in a block
        // of its own, so AddressSanitizer sees any stray read) decodes only when the cut
        // is where its item pointers end, and then exactly as the joined packet does.
        for (const bytes* packet : { &packet_64_40, &packet_64_48, &packet_64_24 }) {
            packet_view joined;
            CPPUNIT_ASSERT_EQUAL(name(packet_status::ok), name(decode(*packet, joined)));
            const std::size_t header_end = std::size_t(joined.payload - packet->data());
            for (std::size_t cut = 0; cut <= packet->size(); cut++) {
                const bytes head(packet->begin(), packet->begin() + cut);
                const bytes tail(packet->begin() + cut, packet->end());
                auto head_copy = exact_copy(head, head.size());
                auto tail_copy = exact_copy(tail, tail.size());
                packet_view v;
                const packet_status status = decode_split_packet(
                    head_copy.get(), head.size(), tail_copy.get(), tail.size(), v);
                const std::string where = "cut at " + std::to_string(cut);
                if (cut != header_end) {
                    CPPUNIT_ASSERT_MESSAGE(where, status != packet_status::ok);
                    continue;
                }
                CPPUNIT_ASSERT_EQUAL_MESSAGE(
                    where, name(packet_status::ok), name(status));
                CPPUNIT_ASSERT_EQUAL(joined.heap_address_bits, v.heap_address_bits);
                CPPUNIT_ASSERT_EQUAL(joined.heap_cnt, v.heap_cnt);
                CPPUNIT_ASSERT_EQUAL(joined.heap_length, v.heap_length);
                CPPUNIT_ASSERT_EQUAL(joined.payload_offset, v.payload_offset);
                CPPUNIT_ASSERT_EQUAL(joined.payload_length, v.payload_length);
                CPPUNIT_ASSERT_EQUAL(joined.n_items, v.n_items);
                CPPUNIT_ASSERT_EQUAL(joined.size, v.size);
                CPPUNIT_ASSERT(v.pointers == head_copy.get() + 8);
                CPPUNIT_ASSERT(v.payload == tail_copy.get());
            }
        }
    }

    void test_split_malformed_table()
    {
        // Every malformed datagram split where its header says its pointers end is
        // refused for the same reason as whole.
        for (const malformed_case& c : malformed_cases()) {
            if (c.framing != packet_framing::datagram || c.packet.size() < 8)
                continue;
            const std::size_t n = (std::size_t(c.packet[6]) << 8) | c.packet[7];
            const std::size_t header_end = 8 + 8 * n;
            if (header_end > c.packet.size())
                continue;
            const bytes head(c.packet.begin(), c.packet.begin() + header_end);
            const bytes tail(c.packet.begin() + header_end, c.packet.end());
            auto head_copy = exact_copy(head, head.size());
            auto tail_copy = exact_copy(tail, tail.size());
            packet_view v;
            CPPUNIT_ASSERT_EQUAL_MESSAGE(
                c.what,
                name(c.expected),
                name(decode_split_packet(
                    head_copy.get(), head.size(), tail_copy.get(), tail.size(), v)));
        }
    }

    void test_status_names()
    {
        const char* expected[] = { "ok",
                                   "too_short",
                                   "bad_magic",
                                   "bad_version",
                                   "bad_widths",
                                   "too_many_item_pointers",
                                   "missing_heap_cnt",
                                   "missing_payload_offset",
                                   "missing_payload_length",
                                   "non_immediate_required_item",
                                   "length_mismatch",
                                   "payload_beyond_heap_length" };
        CPPUNIT_ASSERT_EQUAL(sizeof(expected) / sizeof(expected[0]),
                             packet_status_count());
        for (std::size_t i = 0; i < packet_status_count(); i++)
            CPPUNIT_ASSERT_EQUAL(std::string(expected[i]), name(packet_status(i)));
        CPPUNIT_ASSERT(to_string(packet_status(200)) != nullptr);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(qa_packet);
