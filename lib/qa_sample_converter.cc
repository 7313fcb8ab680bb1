/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// Expected values are written out by hand from the byte patterns (two's complement,
// IEEE 754 big-endian encodings), not computed by the converter.

#include "sample_converter.h"
#include <gnuradio/spead/protocol/numpy_header.h>
#include <cppunit/TestAssert.h>
#include <cppunit/extensions/HelperMacros.h>
#include <complex>
#include <cstdint>
#include <stdexcept>
#include <vector>

namespace gr {
namespace spead {

class qa_sample_converter : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(qa_sample_converter);
    CPPUNIT_TEST(test_int8_pairs_to_complex);
    CPPUNIT_TEST(test_int8_scale_divides);
    CPPUNIT_TEST(test_big_endian_int16_to_float_across_chunks);
    CPPUNIT_TEST(test_little_endian_int16_to_complex);
    CPPUNIT_TEST(test_big_endian_float32);
    CPPUNIT_TEST(test_native_complex64_is_copied);
    CPPUNIT_TEST(test_big_endian_float64_to_float);
    CPPUNIT_TEST(test_unsigned16_to_float);
    CPPUNIT_TEST(test_int8_widened_to_short);
    CPPUNIT_TEST(test_big_endian_int16_to_short);
    CPPUNIT_TEST(test_big_endian_int32_to_int);
    CPPUNIT_TEST(test_bytes_to_byte);
    CPPUNIT_TEST(test_rejected_combinations);
    CPPUNIT_TEST(test_sizes);
    CPPUNIT_TEST_SUITE_END();

    static protocol::dtype wire(const char* text)
    {
        return protocol::parse_dtype_string(text);
    }

public:
    void test_int8_pairs_to_complex()
    {
        sample_converter c(sample_type::complex_float, wire("|i1"));
        const std::vector<std::uint8_t> in = { 0x80, 0x7f, 0xff, 0x01, 0x00, 0x10 };
        std::vector<std::complex<float>> out(3);
        c.convert(in.data(), out.data(), 6);
        CPPUNIT_ASSERT(out[0] == std::complex<float>(-128, 127));
        CPPUNIT_ASSERT(out[1] == std::complex<float>(-1, 1));
        CPPUNIT_ASSERT(out[2] == std::complex<float>(0, 16));
    }

    void test_int8_scale_divides()
    {
        sample_converter c(sample_type::float32, wire("|i1"), 128.0);
        const std::vector<std::uint8_t> in = { 0x80, 0x40, 0xc0 };
        std::vector<float> out(3);
        c.convert(in.data(), out.data(), 3);
        CPPUNIT_ASSERT_EQUAL(-1.0f, out[0]);
        CPPUNIT_ASSERT_EQUAL(0.5f, out[1]);
        CPPUNIT_ASSERT_EQUAL(-0.5f, out[2]);
    }

    void test_big_endian_int16_to_float_across_chunks()
    {
        // More values than one scratch chunk (4096): value i is i - 5000, big-endian.
        const std::size_t n = 10000;
        std::vector<std::uint8_t> in(2 * n);
        for (std::size_t i = 0; i < n; i++) {
            const std::uint16_t v = std::uint16_t(std::int16_t(int(i) - 5000));
            in[2 * i] = std::uint8_t(v >> 8);
            in[2 * i + 1] = std::uint8_t(v);
        }
        sample_converter c(sample_type::float32, wire(">i2"));
        std::vector<float> out(n);
        c.convert(in.data(), out.data(), n);
        for (std::size_t i = 0; i < n; i++)
            CPPUNIT_ASSERT_EQUAL(float(int(i) - 5000), out[i]);
    }

    void test_little_endian_int16_to_complex()
    {
        sample_converter c(sample_type::complex_float, wire("<i2"));
        const std::vector<std::uint8_t> in = { 0x02, 0x01, 0xfe, 0xff };
        std::complex<float> out;
        c.convert(in.data(), &out, 2);
        CPPUNIT_ASSERT(out == std::complex<float>(258, -2));
    }

    void test_big_endian_float32()
    {
        sample_converter c(sample_type::float32, wire(">f4"));
        // 1.5 = 0x3fc00000, -2.0 = 0xc0000000
        const std::vector<std::uint8_t> in = { 0x3f, 0xc0, 0, 0, 0xc0, 0, 0, 0 };
        std::vector<float> out(2);
        c.convert(in.data(), out.data(), 2);
        CPPUNIT_ASSERT_EQUAL(1.5f, out[0]);
        CPPUNIT_ASSERT_EQUAL(-2.0f, out[1]);
    }

