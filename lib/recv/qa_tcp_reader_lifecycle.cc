/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// The TCP reader's connection handling and life cycle: one connection only, a listening
// socket handed in by the caller, IPv6, errors reported by the constructor, and stop()
// at any moment (before start, while waiting for a connection, while a sender keeps
// writing). Every test runs under a watchdog, so that a hang fails the suite.

#include "qa_tcp_support.h"
#include <cppunit/extensions/HelperMacros.h>
#include <atomic>
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>

using namespace gr::spead::protocol;
using namespace gr::spead::recv;
using namespace gr::spead::qa;

namespace {

constexpr std::chrono::seconds TEST_LIMIT{ 120 };

/// How long a stop() may take: it only closes sockets and joins handlers.
constexpr std::chrono::seconds STOP_LIMIT{ 5 };

/// Pops one heap; fails instead of waiting for ever.
heap pop_one(ring_stream& s)
{
    auto h = s.pop_for(POP_TIMEOUT);
    CPPUNIT_ASSERT_MESSAGE("no heap within the time-out", h.has_value());
    return std::move(*h);
}

/// Sends \p bytes again and again until told to quit or the connection fails.
void keep_sending(const tcp::endpoint& to,
                  const byte_vector& bytes,
                  const std::atomic<bool>& quit)
{
    try {
        tcp_sender sender(to);
        while (!quit && sender.send(bytes)) {
        }
    } catch (const boost::system::system_error&) {
        // Refused: the reader was stopped before it accepted us.
    }
}

} // namespace

class qa_tcp_reader_lifecycle : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(qa_tcp_reader_lifecycle);
    CPPUNIT_TEST(test_second_connection_refused);
    CPPUNIT_TEST(test_acceptor_form);
    CPPUNIT_TEST(test_acceptor_not_open);
    CPPUNIT_TEST(test_ipv6_loopback);
    CPPUNIT_TEST(test_bind_address_in_use_named);
    CPPUNIT_TEST(test_max_size_too_small);
    CPPUNIT_TEST(test_stop_before_start);
    CPPUNIT_TEST(test_stop_while_waiting_for_connection);
    CPPUNIT_TEST(test_stop_while_sender_writes);
    CPPUNIT_TEST_SUITE_END();

