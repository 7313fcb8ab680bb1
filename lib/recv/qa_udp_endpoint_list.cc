/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// Endpoint lists ("239.10.0.0+15:7148,10.0.0.1:7148"): expansion of ranges, ports,
// IPv6 brackets, and errors that name the parameter and the bad piece.

#include <gnuradio/spead/recv/udp_endpoint_list.h>
#include <cppunit/TestAssert.h>
#include <cppunit/extensions/HelperMacros.h>
#include <stdexcept>

using gr::spead::recv::endpoint_spec;
using gr::spead::recv::parse_endpoint_list;

namespace {

std::string listed(const std::vector<endpoint_spec>& v)
{
    std::string s;
    for (const auto& e : v)
        s += (s.empty() ? "" : " ") + e.host + "/" + std::to_string(e.port);
    return s;
}

std::string error_of(const std::string& text, int port = 7148)
{
    try {
        parse_endpoint_list(text, port, "address");
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "";
}

} // namespace

class qa_udp_endpoint_list : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(qa_udp_endpoint_list);
    CPPUNIT_TEST(test_single_addresses_keep_their_meaning);
    CPPUNIT_TEST(test_ranges_and_lists);
    CPPUNIT_TEST(test_ipv6);
    CPPUNIT_TEST(test_errors_name_parameter_and_piece);
    CPPUNIT_TEST_SUITE_END();

public:
    void test_single_addresses_keep_their_meaning()
    {
        // What a one-address parameter meant before lists: the same one endpoint.
        CPPUNIT_ASSERT_EQUAL(std::string("/7148"), listed(parse_endpoint_list("", 7148)));
        CPPUNIT_ASSERT_EQUAL(std::string("/7148"),
                             listed(parse_endpoint_list("  ", 7148)));
        CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.1/0"),
                             listed(parse_endpoint_list("127.0.0.1", 0)));
        CPPUNIT_ASSERT_EQUAL(std::string("239.1.2.3/9"),
                             listed(parse_endpoint_list("239.1.2.3", 9)));
        CPPUNIT_ASSERT_EQUAL(std::string("localhost/7148"),
                             listed(parse_endpoint_list("localhost", 7148)));
        CPPUNIT_ASSERT_EQUAL(std::string("::1/7148"),
                             listed(parse_endpoint_list("::1", 7148)));
        CPPUNIT_ASSERT_EQUAL(std::string("::/5"), listed(parse_endpoint_list("::", 5)));
    }

    void test_ranges_and_lists()
    {
        CPPUNIT_ASSERT_EQUAL(
            std::string(
                "239.10.0.0/7148 239.10.0.1/7148 239.10.0.2/7148 239.10.0.3/7148"),
            listed(parse_endpoint_list("239.10.0.0+3:7148", 1)));
        // A range crossing an octet, a port of its own, a bare port, spaces.
        CPPUNIT_ASSERT_EQUAL(
            std::string("239.10.0.255/1 239.10.1.0/1 10.0.0.1/7149 /7150 /7151"),
            listed(parse_endpoint_list("239.10.0.255+1, 10.0.0.1:7149 ,:7150,7151", 1)));
        CPPUNIT_ASSERT_EQUAL(std::size_t(16),
                             parse_endpoint_list("239.10.0.0+15:7148", 0).size());
        CPPUNIT_ASSERT_EQUAL(std::string("239.10.0.0/7148"),
                             listed(parse_endpoint_list("239.10.0.0+0:7148", 1)));
        // The same group on two ports is two endpoints.
        CPPUNIT_ASSERT_EQUAL(std::string("239.1.1.1/1 239.1.1.1/2"),
                             listed(parse_endpoint_list("239.1.1.1:1,239.1.1.1:2", 0)));
        CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.1/0 127.0.0.1/0"),
                             listed(parse_endpoint_list("127.0.0.1:0,127.0.0.1", 0)));
        CPPUNIT_ASSERT_EQUAL(
            std::size_t(256),
            parse_endpoint_list("239.0.0.0+127,239.1.0.0+127", 7).size());
    }

    void test_ipv6()
    {
        CPPUNIT_ASSERT_EQUAL(std::string("ff15::1/7148 ff15::2/7148 ff15::3/7148"),
                             listed(parse_endpoint_list("[ff15::1]+2:7148", 1)));
        CPPUNIT_ASSERT_EQUAL(std::string("ff15::ff/9 ff15::100/9"),
                             listed(parse_endpoint_list("ff15::ff+1", 9)));
        CPPUNIT_ASSERT_EQUAL(std::string("::1/8"),
                             listed(parse_endpoint_list("[::1]:8", 1)));
        CPPUNIT_ASSERT_EQUAL(std::string("::1/1"),
                             listed(parse_endpoint_list("[::1]", 1)));
    }

    void test_errors_name_parameter_and_piece()
    {
        CPPUNIT_ASSERT_EQUAL(
            std::string("address: an empty endpoint in the list '239.1.1.1,,10.0.0.1'"),
            error_of("239.1.1.1,,10.0.0.1"));
        CPPUNIT_ASSERT_EQUAL(std::string("address: bad endpoint '239.1.1.1:70000': the "
                                         "port must be a whole number 0..65535, not "
                                         "'70000'"),
                             error_of("10.0.0.1:7148, 239.1.1.1:70000"));
        CPPUNIT_ASSERT_EQUAL(std::string("address: bad endpoint '239.1.1.1+x:7148': the "
                                         "count after '+' must be a whole number 0..255, "
                                         "not 'x'"),
                             error_of("239.1.1.1+x:7148"));
        CPPUNIT_ASSERT_EQUAL(std::string("address: bad endpoint 'host+3': a range (+N) "
                                         "needs an IP address, not 'host'"),
                             error_of("host+3"));
        CPPUNIT_ASSERT_EQUAL(std::string("address: bad endpoint '255.255.255.250+6': the "
                                         "range runs past 255.255.255.255"),
                             error_of("255.255.255.250+6"));
        CPPUNIT_ASSERT_EQUAL(std::string("address: bad endpoint '[ff15::1:7148': '[' "
                                         "without a closing ']'"),
                             error_of("[ff15::1:7148"));
        CPPUNIT_ASSERT_EQUAL(std::string("address: bad endpoint 'ff15::1:x': an IPv6 "
                                         "address with a port is written in brackets: "
                                         "[address]:port"),
                             error_of("ff15::1:x"));
        CPPUNIT_ASSERT_EQUAL(std::string("address: bad endpoint '[1.2.3.4]x': unexpected "
                                         "'x' after the address"),
                             error_of("[1.2.3.4]x"));
        CPPUNIT_ASSERT_EQUAL(std::string("address: endpoint 239.1.1.2:7148 is listed "
                                         "twice (in '239.1.1.2')"),
                             error_of("239.1.1.1+1,239.1.1.2"));
        CPPUNIT_ASSERT_EQUAL(std::string("address: at most 256 endpoints, but "
                                         "'239.0.0.0+200,239.1.0.0+200' has more"),
                             error_of("239.0.0.0+200,239.1.0.0+200"));
        CPPUNIT_ASSERT(error_of("1.2.3.4", 65536).find("port must be 0..65535") == 0);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(qa_udp_endpoint_list);
