/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// Item values from descriptors (SPEAD-PROTOCOL.md section 7, rules 4 to 7, and the
// BUG_COMPAT_SWAP_ENDIAN flag of section 6). Every expected value is worked out by hand
// from the wire bytes written in the test.

#include <gnuradio/spead/protocol/decode_error.h>
#include <gnuradio/spead/protocol/flavour.h>
#include <gnuradio/spead/protocol/item_type.h>
#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>
#include <algorithm>
#include <complex>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

using namespace gr::spead::protocol;

namespace {

using bytes = std::vector<std::uint8_t>;

descriptor format_descriptor(std::vector<format_field> format,
                             std::vector<std::int64_t> shape)
{
    descriptor desc;
    desc.id = 0x1000;
    desc.name = "x";
    desc.format = std::move(format);
    desc.shape = std::move(shape);
    return desc;
}

item_type format_type(std::vector<format_field> format,
                      std::vector<std::int64_t> shape,
                      int bug_compat = 0)
{
    return item_type::from_descriptor(
        format_descriptor(std::move(format), std::move(shape)), bug_compat);
}

item_type numpy_type(const std::string& header, int bug_compat = 0)
{
    descriptor desc;
    desc.id = 0x1000;
    desc.name = "x";
    desc.numpy_header = header;
    return item_type::from_descriptor(desc, bug_compat);
}

std::string numpy_header_text(const std::string& descr, const std::string& shape)
{
    return "{'descr': " + descr + ", 'fortran_order': False, 'shape': " + shape + "}";
}

decoded_value decode(const item_type& type, const bytes& data, bool immediate = false)
{
    return type.decode(data.data(), data.size(), immediate);
}

/// Element \p index of a decoded value, read as a native T.
template <typename T>
T element(const decoded_value& value, std::size_t index, std::size_t offset = 0)
{
    T out;
    const std::size_t position = index * value.type.itemsize + offset;
    CPPUNIT_ASSERT(position + sizeof(T) <= value.data.size());
    std::memcpy(&out, value.data.data() + position, sizeof(T));
    return out;
}

/// A value of native Ts (what a caller would build to send).
template <typename T>
decoded_value
make_value(const dtype& type, std::vector<std::size_t> shape, std::vector<T> items)
{
    decoded_value value;
    value.type = type;
    value.shape = std::move(shape);
    value.data.resize(items.size() * sizeof(T));
    if (!items.empty())
        std::memcpy(value.data.data(), items.data(), value.data.size());
    return value;
}

dtype native(dtype::kind kind, std::size_t itemsize)
{
    return dtype::scalar(kind, itemsize, dtype::native_byte_order());
}

dtype big(dtype::kind kind, std::size_t itemsize)
{
    return dtype::scalar(kind, itemsize, '>');
}

template <typename Function>
std::string decode_error_text(Function function)
{
    try {
        function();
    } catch (const decode_error& e) {
        return e.what();
    }
    CPPUNIT_FAIL("expected decode_error");
    return "";
}

template <typename Function>
std::string invalid_argument_text(Function function)
{
    try {
        function();
    } catch (const decode_error& e) {
        CPPUNIT_FAIL(std::string("expected std::invalid_argument, got decode_error: ") +
                     e.what());
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    CPPUNIT_FAIL("expected std::invalid_argument");
    return "";
}

bool contains(const std::string& text, const std::string& part)
{
    return text.find(part) != std::string::npos;
}

/// Checks one standard-width format: its types, its decoding of \p wire (big-endian
/// bytes of \p expected) and its encoding back to \p wire.
template <typename T>
void check_standard(format_field field,
                    dtype::kind kind,
                    const bytes& wire,
                    const std::vector<T>& expected)
{
    const item_type type = format_type({ field }, { std::int64_t(expected.size()) });
    CPPUNIT_ASSERT(type.value_type() == native(kind, sizeof(T)));
    CPPUNIT_ASSERT(type.wire_type() == big(kind, sizeof(T)));
    CPPUNIT_ASSERT(type.is_byte_aligned());
    CPPUNIT_ASSERT_EQUAL(std::size_t(field.bits), type.element_bits());
    const decoded_value value = decode(type, wire);
    CPPUNIT_ASSERT(value.shape == std::vector<std::size_t>{ expected.size() });
    CPPUNIT_ASSERT_EQUAL(expected.size() * sizeof(T), value.data.size());
    for (std::size_t i = 0; i < expected.size(); i++)
        CPPUNIT_ASSERT(element<T>(value, i) == expected[i]);
    // Encode from native values built independently of decode.
    CPPUNIT_ASSERT(type.encode(make_value(type.value_type(), value.shape, expected)) ==
                   wire);
}

} // namespace

class qa_item_type : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(qa_item_type);
    CPPUNIT_TEST(test_u8);
    CPPUNIT_TEST(test_u16_big_endian);
    CPPUNIT_TEST(test_u32_big_endian);
    CPPUNIT_TEST(test_u64_big_endian);
    CPPUNIT_TEST(test_i8);
    CPPUNIT_TEST(test_i16_big_endian);
    CPPUNIT_TEST(test_i32_big_endian);
    CPPUNIT_TEST(test_i64_big_endian);
    CPPUNIT_TEST(test_f32_big_endian);
    CPPUNIT_TEST(test_f64_big_endian);
    CPPUNIT_TEST(test_bool);
    CPPUNIT_TEST(test_char);
    CPPUNIT_TEST(test_scalar_has_empty_shape);
    CPPUNIT_TEST(test_numpy_little_endian);
    CPPUNIT_TEST(test_numpy_big_endian);
    CPPUNIT_TEST(test_numpy_one_byte);
    CPPUNIT_TEST(test_numpy_complex_little_endian);
    CPPUNIT_TEST(test_numpy_complex_big_endian_swaps_each_half);
    CPPUNIT_TEST(test_numpy_record);
    CPPUNIT_TEST(test_numpy_header_wins_over_format);
    CPPUNIT_TEST(test_numpy_variable_dimension_rejected);
    CPPUNIT_TEST(test_numpy_bad_header);
    CPPUNIT_TEST(test_swap_endian_little_descr_reads_big);
    CPPUNIT_TEST(test_swap_endian_big_complex_reads_little);
    CPPUNIT_TEST(test_swap_endian_leaves_format_alone);
    CPPUNIT_TEST(test_u12_unpacking);
    CPPUNIT_TEST(test_i12_negative);
    CPPUNIT_TEST(test_u40_addressed);
    CPPUNIT_TEST(test_i40_negative);
    CPPUNIT_TEST(test_i4_unpacking);
    CPPUNIT_TEST(test_u1_unpacking);
    CPPUNIT_TEST(test_i1_values);
    CPPUNIT_TEST(test_widening_boundaries);
    CPPUNIT_TEST(test_u64_field_across_nine_bytes);
    CPPUNIT_TEST(test_standard_record);
    CPPUNIT_TEST(test_bit_record);
    CPPUNIT_TEST(test_bit_record_with_float);
    CPPUNIT_TEST(test_immediate_u40_in_64_40);
    CPPUNIT_TEST(test_immediate_u40_in_64_48);
    CPPUNIT_TEST(test_immediate_u32_in_64_48);
    CPPUNIT_TEST(test_immediate_u8);
    CPPUNIT_TEST(test_immediate_i16_negative);
    CPPUNIT_TEST(test_immediate_numpy);
    CPPUNIT_TEST(test_immediate_u12_trailing_bytes);
    CPPUNIT_TEST(test_immediate_too_wide);
    CPPUNIT_TEST(test_variable_dimension_alone);
    CPPUNIT_TEST(test_variable_dimension_first);
    CPPUNIT_TEST(test_variable_dimension_last);
    CPPUNIT_TEST(test_variable_dimension_odd_width);
    CPPUNIT_TEST(test_variable_dimension_zero_fixed);
    CPPUNIT_TEST(test_fortran_order_flag);
    CPPUNIT_TEST(test_string);
    CPPUNIT_TEST(test_char_scalar_is_not_string);
    CPPUNIT_TEST(test_char_2d_is_not_string);
    CPPUNIT_TEST(test_numpy_s1_is_not_string);
    CPPUNIT_TEST(test_surplus_bytes_ignored);
    CPPUNIT_TEST(test_too_few_bytes);
    CPPUNIT_TEST(test_too_few_bits);
    CPPUNIT_TEST(test_null_data);
    CPPUNIT_TEST(test_overflowing_shape);
    CPPUNIT_TEST(test_overflowing_fixed_with_variable);
    CPPUNIT_TEST(test_numpy_huge_shape);
    CPPUNIT_TEST(test_zero_size_elements);
    CPPUNIT_TEST(test_two_variable_dimensions);
    CPPUNIT_TEST(test_arbitrary_layouts_stay_in_bounds);
    CPPUNIT_TEST(test_unsupported_formats);
    CPPUNIT_TEST(test_empty_format);
    CPPUNIT_TEST(test_element_count);
    CPPUNIT_TEST(test_round_trip_numpy);
    CPPUNIT_TEST(test_round_trip_odd_widths);
    CPPUNIT_TEST(test_round_trip_bit_record);
    CPPUNIT_TEST(test_round_trip_variable_dimension);
    CPPUNIT_TEST(test_encode_rejects_mismatch);
    CPPUNIT_TEST(test_encode_rejects_out_of_range);
    CPPUNIT_TEST_SUITE_END();

public:
    // ---- standard format widths: big-endian on the wire, native once decoded ----

