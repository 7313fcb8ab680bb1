/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// A flood of heaps that never complete must not make a stream hold more memory than its
// window and its ring can contain: a sender (or an attacker) that starts heaps without
// finishing them costs a bounded amount of memory, whatever the number of heaps.

#include "../protocol/qa_packet_builder.h"
#include "qa_wait.h"
#include <gnuradio/spead/recv/mem_reader.h>
#include <gnuradio/spead/recv/ring_stream.h>
#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

using namespace gr::spead::protocol;
using namespace gr::spead::recv;

namespace {

/// Heaps started by the flood (distinct counters 1..FLOOD_HEAPS).
constexpr std::size_t FLOOD_HEAPS = 10000;
/// HEAP_LENGTH of every flood heap: what the stream allocates for each.
constexpr std::size_t HEAP_BYTES = 64 * 1024;
/// Payload of the single packet each heap gets (the first 1 KiB, at offset 0).
constexpr std::size_t FIRST_PACKET_PAYLOAD = 1024;
constexpr std::size_t MAX_HEAPS = 4;
constexpr std::size_t RING_HEAPS = 8;
constexpr int ADDRESS_BITS = 40;

/**
 * Plain new[] memory that keeps count of the bytes currently handed out and of the
 * largest that count has been. The size travels in the deleter's user pointer, so free()
 * needs no lookup.
 */
class byte_counting_allocator : public memory_allocator
{
public:
    pointer allocate(std::size_t size, void* /*hint*/ = nullptr) override
    {
        std::uint8_t* memory = new std::uint8_t[size];
        const std::size_t now = d_outstanding.fetch_add(size) + size;
        std::size_t peak = d_peak.load();
        while (now > peak && !d_peak.compare_exchange_weak(peak, now)) {
        }
        d_allocations++;
        return make_pointer(memory, reinterpret_cast<void*>(size));
    }

    std::size_t outstanding() const { return d_outstanding.load(); }
    std::size_t peak() const { return d_peak.load(); }
    std::size_t allocations() const { return d_allocations.load(); }

protected:
    void free(std::uint8_t* ptr, void* user) override
    {
        d_outstanding -= reinterpret_cast<std::size_t>(user);
        delete[] ptr;
    }

private:
    std::atomic<std::size_t> d_outstanding{ 0 };
    std::atomic<std::size_t> d_peak{ 0 };
    std::atomic<std::size_t> d_allocations{ 0 };
};

/// The flood as one buffer (stream framing): heap c gets only its first packet, which
/// announces HEAP_LENGTH = 64 KiB and carries bytes [0, 1 KiB).
std::vector<std::uint8_t> make_flood()
{
    const gr::spead::qa::bytes payload(FIRST_PACKET_PAYLOAD, 0xa5);
    std::vector<std::uint8_t> buffer;
    for (std::uint64_t cnt = 1; cnt <= FLOOD_HEAPS; cnt++) {
        const gr::spead::qa::bytes packet =
            gr::spead::qa::build_data_packet(ADDRESS_BITS, cnt, HEAP_BYTES, 0, payload);
        buffer.insert(buffer.end(), packet.begin(), packet.end());
    }
    return buffer;
}

stream_config flood_config(const std::shared_ptr<memory_allocator>& allocator)
{
    stream_config config;
    config.set_max_heaps(MAX_HEAPS).set_memory_allocator(allocator);
    return config;
}

} // namespace

class qa_bounded_memory : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(qa_bounded_memory);
    CPPUNIT_TEST(test_flood_dropped_incomplete);
    CPPUNIT_TEST(test_flood_delivered_incomplete_through_full_ring);
    CPPUNIT_TEST_SUITE_END();

    /**
     * Every heap gets one packet and the window holds MAX_HEAPS of them, so the first
     * MAX_HEAPS heaps fill it and each of the other FLOOD_HEAPS - MAX_HEAPS pushes the
     * oldest out: that many evictions; the MAX_HEAPS heaps left in the window when the
     * buffer ends are flushed. Every one of the FLOOD_HEAPS heaps is handed on (the
     * heaps statistic counts incomplete ones too).
     */
    static void check_flood_stats(const stream_stats& stats)
    {
        namespace idx = stream_stat_indices;
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(FLOOD_HEAPS), stats[idx::packets]);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), stats["packets_rejected"]);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(FLOOD_HEAPS), stats[idx::heaps]);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(FLOOD_HEAPS - MAX_HEAPS),
                             stats[idx::incomplete_heaps_evicted]);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(MAX_HEAPS),
                             stats[idx::incomplete_heaps_flushed]);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), stats[idx::single_packet_heaps]);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), stats["heaps_dropped_allocation_failed"]);
    }

