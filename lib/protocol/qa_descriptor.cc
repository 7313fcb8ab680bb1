/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// The descriptor bytes below were worked out by hand from SPEAD-PROTOCOL.md sections 1,
// 2, 3 and 5 (field widths per flavour and the bug_compat table of section 6), in the
// item order spead2 writes, so that both the decoder and the encoder are checked against
// them.

#include "qa_packet_builder.h"
#include <gnuradio/spead/protocol/decode_error.h>
#include <gnuradio/spead/protocol/descriptor.h>
#include <gnuradio/spead/protocol/flavour.h>
#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>
#include <stdexcept>
#include <string>
#include <vector>

namespace gr {
namespace spead {
namespace protocol {

namespace {

using bytes = std::vector<std::uint8_t>;

/// Bytes from text like "53 04 03 05"; whitespace is ignored.
bytes hex(const std::string& text)
{
    bytes out;
    int high = -1;
    for (const char c : text) {
        int v;
        if (c >= '0' && c <= '9')
            v = c - '0';
        else if (c >= 'a' && c <= 'f')
            v = c - 'a' + 10;
        else
            continue;
        if (high < 0) {
            high = v;
        } else {
            out.push_back(std::uint8_t(high * 16 + v));
            high = -1;
        }
    }
    return out;
}

bytes ascii(const std::string& text) { return bytes(text.begin(), text.end()); }

bytes concat(bytes a, const bytes& b)
{
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

// id 0x1234, name "ab", description "xyz", format [('u', 12), ('i', 4)], shape (5, None).

// SPEAD-64-40: format fields 1 + 3 bytes, shape dimensions 1 + 5 bytes; payload 25 bytes.
const bytes sample_64_40 = hex("53 04 03 05 00 00 00 09"
                               "80 00 01 00 00 00 00 01" // HEAP_CNT 1
                               "80 00 02 00 00 00 00 19" // HEAP_LENGTH 25
                               "80 00 03 00 00 00 00 00" // PAYLOAD_OFFSET 0
                               "80 00 04 00 00 00 00 19" // PAYLOAD_LENGTH 25
                               "80 00 14 00 00 00 12 34" // DESCRIPTOR_ID 0x1234
                               "00 00 10 00 00 00 00 00" // NAME @0
                               "00 00 11 00 00 00 00 02" // DESCRIPTION @2
                               "00 00 13 00 00 00 00 05" // FORMAT @5
                               "00 00 12 00 00 00 00 0d" // SHAPE @13
                               "61 62 78 79 7a"          // "ab" "xyz"
                               "75 00 00 0c 69 00 00 04" // u12 i4
                               "00 00 00 00 00 05"       // 5
                               "01 00 00 00 00 00");     // variable

// SPEAD-64-48: format fields 1 + 2 bytes, shape dimensions 1 + 6 bytes; payload 25 bytes.
const bytes sample_64_48 = hex("53 04 02 06 00 00 00 09"
                               "80 01 00 00 00 00 00 01"
                               "80 02 00 00 00 00 00 19"
                               "80 03 00 00 00 00 00 00"
                               "80 04 00 00 00 00 00 19"
                               "80 14 00 00 00 00 12 34"
                               "00 10 00 00 00 00 00 00"
                               "00 11 00 00 00 00 00 02"
                               "00 13 00 00 00 00 00 05"
                               "00 12 00 00 00 00 00 0b" // SHAPE @11
                               "61 62 78 79 7a"
                               "75 00 0c 69 00 04"
                               "00 00 00 00 00 00 05"
                               "01 00 00 00 00 00 00");

// SPEAD-64-48 as PySPEAD 0.5.2 sends it: 4-byte format fields, 8-byte dimensions and the
// variable flag in bit 1; payload 2 + 3 + 8 + 16 = 29 bytes.
const bytes sample_pyspead = hex("53 04 02 06 00 00 00 09"
                                 "80 01 00 00 00 00 00 01"
                                 "80 02 00 00 00 00 00 1d"
                                 "80 03 00 00 00 00 00 00"
                                 "80 04 00 00 00 00 00 1d"
                                 "80 14 00 00 00 00 12 34"
                                 "00 10 00 00 00 00 00 00"
                                 "00 11 00 00 00 00 00 02"
                                 "00 13 00 00 00 00 00 05"
                                 "00 12 00 00 00 00 00 0d"
                                 "61 62 78 79 7a"
                                 "75 00 00 0c 69 00 00 04"
                                 "00 00 00 00 00 00 00 05"
                                 "02 00 00 00 00 00 00 00");

descriptor sample_descriptor()
{
    descriptor d;
    d.id = 0x1234;
    d.name = "ab";
    d.description = "xyz";
    d.format = { { 'u', 12 }, { 'i', 4 } };
    d.shape = { 5, -1 };
    return d;
}

std::optional<descriptor> decode(const bytes& b, int bug_compat)
{
    return decode_descriptor(b.data(), b.size(), bug_compat);
}

void assert_rejected(const bytes& b, int bug_compat, const std::string& needle)
{
    try {
        decode(b, bug_compat);
    } catch (const decode_error& e) {
        const std::string what = e.what();
        CPPUNIT_ASSERT_MESSAGE("message '" + what + "' should mention '" + needle + "'",
                               what.find(needle) != std::string::npos);
        return;
    }
    CPPUNIT_FAIL("malformed descriptor accepted (expected '" + needle + "')");
}

void assert_encode_rejected(const descriptor& d,
                            const flavour& f,
                            const std::string& needle)
{
    try {
        encode_descriptor(d, f);
    } catch (const std::invalid_argument& e) {
        const std::string what = e.what();
        CPPUNIT_ASSERT_MESSAGE("message '" + what + "' should mention '" + needle + "'",
                               what.find(needle) != std::string::npos);
        return;
    }
    CPPUNIT_FAIL("encode_descriptor accepted a descriptor that does not fit ('" + needle +
                 "')");
}

/// Replaces the 8 bytes of item pointer \p index (0-based) of the first packet.
bytes with_pointer(bytes b, std::size_t index, const std::string& pointer_hex)
{
    const bytes p = hex(pointer_hex);
    std::copy(p.begin(), p.end(), b.begin() + 8 + 8 * std::ptrdiff_t(index));
    return b;
}

} // namespace

class qa_descriptor : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(qa_descriptor);
    CPPUNIT_TEST(test_decode_64_40);
    CPPUNIT_TEST(test_decode_64_48);
    CPPUNIT_TEST(test_decode_pyspead_bug_compat);
    CPPUNIT_TEST(test_decode_shape_bit_1);
    CPPUNIT_TEST(test_decode_descriptor_widths_flag_alone);
    CPPUNIT_TEST(test_swap_endian_does_not_affect_descriptors);
    CPPUNIT_TEST(test_decode_two_packets_immediate_name_and_dtype);
    CPPUNIT_TEST(test_decode_without_id);
    CPPUNIT_TEST(test_encode_matches_hand_built_bytes);
    CPPUNIT_TEST(test_round_trip_all_flavours_and_bug_compat);
    CPPUNIT_TEST(test_round_trip_other_address_widths);
    CPPUNIT_TEST(test_encode_limits);
    CPPUNIT_TEST(test_malformed_packets_rejected);
    CPPUNIT_TEST(test_partial_fields_ignored);
    CPPUNIT_TEST(test_two_variable_dimensions_kept);
    CPPUNIT_TEST(test_repeated_format_and_shape_add_fields);
    CPPUNIT_TEST(test_two_heaps_or_incomplete_heap_rejected);
    CPPUNIT_TEST(test_every_truncation_rejected);
    CPPUNIT_TEST_SUITE_END();

public:
    void test_decode_64_40()
    {
        const auto d = decode(sample_64_40, 0);
        CPPUNIT_ASSERT(d.has_value());
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0x1234), d->id);
        CPPUNIT_ASSERT_EQUAL(std::string("ab"), d->name);
        CPPUNIT_ASSERT_EQUAL(std::string("xyz"), d->description);
        CPPUNIT_ASSERT(d->format ==
                       std::vector<format_field>({ { 'u', 12 }, { 'i', 4 } }));
        CPPUNIT_ASSERT(d->shape == std::vector<std::int64_t>({ 5, -1 }));
        CPPUNIT_ASSERT(d->numpy_header.empty());
    }

