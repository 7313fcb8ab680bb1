/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// Layout of the packets the heap encoder produces. Expectations come from the protocol
// document, hand arithmetic, and spead2's own packets in the reference captures (which
// the encoder must reproduce byte for byte for the same heaps). Packets are read back
// with a small parser of this file's own, so these tests do not depend on the decoders.

#include <gnuradio/spead/protocol/heap_encoder.h>
#include <gnuradio/spead/protocol/item_ids.h>
#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

using namespace gr::spead::protocol;

namespace {

using bytes = std::vector<std::uint8_t>;
using packet_list = std::vector<bytes>;

std::uint64_t read_be(const std::uint8_t* p, std::size_t n)
{
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < n; i++)
        v = (v << 8) | p[i];
    return v;
}

/// One item pointer as read back by this test's own parser.
struct parsed_pointer {
    bool immediate;
    std::uint64_t id;
    std::uint64_t value;
};

/// A packet as read back by this test's own parser: pointers split by the address
/// width found in byte 3 of the header.
struct parsed_packet {
    std::size_t n_items = 0;
    std::vector<parsed_pointer> pointers;
    bytes payload;

    /// Value of the first immediate pointer with \p id, or -1 when absent.
    std::int64_t immediate(std::uint64_t id) const
    {
        for (const auto& p : pointers)
            if (p.immediate && p.id == id)
                return std::int64_t(p.value);
        return -1;
    }
};

parsed_packet parse(const bytes& packet)
{
    CPPUNIT_ASSERT(packet.size() >= 8);
    CPPUNIT_ASSERT_EQUAL(std::uint8_t(0x53), packet[0]);
    CPPUNIT_ASSERT_EQUAL(std::uint8_t(0x04), packet[1]);
    const int address_bits = packet[3] * 8;
    CPPUNIT_ASSERT_EQUAL(64, (packet[2] + packet[3]) * 8);
    parsed_packet out;
    out.n_items = std::size_t(read_be(&packet[6], 2));
    CPPUNIT_ASSERT(packet.size() >= 8 + 8 * out.n_items);
    for (std::size_t i = 0; i < out.n_items; i++) {
        const std::uint64_t raw = read_be(&packet[8 + 8 * i], 8);
        out.pointers.push_back({ (raw >> 63) != 0,
                                 (raw << 1) >> (address_bits + 1),
                                 raw & ((std::uint64_t(1) << address_bits) - 1) });
    }
    out.payload.assign(packet.begin() + 8 + 8 * out.n_items, packet.end());
    return out;
}

/// Checks the four packet pointers (first, in order) and returns the heap's own pointers.
std::vector<parsed_pointer> heap_pointers(const parsed_packet& p,
                                          std::uint64_t cnt,
                                          std::int64_t heap_length,
                                          std::uint64_t offset)
{
    std::size_t i = 0;
    auto expect = [&](std::uint64_t id, std::uint64_t value) {
        CPPUNIT_ASSERT(i < p.pointers.size());
        CPPUNIT_ASSERT(p.pointers[i].immediate);
        CPPUNIT_ASSERT_EQUAL(id, p.pointers[i].id);
        CPPUNIT_ASSERT_EQUAL(value, p.pointers[i].value);
        i++;
    };
    expect(HEAP_CNT_ID, cnt);
    if (heap_length >= 0)
        expect(HEAP_LENGTH_ID, std::uint64_t(heap_length));
    expect(PAYLOAD_OFFSET_ID, offset);
    expect(PAYLOAD_LENGTH_ID, p.payload.size());
    return std::vector<parsed_pointer>(p.pointers.begin() + i, p.pointers.end());
}

void expect_pointer(const parsed_pointer& p,
                    bool immediate,
                    std::uint64_t id,
                    std::uint64_t value)
{
    CPPUNIT_ASSERT_EQUAL(immediate, p.immediate);
    CPPUNIT_ASSERT_EQUAL(id, p.id);
    CPPUNIT_ASSERT_EQUAL(value, p.value);
}

encoder_options options(std::size_t max_packet_size,
                        const flavour& flav = flavour(),
                        bool include_heap_length = true)
{
    encoder_options o;
    o.flav = flav;
    o.max_packet_size = max_packet_size;
    o.include_heap_length = include_heap_length;
    return o;
}

bytes pattern(std::size_t n, std::uint8_t seed)
{
    bytes out(n);
    for (std::size_t i = 0; i < n; i++)
        out[i] = std::uint8_t(seed + i * 7);
    return out;
}

