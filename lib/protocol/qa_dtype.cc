/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// Expected descr spellings are numpy's own (numpy 1.24: np.dtype(...).str and .descr).

#include <gnuradio/spead/protocol/dtype.h>
#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>

namespace gr {
namespace spead {
namespace protocol {

namespace {

using k = dtype::kind;

char other_byte_order() { return dtype::native_byte_order() == '<' ? '>' : '<'; }

dtype::field make_field(const std::string& name, const dtype& type, std::size_t offset)
{
    dtype::field f;
    f.name = name;
    f.type = type;
    f.offset = offset;
    return f;
}

dtype make_record(std::size_t itemsize, std::vector<dtype::field> fields)
{
    dtype r;
    r.type_kind = k::record;
    r.itemsize = itemsize;
    r.byte_order = '|';
    r.fields = std::move(fields);
    return r;
}

} // namespace

class qa_dtype : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(qa_dtype);
    CPPUNIT_TEST(test_native_byte_order_matches_memory);
    CPPUNIT_TEST(test_scalar_fields);
    CPPUNIT_TEST(test_scalar_one_byte_has_no_byte_order);
    CPPUNIT_TEST(test_scalar_equals_sign_means_native);
    CPPUNIT_TEST(test_scalar_rejects_bad_sizes);
    CPPUNIT_TEST(test_scalar_rejects_bad_byte_order);
    CPPUNIT_TEST(test_descr_scalars);
    CPPUNIT_TEST(test_descr_record_packed);
    CPPUNIT_TEST(test_descr_record_with_gap_and_tail_padding);
    CPPUNIT_TEST(test_descr_nested_record);
    CPPUNIT_TEST(test_descr_quotes_names_like_python);
    CPPUNIT_TEST(test_descr_rejects_overlapping_fields);
    CPPUNIT_TEST(test_descr_void);
    CPPUNIT_TEST(test_to_native_and_is_native);
    CPPUNIT_TEST(test_to_native_recurses_into_fields);
    CPPUNIT_TEST(test_equality);
    CPPUNIT_TEST_SUITE_END();

public:
    void test_native_byte_order_matches_memory()
    {
        const std::uint32_t probe = 0x01020304;
        unsigned char first;
        std::memcpy(&first, &probe, 1);
        CPPUNIT_ASSERT_EQUAL(first == 0x04 ? '<' : '>', dtype::native_byte_order());
    }

    void test_scalar_fields()
    {
        const dtype t = dtype::scalar(k::floating, 8, '>');
        CPPUNIT_ASSERT(t.type_kind == k::floating);
        CPPUNIT_ASSERT_EQUAL(std::size_t(8), t.itemsize);
        CPPUNIT_ASSERT_EQUAL('>', t.byte_order);
        CPPUNIT_ASSERT(t.fields.empty());
    }

    void test_scalar_one_byte_has_no_byte_order()
    {
        CPPUNIT_ASSERT_EQUAL('|', dtype::scalar(k::unsigned_int, 1, '<').byte_order);
        CPPUNIT_ASSERT_EQUAL('|', dtype::scalar(k::signed_int, 1, '>').byte_order);
        CPPUNIT_ASSERT_EQUAL('|', dtype::scalar(k::boolean, 1, '=').byte_order);
        // Byte strings never have a byte order, whatever their length.
        CPPUNIT_ASSERT_EQUAL('|', dtype::scalar(k::bytes, 5, '>').byte_order);
        CPPUNIT_ASSERT_EQUAL('|', dtype::scalar(k::record, 3, '<').byte_order);
    }

    void test_scalar_equals_sign_means_native()
    {
        CPPUNIT_ASSERT_EQUAL(dtype::native_byte_order(),
                             dtype::scalar(k::unsigned_int, 4, '=').byte_order);
        // numpy reads '|u8' as native too.
        CPPUNIT_ASSERT_EQUAL(dtype::native_byte_order(),
                             dtype::scalar(k::unsigned_int, 8, '|').byte_order);
    }