public:
    void test_second_connection_refused()
    {
        watchdog guard("test_second_connection_refused", TEST_LIMIT);
        thread_pool pool(1);
        tcp_stream_under_test t(pool);
        tcp_sender first(t.endpoint());
        CPPUNIT_ASSERT(first.send(wire(data_heap(1, ONE_PACKET_HEAP))));
        // A heap from the first connection: it has been accepted, and the listening
        // socket closed with it.
        check_data_heap(pop_one(t.stream), 1, ONE_PACKET_HEAP);

        boost::asio::io_context io;
        tcp::socket second(io);
        boost::system::error_code ec;
        second.connect(t.endpoint(), ec);
        CPPUNIT_ASSERT_MESSAGE("second connection: " + ec.message(),
                               ec == boost::asio::error::connection_refused);

        // The first connection is unaffected.
        CPPUNIT_ASSERT(first.send(wire(data_heap(2, ONE_PACKET_HEAP))));
        first.shutdown_send();
        const std::vector<heap> rest = drain(t.stream);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), rest.size());
        check_data_heap(rest[0], 2, ONE_PACKET_HEAP);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(2), t.stream.get_all_stats()["packets"]);
    }

    void test_acceptor_form()
    {
        // The caller's socket lives on an io_context that nobody runs: the reader must
        // move it onto the stream's to be served.
        watchdog guard("test_acceptor_form", TEST_LIMIT);
        boost::asio::io_context foreign;
        tcp::acceptor acceptor(foreign, loopback_v4());
        const tcp::endpoint where = acceptor.local_endpoint();
        thread_pool pool(1);
        ring_stream s(pool, stream_config(), ring_stream_config().set_heaps(64));
        tcp_reader& r = s.emplace_reader<tcp_reader>(std::move(acceptor), 100);
        CPPUNIT_ASSERT(r.local_endpoint() == where);
        CPPUNIT_ASSERT(!acceptor.is_open()); // the reader owns the socket now

        tcp_sender sender(where);
        const packet_list packets =
            data_heap(1, THREE_PACKET_HEAP) + data_heap(2, ONE_PACKET_HEAP);
        CPPUNIT_ASSERT(sender.send(wire(packets)));
        sender.shutdown_send();
        const std::vector<heap> heaps = drain(s);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), heaps.size());
        check_data_heap(heaps[0], 1, THREE_PACKET_HEAP);
        check_data_heap(heaps[1], 2, ONE_PACKET_HEAP);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(4), s.get_all_stats()["packets"]);
    }

    void test_acceptor_not_open()
    {
        watchdog guard("test_acceptor_not_open", TEST_LIMIT);
        boost::asio::io_context io;
        thread_pool pool(1);
        ring_stream s(pool);
        tcp::acceptor closed(io);
        CPPUNIT_ASSERT_THROW(s.emplace_reader<tcp_reader>(std::move(closed)),
                             std::invalid_argument);
    }

    void test_ipv6_loopback()
    {
        watchdog guard("test_ipv6_loopback", TEST_LIMIT);
        thread_pool pool(1);
        tcp_stream_under_test t(pool,
                                DEFAULT_TCP_MAX_SIZE,
                                ring_stream_config().set_heaps(64),
                                stream_config(),
                                loopback_v6());
        CPPUNIT_ASSERT(t.endpoint().address().is_v6());
        CPPUNIT_ASSERT(t.endpoint().port() != 0);
        tcp_sender sender(t.endpoint());
        CPPUNIT_ASSERT(sender.send_bytewise(wire(data_heap(7, THREE_PACKET_HEAP))));
        sender.shutdown_send();
        const std::vector<heap> heaps = drain(t.stream);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), heaps.size());
        check_data_heap(heaps[0], 7, THREE_PACKET_HEAP);
    }

    void test_bind_address_in_use_named()
    {
        watchdog guard("test_bind_address_in_use_named", TEST_LIMIT);
        thread_pool pool(1);
        tcp_stream_under_test first(pool);
        ring_stream second(pool);
        const std::string where = "127.0.0.1:" + std::to_string(first.endpoint().port());
        try {
            second.emplace_reader<tcp_reader>(first.endpoint());
            CPPUNIT_FAIL("binding a port that is listened on did not throw");
        } catch (const boost::system::system_error& e) {
            CPPUNIT_ASSERT_MESSAGE(
                e.what(), std::string(e.what()).find(where) != std::string::npos);
            CPPUNIT_ASSERT(e.code() == boost::asio::error::address_in_use);
        }
        first.stream.stop();
    }

    void test_max_size_too_small()
    {
        watchdog guard("test_max_size_too_small", TEST_LIMIT);
        thread_pool pool(1);
        ring_stream s(pool);
        try {
            s.emplace_reader<tcp_reader>(loopback_v4(), 7);
            CPPUNIT_FAIL("max_size 7 did not throw");
        } catch (const std::invalid_argument& e) {
            CPPUNIT_ASSERT(std::string(e.what()).find("7") != std::string::npos);
        }
        // A max_size of 8 (a bare header) is the smallest accepted.
        s.emplace_reader<tcp_reader>(loopback_v4(), 8);
        s.stop();
    }

    void test_stop_before_start()
    {
        // With explicit_start the reader is never started: stop() must still finish it
        // (no handler will ever run to do so), and nothing is accepted.
        watchdog guard("test_stop_before_start", TEST_LIMIT);
        thread_pool pool(1);
        ring_stream s(pool, stream_config().set_explicit_start(true));
        tcp_reader& r = s.emplace_reader<tcp_reader>(loopback_v4());
        CPPUNIT_ASSERT(!r.is_finished());
        s.stop();
        CPPUNIT_ASSERT(r.is_finished());
        CPPUNIT_ASSERT_THROW(s.pop(), ringbuffer_stopped);
    }

    void test_stop_while_waiting_for_connection()
    {
        watchdog guard("test_stop_while_waiting_for_connection", TEST_LIMIT);
        thread_pool pool(2);
        for (int i = 0; i < 20; i++) {
            tcp_stream_under_test t(pool);
            if (i % 2)
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
            const auto begin = std::chrono::steady_clock::now();
            t.stream.stop();
            CPPUNIT_ASSERT(std::chrono::steady_clock::now() - begin < STOP_LIMIT);
            CPPUNIT_ASSERT(t.reader->is_finished());
            CPPUNIT_ASSERT_THROW(t.stream.pop(), ringbuffer_stopped);
            // The port is closed: nobody is listening any more.
            boost::asio::io_context io;
            tcp::socket probe(io);
            boost::system::error_code ec;
            probe.connect(t.endpoint(), ec);
            CPPUNIT_ASSERT(ec == boost::asio::error::connection_refused);
        }
    }

    void test_stop_while_sender_writes()
    {
        // A sender floods the connection while the consumer takes a heap or two and
        // then stops: stop() returns promptly every time, whether it meets the reader
        // waiting for the connection, inside a batch, or blocked on the full ring, and
        // the byte stream never falls out of step (no packet is ever malformed).
        watchdog guard("test_stop_while_sender_writes", TEST_LIMIT);
        packet_list packets;
        for (std::uint64_t cnt = 1; cnt <= 20; cnt++)
            packets =
                packets + data_heap(cnt, cnt % 2 ? THREE_PACKET_HEAP : ONE_PACKET_HEAP);
        const byte_vector bytes = wire(packets);
        thread_pool pool(2);
        for (int i = 0; i < 50; i++) {
            tcp_stream_under_test t(
                pool, DEFAULT_TCP_MAX_SIZE, ring_stream_config().set_heaps(2));
            std::atomic<bool> quit{ false };
            std::thread sender(
                keep_sending, t.endpoint(), std::cref(bytes), std::cref(quit));
            if (i % 3 == 1)
                t.stream.pop_for(POP_TIMEOUT); // stop with the flow well under way
            else if (i % 3 == 2)
                std::this_thread::sleep_for(std::chrono::microseconds(100 * (i % 7)));
            const auto begin = std::chrono::steady_clock::now();
            t.stream.stop();
            const auto took = std::chrono::steady_clock::now() - begin;
            quit = true;
            sender.join();
            CPPUNIT_ASSERT_MESSAGE("stop() took too long in round " + std::to_string(i),
                                   took < STOP_LIMIT);
            CPPUNIT_ASSERT(t.reader->is_finished());
            const stream_stats stats = t.stream.get_all_stats();
            // Only the packet in hand when stop() came may be refused (as after stop).
            CPPUNIT_ASSERT_EQUAL_MESSAGE("round " + std::to_string(i),
                                         stats["packets_rejected_after_stop"],
                                         stats["packets_rejected"]);
            CPPUNIT_ASSERT_MESSAGE("round " + std::to_string(i),
                                   stats["packets_rejected"] <= 1);
            // What was queued still comes out, then the end.
            std::size_t popped = 0;
            while (true) {
                try {
                    t.stream.pop();
                    popped++;
                } catch (const ringbuffer_stopped&) {
                    break;
                }
            }
            CPPUNIT_ASSERT(popped <= 2);
        }
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(qa_tcp_reader_lifecycle);