std::vector<std::size_t> sizes(const packet_list& packets)
{
    std::vector<std::size_t> out;
    for (const auto& p : packets)
        out.push_back(p.size());
    return out;
}

// --- the reference captures, read with a minimal pcap parser of this file's own --------

/// UDP payloads of a classic little-endian pcap file of Ethernet/IPv4/UDP frames.
packet_list read_capture(const std::string& name)
{
    const std::string path = std::string(SPEAD_CAPTURES_DIR) + "/" + name;
    std::ifstream in(path, std::ios::binary);
    CPPUNIT_ASSERT_MESSAGE("cannot open " + path, in.good());
    const bytes file((std::istreambuf_iterator<char>(in)),
                     std::istreambuf_iterator<char>());
    auto le32 = [&](std::size_t at) {
        return std::uint32_t(file[at]) | std::uint32_t(file[at + 1]) << 8 |
               std::uint32_t(file[at + 2]) << 16 | std::uint32_t(file[at + 3]) << 24;
    };
    CPPUNIT_ASSERT(file.size() >= 24 && le32(0) == 0xa1b2c3d4u);
    packet_list out;
    std::size_t at = 24;
    while (at + 16 <= file.size()) {
        const std::size_t captured = le32(at + 8);
        at += 16;
        CPPUNIT_ASSERT(at + captured <= file.size());
        const std::size_t ip = at + 14;
        const std::size_t udp = ip + (file[ip] & 0x0f) * 4;
        const std::size_t udp_length = std::size_t(read_be(&file[udp + 4], 2));
        out.emplace_back(file.begin() + udp + 8, file.begin() + udp + udp_length);
        at += captured;
    }
    return out;
}

constexpr std::uint64_t TIMESTAMP_ID = 0x1600;
constexpr std::uint64_t SEQ_ID = 0x1601;
constexpr std::uint64_t DATA_ID = 0x1602;

std::uint64_t capture_timestamp(int k) { return 1000000 + 8192 * std::uint64_t(k); }

/// Data heap k of the single-packet captures (see their README).
heap_contents single_packet_capture_heap(int k)
{
    heap_contents heap;
    heap.cnt = std::uint64_t(k) + 2;
    bytes seq(8, 0); // '<u8' = k
    seq[0] = std::uint8_t(k);
    bytes data(8192);
    for (int i = 0; i < 4096; i++) {
        const int re = ((i + k) % 256) - 128;
        const int im = -re > 127 ? 127 : -re;
        data[2 * i] = std::uint8_t(std::int8_t(re));
        data[2 * i + 1] = std::uint8_t(std::int8_t(im));
    }
    heap.items.push_back(
        encoder_item::make_immediate(TIMESTAMP_ID, capture_timestamp(k)));
    heap.items.push_back(encoder_item::make_addressed(SEQ_ID, seq));
    heap.items.push_back(encoder_item::make_addressed(DATA_ID, data));
    return heap;
}

void put_le32(std::uint8_t* out, std::uint32_t v)
{
    for (int i = 0; i < 4; i++)
        out[i] = std::uint8_t(v >> (8 * i));
}

std::uint32_t float_bits(float f)
{
    std::uint32_t v;
    std::memcpy(&v, &f, sizeof v);
    return v;
}

/// Data heap k of the multi-packet capture: '<c8' arange(4096) + 1j*k.
heap_contents multi_packet_capture_heap(int k)
{
    heap_contents heap;
    heap.cnt = std::uint64_t(k) + 2;
    bytes data(32768);
    for (int i = 0; i < 4096; i++) {
        put_le32(&data[8 * i], float_bits(float(i)));
        put_le32(&data[8 * i + 4], float_bits(float(k)));
    }
    heap.items.push_back(
        encoder_item::make_immediate(TIMESTAMP_ID, capture_timestamp(k)));
    heap.items.push_back(encoder_item::make_addressed(DATA_ID, data));
    return heap;
}

/// The capture's descriptor heap rebuilt from its raw DESCRIPTOR values (cut out of the
/// captured payload at the captured offsets), so that only the encoder's layout is
/// tested.
heap_contents descriptor_heap_from_capture(const bytes& captured)
{
    const parsed_packet p = parse(captured);
    heap_contents heap;
    heap.cnt = 1;
    std::vector<std::size_t> offsets;
    for (const auto& ptr : p.pointers)
        if (ptr.id == DESCRIPTOR_ID)
            offsets.push_back(ptr.value);
    offsets.push_back(p.payload.size());
    for (std::size_t i = 0; i + 1 < offsets.size(); i++)
        heap.items.push_back(encoder_item::make_addressed(
            DESCRIPTOR_ID,
            bytes(p.payload.begin() + offsets[i], p.payload.begin() + offsets[i + 1])));
    return heap;
}

} // namespace

