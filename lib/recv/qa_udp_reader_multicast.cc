/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// The UDP reader's multicast constructors: IPv4 with an interface address, IPv6 with an
// interface index. Multicast is sent and looped back on one host: on the loopback
// interface when the kernel allows it there, otherwise inside a network namespace of
// the test's own (with a veth pair), and skipped, saying why, when neither works.

#include "qa_udp_support.h"
#include <gnuradio/spead/recv/udp_reader.h>
#include <cppunit/extensions/HelperMacros.h>
#include <memory>
#include <stdexcept>

using namespace gr::spead::protocol;
using namespace gr::spead::recv;
using namespace gr::spead::qa;
using boost::asio::ip::make_address;

namespace {

/// Administratively scoped (RFC 2365) and site-local (ff15::) groups: never routed
/// beyond this host's test interfaces.
const char* const GROUP_V4 = "239.255.78.91";
const char* const GROUP_V6 = "ff15::5eed:91";

constexpr std::chrono::milliseconds HOST_PATIENCE{ 300 };
/// A fresh veth may take a moment to get its multicast route.
constexpr std::chrono::milliseconds NAMESPACE_PATIENCE{ 3000 };

} // namespace

class qa_udp_reader_multicast : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(qa_udp_reader_multicast);
    CPPUNIT_TEST(test_multicast_v4_with_interface_address);
    CPPUNIT_TEST(test_multicast_v6_with_interface_index);
    CPPUNIT_TEST(test_multicast_arguments_checked);
    CPPUNIT_TEST_SUITE_END();

public:
    void test_multicast_v4_with_interface_address()
    {
        const std::string name = "qa_udp_reader_multicast::test_multicast_v4";
        const auto group = make_address(GROUP_V4);
        std::unique_ptr<scoped_netns> ns;
        if (!multicast_loops_back(group, "127.0.0.1", HOST_PATIENCE)) {
            ns = std::make_unique<scoped_netns>("v4");
            if (!ns->ok()) {
                skip_test(name,
                          "IPv4 multicast does not loop back on lo, and no network "
                          "namespace could be made (" +
                              ns->error() + ")");
                return;
            }
            if (!multicast_loops_back(group, "127.0.0.1", NAMESPACE_PATIENCE)) {
                skip_test(name,
                          "IPv4 multicast does not loop back on lo, not even in a "
                          "network namespace");
                return;
            }
        }
        watchdog guard("multicast v4", std::chrono::seconds(30));
        thread_pool pool(2);
        ring_stream s(pool);
        auto& r = s.emplace_reader<udp_reader>(
            udp::endpoint(group, 0), DEFAULT_UDP_MAX_SIZE, 0, make_address("127.0.0.1"));
        CPPUNIT_ASSERT(r.get_local_endpoint().address() == group);
        udp_sender sender(false);
        sender.use_multicast_v4("127.0.0.1");
        exchange_heaps(s, sender, r.get_local_endpoint());
        check_exchange_stats(s.get_all_stats());
    }

    void test_multicast_v6_with_interface_index()
    {
        const std::string name = "qa_udp_reader_multicast::test_multicast_v6";
        const auto group = make_address(GROUP_V6);
        unsigned int index = if_nametoindex("lo");
        std::unique_ptr<scoped_netns> ns;
        if (index == 0 ||
            !multicast_loops_back(group, std::to_string(index), HOST_PATIENCE)) {
            // Linux gives lo no IPv6 multicast route (sends fail with ENETUNREACH).
            ns = std::make_unique<scoped_netns>("v6");
            if (!ns->ok()) {
                skip_test(name,
                          "IPv6 multicast does not loop back on lo, and no network "
                          "namespace could be made (" +
                              ns->error() + ")");
                return;
            }
            index = if_nametoindex("qa0");
            if (index == 0 ||
                !multicast_loops_back(group, std::to_string(index), NAMESPACE_PATIENCE)) {
                skip_test(name,
                          "IPv6 multicast loops back neither on lo nor on a veth "
                          "in a network namespace");
                return;
            }
        }
        watchdog guard("multicast v6", std::chrono::seconds(30));
        thread_pool pool(2);
        ring_stream s(pool);
        // The sockets made here, in the namespace if there is one, stay in it.
        auto& r = s.emplace_reader<udp_reader>(
            udp::endpoint(group, 0), DEFAULT_UDP_MAX_SIZE, 0, index);
        CPPUNIT_ASSERT(r.get_local_endpoint().address() == group);
        udp_sender sender(true);
        sender.use_multicast_v6(index);
        exchange_heaps(s, sender, r.get_local_endpoint());
        check_exchange_stats(s.get_all_stats());
    }

    void test_multicast_arguments_checked()
    {
        thread_pool pool(1);
        ring_stream s(pool);
        const auto lo = make_address("127.0.0.1");
        const udp::endpoint unicast(lo, 0);
        const udp::endpoint group_v4(make_address(GROUP_V4), 0);
        const udp::endpoint group_v6(make_address(GROUP_V6), 0);
        // Not a multicast group, or a group of the other family.
        CPPUNIT_ASSERT_THROW(
            s.emplace_reader<udp_reader>(unicast, DEFAULT_UDP_MAX_SIZE, 0, lo),
            std::invalid_argument);
        CPPUNIT_ASSERT_THROW(
            s.emplace_reader<udp_reader>(group_v6, DEFAULT_UDP_MAX_SIZE, 0, lo),
            std::invalid_argument);
        CPPUNIT_ASSERT_THROW(
            s.emplace_reader<udp_reader>(group_v4, DEFAULT_UDP_MAX_SIZE, 0, 1u),
            std::invalid_argument);
        CPPUNIT_ASSERT_THROW(
            s.emplace_reader<udp_reader>(
                udp::endpoint(make_address("::1"), 0), DEFAULT_UDP_MAX_SIZE, 0, 1u),
            std::invalid_argument);
        // An IPv6 interface address for an IPv4 group, named in the message.
        try {
            s.emplace_reader<udp_reader>(
                group_v4, DEFAULT_UDP_MAX_SIZE, 0, make_address("::1"));
            CPPUNIT_FAIL("an IPv6 interface address should be refused");
        } catch (const std::invalid_argument& e) {
            CPPUNIT_ASSERT(std::string(e.what()).find("::1") != std::string::npos);
        }
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(qa_udp_reader_multicast);