    void test_scalar_rejects_bad_sizes()
    {
        CPPUNIT_ASSERT_THROW(dtype::scalar(k::unsigned_int, 3, '<'),
                             std::invalid_argument);
        CPPUNIT_ASSERT_THROW(dtype::scalar(k::signed_int, 16, '<'),
                             std::invalid_argument);
        CPPUNIT_ASSERT_THROW(dtype::scalar(k::floating, 1, '<'), std::invalid_argument);
        CPPUNIT_ASSERT_THROW(dtype::scalar(k::complex, 4, '<'), std::invalid_argument);
        CPPUNIT_ASSERT_THROW(dtype::scalar(k::boolean, 2, '<'), std::invalid_argument);
        CPPUNIT_ASSERT_THROW(dtype::scalar(k::bytes, 0, '|'), std::invalid_argument);
        try {
            dtype::scalar(k::unsigned_int, 3, '<');
            CPPUNIT_FAIL("itemsize 3 accepted for an integer");
        } catch (const std::invalid_argument& e) {
            CPPUNIT_ASSERT(std::string(e.what()).find("itemsize 3") != std::string::npos);
        }
    }

    void test_scalar_rejects_bad_byte_order()
    {
        CPPUNIT_ASSERT_THROW(dtype::scalar(k::unsigned_int, 4, 'x'),
                             std::invalid_argument);
        CPPUNIT_ASSERT_THROW(dtype::scalar(k::unsigned_int, 4, '\0'),
                             std::invalid_argument);
    }

    void test_descr_scalars()
    {
        CPPUNIT_ASSERT_EQUAL(std::string("'<u8'"),
                             dtype::scalar(k::unsigned_int, 8, '<').descr());
        CPPUNIT_ASSERT_EQUAL(std::string("'|i1'"),
                             dtype::scalar(k::signed_int, 1, '<').descr());
        CPPUNIT_ASSERT_EQUAL(std::string("'<c8'"),
                             dtype::scalar(k::complex, 8, '<').descr());
        CPPUNIT_ASSERT_EQUAL(std::string("'>c16'"),
                             dtype::scalar(k::complex, 16, '>').descr());
        CPPUNIT_ASSERT_EQUAL(std::string("'>f4'"),
                             dtype::scalar(k::floating, 4, '>').descr());
        CPPUNIT_ASSERT_EQUAL(std::string("'|b1'"),
                             dtype::scalar(k::boolean, 1, '=').descr());
        CPPUNIT_ASSERT_EQUAL(std::string("'|S1'"),
                             dtype::scalar(k::bytes, 1, '|').descr());
        CPPUNIT_ASSERT_EQUAL(std::string("'|S12'"),
                             dtype::scalar(k::bytes, 12, '|').descr());
        CPPUNIT_ASSERT_EQUAL(std::string("'>i2'"),
                             dtype::scalar(k::signed_int, 2, '>').descr());
    }

    void test_descr_record_packed()
    {
        const dtype r =
            make_record(10,
                        { make_field("f0", dtype::scalar(k::unsigned_int, 2, '>'), 0),
                          make_field("x", dtype::scalar(k::floating, 8, '<'), 2) });
        CPPUNIT_ASSERT_EQUAL(std::string("[('f0', '>u2'), ('x', '<f8')]"), r.descr());
    }

    void test_descr_record_with_gap_and_tail_padding()
    {
        // numpy: np.dtype({'names': ['a', 'b'], 'formats': ['<u2', '<f8'],
        //                  'offsets': [0, 8], 'itemsize': 20}).descr
        const dtype r =
            make_record(20,
                        { make_field("a", dtype::scalar(k::unsigned_int, 2, '<'), 0),
                          make_field("b", dtype::scalar(k::floating, 8, '<'), 8) });
        CPPUNIT_ASSERT_EQUAL(
            std::string("[('a', '<u2'), ('', '|V6'), ('b', '<f8'), ('', '|V4')]"),
            r.descr());
    }

    void test_descr_nested_record()
    {
        const dtype inner =
            make_record(6,
                        { make_field("x", dtype::scalar(k::unsigned_int, 2, '<'), 0),
                          make_field("y", dtype::scalar(k::floating, 4, '>'), 2) });
        const dtype outer =
            make_record(7,
                        { make_field("a", dtype::scalar(k::unsigned_int, 1, '|'), 0),
                          make_field("n", inner, 1) });
        CPPUNIT_ASSERT_EQUAL(
            std::string("[('a', '|u1'), ('n', [('x', '<u2'), ('y', '>f4')])]"),
            outer.descr());
    }

