/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// Samples packed into wire bytes for the sinks, and the dtype and shape they declare.

#include "sample_packer.h"
#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>
#include <complex>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace gr {
namespace spead {

class qa_sample_packer : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(qa_sample_packer);
    CPPUNIT_TEST(test_complex_to_int8_pairs_rounds_and_saturates);
    CPPUNIT_TEST(test_float_to_int16);
    CPPUNIT_TEST(test_native_is_a_copy);
    CPPUNIT_TEST(test_descriptions);
    CPPUNIT_TEST(test_bad_choices_name_the_parameter);
    CPPUNIT_TEST(test_round_trip_through_sample_converter);
    CPPUNIT_TEST(test_big_endian_bytes_and_descriptions);
    CPPUNIT_TEST(test_big_endian_round_trip_through_sample_converter);
    CPPUNIT_TEST_SUITE_END();

public:
    void test_complex_to_int8_pairs_rounds_and_saturates()
    {
        sample_packer p(sample_type::complex_float, 1, wire_choice::int8, 128.0, "x");
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), p.wire_bytes_per_item());
        const std::vector<std::complex<float>> in = { { 0.5f, -0.25f },
                                                      { 1.0f, -1.5f },
                                                      { 0.00390625f, -0.01171875f } };
        std::vector<std::uint8_t> out(6);
        p.pack(in.data(), in.size(), out.data());
        // 64, -32; 128 saturates to 127, -192 to -128; 0.5 and -1.5 round to even.
        const std::vector<std::int8_t> expected = { 64, -32, 127, -128, 0, -2 };
        CPPUNIT_ASSERT(std::memcmp(out.data(), expected.data(), 6) == 0);
    }

    void test_float_to_int16()
    {
        sample_packer p(sample_type::float32, 2, wire_choice::int16, 1000.0, "x");
        CPPUNIT_ASSERT_EQUAL(std::size_t(4), p.wire_bytes_per_item());
        const std::vector<float> in = { 0.001f, -0.5f, 40.0f, -40.0f };
        std::vector<std::int16_t> out(4);
        p.pack(in.data(), 2, reinterpret_cast<std::uint8_t*>(out.data()));
        CPPUNIT_ASSERT(out == std::vector<std::int16_t>({ 1, -500, 32767, -32768 }));
    }

    void test_native_is_a_copy()
    {
        sample_packer p(sample_type::int16, 3, wire_choice::native, 1.0, "x");
        const std::vector<std::int16_t> in = { 1, -2, 3, 4, 5, -6 };
        std::vector<std::uint8_t> out(12);
        p.pack(in.data(), 2, out.data());
        CPPUNIT_ASSERT(std::memcmp(out.data(), in.data(), 12) == 0);
    }

    void test_descriptions()
    {
        auto header = [](sample_type t, std::size_t vlen, wire_choice w) {
            return protocol::format_numpy_header(
                sample_packer(t, vlen, w, 1.0, "x").describe(256));
        };
        CPPUNIT_ASSERT_EQUAL(
            std::string("{'descr': '|i1', 'fortran_order': False, 'shape': (256, 2)}"),
            header(sample_type::complex_float, 1, wire_choice::int8));
        CPPUNIT_ASSERT_EQUAL(
            std::string("{'descr': '<i2', 'fortran_order': False, 'shape': (256, 4, 2)}"),
            header(sample_type::complex_float, 4, wire_choice::int16));
        CPPUNIT_ASSERT_EQUAL(
            std::string("{'descr': '<c8', 'fortran_order': False, 'shape': (256,)}"),
            header(sample_type::complex_float, 1, wire_choice::native));
        CPPUNIT_ASSERT_EQUAL(
            std::string("{'descr': '<f4', 'fortran_order': False, 'shape': (256, 8)}"),
            header(sample_type::float32, 8, wire_choice::native));
        CPPUNIT_ASSERT_EQUAL(
            std::string("{'descr': '|u1', 'fortran_order': False, 'shape': (256,)}"),
            header(sample_type::byte, 1, wire_choice::native));
        CPPUNIT_ASSERT_EQUAL(
            std::string("{'descr': '|i1', 'fortran_order': False, 'shape': (256,)}"),
            header(sample_type::byte, 1, wire_choice::int8));
    }

    void test_bad_choices_name_the_parameter()
    {
        CPPUNIT_ASSERT_THROW(parse_wire_choice("int32", "wires[1]"),
                             std::invalid_argument);
        try {
            sample_packer(sample_type::int16, 1, wire_choice::int8, 1.0, "wires[2]");
            CPPUNIT_FAIL("int8 from short inputs accepted");
        } catch (const std::invalid_argument& e) {
            CPPUNIT_ASSERT(std::string(e.what()).find("wires[2]") == 0);
        }
        CPPUNIT_ASSERT_THROW(
            sample_packer(sample_type::float32, 0, wire_choice::native, 1.0, "x"),
            std::invalid_argument);
        CPPUNIT_ASSERT_THROW(
            sample_packer(sample_type::float32, 1, wire_choice::int8, 0.0, "x"),
            std::invalid_argument);
    }

    void test_round_trip_through_sample_converter()
    {
        // What a sink packs, the source's converter (same scale) gives back.
        sample_packer p(sample_type::complex_float, 1, wire_choice::int16, 512.0, "x");
        const std::vector<std::complex<float>> in = { { 0.5f, -0.125f },
                                                      { -2.0f, 1.0f } };
        std::vector<std::uint8_t> wire(p.wire_bytes_per_item() * in.size());
        p.pack(in.data(), in.size(), wire.data());
        sample_converter c(sample_type::complex_float, p.describe(2).type, 512.0);
        std::vector<std::complex<float>> back(2);
        c.convert(wire.data(), back.data(), 4);
        CPPUNIT_ASSERT(back == in);
    }

    void test_big_endian_bytes_and_descriptions()
    {
        CPPUNIT_ASSERT(parse_wire_choice("int16_be", "x") == wire_choice::int16_be);
        CPPUNIT_ASSERT(parse_wire_choice("native_be", "x") == wire_choice::native_be);
        // 1.0 x 1000 = 1000 = 0x03e8, -2.0 x 1000 = -2000 = 0xf830: most significant
        // first.
        sample_packer i16(sample_type::float32, 1, wire_choice::int16_be, 1000.0, "x");
        const std::vector<float> f = { 1.0f, -2.0f };
        std::vector<std::uint8_t> out(4);
        i16.pack(f.data(), 2, out.data());
        CPPUNIT_ASSERT(out == std::vector<std::uint8_t>({ 0x03, 0xe8, 0xf8, 0x30 }));
        // complex64: each float's bytes reversed (1.0f = 0x3f800000, -2.0f = 0xc0000000).
        sample_packer c(sample_type::complex_float, 1, wire_choice::native_be, 1.0, "x");
        const std::vector<std::complex<float>> z = { { 1.0f, -2.0f } };
        std::vector<std::uint8_t> zb(8);
        c.pack(z.data(), 1, zb.data());
        CPPUNIT_ASSERT(zb == std::vector<std::uint8_t>(
                                 { 0x3f, 0x80, 0x00, 0x00, 0xc0, 0x00, 0x00, 0x00 }));
        // A short input as big-endian int16; a byte input has no order.
        sample_packer s(sample_type::int16, 2, wire_choice::native_be, 1.0, "x");
        const std::vector<std::int16_t> sh = { 0x0102, -2 };
        std::vector<std::uint8_t> sb(4);
        s.pack(sh.data(), 1, sb.data());
        CPPUNIT_ASSERT(sb == std::vector<std::uint8_t>({ 0x01, 0x02, 0xff, 0xfe }));
        auto header = [](sample_type t, wire_choice w) {
            return protocol::format_numpy_header(
                sample_packer(t, 1, w, 1.0, "x").describe(8));
        };
        CPPUNIT_ASSERT_EQUAL(
            std::string("{'descr': '>i2', 'fortran_order': False, 'shape': (8, 2)}"),
            header(sample_type::complex_float, wire_choice::int16_be));
        CPPUNIT_ASSERT_EQUAL(
            std::string("{'descr': '>c8', 'fortran_order': False, 'shape': (8,)}"),
            header(sample_type::complex_float, wire_choice::native_be));
        CPPUNIT_ASSERT_EQUAL(
            std::string("{'descr': '>i4', 'fortran_order': False, 'shape': (8,)}"),
            header(sample_type::int32, wire_choice::native_be));
        CPPUNIT_ASSERT_EQUAL(
            std::string("{'descr': '|u1', 'fortran_order': False, 'shape': (8,)}"),
            header(sample_type::byte, wire_choice::native_be));
        CPPUNIT_ASSERT_THROW(
            sample_packer(sample_type::int16, 1, wire_choice::int16_be, 1.0, "x"),
            std::invalid_argument);
    }

    void test_big_endian_round_trip_through_sample_converter()
    {
        for (wire_choice w : { wire_choice::int16_be, wire_choice::native_be }) {
            sample_packer p(sample_type::complex_float, 1, w, 512.0, "x");
            const std::vector<std::complex<float>> in = { { 0.5f, -0.125f },
                                                          { -2.0f, 1.0f } };
            std::vector<std::uint8_t> wire(p.wire_bytes_per_item() * in.size());
            p.pack(in.data(), in.size(), wire.data());
            // native sends the values unscaled: the converter then takes scale 1.
            const double scale = w == wire_choice::native_be ? 1.0 : 512.0;
            sample_converter c(sample_type::complex_float, p.describe(2).type, scale);
            std::vector<std::complex<float>> back(2);
            c.convert(wire.data(), back.data(), 4);
            CPPUNIT_ASSERT(back == in);
        }
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(qa_sample_packer);

} // namespace spead
} // namespace gr
