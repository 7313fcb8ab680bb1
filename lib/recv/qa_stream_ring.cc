/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// The receive engine end to end, the ring between the worker and the consumer: back
// pressure, stopping from the consumer side, non-blocking pops, the file descriptor for
// event loops, and stopping or destroying a stream at any moment. Every test runs
// under a watchdog so that a deadlock fails the suite instead of hanging it.

#include "qa_stream_support.h"
#include "qa_wait.h"
#include <cppunit/extensions/HelperMacros.h>
#include <poll.h>
#include <chrono>
#include <memory>

using namespace gr::spead::protocol;
using namespace gr::spead::recv;
using namespace gr::spead::qa;
using namespace std::chrono_literals;

namespace {

constexpr std::chrono::seconds TEST_LIMIT{ 120 };

/// Single-packet heaps 1 .. count, back to back.
std::vector<std::uint8_t> single_packet_heaps(std::uint64_t count)
{
    packet_list packets;
    for (std::uint64_t cnt = 1; cnt <= count; cnt++)
        packets = packets + data_heap(cnt, ONE_PACKET_HEAP);
    return concatenate_packets(packets);
}

/// True when \p fd is readable within \p timeout_ms.
bool readable(int fd, int timeout_ms)
{
    pollfd p{ fd, POLLIN, 0 };
    return ::poll(&p, 1, timeout_ms) == 1 && (p.revents & POLLIN);
}

/**
 * Waits until the worker of a stream with a one-heap ring is (almost certainly)
 * blocked pushing heap 2: heap 1 fills the ring, heap 2's memory has been allocated
 * (so the worker is past assembling it), and a pause lets it reach the wait.
 */
void wait_until_worker_blocked(const ring_stream& s, const recording_allocator& allocator)
{
    CPPUNIT_ASSERT(
        wait_until([&] { return s.ring_size() == 1 && allocator.sizes().size() == 2; }));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    // Still nothing more: the worker cannot go on while the ring is full.
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), allocator.sizes().size());
}

} // namespace

class qa_stream_ring : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(qa_stream_ring);
    CPPUNIT_TEST(test_full_ring_blocks_worker_without_loss);
    CPPUNIT_TEST(test_stop_while_worker_blocked_returns_promptly);
    CPPUNIT_TEST(test_try_pop_empty_then_stopped);
    CPPUNIT_TEST(test_fd_readable_when_heap_ready);
    CPPUNIT_TEST(test_stop_mid_buffer_repeatedly);
    CPPUNIT_TEST(test_destroy_without_stop);
    CPPUNIT_TEST(test_two_readers_share_a_stream);
    CPPUNIT_TEST(test_no_spin_ring_delivers_every_heap);
    CPPUNIT_TEST_SUITE_END();

