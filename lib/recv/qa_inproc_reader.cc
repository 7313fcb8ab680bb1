/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// The in-process reader end to end: packets in, heaps out; the queue's stop ends the
// stream after what was queued; several readers and producers on one queue.

#include "qa_stream_support.h"
#include <gnuradio/spead/recv/inproc_reader.h>
#include <cppunit/extensions/HelperMacros.h>
#include <algorithm>
#include <memory>
#include <stdexcept>
#include <thread>

using namespace gr::spead::protocol;
using namespace gr::spead::recv;
using namespace gr::spead::qa;

namespace {

void add_all(inproc_queue& q, const packet_list& packets)
{
    for (const auto& p : packets)
        q.add_packet(p);
}

/// Heaps 1..20 of three packets and 21..40 of one: 80 packets.
packet_list forty_heaps()
{
    packet_list packets;
    for (std::uint64_t cnt = 1; cnt <= 40; cnt++)
        packets =
            packets + data_heap(cnt, cnt <= 20 ? THREE_PACKET_HEAP : ONE_PACKET_HEAP);
    return packets;
}

void check_forty_heaps(const std::vector<heap>& heaps)
{
    CPPUNIT_ASSERT_EQUAL(std::size_t(40), heaps.size());
    for (std::uint64_t cnt = 1; cnt <= 40; cnt++)
        check_data_heap(
            heaps[cnt - 1], cnt, cnt <= 20 ? THREE_PACKET_HEAP : ONE_PACKET_HEAP);
}

} // namespace

class qa_inproc_reader : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(qa_inproc_reader);
    CPPUNIT_TEST(test_packets_in_heaps_out);
    CPPUNIT_TEST(test_stop_ends_stream_after_queued_packets);
    CPPUNIT_TEST(test_queue_stopped_before_start);
    CPPUNIT_TEST(test_packets_one_at_a_time_wake_the_reader);
    CPPUNIT_TEST(test_stop_item_ends_stream);
    CPPUNIT_TEST(test_several_readers_share_a_queue);
    CPPUNIT_TEST(test_several_producers);
    CPPUNIT_TEST(test_null_queue_rejected);
    CPPUNIT_TEST_SUITE_END();

