/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// Expected outputs are written by index arithmetic on the input's shape (out[p][s][c] is
// in[c][s][p]), never by the plan under test.

#include "axis_layout.h"
#include <cppunit/TestAssert.h>
#include <cppunit/extensions/HelperMacros.h>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace gr {
namespace spead {

class qa_axis_layout : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(qa_axis_layout);
    CPPUNIT_TEST(test_fengine_pairs_to_pol_spectra_channels);
    CPPUNIT_TEST(test_select_one_polarisation);
    CPPUNIT_TEST(test_identity_is_one_copy);
    CPPUNIT_TEST(test_larger_than_a_tile_every_element_size);
    CPPUNIT_TEST(test_matrix_transpose_blocks_and_edges);
    CPPUNIT_TEST(test_sparse_selection_keeps_the_element_walk);
    CPPUNIT_TEST(test_sizes_in_the_layout_need_no_descriptor);
    CPPUNIT_TEST(test_without_arrow_keeps_wire_order);
    CPPUNIT_TEST(test_parse_errors);
    CPPUNIT_TEST(test_plan_errors);
    CPPUNIT_TEST_SUITE_END();

    /// One byte that names an element's position and which byte of it this is.
    static std::uint8_t mark(std::size_t element, std::size_t byte)
    {
        return std::uint8_t(element * 7 + byte * 101 + 3);
    }

    static std::vector<std::uint8_t> marked(std::size_t elements, std::size_t size)
    {
        std::vector<std::uint8_t> v(elements * size);
        for (std::size_t e = 0; e < elements; e++)
            for (std::size_t b = 0; b < size; b++)
                v[e * size + b] = mark(e, b);
        return v;
    }

    /// The plan's output for \p in, after checking the sizes it reports.
    static std::vector<std::uint8_t> arranged(const transpose_plan& t,
                                              const std::vector<std::uint8_t>& in,
                                              std::size_t output_bytes)
    {
        CPPUNIT_ASSERT_EQUAL(in.size(), t.input_bytes());
        CPPUNIT_ASSERT_EQUAL(output_bytes, t.output_bytes());
        std::vector<std::uint8_t> out(t.output_bytes());
        t.run(in.data(), out.data());
        return out;
    }

public:
    void test_fengine_pairs_to_pol_spectra_channels()
    {
        // (channels 5, spectra 3, pols 2, (re, im)) int8, as an F-engine sends it.
        const std::size_t C = 5, S = 3, P = 2;
        const auto in = marked(C * S * P, 2);
        const axis_layout l = axis_layout::parse(
            "channels spectra pols -> pols spectra channels", "", "outputs[0]");
        const auto out = arranged(l.plan({ 5, 3, 2, 2 }, 2, true), in, in.size());
        for (std::size_t p = 0; p < P; p++)
            for (std::size_t s = 0; s < S; s++)
                for (std::size_t c = 0; c < C; c++)
                    for (std::size_t b = 0; b < 2; b++)
                        CPPUNIT_ASSERT_EQUAL(int(mark((c * S + s) * P + p, b)),
                                             int(out[((p * S + s) * C + c) * 2 + b]));
    }

    void test_select_one_polarisation()
    {
        const std::size_t C = 4, S = 3, P = 2;
        const auto in = marked(C * S * P, 2);
        const axis_layout l = axis_layout::parse(
            "channels, spectra, pols -> spectra, channels", "pols=1", "outputs[1]");
        const auto out = arranged(l.plan({ 4, 3, 2, 2 }, 2, true), in, S * C * 2);
        for (std::size_t s = 0; s < S; s++)
            for (std::size_t c = 0; c < C; c++)
                for (std::size_t b = 0; b < 2; b++)
                    CPPUNIT_ASSERT_EQUAL(int(mark((c * S + s) * P + 1, b)),
                                         int(out[(s * C + c) * 2 + b]));
    }

