/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// Round trips: heaps cut into packets by the encoder, read back through the decoders
// (decode_packet, simple_heap_collector / assemble_packet_stream, extract_heap_items,
// decode_descriptor, item_type), for SPEAD-64-40 and SPEAD-64-48 with every combination
// of bug_compat flags. Values are checked against the values sent, descriptors against
// the descriptors sent, and a few against numbers written out here.

#include <gnuradio/spead/protocol/descriptor.h>
#include <gnuradio/spead/protocol/heap_encoder.h>
#include <gnuradio/spead/protocol/heap_items.h>
#include <gnuradio/spead/protocol/item_ids.h>
#include <gnuradio/spead/protocol/item_type.h>
#include <gnuradio/spead/protocol/packet.h>
#include <gnuradio/spead/protocol/simple_heap.h>
#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>
#include <cstdint>
#include <cstring>
#include <map>
#include <string>
#include <vector>

using namespace gr::spead::protocol;

namespace {

using bytes = std::vector<std::uint8_t>;
using packet_list = std::vector<bytes>;

bytes pattern(std::size_t n, std::uint8_t seed)
{
    bytes out(n);
    for (std::size_t i = 0; i < n; i++)
        out[i] = std::uint8_t(seed + i * 13 + (i >> 8));
    return out;
}

std::string describe(const flavour& flav)
{
    return "SPEAD-64-" + std::to_string(flav.heap_address_bits()) + " bug_compat " +
           std::to_string(flav.bug_compat());
}

descriptor make_descriptor(std::uint64_t id,
                           const std::string& name,
                           std::vector<format_field> format,
                           std::vector<std::int64_t> shape,
                           const std::string& numpy_header = "")
{
    descriptor d;
    d.id = id;
    d.name = name;
    d.description = "round trip of " + name;
    d.format = std::move(format);
    d.shape = std::move(shape);
    d.numpy_header = numpy_header;
    return d;
}

constexpr std::uint64_t TIMESTAMP_ID = 0x1600;
constexpr std::uint64_t EMPTY_ID = 0x1609;

/// The items of the round trips: format-based and numpy-header-based, fixed and
/// variable shapes, bit-packed and record formats, one immediate, one 1-byte and one
/// empty item.
std::vector<descriptor> test_descriptors()
{
    return {
        make_descriptor(TIMESTAMP_ID, "timestamp", { { 'u', 40 } }, {}),
        make_descriptor(0x1601,
                        "seq",
                        {},
                        {},
                        "{'descr': '<u8', 'fortran_order': False, 'shape': ()}"),
        make_descriptor(0x1602,
                        "data",
                        {},
                        { 64, 2 },
                        "{'descr': '|i1', 'fortran_order': False, 'shape': (64, 2)}"),
        make_descriptor(0x1603,
                        "complex",
                        {},
                        {},
                        "{'descr': '<c8', 'fortran_order': True, 'shape': (3, 5)}"),
        make_descriptor(0x1604, "samples", { { 'i', 16 } }, { -1, 2 }),
        make_descriptor(0x1605, "label", { { 'c', 8 } }, { -1 }),
        make_descriptor(
            0x1606, "record", { { 'u', 8 }, { 'i', 32 }, { 'f', 64 } }, { 4 }),
        // Empty, so it shares its offset with the next item: the receiver must still
        // give that one its bytes.
        make_descriptor(EMPTY_ID, "empty", { { 'u', 32 } }, { 0 }),
        make_descriptor(0x1607, "packed", { { 'u', 12 } }, { -1 }),
        make_descriptor(0x160a, "flag", { { 'b', 8 } }, {}),
        make_descriptor(0x1608,
                        "doubles",
                        {},
                        {},
                        "{'descr': '>f8', 'fortran_order': False, 'shape': (7,)}"),
    };
}

/// One addressed value: its type, the value, and its wire bytes from item_type::encode.
struct sent_value {
    std::uint64_t id;
    item_type type;
    decoded_value value;
    bytes wire;
};

/**
 * Values for every addressed item of test_descriptors(): wire-sized patterns decoded into
 * values (so bit-packed and record types hold representable values), then encoded back.
 * \p seed varies the contents between heaps.
 */
std::vector<sent_value> test_values(int bug_compat, std::uint8_t seed)
{
    // Wire sizes: u8 scalar 8; i8 64x2 128; c8 3x5 120; i16 (100, 2) 400;
    // record 4 x (1 + 4 + 8) = 52; u12 x 10 = 15 bytes; b8 1; f8 x 7 = 56; the label
    // is text.
    const std::map<std::string, std::size_t> wire_sizes = {
        { "seq", 8 },   { "data", 128 },   { "complex", 120 }, { "samples", 400 },
        { "label", 0 }, { "record", 52 },  { "empty", 0 },     { "packed", 15 },
        { "flag", 1 },  { "doubles", 56 },
    };
    const std::vector<descriptor> descriptors = test_descriptors();
    std::vector<sent_value> out;
    for (std::size_t i = 1; i < descriptors.size(); i++) {
        const descriptor& d = descriptors[i];
        const item_type type = item_type::from_descriptor(d, bug_compat);
        bytes raw = pattern(wire_sizes.at(d.name), std::uint8_t(seed + i));
        if (d.name == "label") {
            const std::string text = "hello SPEAD " + std::to_string(seed);
            raw.assign(text.begin(), text.end());
        }
        const decoded_value value = type.decode(raw.data(), raw.size(), false);
        bytes wire = type.encode(value);
        out.push_back({ d.id, type, value, std::move(wire) });
    }
    return out;
}

std::uint64_t timestamp(int seed) { return 0xfedcba9876 - std::uint64_t(seed); }

heap_contents
value_heap(std::uint64_t cnt, const std::vector<sent_value>& values, int seed)
{
    heap_contents heap;
    heap.cnt = cnt;
    heap.items.push_back(encoder_item::make_immediate(TIMESTAMP_ID, timestamp(seed)));
    for (const auto& v : values)
        heap.items.push_back(encoder_item::make_addressed(v.id, v.wire));
    return heap;
}

/// Every packet decoded as a datagram and collected; also the same packets as one byte
/// stream through assemble_packet_stream, which must give the same heaps.
std::vector<simple_heap> receive(const packet_list& packets)
{
    simple_heap_collector collector;
    for (const auto& p : packets) {
        packet_view view;
        const packet_status status = decode_packet(p.data(), p.size(), view);
        CPPUNIT_ASSERT_EQUAL(std::string("ok"), std::string(to_string(status)));
        CPPUNIT_ASSERT_EQUAL(p.size(), view.size);
        CPPUNIT_ASSERT(collector.add(view));
    }
    std::vector<simple_heap> heaps = collector.take();

    const bytes stream = concatenate_packets(packets);
    const std::vector<simple_heap> from_stream =
        assemble_packet_stream(stream.data(), stream.size());
    CPPUNIT_ASSERT_EQUAL(heaps.size(), from_stream.size());
    for (std::size_t i = 0; i < heaps.size(); i++) {
        CPPUNIT_ASSERT_EQUAL(heaps[i].cnt, from_stream[i].cnt);
        CPPUNIT_ASSERT(heaps[i].raw_pointers == from_stream[i].raw_pointers);
        CPPUNIT_ASSERT(heaps[i].payload == from_stream[i].payload);
        CPPUNIT_ASSERT_EQUAL(heaps[i].heap_length, from_stream[i].heap_length);
    }
    return heaps;
}

/// The one heap the packets carry, checked complete.
simple_heap receive_one(const packet_list& packets,
                        std::uint64_t cnt,
                        bool sized,
                        const flavour& flav)
{
    std::vector<simple_heap> heaps = receive(packets);
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), heaps.size());
    const simple_heap& heap = heaps[0];
    CPPUNIT_ASSERT_EQUAL(cnt, heap.cnt);
    CPPUNIT_ASSERT_EQUAL(flav.heap_address_bits(), heap.heap_address_bits);
    CPPUNIT_ASSERT(heap.complete());
    if (sized)
        CPPUNIT_ASSERT_EQUAL(std::int64_t(heap.payload.size()), heap.heap_length);
    else
        CPPUNIT_ASSERT_EQUAL(std::int64_t(-1), heap.heap_length);
    return heaps[0];
}

