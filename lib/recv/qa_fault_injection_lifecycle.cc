/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// Fault injection around resources and life cycle: a memory pool that runs dry over an
// allocator that fails, a consumer that stops reading while an in-process producer goes
// on, and streams stopped or destroyed while packets arrive, 200 times over UDP loopback
// and 200 times in-process. No hang (a watchdog bounds each test), no crash, no leak
// (the AddressSanitizer build checks leaks at exit), every packet accounted for.

#include "qa_log_recorder.h"
#include "qa_stream_support.h"
#include "qa_udp_support.h"
#include "qa_wait.h"
#include <gnuradio/spead/recv/inproc_reader.h>
#include <gnuradio/spead/recv/memory_pool.h>
#include <gnuradio/spead/recv/udp_reader.h>
#include <cppunit/extensions/HelperMacros.h>
#include <atomic>
#include <memory>
#include <thread>

using namespace gr::spead::protocol;
using namespace gr::spead::recv;
using namespace gr::spead::qa;

namespace {

udp::endpoint loopback_v4()
{
    return udp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0);
}

constexpr std::chrono::seconds TEST_LIMIT{ 120 };
constexpr int ROUNDS = 200;

/// Pushes data heaps (three packets each, cnt from 1) into \p queue from its own thread
/// until destroyed or \p max_heaps heaps are in.
class inproc_producer
{
public:
    inproc_producer(std::shared_ptr<inproc_queue> queue,
                    std::uint64_t max_heaps,
                    std::size_t heap_size = THREE_PACKET_HEAP)
        : d_thread([this, queue, max_heaps, heap_size] {
              for (std::uint64_t cnt = 1; cnt <= max_heaps && !d_done; cnt++) {
                  for (const auto& p : data_heap(cnt, heap_size))
                      queue->add_packet(p);
                  d_pushed = cnt;
              }
          })
    {
    }
    ~inproc_producer() { finish(); }
    void finish()
    {
        d_done = true;
        if (d_thread.joinable())
            d_thread.join();
    }
    std::uint64_t heaps_pushed() const { return d_pushed; }

private:
    std::atomic<bool> d_done{ false };
    std::atomic<std::uint64_t> d_pushed{ 0 };
    std::thread d_thread;
};

/// Sends data heaps to \p to from its own thread, as fast as it can, until destroyed
/// (or for 10 s at most).
class udp_flood
{
public:
    explicit udp_flood(const udp::endpoint& to)
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
    ~udp_flood()
    {
        d_done = true;
        d_thread.join();
    }

private:
    std::atomic<bool> d_done{ false };
    std::thread d_thread;
};

/// The worker is blocked pushing heap 2 into a one-heap ring: heap 1 fills the ring,
/// heap 2's memory is allocated (the worker is past assembling it), and after a pause
/// there is still no third allocation.
void wait_until_worker_blocked(const ring_stream& s, const recording_allocator& allocator)
{
    CPPUNIT_ASSERT(
        wait_until([&] { return s.ring_size() == 1 && allocator.sizes().size() == 2; }));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), allocator.sizes().size());
}

/// What holds for any stream stopped by its consumer: every heap handed on reached the
/// consumer or was counted as dropped, and rejects add up by reason.
void check_accounting(const stream_stats& stats, std::uint64_t popped)
{
    CPPUNIT_ASSERT_EQUAL(stats["heaps"],
                         popped + stats["heaps_dropped_ring_stopped"] +
                             stats["heaps_dropped_incomplete"]);
    std::uint64_t by_reason = 0;
    for (const auto& item : stats.items())
        if (item.first.rfind("packets_rejected_", 0) == 0)
            by_reason += item.second;
    CPPUNIT_ASSERT_EQUAL(stats["packets_rejected"], by_reason);
    // Packets refused after the stop never reached the window: not in packets.
    CPPUNIT_ASSERT(stats["packets_rejected"] - stats["packets_rejected_after_stop"] <=
                   stats["packets"]);
}

} // namespace

class qa_fault_injection_lifecycle : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(qa_fault_injection_lifecycle);
    CPPUNIT_TEST(test_pool_exhaustion_drops_heaps_then_recovers);
    CPPUNIT_TEST(test_consumer_pause_loses_nothing_in_process);
    CPPUNIT_TEST(test_consumer_stops_reading_then_stop_is_prompt);
    CPPUNIT_TEST(test_stop_or_destroy_while_udp_packets_arrive);
    CPPUNIT_TEST(test_stop_or_destroy_while_inproc_packets_arrive);
    CPPUNIT_TEST_SUITE_END();

