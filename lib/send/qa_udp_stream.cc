/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// UDP send streams over loopback: every datagram is one packet of the heap, to the
// substream's destination, whether or not the kernel segments them (GSO).

#include "qa_send_support.h"
#include <gnuradio/spead/send/udp_stream.h>
#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>
#include <stdexcept>

using gr::spead::protocol::flavour;
using gr::spead::send::endpoint;
using gr::spead::send::group_mode;
using gr::spead::send::heap;
using gr::spead::send::heap_reference;
using gr::spead::send::stream_config;
using gr::spead::send::udp_stream;
namespace qa = gr::spead::qa;

class qa_udp_stream : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(qa_udp_stream);
    CPPUNIT_TEST(test_datagrams_are_the_packets);
    CPPUNIT_TEST(test_substreams_go_to_their_endpoints);
    CPPUNIT_TEST(test_caller_socket);
    CPPUNIT_TEST(test_oversized_packet_fails_the_heap);
    CPPUNIT_TEST(test_bad_endpoint_lists);
    CPPUNIT_TEST(test_multicast_constructors_need_multicast);
    CPPUNIT_TEST_SUITE_END();

    void expect_datagrams(qa::loopback_socket& sock,
                          const std::vector<qa::packet_bytes>& expected)
    {
        for (const qa::packet_bytes& p : expected)
            CPPUNIT_ASSERT(sock.receive_datagram() == p);
    }

public:
    void test_datagrams_are_the_packets()
    {
        // 11 full packets and a shorter one: a run a GSO send carries whole.
        qa::loopback_socket rx(SOCK_DGRAM);
        const auto value = qa::ramp_bytes(100000);
        heap h(flavour(4, 64, 48));
        h.add_item(0x1000, value.data(), value.size(), false);
        udp_stream s({ endpoint{ "127.0.0.1", rx.port() } },
                     stream_config().set_max_packet_size(9000));
        s.send_heap(h, 42);
        const auto expected = qa::expected_packets(h, 42, 9000);
        CPPUNIT_ASSERT_EQUAL(std::size_t(12), expected.size());
        expect_datagrams(rx, expected);
    }

    void test_substreams_go_to_their_endpoints()
    {
        qa::loopback_socket rx0(SOCK_DGRAM), rx1(SOCK_DGRAM);
        const auto v0 = qa::ramp_bytes(5000), v1 = qa::ramp_bytes(7000, 3);
        heap h0, h1;
        h0.add_item(0x1000, v0.data(), v0.size(), false);
        h1.add_item(0x1000, v1.data(), v1.size(), false);
        udp_stream s(
            { endpoint{ "127.0.0.1", rx0.port() }, endpoint{ "localhost", rx1.port() } });
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), s.get_num_substreams());
        s.send_heaps({ heap_reference(h1, 5, 1), heap_reference(h0, 6, 0) },
                     group_mode::ROUND_ROBIN);
        expect_datagrams(rx0, qa::expected_packets(h0, 6, 1472));
        expect_datagrams(rx1, qa::expected_packets(h1, 5, 1472));
    }

    void test_caller_socket()
    {
        qa::loopback_socket rx(SOCK_DGRAM);
        heap h;
        h.add_end();
        const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
        udp_stream s(fd, { endpoint{ "127.0.0.1", rx.port() } });
        ::close(fd); // the stream has its own copy
        s.send_heap(h, 9);
        expect_datagrams(rx, qa::expected_packets(h, 9, 1472));
    }

    void test_oversized_packet_fails_the_heap()
    {
        qa::loopback_socket rx(SOCK_DGRAM);
        const auto value = qa::ramp_bytes(200000);
        heap h;
        h.add_item(0x1000, value.data(), value.size(), false);
        udp_stream s({ endpoint{ "127.0.0.1", rx.port() } },
                     stream_config().set_max_packet_size(100000),
                     0);
        try {
            s.send_heap(h);
            CPPUNIT_FAIL("a 100000-byte datagram was accepted");
        } catch (const std::system_error& e) {
            CPPUNIT_ASSERT_EQUAL(EMSGSIZE, e.code().value());
        }
    }

    void test_bad_endpoint_lists()
    {
        CPPUNIT_ASSERT_THROW(udp_stream(std::vector<endpoint>{}), std::invalid_argument);
        CPPUNIT_ASSERT_THROW(
            udp_stream({ endpoint{ "127.0.0.1", 9 }, endpoint{ "::1", 9 } }),
            std::invalid_argument);
        CPPUNIT_ASSERT_THROW(udp_stream({ endpoint{ "no-such-host.invalid", 9 } }),
                             std::runtime_error);
    }

    void test_multicast_constructors_need_multicast()
    {
        const stream_config c;
        CPPUNIT_ASSERT_THROW(udp_stream({ endpoint{ "127.0.0.1", 9 } }, c, 0, 1),
                             std::invalid_argument);
        CPPUNIT_ASSERT_THROW(
            udp_stream(
                { endpoint{ "ff14::1234", 9 } }, c, 0, 1, std::string("127.0.0.1")),
            std::invalid_argument);
        CPPUNIT_ASSERT_THROW(udp_stream({ endpoint{ "239.255.88.88", 9 } }, c, 0, 1, 1u),
                             std::invalid_argument);
        // A group of the right family is accepted (nothing is sent).
        CPPUNIT_ASSERT_NO_THROW(udp_stream(
            { endpoint{ "239.255.88.88", 9 } }, c, 0, 1, std::string("127.0.0.1")));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(qa_udp_stream);