    void test_identity_is_one_copy()
    {
        const auto in = marked(6 * 4, 4);
        const axis_layout l = axis_layout::parse("a b -> a b", "", "outputs[0]");
        const transpose_plan t = l.plan({ 6, 4 }, 4, false);
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), t.merged_dims());
        CPPUNIT_ASSERT(arranged(t, in, in.size()) == in);
    }

    void test_larger_than_a_tile_every_element_size()
    {
        // (a 70, b 3, c 33) -> (c, a, b) with b selected away in half the cases: tiles
        // are cut off at the edges, and every copy width (fixed and generic) is used.
        const std::size_t A = 70, B = 3, C = 33;
        for (std::size_t size : { 1, 2, 3, 4, 8, 16 }) {
            for (int sel = -1; sel < 2; sel++) {
                const auto in = marked(A * B * C, size);
                const axis_layout l =
                    sel < 0 ? axis_layout::parse("a b c -> c b a", "", "o")
                            : axis_layout::parse(
                                  "a b c -> c a", "b=" + std::to_string(sel), "o");
                const transpose_plan t = l.plan({ 70, 3, 33 }, size, false);
                std::vector<std::uint8_t> out(t.output_bytes());
                t.run(in.data(), out.data());
                std::size_t at = 0;
                for (std::size_t c = 0; c < C; c++)
                    for (std::size_t b = 0; b < B; b++) {
                        if (sel >= 0 && b != std::size_t(sel))
                            continue;
                        for (std::size_t a = 0; a < A; a++) {
                            // Output order (c, b, a), or (c, a) with b fixed.
                            const std::size_t o =
                                sel < 0 ? (c * B + b) * A + a : c * A + a;
                            for (std::size_t k = 0; k < size; k++)
                                CPPUNIT_ASSERT_EQUAL(int(mark((a * B + b) * C + c, k)),
                                                     int(out[o * size + k]));
                            at++;
                        }
                    }
                CPPUNIT_ASSERT_EQUAL(at * size, out.size());
            }
        }
    }

    void test_matrix_transpose_blocks_and_edges()
    {
        // F-engine shapes large enough for whole SIMD blocks (8x8, 4x4, 2x2) and for
        // rows and columns left over at the edges, each pol alone and both together.
        for (std::size_t size : { 1, 2, 3, 4, 8 }) {
            for (std::size_t C : { 16, 29 }) {
                const std::size_t S = 13, P = 2;
                const auto in = marked(C * S * P, size);
                for (int sel = -1; sel < 2; sel++) {
                    const axis_layout l =
                        sel < 0 ? axis_layout::parse(
                                      "channels spectra pols -> pols spectra channels",
                                      "",
                                      "o")
                                : axis_layout::parse("channels spectra pols -> spectra "
                                                     "channels",
                                                     "pols=" + std::to_string(sel),
                                                     "o");
                    const transpose_plan t =
                        l.plan({ std::int64_t(C), 13, 2 }, size, false);
                    CPPUNIT_ASSERT(t.uses_matrix_transpose());
                    std::vector<std::uint8_t> out(t.output_bytes());
                    t.run(in.data(), out.data());
                    for (std::size_t p = 0; p < P; p++) {
                        if (sel >= 0 && p != std::size_t(sel))
                            continue;
                        const std::size_t block = sel < 0 ? p : 0;
                        for (std::size_t s = 0; s < S; s++)
                            for (std::size_t c = 0; c < C; c++)
                                for (std::size_t k = 0; k < size; k++)
                                    CPPUNIT_ASSERT_EQUAL(
                                        int(mark((c * S + s) * P + p, k)),
                                        int(out[((block * S + s) * C + c) * size + k]));
                    }
                }
            }
        }
    }

    void test_sparse_selection_keeps_the_element_walk()
    {
        // One index of the densest axis (c, of 5) taken: a row of a holds b's elements 5
        // apart, so transposing whole rows would move 5 times what is output; the
        // element-by-element walk stays, with the same result.
        const std::size_t A = 20, B = 8, C = 5;
        const auto in = marked(A * B * C, 2);
        const axis_layout l = axis_layout::parse("a b c -> b a", "c=3", "o");
        const transpose_plan t = l.plan({ 20, 8, 5 }, 2, false);
        CPPUNIT_ASSERT(!t.uses_matrix_transpose());
        std::vector<std::uint8_t> out(t.output_bytes());
        t.run(in.data(), out.data());
        for (std::size_t b = 0; b < B; b++)
            for (std::size_t a = 0; a < A; a++)
                for (std::size_t k = 0; k < 2; k++)
                    CPPUNIT_ASSERT_EQUAL(int(mark((a * B + b) * C + 3, k)),
                                         int(out[(b * A + a) * 2 + k]));
    }

    void test_sizes_in_the_layout_need_no_descriptor()
    {
        const axis_layout l = axis_layout::parse("x:2 y:3 -> y x", "", "outputs[0]");
        CPPUNIT_ASSERT(l.sizes_given());
        const transpose_plan t = l.plan({}, 1, false);
        const std::vector<std::uint8_t> in = { 0, 1, 2, 10, 11, 12 };
        std::vector<std::uint8_t> out(t.output_bytes());
        t.run(in.data(), out.data());
        CPPUNIT_ASSERT(out == std::vector<std::uint8_t>({ 0, 10, 1, 11, 2, 12 }));
        // A pair with sizes given and no descriptor: the element holds it.
        const transpose_plan p = l.plan({}, 2, true);
        CPPUNIT_ASSERT_EQUAL(std::size_t(12), p.input_bytes());
    }

    void test_without_arrow_keeps_wire_order()
    {
        const axis_layout l = axis_layout::parse("x y", "x=1", "outputs[0]");
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), l.output_order().size());
        const transpose_plan t = l.plan({ 2, 3 }, 1, false);
        const std::vector<std::uint8_t> in = { 0, 1, 2, 10, 11, 12 };
        std::vector<std::uint8_t> out(t.output_bytes());
        t.run(in.data(), out.data());
        CPPUNIT_ASSERT(out == std::vector<std::uint8_t>({ 10, 11, 12 }));
        CPPUNIT_ASSERT(axis_layout::parse("", "", "o").empty());
    }

    static void expect_parse_error(const std::string& layout,
                                   const std::string& select,
                                   const std::string& needle)
    {
        try {
            axis_layout::parse(layout, select, "outputs[2]");
        } catch (const std::invalid_argument& e) {
            const std::string what = e.what();
            CPPUNIT_ASSERT_MESSAGE(what, what.find("outputs[2]") == 0);
            CPPUNIT_ASSERT_MESSAGE(what, what.find(needle) != std::string::npos);
            return;
        }
        CPPUNIT_FAIL("no error for '" + layout + "' / '" + select + "'");
    }

    void test_parse_errors()
    {
        expect_parse_error("a b -> b c", "", "'c' is not one of");
        expect_parse_error("a b -> b", "", "leaves out axis 'a'");
        expect_parse_error("a b -> b b a", "", "twice");
        expect_parse_error("a a -> a", "", "twice");
        expect_parse_error("a b -> a -> b", "", "more than one");
        expect_parse_error("a b -> b a", "a=1", "fixed by select");
        expect_parse_error("a b -> b", "a", "AXIS=INDEX");
        expect_parse_error("a b -> b", "a=-1", "AXIS=INDEX");
        expect_parse_error("a b -> b", "c=0", "does not have");
        expect_parse_error("a:2 b -> b", "a=2", "below the axis size 2");
        expect_parse_error("", "pols=0", "must name");
        expect_parse_error("a:0 b -> b a", "", "1 or more");
    }

    static void expect_plan_error(const axis_layout& l,
                                  const std::vector<std::int64_t>& shape,
                                  bool pair,
                                  const std::string& needle)
    {
        try {
            l.plan(shape, 2, pair);
        } catch (const std::invalid_argument& e) {
            const std::string what = e.what();
            CPPUNIT_ASSERT_MESSAGE(what, what.find(needle) != std::string::npos);
            return;
        }
        CPPUNIT_FAIL("no error for " + needle);
    }

    void test_plan_errors()
    {
        const axis_layout l = axis_layout::parse("c s p -> p s c", "", "o");
        expect_plan_error(l, { 4, 3 }, false, "names 3 axes but the item's shape has 2");
        expect_plan_error(l, {}, false, "give the sizes");
        expect_plan_error(l, { 4, 3, 2, 3 }, true, "(of length 2)");
        expect_plan_error(l, { 4, -1, 2 }, false, "give it as 's:SIZE'");
        const axis_layout sel = axis_layout::parse("c s p -> s c", "p=2", "o");
        expect_plan_error(sel, { 4, 3, 2 }, false, "the axis has 2 entries");
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(qa_axis_layout);

} // namespace spead
} // namespace gr