    void test_native_complex64_is_copied()
    {
        sample_converter c(sample_type::complex_float, wire("<c8"));
        const std::vector<std::complex<float>> in = { { 1.25f, -3.0f }, { 0.0f, 7.5f } };
        std::vector<std::complex<float>> out(2);
        c.convert(reinterpret_cast<const std::uint8_t*>(in.data()), out.data(), 4);
        CPPUNIT_ASSERT(out == in);
    }

    void test_big_endian_float64_to_float()
    {
        sample_converter c(sample_type::float32, wire(">f8"));
        // 0.25 = 0x3fd0000000000000
        const std::vector<std::uint8_t> in = { 0x3f, 0xd0, 0, 0, 0, 0, 0, 0 };
        float out = 0;
        c.convert(in.data(), &out, 1);
        CPPUNIT_ASSERT_EQUAL(0.25f, out);
    }

    void test_unsigned16_to_float()
    {
        sample_converter c(sample_type::float32, wire(">u2"));
        const std::vector<std::uint8_t> in = { 0xff, 0xff, 0x00, 0x01 };
        std::vector<float> out(2);
        c.convert(in.data(), out.data(), 2);
        CPPUNIT_ASSERT_EQUAL(65535.0f, out[0]);
        CPPUNIT_ASSERT_EQUAL(1.0f, out[1]);
    }

    void test_int8_widened_to_short()
    {
        sample_converter c(sample_type::int16, wire("|i1"));
        const std::vector<std::uint8_t> in = { 0xfb, 0x7f };
        std::vector<std::int16_t> out(2);
        c.convert(in.data(), out.data(), 2);
        CPPUNIT_ASSERT_EQUAL(std::int16_t(-5), out[0]);
        CPPUNIT_ASSERT_EQUAL(std::int16_t(127), out[1]);
    }

    void test_big_endian_int16_to_short()
    {
        sample_converter c(sample_type::int16, wire(">i2"));
        const std::vector<std::uint8_t> in = { 0x12, 0x34, 0xff, 0xfe };
        std::vector<std::int16_t> out(2);
        c.convert(in.data(), out.data(), 2);
        CPPUNIT_ASSERT_EQUAL(std::int16_t(0x1234), out[0]);
        CPPUNIT_ASSERT_EQUAL(std::int16_t(-2), out[1]);
    }

    void test_big_endian_int32_to_int()
    {
        sample_converter c(sample_type::int32, wire(">i4"));
        const std::vector<std::uint8_t> in = { 0x01, 0x02, 0x03, 0x04 };
        std::int32_t out = 0;
        c.convert(in.data(), &out, 1);
        CPPUNIT_ASSERT_EQUAL(std::int32_t(0x01020304), out);
    }

    void test_bytes_to_byte()
    {
        sample_converter c(sample_type::byte, wire("|u1"));
        const std::vector<std::uint8_t> in = { 1, 2, 250 };
        std::vector<std::uint8_t> out(3);
        c.convert(in.data(), out.data(), 3);
        CPPUNIT_ASSERT(out == in);
    }

    void test_rejected_combinations()
    {
        CPPUNIT_ASSERT_THROW(sample_converter(sample_type::int32, wire("<f4")),
                             std::invalid_argument);
        CPPUNIT_ASSERT_THROW(sample_converter(sample_type::int16, wire("<i4")),
                             std::invalid_argument);
        CPPUNIT_ASSERT_THROW(sample_converter(sample_type::int32, wire("<c8")),
                             std::invalid_argument);
        CPPUNIT_ASSERT_THROW(sample_converter(sample_type::int16, wire("<i2"), 2.0),
                             std::invalid_argument);
        CPPUNIT_ASSERT_THROW(sample_converter(sample_type::float32, wire("<f4"), 0.0),
                             std::invalid_argument);
        CPPUNIT_ASSERT_THROW(parse_sample_type("double", "type"), std::invalid_argument);
    }

    void test_sizes()
    {
        CPPUNIT_ASSERT_EQUAL(std::size_t(2),
                             sample_converter(sample_type::complex_float, wire("|i1"))
                                 .wire_bytes_per_item(1));
        CPPUNIT_ASSERT_EQUAL(std::size_t(8 * 4),
                             sample_converter(sample_type::complex_float, wire("<c8"))
                                 .wire_bytes_per_item(4));
        CPPUNIT_ASSERT_EQUAL(std::size_t(16),
                             sample_converter(sample_type::complex_float, wire(">c16"))
                                 .wire_bytes_per_item(1));
        CPPUNIT_ASSERT_EQUAL(std::size_t(8), sample_size(sample_type::complex_float));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(qa_sample_converter);

} // namespace spead
} // namespace gr