std::vector<heap_item> items_with_id(const std::vector<heap_item>& items,
                                     std::uint64_t id)
{
    std::vector<heap_item> out;
    for (const auto& item : items)
        if (item.id == id)
            out.push_back(item);
    return out;
}

void check_descriptors(const simple_heap& heap,
                       const std::vector<heap_item>& items,
                       const std::vector<descriptor>& expected,
                       int bug_compat)
{
    const std::vector<heap_item> found = items_with_id(items, DESCRIPTOR_ID);
    CPPUNIT_ASSERT_EQUAL(expected.size(), found.size());
    for (std::size_t i = 0; i < found.size(); i++) {
        CPPUNIT_ASSERT(!found[i].immediate);
        const auto decoded = decode_descriptor(
            heap.payload.data() + found[i].offset, found[i].length, bug_compat);
        CPPUNIT_ASSERT(decoded.has_value());
        CPPUNIT_ASSERT_MESSAGE("descriptor " + expected[i].name, *decoded == expected[i]);
    }
}

void check_values(const simple_heap& heap,
                  const std::vector<heap_item>& items,
                  const std::vector<sent_value>& values,
                  int seed,
                  int address_bits,
                  int bug_compat)
{
    // The immediate timestamp, read as a u40 from the pointer's value field.
    const std::vector<heap_item> ts = items_with_id(items, TIMESTAMP_ID);
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), ts.size());
    CPPUNIT_ASSERT(ts[0].immediate);
    CPPUNIT_ASSERT_EQUAL(timestamp(seed), ts[0].value);
    bytes field(std::size_t(address_bits / 8));
    for (std::size_t i = 0; i < field.size(); i++)
        field[field.size() - 1 - i] = std::uint8_t(ts[0].value >> (8 * i));
    const item_type ts_type =
        item_type::from_descriptor(test_descriptors()[0], bug_compat);
    const decoded_value ts_value = ts_type.decode(field.data(), field.size(), true);
    std::uint64_t ts_decoded = 0;
    CPPUNIT_ASSERT_EQUAL(sizeof ts_decoded, ts_value.data.size());
    std::memcpy(&ts_decoded, ts_value.data.data(), sizeof ts_decoded);
    CPPUNIT_ASSERT_EQUAL(timestamp(seed), ts_decoded);

    for (const auto& v : values) {
        const std::vector<heap_item> found = items_with_id(items, v.id);
        if (v.wire.empty()) {
            // The pointer was sent (see qa_heap_encoder); receivers skip empty items.
            CPPUNIT_ASSERT(found.empty());
            continue;
        }
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), found.size());
        CPPUNIT_ASSERT(!found[0].immediate);
        CPPUNIT_ASSERT_EQUAL(v.wire.size(), found[0].length);
        const decoded_value got =
            v.type.decode(heap.payload.data() + found[0].offset, found[0].length, false);
        CPPUNIT_ASSERT(got.type == v.value.type);
        CPPUNIT_ASSERT(got.shape == v.value.shape);
        CPPUNIT_ASSERT_EQUAL(v.value.fortran_order, got.fortran_order);
        CPPUNIT_ASSERT_EQUAL(v.value.is_string, got.is_string);
        CPPUNIT_ASSERT(got.data == v.value.data);
    }
}

