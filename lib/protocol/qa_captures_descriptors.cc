/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// The descriptors of spead2's reference captures (heap 1 of each file), decoded and
// checked against tests/data/captures/README.md; then re-encoded, which must give back
// the very bytes spead2 sent.

#include <gnuradio/spead/protocol/descriptor.h>
#include <gnuradio/spead/protocol/item_ids.h>
#include <gnuradio/spead/protocol/numpy_header.h>
#include <gnuradio/spead/protocol/packet.h>
#include <gnuradio/spead/protocol/pcap_file.h>
#include <gnuradio/spead/protocol/simple_heap.h>
#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>
#include <cstdint>
#include <string>
#include <vector>

namespace gr {
namespace spead {
namespace protocol {

namespace {

using bytes = std::vector<std::uint8_t>;

/// One DESCRIPTOR item of a capture: its raw value and what it decodes to.
struct captured_descriptor {
    bytes raw;
    descriptor desc;
};

/// Decodes every DESCRIPTOR item of heap 1 of a capture file.
std::vector<captured_descriptor> read_descriptors(const std::string& file,
                                                  int address_bits)
{
    const std::vector<udp_datagram> datagrams =
        read_pcap_udp(std::string(SPEAD_CAPTURES_DIR) + "/" + file);
    simple_heap_collector collector;
    for (const udp_datagram& d : datagrams) {
        packet_view packet;
        CPPUNIT_ASSERT(decode_packet(d.payload.data(), d.payload.size(), packet) ==
                       packet_status::ok);
        CPPUNIT_ASSERT_EQUAL(address_bits, packet.heap_address_bits);
        if (packet.heap_cnt == 1)
            CPPUNIT_ASSERT(collector.add(packet));
    }
    const std::vector<simple_heap> heaps = collector.take();
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), heaps.size());
    const simple_heap& heap = heaps.front();
    CPPUNIT_ASSERT(heap.complete());

    std::vector<captured_descriptor> out;
    for (const heap_item& item : heap.items()) {
        CPPUNIT_ASSERT_EQUAL(DESCRIPTOR_ID, item.id);
        CPPUNIT_ASSERT(!item.immediate);
        captured_descriptor c;
        c.raw.assign(heap.payload.begin() + std::ptrdiff_t(item.offset),
                     heap.payload.begin() + std::ptrdiff_t(item.offset + item.length));
        const auto desc = decode_descriptor(c.raw.data(), c.raw.size(), 0);
        CPPUNIT_ASSERT(desc.has_value());
        c.desc = *desc;
        out.push_back(std::move(c));
    }
    return out;
}

void check_timestamp(const descriptor& d)
{
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(0x1600), d.id);
    CPPUNIT_ASSERT_EQUAL(std::string("timestamp"), d.name);
    CPPUNIT_ASSERT_EQUAL(std::string("ADC sample count of first sample (immediate)"),
                         d.description);
    CPPUNIT_ASSERT(d.format == std::vector<format_field>({ { 'u', 40 } }));
    CPPUNIT_ASSERT(d.shape.empty());
    CPPUNIT_ASSERT(d.numpy_header.empty());
}

void check_numpy_item(const descriptor& d,
                      std::uint64_t id,
                      const std::string& name,
                      const std::string& description,
                      const dtype& type,
                      const std::vector<std::int64_t>& shape)
{
    CPPUNIT_ASSERT_EQUAL(id, d.id);
    CPPUNIT_ASSERT_EQUAL(name, d.name);
    CPPUNIT_ASSERT_EQUAL(description, d.description);
    // spead2 sends no format with a numpy header, but still the shape.
    CPPUNIT_ASSERT(d.format.empty());
    CPPUNIT_ASSERT(d.shape == shape);
    const numpy_header h = parse_numpy_header(d.numpy_header);
    CPPUNIT_ASSERT(h.type == type);
    CPPUNIT_ASSERT(!h.fortran_order);
    CPPUNIT_ASSERT(h.shape == shape);
}

void check_single_packet_file(const std::string& file, int address_bits)
{
    const auto descriptors = read_descriptors(file, address_bits);
    CPPUNIT_ASSERT_EQUAL(std::size_t(3), descriptors.size());
    check_timestamp(descriptors[0].desc);
    check_numpy_item(descriptors[1].desc,
                     0x1601,
                     "seq",
                     "Heap sequence number (8-byte payload scalar)",
                     dtype::scalar(dtype::kind::unsigned_int, 8, '<'),
                     {});
    check_numpy_item(descriptors[2].desc,
                     0x1602,
                     "data",
                     "4096 complex int8 samples as (re, im) pairs",
                     dtype::scalar(dtype::kind::signed_int, 1, '|'),
                     { 4096, 2 });
}

/// Our encoder must reproduce spead2's bytes exactly.
void check_reencoding(const std::string& file, int address_bits)
{
    for (const captured_descriptor& c : read_descriptors(file, address_bits)) {
        const bytes encoded = encode_descriptor(c.desc, flavour(4, 64, address_bits, 0));
        CPPUNIT_ASSERT_MESSAGE(file + ": " + c.desc.name, encoded == c.raw);
    }
}

} // namespace

class qa_captures_descriptors : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(qa_captures_descriptors);
    CPPUNIT_TEST(test_64_40_single_packet);
    CPPUNIT_TEST(test_64_48_single_packet);
    CPPUNIT_TEST(test_64_40_multi_packet);
    CPPUNIT_TEST(test_reencoding_gives_spead2_bytes);
    CPPUNIT_TEST_SUITE_END();

public:
    void test_64_40_single_packet()
    {
        check_single_packet_file("spead2_64_40_single_packet.pcap", 40);
    }

    void test_64_48_single_packet()
    {
        check_single_packet_file("spead2_64_48_single_packet.pcap", 48);
    }

    void test_64_40_multi_packet()
    {
        // This file has no "seq" item: its descriptor heap carries two descriptors.
        const auto descriptors = read_descriptors("spead2_64_40_multi_packet.pcap", 40);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), descriptors.size());
        check_timestamp(descriptors[0].desc);
        check_numpy_item(descriptors[1].desc,
                         0x1602,
                         "data",
                         "4096 complex64 samples",
                         dtype::scalar(dtype::kind::complex, 8, '<'),
                         { 4096 });
    }

    void test_reencoding_gives_spead2_bytes()
    {
        check_reencoding("spead2_64_40_single_packet.pcap", 40);
        check_reencoding("spead2_64_48_single_packet.pcap", 48);
        check_reencoding("spead2_64_40_multi_packet.pcap", 40);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(qa_captures_descriptors);

} // namespace protocol
} // namespace spead
} // namespace gr