    void test_decode_64_48()
    {
        const auto d = decode(sample_64_48, 0);
        CPPUNIT_ASSERT(d.has_value());
        CPPUNIT_ASSERT(*d == sample_descriptor());
    }

    void test_decode_pyspead_bug_compat()
    {
        CPPUNIT_ASSERT(decode(sample_pyspead, BUG_COMPAT_PYSPEAD_0_5_2) ==
                       sample_descriptor());
        CPPUNIT_ASSERT(decode(sample_pyspead,
                              BUG_COMPAT_DESCRIPTOR_WIDTHS | BUG_COMPAT_SHAPE_BIT_1) ==
                       sample_descriptor());
        // Without the width flag, whole 3-byte format fields and 7-byte dimensions are
        // read and the 2 bytes left of each ignored, as spead2 does: the format is
        // "75 00 00" "0c 69 00", the shape "00 00 00 00 00 00 00" "05 02 00 00 00 00 00",
        // whose flag byte 0x05 has bit 0 set.
        const std::vector<format_field> misread_format = { { 'u', 0 },
                                                           { '\x0c', 0x6900 } };
        for (const int bug_compat : { 0, int(BUG_COMPAT_SWAP_ENDIAN) }) {
            const auto d = decode(sample_pyspead, bug_compat);
            CPPUNIT_ASSERT(d.has_value());
            CPPUNIT_ASSERT_EQUAL(std::string("ab"), d->name);
            CPPUNIT_ASSERT(d->format == misread_format);
            CPPUNIT_ASSERT(d->shape == std::vector<std::int64_t>({ 0, -1 }));
        }
        // With bit 1 as the flag, 0x05 is not variable: its size bytes give 2 << 40.
        const auto bit_1 = decode(sample_pyspead, BUG_COMPAT_SHAPE_BIT_1);
        CPPUNIT_ASSERT(bit_1->format == misread_format);
        CPPUNIT_ASSERT(bit_1->shape ==
                       std::vector<std::int64_t>({ 0, std::int64_t(0x020000000000) }));
    }

