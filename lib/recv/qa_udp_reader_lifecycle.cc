/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// Life cycle of the UDP and in-process readers: stop() while packets keep coming,
// before start(), from another thread while idle; explicit start across both kinds.

#include "qa_udp_support.h"
#include "qa_wait.h"
#include <gnuradio/spead/recv/inproc_reader.h>
#include <gnuradio/spead/recv/udp_reader.h>
#include <cppunit/extensions/HelperMacros.h>
#include <atomic>
#include <memory>
#include <set>
#include <thread>

using namespace gr::spead::protocol;
using namespace gr::spead::recv;
using namespace gr::spead::qa;
using boost::asio::ip::make_address;

namespace {

udp::endpoint loopback_v4() { return udp::endpoint(make_address("127.0.0.1"), 0); }

/// Sends three-packet heaps to \p to, as fast as it can, until told to stop (or a
/// deadline passes); stops and joins on destruction, also when a check failed.
class busy_sender
{
public:
    explicit busy_sender(const udp::endpoint& to)
        : d_thread([this, to] {
              udp_sender sender(false);
              const auto deadline =
                  std::chrono::steady_clock::now() + std::chrono::seconds(10);
              for (std::uint64_t cnt = 1;
                   !d_done && std::chrono::steady_clock::now() < deadline;
                   cnt++)
                  for (const auto& p : data_heap(cnt, THREE_PACKET_HEAP))
                      sender.try_send(p, to); // the socket may be closed already
          })
    {
    }
    ~busy_sender()
    {
        d_done = true;
        d_thread.join();
    }

private:
    std::atomic<bool> d_done{ false };
    std::thread d_thread;
};

} // namespace

class qa_udp_reader_lifecycle : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(qa_udp_reader_lifecycle);
    CPPUNIT_TEST(test_stop_while_sender_keeps_sending);
    CPPUNIT_TEST(test_stop_from_another_thread_while_idle);
    CPPUNIT_TEST(test_stop_before_start);
    CPPUNIT_TEST(test_destroyed_while_running);
    CPPUNIT_TEST(test_explicit_start_across_udp_and_inproc);
    CPPUNIT_TEST_SUITE_END();

public:
    void test_stop_while_sender_keeps_sending()
    {
        watchdog guard("stop while sending (50 rounds)", std::chrono::seconds(120));
        thread_pool pool(2);
        for (int round = 0; round < 50; round++) {
            // A small ring, so that the worker is often blocked on it when stop() comes.
            ring_stream s(pool, stream_config(), ring_stream_config().set_heaps(2));
            auto& r =
                s.emplace_reader<udp_reader>(loopback_v4(), DEFAULT_UDP_MAX_SIZE, 0);
            busy_sender sender(r.get_local_endpoint());
            if (round % 2 == 0)
                pop_heap(s); // sometimes once data surely flows, sometimes at once
            s.stop();
            CPPUNIT_ASSERT(r.is_finished());
            CPPUNIT_ASSERT(s.is_stopped());
            // What the ring still holds comes out, then the end.
            const auto rest = drain(s);
            CPPUNIT_ASSERT(rest.size() <= 2);
            for (const auto& h : rest)
                check_data_heap(h, h.get_cnt(), THREE_PACKET_HEAP);
        }
    }

    void test_stop_from_another_thread_while_idle()
    {
        watchdog guard("stop while idle", std::chrono::seconds(30));
        thread_pool pool(2);
        ring_stream s(pool);
        auto& u = s.emplace_reader<udp_reader>(loopback_v4(), DEFAULT_UDP_MAX_SIZE, 0);
        auto& i = s.emplace_reader<inproc_reader>(std::make_shared<inproc_queue>());
        std::this_thread::sleep_for(std::chrono::milliseconds(20)); // both now waiting
        std::thread stopper([&s] { s.stop(); });
        stopper.join();
        CPPUNIT_ASSERT(u.is_finished());
        CPPUNIT_ASSERT(i.is_finished());
        CPPUNIT_ASSERT_THROW(s.pop(), ringbuffer_stopped);
    }

    void test_stop_before_start()
    {
        watchdog guard("stop before start", std::chrono::seconds(30));
        thread_pool pool(1);
        ring_stream s(pool, stream_config().set_explicit_start(true));
        auto& u = s.emplace_reader<udp_reader>(loopback_v4(), DEFAULT_UDP_MAX_SIZE, 0);
        auto queue = std::make_shared<inproc_queue>();
        auto& i = s.emplace_reader<inproc_reader>(queue);
        queue->add_packet(data_heap(1, ONE_PACKET_HEAP)[0]);
        s.stop();
        CPPUNIT_ASSERT(u.is_finished());
        CPPUNIT_ASSERT(i.is_finished());
        s.start(); // too late: starts nothing
        CPPUNIT_ASSERT_THROW(s.pop(), ringbuffer_stopped);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), queue->size()); // never read
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), s.get_all_stats()["packets"]);
    }

    void test_destroyed_while_running()
    {
        watchdog guard("destroyed while running", std::chrono::seconds(30));
        thread_pool pool(2);
        for (int round = 0; round < 10; round++) {
            ring_stream s(pool);
            auto& r =
                s.emplace_reader<udp_reader>(loopback_v4(), DEFAULT_UDP_MAX_SIZE, 0);
            s.emplace_reader<inproc_reader>(std::make_shared<inproc_queue>());
            busy_sender sender(r.get_local_endpoint());
            // The stream's destructor stops and joins the readers.
        }
    }

    void test_explicit_start_across_udp_and_inproc()
    {
        watchdog guard("explicit start", std::chrono::seconds(30));
        thread_pool pool(2);
        ring_stream s(pool,
                      stream_config().set_explicit_start(true),
                      ring_stream_config().set_heaps(8));
        auto& u = s.emplace_reader<udp_reader>(loopback_v4(), DEFAULT_UDP_MAX_SIZE, 0);
        auto queue = std::make_shared<inproc_queue>();
        s.emplace_reader<inproc_reader>(queue);

        udp_sender sender(false);
        sender.send_all(data_heap(1, THREE_PACKET_HEAP), u.get_local_endpoint());
        for (const auto& p : data_heap(2, THREE_PACKET_HEAP))
            queue->add_packet(p);
        // Nothing may be read before start(): give the readers a chance to misbehave.
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        CPPUNIT_ASSERT_THROW(s.try_pop(), ringbuffer_empty);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), s.get_all_stats()["packets"]);
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), queue->size());

        s.start();
        std::set<std::uint64_t> seen;
        for (int k = 0; k < 2; k++) {
            const heap h = pop_heap(s);
            check_data_heap(h, h.get_cnt(), THREE_PACKET_HEAP);
            seen.insert(h.get_cnt());
        }
        CPPUNIT_ASSERT((std::set<std::uint64_t>{ 1, 2 }) == seen);
        queue->stop(); // the in-process reader ends the stream
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), drain(s).size());
        check_stats_any_batching(
            s.get_all_stats(), { { "heaps", 2 }, { "packets", 6 } }, 1, 3);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(qa_udp_reader_lifecycle);
