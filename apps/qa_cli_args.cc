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
using gr::spead::apps::option_table;
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

/// Runs \p table over "prog ARGS...".
void parse(const option_table& table, std::vector<std::string> arguments)
{
    arguments.insert(arguments.begin(), "prog");
    std::vector<char*> argv;
    for (std::string& a : arguments)
        argv.push_back(a.data());
    table.parse(int(argv.size()), argv.data());
}

/// The usage_error message of parsing \p arguments with \p table ("" when none).
std::string parse_error(const option_table& table, std::vector<std::string> arguments)
{
    try {
        parse(table, std::move(arguments));
    } catch (const usage_error& e) {
        return e.what();
    }
    return "";
}

/// A table of every kind of option, with the targets it writes.
struct sample_options {
    bool json = false;
    std::string name = "none";
    double rate = 1.0;
    std::size_t size = 0;
    int cpu = -1;
    std::vector<std::string> seen; ///< values of --tag, in order
    std::string input;
    option_table table;

    sample_options()
    {
        table.flag("--json", json)
            .text("--name", name)
            .number("--rate", rate, 0.5, 10)
            .integer("--size", size, 1, 1 << 30, true)
            .integer("--cpu", cpu, 0, 7)
            .on("--tag", [this](arg_reader& args) { seen.push_back(args.value()); })
            .positional(input);
    }
};

} // namespace

class qa_cli_args : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(qa_cli_args);
    CPPUNIT_TEST(test_cpu_lists);
    CPPUNIT_TEST(test_inline_cpu_list);
    CPPUNIT_TEST(test_bad_cpu_lists_name_the_option);
    CPPUNIT_TEST(test_table_applies_each_kind_of_option);
    CPPUNIT_TEST(test_table_defaults_stay_without_options);
    CPPUNIT_TEST(test_table_rejects_what_it_does_not_know);
    CPPUNIT_TEST(test_table_value_errors_name_the_option);
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

    void test_table_applies_each_kind_of_option()
    {
        sample_options o;
        parse(o.table,
              { "--json",
                "--name",
                "x y",
                "--rate=2.5",
                "in.pcap",
                "--size",
                "64K",
                "--cpu",
                "3",
                "--tag",
                "a",
                "--tag=b",
                "--cpu",
                "5" });
        CPPUNIT_ASSERT(o.json);
        CPPUNIT_ASSERT_EQUAL(std::string("x y"), o.name);
        CPPUNIT_ASSERT_EQUAL(2.5, o.rate);
        CPPUNIT_ASSERT_EQUAL(std::size_t(65536), o.size);
        CPPUNIT_ASSERT_EQUAL(5, o.cpu); // the last of a repeated option wins
        CPPUNIT_ASSERT(o.seen == std::vector<std::string>({ "a", "b" }));
        CPPUNIT_ASSERT_EQUAL(std::string("in.pcap"), o.input);
    }

    void test_table_defaults_stay_without_options()
    {
        sample_options o;
        parse(o.table, {});
        CPPUNIT_ASSERT(!o.json);
        CPPUNIT_ASSERT_EQUAL(std::string("none"), o.name);
        CPPUNIT_ASSERT_EQUAL(1.0, o.rate);
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), o.size);
        CPPUNIT_ASSERT_EQUAL(-1, o.cpu);
        CPPUNIT_ASSERT(o.input.empty());
    }

    void test_table_rejects_what_it_does_not_know()
    {
        sample_options o;
        CPPUNIT_ASSERT_EQUAL(std::string("unknown option '--jsn' (see --help)"),
                             parse_error(o.table, { "--jsn" }));
        CPPUNIT_ASSERT_EQUAL(std::string("unknown option '-h' (see --help)"),
                             parse_error(o.table, { "-h" })); // no help() given
        CPPUNIT_ASSERT_EQUAL(std::string("unexpected argument 'b.pcap' (see --help)"),
                             parse_error(o.table, { "a.pcap", "b.pcap" }));
        option_table no_positional;
        CPPUNIT_ASSERT_EQUAL(std::string("unexpected argument 'a.pcap' (see --help)"),
                             parse_error(no_positional, { "a.pcap" }));
    }

    void test_table_value_errors_name_the_option()
    {
        sample_options o;
        CPPUNIT_ASSERT_EQUAL(std::string("--name needs a value"),
                             parse_error(o.table, { "--name" }));
        CPPUNIT_ASSERT_EQUAL(std::string("--rate: '11' is not a number in [0.500000, "
                                         "10.000000]"),
                             parse_error(o.table, { "--rate", "11" }));
        CPPUNIT_ASSERT_EQUAL(
            std::string("--cpu: '8' is out of range (an integer in [0, 7])"),
            parse_error(o.table, { "--cpu", "8" }));
        CPPUNIT_ASSERT_EQUAL(std::string("--size: '2G' is out of range (an integer in "
                                         "[1, 1073741824], K/M/G suffixes allowed)"),
                             parse_error(o.table, { "--size", "2G" }));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(qa_cli_args);