    void test_decode_shape_bit_1()
    {
        // In 64-40 the flag 0x01 is only a variable marker without
        // BUG_COMPAT_SHAPE_BIT_1; with it, that dimension reads as its (zero) size.
        const auto d = decode(sample_64_40, BUG_COMPAT_SHAPE_BIT_1);
        CPPUNIT_ASSERT(d.has_value());
        CPPUNIT_ASSERT(d->shape == std::vector<std::int64_t>({ 5, 0 }));
        // And 0x02 with the flag set is variable: flip the flag byte of dimension 1.
        bytes flipped = sample_64_40;
        flipped[flipped.size() - 6] = 0x02;
        CPPUNIT_ASSERT(decode(flipped, BUG_COMPAT_SHAPE_BIT_1)->shape ==
                       std::vector<std::int64_t>({ 5, -1 }));
        CPPUNIT_ASSERT(decode(flipped, 0)->shape == std::vector<std::int64_t>({ 5, 0 }));
        // Other bits of the flag byte do not matter.
        flipped[flipped.size() - 6] = 0xfd;
        CPPUNIT_ASSERT(decode(flipped, 0)->shape == std::vector<std::int64_t>({ 5, -1 }));
        CPPUNIT_ASSERT(decode(flipped, BUG_COMPAT_SHAPE_BIT_1)->shape ==
                       std::vector<std::int64_t>({ 5, 0 }));
    }