/// The flavours of every round trip: 64-40 and 64-48, each with all 8 bug_compat values.
std::vector<flavour> all_flavours()
{
    std::vector<flavour> out;
    for (int bits : { 40, 48 })
        for (int bug_compat = 0; bug_compat <= BUG_COMPAT_ALL; bug_compat++)
            out.emplace_back(4, 64, bits, bug_compat);
    return out;
}

encoder_options
options(const flavour& flav, std::size_t max_packet_size, bool sized = true)
{
    encoder_options o;
    o.flav = flav;
    o.max_packet_size = max_packet_size;
    o.include_heap_length = sized;
    return o;
}

} // namespace

class qa_heap_encoder_roundtrip : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(qa_heap_encoder_roundtrip);
    CPPUNIT_TEST(test_known_values_survive);
    CPPUNIT_TEST(test_start_heap_with_descriptors);
    CPPUNIT_TEST(test_descriptor_only_heap_over_small_packets);
    CPPUNIT_TEST(test_values_over_several_packet_sizes);
    CPPUNIT_TEST(test_unsized_heaps);
    CPPUNIT_TEST(test_descriptors_and_values_in_one_heap);
    CPPUNIT_TEST(test_immediate_only_heap);
    CPPUNIT_TEST(test_pointer_spill_padding_decodes);
    CPPUNIT_TEST(test_stop_heap);
    CPPUNIT_TEST(test_stream_of_heaps);
    CPPUNIT_TEST_SUITE_END();

