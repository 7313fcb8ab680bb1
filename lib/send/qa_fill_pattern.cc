/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "fill_pattern.h"
#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>
#include <cstring>
#include <stdexcept>
#include <string>

using namespace gr::spead::send;
using gr::spead::protocol::dtype;
using bytes = std::vector<std::uint8_t>;

namespace {

dtype type_of(dtype::kind k, std::size_t size, char order)
{
    return dtype::scalar(k, size, order);
}

/// The message of the std::invalid_argument \p f throws ("" when it throws nothing).
template <typename F>
std::string error_of(F f)
{
    try {
        f();
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "";
}

bool contains(const std::string& text, const std::string& part)
{
    return text.find(part) != std::string::npos;
}

/// splitmix64 written out here, apart from the code under test.
std::uint64_t reference_next(std::uint64_t& state)
{
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

std::uint64_t reference_mix(std::uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

} // namespace

class qa_fill_pattern : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(qa_fill_pattern);
    CPPUNIT_TEST(test_parse_every_kind);
    CPPUNIT_TEST(test_parse_errors_name_what_is_accepted);
    CPPUNIT_TEST(test_zeros);
    CPPUNIT_TEST(test_integer_ramp_wraps);
    CPPUNIT_TEST(test_big_endian_ramp);
    CPPUNIT_TEST(test_float_ramp_bytes);
    CPPUNIT_TEST(test_constant_saturates);
    CPPUNIT_TEST(test_channel_tone_follows_the_substream);
    CPPUNIT_TEST(test_frequency_tone);
    CPPUNIT_TEST(test_noise_exact_values);
    CPPUNIT_TEST(test_noise_full_range_and_floats);
    CPPUNIT_TEST(test_types_a_pattern_cannot_fill);
    CPPUNIT_TEST_SUITE_END();

public:
    void test_parse_every_kind()
    {
        fill_pattern p = parse_fill_pattern("ramp:start=-3:step=2");
        CPPUNIT_ASSERT(p.type == fill_pattern::kind::ramp);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(-3), p.start.integer);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), p.step.integer);
        p = parse_fill_pattern("ramp:step=0.5");
        CPPUNIT_ASSERT(!p.step.integral);
        CPPUNIT_ASSERT_EQUAL(0.5, p.step.real);
        p = parse_fill_pattern("noise:seed=0x10:scale=20");
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(16), p.seed);
        CPPUNIT_ASSERT_EQUAL(20.0, p.scale);
        CPPUNIT_ASSERT(p.depends_on_sender() && p.depends_on_substream());
        p = parse_fill_pattern("tone:channel=100/700:amplitude=40");
        CPPUNIT_ASSERT((p.channels == std::vector<std::uint64_t>{ 100, 700 }));
        CPPUNIT_ASSERT_EQUAL(40.0, p.amplitude);
        CPPUNIT_ASSERT(!p.depends_on_sender() && p.depends_on_substream());
        p = parse_fill_pattern("tone:frequency=0.125");
        CPPUNIT_ASSERT(p.channels.empty() && p.frequency == 0.125);
        CPPUNIT_ASSERT(!p.depends_on_substream());
        p = parse_fill_pattern("constant:value=7");
        CPPUNIT_ASSERT_EQUAL(std::int64_t(7), p.value.integer);
        CPPUNIT_ASSERT(parse_fill_pattern("zeros").type == fill_pattern::kind::zeros);
    }

    void test_parse_errors_name_what_is_accepted()
    {
        std::string e = error_of([] { parse_fill_pattern("sine"); });
        CPPUNIT_ASSERT(contains(e, "'sine'") && contains(e, "ramp") &&
                       contains(e, "noise") && contains(e, "tone:channel"));
        e = error_of([] { parse_fill_pattern("ramp:slope=2"); });
        CPPUNIT_ASSERT(contains(e, "'slope'") && contains(e, "start, step"));
        e = error_of([] { parse_fill_pattern("noise:seed=-1"); });
        CPPUNIT_ASSERT(contains(e, "seed=-1") && contains(e, "unsigned"));
        e = error_of([] { parse_fill_pattern("tone:amplitude=3"); });
        CPPUNIT_ASSERT(contains(e, "channel") && contains(e, "frequency"));
        e = error_of([] { parse_fill_pattern("constant"); });
        CPPUNIT_ASSERT(contains(e, "value=V"));
        e = error_of([] { parse_fill_pattern("ramp:start"); });
        CPPUNIT_ASSERT(contains(e, "KEY=VALUE"));
        e = error_of([] { parse_fill_pattern("noise:scale=0"); });
        CPPUNIT_ASSERT(contains(e, "positive"));
    }

    void test_zeros()
    {
        const bytes out = fill_values(parse_fill_pattern("zeros"),
                                      type_of(dtype::kind::complex, 8, '<'),
                                      { 2, 3 },
                                      0,
                                      0);
        CPPUNIT_ASSERT(out == bytes(48, 0));
    }

    void test_integer_ramp_wraps()
    {
        const bytes u1 = fill_values(parse_fill_pattern("ramp"),
                                     type_of(dtype::kind::unsigned_int, 1, '|'),
                                     { 300 },
                                     0,
                                     0);
        CPPUNIT_ASSERT_EQUAL(std::size_t(300), u1.size());
        for (std::size_t i = 0; i < u1.size(); i++)
            CPPUNIT_ASSERT_EQUAL(std::uint8_t(i), u1[i]);
        // i1 from 126 by 1: 126, 127, -128, -127.
        const bytes i1 = fill_values(parse_fill_pattern("ramp:start=126"),
                                     type_of(dtype::kind::signed_int, 1, '|'),
                                     { 4 },
                                     0,
                                     0);
        CPPUNIT_ASSERT((i1 == bytes{ 0x7e, 0x7f, 0x80, 0x81 }));
    }

    void test_big_endian_ramp()
    {
        const bytes out = fill_values(parse_fill_pattern("ramp:start=65535:step=2"),
                                      type_of(dtype::kind::unsigned_int, 2, '>'),
                                      { 3 },
                                      0,
                                      0);
        CPPUNIT_ASSERT((out == bytes{ 0xff, 0xff, 0x00, 0x01, 0x00, 0x03 }));
        const bytes little = fill_values(parse_fill_pattern("ramp:start=-2"),
                                         type_of(dtype::kind::signed_int, 4, '<'),
                                         { 2 },
                                         0,
                                         0);
        CPPUNIT_ASSERT(
            (little == bytes{ 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }));
    }

    void test_float_ramp_bytes()
    {
        // 0.5 and 0.75 as big-endian IEEE singles: 3f000000, 3f400000.
        const bytes f4 = fill_values(parse_fill_pattern("ramp:start=0.5:step=0.25"),
                                     type_of(dtype::kind::floating, 4, '>'),
                                     { 2 },
                                     0,
                                     0);
        CPPUNIT_ASSERT((f4 == bytes{ 0x3f, 0x00, 0x00, 0x00, 0x3f, 0x40, 0x00, 0x00 }));
        // A complex ramp fills the real part: 1+0j, 2+0j as little-endian c8.
        const bytes c8 = fill_values(parse_fill_pattern("ramp:start=1"),
                                     type_of(dtype::kind::complex, 8, '<'),
                                     { 2 },
                                     0,
                                     0);
        const bytes expected{ 0, 0, 0x80, 0x3f, 0, 0, 0, 0, 0, 0, 0, 0x40, 0, 0, 0, 0 };
        CPPUNIT_ASSERT(c8 == expected);
    }

    void test_constant_saturates()
    {
        const dtype i1 = type_of(dtype::kind::signed_int, 1, '|');
        CPPUNIT_ASSERT(
            (fill_values(parse_fill_pattern("constant:value=300"), i1, { 2 }, 0, 0) ==
             bytes{ 0x7f, 0x7f }));
        CPPUNIT_ASSERT(
            (fill_values(parse_fill_pattern("constant:value=-2.6"), i1, { 1 }, 0, 0) ==
             bytes{ 0xfd }));
        CPPUNIT_ASSERT((fill_values(parse_fill_pattern("constant:value=-1"),
                                    type_of(dtype::kind::unsigned_int, 1, '|'),
                                    { 1 },
                                    0,
                                    0) == bytes{ 0x00 }));
    }

    void test_channel_tone_follows_the_substream()
    {
        // Shape (4 channels, 2): substream 1 holds channels 4..7; channel 5 is row 1.
        const fill_pattern p = parse_fill_pattern("tone:channel=5/9:amplitude=3");
        const dtype i1 = type_of(dtype::kind::signed_int, 1, '|');
        CPPUNIT_ASSERT(
            (fill_values(p, i1, { 4, 2 }, 0, 1) == bytes{ 0, 0, 3, 3, 0, 0, 0, 0 }));
        CPPUNIT_ASSERT(
            (fill_values(p, i1, { 4, 2 }, 0, 2) == bytes{ 0, 0, 3, 3, 0, 0, 0, 0 }));
        CPPUNIT_ASSERT((fill_values(p, i1, { 4, 2 }, 0, 0) == bytes(8, 0)));
    }

    void test_frequency_tone()
    {
        // A quarter cycle per element: 4, 0, -4, 0 (rounded).
        const bytes out =
            fill_values(parse_fill_pattern("tone:frequency=0.25:amplitude=4"),
                        type_of(dtype::kind::signed_int, 2, '>'),
                        { 4 },
                        0,
                        0);
        CPPUNIT_ASSERT((out == bytes{ 0, 4, 0, 0, 0xff, 0xfc, 0, 0 }));
    }

    void test_noise_exact_values()
    {
        // i1 in [-10, 10] for sender 1, substream 2, seed 7.
        const bytes out = fill_values(parse_fill_pattern("noise:seed=7:scale=10"),
                                      type_of(dtype::kind::signed_int, 1, '|'),
                                      { 16 },
                                      1,
                                      2);
        std::uint64_t state = 7 ^ reference_mix((std::uint64_t(1) << 32) + 2 + 1);
        for (std::size_t i = 0; i < out.size(); i++) {
            const auto expected =
                std::int8_t(-10 + std::int64_t(reference_next(state) % 21));
            CPPUNIT_ASSERT_EQUAL(int(expected), int(std::int8_t(out[i])));
        }
        // Another sender draws another sequence; the same one draws it again.
        const fill_pattern p = parse_fill_pattern("noise:seed=7:scale=10");
        const dtype i1 = type_of(dtype::kind::signed_int, 1, '|');
        CPPUNIT_ASSERT(fill_values(p, i1, { 16 }, 1, 2) == out);
        CPPUNIT_ASSERT(fill_values(p, i1, { 16 }, 0, 2) != out);
        CPPUNIT_ASSERT(fill_values(p, i1, { 16 }, 1, 3) != out);
    }

    void test_noise_full_range_and_floats()
    {
        // Without a scale, a u2 takes z mod 65536: the low 16 bits of each draw.
        const bytes u2 = fill_values(parse_fill_pattern("noise:seed=1"),
                                     type_of(dtype::kind::unsigned_int, 2, '<'),
                                     { 4 },
                                     0,
                                     0);
        std::uint64_t state = 1 ^ reference_mix(1);
        for (std::size_t i = 0; i < 4; i++) {
            const std::uint64_t z = reference_next(state);
            CPPUNIT_ASSERT_EQUAL(unsigned(z & 0xffff),
                                 unsigned(u2[2 * i] | u2[2 * i + 1] << 8));
        }
        // f8 noise with scale 2: 2 * (2u - 1), u from the top 53 bits.
        const bytes f8 = fill_values(parse_fill_pattern("noise:seed=1:scale=2"),
                                     type_of(dtype::kind::floating, 8, '<'),
                                     { 3 },
                                     0,
                                     0);
        state = 1 ^ reference_mix(1);
        for (std::size_t i = 0; i < 3; i++) {
            const double u = double(reference_next(state) >> 11) / 9007199254740992.0;
            double v;
            std::memcpy(&v, f8.data() + 8 * i, 8);
            CPPUNIT_ASSERT_EQUAL(2 * (2 * u - 1), v);
        }
    }

    void test_types_a_pattern_cannot_fill()
    {
        const dtype s1 = type_of(dtype::kind::bytes, 1, '|');
        CPPUNIT_ASSERT(
            (fill_values(parse_fill_pattern("zeros"), s1, { 3 }, 0, 0) == bytes(3, 0)));
        std::string e =
            error_of([&] { fill_values(parse_fill_pattern("ramp"), s1, { 3 }, 0, 0); });
        CPPUNIT_ASSERT(contains(e, "only zeros") && contains(e, "f4"));
        e = error_of([] {
            fill_values(parse_fill_pattern("ramp:step=0.5"),
                        type_of(dtype::kind::signed_int, 1, '|'),
                        { 3 },
                        0,
                        0);
        });
        CPPUNIT_ASSERT(contains(e, "integers") && contains(e, "i1"));
        e = error_of([] {
            fill_values(parse_fill_pattern("ramp"),
                        type_of(dtype::kind::floating, 2, '<'),
                        { 3 },
                        0,
                        0);
        });
        CPPUNIT_ASSERT(contains(e, "only zeros"));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(qa_fill_pattern);
