/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <gnuradio/spead/protocol/flavour.h>
#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>
#include <stdexcept>
#include <string>

using namespace gr::spead::protocol;

namespace {

/// The message of the invalid_argument that constructing the flavour throws, or "" if
/// none.
std::string rejection(int version, int pointer_bits, int address_bits, int bug_compat)
{
    try {
        flavour f(version, pointer_bits, address_bits, bug_compat);
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "";
}

bool mentions(const std::string& text, const std::string& part)
{
    return text.find(part) != std::string::npos;
}

} // namespace

class qa_flavour : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(qa_flavour);
    CPPUNIT_TEST(test_default_is_64_40);
    CPPUNIT_TEST(test_every_valid_address_width);
    CPPUNIT_TEST(test_bug_compat_kept);
    CPPUNIT_TEST(test_bad_version);
    CPPUNIT_TEST(test_bad_item_pointer_bits);
    CPPUNIT_TEST(test_bad_heap_address_bits);
    CPPUNIT_TEST(test_bad_bug_compat);
    CPPUNIT_TEST(test_equality);
    CPPUNIT_TEST_SUITE_END();

public:
    void test_default_is_64_40()
    {
        const flavour f;
        CPPUNIT_ASSERT_EQUAL(4, f.version());
        CPPUNIT_ASSERT_EQUAL(64, f.item_pointer_bits());
        CPPUNIT_ASSERT_EQUAL(40, f.heap_address_bits());
        CPPUNIT_ASSERT_EQUAL(0, f.bug_compat());
        CPPUNIT_ASSERT_EQUAL(23, f.id_bits());
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0x7fffff), f.max_id());
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0xffffffffff), f.max_address());
    }

    void test_every_valid_address_width()
    {
        for (int bits = 8; bits <= 56; bits += 8) {
            const flavour f(4, 64, bits);
            CPPUNIT_ASSERT_EQUAL(bits, f.heap_address_bits());
            CPPUNIT_ASSERT_EQUAL(63 - bits, f.id_bits());
        }
        const flavour f48(4, 64, 48);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0x7fff), f48.max_id());
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0xffffffffffff), f48.max_address());
    }

    void test_bug_compat_kept()
    {
        CPPUNIT_ASSERT_EQUAL(BUG_COMPAT_PYSPEAD_0_5_2,
                             flavour(4, 64, 40, BUG_COMPAT_PYSPEAD_0_5_2).bug_compat());
        CPPUNIT_ASSERT_EQUAL(BUG_COMPAT_SHAPE_BIT_1,
                             flavour(4, 64, 48, BUG_COMPAT_SHAPE_BIT_1).bug_compat());
    }

    void test_bad_version()
    {
        for (int version : { 0, 3, 5 }) {
            const std::string what = rejection(version, 64, 40, 0);
            CPPUNIT_ASSERT_MESSAGE(what, mentions(what, "version"));
            CPPUNIT_ASSERT_MESSAGE(what, mentions(what, std::to_string(version)));
        }
    }

    void test_bad_item_pointer_bits()
    {
        for (int bits : { 32, 48, 128 }) {
            const std::string what = rejection(4, bits, 24, 0);
            CPPUNIT_ASSERT_MESSAGE(what, mentions(what, "item_pointer_bits"));
            CPPUNIT_ASSERT_MESSAGE(what, mentions(what, std::to_string(bits)));
        }
    }

    void test_bad_heap_address_bits()
    {
        for (int bits : { -8, 0, 4, 44, 63, 64, 72 }) {
            const std::string what = rejection(4, 64, bits, 0);
            CPPUNIT_ASSERT_MESSAGE(what, mentions(what, "heap_address_bits"));
            CPPUNIT_ASSERT_MESSAGE(what, mentions(what, std::to_string(bits)));
        }
    }

    void test_bad_bug_compat()
    {
        for (int bug_compat : { -1, 8, 0x17 }) {
            const std::string what = rejection(4, 64, 40, bug_compat);
            CPPUNIT_ASSERT_MESSAGE(what, mentions(what, "bug_compat"));
            CPPUNIT_ASSERT_MESSAGE(what, mentions(what, std::to_string(bug_compat)));
        }
    }

    void test_equality()
    {
        CPPUNIT_ASSERT(flavour() == flavour(4, 64, 40, 0));
        CPPUNIT_ASSERT(flavour() != flavour(4, 64, 48, 0));
        CPPUNIT_ASSERT(flavour() != flavour(4, 64, 40, BUG_COMPAT_SWAP_ENDIAN));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(qa_flavour);
