/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <gnuradio/spead/output_config.h>
#include <cppunit/TestAssert.h>
#include <cppunit/extensions/HelperMacros.h>
#include <functional>
#include <stdexcept>
#include <string>

namespace gr {
namespace spead {

class qa_output_list : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(qa_output_list);
    CPPUNIT_TEST(test_one_value_for_every_output);
    CPPUNIT_TEST(test_four_polarisations_of_two_items);
    CPPUNIT_TEST(test_wrong_lengths_are_named);
    CPPUNIT_TEST_SUITE_END();

public:
    void test_one_value_for_every_output()
    {
        const auto o = output_configs(3, " data ", "float", { 256 }, "", { 2.0 });
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), o.size());
        for (const output_config& c : o) {
            CPPUNIT_ASSERT_EQUAL(std::string("data"), c.item);
            CPPUNIT_ASSERT_EQUAL(std::string("float"), c.type);
            CPPUNIT_ASSERT_EQUAL(256, c.vlen);
            CPPUNIT_ASSERT_EQUAL(std::string("auto"), c.wire);
            CPPUNIT_ASSERT_EQUAL(2.0, c.scale);
            CPPUNIT_ASSERT_EQUAL(std::string(""), c.layout);
            CPPUNIT_ASSERT_EQUAL(std::string(""), c.select);
        }
    }

    void test_four_polarisations_of_two_items()
    {
        const auto o = output_configs(8,
                                      "x,x,x,x,y,y,y,y",
                                      "complex",
                                      { 1024 },
                                      "|i1",
                                      { 128 },
                                      "c s p -> s c",
                                      "p=0, p=1, p=2, p=3, p=0, p=1, p=2, p=3");
        CPPUNIT_ASSERT_EQUAL(std::size_t(8), o.size());
        for (std::size_t i = 0; i < 8; i++) {
            CPPUNIT_ASSERT_EQUAL(std::string(i < 4 ? "x" : "y"), o[i].item);
            CPPUNIT_ASSERT_EQUAL(std::string("p=") + std::to_string(i % 4), o[i].select);
            CPPUNIT_ASSERT_EQUAL(std::string("c s p -> s c"), o[i].layout);
            CPPUNIT_ASSERT_EQUAL(std::string("|i1"), o[i].wire);
        }
        const auto mixed = output_configs(2, "data, flags", "complex, byte", { 64, 8 });
        CPPUNIT_ASSERT_EQUAL(std::string("byte"), mixed[1].type);
        CPPUNIT_ASSERT_EQUAL(8, mixed[1].vlen);
        CPPUNIT_ASSERT_EQUAL(64, mixed[0].vlen);
    }

    static void expect_error(const std::function<void()>& f, const std::string& needle)
    {
        try {
            f();
        } catch (const std::invalid_argument& e) {
            const std::string what = e.what();
            CPPUNIT_ASSERT_MESSAGE(what, what.find(needle) != std::string::npos);
            return;
        }
        CPPUNIT_FAIL("no error: " + needle);
    }

    void test_wrong_lengths_are_named()
    {
        expect_error([] { output_configs(3, "a, b"); }, "items has 2 values for 3");
        expect_error(
            [] {
                output_configs(2, "a", "complex", { 1, 2, 3 });
            },
            "vlens has 3 values for 2");
        expect_error([] { output_configs(2, "a", "complex", {}); }, "vlens must");
        expect_error(
            [] {
                output_configs(1, "a", "complex", { 1 }, "auto", { 1.0 }, "", "p=0, p=1");
            },
            "selects has 2 values for 1");
        expect_error([] { output_configs(0, "a"); }, "1 or more, not 0");
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(qa_output_list);

} // namespace spead
} // namespace gr
