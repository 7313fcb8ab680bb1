/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// Chunk stream groups: configuration checks, members filling the same chunks in
// lossless and lossy modes, eviction of old chunks (padding chunks, heaps too old),
// and stopping the group (or one member) while a member waits. Each member has its own
// thread pool, except in test_lossy_on_one_shared_pool; every test runs under a
// watchdog so that a deadlock fails. The lossless
// and lossy scenarios are those of python/spead/qa_chunk_stream_group.py, whose
// test_same_as_spead2 finds spead2's groups giving the same chunks and statistics.

#include "qa_chunk_support.h"
#include "qa_wait.h"
#include <gnuradio/spead/recv/chunk_stream_ring_group.h>
#include <gnuradio/spead/recv/inproc_queue.h>
#include <gnuradio/spead/recv/inproc_reader.h>
#include <cppunit/extensions/HelperMacros.h>

using namespace gr::spead::qa;

namespace {

constexpr std::chrono::seconds TEST_LIMIT{ 120 };
using mode = chunk_stream_group_config::eviction_mode;

/// A ring group of \p members members (max_chunks 2 everywhere), each with its own
/// pool and inproc queue.
struct group_fixture {
    ring_pair_fixture rings;
    std::vector<std::unique_ptr<thread_pool>> pools;
    std::vector<std::shared_ptr<inproc_queue>> queues;
    chunk_stream_ring_group group;

    /// \p shared_threads > 0: every member on one pool of that many threads instead.
    group_fixture(mode eviction, std::size_t members = 2, std::size_t shared_threads = 0)
        : rings(8),
          group(chunk_stream_group_config().set_max_chunks(2).set_eviction_mode(eviction),
                rings.data_ring,
                rings.free_ring)
    {
        if (shared_threads)
            pools.push_back(std::make_unique<thread_pool>(shared_threads));
        for (std::size_t i = 0; i < members; i++) {
            if (!shared_threads)
                pools.push_back(std::make_unique<thread_pool>(1));
            queues.push_back(std::make_shared<inproc_queue>());
            stream_config config;
            config.set_stream_id(i);
            group.emplace_back(*pools.back(), config, simple_chunk_config(2));
        }
        for (std::size_t i = 0; i < members; i++)
            group[i].emplace_reader<inproc_reader>(queues[i]);
    }

    /// Sends heaps with timestamps \p ts to member \p member (HEAP_CNT = ts + 1).
    void send(std::size_t member, const std::vector<std::uint64_t>& ts)
    {
        for (std::uint64_t t : ts)
            for (const auto& p : timestamp_heap(t + 1, t))
                queues[member]->add_packet(p);
    }

    std::uint64_t stat(std::size_t member, const char* name)
    {
        const stream_stats stats = group[member].get_stats();
        return stats[name];
    }
};

std::vector<std::int64_t> ids_of(const std::vector<std::unique_ptr<chunk>>& chunks)
{
    std::vector<std::int64_t> out;
    for (const auto& c : chunks)
        out.push_back(c->chunk_id);
    return out;
}

} // namespace

class qa_chunk_stream_group : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(qa_chunk_stream_group);
    CPPUNIT_TEST(test_config_and_members);
    CPPUNIT_TEST(test_lossless_waits_for_every_member);
    CPPUNIT_TEST(test_lossy_evicts_old_chunks);
    CPPUNIT_TEST(test_lossy_on_one_shared_pool);
    CPPUNIT_TEST(test_padding_chunks_in_order);
    CPPUNIT_TEST(test_stop_while_member_waits);
    CPPUNIT_TEST(test_member_stop_stops_group);
    CPPUNIT_TEST_SUITE_END();