    void test_decode_descriptor_widths_flag_alone()
    {
        // PySPEAD widths with the usual 0x01 flag: bit 1 set is then not variable.
        const auto d = decode(sample_pyspead, BUG_COMPAT_DESCRIPTOR_WIDTHS);
        CPPUNIT_ASSERT(d.has_value());
        CPPUNIT_ASSERT(d->format ==
                       std::vector<format_field>({ { 'u', 12 }, { 'i', 4 } }));
        CPPUNIT_ASSERT(d->shape == std::vector<std::int64_t>({ 5, 0 }));
        // 64-40 format fields are 4 bytes anyway; of its 12 shape bytes one 8-byte
        // dimension "00 00 00 00 00 05 01 00" is read, the rest ignored.
        const auto d40 = decode(sample_64_40, BUG_COMPAT_DESCRIPTOR_WIDTHS);
        CPPUNIT_ASSERT(d40->format ==
                       std::vector<format_field>({ { 'u', 12 }, { 'i', 4 } }));
        CPPUNIT_ASSERT(d40->shape == std::vector<std::int64_t>({ 0x050100 }));
        // 64-48's 6 format bytes hold one 4-byte field "75 00 0c 69", its 14 shape
        // bytes one dimension "00 00 00 00 00 00 05 01".
        const auto d48 = decode(sample_64_48, BUG_COMPAT_DESCRIPTOR_WIDTHS);
        CPPUNIT_ASSERT(d48->format == std::vector<format_field>({ { 'u', 0x0c69 } }));
        CPPUNIT_ASSERT(d48->shape == std::vector<std::int64_t>({ 0x0501 }));
    }

    void test_swap_endian_does_not_affect_descriptors()
    {
        CPPUNIT_ASSERT(decode(sample_64_40, BUG_COMPAT_SWAP_ENDIAN) ==
                       decode(sample_64_40, 0));
        CPPUNIT_ASSERT(decode(sample_64_48, BUG_COMPAT_SWAP_ENDIAN) ==
                       sample_descriptor());
    }

    void test_decode_two_packets_immediate_name_and_dtype()
    {
        // 64-48, heap 7 in two packets, pointers in an unusual order: DTYPE @0 and the ID
        // in the first packet; an immediate NAME, an empty SHAPE and DESCRIPTION (both
        // @53) in the second. No FORMAT at all.
        const std::string header =
            "{'descr': '<u8', 'fortran_order': False, 'shape': ()}";
        const bytes payload = concat(ascii(header), ascii("desc")); // 57 bytes
        const bytes first_part(payload.begin(), payload.begin() + 20);
        const bytes second_part(payload.begin() + 20, payload.end());
        const int a = 48;
        const bytes stream =
            concat(qa::build_data_packet(a,
                                         7,
                                         57,
                                         0,
                                         first_part,
                                         { qa::addressed_ptr(0x15, 0, a),
                                           qa::immediate_ptr(0x14, 0x1600, a) }),
                   qa::build_data_packet(a,
                                         7,
                                         57,
                                         20,
                                         second_part,
                                         { qa::immediate_ptr(0x10, 0x736571, a), // "seq"
                                           qa::addressed_ptr(0x12, 53, a),
                                           qa::addressed_ptr(0x11, 53, a) }));
        const auto d = decode(stream, 0);
        CPPUNIT_ASSERT(d.has_value());
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0x1600), d->id);
        // An immediate item's bytes are the whole 6-byte value field, leading zeros too.
        CPPUNIT_ASSERT_EQUAL(std::string("\0\0\0seq", 6), d->name);
        CPPUNIT_ASSERT_EQUAL(std::string("desc"), d->description);
        CPPUNIT_ASSERT(d->format.empty());
        CPPUNIT_ASSERT(d->shape.empty());
        CPPUNIT_ASSERT_EQUAL(header, d->numpy_header);

