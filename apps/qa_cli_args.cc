/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "cli_args.h"
#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>
#include <sched.h>
#include <string>
#include <vector>

using gr::spead::apps::arg_reader;
using gr::spead::apps::usage_error;

namespace {

/// The CPU list of "prog --affinity TEXT", parsed as a command line would be.
std::vector<int> cpu_list(const std::string& text)
{
    std::string program = "prog", option = "--affinity", value = text;
    char* argv[] = { program.data(), option.data(), value.data() };
    arg_reader args(3, argv);
    args.next();
    return args.cpu_list_value();
}

} // namespace

class qa_cli_args : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(qa_cli_args);
    CPPUNIT_TEST(test_cpu_lists);
    CPPUNIT_TEST(test_inline_cpu_list);
    CPPUNIT_TEST(test_bad_cpu_lists_name_the_option);
    CPPUNIT_TEST_SUITE_END();

public:
    void test_cpu_lists()
    {
        CPPUNIT_ASSERT(cpu_list("0") == std::vector<int>({ 0 }));
        CPPUNIT_ASSERT(cpu_list("2,3") == std::vector<int>({ 2, 3 }));
        CPPUNIT_ASSERT(cpu_list("5,1,5") == std::vector<int>({ 5, 1, 5 }));
        CPPUNIT_ASSERT(cpu_list(std::to_string(CPU_SETSIZE - 1)) ==
                       std::vector<int>({ CPU_SETSIZE - 1 }));
    }

    void test_inline_cpu_list()
    {
        std::string program = "prog", option = "--affinity=1,0";
        char* argv[] = { program.data(), option.data() };
        arg_reader args(2, argv);
        CPPUNIT_ASSERT(args.next());
        CPPUNIT_ASSERT(args.cpu_list_value() == std::vector<int>({ 1, 0 }));
    }

    void test_bad_cpu_lists_name_the_option()
    {
        const std::vector<std::string> bad_lists = {
            "",        "x",    "1,",
            ",1",      "1,,2", "-1",
            "1.5",     "0x2",  std::to_string(CPU_SETSIZE),
            "99999999"
        };
        for (const std::string& bad : bad_lists) {
            try {
                cpu_list(bad);
                CPPUNIT_FAIL("'" + bad + "' was accepted");
            } catch (const usage_error& e) {
                const std::string message = e.what();
                CPPUNIT_ASSERT_MESSAGE(message,
                                       message.find("--affinity") != std::string::npos);
                CPPUNIT_ASSERT_MESSAGE(
                    message, message.find("CPU numbers in [0, ") != std::string::npos);
            }
        }
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(qa_cli_args);