class qa_heap_encoder : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(qa_heap_encoder);
    CPPUNIT_TEST(test_make_item);
    CPPUNIT_TEST(test_single_packet_capture_sizes);
    CPPUNIT_TEST(test_single_packet_captures_byte_exact);
    CPPUNIT_TEST(test_multi_packet_capture_sizes);
    CPPUNIT_TEST(test_multi_packet_capture_byte_exact);
    CPPUNIT_TEST(test_descriptor_heaps_byte_exact);
    CPPUNIT_TEST(test_header_bytes_64_48);
    CPPUNIT_TEST(test_pointers_spread_over_packets);
    CPPUNIT_TEST(test_max_packet_size_rounded_down);
    CPPUNIT_TEST(test_without_heap_length);
    CPPUNIT_TEST(test_no_payload_is_one_packet);
    CPPUNIT_TEST(test_stop_heap);
    CPPUNIT_TEST(test_stream_ctrl_before_items);
    CPPUNIT_TEST(test_zero_length_items_keep_pointers);
    CPPUNIT_TEST(test_padding_when_pointers_spill);
    CPPUNIT_TEST(test_padding_needing_extra_packet);
    CPPUNIT_TEST(test_short_payload_padded_behind_null);
    CPPUNIT_TEST(test_pointer_count_capped_by_header_field);
    CPPUNIT_TEST(test_minimum_packet_size);
    CPPUNIT_TEST(test_id_out_of_range);
    CPPUNIT_TEST(test_reserved_ids_rejected);
    CPPUNIT_TEST(test_immediate_out_of_range);
    CPPUNIT_TEST(test_heap_cnt_and_stream_ctrl_out_of_range);
    CPPUNIT_TEST(test_payload_beyond_address_width);
    CPPUNIT_TEST(test_concatenate_packets);
    CPPUNIT_TEST_SUITE_END();

    /// Runs \p f and checks that it throws std::invalid_argument mentioning each of \p
    /// words.
    template <typename F>
    static void expect_invalid(F f, const std::vector<std::string>& words)
    {
        try {
            f();
        } catch (const std::invalid_argument& e) {
            const std::string what = e.what();
            for (const auto& word : words)
                CPPUNIT_ASSERT_MESSAGE("'" + word + "' missing from: " + what,
                                       what.find(word) != std::string::npos);
            return;
        }
        CPPUNIT_FAIL("no std::invalid_argument thrown");
    }

