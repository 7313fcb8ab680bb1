/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "item_catalog.h"
#include <gnuradio/spead/receiver_config.h>
#include <cppunit/TestAssert.h>
#include <cppunit/extensions/HelperMacros.h>
#include <stdexcept>
#include <string>

namespace gr {
namespace spead {

class qa_item_ref : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(qa_item_ref);
    CPPUNIT_TEST(test_numbers_are_ids);
    CPPUNIT_TEST(test_other_text_is_a_name);
    CPPUNIT_TEST(test_empty_is_rejected_by_name);
    CPPUNIT_TEST(test_config_errors_name_the_parameter);
    CPPUNIT_TEST_SUITE_END();

    static std::string error_of(const receiver_config& c)
    {
        try {
            c.validate();
        } catch (const std::invalid_argument& e) {
            return e.what();
        }
        return "";
    }

public:
    void test_numbers_are_ids()
    {
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0x1600), *item_ref::parse("0x1600", "p").id);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(5632), *item_ref::parse("5632", "p").id);
    }

    void test_other_text_is_a_name()
    {
        CPPUNIT_ASSERT(!item_ref::parse("timestamp", "p").id);
        CPPUNIT_ASSERT(!item_ref::parse("-1", "p").id);
        CPPUNIT_ASSERT(!item_ref::parse("0x", "p").id);
        CPPUNIT_ASSERT(!item_ref::parse("12abc", "p").id);
    }

    void test_empty_is_rejected_by_name()
    {
        try {
            item_ref::parse("", "outputs[0].item");
            CPPUNIT_FAIL("no exception");
        } catch (const std::invalid_argument& e) {
            CPPUNIT_ASSERT(std::string(e.what()).find("outputs[0].item") == 0);
        }
    }

    void test_config_errors_name_the_parameter()
    {
        receiver_config c;
        CPPUNIT_ASSERT_EQUAL(std::string(), error_of(c));
        c.port = 70000;
        CPPUNIT_ASSERT(error_of(c).find("port must be 0..65535") == 0);
        c = receiver_config();
        c.transport = "sctp";
        CPPUNIT_ASSERT(error_of(c).find("transport must be one of") == 0);
        c = receiver_config();
        c.transport = "pcap";
        CPPUNIT_ASSERT(error_of(c).find("pcap_file") == 0);
        c = receiver_config();
        c.max_heaps = 0;
        CPPUNIT_ASSERT(error_of(c).find("max_heaps must be 1..") == 0);
        c = receiver_config();
        c.ring_max_spin_us = -1;
        CPPUNIT_ASSERT(error_of(c).find("ring_max_spin_us must be 0..1000000") == 0);
        c.ring_max_spin_us = 1000001;
        CPPUNIT_ASSERT(error_of(c).find("ring_max_spin_us must be 0..1000000") == 0);
        c.ring_max_spin_us = 0;
        CPPUNIT_ASSERT_EQUAL(std::string(), error_of(c));
        c = receiver_config();
        c.busy_poll_us = -1;
        CPPUNIT_ASSERT(error_of(c).find("busy_poll_us must be 0..1000000") == 0);
        c.busy_poll_us = 1000001;
        CPPUNIT_ASSERT(error_of(c).find("busy_poll_us must be 0..1000000") == 0);
        c.busy_poll_us = 5000;
        CPPUNIT_ASSERT_EQUAL(std::string(), error_of(c));
        c = receiver_config();
        c.bug_compat = 8;
        CPPUNIT_ASSERT(error_of(c).find("bug_compat must be 0..7") == 0);
        c = receiver_config();
        c.stats_interval = -1;
        CPPUNIT_ASSERT(error_of(c).find("stats_interval") == 0);
        c = receiver_config();
        c.threads = 0;
        CPPUNIT_ASSERT(error_of(c).find("threads must be 1..256") == 0);
        c = receiver_config();
        c.transport = "inproc";
        CPPUNIT_ASSERT(error_of(c).find("queue") == 0);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(qa_item_ref);

} // namespace spead
} // namespace gr