public:
    void test_full_ring_blocks_worker_without_loss()
    {
        watchdog guard("test_full_ring_blocks_worker_without_loss", TEST_LIMIT);
        const auto buffer = single_packet_heaps(6);
        auto allocator = std::make_shared<recording_allocator>();
        thread_pool pool(1);
        ring_stream s(pool,
                      stream_config().set_memory_allocator(allocator),
                      ring_stream_config().set_heaps(1));
        s.emplace_reader<mem_reader>(buffer.data(), buffer.size());
        wait_until_worker_blocked(s, *allocator);

        const std::vector<heap> heaps = drain(s);
        CPPUNIT_ASSERT_EQUAL(std::size_t(6), heaps.size());
        for (std::size_t i = 0; i < 6; i++)
            check_data_heap(heaps[i], i + 1, ONE_PACKET_HEAP);
        // It blocked at least on heap 2; how often later depends on the consumer's pace.
        const stream_stats stats = s.get_all_stats();
        CPPUNIT_ASSERT(stats["worker_blocked"] >= 1 && stats["worker_blocked"] <= 5);
        check_stats(stats,
                    fed(6,
                        { { "heaps", 6 },
                          { "single_packet_heaps", 6 },
                          { "worker_blocked", stats["worker_blocked"] } }));
    }

    void test_stop_while_worker_blocked_returns_promptly()
    {
        watchdog guard("test_stop_while_worker_blocked_returns_promptly", TEST_LIMIT);
        const auto buffer = single_packet_heaps(5);
        auto allocator = std::make_shared<recording_allocator>();
        thread_pool pool(1);
        ring_stream s(pool,
                      stream_config().set_memory_allocator(allocator),
                      ring_stream_config().set_heaps(1));
        s.emplace_reader<mem_reader>(buffer.data(), buffer.size());
        wait_until_worker_blocked(s, *allocator);

        const auto start = std::chrono::steady_clock::now();
        s.stop();
        CPPUNIT_ASSERT(std::chrono::steady_clock::now() - start <
                       std::chrono::seconds(2));
        CPPUNIT_ASSERT(s.is_stopped());

        // Heap 1 was queued before the stop and can still be taken; heap 2, the one the
        // worker was blocked on, found the ring stopped. As in spead2 (its
        // test_full_stop), the batch under way (the whole buffer) is finished: heaps 3
        // to 5 are completed and counted, and refused by the stopped ring too.
        const std::vector<heap> heaps = drain(s);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), heaps.size());
        check_data_heap(heaps[0], 1, ONE_PACKET_HEAP);
        check_stats(s.get_all_stats(),
                    fed(5,
                        { { "heaps", 5 },
                          { "single_packet_heaps", 5 },
                          { "worker_blocked", 1 },
                          { "heaps_dropped_ring_stopped", 4 } }));
        // Nothing is held back: heap 1 is the only memory still in use.
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), allocator->live());
    }

    void test_try_pop_empty_then_stopped()
    {
        watchdog guard("test_try_pop_empty_then_stopped", TEST_LIMIT);
        thread_pool pool(1);
        ring_stream s(pool);
        CPPUNIT_ASSERT_THROW(s.try_pop(), ringbuffer_empty);
        CPPUNIT_ASSERT(!s.pop_if_ready().has_value());
        CPPUNIT_ASSERT(!s.pop_for(std::chrono::milliseconds(10)).has_value());
        s.stop();
        CPPUNIT_ASSERT_THROW(s.try_pop(), ringbuffer_stopped);
        CPPUNIT_ASSERT_THROW(s.pop_if_ready(), ringbuffer_stopped);
        CPPUNIT_ASSERT_THROW(s.pop(), ringbuffer_stopped);
        CPPUNIT_ASSERT_THROW(s.pop_for(std::chrono::milliseconds(10)),
                             ringbuffer_stopped);
    }

    void test_fd_readable_when_heap_ready()
    {
        watchdog guard("test_fd_readable_when_heap_ready", TEST_LIMIT);
        // Three heaps through a one-heap ring: while the consumer has not popped, the
        // worker is blocked, so the stream has not ended and only a ready heap can make
        // the descriptor readable.
        const auto buffer = single_packet_heaps(3);
        thread_pool pool(1);
        ring_stream s(pool,
                      stream_config().set_explicit_start(true),
                      ring_stream_config().set_heaps(1));
        s.emplace_reader<mem_reader>(buffer.data(), buffer.size());
        CPPUNIT_ASSERT(s.get_fd() >= 0);
        CPPUNIT_ASSERT(!readable(s.get_fd(), 20));

        s.start();
        for (std::uint64_t cnt = 1; cnt <= 3; cnt++) {
            CPPUNIT_ASSERT(readable(s.get_fd(), 5000));
            const heap h = s.try_pop(); // readable means a pop does not wait
            check_data_heap(h, cnt, ONE_PACKET_HEAP);
        }
        // After the last heap the end of the stream keeps it readable.
        CPPUNIT_ASSERT(readable(s.get_fd(), 5000));
        CPPUNIT_ASSERT(wait_until([&] { return s.is_stopped(); }));
        CPPUNIT_ASSERT_THROW(s.try_pop(), ringbuffer_stopped);
    }

    void test_stop_mid_buffer_repeatedly()
    {
        watchdog guard("test_stop_mid_buffer_repeatedly", TEST_LIMIT);
        // Long enough that a stop lands while the reader is still going: 300 heaps of
        // three packets, through a two-heap ring.
        packet_list packets;
        for (std::uint64_t cnt = 1; cnt <= 300; cnt++)
            packets = packets + data_heap(cnt, THREE_PACKET_HEAP);
        const std::vector<std::uint8_t> buffer = concatenate_packets(packets);
        thread_pool pool(1);

        int batches_under_way = 0;
        for (int round = 0; round < 200; round++) {
            ring_stream s(pool, stream_config(), ring_stream_config().set_heaps(2));
            s.emplace_reader<mem_reader>(buffer.data(), buffer.size());
            std::uint64_t next = 1;
            for (int i = 0; i < round % 4; i++) {
                const auto h = s.pop_for(POP_TIMEOUT);
                CPPUNIT_ASSERT(h.has_value());
                check_data_heap(*h, next++, THREE_PACKET_HEAP);
            }
            s.stop();
            // What was queued before the stop still comes out, in order.
            for (const heap& h : drain(s))
                check_data_heap(h, next++, THREE_PACKET_HEAP);

            // The buffer is one batch, and a batch under way is finished, as in spead2
            // (its test_full_stop): every packet is taken and every heap completed;
            // those the stopped ring refused are counted as dropped, none rejected. A
            // stop that came before the batch began leaves the buffer unread.
            const stream_stats stats = s.get_all_stats();
            CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), stats["packets_rejected"]);
            if (stats["packets"] == 0) {
                CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), stats["heaps"]);
                continue;
            }
            batches_under_way++;
            CPPUNIT_ASSERT_EQUAL(std::uint64_t(packets.size()), stats["packets"]);
            CPPUNIT_ASSERT_EQUAL(std::uint64_t(300), stats["heaps"]);
            CPPUNIT_ASSERT_EQUAL(stats["heaps"],
                                 (next - 1) + stats["heaps_dropped_ring_stopped"]);
            // The consumer took at most three of a two-heap ring: the worker was blocked
            // far from the end when stop() came.
            CPPUNIT_ASSERT(stats["heaps_dropped_ring_stopped"] >= 290);
        }
        // Rounds that popped a heap first always caught the batch under way.
        CPPUNIT_ASSERT(batches_under_way >= 150);
    }

    void test_destroy_without_stop()
    {
        watchdog guard("test_destroy_without_stop", TEST_LIMIT);
        const auto buffer = single_packet_heaps(200);
        thread_pool pool(1);
        for (int round = 0; round < 50; round++) {
            ring_stream s(pool, stream_config(), ring_stream_config().set_heaps(2));
            s.emplace_reader<mem_reader>(buffer.data(), buffer.size());
            if (round % 2) {
                const auto h = s.pop_for(POP_TIMEOUT);
                CPPUNIT_ASSERT(h.has_value());
                check_data_heap(*h, 1, ONE_PACKET_HEAP);
            }
            // Destroyed here with the worker most likely blocked on the full ring.
        }
        // A stream whose reader never started (explicit start) goes as quietly.
        ring_stream s(pool, stream_config().set_explicit_start(true));
        s.emplace_reader<mem_reader>(buffer.data(), buffer.size());
    }

    void test_two_readers_share_a_stream()
    {
        watchdog guard("test_two_readers_share_a_stream", TEST_LIMIT);
        // The first buffer ends the stream; the second reader's packets are then refused
        // (or never read), whatever the order the pool runs them in.
        const auto first = single_packet_heaps(3);
        const auto second = concatenate_packets(data_heap(10, ONE_PACKET_HEAP));
        thread_pool pool(2);
        ring_stream s(pool, stream_config().set_explicit_start(true));
        s.emplace_reader<mem_reader>(first.data(), first.size());
        s.emplace_reader<mem_reader>(second.data(), second.size());
        s.start();
        const std::vector<heap> heaps = drain(s);
        const stream_stats stats = s.get_all_stats();
        // Either reader may end the stream first; every packet is accounted for (one
        // refused after the stop never reached the window: it is not in packets).
        CPPUNIT_ASSERT(heaps.size() >= 1 && heaps.size() <= 4);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(heaps.size()), stats["heaps"]);
        CPPUNIT_ASSERT_EQUAL(stats["heaps"], stats["packets"]);
        CPPUNIT_ASSERT(stats["packets"] + stats["packets_rejected_after_stop"] <= 4);
    }

    void test_no_spin_ring_delivers_every_heap()
    {
        // max_spin 0: worker and consumer sleep at every wait on a one-slot ring, so
        // every hand-off goes through a sleep and a wake-up; none may be lost.
        watchdog guard("test_no_spin_ring_delivers_every_heap", TEST_LIMIT);
        const auto buffer = single_packet_heaps(200);
        thread_pool pool(1);
        ring_stream s(
            pool, stream_config(), ring_stream_config().set_heaps(1).set_max_spin(0us));
        CPPUNIT_ASSERT(s.ring_max_spin() == 0ns);
        s.emplace_reader<mem_reader>(buffer.data(), buffer.size());
        const std::vector<heap> heaps = drain(s);
        CPPUNIT_ASSERT_EQUAL(std::size_t(200), heaps.size());
        for (std::size_t i = 0; i < heaps.size(); i++)
            check_data_heap(heaps[i], i + 1, ONE_PACKET_HEAP);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(qa_stream_ring);