public:
    void test_make_item()
    {
        const encoder_item imm = encoder_item::make_immediate(0x1234, 99);
        CPPUNIT_ASSERT(imm.immediate);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0x1234), imm.id);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(99), imm.immediate_value);
        CPPUNIT_ASSERT(imm.data.empty());
        const encoder_item addr = encoder_item::make_addressed(0x1235, bytes{ 1, 2, 3 });
        CPPUNIT_ASSERT(!addr.immediate);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0x1235), addr.id);
        CPPUNIT_ASSERT(addr.data == (bytes{ 1, 2, 3 }));
    }

    // README: 20 x 8264-byte packets, 7 pointers, HEAP_LENGTH 8200, 0x1601 at 0, 0x1602
    // at 8.
    void test_single_packet_capture_sizes()
    {
        const packet_list packets =
            encode_heap(single_packet_capture_heap(3), options(8972));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), packets.size());
        CPPUNIT_ASSERT_EQUAL(std::size_t(8264), packets[0].size());
        const bytes header(packets[0].begin(), packets[0].begin() + 8);
        CPPUNIT_ASSERT(header == (bytes{ 0x53, 0x04, 0x03, 0x05, 0, 0, 0, 7 }));
        const parsed_packet p = parse(packets[0]);
        const auto own = heap_pointers(p, 5, 8200, 0);
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), own.size());
        expect_pointer(own[0], true, TIMESTAMP_ID, 1000000 + 3 * 8192);
        expect_pointer(own[1], false, SEQ_ID, 0);
        expect_pointer(own[2], false, DATA_ID, 8);
        // HEAP_CNT = 5 in 64-40 as the protocol document spells it out.
        const bytes cnt_pointer(packets[0].begin() + 8, packets[0].begin() + 16);
        CPPUNIT_ASSERT(cnt_pointer == (bytes{ 0x80, 0x00, 0x01, 0, 0, 0, 0, 5 }));
    }

    void test_single_packet_captures_byte_exact()
    {
        for (int address_bits : { 40, 48 }) {
            const std::string name =
                "spead2_64_" + std::to_string(address_bits) + "_single_packet.pcap";
            const packet_list captured = read_capture(name);
            CPPUNIT_ASSERT_EQUAL(std::size_t(22), captured.size());
            const encoder_options opts = options(8972, flavour(4, 64, address_bits));
            for (int k = 0; k < 20; k++) {
                const packet_list packets =
                    encode_heap(single_packet_capture_heap(k), opts);
                CPPUNIT_ASSERT_EQUAL(std::size_t(1), packets.size());
                CPPUNIT_ASSERT_MESSAGE(name + " heap " + std::to_string(k + 2),
                                       packets[0] == captured[1 + k]);
            }
        }
    }

    // README: 22 x 1472 + 1 x 1320; first packet 6 pointers and 1416 bytes, later 4 and
    // 1432.
    void test_multi_packet_capture_sizes()
    {
        const packet_list packets =
            encode_heap(multi_packet_capture_heap(0), options(1472));
        std::vector<std::size_t> expected(22, 1472);
        expected.push_back(1320);
        CPPUNIT_ASSERT(sizes(packets) == expected);
        std::uint64_t offset = 0;
        for (std::size_t i = 0; i < packets.size(); i++) {
            const parsed_packet p = parse(packets[i]);
            const auto own = heap_pointers(p, 2, 32768, offset);
            CPPUNIT_ASSERT_EQUAL(i == 0 ? std::size_t(6) : std::size_t(4), p.n_items);
            if (i == 0) {
                CPPUNIT_ASSERT_EQUAL(std::size_t(1416), p.payload.size());
                expect_pointer(own[0], true, TIMESTAMP_ID, 1000000);
                expect_pointer(own[1], false, DATA_ID, 0);
            } else if (i < 22) {
                CPPUNIT_ASSERT_EQUAL(std::size_t(1432), p.payload.size());
            }
            offset += p.payload.size();
        }
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(32768), offset);
    }

    void test_multi_packet_capture_byte_exact()
    {
        const packet_list captured = read_capture("spead2_64_40_multi_packet.pcap");
        CPPUNIT_ASSERT_EQUAL(std::size_t(462), captured.size());
        for (int k = 0; k < 20; k += 19) { // first and last data heap keep the test fast
            const packet_list packets =
                encode_heap(multi_packet_capture_heap(k), options(1472));
            CPPUNIT_ASSERT_EQUAL(std::size_t(23), packets.size());
            for (std::size_t i = 0; i < packets.size(); i++)
                CPPUNIT_ASSERT_MESSAGE("heap " + std::to_string(k + 2) + " packet " +
                                           std::to_string(i),
                                       packets[i] == captured[1 + 23 * k + i]);
        }
    }

    // The captured descriptor heaps: several addressed items back to back in one packet.
    void test_descriptor_heaps_byte_exact()
    {
        const std::vector<std::pair<std::string, int>> files = {
            { "spead2_64_40_single_packet.pcap", 40 },
            { "spead2_64_48_single_packet.pcap", 48 },
            { "spead2_64_40_multi_packet.pcap", 40 },
        };
        for (const auto& [name, address_bits] : files) {
            const bytes captured = read_capture(name)[0];
            const packet_list packets =
                encode_heap(descriptor_heap_from_capture(captured),
                            options(name.find("multi") != std::string::npos ? 1472 : 8972,
                                    flavour(4, 64, address_bits)));
            CPPUNIT_ASSERT_EQUAL(std::size_t(1), packets.size());
            CPPUNIT_ASSERT_MESSAGE(name, packets[0] == captured);
        }
    }

    void test_header_bytes_64_48()
    {
        heap_contents heap;
        heap.cnt = 7;
        heap.items.push_back(encoder_item::make_addressed(0x1000, pattern(3, 1)));
        const packet_list packets = encode_heap(heap, options(1472, flavour(4, 64, 48)));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), packets.size());
        const bytes& p = packets[0];
        CPPUNIT_ASSERT_EQUAL(std::size_t(8 + 5 * 8 + 3), p.size());
        const bytes expected_start = {
            0x53, 0x04, 0x02, 0x06, 0, 0, 0, 5, // header
            0x80, 0x01, 0,    0,    0, 0, 0, 7, // HEAP_CNT 7
            0x80, 0x02, 0,    0,    0, 0, 0, 3, // HEAP_LENGTH 3
            0x80, 0x03, 0,    0,    0, 0, 0, 0, // PAYLOAD_OFFSET 0
            0x80, 0x04, 0,    0,    0, 0, 0, 3, // PAYLOAD_LENGTH 3
            0x10, 0x00, 0,    0,    0, 0, 0, 0, // 0x1000 addressed at 0
        };
        CPPUNIT_ASSERT(bytes(p.begin(), p.begin() + 48) == expected_start);
        CPPUNIT_ASSERT(bytes(p.begin() + 48, p.end()) == pattern(3, 1));
    }

    // 100 -> 96 usable: (96 - 40 - 8) / 8 = 6 heap pointers per packet.
    void test_pointers_spread_over_packets()
    {
        heap_contents heap;
        heap.cnt = 9;
        for (std::uint64_t i = 0; i < 10; i++)
            heap.items.push_back(encoder_item::make_immediate(0x2000 + i, 100 + i));
        const bytes data = pattern(100, 3);
        heap.items.push_back(encoder_item::make_addressed(0x3000, data));
        const packet_list packets = encode_heap(heap, options(100));
        // packet 0: 6 pointers, 96-40-48 = 8 bytes; packet 1: 5 pointers, 96-40-40 = 16;
        // then 56 bytes per packet: 56, 20.
        CPPUNIT_ASSERT(sizes(packets) == (std::vector<std::size_t>{ 96, 96, 96, 60 }));
        const std::vector<std::size_t> counts = { 10, 9, 4, 4 };
        const std::vector<std::uint64_t> offsets = { 0, 8, 24, 80 };
        std::vector<parsed_pointer> all;
        bytes payload;
        for (std::size_t i = 0; i < packets.size(); i++) {
            const parsed_packet p = parse(packets[i]);
            CPPUNIT_ASSERT_EQUAL(counts[i], p.n_items);
            const auto own = heap_pointers(p, 9, 100, offsets[i]);
            all.insert(all.end(), own.begin(), own.end());
            payload.insert(payload.end(), p.payload.begin(), p.payload.end());
        }
        CPPUNIT_ASSERT_EQUAL(std::size_t(11), all.size());
        for (std::uint64_t i = 0; i < 10; i++)
            expect_pointer(all[i], true, 0x2000 + i, 100 + i);
        expect_pointer(all[10], false, 0x3000, 0);
        CPPUNIT_ASSERT(payload == data);
    }

    void test_max_packet_size_rounded_down()
    {
        const packet_list a = encode_heap(multi_packet_capture_heap(1), options(1479));
        const packet_list b = encode_heap(multi_packet_capture_heap(1), options(1472));
        CPPUNIT_ASSERT(a == b);
        // 1000 -> 1000 (a multiple of 8), 1001 .. 1007 -> 1000.
        const packet_list c = encode_heap(multi_packet_capture_heap(1), options(1007));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1000), c[0].size());
        CPPUNIT_ASSERT_EQUAL(std::size_t(1000), c[1].size());
    }

    // Without HEAP_LENGTH: 32-byte prefix; 1472-32-16 = 1424 bytes first, then 1440.
    void test_without_heap_length()
    {
        const packet_list packets =
            encode_heap(multi_packet_capture_heap(0), options(1472, flavour(), false));
        // 32768 - 1424 = 31344 = 21 * 1440 + 1104
        std::vector<std::size_t> expected(22, 1472);
        expected.push_back(32 + 1104);
        CPPUNIT_ASSERT(sizes(packets) == expected);
        std::uint64_t offset = 0;
        for (std::size_t i = 0; i < packets.size(); i++) {
            const parsed_packet p = parse(packets[i]);
            CPPUNIT_ASSERT_EQUAL(std::int64_t(-1), p.immediate(HEAP_LENGTH_ID));
            const auto own = heap_pointers(p, 2, -1, offset);
            CPPUNIT_ASSERT_EQUAL(i == 0 ? std::size_t(2) : std::size_t(0), own.size());
            offset += p.payload.size();
        }
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(32768), offset);
    }

    void test_no_payload_is_one_packet()
    {
        heap_contents heap;
        heap.cnt = 3;
        heap.items.push_back(encoder_item::make_immediate(0x1600, 12345));
        heap.items.push_back(encoder_item::make_immediate(0x1601, 0));
        for (bool with_length : { true, false }) {
            const packet_list packets =
                encode_heap(heap, options(1472, flavour(), with_length));
            CPPUNIT_ASSERT_EQUAL(std::size_t(1), packets.size());
            const std::size_t n = with_length ? 6 : 5;
            CPPUNIT_ASSERT_EQUAL(8 + 8 * n, packets[0].size());
            const parsed_packet p = parse(packets[0]);
            const auto own = heap_pointers(p, 3, with_length ? 0 : -1, 0);
            CPPUNIT_ASSERT_EQUAL(std::size_t(2), own.size());
            expect_pointer(own[0], true, 0x1600, 12345);
            expect_pointer(own[1], true, 0x1601, 0);
        }
        // An empty heap too.
        heap_contents empty;
        empty.cnt = 4;
        const packet_list packets = encode_heap(empty, options(1472));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), packets.size());
        CPPUNIT_ASSERT_EQUAL(std::size_t(8 + 4 * 8), packets[0].size());
    }

    void test_stop_heap()
    {
        const packet_list packets = encode_stop_heap(22, options(1472));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), packets.size());
        const bytes expected = {
            0x53, 0x04, 0x03, 0x05, 0, 0, 0, 5,  //
            0x80, 0x00, 0x01, 0,    0, 0, 0, 22, // HEAP_CNT 22
            0x80, 0x00, 0x02, 0,    0, 0, 0, 0,  // HEAP_LENGTH 0
            0x80, 0x00, 0x03, 0,    0, 0, 0, 0,  // PAYLOAD_OFFSET 0
            0x80, 0x00, 0x04, 0,    0, 0, 0, 0,  // PAYLOAD_LENGTH 0
            0x80, 0x00, 0x06, 0,    0, 0, 0, 2,  // STREAM_CTRL = stop
        };
        CPPUNIT_ASSERT(packets[0] == expected);

        const packet_list p48 = encode_stop_heap(1, options(1472, flavour(4, 64, 48)));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), p48.size());
        const parsed_packet p = parse(p48[0]);
        const auto own = heap_pointers(p, 1, 0, 0);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), own.size());
        expect_pointer(own[0], true, STREAM_CTRL_ID, 2);
        CPPUNIT_ASSERT(p.payload.empty());
    }

    void test_stream_ctrl_before_items()
    {
        heap_contents heap;
        heap.cnt = 1;
        heap.stream_ctrl = std::int64_t(CTRL_STREAM_START);
        heap.items.push_back(encoder_item::make_addressed(0x1000, pattern(4, 0)));
        heap.items.push_back(encoder_item::make_immediate(0x1001, 5));
        const packet_list packets = encode_heap(heap, options(1472));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), packets.size());
        const auto own = heap_pointers(parse(packets[0]), 1, 4, 0);
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), own.size());
        expect_pointer(own[0], true, STREAM_CTRL_ID, 0);
        expect_pointer(own[1], false, 0x1000, 0);
        expect_pointer(own[2], true, 0x1001, 5);
    }

    void test_zero_length_items_keep_pointers()
    {
        heap_contents heap;
        heap.cnt = 2;
        heap.items.push_back(encoder_item::make_addressed(0x1000, {}));
        heap.items.push_back(encoder_item::make_addressed(0x1001, pattern(10, 9)));
        heap.items.push_back(encoder_item::make_addressed(0x1002, {}));
        const packet_list packets = encode_heap(heap, options(1472));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), packets.size());
        const parsed_packet p = parse(packets[0]);
        const auto own = heap_pointers(p, 2, 10, 0);
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), own.size());
        expect_pointer(own[0], false, 0x1000, 0);
        expect_pointer(own[1], false, 0x1001, 0);
        expect_pointer(own[2], false, 0x1002, 10);
        CPPUNIT_ASSERT(p.payload == pattern(10, 9));
    }

    // 8 immediates, 6 per packet at 96 bytes: two packets, so the payload is padded to
    // 8 + 1 bytes behind a NULL pointer at 0 and both packets carry some.
    void test_padding_when_pointers_spill()
    {
        heap_contents heap;
        heap.cnt = 5;
        for (std::uint64_t i = 0; i < 8; i++)
            heap.items.push_back(encoder_item::make_immediate(0x2000 + i, i));
        const packet_list packets = encode_heap(heap, options(96));
        CPPUNIT_ASSERT(sizes(packets) ==
                       (std::vector<std::size_t>{ 8 + 10 * 8 + 8, 8 + 7 * 8 + 1 }));
        const parsed_packet p0 = parse(packets[0]);
        const parsed_packet p1 = parse(packets[1]);
        heap_pointers(p0, 5, 9, 0);
        const auto own1 = heap_pointers(p1, 5, 9, 8);
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), own1.size());
        expect_pointer(own1[0], true, 0x2006, 6);
        expect_pointer(own1[1], true, 0x2007, 7);
        expect_pointer(own1[2], false, NULL_ID, 0);
        CPPUNIT_ASSERT(p0.payload == bytes(8, 0));
        CPPUNIT_ASSERT(p1.payload == bytes(1, 0));
    }

    // 12 immediates fill exactly two packets; the NULL pointer needs a third, so the
    // padding is 2 * 8 + 1 bytes.
    void test_padding_needing_extra_packet()
    {
        heap_contents heap;
        heap.cnt = 5;
        for (std::uint64_t i = 0; i < 12; i++)
            heap.items.push_back(encoder_item::make_immediate(0x2000 + i, i));
        const packet_list packets = encode_heap(heap, options(96));
        CPPUNIT_ASSERT(sizes(packets) ==
                       (std::vector<std::size_t>{ 96, 96, 8 + 5 * 8 + 1 }));
        const auto own2 = heap_pointers(parse(packets[2]), 5, 17, 16);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), own2.size());
        expect_pointer(own2[0], false, NULL_ID, 0);
    }

    // 5 bytes of data cannot reach the second pointer packet: padded to 9 bytes, the NULL
    // pointer at 5 ending the real item.
    void test_short_payload_padded_behind_null()
    {
        heap_contents heap;
        heap.cnt = 6;
        for (std::uint64_t i = 0; i < 8; i++)
            heap.items.push_back(encoder_item::make_immediate(0x2000 + i, i));
        heap.items.push_back(encoder_item::make_addressed(0x3000, pattern(5, 1)));
        const packet_list packets = encode_heap(heap, options(96));
        CPPUNIT_ASSERT(sizes(packets) == (std::vector<std::size_t>{ 96, 8 + 8 * 8 + 1 }));
        const parsed_packet p0 = parse(packets[0]);
        const parsed_packet p1 = parse(packets[1]);
        heap_pointers(p0, 6, 9, 0);
        const auto own1 = heap_pointers(p1, 6, 9, 8);
        CPPUNIT_ASSERT_EQUAL(std::size_t(4), own1.size());
        expect_pointer(own1[2], false, 0x3000, 0);
        expect_pointer(own1[3], false, NULL_ID, 5);
        bytes expected = pattern(5, 1);
        expected.resize(8, 0);
        CPPUNIT_ASSERT(p0.payload == expected);
        CPPUNIT_ASSERT(p1.payload == bytes(1, 0));
    }

    // A packet announces at most 65535 pointers, whatever max_packet_size allows.
    void test_pointer_count_capped_by_header_field()
    {
        heap_contents heap;
        heap.cnt = 1;
        const std::size_t n = 65531 + 10;
        for (std::size_t i = 0; i < n; i++)
            heap.items.push_back(encoder_item::make_immediate(0x1000, i));
        heap.items.push_back(encoder_item::make_addressed(0x2000, pattern(600000, 2)));
        const std::size_t max_size = std::size_t(1) << 20;
        const packet_list packets = encode_heap(heap, options(max_size));
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), packets.size());
        const parsed_packet p0 = parse(packets[0]);
        const parsed_packet p1 = parse(packets[1]);
        CPPUNIT_ASSERT_EQUAL(std::size_t(65535), p0.n_items);
        CPPUNIT_ASSERT_EQUAL(std::size_t(4 + 11), p1.n_items);
        // First packet filled to the size limit, the rest of the 600000 bytes after it.
        CPPUNIT_ASSERT_EQUAL(max_size, packets[0].size());
        const std::size_t first_payload = max_size - 8 - 65535 * 8;
        CPPUNIT_ASSERT_EQUAL(first_payload, p0.payload.size());
        CPPUNIT_ASSERT_EQUAL(600000 - first_payload, p1.payload.size());
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(first_payload),
                             std::uint64_t(p1.immediate(PAYLOAD_OFFSET_ID)));
    }

    void test_minimum_packet_size()
    {
        heap_contents heap;
        heap.items.push_back(encoder_item::make_addressed(0x1000, pattern(20, 0)));
        // 8 header + 4 * 8 packet pointers + 8 pointer + 8 payload = 56.
        const packet_list packets = encode_heap(heap, options(56));
        // 8 bytes beside the pointer, then the remaining 12 with no pointer: 40 + 12.
        CPPUNIT_ASSERT(sizes(packets) == (std::vector<std::size_t>{ 56, 52 }));
        expect_invalid([&] { encode_heap(heap, options(55)); },
                       { "max_packet_size", "55", "56" });
        expect_invalid([&] { encode_heap(heap, options(0)); },
                       { "max_packet_size", "56" });
        // Without HEAP_LENGTH, 48.
        CPPUNIT_ASSERT_EQUAL(std::size_t(48),
                             encode_heap(heap, options(48, flavour(), false))[0].size());
        expect_invalid([&] { encode_heap(heap, options(47, flavour(), false)); },
                       { "max_packet_size", "47", "48" });
        expect_invalid([&] { encode_stop_heap(1, options(40)); }, { "max_packet_size" });
    }

    void test_id_out_of_range()
    {
        const flavour f48(4, 64, 48);
        heap_contents ok48;
        ok48.items.push_back(encoder_item::make_immediate(0x7fff, 1));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1),
                             encode_heap(ok48, options(1472, f48)).size());
        heap_contents bad48;
        bad48.items.push_back(encoder_item::make_addressed(0x8000, pattern(4, 0)));
        expect_invalid([&] { encode_heap(bad48, options(1472, f48)); }, { "0x8000" });

        heap_contents ok40;
        ok40.items.push_back(encoder_item::make_immediate(0x7fffff, 1));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), encode_heap(ok40, options(1472)).size());
        heap_contents bad40;
        bad40.items.push_back(encoder_item::make_immediate(0x800000, 1));
        expect_invalid([&] { encode_heap(bad40, options(1472)); }, { "0x800000" });
    }

    void test_reserved_ids_rejected()
    {
        for (std::uint64_t id = HEAP_CNT_ID; id <= PAYLOAD_LENGTH_ID; id++) {
            heap_contents heap;
            heap.items.push_back(encoder_item::make_immediate(id, 1));
            expect_invalid([&] { encode_heap(heap, options(1472)); },
                           { "0x" + std::to_string(id) });
        }
        // NULL, DESCRIPTOR and STREAM_CTRL may be sent by hand.
        heap_contents heap;
        heap.items.push_back(encoder_item::make_addressed(NULL_ID, pattern(2, 0)));
        heap.items.push_back(encoder_item::make_immediate(STREAM_CTRL_ID, 3));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), encode_heap(heap, options(1472)).size());
    }

    void test_immediate_out_of_range()
    {
        const std::uint64_t two_40 = std::uint64_t(1) << 40;
        heap_contents heap;
        heap.items.push_back(encoder_item::make_immediate(0x1600, two_40 - 1));
        const auto own =
            heap_pointers(parse(encode_heap(heap, options(1472))[0]), 1, 0, 0);
        expect_pointer(own[0], true, 0x1600, two_40 - 1);

        heap.items[0].immediate_value = two_40;
        expect_invalid([&] { encode_heap(heap, options(1472)); },
                       { "0x1600", std::to_string(two_40) });
        // 2^40 fits 64-48, 2^48 does not.
        CPPUNIT_ASSERT_NO_THROW(encode_heap(heap, options(1472, flavour(4, 64, 48))));
        heap.items[0].immediate_value = std::uint64_t(1) << 48;
        expect_invalid([&] { encode_heap(heap, options(1472, flavour(4, 64, 48))); },
                       { "0x1600" });
    }

    void test_heap_cnt_and_stream_ctrl_out_of_range()
    {
        heap_contents heap;
        heap.cnt = std::uint64_t(1) << 40;
        expect_invalid([&] { encode_heap(heap, options(1472)); },
                       { "heap cnt", std::to_string(heap.cnt) });
        expect_invalid([&] { encode_stop_heap(heap.cnt, options(1472)); },
                       { "heap cnt" });
        heap.cnt = 1;
        heap.stream_ctrl = -2;
        expect_invalid([&] { encode_heap(heap, options(1472)); },
                       { "stream_ctrl", "-2" });
    }

    // SPEAD-64-8 addresses 255 payload bytes at most.
    void test_payload_beyond_address_width()
    {
        const flavour f8(4, 64, 8);
        heap_contents heap;
        heap.items.push_back(encoder_item::make_addressed(0x1000, pattern(200, 0)));
        CPPUNIT_ASSERT_NO_THROW(encode_heap(heap, options(1472, f8)));
        heap.items.push_back(encoder_item::make_addressed(0x1001, pattern(56, 0)));
        expect_invalid([&] { encode_heap(heap, options(1472, f8)); },
                       { "0x1001", "255" });
    }

    void test_concatenate_packets()
    {
        const packet_list packets =
            encode_heap(multi_packet_capture_heap(2), options(1472));
        const bytes joined = concatenate_packets(packets);
        CPPUNIT_ASSERT_EQUAL(std::size_t(22 * 1472 + 1320), joined.size());
        std::size_t at = 0;
        for (const auto& p : packets) {
            CPPUNIT_ASSERT(std::equal(p.begin(), p.end(), joined.begin() + at));
            at += p.size();
        }
        CPPUNIT_ASSERT(concatenate_packets({}).empty());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(qa_heap_encoder);
