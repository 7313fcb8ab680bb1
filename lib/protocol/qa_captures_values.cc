/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// Every value of spead2's reference captures, decoded through the protocol layer
// (pcap -> packets -> heaps -> descriptors -> item_type) and checked against what
// tests/data/captures/README.md states they contain.

#include <gnuradio/spead/protocol/descriptor.h>
#include <gnuradio/spead/protocol/item_ids.h>
#include <gnuradio/spead/protocol/item_type.h>
#include <gnuradio/spead/protocol/packet.h>
#include <gnuradio/spead/protocol/pcap_file.h>
#include <gnuradio/spead/protocol/simple_heap.h>
#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>
#include <algorithm>
#include <complex>
#include <cstdint>
#include <cstring>
#include <map>
#include <string>
#include <vector>

using namespace gr::spead::protocol;

namespace {

constexpr std::uint64_t TIMESTAMP_ID = 0x1600;
constexpr std::uint64_t SEQ_ID = 0x1601;
constexpr std::uint64_t DATA_ID = 0x1602;
constexpr std::size_t DATA_HEAPS = 20;
constexpr std::size_t CHANNELS = 4096;

std::string capture_path(const std::string& name)
{
    return std::string(SPEAD_CAPTURES_DIR) + "/" + name;
}

/// Every heap of a capture, assembled in order of first packet.
std::vector<simple_heap> read_heaps(const std::string& name)
{
    const std::vector<udp_datagram> datagrams = read_pcap_udp(capture_path(name));
    CPPUNIT_ASSERT(!datagrams.empty());
    simple_heap_collector collector;
    for (const auto& datagram : datagrams) {
        packet_view packet;
        CPPUNIT_ASSERT(decode_packet(datagram.payload.data(),
                                     datagram.payload.size(),
                                     packet) == packet_status::ok);
        CPPUNIT_ASSERT(collector.add(packet));
    }
    return collector.take();
}

/// The item types the descriptor heap (cnt 1) declares, by item ID.
std::map<std::uint64_t, item_type>
types_from_descriptors(const simple_heap& heap,
                       std::map<std::uint64_t, std::string>& names)
{
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), heap.cnt);
    CPPUNIT_ASSERT(heap.complete());
    std::map<std::uint64_t, item_type> types;
    for (const heap_item& item : heap.items()) {
        CPPUNIT_ASSERT_EQUAL(DESCRIPTOR_ID, item.id);
        CPPUNIT_ASSERT(!item.immediate);
        CPPUNIT_ASSERT(item.offset + item.length <= heap.payload.size());
        const auto desc =
            decode_descriptor(heap.payload.data() + item.offset, item.length, 0);
        CPPUNIT_ASSERT(desc.has_value());
        names[desc->id] = desc->name;
        types.emplace(desc->id, item_type::from_descriptor(*desc, 0));
    }
    return types;
}

/// The pointer's value field as the A/8 big-endian bytes an immediate decode expects.
std::vector<std::uint8_t> immediate_bytes(std::uint64_t value, int heap_address_bits)
{
    std::vector<std::uint8_t> out(std::size_t(heap_address_bits / 8));
    for (std::size_t i = out.size(); i-- > 0;) {
        out[i] = std::uint8_t(value);
        value >>= 8;
    }
    return out;
}

decoded_value
decode_item(const item_type& type, const simple_heap& heap, const heap_item& item)
{
    if (item.immediate) {
        const auto field = immediate_bytes(item.value, heap.heap_address_bits);
        return type.decode(field.data(), field.size(), true);
    }
    CPPUNIT_ASSERT(item.offset + item.length <= heap.payload.size());
    return type.decode(heap.payload.data() + item.offset, item.length, false);
}

template <typename T>
T element(const decoded_value& value, std::size_t index)
{
    T out;
    CPPUNIT_ASSERT((index + 1) * sizeof(T) <= value.data.size());
    std::memcpy(&out, value.data.data() + index * sizeof(T), sizeof(T));
    return out;
}

dtype native(dtype::kind kind, std::size_t itemsize)
{
    return dtype::scalar(kind, itemsize, dtype::native_byte_order());
}

void check_timestamp(const item_type& type, const decoded_value& value, std::size_t k)
{
    CPPUNIT_ASSERT(!type.is_byte_aligned());
    CPPUNIT_ASSERT_EQUAL(std::size_t(40), type.element_bits());
    CPPUNIT_ASSERT(value.type == native(dtype::kind::unsigned_int, 8));
    CPPUNIT_ASSERT(value.shape.empty());
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(1000000 + 8192 * k),
                         element<std::uint64_t>(value, 0));
}

void check_seq(const decoded_value& value, std::size_t k)
{
    CPPUNIT_ASSERT(value.type == native(dtype::kind::unsigned_int, 8));
    CPPUNIT_ASSERT(value.shape.empty());
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(k), element<std::uint64_t>(value, 0));
}

