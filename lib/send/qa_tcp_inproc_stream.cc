/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// TCP send streams over loopback (packets back to back) and in-process streams
// (one queued packet per packet, per substream queue).

#include "qa_send_support.h"
#include <gnuradio/spead/send/inproc_stream.h>
#include <gnuradio/spead/send/tcp_stream.h>
#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>
#include <memory>
#include <stdexcept>

using gr::spead::protocol::flavour;
using gr::spead::recv::inproc_queue;
using gr::spead::send::endpoint;
using gr::spead::send::heap;
using gr::spead::send::inproc_stream;
using gr::spead::send::stream_config;
using gr::spead::send::tcp_stream;
namespace qa = gr::spead::qa;

namespace {

qa::packet_bytes read_to_end(int fd)
{
    qa::packet_bytes out;
    std::uint8_t buf[65536];
    for (;;) {
        const ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
        if (n <= 0)
            return out;
        out.insert(out.end(), buf, buf + n);
    }
}

qa::packet_bytes joined(const std::vector<qa::packet_bytes>& packets)
{
    qa::packet_bytes out;
    for (const auto& p : packets)
        out.insert(out.end(), p.begin(), p.end());
    return out;
}

} // namespace

class qa_tcp_inproc_stream : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(qa_tcp_inproc_stream);
    CPPUNIT_TEST(test_tcp_connect_sends_packets_back_to_back);
    CPPUNIT_TEST(test_tcp_caller_socket);
    CPPUNIT_TEST(test_tcp_refused_connection);
    CPPUNIT_TEST(test_tcp_needs_one_endpoint);
    CPPUNIT_TEST(test_inproc_packets_per_substream);
    CPPUNIT_TEST(test_inproc_stopped_queue_fails_the_heap);
    CPPUNIT_TEST(test_inproc_needs_queues);
    CPPUNIT_TEST_SUITE_END();

public:
    void test_tcp_connect_sends_packets_back_to_back()
    {
        qa::loopback_socket listener(SOCK_STREAM);
        ::listen(listener.fd(), 1);
        const auto value = qa::ramp_bytes(100000);
        heap h(flavour(4, 64, 48));
        h.add_item(0x1000, value.data(), value.size(), false);
        heap end(flavour(4, 64, 48));
        end.add_end();
        auto s = std::make_unique<tcp_stream>(
            std::vector<endpoint>{ endpoint{ "127.0.0.1", listener.port() } });
        const int peer = ::accept(listener.fd(), nullptr, nullptr);
        CPPUNIT_ASSERT(peer >= 0);
        timeval timeout{ 2, 0 };
        setsockopt(peer, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
        s->send_heap(h, 1);
        s->send_heap(end, 2);
        s.reset(); // closes the connection: the reader sees the end
        auto expected = qa::expected_packets(h, 1, 1472);
        const auto tail = qa::expected_packets(end, 2, 1472);
        expected.insert(expected.end(), tail.begin(), tail.end());
        CPPUNIT_ASSERT(read_to_end(peer) == joined(expected));
        ::close(peer);
    }

    void test_tcp_caller_socket()
    {
        qa::loopback_socket listener(SOCK_STREAM);
        ::listen(listener.fd(), 1);
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a.sin_port = htons(listener.port());
        CPPUNIT_ASSERT_EQUAL(0,
                             ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)));
        const int peer = ::accept(listener.fd(), nullptr, nullptr);
        timeval timeout{ 2, 0 };
        setsockopt(peer, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
        heap end;
        end.add_end();
        {
            tcp_stream s(fd);
            ::close(fd);
            s.send_heap(end, 3);
        }
        CPPUNIT_ASSERT(read_to_end(peer) == joined(qa::expected_packets(end, 3, 1472)));
        ::close(peer);
    }

    void test_tcp_refused_connection()
    {
        std::uint16_t port;
        {
            qa::loopback_socket unused(SOCK_STREAM); // bound, never listening
            port = unused.port();
        }
        try {
            tcp_stream s({ endpoint{ "127.0.0.1", port } });
            CPPUNIT_FAIL("connected to a closed port");
        } catch (const std::system_error& e) {
            CPPUNIT_ASSERT_EQUAL(ECONNREFUSED, e.code().value());
        }
    }

    void test_tcp_needs_one_endpoint()
    {
        CPPUNIT_ASSERT_THROW(tcp_stream(std::vector<endpoint>{}), std::invalid_argument);
        CPPUNIT_ASSERT_THROW(
            tcp_stream({ endpoint{ "127.0.0.1", 9 }, endpoint{ "127.0.0.1", 10 } }),
            std::invalid_argument);
    }

    void test_inproc_packets_per_substream()
    {
        auto q0 = std::make_shared<inproc_queue>(), q1 = std::make_shared<inproc_queue>();
        const auto value = qa::ramp_bytes(4000);
        heap h;
        h.add_item(0x1000, value.data(), value.size(), false);
        heap end;
        end.add_end();
        inproc_stream s({ q0, q1 });
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), s.get_num_substreams());
        CPPUNIT_ASSERT(s.get_queues()[1] == q1);
        s.send_heap(h, 1, 1);
        s.send_heap(end, 2, 0);
        std::vector<std::vector<std::uint8_t>> got0, got1;
        q0->take_packets(got0, 100);
        q1->take_packets(got1, 100);
        CPPUNIT_ASSERT(got0 == qa::expected_packets(end, 2, 1472));
        CPPUNIT_ASSERT(got1 == qa::expected_packets(h, 1, 1472));
    }

    void test_inproc_stopped_queue_fails_the_heap()
    {
        auto q = std::make_shared<inproc_queue>();
        q->stop();
        heap end;
        end.add_end();
        inproc_stream s({ q });
        try {
            s.send_heap(end);
            CPPUNIT_FAIL("sent into a stopped queue");
        } catch (const std::system_error& e) {
            CPPUNIT_ASSERT(e.code() == std::errc::operation_canceled);
        }
    }

    void test_inproc_needs_queues()
    {
        CPPUNIT_ASSERT_THROW(inproc_stream({}), std::invalid_argument);
        CPPUNIT_ASSERT_THROW(inproc_stream({ nullptr }), std::invalid_argument);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(qa_tcp_inproc_stream);
