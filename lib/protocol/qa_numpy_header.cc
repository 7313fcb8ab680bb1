/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// Header texts come from SPEAD-PROTOCOL.md section 5, from the reference captures (the
// exact bytes spead2 4.4.1 sent) and from numpy's .npy writer; the expected types are
// what numpy makes of them.

#include <gnuradio/spead/protocol/decode_error.h>
#include <gnuradio/spead/protocol/numpy_header.h>
#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>
#include <stdexcept>
#include <string>
#include <vector>

namespace gr {
namespace spead {
namespace protocol {

namespace {

using k = dtype::kind;
using shape_t = std::vector<std::int64_t>;

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

/// Asserts that parsing fails with a decode_error whose message contains \p needle.
void assert_rejected(const std::string& text, const std::string& needle = "")
{
    try {
        parse_numpy_header(text);
    } catch (const decode_error& e) {
        const std::string what = e.what();
        CPPUNIT_ASSERT_MESSAGE("message '" + what + "' should mention '" + needle + "'",
                               what.find(needle) != std::string::npos);
        return;
    } catch (const std::exception& e) {
        CPPUNIT_FAIL("wrong exception type for <" + text.substr(0, 60) +
                     ">: " + e.what());
    }
    CPPUNIT_FAIL("accepted <" + text.substr(0, 60) + ">");
}

void assert_type_rejected(const std::string& text)
{
    try {
        parse_dtype_string(text);
    } catch (const decode_error& e) {
        const std::string what = e.what();
        CPPUNIT_ASSERT_MESSAGE("message '" + what + "' should name '" + text + "'",
                               what.find(text) != std::string::npos);
        return;
    }
    CPPUNIT_FAIL("accepted type string '" + text + "'");
}

const char native = dtype::native_byte_order();

} // namespace

class qa_numpy_header : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(qa_numpy_header);
    CPPUNIT_TEST(test_dtype_strings_accepted);
    CPPUNIT_TEST(test_dtype_strings_rejected);
    CPPUNIT_TEST(test_spec_example);
    CPPUNIT_TEST(test_headers_from_captures);
    CPPUNIT_TEST(test_npy_file_spelling_with_padding);
    CPPUNIT_TEST(test_double_quotes_key_order_and_whitespace);
    CPPUNIT_TEST(test_string_escapes);
    CPPUNIT_TEST(test_fortran_order_true);
    CPPUNIT_TEST(test_shapes);
    CPPUNIT_TEST(test_record_descr);
    CPPUNIT_TEST(test_record_padding_and_unnamed_fields);
    CPPUNIT_TEST(test_nested_record_descr);
    CPPUNIT_TEST(test_keys_missing_unknown_repeated);
    CPPUNIT_TEST(test_bad_values_rejected);
    CPPUNIT_TEST(test_bad_records_rejected);
    CPPUNIT_TEST(test_malformed_literals_rejected);
    CPPUNIT_TEST(test_hostile_input_rejected);
    CPPUNIT_TEST(test_format_matches_spead2_bytes);
    CPPUNIT_TEST(test_format_round_trips);
    CPPUNIT_TEST(test_format_rejects_variable_dimension);
    CPPUNIT_TEST_SUITE_END();

public:
    void test_dtype_strings_accepted()
    {
        CPPUNIT_ASSERT(parse_dtype_string("<u8") ==
                       dtype::scalar(k::unsigned_int, 8, '<'));
        CPPUNIT_ASSERT(parse_dtype_string(">i2") == dtype::scalar(k::signed_int, 2, '>'));
        CPPUNIT_ASSERT(parse_dtype_string("|i1") == dtype::scalar(k::signed_int, 1, '|'));
        CPPUNIT_ASSERT(parse_dtype_string("<c8") == dtype::scalar(k::complex, 8, '<'));
        CPPUNIT_ASSERT(parse_dtype_string(">c16") == dtype::scalar(k::complex, 16, '>'));
        CPPUNIT_ASSERT(parse_dtype_string("<f4") == dtype::scalar(k::floating, 4, '<'));
        CPPUNIT_ASSERT(parse_dtype_string(">f8") == dtype::scalar(k::floating, 8, '>'));
        CPPUNIT_ASSERT(parse_dtype_string("<f2") == dtype::scalar(k::floating, 2, '<'));
        CPPUNIT_ASSERT(parse_dtype_string("|b1") == dtype::scalar(k::boolean, 1, '|'));
        CPPUNIT_ASSERT(parse_dtype_string("?") == dtype::scalar(k::boolean, 1, '|'));
        CPPUNIT_ASSERT(parse_dtype_string("|?") == dtype::scalar(k::boolean, 1, '|'));
        CPPUNIT_ASSERT(parse_dtype_string("u1") ==
                       dtype::scalar(k::unsigned_int, 1, '|'));
        CPPUNIT_ASSERT(parse_dtype_string("|S1") == dtype::scalar(k::bytes, 1, '|'));
        CPPUNIT_ASSERT(parse_dtype_string("S17") == dtype::scalar(k::bytes, 17, '|'));
        CPPUNIT_ASSERT(parse_dtype_string("|V2") == dtype::scalar(k::record, 2, '|'));
        // No order, '=' and (as numpy reads it) '|' on a multi-byte number mean native.
        CPPUNIT_ASSERT_EQUAL(native, parse_dtype_string("u4").byte_order);
        CPPUNIT_ASSERT_EQUAL(native, parse_dtype_string("=i8").byte_order);
        CPPUNIT_ASSERT_EQUAL(native, parse_dtype_string("|f8").byte_order);
        // A byte order on a one-byte type is dropped, as numpy does.
        CPPUNIT_ASSERT_EQUAL('|', parse_dtype_string(">u1").byte_order);
        CPPUNIT_ASSERT_EQUAL(std::size_t(8), parse_dtype_string("<c8").itemsize);
    }