public:
    void test_config_and_members()
    {
        chunk_stream_group_config config;
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), config.get_max_chunks());
        CPPUNIT_ASSERT(config.get_eviction_mode() == mode::LOSSY);
        CPPUNIT_ASSERT_THROW(config.set_max_chunks(0), std::invalid_argument);
        // A plain group needs both callbacks.
        CPPUNIT_ASSERT_THROW(chunk_stream_group{ config }, std::invalid_argument);

        group_fixture f(mode::LOSSY, 3);
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), f.group.size());
        std::size_t index = 0;
        for (auto& member : f.group)
            CPPUNIT_ASSERT_EQUAL(index++, member.get_group_index());
        CPPUNIT_ASSERT(&f.group[2].get_group() == &f.group);
        // A member's window may not exceed the group's.
        CPPUNIT_ASSERT_THROW(
            f.group.emplace_back(*f.pools[0], stream_config(), simple_chunk_config(3)),
            std::invalid_argument);
        f.group.stop();
        CPPUNIT_ASSERT_THROW(
            f.group.emplace_back(*f.pools[0], stream_config(), simple_chunk_config(2)),
            std::logic_error);
        CPPUNIT_ASSERT(f.group[0].is_stopped() && f.group[2].is_stopped());
    }

    void test_lossless_waits_for_every_member()
    {
        watchdog guard("test_lossless_waits_for_every_member", TEST_LIMIT);
        group_fixture f(mode::LOSSLESS);
        // Member 0 carries the even timestamps of chunks 0-2, member 1 the odd ones.
        f.send(0, { 0, 2, 4, 6, 8, 10 });
        // Member 0 needs chunk 2 while member 1 has not begun: it waits, nothing leaves.
        // Its batch, hence its statistics, is still open, and how many packets its
        // reader took from the queue depends on timing: watch the free chunks (chunks
        // 0 and 1 taken, chunk 2 not yet).
        CPPUNIT_ASSERT(wait_until([&] { return f.rings.free_ring->size() == 6; }));
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), f.rings.data_ring->size());
        f.send(1, { 1, 3, 5, 7, 9, 11 });
        f.queues[0]->stop();
        f.queues[1]->stop();
        auto chunks = drain_chunks(*f.rings.data_ring);
        CPPUNIT_ASSERT((std::vector<std::int64_t>{ 0, 1, 2 }) == ids_of(chunks));
        for (const auto& c : chunks) {
            CPPUNIT_ASSERT((std::vector<std::uint8_t>{ 1, 1, 1, 1 }) == present_of(*c));
            for (std::size_t i = 0; i < HEAPS_PER_CHUNK; i++)
                CPPUNIT_ASSERT(heap_bytes(*c, i) ==
                               payload_of(std::uint64_t(c->chunk_id) * 4 + i));
        }
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), f.stat(0, "too_old_heaps"));
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), f.stat(1, "too_old_heaps"));
    }

    void test_lossy_evicts_old_chunks()
    {
        watchdog guard("test_lossy_evicts_old_chunks", TEST_LIMIT);
        check_lossy_eviction(0);
    }

    void test_lossy_on_one_shared_pool()
    {
        // As the SPEAD Chunk Source runs a group: every member on one pool of two
        // threads. Member 0 running ahead asks every member to let go of old chunks;
        // the request to itself must not take a thread (it would wait for the lock
        // member 0 holds while it waits), or member 1's request never runs.
        watchdog guard("test_lossy_on_one_shared_pool", TEST_LIMIT);
        check_lossy_eviction(2);
    }

    /// Lossy eviction with each member on its own pool (\p shared_threads 0) or all on
    /// one pool of that many threads.
    static void check_lossy_eviction(std::size_t shared_threads)
    {
        group_fixture f(mode::LOSSY, 2, shared_threads);
        f.send(1, { 1 });
        CPPUNIT_ASSERT(wait_until([&] { return f.stat(1, "heaps") == 1; }));
        // Member 0 runs on to chunk 3: the silent member 1 is made to let go of
        // chunks 0-1, so member 0 never waits for it.
        f.send(0, { 0, 2, 4, 6, 8, 10, 12, 14 });
        CPPUNIT_ASSERT(wait_until([&] { return f.stat(0, "heaps") == 8; }));
        // Chunk 0 is gone: member 1's late heap for it is too old.
        f.send(1, { 3 });
        CPPUNIT_ASSERT(wait_until([&] { return f.stat(1, "heaps") == 2; }));
        f.queues[0]->stop();
        f.queues[1]->stop();
        auto chunks = drain_chunks(*f.rings.data_ring);
        CPPUNIT_ASSERT((std::vector<std::int64_t>{ 0, 1, 2, 3 }) == ids_of(chunks));
        CPPUNIT_ASSERT((std::vector<std::uint8_t>{ 1, 1, 1, 0 }) ==
                       present_of(*chunks[0]));
        CPPUNIT_ASSERT(heap_bytes(*chunks[0], 1) == payload_of(1));
        CPPUNIT_ASSERT(heap_bytes(*chunks[0], 3) ==
                       std::vector<std::uint8_t>(HEAP_BYTES, FILL));
        for (std::size_t i = 1; i < 4; i++)
            CPPUNIT_ASSERT((std::vector<std::uint8_t>{ 1, 0, 1, 0 }) ==
                           present_of(*chunks[i]));
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), f.stat(1, "too_old_heaps"));
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), f.stat(0, "too_old_heaps"));
    }

    void test_padding_chunks_in_order()
    {
        watchdog guard("test_padding_chunks_in_order", TEST_LIMIT);
        // A plain group: allocate and ready see every chunk, in ID order, IDs skipped
        // over by a jump included as far as the window reaches (here chunks 1 and 2
        // are never needed: the jump to chunk 5 moves every window past them first).
        std::mutex m;
        std::vector<std::int64_t> allocated, readied;
        std::vector<std::uintptr_t> stream_ids;
        chunk_stream_group_config config;
        config.set_max_chunks(2)
            .set_allocate([&](std::int64_t id, std::uint64_t*) {
                std::lock_guard<std::mutex> lock(m);
                allocated.push_back(id);
                return make_chunk();
            })
            .set_ready([&](std::unique_ptr<chunk>&& c, std::uint64_t*) {
                std::lock_guard<std::mutex> lock(m);
                readied.push_back(c->chunk_id);
                stream_ids.push_back(c->stream_id);
            });
        thread_pool pool0(1), pool1(1);
        auto queue = std::make_shared<inproc_queue>();
        {
            chunk_stream_group group(config);
            stream_config sc;
            sc.set_stream_id(7);
            group.emplace_back(pool0, sc, simple_chunk_config(2))
                .emplace_reader<inproc_reader>(queue);
            group.emplace_back(pool1, stream_config(), simple_chunk_config(2));
            for (std::uint64_t t : { 0, 20 })
                for (const auto& p : timestamp_heap(t + 1, t))
                    queue->add_packet(p);
            CPPUNIT_ASSERT(
                wait_until([&] { return group[0].get_stats()["heaps"] == 2; }));
            group.stop();
        }
        CPPUNIT_ASSERT((std::vector<std::int64_t>{ 0, 3, 4, 5 }) == allocated);
        CPPUNIT_ASSERT((std::vector<std::int64_t>{ 0, 3, 4, 5 }) == readied);
        CPPUNIT_ASSERT((std::vector<std::uintptr_t>{ 7, 7, 7, 7 }) == stream_ids);
    }

    void test_stop_while_member_waits()
    {
        watchdog guard("test_stop_while_member_waits", TEST_LIMIT);
        group_fixture f(mode::LOSSLESS);
        f.send(0, { 0, 4, 8 });
        // Member 0 waits for member 1 (silent) to move past chunk 0.
        CPPUNIT_ASSERT(wait_until([&] { return f.queues[0]->size() == 0; }));
        CPPUNIT_ASSERT(wait_until([&] { return f.rings.free_ring->size() == 6; }));
        f.group.stop();
        CPPUNIT_ASSERT(f.group[0].is_stopped() && f.group[1].is_stopped());
        CPPUNIT_ASSERT(f.rings.data_ring->is_stopped() &&
                       f.rings.free_ring->is_stopped());
        // Stopping stops the rings first: the window's chunks are not queued.
        CPPUNIT_ASSERT_THROW(f.rings.data_ring->pop(), ringbuffer_stopped);
    }

    void test_member_stop_stops_group()
    {
        watchdog guard("test_member_stop_stops_group", TEST_LIMIT);
        group_fixture f(mode::LOSSY);
        f.send(0, { 0 });
        CPPUNIT_ASSERT(wait_until([&] { return f.stat(0, "heaps") == 1; }));
        f.group[1].stop();
        CPPUNIT_ASSERT(f.group[0].is_stopped());
        CPPUNIT_ASSERT(f.rings.data_ring->is_stopped() &&
                       f.rings.free_ring->is_stopped());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(qa_chunk_stream_group);