    void test_descr_quotes_names_like_python()
    {
        // Python: repr("it's") == "\"it's\"", repr('a\\b') == "'a\\\\b'"
        const dtype r = make_record(
            2,
            { make_field("it's", dtype::scalar(k::unsigned_int, 1, '|'), 0),
              make_field("a\\b", dtype::scalar(k::unsigned_int, 1, '|'), 1) });
        CPPUNIT_ASSERT_EQUAL(std::string("[(\"it's\", '|u1'), ('a\\\\b', '|u1')]"),
                             r.descr());
    }

    void test_descr_rejects_overlapping_fields()
    {
        const dtype r =
            make_record(4,
                        { make_field("a", dtype::scalar(k::unsigned_int, 4, '<'), 0),
                          make_field("b", dtype::scalar(k::unsigned_int, 2, '<'), 2) });
        CPPUNIT_ASSERT_THROW(r.descr(), std::invalid_argument);
    }

    void test_descr_void()
    {
        CPPUNIT_ASSERT_EQUAL(std::string("'|V3'"),
                             dtype::scalar(k::record, 3, '|').descr());
    }

    void test_to_native_and_is_native()
    {
        const char native = dtype::native_byte_order();
        const dtype foreign = dtype::scalar(k::signed_int, 4, other_byte_order());
        CPPUNIT_ASSERT(!foreign.is_native());
        const dtype converted = foreign.to_native();
        CPPUNIT_ASSERT(converted.is_native());
        CPPUNIT_ASSERT_EQUAL(native, converted.byte_order);
        CPPUNIT_ASSERT(converted.type_kind == k::signed_int);
        CPPUNIT_ASSERT_EQUAL(std::size_t(4), converted.itemsize);
        // One-byte types are native whatever they say.
        CPPUNIT_ASSERT(dtype::scalar(k::unsigned_int, 1, '|').is_native());
        CPPUNIT_ASSERT_EQUAL(
            '|', dtype::scalar(k::unsigned_int, 1, '|').to_native().byte_order);
    }

    void test_to_native_recurses_into_fields()
    {
        const char other = other_byte_order();
        const dtype inner =
            make_record(4, { make_field("y", dtype::scalar(k::floating, 4, other), 0) });
        const dtype r =
            make_record(6,
                        { make_field("a", dtype::scalar(k::unsigned_int, 2, other), 0),
                          make_field("n", inner, 2) });
        CPPUNIT_ASSERT(!r.is_native());
        CPPUNIT_ASSERT(!inner.is_native());
        const dtype n = r.to_native();
        CPPUNIT_ASSERT(n.is_native());
        CPPUNIT_ASSERT_EQUAL(dtype::native_byte_order(), n.fields[0].type.byte_order);
        CPPUNIT_ASSERT_EQUAL(dtype::native_byte_order(),
                             n.fields[1].type.fields[0].type.byte_order);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), n.fields[1].offset);
        CPPUNIT_ASSERT_EQUAL(std::string("n"), n.fields[1].name);
    }

    void test_equality()
    {
        CPPUNIT_ASSERT(dtype::scalar(k::unsigned_int, 4, '<') ==
                       dtype::scalar(k::unsigned_int, 4, '<'));
        CPPUNIT_ASSERT(dtype::scalar(k::unsigned_int, 4, '<') !=
                       dtype::scalar(k::unsigned_int, 4, '>'));
        CPPUNIT_ASSERT(dtype::scalar(k::unsigned_int, 4, '<') !=
                       dtype::scalar(k::signed_int, 4, '<'));
        CPPUNIT_ASSERT(dtype::scalar(k::unsigned_int, 4, '<') !=
                       dtype::scalar(k::unsigned_int, 8, '<'));
        // A hand-built one-byte type with a byte order equals numpy's '|' spelling.
        dtype by_hand;
        by_hand.type_kind = k::unsigned_int;
        by_hand.itemsize = 1;
        by_hand.byte_order = '<';
        CPPUNIT_ASSERT(by_hand == dtype::scalar(k::unsigned_int, 1, '|'));

        const dtype a = make_record(
            2, { make_field("a", dtype::scalar(k::unsigned_int, 2, '<'), 0) });
        dtype b = a;
        CPPUNIT_ASSERT(a == b);
        b.fields[0].name = "b";
        CPPUNIT_ASSERT(a != b);
        b = a;
        b.fields[0].type = dtype::scalar(k::unsigned_int, 2, '>');
        CPPUNIT_ASSERT(a != b);
        b = a;
        b.itemsize = 4;
        CPPUNIT_ASSERT(a != b);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(qa_dtype);

} // namespace protocol
} // namespace spead
} // namespace gr