public:
    /**
     * Default ring (contiguous_only): the incomplete heaps are dropped, never queued.
     * What is alive at once is the window plus the new heap, whose memory is taken
     * before the eviction it causes frees a slot: MAX_HEAPS + 1 heaps. The general bound
     * (window + ring + 2) must hold all the more.
     */
    void test_flood_dropped_incomplete()
    {
        auto allocator = std::make_shared<byte_counting_allocator>();
        const std::vector<std::uint8_t> flood = make_flood();
        thread_pool pool(1);
        {
            ring_stream_config ring_config;
            ring_config.set_heaps(RING_HEAPS);
            ring_stream stream(pool, flood_config(allocator), ring_config);
            stream.emplace_reader<mem_reader>(flood.data(), flood.size());

            // Nothing reaches the consumer: the ring only reports the end of the stream.
            bool ended = false;
            try {
                const auto h = stream.pop_for(gr::spead::qa::WAIT_TIMEOUT);
                CPPUNIT_ASSERT_MESSAGE(
                    "an incomplete heap reached a contiguous_only ring", !h.has_value());
            } catch (const ringbuffer_stopped&) {
                ended = true;
            }
            CPPUNIT_ASSERT_MESSAGE("the stream did not end with the buffer", ended);
            stream.stop();

            const stream_stats stats = stream.get_all_stats();
            check_flood_stats(stats);
            CPPUNIT_ASSERT_EQUAL(std::uint64_t(FLOOD_HEAPS),
                                 stats["heaps_dropped_incomplete"]);
            CPPUNIT_ASSERT_EQUAL(std::size_t(0), allocator->outstanding());
        }
        // One allocation per heap, of HEAP_LENGTH bytes, never more.
        CPPUNIT_ASSERT_EQUAL(FLOOD_HEAPS, allocator->allocations());
        CPPUNIT_ASSERT(allocator->peak() <= (MAX_HEAPS + 1) * HEAP_BYTES);
        CPPUNIT_ASSERT(allocator->peak() <= (MAX_HEAPS + RING_HEAPS + 2) * HEAP_BYTES);
        // The window did fill: the bound is not met by holding nothing.
        CPPUNIT_ASSERT(allocator->peak() >= MAX_HEAPS * HEAP_BYTES);
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), allocator->outstanding());
    }

    /**
     * contiguous_only off: every incomplete heap goes to the ring. The consumer waits
     * until the worker is stuck on a full ring before it starts, so the largest state is
     * reached: MAX_HEAPS - 1 in the window, the evicted heap waiting to be pushed (the
     * new heap takes its slot, and memory, only after that), RING_HEAPS queued, and
     * later one more held by the consumer: MAX_HEAPS + RING_HEAPS + 1 heaps at most.
     */
    void test_flood_delivered_incomplete_through_full_ring()
    {
        auto allocator = std::make_shared<byte_counting_allocator>();
        const std::vector<std::uint8_t> flood = make_flood();
        thread_pool pool(1);
        std::size_t popped = 0;
        std::size_t wrong = 0;
        {
            ring_stream_config ring_config;
            ring_config.set_heaps(RING_HEAPS).set_contiguous_only(false);
            ring_stream stream(pool, flood_config(allocator), ring_config);
            stream.emplace_reader<mem_reader>(flood.data(), flood.size());

            // The worker fills the window, then the ring, then blocks pushing the heap
            // the next heap evicts, before that heap has memory.
            const std::size_t stuck_bytes = (MAX_HEAPS + RING_HEAPS) * HEAP_BYTES;
            CPPUNIT_ASSERT_MESSAGE("the worker never filled the ring",
                                   gr::spead::qa::wait_until([&] {
                                       return allocator->outstanding() == stuck_bytes;
                                   }));
            CPPUNIT_ASSERT_EQUAL(RING_HEAPS, stream.ring_size());

            const auto deadline =
                std::chrono::steady_clock::now() + gr::spead::qa::WAIT_TIMEOUT;
            bool ended = false;
            while (!ended && std::chrono::steady_clock::now() < deadline) {
                try {
                    const auto h = stream.pop_for(std::chrono::milliseconds(100));
                    if (!h)
                        continue;
                    popped++;
                    if (h->is_complete() ||
                        h->get_heap_length() != std::int64_t(HEAP_BYTES) ||
                        h->get_received_length() != FIRST_PACKET_PAYLOAD)
                        wrong++;
                } catch (const ringbuffer_stopped&) {
                    ended = true;
                }
            }
            CPPUNIT_ASSERT_MESSAGE("the stream did not end in time", ended);
            stream.stop();

            const stream_stats stats = stream.get_all_stats();
            check_flood_stats(stats);
            CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), stats["heaps_dropped_incomplete"]);
            CPPUNIT_ASSERT(stats[stream_stat_indices::worker_blocked] >= 1);
            CPPUNIT_ASSERT_EQUAL(std::size_t(0), allocator->outstanding());
        }
        CPPUNIT_ASSERT_EQUAL(FLOOD_HEAPS, popped);
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), wrong);
        CPPUNIT_ASSERT_EQUAL(FLOOD_HEAPS, allocator->allocations());
        CPPUNIT_ASSERT(allocator->peak() <= (MAX_HEAPS + RING_HEAPS + 2) * HEAP_BYTES);
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), allocator->outstanding());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(qa_bounded_memory);