    void test_dtype_strings_rejected()
    {
        for (const char* text : { "<u3",
                                  "<u16",
                                  "<i0",
                                  "<f1",
                                  "<f16",
                                  "<c4",
                                  "<c32",
                                  "b2",
                                  "|S0",
                                  "S",
                                  "u",
                                  "<",
                                  "|",
                                  "<U8",
                                  "|O",
                                  "<M8",
                                  "<m8",
                                  "<u8 ",
                                  " <u8",
                                  "<<u8",
                                  "u01",
                                  "?1",
                                  "<?8",
                                  "<x4",
                                  "u8u8",
                                  "<u-8",
                                  "<u+8",
                                  "c",
                                  "<i99999999999999999999",
                                  "V0" })
            assert_type_rejected(text);
        CPPUNIT_ASSERT_THROW(parse_dtype_string(""), decode_error);
        CPPUNIT_ASSERT_THROW(parse_dtype_string(std::string("<u\0"
                                                            "8",
                                                            4)),
                             decode_error);
    }

    void test_spec_example()
    {
        const numpy_header h = parse_numpy_header(
            "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2)}");
        CPPUNIT_ASSERT(h.type == dtype::scalar(k::floating, 8, '<'));
        CPPUNIT_ASSERT(!h.fortran_order);
        CPPUNIT_ASSERT(h.shape == shape_t({ 2, 2 }));
    }

    void test_headers_from_captures()
    {
        numpy_header h =
            parse_numpy_header("{'descr': '<u8', 'fortran_order': False, 'shape': ()}");
        CPPUNIT_ASSERT(h.type == dtype::scalar(k::unsigned_int, 8, '<'));
        CPPUNIT_ASSERT(h.shape.empty());
        h = parse_numpy_header(
            "{'descr': '|i1', 'fortran_order': False, 'shape': (4096, 2)}");
        CPPUNIT_ASSERT(h.type == dtype::scalar(k::signed_int, 1, '|'));
        CPPUNIT_ASSERT(h.shape == shape_t({ 4096, 2 }));
        h = parse_numpy_header(
            "{'descr': '<c8', 'fortran_order': False, 'shape': (4096,)}");
        CPPUNIT_ASSERT(h.type == dtype::scalar(k::complex, 8, '<'));
        CPPUNIT_ASSERT(h.shape == shape_t({ 4096 }));
    }

