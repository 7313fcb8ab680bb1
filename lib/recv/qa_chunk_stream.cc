/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// Chunk streams: where heaps land in chunks, the presence bytes, the window of chunks
// (back-filling, too-old heaps), extra bytes, custom statistics counted from the place
// function, and gr-spead's guard against placements outside a chunk. Inputs are made
// with the protocol encoder (or by hand where every packet must carry the timestamp)
// and fed from memory. The window's rules (which chunks are allocated, when they are
// readied, what counts as too old) were checked against spead2 4.4 with the same
// packets (python/spead/qa_chunk_stream.py runs the comparison where spead2 is built).

#include "qa_chunk_support.h"
#include "qa_wait.h"
#include <gnuradio/spead/recv/mem_reader.h>
#include <cppunit/extensions/HelperMacros.h>
#include <stdexcept>

using namespace gr::spead::qa;

namespace {

constexpr std::chrono::seconds TEST_LIMIT{ 120 };

/// Runs \p packets through a chunk_ring_stream fed from memory and returns the chunks
/// it readied, in order; \p stats receives the final statistics.
std::vector<std::unique_ptr<chunk>> run_ring(const packet_list& packets,
                                             const stream_config& config,
                                             const chunk_stream_config& chunk_config,
                                             ring_pair_fixture& rings,
                                             stream_stats* stats = nullptr)
{
    const auto buffer = concatenate_packets(packets);
    thread_pool pool(1);
    chunk_ring_stream s(pool, config, chunk_config, rings.data_ring, rings.free_ring);
    s.emplace_reader<mem_reader>(buffer.data(), buffer.size());
    auto chunks = drain_chunks(*rings.data_ring);
    if (stats)
        *stats = s.get_stats();
    return chunks;
}

} // namespace

class qa_chunk_stream : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(qa_chunk_stream);
    CPPUNIT_TEST(test_config_defaults_and_validation);
    CPPUNIT_TEST(test_missing_callbacks_throw);
    CPPUNIT_TEST(test_heaps_placed_by_timestamp);
    CPPUNIT_TEST(test_heap_without_timestamp_rejected);
    CPPUNIT_TEST(test_too_old_heap_dropped_and_window_jumps);
    CPPUNIT_TEST(test_heap_completing_after_its_chunk_left);
    CPPUNIT_TEST(test_incomplete_heap_not_present);
    CPPUNIT_TEST(test_packet_presence);
    CPPUNIT_TEST(test_extra_bytes_and_custom_statistic);
    CPPUNIT_TEST(test_placement_outside_chunk_rejected);
    CPPUNIT_TEST(test_allocate_and_ready_order);
    CPPUNIT_TEST(test_null_chunk_skips_heaps);
    CPPUNIT_TEST_SUITE_END();

