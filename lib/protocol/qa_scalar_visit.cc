/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <gnuradio/spead/protocol/scalar_visit.h>
#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>
#include <type_traits>
#include <complex>
#include <cstdint>
#include <cstring>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

namespace gr {
namespace spead {
namespace protocol {

namespace {

using k = dtype::kind;

/// What the visitor was handed: a tag naming its C++ type, then its value.
struct describe {
    template <typename T>
    std::string operator()(T v) const
    {
        std::ostringstream out;
        if constexpr (std::is_same_v<T, bool>)
            out << "bool " << v;
        else if constexpr (std::is_same_v<T, scalar_bytes>)
            out << "bytes " << v.size;
        else if constexpr (is_complex_scalar_v<T>)
            out << "complex" << sizeof(T) * 8 << " " << v.real() << "," << v.imag();
        else if constexpr (std::is_floating_point_v<T>)
            out << "float" << sizeof(T) * 8 << " " << v;
        else if constexpr (std::is_signed_v<T>)
            out << "int" << sizeof(T) * 8 << " " << std::int64_t(v);
        else
            out << "uint" << sizeof(T) * 8 << " " << std::uint64_t(v);
        return out.str();
    }
};

/// \p value's native bytes, one byte into a buffer so that the load is unaligned (the
/// buffer holds the largest scalar, so that no branch of the visit reads past it).
template <typename T>
std::vector<std::uint8_t> unaligned_bytes(T value)
{
    std::vector<std::uint8_t> buffer(1 + 16, 0xee);
    std::memcpy(buffer.data() + 1, &value, sizeof(T));
    return buffer;
}

template <typename T>
std::string visit_value(k kind, T value)
{
    const auto buffer = unaligned_bytes(value);
    return visit_scalar(
        dtype::scalar(kind, sizeof(T), '='), buffer.data() + 1, describe{});
}

} // namespace

class qa_scalar_visit : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(qa_scalar_visit);
    CPPUNIT_TEST(test_integers_by_size);
    CPPUNIT_TEST(test_floats_and_complex);
    CPPUNIT_TEST(test_boolean_is_any_non_zero_byte);
    CPPUNIT_TEST(test_others_are_their_bytes);
    CPPUNIT_TEST(test_visitor_result_is_returned);
    CPPUNIT_TEST_SUITE_END();

public:
    void test_integers_by_size()
    {
        CPPUNIT_ASSERT_EQUAL(std::string("int8 -5"),
                             visit_value(k::signed_int, std::int8_t(-5)));
        CPPUNIT_ASSERT_EQUAL(std::string("int16 -300"),
                             visit_value(k::signed_int, std::int16_t(-300)));
        CPPUNIT_ASSERT_EQUAL(std::string("int32 -70000"),
                             visit_value(k::signed_int, std::int32_t(-70000)));
        CPPUNIT_ASSERT_EQUAL(
            std::string("int64 -9223372036854775808"),
            visit_value(k::signed_int, std::numeric_limits<std::int64_t>::min()));
        CPPUNIT_ASSERT_EQUAL(std::string("uint8 200"),
                             visit_value(k::unsigned_int, std::uint8_t(200)));
        CPPUNIT_ASSERT_EQUAL(std::string("uint16 65535"),
                             visit_value(k::unsigned_int, std::uint16_t(65535)));
        CPPUNIT_ASSERT_EQUAL(std::string("uint32 4000000000"),
                             visit_value(k::unsigned_int, std::uint32_t(4000000000u)));
        CPPUNIT_ASSERT_EQUAL(
            std::string("uint64 18446744073709551615"),
            visit_value(k::unsigned_int, std::numeric_limits<std::uint64_t>::max()));
    }

    void test_floats_and_complex()
    {
        CPPUNIT_ASSERT_EQUAL(std::string("float32 1.5"), visit_value(k::floating, 1.5f));
        CPPUNIT_ASSERT_EQUAL(std::string("float64 -0.25"),
                             visit_value(k::floating, -0.25));
        CPPUNIT_ASSERT_EQUAL(std::string("complex64 1.5,-2"),
                             visit_value(k::complex, std::complex<float>(1.5f, -2.0f)));
        CPPUNIT_ASSERT_EQUAL(std::string("complex128 -3,0.5"),
                             visit_value(k::complex, std::complex<double>(-3.0, 0.5)));
    }

    void test_boolean_is_any_non_zero_byte()
    {
        const dtype b = dtype::scalar(k::boolean, 1, '|');
        for (const std::uint8_t byte : { 0, 1, 2, 0x80, 0xff }) {
            CPPUNIT_ASSERT_EQUAL(std::string(byte ? "bool 1" : "bool 0"),
                                 visit_scalar(b, &byte, describe{}));
        }
    }

    void test_others_are_their_bytes()
    {
        const std::uint8_t data[16] = { 'a', 'b', 'c' };
        auto where = [&](const dtype& type) {
            return visit_scalar(type, data, [](auto v) -> const std::uint8_t* {
                if constexpr (std::is_same_v<decltype(v), scalar_bytes>)
                    return v.data;
                return nullptr;
            });
        };
        const dtype text = dtype::scalar(k::bytes, 3, '|');
        CPPUNIT_ASSERT_EQUAL(std::string("bytes 3"),
                             visit_scalar(text, data, describe{}));
        CPPUNIT_ASSERT(where(text) == data);
        const dtype half = dtype::scalar(k::floating, 2, '=');
        CPPUNIT_ASSERT_EQUAL(std::string("bytes 2"),
                             visit_scalar(half, data, describe{}));
        CPPUNIT_ASSERT(where(half) == data);
        const dtype record = dtype::scalar(k::record, 12, '|');
        CPPUNIT_ASSERT_EQUAL(std::string("bytes 12"),
                             visit_scalar(record, data, describe{}));
        // A hand-built number of a size its kind does not have is never over-read.
        dtype odd;
        odd.type_kind = k::unsigned_int;
        odd.itemsize = 3;
        CPPUNIT_ASSERT_EQUAL(std::string("bytes 3"), visit_scalar(odd, data, describe{}));
    }

    void test_visitor_result_is_returned()
    {
        const auto buffer = unaligned_bytes(std::uint16_t(1234));
        const double twice =
            visit_scalar(dtype::scalar(k::unsigned_int, 2, '='),
                         buffer.data() + 1,
                         [](auto v) -> double {
                             if constexpr (std::is_same_v<decltype(v), scalar_bytes> ||
                                           is_complex_scalar_v<decltype(v)>)
                                 return -1;
                             else
                                 return 2.0 * double(v);
                         });
        CPPUNIT_ASSERT_EQUAL(2468.0, twice);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(qa_scalar_visit);

} // namespace protocol
} // namespace spead
} // namespace gr