public:
    void test_packets_in_heaps_out()
    {
        watchdog guard("inproc packets in, heaps out", std::chrono::seconds(30));
        auto q = std::make_shared<inproc_queue>();
        add_all(*q, forty_heaps());
        q->stop();
        // Everything is queued before the reader starts: batches are then exact, 64
        // packets and 16, the second one ending the stream.
        thread_pool pool(2);
        ring_stream s(pool,
                      stream_config().set_explicit_start(true),
                      ring_stream_config().set_heaps(64));
        auto& r = s.emplace_reader<inproc_reader>(q);
        CPPUNIT_ASSERT(r.get_queue() == q);
        s.start();
        check_forty_heaps(drain(s));
        check_stats(s.get_all_stats(),
                    { { "packets", 80 },
                      { "batches", 2 },
                      { "max_batch", 64 },
                      { "heaps", 40 },
                      { "single_packet_heaps", 20 } });
        CPPUNIT_ASSERT_EQUAL(std::size_t(64), inproc_reader::batch_packets);
    }

    void test_stop_ends_stream_after_queued_packets()
    {
        watchdog guard("inproc stop after queued", std::chrono::seconds(30));
        thread_pool pool(2);
        ring_stream s(pool, stream_config(), ring_stream_config().set_heaps(64));
        auto q = std::make_shared<inproc_queue>();
        s.emplace_reader<inproc_reader>(q);
        // The reader runs meanwhile: stop() comes while packets are still queued.
        add_all(*q, forty_heaps());
        q->stop();
        check_forty_heaps(drain(s));
        const stream_stats stats = s.get_all_stats();
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(80), stats["packets"]);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(40), stats["heaps"]);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), stats["packets_rejected"]);
    }

    void test_queue_stopped_before_start()
    {
        watchdog guard("inproc queue stopped before start", std::chrono::seconds(30));
        auto q = std::make_shared<inproc_queue>();
        add_all(*q, data_heap(1, THREE_PACKET_HEAP));
        q->stop();
        thread_pool pool(1);
        ring_stream s(pool);
        s.emplace_reader<inproc_reader>(q);
        const auto heaps = drain(s);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), heaps.size());
        check_data_heap(heaps[0], 1, THREE_PACKET_HEAP);

        // An empty stopped queue ends a stream at once.
        auto empty = std::make_shared<inproc_queue>();
        empty->stop();
        ring_stream s2(pool);
        s2.emplace_reader<inproc_reader>(empty);
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), drain(s2).size());
        check_stats(s2.get_all_stats(), {});
    }

    void test_packets_one_at_a_time_wake_the_reader()
    {
        // Each packet arrives while the reader waits (on a pool of two threads, where
        // a wake-up could be missed): each heap must come out before the next is sent.
        watchdog guard("inproc wake-ups", std::chrono::seconds(60));
        thread_pool pool(2);
        ring_stream s(pool);
        auto q = std::make_shared<inproc_queue>();
        s.emplace_reader<inproc_reader>(q);
        // Encoded beforehand, so that each packet follows the previous pop closely:
        // while the reader is between its batch and its next wait.
        std::vector<std::vector<std::uint8_t>> packets;
        for (std::uint64_t cnt = 1; cnt <= 1000; cnt++)
            packets.push_back(data_heap(cnt, ONE_PACKET_HEAP).at(0));
        for (std::uint64_t cnt = 1; cnt <= 1000; cnt++) {
            q->add_packet(packets[cnt - 1]);
            auto h = s.pop_for(std::chrono::seconds(5));
            CPPUNIT_ASSERT_MESSAGE("heap " + std::to_string(cnt) + " did not come",
                                   h.has_value());
            check_data_heap(*h, cnt, ONE_PACKET_HEAP);
        }
        q->stop();
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), drain(s).size());
        check_stats(s.get_all_stats(),
                    { { "heaps", 1000 },
                      { "single_packet_heaps", 1000 },
                      { "packets", 1000 },
                      { "batches", 1000 },
                      { "max_batch", 1 } });
    }

    void test_stop_item_ends_stream()
    {
        watchdog guard("inproc stop item", std::chrono::seconds(30));
        thread_pool pool(1);
        ring_stream s(pool);
        auto q = std::make_shared<inproc_queue>();
        s.emplace_reader<inproc_reader>(q);
        add_all(*q,
                data_heap(1, THREE_PACKET_HEAP) + encode_stop_heap(2, options()) +
                    data_heap(3, THREE_PACKET_HEAP));
        const auto heaps = drain(s);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), heaps.size());
        check_data_heap(heaps[0], 1, THREE_PACKET_HEAP);
        // The queue itself is not stopped: other readers could still use it.
        CPPUNIT_ASSERT(!q->is_stopped());
    }

    void test_several_readers_share_a_queue()
    {
        watchdog guard("inproc shared queue", std::chrono::seconds(30));
        thread_pool pool(2);
        auto q = std::make_shared<inproc_queue>();
        // Two streams, each with a reader on the queue: every packet goes to one of
        // them, and the queue's stop ends both. Single-packet heaps, so that whichever
        // stream gets a packet gets a whole heap.
        ring_stream a(pool, stream_config(), ring_stream_config().set_heaps(128));
        ring_stream b(pool, stream_config(), ring_stream_config().set_heaps(128));
        a.emplace_reader<inproc_reader>(q);
        b.emplace_reader<inproc_reader>(q);
        for (std::uint64_t cnt = 1; cnt <= 100; cnt++)
            add_all(*q, data_heap(cnt, ONE_PACKET_HEAP));
        q->stop();
        std::vector<std::uint64_t> all = cnts(drain(a));
        const std::vector<std::uint64_t> from_b = cnts(drain(b));
        all.insert(all.end(), from_b.begin(), from_b.end());
        std::sort(all.begin(), all.end());
        std::vector<std::uint64_t> expected(100);
        for (std::uint64_t i = 0; i < 100; i++)
            expected[i] = i + 1;
        CPPUNIT_ASSERT(expected == all);
    }

    void test_several_producers()
    {
        watchdog guard("inproc producers", std::chrono::seconds(30));
        thread_pool pool(2);
        ring_stream s(pool, stream_config(), ring_stream_config().set_heaps(256));
        auto q = std::make_shared<inproc_queue>();
        s.emplace_reader<inproc_reader>(q);
        // Four threads add single-packet heaps with counters of their own.
        std::vector<std::thread> producers;
        for (std::uint64_t t = 0; t < 4; t++)
            producers.emplace_back([q, t] {
                for (std::uint64_t k = 0; k < 50; k++)
                    add_all(*q, data_heap(1 + t * 50 + k, ONE_PACKET_HEAP));
            });
        for (auto& p : producers)
            p.join();
        q->stop();
        auto heaps = drain(s);
        CPPUNIT_ASSERT_EQUAL(std::size_t(200), heaps.size());
        std::vector<std::uint64_t> got = cnts(heaps);
        std::sort(got.begin(), got.end());
        for (std::uint64_t i = 0; i < 200; i++)
            CPPUNIT_ASSERT_EQUAL(i + 1, got[i]);
        for (const auto& h : heaps)
            check_data_heap(h, h.get_cnt(), ONE_PACKET_HEAP);
    }

    void test_null_queue_rejected()
    {
        thread_pool pool(1);
        ring_stream s(pool);
        CPPUNIT_ASSERT_THROW(s.emplace_reader<inproc_reader>(nullptr),
                             std::invalid_argument);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(qa_inproc_reader);