/// '|i1' (4096, 2): re = ((i + k) % 256) - 128, im = -re clipped to int8.
void check_int8_pairs(const decoded_value& value, std::size_t k)
{
    CPPUNIT_ASSERT(value.type == dtype::scalar(dtype::kind::signed_int, 1, '|'));
    CPPUNIT_ASSERT(value.shape == (std::vector<std::size_t>{ CHANNELS, 2 }));
    CPPUNIT_ASSERT(!value.fortran_order);
    CPPUNIT_ASSERT_EQUAL(CHANNELS * 2, value.data.size());
    for (std::size_t i = 0; i < CHANNELS; i++) {
        const int re = int((i + k) % 256) - 128;
        const int im = std::min(-re, 127);
        CPPUNIT_ASSERT_EQUAL(re, int(element<std::int8_t>(value, 2 * i)));
        CPPUNIT_ASSERT_EQUAL(im, int(element<std::int8_t>(value, 2 * i + 1)));
    }
}

/// '<c8' (4096,): arange(4096) + 1j * k.
void check_complex64(const decoded_value& value, std::size_t k)
{
    CPPUNIT_ASSERT(value.type == native(dtype::kind::complex, 8));
    CPPUNIT_ASSERT(value.shape == std::vector<std::size_t>{ CHANNELS });
    CPPUNIT_ASSERT_EQUAL(CHANNELS * 8, value.data.size());
    for (std::size_t i = 0; i < CHANNELS; i++) {
        const auto sample = element<std::complex<float>>(value, i);
        CPPUNIT_ASSERT_EQUAL(float(i), sample.real());
        CPPUNIT_ASSERT_EQUAL(float(k), sample.imag());
    }
}

/// Decodes and checks every value of a capture; \p multi_packet selects the '<c8' layout.
void check_capture(const std::string& name, bool multi_packet)
{
    const std::vector<simple_heap> heaps = read_heaps(name);
    CPPUNIT_ASSERT_EQUAL(DATA_HEAPS + 2, heaps.size());

    std::map<std::uint64_t, std::string> names;
    const auto types = types_from_descriptors(heaps.front(), names);
    // The README's common layout says three descriptors; the multi-packet file has no
    // "seq" item and carries only the two it uses.
    CPPUNIT_ASSERT_EQUAL(std::size_t(multi_packet ? 2 : 3), types.size());
    CPPUNIT_ASSERT_EQUAL(std::string("timestamp"), names.at(TIMESTAMP_ID));
    CPPUNIT_ASSERT_EQUAL(std::string("data"), names.at(DATA_ID));
    if (!multi_packet)
        CPPUNIT_ASSERT_EQUAL(std::string("seq"), names.at(SEQ_ID));

    const std::size_t items_per_heap = multi_packet ? 2 : 3;
    std::size_t checked = 0;
    for (std::size_t k = 0; k < DATA_HEAPS; k++) {
        const simple_heap& heap = heaps[k + 1];
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(k + 2), heap.cnt);
        CPPUNIT_ASSERT(heap.complete());
        std::size_t values = 0;
        for (const heap_item& item : heap.items()) {
            if (item.id <= MAX_CONTROL_ID)
                continue;
            const item_type& type = types.at(item.id);
            const decoded_value value = decode_item(type, heap, item);
            values++;
            if (item.id == TIMESTAMP_ID) {
                CPPUNIT_ASSERT(item.immediate);
                check_timestamp(type, value, k);
            } else if (item.id == SEQ_ID && !multi_packet) {
                check_seq(value, k);
            } else if (item.id == DATA_ID) {
                if (multi_packet)
                    check_complex64(value, k);
                else
                    check_int8_pairs(value, k);
            } else {
                CPPUNIT_FAIL("unexpected item " + std::to_string(item.id) + " in " +
                             name);
            }
        }
        CPPUNIT_ASSERT_EQUAL(items_per_heap, values);
        checked += values;
    }
    CPPUNIT_ASSERT_EQUAL(items_per_heap * DATA_HEAPS, checked);

    // The last heap is the stop heap: control items only.
    const simple_heap& stop = heaps.back();
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(DATA_HEAPS + 2), stop.cnt);
    bool stop_seen = false;
    for (const heap_item& item : stop.items()) {
        CPPUNIT_ASSERT(item.id <= MAX_CONTROL_ID);
        stop_seen = stop_seen || (item.id == STREAM_CTRL_ID && item.immediate &&
                                  item.value == CTRL_STREAM_STOP);
    }
    CPPUNIT_ASSERT(stop_seen);
}

} // namespace

class qa_captures_values : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(qa_captures_values);
    CPPUNIT_TEST(test_64_40_single_packet);
    CPPUNIT_TEST(test_64_48_single_packet);
    CPPUNIT_TEST(test_64_40_multi_packet);
    CPPUNIT_TEST_SUITE_END();

public:
    void test_64_40_single_packet()
    {
        check_capture("spead2_64_40_single_packet.pcap", false);
    }
    void test_64_48_single_packet()
    {
        check_capture("spead2_64_48_single_packet.pcap", false);
    }
    void test_64_40_multi_packet()
    {
        check_capture("spead2_64_40_multi_packet.pcap", true);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(qa_captures_values);
