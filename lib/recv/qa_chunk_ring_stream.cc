/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// Chunk rings and chunk ring streams: full and stopped rings, producers sharing a data
// ring, the readiness descriptors, add_free_chunk, and stopping a stream whose worker
// waits for a free chunk. Every test runs under a watchdog so that a deadlock fails.

#include "qa_chunk_support.h"
#include "qa_wait.h"
#include <gnuradio/spead/recv/inproc_queue.h>
#include <gnuradio/spead/recv/inproc_reader.h>
#include <gnuradio/spead/recv/mem_reader.h>
#include <cppunit/extensions/HelperMacros.h>
#include <poll.h>

using namespace gr::spead::qa;

namespace {

constexpr std::chrono::seconds TEST_LIMIT{ 120 };

bool readable(int fd)
{
    pollfd p{ fd, POLLIN, 0 };
    return ::poll(&p, 1, 0) == 1 && (p.revents & POLLIN);
}

} // namespace

class qa_chunk_ring_stream : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(qa_chunk_ring_stream);
    CPPUNIT_TEST(test_ring_full_empty_stopped);
    CPPUNIT_TEST(test_ring_descriptors);
    CPPUNIT_TEST(test_last_producer_stops_ring);
    CPPUNIT_TEST(test_add_free_chunk);
    CPPUNIT_TEST(test_stop_while_worker_waits_for_free_chunk);
    CPPUNIT_TEST(test_streams_share_rings);
    CPPUNIT_TEST(test_destroy_without_stop);
    CPPUNIT_TEST_SUITE_END();