public:
    void test_pool_exhaustion_drops_heaps_then_recovers()
    {
        // A pool of two buffers whose allocator refuses everything more: while the
        // consumer holds both, new heaps cannot get memory and are dropped and counted
        // (the stream keeps running); once the consumer lets them go, heaps arrive again.
        watchdog guard("test_pool_exhaustion_drops_heaps_then_recovers", TEST_LIMIT);
        log_recorder log;
        auto underlying = std::make_shared<recording_allocator>(2);
        auto pool = std::make_shared<memory_pool>(1, 256, 2, 2, underlying);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), pool->free_count());
        auto queue = std::make_shared<inproc_queue>();
        thread_pool threads(1);
        ring_stream s(threads,
                      stream_config().set_memory_allocator(pool),
                      ring_stream_config().set_heaps(16));
        s.emplace_reader<inproc_reader>(queue);

        for (std::uint64_t cnt = 1; cnt <= 4; cnt++)
            queue->add_packet(data_heap(cnt, ONE_PACKET_HEAP)[0]);
        CPPUNIT_ASSERT(wait_until([&] { return s.get_all_stats()["packets"] == 4; }));
        {
            const heap h1 = pop_heap(s);
            const heap h2 = pop_heap(s);
            check_data_heap(h1, 1, ONE_PACKET_HEAP);
            check_data_heap(h2, 2, ONE_PACKET_HEAP);
            CPPUNIT_ASSERT_EQUAL(std::size_t(0), pool->free_count());
            CPPUNIT_ASSERT_EQUAL(std::size_t(2), underlying->refused());
        }
        // The two buffers are back in the pool.
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), pool->free_count());
        for (std::uint64_t cnt = 5; cnt <= 6; cnt++)
            queue->add_packet(data_heap(cnt, ONE_PACKET_HEAP)[0]);
        queue->stop();
        const std::vector<heap> rest = drain(s);

        CPPUNIT_ASSERT((std::vector<std::uint64_t>{ 5, 6 }) == cnts(rest));
        check_data_heap(rest[0], 5, ONE_PACKET_HEAP);
        check_data_heap(rest[1], 6, ONE_PACKET_HEAP);
        check_stats_any_batching(s.get_all_stats(),
                                 { { "packets", 6 },
                                   { "heaps", 4 },
                                   // counted before the heap's memory is asked for
                                   { "single_packet_heaps", 6 },
                                   { "packets_rejected", 2 },
                                   { "packets_rejected_allocation_failed", 2 },
                                   { "heaps_dropped_allocation_failed", 2 } },
                                 1,
                                 4);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), underlying->refused());
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), underlying->sizes().size());
        // The pool said it ran dry, once.
        CPPUNIT_ASSERT_EQUAL(std::size_t(1),
                             log.count(log_level::warning, "pool is empty"));
    }

    void test_consumer_pause_loses_nothing_in_process()
    {
        // The consumer stops reading: the ring fills, the worker waits (and counts it),
        // the producer goes on filling the in-process queue. Nothing is lost: when the
        // consumer comes back every heap arrives, in order.
        watchdog guard("test_consumer_pause_loses_nothing_in_process", TEST_LIMIT);
        constexpr std::uint64_t heaps = 60;
        auto allocator = std::make_shared<recording_allocator>();
        auto queue = std::make_shared<inproc_queue>();
        thread_pool pool(1);
        ring_stream s(pool,
                      stream_config().set_memory_allocator(allocator),
                      ring_stream_config().set_heaps(1));
        s.emplace_reader<inproc_reader>(queue);
        {
            inproc_producer producer(queue, heaps, ONE_PACKET_HEAP);
            wait_until_worker_blocked(s, *allocator);
            CPPUNIT_ASSERT(wait_until([&] { return producer.heaps_pushed() == heaps; }));
        }
        queue->stop();

        const std::vector<heap> got = drain(s);
        CPPUNIT_ASSERT_EQUAL(std::size_t(heaps), got.size());
        for (std::uint64_t i = 0; i < heaps; i++)
            check_data_heap(got[i], i + 1, ONE_PACKET_HEAP);
        const stream_stats stats = s.get_all_stats();
        CPPUNIT_ASSERT(stats["worker_blocked"] >= 1);
        check_stats_any_batching(stats,
                                 { { "packets", heaps },
                                   { "heaps", heaps },
                                   { "single_packet_heaps", heaps },
                                   { "worker_blocked", stats["worker_blocked"] } },
                                 1,
                                 inproc_reader::batch_packets);
    }

    void test_consumer_stops_reading_then_stop_is_prompt()
    {
        // The consumer stops reading for good while the producer keeps pushing, then
        // calls stop(): it returns (the watchdog bounds it), the heap in the ring still
        // comes out, and the statistics account for every packet the reader took.
        watchdog guard("test_consumer_stops_reading_then_stop_is_prompt", TEST_LIMIT);
        auto allocator = std::make_shared<recording_allocator>();
        auto queue = std::make_shared<inproc_queue>();
        thread_pool pool(1);
        ring_stream s(pool,
                      stream_config().set_memory_allocator(allocator),
                      ring_stream_config().set_heaps(1));
        s.emplace_reader<inproc_reader>(queue);
        inproc_producer producer(queue, 5000, ONE_PACKET_HEAP);
        wait_until_worker_blocked(s, *allocator);

        s.stop();
        CPPUNIT_ASSERT(s.is_stopped());
        std::vector<heap> got = drain(s);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), got.size());
        check_data_heap(got[0], 1, ONE_PACKET_HEAP);
        producer.finish();

        const stream_stats stats = s.get_all_stats();
        check_accounting(stats, got.size());
        // Heap 2 was refused by the stopped ring; the batch under way was finished (as
        // in spead2), each of its heaps counted and refused too; the reader then
        // took nothing in batches begun after the stop.
        CPPUNIT_ASSERT(stats["heaps"] >= 2);
        CPPUNIT_ASSERT(stats["heaps"] <= 1 + inproc_reader::batch_packets);
        CPPUNIT_ASSERT_EQUAL(stats["heaps"] - 1, stats["heaps_dropped_ring_stopped"]);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), stats["worker_blocked"]);
        CPPUNIT_ASSERT(stats["packets_rejected_after_stop"] <= 1);
        CPPUNIT_ASSERT_EQUAL(stats["heaps"], stats["packets"]);
        // Every heap's memory went back.
        got.clear();
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), allocator->live());
    }

    void test_stop_or_destroy_while_udp_packets_arrive()
    {
        watchdog guard("stop or destroy under UDP load (200 rounds)", TEST_LIMIT);
        thread_pool pool(2);
        for (int round = 0; round < ROUNDS; round++) {
            ring_stream s(pool, stream_config(), ring_stream_config().set_heaps(2));
            auto& r =
                s.emplace_reader<udp_reader>(loopback_v4(), DEFAULT_UDP_MAX_SIZE, 0);
            udp_flood flood(r.get_local_endpoint());
            if (round % 3 == 0)
                continue; // destroyed at once, without stop(), while datagrams arrive
            std::uint64_t popped = 0;
            if (round % 3 == 1) {
                for (int i = 0; i < 2; i++) {
                    const heap h = pop_heap(s);
                    check_data_heap(h, h.get_cnt(), THREE_PACKET_HEAP);
                    popped++;
                }
            }
            s.stop();
            CPPUNIT_ASSERT(r.is_finished());
            for (const heap& h : drain(s)) {
                check_data_heap(h, h.get_cnt(), THREE_PACKET_HEAP);
                popped++;
            }
            check_accounting(s.get_all_stats(), popped);
        }
    }

    void test_stop_or_destroy_while_inproc_packets_arrive()
    {
        watchdog guard("stop or destroy under in-process load (200 rounds)", TEST_LIMIT);
        thread_pool pool(2);
        for (int round = 0; round < ROUNDS; round++) {
            auto queue = std::make_shared<inproc_queue>();
            inproc_producer producer(queue, 2000);
            ring_stream s(pool, stream_config(), ring_stream_config().set_heaps(2));
            auto& r = s.emplace_reader<inproc_reader>(queue);
            if (round % 3 == 0)
                continue; // destroyed at once, without stop(), while packets arrive
            std::uint64_t next = 1;
            if (round % 3 == 1) {
                // In-process nothing is lost: heaps come in order from 1.
                check_data_heap(pop_heap(s), next++, THREE_PACKET_HEAP);
                check_data_heap(pop_heap(s), next++, THREE_PACKET_HEAP);
            }
            s.stop();
            CPPUNIT_ASSERT(r.is_finished());
            for (const heap& h : drain(s))
                check_data_heap(h, next++, THREE_PACKET_HEAP);
            const stream_stats stats = s.get_all_stats();
            check_accounting(stats, next - 1);
            // Only the stop can refuse a packet in-process.
            CPPUNIT_ASSERT_EQUAL(stats["packets_rejected_after_stop"],
                                 stats["packets_rejected"]);
        }
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(qa_fault_injection_lifecycle);