    void test_npy_file_spelling_with_padding()
    {
        // numpy.lib.format pads the dict with spaces to a 64-byte boundary, adds a
        // newline, and writes a trailing ", " before the closing brace.
        const std::string text =
            "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }" +
            std::string(57, ' ') + "\n";
        const numpy_header h = parse_numpy_header(text);
        CPPUNIT_ASSERT(h.type == dtype::scalar(k::floating, 8, '<'));
        CPPUNIT_ASSERT(h.shape == shape_t({ 2, 2 }));
        // Leading whitespace and a CRLF tail are tolerated too.
        CPPUNIT_ASSERT(parse_numpy_header("  \t{'descr':'|u1','fortran_order':False,"
                                          "'shape':(1,)}\r\n")
                           .shape == shape_t({ 1 }));
    }

    void test_double_quotes_key_order_and_whitespace()
    {
        numpy_header h = parse_numpy_header(
            "{\"shape\": (3,), \"fortran_order\": True, \"descr\": \">i4\"}");
        CPPUNIT_ASSERT(h.type == dtype::scalar(k::signed_int, 4, '>'));
        CPPUNIT_ASSERT(h.fortran_order);
        CPPUNIT_ASSERT(h.shape == shape_t({ 3 }));

        h = parse_numpy_header(
            "{\n\t'fortran_order' :False ,\n  'descr'\t:  \"<u2\",'shape'"
            ":( 7 , 8 , 9 , ) ,\n}");
        CPPUNIT_ASSERT(h.type == dtype::scalar(k::unsigned_int, 2, '<'));
        CPPUNIT_ASSERT(!h.fortran_order);
        CPPUNIT_ASSERT(h.shape == shape_t({ 7, 8, 9 }));

        // Mixed quotes, a quote of the other kind inside a string.
        h = parse_numpy_header("{'descr': [(\"it's\", '<u2')], \"fortran_order\": False, "
                               "'shape': ()}");
        CPPUNIT_ASSERT_EQUAL(std::string("it's"), h.type.fields.at(0).name);
    }

    void test_string_escapes()
    {
        // '\x3c' is '<', '\074' is '<' in octal, '\'' and '\"' are quotes.
        numpy_header h = parse_numpy_header(
            "{'descr': '\\x3cu8', 'fortran_order': False, 'shape': ()}");
        CPPUNIT_ASSERT(h.type == dtype::scalar(k::unsigned_int, 8, '<'));
        h = parse_numpy_header(
            "{'descr': '\\074f4', 'fortran_order': False, 'shape': ()}");
        CPPUNIT_ASSERT(h.type == dtype::scalar(k::floating, 4, '<'));
        h = parse_numpy_header("{'descr': [('a\\'b\\\"c\\\\d\\n', '<u2')], "
                               "'fortran_order': False, 'shape': ()}");
        CPPUNIT_ASSERT_EQUAL(std::string("a'b\"c\\d\n"), h.type.fields.at(0).name);
        // Python keeps an unknown escape as written.
        h = parse_numpy_header("{'descr': [('a\\qb', '<u2')], 'fortran_order': False, "
                               "'shape': ()}");
        CPPUNIT_ASSERT_EQUAL(std::string("a\\qb"), h.type.fields.at(0).name);
        // Keys may be escaped too.
        h = parse_numpy_header(
            "{'de\\x73cr': '<u2', 'fortran_order': False, 'shape': ()}");
        CPPUNIT_ASSERT(h.type == dtype::scalar(k::unsigned_int, 2, '<'));
    }

    void test_fortran_order_true()
    {
        const numpy_header h = parse_numpy_header(
            "{'descr': '>f4', 'fortran_order': True, 'shape': (3, 4)}");
        CPPUNIT_ASSERT(h.fortran_order);
        CPPUNIT_ASSERT(h.type == dtype::scalar(k::floating, 4, '>'));
    }

    void test_shapes()
    {
        auto shape_of = [](const std::string& s) {
            return parse_numpy_header(
                       "{'descr': '<u2', 'fortran_order': False, 'shape': " + s + "}")
                .shape;
        };
        CPPUNIT_ASSERT(shape_of("()") == shape_t{});
        CPPUNIT_ASSERT(shape_of("( )") == shape_t{});
        CPPUNIT_ASSERT(shape_of("(0,)") == shape_t({ 0 }));
        CPPUNIT_ASSERT(shape_of("(5,)") == shape_t({ 5 }));
        CPPUNIT_ASSERT(shape_of("(1, 2, 3, 4)") == shape_t({ 1, 2, 3, 4 }));
        CPPUNIT_ASSERT(shape_of("(+4, 1_000)") == shape_t({ 4, 1000 }));
        CPPUNIT_ASSERT(shape_of("(9223372036854775807,)") ==
                       shape_t({ INT64_C(9223372036854775807) }));
        CPPUNIT_ASSERT(shape_of("((3,))") == shape_t({ 3 })); // parenthesised tuple
    }