public:
    void test_ring_full_empty_stopped()
    {
        chunk_ringbuffer ring(2);
        CPPUNIT_ASSERT_THROW(chunk_ringbuffer(0), std::invalid_argument);
        CPPUNIT_ASSERT_THROW(ring.try_pop(), ringbuffer_empty);
        CPPUNIT_ASSERT(ring.pop_for(std::chrono::milliseconds(1)) == nullptr);
        ring.try_push(make_chunk());
        ring.push(make_chunk());
        auto third = make_chunk();
        CPPUNIT_ASSERT_THROW(ring.try_push(std::move(third)), ringbuffer_full);
        CPPUNIT_ASSERT(third != nullptr); // left with the caller
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), ring.size());
        ring.stop();
        CPPUNIT_ASSERT_THROW(ring.push(std::move(third)), ringbuffer_stopped);
        CPPUNIT_ASSERT(third != nullptr);
        // What is queued still comes out, then the stop.
        CPPUNIT_ASSERT(ring.pop() != nullptr);
        CPPUNIT_ASSERT(ring.try_pop() != nullptr);
        CPPUNIT_ASSERT_THROW(ring.pop(), ringbuffer_stopped);
    }

    void test_ring_descriptors()
    {
        chunk_ringbuffer ring(1);
        const int data = ring.data_fd();
        const int space = ring.space_fd();
        CPPUNIT_ASSERT(!readable(data));
        CPPUNIT_ASSERT(readable(space));
        ring.push(make_chunk());
        CPPUNIT_ASSERT(readable(data));
        CPPUNIT_ASSERT(!readable(space));
        ring.pop();
        CPPUNIT_ASSERT(!readable(data));
        CPPUNIT_ASSERT(readable(space));
        ring.push(make_chunk());
        ring.stop();
        // Stopped: both wake their waiters.
        CPPUNIT_ASSERT(readable(data));
        CPPUNIT_ASSERT(readable(space));
    }

    void test_last_producer_stops_ring()
    {
        chunk_ringbuffer ring(2);
        ring.add_producer();
        ring.add_producer();
        CPPUNIT_ASSERT(!ring.remove_producer());
        CPPUNIT_ASSERT(!ring.is_stopped());
        CPPUNIT_ASSERT(ring.remove_producer());
        CPPUNIT_ASSERT(ring.is_stopped());
    }

    void test_add_free_chunk()
    {
        ring_pair_fixture rings(0, 1);
        chunk_ring_pair pair(rings.data_ring, rings.free_ring);
        auto c = make_chunk();
        std::memset(c->present.get(), 1, c->present_size);
        pair.add_free_chunk(std::move(c));
        auto back = rings.free_ring->pop();
        CPPUNIT_ASSERT((std::vector<std::uint8_t>(HEAPS_PER_CHUNK, 0)) ==
                       present_of(*back));
        pair.add_free_chunk(make_chunk());
        CPPUNIT_ASSERT_THROW(pair.add_free_chunk(std::move(back)), ringbuffer_full);
        rings.free_ring->stop();
        // Stopped: silently ignored, the chunk left as it was.
        pair.add_free_chunk(std::move(back));
        CPPUNIT_ASSERT(back != nullptr);
        CPPUNIT_ASSERT_THROW(chunk_ring_pair(nullptr, rings.free_ring),
                             std::invalid_argument);
    }

    void test_stop_while_worker_waits_for_free_chunk()
    {
        watchdog guard("test_stop_while_worker_waits_for_free_chunk", TEST_LIMIT);
        auto queue = std::make_shared<inproc_queue>();
        ring_pair_fixture rings(1);
        thread_pool pool(1);
        chunk_ring_stream s(pool,
                            stream_config(),
                            simple_chunk_config(),
                            rings.data_ring,
                            rings.free_ring);
        s.emplace_reader<inproc_reader>(queue);
        // Chunk 0 takes the only free chunk; chunk 1 then waits for another.
        for (const auto& p : timestamp_heap(1, 0) + timestamp_heap(2, 4))
            queue->add_packet(p);
        CPPUNIT_ASSERT(wait_until([&] { return rings.free_ring->size() == 0; }));
        CPPUNIT_ASSERT(wait_until([&] { return queue->size() == 0; }));
        s.stop();
        CPPUNIT_ASSERT(rings.data_ring->is_stopped());
        CPPUNIT_ASSERT(rings.free_ring->is_stopped());
        // Chunk 0 was still in the window: stop() let it go, nothing is queued.
        CPPUNIT_ASSERT_THROW(rings.data_ring->pop(), ringbuffer_stopped);
    }

    void test_streams_share_rings()
    {
        watchdog guard("test_streams_share_rings", TEST_LIMIT);
        ring_pair_fixture rings(4);
        const auto buffer1 = concatenate_packets(timestamp_heap(1, 0));
        const auto buffer2 = concatenate_packets(timestamp_heap(1, 1));
        thread_pool pool(2);
        stream_config config1, config2;
        config1.set_stream_id(1);
        config2.set_stream_id(2);
        chunk_ring_stream s1(
            pool, config1, simple_chunk_config(), rings.data_ring, rings.free_ring);
        chunk_ring_stream s2(
            pool, config2, simple_chunk_config(), rings.data_ring, rings.free_ring);
        s1.emplace_reader<mem_reader>(buffer1.data(), buffer1.size());
        CPPUNIT_ASSERT(wait_until([&] { return s1.is_stopped(); }));
        // One producer left: the ring goes on.
        CPPUNIT_ASSERT(!rings.data_ring->is_stopped());
        s2.emplace_reader<mem_reader>(buffer2.data(), buffer2.size());
        auto chunks = drain_chunks(*rings.data_ring);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), chunks.size());
        CPPUNIT_ASSERT_EQUAL(std::uintptr_t(1), chunks[0]->stream_id);
        CPPUNIT_ASSERT((std::vector<std::uint8_t>{ 1, 0, 0, 0 }) ==
                       present_of(*chunks[0]));
        CPPUNIT_ASSERT_EQUAL(std::uintptr_t(2), chunks[1]->stream_id);
        CPPUNIT_ASSERT((std::vector<std::uint8_t>{ 0, 1, 0, 0 }) ==
                       present_of(*chunks[1]));
        CPPUNIT_ASSERT(!rings.free_ring->is_stopped());
    }

    void test_destroy_without_stop()
    {
        watchdog guard("test_destroy_without_stop", TEST_LIMIT);
        auto queue = std::make_shared<inproc_queue>();
        ring_pair_fixture rings(1);
        {
            thread_pool pool(1);
            chunk_ring_stream s(pool,
                                stream_config(),
                                simple_chunk_config(),
                                rings.data_ring,
                                rings.free_ring);
            s.emplace_reader<inproc_reader>(queue);
            for (const auto& p : timestamp_heap(1, 0) + timestamp_heap(2, 4))
                queue->add_packet(p);
            CPPUNIT_ASSERT(wait_until([&] { return queue->size() == 0; }));
        }
        CPPUNIT_ASSERT(rings.data_ring->is_stopped());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(qa_chunk_ring_stream);