public:
    void test_config_defaults_and_validation()
    {
        chunk_stream_config c;
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), c.get_max_chunks());
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), c.get_max_heap_extra());
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), c.get_packet_presence_payload_size());
        CPPUNIT_ASSERT(c.get_items().empty());
        CPPUNIT_ASSERT(!c.get_place());
        CPPUNIT_ASSERT_THROW(c.set_max_chunks(0), std::invalid_argument);
        CPPUNIT_ASSERT_THROW(c.enable_packet_presence(0), std::invalid_argument);
        c.enable_packet_presence(1024);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1024), c.get_packet_presence_payload_size());
        c.disable_packet_presence();
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), c.get_packet_presence_payload_size());
    }

    void test_missing_callbacks_throw()
    {
        thread_pool pool(1);
        chunk_stream_config no_place;
        no_place.set_allocate([](std::int64_t, std::uint64_t*) { return make_chunk(); });
        no_place.set_ready([](std::unique_ptr<chunk>&&, std::uint64_t*) {});
        CPPUNIT_ASSERT_THROW(chunk_stream(pool, stream_config(), no_place),
                             std::invalid_argument);
        // A plain chunk_stream needs allocate and ready as well.
        CPPUNIT_ASSERT_THROW(chunk_stream(pool, stream_config(), simple_chunk_config()),
                             std::invalid_argument);
    }

    void test_heaps_placed_by_timestamp()
    {
        watchdog guard("test_heaps_placed_by_timestamp", TEST_LIMIT);
        packet_list packets;
        for (std::uint64_t ts = 0; ts < 10; ts++)
            packets = packets + timestamp_heap(ts + 1, ts);
        ring_pair_fixture rings(4);
        stream_config config;
        config.set_stream_id(7);
        stream_stats stats;
        auto chunks = run_ring(packets, config, simple_chunk_config(), rings, &stats);

        CPPUNIT_ASSERT_EQUAL(std::size_t(3), chunks.size());
        const std::vector<std::vector<std::uint8_t>> present = { { 1, 1, 1, 1 },
                                                                 { 1, 1, 1, 1 },
                                                                 { 1, 1, 0, 0 } };
        for (std::size_t i = 0; i < 3; i++) {
            CPPUNIT_ASSERT_EQUAL(std::int64_t(i), chunks[i]->chunk_id);
            CPPUNIT_ASSERT_EQUAL(std::uintptr_t(7), chunks[i]->stream_id);
            CPPUNIT_ASSERT(present[i] == present_of(*chunks[i]));
            for (std::size_t h = 0; h < HEAPS_PER_CHUNK; h++) {
                if (present[i][h])
                    CPPUNIT_ASSERT(heap_bytes(*chunks[i], h) ==
                                   payload_of(i * HEAPS_PER_CHUNK + h));
                else
                    CPPUNIT_ASSERT(heap_bytes(*chunks[i], h) ==
                                   std::vector<std::uint8_t>(HEAP_BYTES, FILL));
            }
        }
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(10), stats["heaps"]);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), stats["too_old_heaps"]);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), stats["rejected_heaps"]);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), rings.free_ring->size());
    }

    void test_heap_without_timestamp_rejected()
    {
        watchdog guard("test_heap_without_timestamp_rejected", TEST_LIMIT);
        const packet_list packets =
            timestamp_heap(1, 0) + timestamp_heap(2, 9, false) + timestamp_heap(3, 1);
        ring_pair_fixture rings(2);
        stream_stats stats;
        auto chunks =
            run_ring(packets, stream_config(), simple_chunk_config(), rings, &stats);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), chunks.size());
        CPPUNIT_ASSERT((std::vector<std::uint8_t>{ 1, 1, 0, 0 }) ==
                       present_of(*chunks[0]));
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), stats["rejected_heaps"]);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), stats["too_old_heaps"]);
        // The rejected heap is still a heap of the stream.
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(3), stats["heaps"]);
    }

    void test_too_old_heap_dropped_and_window_jumps()
    {
        watchdog guard("test_too_old_heap_dropped_and_window_jumps", TEST_LIMIT);
        // Chunk 0, then chunk 5 (the window jumps: 0 readied, 4 back-filled), then a
        // heap of chunk 0 again, behind the window.
        const packet_list packets =
            timestamp_heap(1, 0) + timestamp_heap(2, 21) + timestamp_heap(3, 1);
        ring_pair_fixture rings(4);
        stream_stats stats;
        auto chunks =
            run_ring(packets, stream_config(), simple_chunk_config(), rings, &stats);
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), chunks.size());
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), chunks[0]->chunk_id);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(4), chunks[1]->chunk_id);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(5), chunks[2]->chunk_id);
        CPPUNIT_ASSERT((std::vector<std::uint8_t>{ 1, 0, 0, 0 }) ==
                       present_of(*chunks[0]));
        CPPUNIT_ASSERT((std::vector<std::uint8_t>{ 0, 0, 0, 0 }) ==
                       present_of(*chunks[1]));
        CPPUNIT_ASSERT((std::vector<std::uint8_t>{ 0, 1, 0, 0 }) ==
                       present_of(*chunks[2]));
        // Nothing of the late heap reached chunk 0.
        CPPUNIT_ASSERT(heap_bytes(*chunks[0], 1) ==
                       std::vector<std::uint8_t>(HEAP_BYTES, FILL));
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), stats["too_old_heaps"]);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), stats["rejected_heaps"]);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(3), stats["heaps"]);
    }

    void test_heap_completing_after_its_chunk_left()
    {
        watchdog guard("test_heap_completing_after_its_chunk_left", TEST_LIMIT);
        // 96-byte packets: heap 1's 64 bytes come in two packets, [0, 40) and [40, 64).
        const packet_list heap1 = timestamp_heap(1, 0, true, -1, 96);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), heap1.size());
        const packet_list packets =
            packet_list{ heap1[0] } + timestamp_heap(2, 4) + packet_list{ heap1[1] };
        ring_pair_fixture rings(4);
        stream_config config;
        config.set_max_heaps(8);
        stream_stats stats;
        auto chunks = run_ring(packets, config, simple_chunk_config(1), rings, &stats);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), chunks.size());
        CPPUNIT_ASSERT((std::vector<std::uint8_t>{ 0, 0, 0, 0 }) ==
                       present_of(*chunks[0]));
        CPPUNIT_ASSERT((std::vector<std::uint8_t>{ 1, 0, 0, 0 }) ==
                       present_of(*chunks[1]));
        // The first packet's bytes arrived while chunk 0 was live; the second's never
        // reach it (the chunk was already the consumer's).
        std::vector<std::uint8_t> expected = payload_of(0);
        std::fill(expected.begin() + 40, expected.end(), FILL);
        CPPUNIT_ASSERT(heap_bytes(*chunks[0], 0) == expected);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), stats["too_old_heaps"]);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(2), stats["heaps"]);
    }

    void test_incomplete_heap_not_present()
    {
        watchdog guard("test_incomplete_heap_not_present", TEST_LIMIT);
        const packet_list heap1 = timestamp_heap(1, 1, true, -1, 96);
        const packet_list packets = timestamp_heap(2, 0) + packet_list{ heap1[0] };
        ring_pair_fixture rings(2);
        stream_stats stats;
        auto chunks =
            run_ring(packets, stream_config(), simple_chunk_config(), rings, &stats);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), chunks.size());
        // Heap 1 was flushed incomplete: its bytes are there, its presence is not.
        CPPUNIT_ASSERT((std::vector<std::uint8_t>{ 1, 0, 0, 0 }) ==
                       present_of(*chunks[0]));
        std::vector<std::uint8_t> expected = payload_of(1);
        std::fill(expected.begin() + 40, expected.end(), FILL);
        CPPUNIT_ASSERT(heap_bytes(*chunks[0], 1) == expected);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), stats["incomplete_heaps_flushed"]);
    }

    void test_packet_presence()
    {
        watchdog guard("test_packet_presence", TEST_LIMIT);
        // Four 16-byte packets per heap, each carrying the timestamp.
        constexpr std::size_t per_packet = 16;
        constexpr std::size_t packets_per_heap = HEAP_BYTES / per_packet;
        packet_list packets;
        for (std::size_t p = 0; p < packets_per_heap; p++)
            packets.push_back(
                presence_packet(1, 0, HEAP_BYTES, p * per_packet, per_packet));
        // Heap 2 (timestamp 1) loses its packets 1 and 3.
        for (std::size_t p : { 0, 2 })
            packets.push_back(
                presence_packet(2, 1, HEAP_BYTES, p * per_packet, per_packet));
        auto data_ring = std::make_shared<chunk_ringbuffer>(4);
        auto free_ring = std::make_shared<chunk_ringbuffer>(4);
        auto c = make_chunk();
        c->present = chunk_memory(HEAPS_PER_CHUNK * packets_per_heap, 0);
        c->present_size = HEAPS_PER_CHUNK * packets_per_heap;
        free_ring->push(std::move(c));
        chunk_stream_config chunk_config;
        chunk_config.set_items({ TIMESTAMP_ID })
            .enable_packet_presence(per_packet)
            .set_place([](chunk_place_data* data, std::size_t) {
                const std::size_t heap = std::size_t(data->items[0]) % HEAPS_PER_CHUNK;
                data->chunk_id = data->items[0] / std::int64_t(HEAPS_PER_CHUNK);
                data->heap_index = heap * (HEAP_BYTES / 16);
                data->heap_offset = heap * HEAP_BYTES;
            });
        stream_config config;
        config.set_allow_out_of_order(true);
        ring_pair_fixture rings(0);
        rings.data_ring = data_ring;
        rings.free_ring = free_ring;
        auto chunks = run_ring(packets, config, chunk_config, rings);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), chunks.size());
        const std::vector<std::uint8_t> expected_present = { 1, 1, 1, 1, 1, 0, 1, 0,
                                                             0, 0, 0, 0, 0, 0, 0, 0 };
        CPPUNIT_ASSERT(expected_present == present_of(*chunks[0]));
        CPPUNIT_ASSERT(heap_bytes(*chunks[0], 0) == payload_of(0));
        std::vector<std::uint8_t> expected = payload_of(1);
        std::fill(expected.begin() + 16, expected.begin() + 32, FILL);
        std::fill(expected.begin() + 48, expected.end(), FILL);
        CPPUNIT_ASSERT(heap_bytes(*chunks[0], 1) == expected);
    }

    void test_extra_bytes_and_custom_statistic()
    {
        watchdog guard("test_extra_bytes_and_custom_statistic", TEST_LIMIT);
        packet_list packets;
        for (std::uint64_t ts = 0; ts < 3; ts++)
            packets = packets + timestamp_heap(ts + 1, ts, true, std::int64_t(100 + ts));
        stream_config config;
        const std::size_t placed = config.add_stat("placed_heaps");
        chunk_stream_config chunk_config;
        chunk_config.set_items({ TIMESTAMP_ID, EXTRA_ID })
            .set_max_heap_extra(sizeof(std::int64_t))
            .set_place([placed](chunk_place_data* data, std::size_t size) {
                simple_place(data, size);
                std::memcpy(data->extra, &data->items[1], sizeof(std::int64_t));
                data->extra_offset = data->heap_index * sizeof(std::int64_t);
                data->extra_size = sizeof(std::int64_t);
                data->batch_stats[placed]++;
            });
        ring_pair_fixture rings(2, 16, HEAPS_PER_CHUNK * sizeof(std::int64_t));
        stream_stats stats;
        auto chunks = run_ring(packets, config, chunk_config, rings, &stats);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), chunks.size());
        std::int64_t values[HEAPS_PER_CHUNK];
        std::memcpy(values, chunks[0]->extra.get(), sizeof(values));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(100), values[0]);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(101), values[1]);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(102), values[2]);
        std::int64_t untouched;
        std::memset(&untouched, FILL, sizeof(untouched));
        CPPUNIT_ASSERT_EQUAL(untouched, values[3]);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(3), stats["placed_heaps"]);
    }

    void test_placement_outside_chunk_rejected()
    {
        watchdog guard("test_placement_outside_chunk_rejected", TEST_LIMIT);
        const packet_list packets =
            timestamp_heap(1, 0) + timestamp_heap(2, 1) + timestamp_heap(3, 2);
        chunk_stream_config chunk_config = simple_chunk_config();
        chunk_config.set_place([](chunk_place_data* data, std::size_t size) {
            simple_place(data, size);
            if (data->items[0] == 1)
                data->heap_offset = 3 * HEAP_BYTES + 1; // runs past the chunk's end
            if (data->items[0] == 2)
                data->heap_index = HEAPS_PER_CHUNK; // past present
        });
        ring_pair_fixture rings(2);
        stream_stats stats;
        auto chunks = run_ring(packets, stream_config(), chunk_config, rings, &stats);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), chunks.size());
        CPPUNIT_ASSERT((std::vector<std::uint8_t>{ 1, 0, 0, 0 }) ==
                       present_of(*chunks[0]));
        CPPUNIT_ASSERT(heap_bytes(*chunks[0], 3) ==
                       std::vector<std::uint8_t>(HEAP_BYTES, FILL));
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(2), stats["rejected_heaps"]);
    }

    void test_allocate_and_ready_order()
    {
        watchdog guard("test_allocate_and_ready_order", TEST_LIMIT);
        // The first heap is in chunk 5 with a window of 3: chunks 3 and 4 are
        // back-filled; then chunk 7 readies 3 and 4; at the end 5, 6, 7 follow.
        const packet_list packets = timestamp_heap(1, 5 * HEAPS_PER_CHUNK) +
                                    timestamp_heap(2, 7 * HEAPS_PER_CHUNK);
        const auto buffer = concatenate_packets(packets);
        std::vector<std::int64_t> allocated, readied;
        chunk_stream_config chunk_config = simple_chunk_config(3);
        chunk_config
            .set_allocate([&](std::int64_t id, std::uint64_t*) {
                allocated.push_back(id);
                return make_chunk();
            })
            .set_ready([&](std::unique_ptr<chunk>&& c, std::uint64_t*) {
                readied.push_back(c->chunk_id);
            });
        {
            thread_pool pool(1);
            chunk_stream s(pool, stream_config(), chunk_config);
            s.emplace_reader<mem_reader>(buffer.data(), buffer.size());
            CPPUNIT_ASSERT(wait_until([&] { return s.is_stopped(); }));
        }
        CPPUNIT_ASSERT((std::vector<std::int64_t>{ 3, 4, 5, 6, 7 }) == allocated);
        CPPUNIT_ASSERT((std::vector<std::int64_t>{ 3, 4, 5, 6, 7 }) == readied);

        // From the start of the stream back-filling stops at chunk 0.
        allocated.clear();
        readied.clear();
        const auto buffer1 = concatenate_packets(timestamp_heap(1, HEAPS_PER_CHUNK));
        {
            thread_pool pool(1);
            chunk_stream s(pool,
                           stream_config(),
                           simple_chunk_config(4)
                               .set_allocate(chunk_config.get_allocate())
                               .set_ready(chunk_config.get_ready()));
            s.emplace_reader<mem_reader>(buffer1.data(), buffer1.size());
            CPPUNIT_ASSERT(wait_until([&] { return s.is_stopped(); }));
        }
        CPPUNIT_ASSERT((std::vector<std::int64_t>{ 0, 1 }) == allocated);
        CPPUNIT_ASSERT((std::vector<std::int64_t>{ 0, 1 }) == readied);
    }

    void test_null_chunk_skips_heaps()
    {
        watchdog guard("test_null_chunk_skips_heaps", TEST_LIMIT);
        // An allocator that gives nothing for chunk 0: its heaps go nowhere, uncounted.
        const packet_list packets = timestamp_heap(1, 0) + timestamp_heap(2, 4);
        const auto buffer = concatenate_packets(packets);
        std::vector<std::int64_t> readied;
        chunk_stream_config chunk_config = simple_chunk_config();
        chunk_config
            .set_allocate([](std::int64_t id, std::uint64_t*) {
                return id == 0 ? nullptr : make_chunk();
            })
            .set_ready([&](std::unique_ptr<chunk>&& c, std::uint64_t*) {
                readied.push_back(c->chunk_id);
                CPPUNIT_ASSERT((std::vector<std::uint8_t>{ 1, 0, 0, 0 }) ==
                               present_of(*c));
            });
        thread_pool pool(1);
        chunk_stream s(pool, stream_config(), chunk_config);
        s.emplace_reader<mem_reader>(buffer.data(), buffer.size());
        CPPUNIT_ASSERT(wait_until([&] { return s.is_stopped(); }));
        s.stop();
        CPPUNIT_ASSERT((std::vector<std::int64_t>{ 1 }) == readied);
        const stream_stats stats = s.get_stats();
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), stats["rejected_heaps"]);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), stats["too_old_heaps"]);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(2), stats["heaps"]);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(qa_chunk_stream);