        // An immediate SHAPE in 64-48 would be one 7-byte dimension, which its 6 bytes
        // cannot hold: no whole dimension, a scalar shape.
        const bytes immediate_shape = qa::build_data_packet(
            a,
            1,
            0,
            0,
            {},
            { qa::immediate_ptr(0x14, 9, a), qa::immediate_ptr(0x12, 5, a) });
        CPPUNIT_ASSERT(decode(immediate_shape, 0)->shape.empty());
        // An immediate FORMAT in 64-48 is two 3-byte fields: 'u' 8 and 'i' 16.
        const bytes immediate_format =
            qa::build_data_packet(a,
                                  1,
                                  0,
                                  0,
                                  {},
                                  { qa::immediate_ptr(0x14, 9, a),
                                    qa::immediate_ptr(0x13, 0x750008690010, a) });
        const auto f = decode(immediate_format, 0);
        CPPUNIT_ASSERT(f->format ==
                       std::vector<format_field>({ { 'u', 8 }, { 'i', 16 } }));
    }

    void test_decode_without_id()
    {
        // DESCRIPTOR_ID pointer (index 4) replaced by an immediate NULL.
        CPPUNIT_ASSERT(
            !decode(with_pointer(sample_64_40, 4, "80 00 00 00 00 00 00 00"), 0));
        // DESCRIPTOR_ID addressed (at offset 2, where it is zero-length): ignored.
        CPPUNIT_ASSERT(
            !decode(with_pointer(sample_64_40, 4, "00 00 14 00 00 00 00 02"), 0));
        // An immediate ID of 0 names the NULL item: ignored as spead2 does.
        CPPUNIT_ASSERT(
            !decode(with_pointer(sample_64_40, 4, "80 00 14 00 00 00 00 00"), 0));
    }

    void test_encode_matches_hand_built_bytes()
    {
        const descriptor d = sample_descriptor();
        CPPUNIT_ASSERT(encode_descriptor(d, flavour(4, 64, 40, 0)) == sample_64_40);
        CPPUNIT_ASSERT(encode_descriptor(d, flavour(4, 64, 48, 0)) == sample_64_48);
        CPPUNIT_ASSERT(
            encode_descriptor(d, flavour(4, 64, 48, BUG_COMPAT_PYSPEAD_0_5_2)) ==
            sample_pyspead);
        // BUG_COMPAT_SWAP_ENDIAN changes nothing in a descriptor.
        CPPUNIT_ASSERT(encode_descriptor(d, flavour(4, 64, 40, BUG_COMPAT_SWAP_ENDIAN)) ==
                       sample_64_40);
    }

    void test_round_trip_all_flavours_and_bug_compat()
    {
        std::vector<descriptor> cases;
        descriptor d;
        d.id = 0x1600;
        d.name = "timestamp";
        d.description = "ADC sample count of first sample (immediate)";
        d.format = { { 'u', 40 } };
        cases.push_back(d);

        d = descriptor();
        d.id = 0x1601;
        d.name = "seq";
        d.description = "Heap sequence number";
        d.numpy_header = "{'descr': '<u8', 'fortran_order': False, 'shape': ()}";
        cases.push_back(d);

        d = descriptor();
        d.id = 0x1602;
        d.name = "data";
        d.shape = { 4096, 2 };
        d.numpy_header = "{'descr': '|i1', 'fortran_order': True, 'shape': (4096, 2)}";
        cases.push_back(d);

        d = descriptor();
        d.id = 0x7fff; // largest 64-48 ID
        d.name = "record";
        d.description = "variable middle dimension";
        d.format = { { 'i', 8 }, { 'f', 32 }, { 'c', 8 }, { 'b', 8 }, { 'u', 65535 } };
        d.shape = { 3, -1, 4 };
        cases.push_back(d);

        d = descriptor();
        d.id = 1; // everything else empty
        cases.push_back(d);

        d = descriptor();
        d.id = 0x1000;
        d.name = "vector";
        d.format = { { 'f', 64 } };
        d.shape = { -1 };
        cases.push_back(d);

        d = descriptor();
        d.id = 0x1001;
        d.name = "big";
        d.format = { { 'u', 8 } };
        d.shape = { 0, (std::int64_t(1) << 40) - 1 }; // largest 64-40 dimension
        cases.push_back(d);

        for (const int address_bits : { 40, 48 })
            for (int bug_compat = 0; bug_compat <= BUG_COMPAT_ALL; bug_compat++)
                for (const descriptor& c : cases) {
                    const flavour f(4, 64, address_bits, bug_compat);
                    const bytes encoded = encode_descriptor(c, f);
                    const auto decoded = decode(encoded, bug_compat);
                    CPPUNIT_ASSERT_MESSAGE(
                        c.name + " in 64-" + std::to_string(address_bits) +
                            " bug_compat " + std::to_string(bug_compat),
                        decoded == c);
                }
    }

    void test_round_trip_other_address_widths()
    {
        descriptor d = sample_descriptor();
        d.id = 0x7e;
        d.format = { { 'u', 200 } };
        for (const int address_bits : { 8, 16, 24, 32, 56 }) {
            const bytes encoded = encode_descriptor(d, flavour(4, 64, address_bits, 0));
            CPPUNIT_ASSERT_EQUAL(std::uint8_t((64 - address_bits) / 8), encoded[2]);
            CPPUNIT_ASSERT_EQUAL(std::uint8_t(address_bits / 8), encoded[3]);
            CPPUNIT_ASSERT(decode(encoded, 0) == d);
        }
    }

    void test_encode_limits()
    {
        const flavour f40(4, 64, 40, 0);
        const flavour f48(4, 64, 48, 0);
        descriptor d = sample_descriptor();

        d.id = 0;
        assert_encode_rejected(d, f40, "ID 0");
        d.id = 0x8000; // 15 ID bits in 64-48
        assert_encode_rejected(d, f48, "32768");
        CPPUNIT_ASSERT_NO_THROW(encode_descriptor(d, f40));
        d.id = 0x100; // fits 64-8's 55 ID bits but not its 8-bit immediate value
        assert_encode_rejected(d, flavour(4, 64, 8, 0), "256");

        d = sample_descriptor();
        d.format = { { 'u', 65536 } }; // 2 bit-length bytes in 64-48
        assert_encode_rejected(d, f48, "65536");
        CPPUNIT_ASSERT_NO_THROW(encode_descriptor(d, f40));
        CPPUNIT_ASSERT_NO_THROW(
            encode_descriptor(d, flavour(4, 64, 48, BUG_COMPAT_DESCRIPTOR_WIDTHS)));
        d.format = { { 'u', 1 << 24 } }; // 3 bytes in 64-40
        assert_encode_rejected(d, f40, "16777216");
        d.format = { { 'u', -8 } };
        assert_encode_rejected(d, f40, "-8");

        d = sample_descriptor();
        d.shape = { std::int64_t(1) << 40 }; // 5 size bytes in 64-40
        assert_encode_rejected(d, f40, "1099511627776");
        CPPUNIT_ASSERT_NO_THROW(encode_descriptor(d, f48));
        d.shape = { -1, 3, -1 };
        assert_encode_rejected(d, f48, "variable");

        d = sample_descriptor();
        d.id = 0x20;
        d.description = std::string(300, 'x'); // 64-8 addresses stop at 255
        assert_encode_rejected(
            d, flavour(4, 64, 8, 0), "payload of 322"); // 2 + 300 + 2*8 + 2*2
    }

    void test_malformed_packets_rejected()
    {
        assert_rejected({}, 0, "no SPEAD packet");
        bytes b = sample_64_40;
        b[0] = 0x54;
        assert_rejected(b, 0, "bad_magic");
        b = sample_64_40;
        b[1] = 0x03;
        assert_rejected(b, 0, "bad_version");
        b = sample_64_40;
        b[2] = 0x04; // widths add up to 72 bits
        assert_rejected(b, 0, "bad_widths");
        // Trailing bytes that are not a whole packet.
        assert_rejected(concat(sample_64_40, hex("53 04 03")), 0, "offset 105");
        // HEAP_CNT pointer replaced by NULL.
        assert_rejected(with_pointer(sample_64_40, 0, "80 00 00 00 00 00 00 00"),
                        0,
                        "missing_heap_cnt");
        // A heap length below what the packet carries (the packet decoder or the heap
        // collector may refuse it; either way the first packet is named).
        assert_rejected(
            with_pointer(sample_64_40, 1, "80 00 02 00 00 00 00 18"), 0, "offset 0");
    }

    void test_partial_fields_ignored()
    {
        // FORMAT moved from @5 to @6 (the description takes the 'u'): 7 format bytes
        // "00 00 0c 69" "00 00 04", one whole 4-byte field.
        const auto moved =
            decode(with_pointer(sample_64_40, 7, "00 00 13 00 00 00 00 06"), 0);
        CPPUNIT_ASSERT_EQUAL(std::string("xyzu"), moved->description);
        CPPUNIT_ASSERT(moved->format == std::vector<format_field>({ { '\0', 0x0c69 } }));
        // Heap cut to 24 bytes: 11 shape bytes, one whole 6-byte dimension.
        bytes cut = with_pointer(sample_64_40, 1, "80 00 02 00 00 00 00 18");
        cut = with_pointer(cut, 3, "80 00 04 00 00 00 00 18");
        cut.pop_back();
        CPPUNIT_ASSERT(decode(cut, 0)->shape == std::vector<std::int64_t>({ 5 }));
        // Same in 64-48: 13 shape bytes, one whole 7-byte dimension.
        cut = with_pointer(sample_64_48, 1, "80 02 00 00 00 00 00 18");
        cut = with_pointer(cut, 3, "80 04 00 00 00 00 00 18");
        cut.pop_back();
        CPPUNIT_ASSERT(decode(cut, 0)->shape == std::vector<std::int64_t>({ 5 }));
    }

    void test_two_variable_dimensions_kept()
    {
        // Kept as sent: the item's type refuses them when a value is decoded.
        bytes b = sample_64_40;
        b[b.size() - 12] = 0x01; // flag byte of dimension 0
        CPPUNIT_ASSERT(decode(b, 0)->shape == std::vector<std::int64_t>({ -1, -1 }));
        b = sample_pyspead;
        b[b.size() - 16] = 0x02;
        CPPUNIT_ASSERT(decode(b, BUG_COMPAT_PYSPEAD_0_5_2)->shape ==
                       std::vector<std::int64_t>({ -1, -1 }));
        // With the 0x01 flag the same bytes are one fixed dimension and a zero.
        CPPUNIT_ASSERT(decode(b, BUG_COMPAT_DESCRIPTOR_WIDTHS)->shape ==
                       std::vector<std::int64_t>({ 5, 0 }));
    }

    void test_repeated_format_and_shape_add_fields()
    {
        // 64-40: FORMAT u12 @0, FORMAT i4 @4, SHAPE 5 @8, SHAPE variable @14.
        const int a = 40;
        const bytes payload = hex("75 00 00 0c 69 00 00 04"
                                  "00 00 00 00 00 05 01 00 00 00 00 00");
        const bytes b = qa::build_data_packet(a,
                                              1,
                                              std::int64_t(payload.size()),
                                              0,
                                              payload,
                                              { qa::immediate_ptr(0x14, 9, a),
                                                qa::addressed_ptr(0x13, 0, a),
                                                qa::addressed_ptr(0x13, 4, a),
                                                qa::addressed_ptr(0x12, 8, a),
                                                qa::addressed_ptr(0x12, 14, a) });
        const auto d = decode(b, 0);
        CPPUNIT_ASSERT(d->format ==
                       std::vector<format_field>({ { 'u', 12 }, { 'i', 4 } }));
        CPPUNIT_ASSERT(d->shape == std::vector<std::int64_t>({ 5, -1 }));
    }

    void test_two_heaps_or_incomplete_heap_rejected()
    {
        const bytes second_heap =
            with_pointer(sample_64_40, 0, "80 00 01 00 00 00 00 02");
        assert_rejected(concat(sample_64_40, second_heap), 0, "2 heaps");
        // HEAP_LENGTH 26 while 25 bytes arrive.
        assert_rejected(
            with_pointer(sample_64_40, 1, "80 00 02 00 00 00 00 1a"), 0, "incomplete");
        // The same packet twice overlaps itself: 50 bytes received for a 25-byte heap.
        CPPUNIT_ASSERT_THROW(decode(concat(sample_64_40, sample_64_40), 0), decode_error);
    }

    void test_every_truncation_rejected()
    {
        // No prefix of a descriptor may decode or read past its end.
        for (const bytes* sample : { &sample_64_40, &sample_64_48, &sample_pyspead })
            for (std::size_t n = 0; n < sample->size(); n++) {
                const bytes prefix(sample->begin(), sample->begin() + std::ptrdiff_t(n));
                CPPUNIT_ASSERT_THROW(decode(prefix, BUG_COMPAT_PYSPEAD_0_5_2),
                                     decode_error);
            }
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(qa_descriptor);

} // namespace protocol
} // namespace spead
} // namespace gr