    void test_u8()
    {
        check_standard<std::uint8_t>(
            { 'u', 8 }, dtype::kind::unsigned_int, { 0x00, 0x7f, 0xff }, { 0, 127, 255 });
    }

    void test_u16_big_endian()
    {
        check_standard<std::uint16_t>({ 'u', 16 },
                                      dtype::kind::unsigned_int,
                                      { 0x12, 0x34, 0xff, 0xfe },
                                      { 0x1234, 0xfffe });
    }

    void test_u32_big_endian()
    {
        check_standard<std::uint32_t>({ 'u', 32 },
                                      dtype::kind::unsigned_int,
                                      { 0x12, 0x34, 0x56, 0x78 },
                                      { 0x12345678u });
    }

    void test_u64_big_endian()
    {
        check_standard<std::uint64_t>({ 'u', 64 },
                                      dtype::kind::unsigned_int,
                                      { 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef },
                                      { 0x0123456789abcdefULL });
    }

    void test_i8()
    {
        check_standard<std::int8_t>(
            { 'i', 8 }, dtype::kind::signed_int, { 0x80, 0xff, 0x7f }, { -128, -1, 127 });
    }

    void test_i16_big_endian()
    {
        check_standard<std::int16_t>({ 'i', 16 },
                                     dtype::kind::signed_int,
                                     { 0xff, 0xfe, 0x01, 0x00 },
                                     { -2, 256 });
    }

    void test_i32_big_endian()
    {
        check_standard<std::int32_t>({ 'i', 32 },
                                     dtype::kind::signed_int,
                                     { 0xff, 0xff, 0xff, 0xfd, 0x80, 0x00, 0x00, 0x00 },
                                     { -3, std::numeric_limits<std::int32_t>::min() });
    }

    void test_i64_big_endian()
    {
        check_standard<std::int64_t>({ 'i', 64 },
                                     dtype::kind::signed_int,
                                     { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe },
                                     { -2 });
    }

    void test_f32_big_endian()
    {
        // 1.5f is 0x3fc00000, -2.0f is 0xc0000000.
        check_standard<float>({ 'f', 32 },
                              dtype::kind::floating,
                              { 0x3f, 0xc0, 0x00, 0x00, 0xc0, 0x00, 0x00, 0x00 },
                              { 1.5f, -2.0f });
    }

    void test_f64_big_endian()
    {
        // 1.0 is 0x3ff0000000000000, -0.5 is 0xbfe0000000000000.
        check_standard<double>(
            { 'f', 64 },
            dtype::kind::floating,
            { 0x3f, 0xf0, 0, 0, 0, 0, 0, 0, 0xbf, 0xe0, 0, 0, 0, 0, 0, 0 },
            { 1.0, -0.5 });
    }

    void test_bool()
    {
        check_standard<std::uint8_t>(
            { 'b', 8 }, dtype::kind::boolean, { 0x00, 0x01, 0x01 }, { 0, 1, 1 });
    }

    void test_char()
    {
        check_standard<char>({ 'c', 8 }, dtype::kind::bytes, { 'a', 'b' }, { 'a', 'b' });
        const item_type type = format_type({ { 'c', 8 } }, { 2 });
        CPPUNIT_ASSERT(type.value_type() == dtype::scalar(dtype::kind::bytes, 1, '|'));
    }

