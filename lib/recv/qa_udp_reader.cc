/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// The UDP reader over loopback: unicast IPv4 and IPv6, binding, the socket-taking
// constructor and the host name helper.

#include "qa_udp_support.h"
#include "qa_wait.h"
#include <gnuradio/spead/recv/udp_endpoint.h>
#include <gnuradio/spead/recv/udp_reader.h>
#include <cppunit/extensions/HelperMacros.h>
#include <boost/system/system_error.hpp>
#include <stdexcept>

using namespace gr::spead::protocol;
using namespace gr::spead::recv;
using namespace gr::spead::qa;
using boost::asio::ip::make_address;

namespace {

udp::endpoint loopback_v4() { return udp::endpoint(make_address("127.0.0.1"), 0); }
udp::endpoint loopback_v6() { return udp::endpoint(make_address("::1"), 0); }

/// Runs exchange_heaps through a reader bound to \p bind_to, sending to \p send_to
/// (its address, with the port the reader got).
void check_unicast(const udp::endpoint& bind_to, const std::string& send_to)
{
    watchdog guard("unicast exchange", std::chrono::seconds(30));
    thread_pool pool(2);
    ring_stream s(pool);
    auto& r = s.emplace_reader<udp_reader>(bind_to, DEFAULT_UDP_MAX_SIZE, 0);
    CPPUNIT_ASSERT(r.get_local_endpoint().port() != 0);
    const udp::endpoint to(make_address(send_to), r.get_local_endpoint().port());
    udp_sender sender(to.address().is_v6());
    exchange_heaps(s, sender, to);
    check_exchange_stats(s.get_all_stats());
    // The stop item ended the stream; the reader's close runs soon after, on the pool.
    CPPUNIT_ASSERT(wait_until([&r] { return r.is_finished(); }));
}

} // namespace

class qa_udp_reader : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(qa_udp_reader);
    CPPUNIT_TEST(test_unicast_v4);
    CPPUNIT_TEST(test_unicast_v6);
    CPPUNIT_TEST(test_bound_to_any_address);
    CPPUNIT_TEST(test_bind_conflict_names_endpoint);
    CPPUNIT_TEST(test_max_size_zero_rejected);
    CPPUNIT_TEST(test_socket_constructor);
    CPPUNIT_TEST(test_socket_constructor_rejects_unusable_sockets);
    CPPUNIT_TEST(test_bind_endpoint_from_host_name);
    CPPUNIT_TEST(test_bind_endpoint_rejects_bad_port);
    CPPUNIT_TEST(test_defaults_match_spead2);
    CPPUNIT_TEST_SUITE_END();

public:
    void test_unicast_v4() { check_unicast(loopback_v4(), "127.0.0.1"); }

    void test_unicast_v6() { check_unicast(loopback_v6(), "::1"); }

    void test_bound_to_any_address()
    {
        check_unicast(make_udp_bind_endpoint("", 0), "127.0.0.1");
    }

    void test_bind_conflict_names_endpoint()
    {
        thread_pool pool(1);
        ring_stream s(pool);
        auto& first =
            s.emplace_reader<udp_reader>(loopback_v4(), DEFAULT_UDP_MAX_SIZE, 0);
        const udp::endpoint taken = first.get_local_endpoint();
        const std::string expected = "127.0.0.1:" + std::to_string(taken.port());
        try {
            s.emplace_reader<udp_reader>(taken, DEFAULT_UDP_MAX_SIZE, 0);
            CPPUNIT_FAIL("binding a taken port should throw");
        } catch (const boost::system::system_error& e) {
            CPPUNIT_ASSERT_MESSAGE(
                e.what(), std::string(e.what()).find(expected) != std::string::npos);
        }
    }

    void test_max_size_zero_rejected()
    {
        thread_pool pool(1);
        ring_stream s(pool);
        CPPUNIT_ASSERT_THROW(s.emplace_reader<udp_reader>(loopback_v4(), 0, 0),
                             std::invalid_argument);
    }

    void test_socket_constructor()
    {
        watchdog guard("socket constructor", std::chrono::seconds(30));
        thread_pool pool(2);
        ring_stream s(pool);
        udp::socket socket(pool.get_io_context(), udp::v6());
        socket.bind(loopback_v6());
        const udp::endpoint to = socket.local_endpoint();
        auto& r = s.emplace_reader<udp_reader>(std::move(socket));
        CPPUNIT_ASSERT(r.get_local_endpoint() == to);
        CPPUNIT_ASSERT_EQUAL(DEFAULT_UDP_MAX_SIZE, r.get_max_size());
        udp_sender sender(true);
        exchange_heaps(s, sender, to);
        check_exchange_stats(s.get_all_stats());
    }

    void test_socket_constructor_rejects_unusable_sockets()
    {
        thread_pool pool(1);
        ring_stream s(pool);
        udp::socket closed(pool.get_io_context());
        CPPUNIT_ASSERT_THROW(s.emplace_reader<udp_reader>(std::move(closed)),
                             std::invalid_argument);
        udp::socket unbound(pool.get_io_context(), udp::v4());
        CPPUNIT_ASSERT_THROW(s.emplace_reader<udp_reader>(std::move(unbound)),
                             std::invalid_argument);
        boost::asio::io_context other;
        udp::socket foreign(other, udp::v4());
        foreign.bind(loopback_v4());
        CPPUNIT_ASSERT_THROW(s.emplace_reader<udp_reader>(std::move(foreign)),
                             std::invalid_argument);
        // The stream is still usable after the refusals.
        udp::socket good(pool.get_io_context(), udp::v4());
        good.bind(loopback_v4());
        s.emplace_reader<udp_reader>(std::move(good), 100);
    }

    void test_bind_endpoint_from_host_name()
    {
        const udp::endpoint any = make_udp_bind_endpoint("", 7148);
        CPPUNIT_ASSERT(any.address() == boost::asio::ip::address_v4::any());
        CPPUNIT_ASSERT_EQUAL((unsigned short)7148, any.port());
        CPPUNIT_ASSERT(make_udp_bind_endpoint("127.0.0.1", 1).address() ==
                       make_address("127.0.0.1"));
        CPPUNIT_ASSERT(make_udp_bind_endpoint("::1", 2).address() == make_address("::1"));
        CPPUNIT_ASSERT(make_udp_bind_endpoint("239.1.2.3", 3).address() ==
                       make_address("239.1.2.3"));
        // A name (from /etc/hosts, no DNS query needed).
        const udp::endpoint local = make_udp_bind_endpoint("localhost", 65535);
        CPPUNIT_ASSERT(local.address().is_loopback());
        CPPUNIT_ASSERT_EQUAL((unsigned short)65535, local.port());
    }

    void test_bind_endpoint_rejects_bad_port()
    {
        try {
            make_udp_bind_endpoint("", 65536);
            CPPUNIT_FAIL("port 65536 should be refused");
        } catch (const std::invalid_argument& e) {
            CPPUNIT_ASSERT(std::string(e.what()).find("65536") != std::string::npos);
        }
        CPPUNIT_ASSERT_THROW(make_udp_bind_endpoint("", -1), std::invalid_argument);
    }

    void test_defaults_match_spead2()
    {
        CPPUNIT_ASSERT_EQUAL(std::size_t(9200), DEFAULT_UDP_MAX_SIZE);
        CPPUNIT_ASSERT_EQUAL(std::size_t(8 * 1024 * 1024), DEFAULT_UDP_BUFFER_SIZE);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(qa_udp_reader);