    void test_record_descr()
    {
        const numpy_header h = parse_numpy_header(
            "{'descr': [('re', '>i2'), ('im', '>i2'), ('flag', '|b1')], "
            "'fortran_order': False, 'shape': (10,)}");
        const dtype expected =
            make_record(5,
                        { make_field("re", dtype::scalar(k::signed_int, 2, '>'), 0),
                          make_field("im", dtype::scalar(k::signed_int, 2, '>'), 2),
                          make_field("flag", dtype::scalar(k::boolean, 1, '|'), 4) });
        CPPUNIT_ASSERT(h.type == expected);
        CPPUNIT_ASSERT(h.shape == shape_t({ 10 }));
    }

    void test_record_padding_and_unnamed_fields()
    {
        // numpy's descr of an aligned {u2, f8} record: the gap is a nameless void.
        numpy_header h =
            parse_numpy_header("{'descr': [('a', '<u2'), ('', '|V6'), ('b', '<f8'), "
                               "('', '|V4')], 'fortran_order': False, 'shape': ()}");
        CPPUNIT_ASSERT(
            h.type ==
            make_record(20,
                        { make_field("a", dtype::scalar(k::unsigned_int, 2, '<'), 0),
                          make_field("b", dtype::scalar(k::floating, 8, '<'), 8) }));
        // A nameless field that is not padding gets numpy's f<index> name.
        h = parse_numpy_header(
            "{'descr': [('a', '|u1'), ('', '<u2')], 'fortran_order': False, "
            "'shape': ()}");
        CPPUNIT_ASSERT(
            h.type ==
            make_record(3,
                        { make_field("a", dtype::scalar(k::unsigned_int, 1, '|'), 0),
                          make_field("f1", dtype::scalar(k::unsigned_int, 2, '<'), 1) }));
        // A named void field is data, not padding.
        h = parse_numpy_header(
            "{'descr': [('raw', '|V3')], 'fortran_order': False, 'shape': ()}");
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), h.type.fields.size());
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), h.type.itemsize);
        // A list as the tuple of a record is fine when it is a tuple in a list.
        h = parse_numpy_header(
            "{'descr': [('x', '<f4',)], 'fortran_order': False, 'shape': ()}");
        CPPUNIT_ASSERT_EQUAL(std::string("x"), h.type.fields.at(0).name);
    }

    void test_nested_record_descr()
    {
        const numpy_header h = parse_numpy_header(
            "{'descr': [('a', '|u1'), ('n', [('x', '<u2'), ('y', '>f4')])], "
            "'fortran_order': False, 'shape': (2,)}");
        const dtype inner =
            make_record(6,
                        { make_field("x", dtype::scalar(k::unsigned_int, 2, '<'), 0),
                          make_field("y", dtype::scalar(k::floating, 4, '>'), 2) });
        CPPUNIT_ASSERT(
            h.type ==
            make_record(7,
                        { make_field("a", dtype::scalar(k::unsigned_int, 1, '|'), 0),
                          make_field("n", inner, 1) }));
    }

    void test_keys_missing_unknown_repeated()
    {
        assert_rejected("{'descr': '<f8', 'fortran_order': False}", "'shape'");
        assert_rejected("{'descr': '<f8', 'shape': ()}", "'fortran_order'");
        assert_rejected("{'fortran_order': False, 'shape': ()}", "'descr'");
        assert_rejected("{}", "'descr'");
        assert_rejected(
            "{'descr': '<f8', 'fortran_order': False, 'shape': (), 'extra': 1}",
            "'extra'");
        assert_rejected(
            "{'descr': '<f8', 'fortran_order': False, 'shape': (), 'Shape': ()}",
            "'Shape'");
        assert_rejected(
            "{'descr': '<f8', 'fortran_order': False, 'shape': (), 'descr': '<f8'}",
            "'descr'");
        assert_rejected(
            "{'descr': '<f8', 'fortran_order': False, 'shape': (), \"shape\": ()}",
            "'shape'");
    }

    void test_bad_values_rejected()
    {
        auto with = [](const std::string& descr,
                       const std::string& order,
                       const std::string& shape) {
            return "{'descr': " + descr + ", 'fortran_order': " + order +
                   ", 'shape': " + shape + "}";
        };
        assert_rejected(with("'<u3'", "False", "()"), "<u3");
        assert_rejected(with("'<U8'", "False", "()"), "<U8");
        assert_rejected(with("8", "False", "()"), "descr");
        assert_rejected(with("None", "False", "()"), "descr");
        assert_rejected(with("('<u8',)", "False", "()"), "descr");
        assert_rejected(with("'<u8'", "0", "()"), "fortran_order");
        assert_rejected(with("'<u8'", "'False'", "()"), "fortran_order");
        assert_rejected(with("'<u8'", "None", "()"), "fortran_order");
        assert_rejected(with("'<u8'", "False", "(3)"), "shape"); // an int, not a tuple
        assert_rejected(with("'<u8'", "False", "[3]"), "[3]");
        assert_rejected(with("'<u8'", "False", "3"), "shape");
        assert_rejected(with("'<u8'", "False", "(-1,)"), "(-1,)"); // spead2 refuses it
        assert_rejected(with("'<u8'", "False", "(2, -3)"), "shape");
        assert_rejected(with("'<u8'", "False", "(True,)"), "shape");
        assert_rejected(with("'<u8'", "False", "('3',)"), "shape");
        assert_rejected(with("'<u8'", "False", "((2,),)"), "shape");
        assert_rejected(with("'<u8'", "False", "None"), "shape");
    }

    void test_bad_records_rejected()
    {
        auto with_descr = [](const std::string& descr) {
            return "{'descr': " + descr + ", 'fortran_order': False, 'shape': ()}";
        };
        assert_rejected(with_descr("[]"), "empty record");
        assert_rejected(with_descr("[('a', '<u2'), ('a', '<u4')]"), "'a'");
        assert_rejected(with_descr("[('a', '<u2', (3,))]"), "shapes");
        assert_rejected(with_descr("[('a',)]"), "('a',)");
        assert_rejected(with_descr("[('a', '<u2', 1, 2)]"), "tuple");
        assert_rejected(with_descr("[['a', '<u2']]"), "tuple");
        assert_rejected(with_descr("[(1, '<u2')]"), "name");
        assert_rejected(with_descr("[(('title', 'a'), '<u2')]"), "name");
        assert_rejected(with_descr("[('a', '<u7')]"), "<u7");
        assert_rejected(with_descr("[('a', 4)]"), "descr");
        assert_rejected(with_descr("[('a', [])]"), "empty record");
        assert_rejected(with_descr("'<u8', 'x'"), "");
    }

    void test_malformed_literals_rejected()
    {
        for (const char* text : {
                 "",
                 "   ",
                 "\n",
                 "{",
                 "}",
                 "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2)",
                 "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2)}}",
                 "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2)} x",
                 "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2)};",
                 "{'descr' '<f8', 'fortran_order': False, 'shape': ()}",
                 "{'descr': '<f8' 'fortran_order': False, 'shape': ()}",
                 "{'descr': '<f8',, 'fortran_order': False, 'shape': ()}",
                 "{, 'descr': '<f8', 'fortran_order': False, 'shape': ()}",
                 "{'descr': '<f8', 'fortran_order': False, 'shape': (,)}",
                 "{'descr': '<f8', 'fortran_order': False, 'shape': (2,,)}",
                 "{'descr': '<f8', 'fortran_order': False, 'shape': (2 2)}",
                 "{'descr': '<f8', 'fortran_order': false, 'shape': ()}",
                 "{'descr': '<f8', 'fortran_order': FALSE, 'shape': ()}",
                 "{'descr': '<f8', 'fortran_order': False, 'shape': (2.0,)}",
                 "{'descr': '<f8', 'fortran_order': False, 'shape': (0x10,)}",
                 "{'descr': '<f8', 'fortran_order': False, 'shape': (1e3,)}",
                 "{'descr': '<f8', 'fortran_order': False, 'shape': (007,)}",
                 "{'descr': '<f8', 'fortran_order': False, 'shape': (1__0,)}",
                 "{'descr': '<f8', 'fortran_order': False, 'shape': (10_,)}",
                 "{'descr': '<f8', 'fortran_order': False, 'shape': (--1,)}",
                 "{'descr': '<f8', 'fortran_order': False, 'shape': (- ,)}",
                 "{'descr': '<f8', 'fortran_order': False, 'shape': (2j,)}",
                 "{'descr': b'<f8', 'fortran_order': False, 'shape': ()}",
                 "{'descr': u'<f8', 'fortran_order': False, 'shape': ()}",
                 "{'descr': '''<f8''', 'fortran_order': False, 'shape': ()}",
                 "{'descr': '<f8' # comment\n, 'fortran_order': False, 'shape': ()}",
                 "{'descr': '<f\n8', 'fortran_order': False, 'shape': ()}",
                 "{'descr': '<f8\", 'fortran_order': False, 'shape': ()}",
                 "{'descr': '\\u003cf8', 'fortran_order': False, 'shape': ()}",
                 "{'descr': '\\N{LESS-THAN SIGN}f8', 'fortran_order': False, 'shape': "
                 "()}",
                 "{'descr': '\\x3', 'fortran_order': False, 'shape': ()}",
                 "{'descr': '\\400', 'fortran_order': False, 'shape': ()}",
                 "{1: '<f8', 'fortran_order': False, 'shape': ()}",
                 "{('descr',): '<f8', 'fortran_order': False, 'shape': ()}",
                 "{'descr', 'fortran_order', 'shape'}",
                 "['descr', '<f8']",
                 "('descr', '<f8')",
                 "'descr'",
                 "None",
                 "dict(descr='<f8', fortran_order=False, shape=())",
             })
            assert_rejected(text);
        assert_rejected("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2)} x",
                        "offset");
        assert_rejected("['descr']", "list");
    }

    void test_hostile_input_rejected()
    {
        assert_rejected("__import__('os')", "__import__");
        assert_rejected("__import__('os').system('false')", "__import__");
        assert_rejected(
            "{'descr': __import__('os').system('false'), 'fortran_order': False, "
            "'shape': ()}",
            "__import__");
        assert_rejected("{'descr': eval('1'), 'fortran_order': False, 'shape': ()}",
                        "eval");
        assert_rejected("{'descr': '<f8', 'fortran_order': False, 'shape': (1,) + (2,)}");
        assert_rejected(
            "{'descr': '<f8', 'fortran_order': False, 'shape': [x for x in ()]}");
        assert_rejected("lambda: 0", "lambda");
        // Deep nesting must not exhaust the stack.
        assert_rejected(std::string(100000, '['), "nesting");
        assert_rejected(std::string(100000, '('), "nesting");
        assert_rejected(std::string(100000, '{'));
        std::string nested_ok = "0";
        for (int i = 0; i < 20; i++)
            nested_ok = "[" + nested_ok + "]";
        assert_rejected(
            "{'descr': " + nested_ok + ", 'fortran_order': False, 'shape': ()}", "tuple");
        // Numbers beyond 64 bits.
        assert_rejected("{'descr': '<f8', 'fortran_order': False, 'shape': "
                        "(99999999999999999999999999999999,)}",
                        "64 bits");
        assert_rejected(
            "{'descr': '<f8', 'fortran_order': False, 'shape': (9223372036854775808,)}",
            "64 bits");
        assert_rejected("{'descr': '<f8', 'fortran_order': False, 'shape': (" +
                            std::string(100000, '9') + ",)}",
                        "64 bits");
        // Unterminated strings, escapes at the very end, stray bytes.
        assert_rejected("{'descr': '<f8", "unterminated");
        assert_rejected("{'descr': '<f8\\", "unterminated");
        assert_rejected("{'descr': '\\x", "hex");
        assert_rejected("{'descr': '\\x4", "hex");
        assert_rejected("'", "unterminated");
        assert_rejected("\"", "unterminated");
        assert_rejected("{'descr': '" + std::string(100000, 'a'), "unterminated");
        assert_rejected(
            std::string("{'descr': '<f8\0', 'fortran_order': False, 'shape': ()}", 54),
            "NUL");
        assert_rejected(std::string("{\0}", 3));
        assert_rejected("{'descr': '<f8\xff', 'fortran_order': False, 'shape': ()}",
                        "ASCII");
        assert_rejected(
            "\xef\xbb\xbf{'descr': '<f8', 'fortran_order': False, 'shape': ()}");
        // A huge well-formed but wrong dict is rejected, not slowly compared key by key.
        std::string many_keys = "{";
        for (int i = 0; i < 20000; i++)
            many_keys += "'k" + std::to_string(i) + "': 0, ";
        many_keys += "'k0': 1}";
        assert_rejected(many_keys, "'k0'");
        // Every prefix of a valid header is rejected, never read past its end.
        const std::string valid =
            "{'descr': [('a\\x41', '<u2'), ('', '|V2')], 'fortran_order': True, "
            "'shape': (-0, +12_3,)}";
        CPPUNIT_ASSERT_NO_THROW(parse_numpy_header(valid));
        for (std::size_t n = 0; n < valid.size(); n++)
            assert_rejected(valid.substr(0, n));
    }

    void test_format_matches_spead2_bytes()
    {
        // The exact DESCRIPTOR_DTYPE bytes in the reference captures.
        numpy_header h;
        h.type = dtype::scalar(k::unsigned_int, 8, '<');
        CPPUNIT_ASSERT_EQUAL(
            std::string("{'descr': '<u8', 'fortran_order': False, 'shape': ()}"),
            format_numpy_header(h));
        h.type = dtype::scalar(k::signed_int, 1, '|');
        h.shape = { 4096, 2 };
        CPPUNIT_ASSERT_EQUAL(
            std::string("{'descr': '|i1', 'fortran_order': False, 'shape': (4096, 2)}"),
            format_numpy_header(h));
        h.type = dtype::scalar(k::complex, 8, '<');
        h.shape = { 4096 };
        CPPUNIT_ASSERT_EQUAL(
            std::string("{'descr': '<c8', 'fortran_order': False, 'shape': (4096,)}"),
            format_numpy_header(h));
        h.type = make_record(6,
                             { make_field("x", dtype::scalar(k::unsigned_int, 2, '>'), 0),
                               make_field("y", dtype::scalar(k::floating, 4, '<'), 2) });
        h.fortran_order = true;
        h.shape = { 2, 3 };
        CPPUNIT_ASSERT_EQUAL(std::string("{'descr': [('x', '>u2'), ('y', '<f4')], "
                                         "'fortran_order': True, 'shape': (2, 3)}"),
                             format_numpy_header(h));
    }

    void test_format_round_trips()
    {
        const dtype inner =
            make_record(6,
                        { make_field("x", dtype::scalar(k::unsigned_int, 2, '<'), 0),
                          make_field("y", dtype::scalar(k::floating, 4, '>'), 2) });
        const std::vector<dtype> types = {
            dtype::scalar(k::boolean, 1, '|'),
            dtype::scalar(k::signed_int, 1, '|'),
            dtype::scalar(k::unsigned_int, 2, '>'),
            dtype::scalar(k::signed_int, 8, '<'),
            dtype::scalar(k::floating, 4, '>'),
            dtype::scalar(k::complex, 16, '<'),
            dtype::scalar(k::bytes, 9, '|'),
            make_record(24,
                        { make_field("it's", dtype::scalar(k::unsigned_int, 2, '<'), 0),
                          make_field("q\"uote", inner, 8) }),
        };
        const std::vector<shape_t> shapes = {
            {}, { 0 }, { 1 }, { 4096, 2 }, { 2, 3, 4 }
        };
        for (const dtype& t : types)
            for (const shape_t& s : shapes)
                for (const bool fortran : { false, true }) {
                    numpy_header h;
                    h.type = t;
                    h.shape = s;
                    h.fortran_order = fortran;
                    const std::string text = format_numpy_header(h);
                    CPPUNIT_ASSERT_MESSAGE(text, parse_numpy_header(text) == h);
                }
    }

    void test_format_rejects_variable_dimension()
    {
        numpy_header h;
        h.type = dtype::scalar(k::unsigned_int, 1, '|');
        h.shape = { 3, -1 };
        CPPUNIT_ASSERT_THROW(format_numpy_header(h), std::invalid_argument);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(qa_numpy_header);

} // namespace protocol
} // namespace spead
} // namespace gr