    void test_scalar_has_empty_shape()
    {
        const item_type type = format_type({ { 'u', 16 } }, {});
        const decoded_value value = decode(type, { 0xab, 0xcd });
        CPPUNIT_ASSERT(value.shape.empty());
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), value.element_count());
        CPPUNIT_ASSERT_EQUAL(std::uint16_t(0xabcd), element<std::uint16_t>(value, 0));
    }

    // ---- numpy headers: any byte order in, native out ----

    void test_numpy_little_endian()
    {
        const item_type type = numpy_type(numpy_header_text("'<u2'", "(2,)"));
        CPPUNIT_ASSERT(type.wire_type() ==
                       dtype::scalar(dtype::kind::unsigned_int, 2, '<'));
        CPPUNIT_ASSERT(type.value_type() == native(dtype::kind::unsigned_int, 2));
        CPPUNIT_ASSERT(type.is_byte_aligned());
        CPPUNIT_ASSERT_EQUAL(std::size_t(16), type.element_bits());
        CPPUNIT_ASSERT(type.shape() == std::vector<std::int64_t>{ 2 });
        const decoded_value value = decode(type, { 0x34, 0x12, 0xfe, 0xff });
        CPPUNIT_ASSERT_EQUAL(std::uint16_t(0x1234), element<std::uint16_t>(value, 0));
        CPPUNIT_ASSERT_EQUAL(std::uint16_t(0xfffe), element<std::uint16_t>(value, 1));
    }

    void test_numpy_big_endian()
    {
        const item_type type = numpy_type(numpy_header_text("'>i4'", "()"));
        CPPUNIT_ASSERT(type.wire_type() ==
                       dtype::scalar(dtype::kind::signed_int, 4, '>'));
        CPPUNIT_ASSERT(type.value_type() == native(dtype::kind::signed_int, 4));
        const decoded_value value = decode(type, { 0xff, 0xff, 0xff, 0xfe });
        CPPUNIT_ASSERT(value.shape.empty());
        CPPUNIT_ASSERT_EQUAL(std::int32_t(-2), element<std::int32_t>(value, 0));

        const item_type f8 = numpy_type(numpy_header_text("'>f8'", "()"));
        const decoded_value d =
            decode(f8, { 0xc0, 0x09, 0x21, 0xfb, 0x54, 0x44, 0x2d, 0x18 });
        // 0xc00921fb54442d18 is -pi rounded to double.
        CPPUNIT_ASSERT_EQUAL(-3.141592653589793, element<double>(d, 0));
    }

    void test_numpy_one_byte()
    {
        const item_type type = numpy_type(numpy_header_text("'|i1'", "(3,)"));
        CPPUNIT_ASSERT(type.value_type() ==
                       dtype::scalar(dtype::kind::signed_int, 1, '|'));
        const decoded_value value = decode(type, { 0x80, 0xff, 0x05 });
        CPPUNIT_ASSERT_EQUAL(std::int8_t(-128), element<std::int8_t>(value, 0));
        CPPUNIT_ASSERT_EQUAL(std::int8_t(-1), element<std::int8_t>(value, 1));
        CPPUNIT_ASSERT_EQUAL(std::int8_t(5), element<std::int8_t>(value, 2));
    }

    void test_numpy_complex_little_endian()
    {
        const item_type type = numpy_type(numpy_header_text("'<c8'", "()"));
        CPPUNIT_ASSERT(type.value_type() == native(dtype::kind::complex, 8));
        // 1.5f = 0x3fc00000, -2.0f = 0xc0000000, each little-endian.
        const decoded_value value =
            decode(type, { 0x00, 0x00, 0xc0, 0x3f, 0x00, 0x00, 0x00, 0xc0 });
        CPPUNIT_ASSERT(element<std::complex<float>>(value, 0) ==
                       std::complex<float>(1.5f, -2.0f));
    }

    void test_numpy_complex_big_endian_swaps_each_half()
    {
        // Real then imaginary part, each a big-endian float: reversing all 8 bytes would
        // exchange the parts.
        const item_type type = numpy_type(numpy_header_text("'>c8'", "(1,)"));
        const decoded_value value =
            decode(type, { 0x3f, 0xc0, 0x00, 0x00, 0xc0, 0x00, 0x00, 0x00 });
        CPPUNIT_ASSERT(element<std::complex<float>>(value, 0) ==
                       std::complex<float>(1.5f, -2.0f));
    }

    void test_numpy_record()
    {
        const item_type type =
            numpy_type(numpy_header_text("[('x', '<u2'), ('y', '>i4')]", "(2,)"));
        const dtype& t = type.value_type();
        CPPUNIT_ASSERT(t.type_kind == dtype::kind::record);
        CPPUNIT_ASSERT_EQUAL(std::size_t(6), t.itemsize);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), t.fields.size());
        CPPUNIT_ASSERT_EQUAL(std::string("x"), t.fields[0].name);
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), t.fields[0].offset);
        CPPUNIT_ASSERT(t.fields[0].type == native(dtype::kind::unsigned_int, 2));
        CPPUNIT_ASSERT_EQUAL(std::string("y"), t.fields[1].name);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), t.fields[1].offset);
        CPPUNIT_ASSERT(t.fields[1].type == native(dtype::kind::signed_int, 4));
        const decoded_value value = decode(
            type,
            { 0x34, 0x12, 0xff, 0xff, 0xff, 0xfe, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00 });
        CPPUNIT_ASSERT_EQUAL(std::uint16_t(0x1234), element<std::uint16_t>(value, 0, 0));
        CPPUNIT_ASSERT_EQUAL(std::int32_t(-2), element<std::int32_t>(value, 0, 2));
        CPPUNIT_ASSERT_EQUAL(std::uint16_t(1), element<std::uint16_t>(value, 1, 0));
        CPPUNIT_ASSERT_EQUAL(std::int32_t(256), element<std::int32_t>(value, 1, 2));
    }

    void test_numpy_header_wins_over_format()
    {
        descriptor desc = format_descriptor({ { 'u', 8 } }, { 7 });
        desc.numpy_header = numpy_header_text("'<u2'", "(2,)");
        const item_type type = item_type::from_descriptor(desc, 0);
        CPPUNIT_ASSERT(type.value_type() == native(dtype::kind::unsigned_int, 2));
        CPPUNIT_ASSERT(type.shape() == std::vector<std::int64_t>{ 2 });
        const decoded_value value = decode(type, { 0x01, 0x02, 0x03, 0x04 });
        CPPUNIT_ASSERT_EQUAL(std::uint16_t(0x0201), element<std::uint16_t>(value, 0));
        CPPUNIT_ASSERT_EQUAL(std::uint16_t(0x0403), element<std::uint16_t>(value, 1));
    }

    void test_numpy_variable_dimension_rejected()
    {
        // spead2 refuses unknown dimensions with a numpy header; so do we, whatever
        // spelling of "variable" the header parser lets through.
        descriptor desc;
        desc.numpy_header = numpy_header_text("'<u2'", "(-1,)");
        decode_error_text([&] { item_type::from_descriptor(desc, 0); });
    }

    void test_numpy_bad_header()
    {
        descriptor desc;
        desc.numpy_header = "{'descr': '<u2', 'shape': ()}";
        decode_error_text([&] { item_type::from_descriptor(desc, 0); });
    }

    // ---- BUG_COMPAT_SWAP_ENDIAN ----

    void test_swap_endian_little_descr_reads_big()
    {
        const item_type type =
            numpy_type(numpy_header_text("'<u2'", "(2,)"), BUG_COMPAT_SWAP_ENDIAN);
        CPPUNIT_ASSERT(type.wire_type() ==
                       dtype::scalar(dtype::kind::unsigned_int, 2, '>'));
        CPPUNIT_ASSERT(type.value_type() == native(dtype::kind::unsigned_int, 2));
        const decoded_value value = decode(type, { 0x12, 0x34, 0x00, 0x01 });
        CPPUNIT_ASSERT_EQUAL(std::uint16_t(0x1234), element<std::uint16_t>(value, 0));
        CPPUNIT_ASSERT_EQUAL(std::uint16_t(0x0001), element<std::uint16_t>(value, 1));
        // The whole PySPEAD set includes the flag.
        const item_type all =
            numpy_type(numpy_header_text("'<u2'", "()"), BUG_COMPAT_PYSPEAD_0_5_2);
        CPPUNIT_ASSERT_EQUAL(std::uint16_t(0x1234),
                             element<std::uint16_t>(decode(all, { 0x12, 0x34 }), 0));
    }

    void test_swap_endian_big_complex_reads_little()
    {
        const item_type type =
            numpy_type(numpy_header_text("'>c8'", "()"), BUG_COMPAT_SWAP_ENDIAN);
        const decoded_value value =
            decode(type, { 0x00, 0x00, 0xc0, 0x3f, 0x00, 0x00, 0x00, 0xc0 });
        CPPUNIT_ASSERT(element<std::complex<float>>(value, 0) ==
                       std::complex<float>(1.5f, -2.0f));
    }

    void test_swap_endian_leaves_format_alone()
    {
        const item_type type = format_type({ { 'u', 16 } }, {}, BUG_COMPAT_SWAP_ENDIAN);
        CPPUNIT_ASSERT(type.wire_type() == big(dtype::kind::unsigned_int, 2));
        CPPUNIT_ASSERT_EQUAL(std::uint16_t(0x1234),
                             element<std::uint16_t>(decode(type, { 0x12, 0x34 }), 0));
        const item_type odd = format_type({ { 'u', 12 } }, {}, BUG_COMPAT_SWAP_ENDIAN);
        CPPUNIT_ASSERT_EQUAL(std::uint16_t(0xabc),
                             element<std::uint16_t>(decode(odd, { 0xab, 0xc0 }), 0));
    }

    // ---- other integer widths, MSB first, packed back to back ----

    void test_u12_unpacking()
    {
        // Nibbles a b c | 1 2 3 | f f f, then 4 padding bits.
        const item_type type = format_type({ { 'u', 12 } }, { 3 });
        CPPUNIT_ASSERT(type.value_type() == native(dtype::kind::unsigned_int, 2));
        CPPUNIT_ASSERT(!type.is_byte_aligned());
        CPPUNIT_ASSERT_EQUAL(std::size_t(12), type.element_bits());
        const decoded_value value = decode(type, { 0xab, 0xc1, 0x23, 0xff, 0xf0 });
        CPPUNIT_ASSERT(value.shape == std::vector<std::size_t>{ 3 });
        CPPUNIT_ASSERT_EQUAL(std::size_t(6), value.data.size());
        CPPUNIT_ASSERT_EQUAL(std::uint16_t(0xabc), element<std::uint16_t>(value, 0));
        CPPUNIT_ASSERT_EQUAL(std::uint16_t(0x123), element<std::uint16_t>(value, 1));
        CPPUNIT_ASSERT_EQUAL(std::uint16_t(0xfff), element<std::uint16_t>(value, 2));
    }

    void test_i12_negative()
    {
        // fff = -1, 800 = -2048, 7ff = 2047.
        const item_type type = format_type({ { 'i', 12 } }, { 3 });
        CPPUNIT_ASSERT(type.value_type() == native(dtype::kind::signed_int, 2));
        const decoded_value value = decode(type, { 0xff, 0xf8, 0x00, 0x7f, 0xf0 });
        CPPUNIT_ASSERT_EQUAL(std::int16_t(-1), element<std::int16_t>(value, 0));
        CPPUNIT_ASSERT_EQUAL(std::int16_t(-2048), element<std::int16_t>(value, 1));
        CPPUNIT_ASSERT_EQUAL(std::int16_t(2047), element<std::int16_t>(value, 2));
    }

    void test_u40_addressed()
    {
        const item_type type = format_type({ { 'u', 40 } }, {});
        CPPUNIT_ASSERT(type.value_type() == native(dtype::kind::unsigned_int, 8));
        CPPUNIT_ASSERT_EQUAL(std::size_t(40), type.element_bits());
        const decoded_value value = decode(type, { 0x01, 0x02, 0x03, 0x04, 0x05 });
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0x0102030405),
                             element<std::uint64_t>(value, 0));
    }

    void test_i40_negative()
    {
        const item_type type = format_type({ { 'i', 40 } }, { 2 });
        CPPUNIT_ASSERT(type.value_type() == native(dtype::kind::signed_int, 8));
        const decoded_value value =
            decode(type, { 0xff, 0xff, 0xff, 0xff, 0xfe, 0x80, 0x00, 0x00, 0x00, 0x00 });
        CPPUNIT_ASSERT_EQUAL(std::int64_t(-2), element<std::int64_t>(value, 0));
        CPPUNIT_ASSERT_EQUAL(-(std::int64_t(1) << 39), element<std::int64_t>(value, 1));
    }

    void test_i4_unpacking()
    {
        // Nibbles 7 8 f 0: 7, -8, -1, 0.
        const item_type type = format_type({ { 'i', 4 } }, { 4 });
        CPPUNIT_ASSERT(type.value_type() ==
                       dtype::scalar(dtype::kind::signed_int, 1, '|'));
        const decoded_value value = decode(type, { 0x78, 0xf0 });
        CPPUNIT_ASSERT_EQUAL(std::int8_t(7), element<std::int8_t>(value, 0));
        CPPUNIT_ASSERT_EQUAL(std::int8_t(-8), element<std::int8_t>(value, 1));
        CPPUNIT_ASSERT_EQUAL(std::int8_t(-1), element<std::int8_t>(value, 2));
        CPPUNIT_ASSERT_EQUAL(std::int8_t(0), element<std::int8_t>(value, 3));
    }

    void test_u1_unpacking()
    {
        // 1011 0011 10 and six surplus bits that must not matter.
        const item_type type = format_type({ { 'u', 1 } }, { 10 });
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), type.element_bits());
        const decoded_value value = decode(type, { 0xb3, 0xbf });
        const std::vector<std::uint8_t> expected = { 1, 0, 1, 1, 0, 0, 1, 1, 1, 0 };
        CPPUNIT_ASSERT(value.data == expected);
    }

    void test_i1_values()
    {
        // A 1-bit signed field holds 0 or -1.
        const item_type type = format_type({ { 'i', 1 } }, { 2 });
        const decoded_value value = decode(type, { 0x80 });
        CPPUNIT_ASSERT_EQUAL(std::int8_t(-1), element<std::int8_t>(value, 0));
        CPPUNIT_ASSERT_EQUAL(std::int8_t(0), element<std::int8_t>(value, 1));
    }

    void test_widening_boundaries()
    {
        const std::vector<std::pair<int, std::size_t>> widths = {
            { 1, 1 },  { 7, 1 },  { 9, 2 },  { 15, 2 }, { 17, 4 },
            { 24, 4 }, { 31, 4 }, { 33, 8 }, { 48, 8 }, { 63, 8 },
        };
        for (const auto& [bits, size] : widths) {
            CPPUNIT_ASSERT(format_type({ { 'u', bits } }, {}).value_type() ==
                           native(dtype::kind::unsigned_int, size));
            CPPUNIT_ASSERT(format_type({ { 'i', bits } }, {}).value_type() ==
                           native(dtype::kind::signed_int, size));
        }
        // u63 all ones; i63 all ones is -1.
        const bytes ones = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe };
        CPPUNIT_ASSERT_EQUAL(
            (std::uint64_t(1) << 63) - 1,
            element<std::uint64_t>(decode(format_type({ { 'u', 63 } }, {}), ones), 0));
        CPPUNIT_ASSERT_EQUAL(
            std::int64_t(-1),
            element<std::int64_t>(decode(format_type({ { 'i', 63 } }, {}), ones), 0));
        // i24: 80 00 00 is -2^23 in a 4-byte integer.
        CPPUNIT_ASSERT_EQUAL(
            std::int32_t(-(1 << 23)),
            element<std::int32_t>(
                decode(format_type({ { 'i', 24 } }, {}), { 0x80, 0, 0 }), 0));
    }

    void test_u64_field_across_nine_bytes()
    {
        // u4 = a, then u64 = 0123456789abcdef starting at bit 4: 68 bits in 9 bytes.
        const item_type type = format_type({ { 'u', 4 }, { 'u', 64 } }, {});
        CPPUNIT_ASSERT_EQUAL(std::size_t(68), type.element_bits());
        const decoded_value value =
            decode(type, { 0xa0, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0 });
        CPPUNIT_ASSERT_EQUAL(std::size_t(9), value.type.itemsize);
        CPPUNIT_ASSERT_EQUAL(std::uint8_t(0xa), element<std::uint8_t>(value, 0, 0));
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0x0123456789abcdefULL),
                             element<std::uint64_t>(value, 0, 1));
    }

    // ---- records ----

    void test_standard_record()
    {
        const item_type type =
            format_type({ { 'u', 8 }, { 'i', 16 }, { 'f', 32 } }, { 2 });
        const dtype& t = type.value_type();
        CPPUNIT_ASSERT(t.type_kind == dtype::kind::record);
        CPPUNIT_ASSERT_EQUAL(std::size_t(7), t.itemsize);
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), t.fields.size());
        const std::vector<std::string> names = { "f0", "f1", "f2" };
        const std::vector<std::size_t> offsets = { 0, 1, 3 };
        const std::vector<dtype> types = { native(dtype::kind::unsigned_int, 1),
                                           native(dtype::kind::signed_int, 2),
                                           native(dtype::kind::floating, 4) };
        const std::vector<dtype> wire_types = { big(dtype::kind::unsigned_int, 1),
                                                big(dtype::kind::signed_int, 2),
                                                big(dtype::kind::floating, 4) };
        for (std::size_t i = 0; i < 3; i++) {
            CPPUNIT_ASSERT_EQUAL(names[i], t.fields[i].name);
            CPPUNIT_ASSERT_EQUAL(offsets[i], t.fields[i].offset);
            CPPUNIT_ASSERT(t.fields[i].type == types[i]);
            CPPUNIT_ASSERT(type.wire_type().fields[i].type == wire_types[i]);
        }
        CPPUNIT_ASSERT(type.is_byte_aligned());
        CPPUNIT_ASSERT_EQUAL(std::size_t(56), type.element_bits());
        const bytes wire = { 0x05, 0xff, 0xfe, 0x3f, 0xc0, 0x00, 0x00,
                             0xfa, 0x01, 0x00, 0xc0, 0x00, 0x00, 0x00 };
        const decoded_value value = decode(type, wire);
        CPPUNIT_ASSERT_EQUAL(std::uint8_t(5), element<std::uint8_t>(value, 0, 0));
        CPPUNIT_ASSERT_EQUAL(std::int16_t(-2), element<std::int16_t>(value, 0, 1));
        CPPUNIT_ASSERT_EQUAL(1.5f, element<float>(value, 0, 3));
        CPPUNIT_ASSERT_EQUAL(std::uint8_t(0xfa), element<std::uint8_t>(value, 1, 0));
        CPPUNIT_ASSERT_EQUAL(std::int16_t(256), element<std::int16_t>(value, 1, 1));
        CPPUNIT_ASSERT_EQUAL(-2.0f, element<float>(value, 1, 3));
        CPPUNIT_ASSERT(type.encode(value) == wire);
    }

    void test_bit_record()
    {
        // u4 = 5, i12 = -3 (ffd), c8 = 'A', b8 = 2 (true): 5f fd 41 02.
        const item_type type =
            format_type({ { 'u', 4 }, { 'i', 12 }, { 'c', 8 }, { 'b', 8 } }, {});
        CPPUNIT_ASSERT(!type.is_byte_aligned());
        CPPUNIT_ASSERT_EQUAL(std::size_t(32), type.element_bits());
        const dtype& t = type.value_type();
        CPPUNIT_ASSERT(t.type_kind == dtype::kind::record);
        CPPUNIT_ASSERT_EQUAL(std::size_t(5), t.itemsize);
        const std::vector<std::size_t> offsets = { 0, 1, 3, 4 };
        const std::vector<dtype> types = { native(dtype::kind::unsigned_int, 1),
                                           native(dtype::kind::signed_int, 2),
                                           native(dtype::kind::bytes, 1),
                                           native(dtype::kind::boolean, 1) };
        for (std::size_t i = 0; i < 4; i++) {
            CPPUNIT_ASSERT_EQUAL("f" + std::to_string(i), t.fields[i].name);
            CPPUNIT_ASSERT_EQUAL(offsets[i], t.fields[i].offset);
            CPPUNIT_ASSERT(t.fields[i].type == types[i]);
        }
        const decoded_value value = decode(type, { 0x5f, 0xfd, 0x41, 0x02 });
        CPPUNIT_ASSERT(value.shape.empty());
        CPPUNIT_ASSERT_EQUAL(std::uint8_t(5), element<std::uint8_t>(value, 0, 0));
        CPPUNIT_ASSERT_EQUAL(std::int16_t(-3), element<std::int16_t>(value, 0, 1));
        CPPUNIT_ASSERT_EQUAL(std::uint8_t('A'), element<std::uint8_t>(value, 0, 3));
        CPPUNIT_ASSERT_EQUAL(std::uint8_t(1), element<std::uint8_t>(value, 0, 4));
    }

    void test_bit_record_with_float()
    {
        // u4 = a, f32 = 1.0 (3f800000), u4 = 5: a3 f8 00 00 05.
        const item_type type = format_type({ { 'u', 4 }, { 'f', 32 }, { 'u', 4 } }, {});
        CPPUNIT_ASSERT(!type.is_byte_aligned());
        const decoded_value value = decode(type, { 0xa3, 0xf8, 0x00, 0x00, 0x05 });
        CPPUNIT_ASSERT_EQUAL(std::size_t(6), value.type.itemsize);
        CPPUNIT_ASSERT_EQUAL(std::uint8_t(0xa), element<std::uint8_t>(value, 0, 0));
        CPPUNIT_ASSERT_EQUAL(1.0f, element<float>(value, 0, 1));
        CPPUNIT_ASSERT_EQUAL(std::uint8_t(5), element<std::uint8_t>(value, 0, 5));
    }

    // ---- immediate items: A/8 bytes of the pointer's value field, trailing bytes ----

    void test_immediate_u40_in_64_40()
    {
        // 1000000 = 0x0f4240: all five bytes of a 64-40 value field.
        const item_type type = format_type({ { 'u', 40 } }, {});
        const decoded_value value = decode(type, { 0x01, 0x00, 0x0f, 0x42, 0x40 }, true);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0x01000f4240),
                             element<std::uint64_t>(value, 0));
    }

    void test_immediate_u40_in_64_48()
    {
        // Six bytes; the leading one is padding and must be ignored.
        const item_type type = format_type({ { 'u', 40 } }, {});
        const decoded_value value =
            decode(type, { 0xee, 0x00, 0x00, 0x0f, 0x42, 0x40 }, true);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(1000000), element<std::uint64_t>(value, 0));
    }

    void test_immediate_u32_in_64_48()
    {
        const item_type type = format_type({ { 'u', 32 } }, {});
        const bytes field = { 0xaa, 0xbb, 0x12, 0x34, 0x56, 0x78 };
        CPPUNIT_ASSERT_EQUAL(std::uint32_t(0x12345678),
                             element<std::uint32_t>(decode(type, field, true), 0));
        // The same bytes as an addressed item give the leading four.
        CPPUNIT_ASSERT_EQUAL(std::uint32_t(0xaabb1234),
                             element<std::uint32_t>(decode(type, field, false), 0));
    }

    void test_immediate_u8()
    {
        const item_type type = format_type({ { 'u', 8 } }, {});
        CPPUNIT_ASSERT_EQUAL(
            std::uint8_t(0x2a),
            element<std::uint8_t>(decode(type, { 0x11, 0x22, 0x33, 0x44, 0x2a }, true),
                                  0));
    }

    void test_immediate_i16_negative()
    {
        const item_type type = format_type({ { 'i', 16 } }, {});
        CPPUNIT_ASSERT_EQUAL(
            std::int16_t(-2),
            element<std::int16_t>(decode(type, { 0x00, 0x00, 0x00, 0xff, 0xfe }, true),
                                  0));
    }

    void test_immediate_numpy()
    {
        const item_type type = numpy_type(numpy_header_text("'<u2'", "()"));
        CPPUNIT_ASSERT_EQUAL(
            std::uint16_t(0x1234),
            element<std::uint16_t>(decode(type, { 0x00, 0x00, 0x00, 0x34, 0x12 }, true),
                                   0));
    }

    void test_immediate_u12_trailing_bytes()
    {
        // A u12 needs 2 bytes: the last two, value in their leading 12 bits.
        const item_type type = format_type({ { 'u', 12 } }, {});
        CPPUNIT_ASSERT_EQUAL(
            std::uint16_t(0xabc),
            element<std::uint16_t>(decode(type, { 0x99, 0x99, 0x99, 0xab, 0xc0 }, true),
                                   0));
    }

    void test_immediate_too_wide()
    {
        // A u64 cannot come from the five bytes of a 64-40 value field.
        const item_type type = format_type({ { 'u', 64 } }, {});
        decode_error_text([&] { decode(type, { 1, 2, 3, 4, 5 }, true); });
    }

    // ---- variable dimensions: floor(available elements / fixed elements) ----

    void test_variable_dimension_alone()
    {
        // 7 bytes hold 3 u16; the odd byte is surplus.
        const item_type type = format_type({ { 'u', 16 } }, { -1 });
        CPPUNIT_ASSERT(type.shape() == std::vector<std::int64_t>{ -1 });
        const decoded_value value = decode(type, { 0, 1, 0, 2, 0, 3, 9 });
        CPPUNIT_ASSERT(value.shape == std::vector<std::size_t>{ 3 });
        CPPUNIT_ASSERT_EQUAL(std::uint16_t(3), element<std::uint16_t>(value, 2));
        CPPUNIT_ASSERT_EQUAL(std::size_t(6), value.data.size());
    }

    void test_variable_dimension_first()
    {
        // 11 bytes: 5 u16 available, rows of 2 -> 2 rows.
        const item_type type = format_type({ { 'u', 16 } }, { -1, 2 });
        const decoded_value value = decode(type, { 0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0 });
        CPPUNIT_ASSERT(value.shape == (std::vector<std::size_t>{ 2, 2 }));
        CPPUNIT_ASSERT_EQUAL(std::size_t(8), value.data.size());
        CPPUNIT_ASSERT_EQUAL(std::uint16_t(4), element<std::uint16_t>(value, 3));
    }

    void test_variable_dimension_last()
    {
        const item_type type = format_type({ { 'u', 8 } }, { 2, -1 });
        const decoded_value value = decode(type, { 1, 2, 3, 4, 5, 6, 7 });
        CPPUNIT_ASSERT(value.shape == (std::vector<std::size_t>{ 2, 3 }));
        CPPUNIT_ASSERT(value.data == (bytes{ 1, 2, 3, 4, 5, 6 }));
    }

    void test_variable_dimension_odd_width()
    {
        // 5 bytes = 40 bits hold 3 u12 (36 bits).
        const item_type type = format_type({ { 'u', 12 } }, { -1 });
        const decoded_value value = decode(type, { 0xab, 0xc1, 0x23, 0xff, 0xf0 });
        CPPUNIT_ASSERT(value.shape == std::vector<std::size_t>{ 3 });
        CPPUNIT_ASSERT_EQUAL(std::uint16_t(0xfff), element<std::uint16_t>(value, 2));
    }

    void test_variable_dimension_zero_fixed()
    {
        // A zero fixed dimension leaves nothing to divide: the variable one is 0.
        const item_type type = format_type({ { 'u', 8 } }, { 0, -1 });
        const decoded_value value = decode(type, { 1, 2, 3 });
        CPPUNIT_ASSERT(value.shape == (std::vector<std::size_t>{ 0, 0 }));
        CPPUNIT_ASSERT(value.data.empty());
        // And no bytes at all for a variable dimension is an empty array, not an error.
        const decoded_value empty =
            format_type({ { 'u', 8 } }, { -1 }).decode(nullptr, 0, false);
        CPPUNIT_ASSERT(empty.shape == std::vector<std::size_t>{ 0 });
    }

    // ---- fortran order ----

    void test_fortran_order_flag()
    {
        const item_type f =
            numpy_type("{'descr': '<u2', 'fortran_order': True, 'shape': (2, 3)}");
        CPPUNIT_ASSERT(f.fortran_order());
        const decoded_value value = decode(f, { 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0 });
        CPPUNIT_ASSERT(value.fortran_order);
        CPPUNIT_ASSERT(value.shape == (std::vector<std::size_t>{ 2, 3 }));
        // Memory keeps the wire (column-major) order: element k is the k-th on the wire.
        for (std::size_t k = 0; k < 6; k++)
            CPPUNIT_ASSERT_EQUAL(std::uint16_t(k + 1), element<std::uint16_t>(value, k));

        const item_type c = numpy_type(numpy_header_text("'<u2'", "(2, 3)"));
        CPPUNIT_ASSERT(!c.fortran_order());
        CPPUNIT_ASSERT(!decode(c, bytes(12, 0)).fortran_order);
        CPPUNIT_ASSERT(!format_type({ { 'u', 8 } }, { 2, 3 }).fortran_order());
    }

    // ---- strings ----

    void test_string()
    {
        const item_type type = format_type({ { 'c', 8 } }, { -1 });
        CPPUNIT_ASSERT(type.is_string());
        const decoded_value value = decode(type, { 'h', 'e', 'l', 'l', 'o' });
        CPPUNIT_ASSERT(value.is_string);
        CPPUNIT_ASSERT(value.shape == std::vector<std::size_t>{ 5 });
        CPPUNIT_ASSERT_EQUAL(std::string("hello"),
                             std::string(value.data.begin(), value.data.end()));
        CPPUNIT_ASSERT(format_type({ { 'c', 8 } }, { 3 }).is_string());
    }

    void test_char_scalar_is_not_string()
    {
        const item_type type = format_type({ { 'c', 8 } }, {});
        CPPUNIT_ASSERT(!type.is_string());
        CPPUNIT_ASSERT(!decode(type, { 'x' }).is_string);
    }

    void test_char_2d_is_not_string()
    {
        CPPUNIT_ASSERT(!format_type({ { 'c', 8 } }, { 2, 3 }).is_string());
        CPPUNIT_ASSERT(!format_type({ { 'c', 8 }, { 'c', 8 } }, { 3 }).is_string());
        CPPUNIT_ASSERT(!format_type({ { 'u', 8 } }, { 3 }).is_string());
    }

    void test_numpy_s1_is_not_string()
    {
        const item_type type = numpy_type(numpy_header_text("'|S1'", "(5,)"));
        CPPUNIT_ASSERT(!type.is_string());
        CPPUNIT_ASSERT(!decode(type, { 'h', 'e', 'l', 'l', 'o' }).is_string);
    }

    // ---- sizes ----

    void test_surplus_bytes_ignored()
    {
        const item_type type = format_type({ { 'u', 16 } }, { 2 });
        const decoded_value value = decode(type, { 0, 1, 0, 2, 0xde, 0xad });
        CPPUNIT_ASSERT_EQUAL(std::size_t(4), value.data.size());
        CPPUNIT_ASSERT_EQUAL(std::uint16_t(1), element<std::uint16_t>(value, 0));
        CPPUNIT_ASSERT_EQUAL(std::uint16_t(2), element<std::uint16_t>(value, 1));
    }

    void test_too_few_bytes()
    {
        const std::string text = decode_error_text([] {
            decode(format_type({ { 'u', 16 } }, { 3 }), { 0, 1, 0, 2, 0 });
        });
        CPPUNIT_ASSERT(contains(text, "(3,)"));
        CPPUNIT_ASSERT(contains(text, "5 bytes"));
        decode_error_text([] {
            decode(numpy_type(numpy_header_text("'<u8'", "()")), { 1, 2, 3, 4, 5, 6, 7 });
        });
        decode_error_text([] { decode(format_type({ { 'u', 8 } }, {}), {}); });
    }

    void test_too_few_bits()
    {
        // Three u12 need 36 bits; 4 bytes hold 32.
        decode_error_text([] {
            decode(format_type({ { 'u', 12 } }, { 3 }), { 0xab, 0xc1, 0x23, 0xff });
        });
    }

    void test_null_data()
    {
        decode_error_text([] {
            format_type({ { 'u', 8 } }, {}).decode(nullptr, 8, false);
        });
    }

    // ---- hostile descriptors ----

    void test_overflowing_shape()
    {
        const std::int64_t huge = std::int64_t(1) << 40;
        const item_type type = format_type({ { 'u', 8 } }, { huge, huge });
        const std::string text = decode_error_text([&] { decode(type, bytes(16, 0)); });
        CPPUNIT_ASSERT(contains(text, std::to_string(huge)));
        // A product that wraps to a small number must not pass either: 2^62 * 4 = 2^64.
        decode_error_text([] {
            decode(format_type({ { 'u', 8 } }, { std::int64_t(1) << 62, 4 }),
                   bytes(16, 0));
        });
    }

    void test_overflowing_fixed_with_variable()
    {
        // The fixed dimensions need more elements than any buffer has, so the variable
        // one gets 0 (what spead2 computes with Python integers): an empty value.
        const std::int64_t huge = std::int64_t(1) << 62;
        const item_type type = format_type({ { 'u', 8 } }, { -1, huge, 4 });
        const decoded_value value = decode(type, bytes(16, 0));
        CPPUNIT_ASSERT(value.shape ==
                       (std::vector<std::size_t>{ 0, std::size_t(huge), 4 }));
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), value.element_count());
        CPPUNIT_ASSERT(value.data.empty());
    }

    void test_numpy_huge_shape()
    {
        const item_type type =
            numpy_type(numpy_header_text("'<u8'", "(4294967296, 4294967296, 16)"));
        decode_error_text([&] { decode(type, bytes(64, 0)); });
    }

    void test_zero_size_elements()
    {
        const std::string text = decode_error_text([] {
            format_type({ { 'u', 0 } }, { 4 });
        });
        CPPUNIT_ASSERT(contains(text, "('u', 0)"));
        decode_error_text([] { numpy_type(numpy_header_text("'|S0'", "(4,)")); });
        decode_error_text([] { numpy_type(numpy_header_text("[]", "(4,)")); });
    }

    void test_two_variable_dimensions()
    {
        decode_error_text([] { format_type({ { 'u', 8 } }, { -1, -1 }); });
    }

    void test_arbitrary_layouts_stay_in_bounds()
    {
        // Deterministic pseudo-random formats, shapes and buffer sizes: each decode
        // either fails with decode_error or yields exactly element_count() elements, and
        // an addressed value re-encodes to the leading bytes it came from (sanitizer
        // builds catch any stray read).
        std::uint64_t state = 0x9e3779b97f4a7c15ULL;
        auto next = [&state](std::uint64_t bound) {
            state = state * 6364136223846793005ULL + 1442695040888963407ULL;
            return (state >> 33) % bound;
        };
        const std::vector<char> codes = { 'u', 'i', 'f', 'b', 'c' };
        for (int round = 0; round < 2000; round++) {
            std::vector<format_field> format(1 + next(3));
            for (auto& field : format) {
                field.code = codes[next(codes.size())];
                field.bits = field.code == 'f' ? (next(2) ? 32 : 64)
                             : field.code == 'u' || field.code == 'i' ? int(1 + next(64))
                                                                      : 8;
            }
            std::vector<std::int64_t> shape(next(3));
            for (auto& dim : shape)
                dim = next(5) == 0 ? -1 : std::int64_t(next(6));
            if (std::count(shape.begin(), shape.end(), -1) > 1)
                shape[0] = 2;
            const item_type type = format_type(format, shape);
            const bytes data(next(40), 0xa5);
            const bool immediate = next(2) == 0;
            try {
                const decoded_value value = decode(type, data, immediate);
                CPPUNIT_ASSERT_EQUAL(value.element_count() * type.value_type().itemsize,
                                     value.data.size());
                const bytes wire = type.encode(value);
                CPPUNIT_ASSERT_EQUAL(
                    (value.element_count() * type.element_bits() + 7) / 8, wire.size());
                if (!immediate && type.element_bits() % 8 == 0 &&
                    std::none_of(format.begin(), format.end(), [](const format_field& f) {
                        return f.code == 'b';
                    }))
                    CPPUNIT_ASSERT(std::equal(wire.begin(), wire.end(), data.begin()));
            } catch (const decode_error&) {
                // too few bytes for the shape: fine
            }
        }
    }

    void test_unsupported_formats()
    {
        const std::vector<format_field> bad = { { 'f', 16 }, { 'f', 8 },  { 'b', 16 },
                                                { 'c', 16 }, { '0', 8 },  { 'u', 65 },
                                                { 'i', 0 },  { 'i', -8 }, { 'x', 8 } };
        for (const auto& field : bad) {
            const std::string text =
                decode_error_text([&] { format_type({ field }, {}); });
            const std::string name = "('" + std::string(1, field.code) + "', " +
                                     std::to_string(field.bits) + ")";
            CPPUNIT_ASSERT_MESSAGE(text, contains(text, name));
            // Inside a record too.
            decode_error_text([&] { format_type({ { 'u', 8 }, field }, {}); });
        }
    }

    void test_empty_format()
    {
        decode_error_text([] { format_type({}, { 4 }); });
    }

    void test_element_count()
    {
        decoded_value value;
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), value.element_count());
        value.shape = { 3, 4 };
        CPPUNIT_ASSERT_EQUAL(std::size_t(12), value.element_count());
        value.shape = { 0, std::numeric_limits<std::size_t>::max() };
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), value.element_count());
        value.shape = { std::size_t(1) << 40, std::size_t(1) << 40 };
        CPPUNIT_ASSERT_THROW(value.element_count(), std::overflow_error);
    }

    // ---- encode ----

    void test_round_trip_numpy()
    {
        // '<u2' and '>u2' put the same native values on the wire in opposite orders.
        const std::vector<std::uint16_t> values = { 0x1234, 0xabcd };
        const item_type little = numpy_type(numpy_header_text("'<u2'", "(2,)"));
        const item_type big_type = numpy_type(numpy_header_text("'>u2'", "(2,)"));
        const decoded_value value =
            make_value(native(dtype::kind::unsigned_int, 2), { 2 }, values);
        CPPUNIT_ASSERT(little.encode(value) == (bytes{ 0x34, 0x12, 0xcd, 0xab }));
        CPPUNIT_ASSERT(big_type.encode(value) == (bytes{ 0x12, 0x34, 0xab, 0xcd }));
        CPPUNIT_ASSERT(decode(little, little.encode(value)).data == value.data);
        CPPUNIT_ASSERT(decode(big_type, big_type.encode(value)).data == value.data);

        const item_type complex = numpy_type(numpy_header_text("'>c8'", "()"));
        const decoded_value c =
            make_value(native(dtype::kind::complex, 8),
                       {},
                       std::vector<std::complex<float>>{ { 1.5f, -2.0f } });
        CPPUNIT_ASSERT(complex.encode(c) ==
                       (bytes{ 0x3f, 0xc0, 0x00, 0x00, 0xc0, 0x00, 0x00, 0x00 }));
        CPPUNIT_ASSERT(decode(complex, complex.encode(c)).data == c.data);

        const item_type swapped =
            numpy_type(numpy_header_text("'<u2'", "()"), BUG_COMPAT_SWAP_ENDIAN);
        const decoded_value s = make_value(native(dtype::kind::unsigned_int, 2),
                                           {},
                                           std::vector<std::uint16_t>{ 0x1234 });
        CPPUNIT_ASSERT(swapped.encode(s) == (bytes{ 0x12, 0x34 }));
    }

    void test_round_trip_odd_widths()
    {
        struct odd_case {
            format_field field;
            std::vector<std::int64_t> shape;
            bytes wire; // hand-packed, last byte zero-padded
        };
        const std::vector<odd_case> cases = {
            { { 'u', 12 }, { 3 }, { 0xab, 0xc1, 0x23, 0xff, 0xf0 } },
            { { 'i', 12 }, { 3 }, { 0xff, 0xf8, 0x00, 0x7f, 0xf0 } },
            { { 'u', 40 }, {}, { 0x01, 0x02, 0x03, 0x04, 0x05 } },
            { { 'i', 40 },
              { 2 },
              { 0xff, 0xff, 0xff, 0xff, 0xfe, 0x80, 0x00, 0x00, 0x00, 0x00 } },
            { { 'i', 4 }, { 4 }, { 0x78, 0xf0 } },
            { { 'i', 4 }, { 3 }, { 0x78, 0xf0 } },
            { { 'u', 1 }, { 10 }, { 0xb3, 0x80 } },
            { { 'u', 63 }, {}, { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe } },
            { { 'i', 33 }, {}, { 0x80, 0x00, 0x00, 0x00, 0x00 } },
        };
        for (const auto& c : cases) {
            const item_type type = format_type({ c.field }, c.shape);
            const decoded_value value = decode(type, c.wire);
            const bytes encoded = type.encode(value);
            CPPUNIT_ASSERT_MESSAGE(std::string(1, c.field.code) +
                                       std::to_string(c.field.bits),
                                   encoded == c.wire);
        }
        // Encoding from independently built values: i12 {-1, -2048, 2047}.
        const item_type i12 = format_type({ { 'i', 12 } }, { 3 });
        CPPUNIT_ASSERT(
            i12.encode(make_value(native(dtype::kind::signed_int, 2),
                                  { 3 },
                                  std::vector<std::int16_t>{ -1, -2048, 2047 })) ==
            (bytes{ 0xff, 0xf8, 0x00, 0x7f, 0xf0 }));
        // u40 1000000 -> 00 00 0f 42 40.
        const item_type u40 = format_type({ { 'u', 40 } }, {});
        CPPUNIT_ASSERT(u40.encode(make_value(native(dtype::kind::unsigned_int, 8),
                                             {},
                                             std::vector<std::uint64_t>{ 1000000 })) ==
                       (bytes{ 0x00, 0x00, 0x0f, 0x42, 0x40 }));
    }

    void test_round_trip_bit_record()
    {
        const item_type type =
            format_type({ { 'u', 4 }, { 'i', 12 }, { 'c', 8 }, { 'b', 8 } }, { 2 });
        const bytes wire = { 0x5f, 0xfd, 0x41, 0x01, 0xa0, 0x01, 0x7a, 0x00 };
        CPPUNIT_ASSERT(type.encode(decode(type, wire)) == wire);
        const item_type with_float =
            format_type({ { 'u', 4 }, { 'f', 32 }, { 'u', 4 } }, {});
        const bytes float_wire = { 0xa3, 0xf8, 0x00, 0x00, 0x05 };
        CPPUNIT_ASSERT(with_float.encode(decode(with_float, float_wire)) == float_wire);
        const item_type wide = format_type({ { 'u', 4 }, { 'u', 64 } }, {});
        const bytes wide_wire = { 0xa0, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0 };
        CPPUNIT_ASSERT(wide.encode(decode(wide, wide_wire)) == wide_wire);
    }

    void test_round_trip_variable_dimension()
    {
        const item_type type = format_type({ { 'u', 12 } }, { -1 });
        const decoded_value value = make_value(native(dtype::kind::unsigned_int, 2),
                                               { 2 },
                                               std::vector<std::uint16_t>{ 1, 2 });
        const bytes wire = type.encode(value);
        CPPUNIT_ASSERT(wire == (bytes{ 0x00, 0x10, 0x02 }));
        CPPUNIT_ASSERT(decode(type, wire).data == value.data);
    }

    void test_encode_rejects_mismatch()
    {
        const item_type type = format_type({ { 'u', 16 } }, { 2 });
        const dtype u2 = native(dtype::kind::unsigned_int, 2);
        // Wrong type.
        invalid_argument_text([&] {
            type.encode(make_value(native(dtype::kind::signed_int, 2),
                                   { 2 },
                                   std::vector<std::int16_t>{ 1, 2 }));
        });
        // Wrong shape, wrong rank.
        invalid_argument_text([&] {
            type.encode(make_value(u2, { 3 }, std::vector<std::uint16_t>{ 1, 2, 3 }));
        });
        invalid_argument_text([&] {
            type.encode(make_value(u2, { 1, 2 }, std::vector<std::uint16_t>{ 1, 2 }));
        });
        // Data size not matching the shape.
        invalid_argument_text(
            [&] { type.encode(make_value(u2, { 2 }, std::vector<std::uint16_t>{ 1 })); });
        // Fortran layout given to a C-order item.
        const item_type two_d = format_type({ { 'u', 8 } }, { 2, 2 });
        decoded_value f = make_value(native(dtype::kind::unsigned_int, 1),
                                     { 2, 2 },
                                     std::vector<std::uint8_t>{ 1, 2, 3, 4 });
        f.fortran_order = true;
        invalid_argument_text([&] { two_d.encode(f); });
    }

    void test_encode_rejects_out_of_range()
    {
        const item_type u12 = format_type({ { 'u', 12 } }, {});
        const std::string text = invalid_argument_text([&] {
            u12.encode(make_value(native(dtype::kind::unsigned_int, 2),
                                  {},
                                  std::vector<std::uint16_t>{ 4096 }));
        });
        CPPUNIT_ASSERT(contains(text, "4096"));
        const item_type i4 = format_type({ { 'i', 4 } }, { 1 });
        for (std::int8_t bad : { std::int8_t(8), std::int8_t(-9) })
            invalid_argument_text([&] {
                i4.encode(make_value(native(dtype::kind::signed_int, 1),
                                     { 1 },
                                     std::vector<std::int8_t>{ bad }));
            });
        // The extremes fit.
        CPPUNIT_ASSERT(i4.encode(make_value(native(dtype::kind::signed_int, 1),
                                            { 1 },
                                            std::vector<std::int8_t>{ -8 })) ==
                       bytes{ 0x80 });
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(qa_item_type);