public:
    // Values written out by hand, independently of item_type::encode.
    void test_known_values_survive()
    {
        for (const flavour& flav : all_flavours()) {
            heap_contents heap;
            heap.cnt = 77;
            heap.items.push_back(encoder_item::make_immediate(0x1600, 0x123456789a));
            heap.items.push_back(
                encoder_item::make_addressed(0x1601, { 0, 0, 0, 0, 0, 0, 0x01, 0x02 }));
            const std::string text = "SPEAD";
            heap.items.push_back(
                encoder_item::make_addressed(0x1602, bytes(text.begin(), text.end())));
            const simple_heap got =
                receive_one(encode_heap(heap, options(flav, 64)), 77, true, flav);
            const std::vector<heap_item> items = got.items();
            CPPUNIT_ASSERT_EQUAL(std::size_t(3), items.size());
            // Addressed items first (by offset), then the immediate.
            CPPUNIT_ASSERT(items[0] == (heap_item{ 0x1601, false, 0, 0, 8 }));
            CPPUNIT_ASSERT(items[1] == (heap_item{ 0x1602, false, 0, 8, 5 }));
            CPPUNIT_ASSERT(items[2] == (heap_item{ 0x1600, true, 0x123456789a, 0, 0 }));

            descriptor d_u64 = make_descriptor(0x1601, "u64", { { 'u', 64 } }, {});
            const decoded_value v = item_type::from_descriptor(d_u64, flav.bug_compat())
                                        .decode(got.payload.data(), 8, false);
            std::uint64_t number = 0;
            std::memcpy(&number, v.data.data(), sizeof number);
            CPPUNIT_ASSERT_EQUAL(std::uint64_t(0x0102), number);
            CPPUNIT_ASSERT(bytes(got.payload.begin() + 8, got.payload.end()) ==
                           bytes(text.begin(), text.end()));
        }
    }

    void test_start_heap_with_descriptors()
    {
        for (const flavour& flav : all_flavours()) {
            heap_contents heap;
            heap.cnt = 1;
            heap.stream_ctrl = std::int64_t(CTRL_STREAM_START);
            heap.descriptors = test_descriptors();
            const simple_heap got =
                receive_one(encode_heap(heap, options(flav, 1472)), 1, true, flav);
            const std::vector<heap_item> items = got.items();
            CPPUNIT_ASSERT_EQUAL(heap.descriptors.size() + 1, items.size());
            // Descriptors first, then STREAM_CTRL.
            CPPUNIT_ASSERT(items.back() == (heap_item{ STREAM_CTRL_ID, true, 0, 0, 0 }));
            check_descriptors(got, items, heap.descriptors, flav.bug_compat());
        }
    }

    void test_descriptor_only_heap_over_small_packets()
    {
        for (const flavour& flav : all_flavours()) {
            heap_contents heap;
            heap.cnt = 3;
            heap.descriptors = test_descriptors();
            for (std::size_t max_size : { 56, 96, 200, 1472 }) {
                const packet_list packets = encode_heap(heap, options(flav, max_size));
                if (max_size < 1472)
                    CPPUNIT_ASSERT(packets.size() > 1);
                for (const auto& p : packets)
                    CPPUNIT_ASSERT(p.size() <= max_size);
                const simple_heap got = receive_one(packets, 3, true, flav);
                const std::vector<heap_item> items = got.items();
                CPPUNIT_ASSERT_EQUAL(heap.descriptors.size(), items.size());
                check_descriptors(got, items, heap.descriptors, flav.bug_compat());
            }
        }
    }

    void test_values_over_several_packet_sizes()
    {
        for (const flavour& flav : all_flavours()) {
            const std::vector<sent_value> values = test_values(flav.bug_compat(), 5);
            std::uint64_t cnt = 10;
            for (std::size_t max_size : { 56, 64, 200, 1472, 9000 }) {
                const packet_list packets =
                    encode_heap(value_heap(cnt, values, 5), options(flav, max_size));
                for (const auto& p : packets)
                    CPPUNIT_ASSERT(p.size() <= max_size);
                const simple_heap got = receive_one(packets, cnt, true, flav);
                check_values(got,
                             got.items(),
                             values,
                             5,
                             flav.heap_address_bits(),
                             flav.bug_compat());
                cnt++;
            }
        }
    }

    void test_unsized_heaps()
    {
        for (const flavour& flav : all_flavours()) {
            const std::vector<sent_value> values = test_values(flav.bug_compat(), 9);
            for (std::size_t max_size : { 48, 200, 1472 }) {
                const packet_list packets = encode_heap(value_heap(20, values, 9),
                                                        options(flav, max_size, false));
                const simple_heap got = receive_one(packets, 20, false, flav);
                check_values(got,
                             got.items(),
                             values,
                             9,
                             flav.heap_address_bits(),
                             flav.bug_compat());
            }
        }
    }

    // What spead2's first heap looks like: descriptors, then the values they describe.
    void test_descriptors_and_values_in_one_heap()
    {
        for (const flavour& flav : all_flavours()) {
            const std::vector<sent_value> values = test_values(flav.bug_compat(), 1);
            heap_contents heap = value_heap(2, values, 1);
            heap.descriptors = test_descriptors();
            for (std::size_t max_size : { 120, 1472 }) {
                const simple_heap got = receive_one(
                    encode_heap(heap, options(flav, max_size)), 2, true, flav);
                const std::vector<heap_item> items = got.items();
                check_descriptors(got, items, heap.descriptors, flav.bug_compat());
                check_values(
                    got, items, values, 1, flav.heap_address_bits(), flav.bug_compat());
            }
        }
    }

    void test_immediate_only_heap()
    {
        for (const flavour& flav : all_flavours()) {
            heap_contents heap;
            heap.cnt = 30;
            heap.items.push_back(
                encoder_item::make_immediate(TIMESTAMP_ID, timestamp(4)));
            const packet_list packets = encode_heap(heap, options(flav, 1472));
            CPPUNIT_ASSERT_EQUAL(std::size_t(1), packets.size());
            const simple_heap got = receive_one(packets, 30, true, flav);
            CPPUNIT_ASSERT(got.payload.empty());
            check_values(
                got, got.items(), {}, 4, flav.heap_address_bits(), flav.bug_compat());
        }
    }

    // Many immediates over 64-byte packets and no payload: padded behind a NULL pointer,
    // which the receiver drops with the padding.
    void test_pointer_spill_padding_decodes()
    {
        for (const flavour& flav : all_flavours()) {
            heap_contents heap;
            heap.cnt = 40;
            for (std::uint64_t i = 0; i < 9; i++)
                heap.items.push_back(encoder_item::make_immediate(0x2000 + i, 1000 + i));
            heap.items.push_back(encoder_item::make_addressed(0x3000, { 7, 8, 9 }));
            const packet_list packets = encode_heap(heap, options(flav, 64));
            CPPUNIT_ASSERT(packets.size() > 1);
            const simple_heap got = receive_one(packets, 40, true, flav);
            const std::vector<heap_item> items = got.items();
            CPPUNIT_ASSERT_EQUAL(std::size_t(10), items.size());
            // The NULL pointer ends the item at its 3 bytes, before the padding.
            CPPUNIT_ASSERT(items[0] == (heap_item{ 0x3000, false, 0, 0, 3 }));
            for (std::uint64_t i = 0; i < 9; i++)
                CPPUNIT_ASSERT(items[1 + i] ==
                               (heap_item{ 0x2000 + i, true, 1000 + i, 0, 0 }));
            CPPUNIT_ASSERT(bytes(got.payload.begin(), got.payload.begin() + 3) ==
                           (bytes{ 7, 8, 9 }));
        }
    }

    void test_stop_heap()
    {
        for (const flavour& flav : all_flavours()) {
            const packet_list packets = encode_stop_heap(22, options(flav, 1472));
            CPPUNIT_ASSERT_EQUAL(std::size_t(1), packets.size());
            const simple_heap got = receive_one(packets, 22, true, flav);
            CPPUNIT_ASSERT(got.payload.empty());
            const std::vector<heap_item> items = got.items();
            CPPUNIT_ASSERT_EQUAL(std::size_t(1), items.size());
            CPPUNIT_ASSERT(items[0] ==
                           (heap_item{ STREAM_CTRL_ID, true, CTRL_STREAM_STOP, 0, 0 }));
        }
    }

    // A whole stream (start + descriptors, data heaps, descriptor reissue, stop) as one
    // byte stream, the way a memory buffer or TCP reader sees it.
    void test_stream_of_heaps()
    {
        for (const flavour& flav : all_flavours()) {
            const encoder_options opts = options(flav, 200);
            packet_list all;
            auto append = [&](const packet_list& packets) {
                all.insert(all.end(), packets.begin(), packets.end());
            };
            heap_contents start;
            start.cnt = 1;
            start.stream_ctrl = std::int64_t(CTRL_STREAM_START);
            start.descriptors = test_descriptors();
            append(encode_heap(start, opts));
            std::vector<std::vector<sent_value>> sent;
            for (int k = 0; k < 3; k++) {
                sent.push_back(test_values(flav.bug_compat(), std::uint8_t(k)));
                append(encode_heap(value_heap(2 + k, sent.back(), k), opts));
            }
            heap_contents reissue;
            reissue.cnt = 5;
            reissue.stream_ctrl = std::int64_t(CTRL_DESCRIPTOR_REISSUE);
            reissue.descriptors = test_descriptors();
            append(encode_heap(reissue, opts));
            append(encode_stop_heap(6, opts));

            const std::vector<simple_heap> heaps = receive(all);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(describe(flav), std::size_t(6), heaps.size());
            for (std::size_t i = 0; i < heaps.size(); i++) {
                CPPUNIT_ASSERT_EQUAL(std::uint64_t(i + 1), heaps[i].cnt);
                CPPUNIT_ASSERT(heaps[i].complete());
            }
            check_descriptors(
                heaps[0], heaps[0].items(), start.descriptors, flav.bug_compat());
            for (int k = 0; k < 3; k++)
                check_values(heaps[1 + k],
                             heaps[1 + k].items(),
                             sent[k],
                             k,
                             flav.heap_address_bits(),
                             flav.bug_compat());
            const std::vector<heap_item> reissued = heaps[4].items();
            check_descriptors(heaps[4], reissued, reissue.descriptors, flav.bug_compat());
            CPPUNIT_ASSERT(
                reissued.back() ==
                (heap_item{ STREAM_CTRL_ID, true, CTRL_DESCRIPTOR_REISSUE, 0, 0 }));
            CPPUNIT_ASSERT(heaps[5].items()[0] ==
                           (heap_item{ STREAM_CTRL_ID, true, CTRL_STREAM_STOP, 0, 0 }));
        }
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(qa_heap_encoder_roundtrip);
