/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// The built-in timestamp placement: chunk, heap index and offset from a timestamp and
// an optional second index item, the extra values, the heaps it rejects, the chunks it
// makes, and a stream placing heaps with it end to end.

#include "qa_chunk_support.h"
#include <gnuradio/spead/recv/chunk_placement.h>
#include <gnuradio/spead/recv/mem_reader.h>
#include <cppunit/extensions/HelperMacros.h>
#include <stdexcept>

using namespace gr::spead::qa;

namespace {

constexpr std::uint64_t FREQ_ID = 0x4103;
constexpr std::chrono::seconds TEST_LIMIT{ 120 };

/// A one-packet heap of \p heap_length bytes with the given immediates.
std::vector<std::uint8_t>
heap_packet(const std::vector<std::pair<std::uint64_t, std::uint64_t>>& immediates,
            std::size_t heap_length = HEAP_BYTES)
{
    heap_contents h;
    h.cnt = 1;
    for (const auto& item : immediates)
        h.items.push_back(encoder_item::make_immediate(item.first, item.second));
    h.items.push_back(
        encoder_item::make_addressed(PAYLOAD_ID, std::vector<std::uint8_t>(heap_length)));
    const auto packets = encode_heap(h, options_64_48());
    return packets.at(0);
}

/// What \p placement decides for \p packet (extra into \p extra, 8 bytes per item).
chunk_place_data place(const timestamp_placement& placement,
                       const std::vector<std::uint8_t>& packet,
                       std::vector<std::int64_t>& extra)
{
    chunk_place_data data{};
    data.packet = packet.data();
    data.packet_size = packet.size();
    data.chunk_id = -1;
    extra.assign(placement.get_extra_items().size(), 0);
    data.extra = reinterpret_cast<std::uint8_t*>(extra.data());
    placement.place_function()(&data, sizeof(data));
    return data;
}

} // namespace

class qa_chunk_placement : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(qa_chunk_placement);
    CPPUNIT_TEST(test_invalid_parameters);
    CPPUNIT_TEST(test_timestamp_only);
    CPPUNIT_TEST(test_timestamp_and_index);
    CPPUNIT_TEST(test_rejected_heaps);
    CPPUNIT_TEST(test_extra_values);
    CPPUNIT_TEST(test_chunk_layout);
    CPPUNIT_TEST(test_stream_with_builtin_placement);
    CPPUNIT_TEST_SUITE_END();

public:
    void test_invalid_parameters()
    {
        CPPUNIT_ASSERT_THROW(timestamp_placement(TIMESTAMP_ID, 0, 4, 64),
                             std::invalid_argument);
        CPPUNIT_ASSERT_THROW(timestamp_placement(TIMESTAMP_ID, 8, 0, 64),
                             std::invalid_argument);
        CPPUNIT_ASSERT_THROW(timestamp_placement(TIMESTAMP_ID, 8, 4, 0),
                             std::invalid_argument);
        timestamp_placement p(TIMESTAMP_ID, 8, 4, 64);
        CPPUNIT_ASSERT_THROW(p.set_index(FREQ_ID, 0, 2), std::invalid_argument);
        CPPUNIT_ASSERT_THROW(p.set_index(FREQ_ID, 256, 0), std::invalid_argument);
    }

    void test_timestamp_only()
    {
        // Heaps every 1000 timestamps, 4 per chunk: timestamp 13999 is step 13 (rounded
        // down), chunk 3, heap 1, offset 64.
        const timestamp_placement p(TIMESTAMP_ID, 1000, 4, HEAP_BYTES);
        std::vector<std::int64_t> extra;
        auto d = place(p, heap_packet({ { TIMESTAMP_ID, 13999 } }), extra);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(3), d.chunk_id);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), d.heap_index);
        CPPUNIT_ASSERT_EQUAL(std::size_t(HEAP_BYTES), d.heap_offset);
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), d.extra_size);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(12000), p.chunk_timestamp(3));
    }

    void test_timestamp_and_index()
    {
        // 2 time steps per chunk, 3 channel groups of 256 channels: heap index
        // (step % 2) * 3 + frequency / 256.
        timestamp_placement p(TIMESTAMP_ID, 2048, 2, HEAP_BYTES);
        p.set_index(FREQ_ID, 256, 3);
        CPPUNIT_ASSERT_EQUAL(std::size_t(6), p.chunk_heaps());
        std::vector<std::int64_t> extra;
        auto d = place(
            p, heap_packet({ { TIMESTAMP_ID, 5 * 2048 }, { FREQ_ID, 512 } }), extra);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), d.chunk_id);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1 * 3 + 2), d.heap_index);
        CPPUNIT_ASSERT_EQUAL(std::size_t(5 * HEAP_BYTES), d.heap_offset);
        d = place(
            p, heap_packet({ { FREQ_ID, 256 }, { TIMESTAMP_ID, 4 * 2048 } }), extra);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), d.chunk_id);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), d.heap_index);
    }

    void test_rejected_heaps()
    {
        timestamp_placement p(TIMESTAMP_ID, 1, 4, HEAP_BYTES);
        p.set_index(FREQ_ID, 256, 2);
        std::vector<std::int64_t> extra;
        // No timestamp, no index, an index beyond the count, a heap of another size.
        CPPUNIT_ASSERT_EQUAL(std::int64_t(-1),
                             place(p, heap_packet({ { FREQ_ID, 0 } }), extra).chunk_id);
        CPPUNIT_ASSERT_EQUAL(
            std::int64_t(-1),
            place(p, heap_packet({ { TIMESTAMP_ID, 3 } }), extra).chunk_id);
        CPPUNIT_ASSERT_EQUAL(
            std::int64_t(-1),
            place(p, heap_packet({ { TIMESTAMP_ID, 3 }, { FREQ_ID, 512 } }), extra)
                .chunk_id);
        CPPUNIT_ASSERT_EQUAL(
            std::int64_t(-1),
            place(p, heap_packet({ { TIMESTAMP_ID, 3 }, { FREQ_ID, 0 } }, 32), extra)
                .chunk_id);
        CPPUNIT_ASSERT_EQUAL(
            std::int64_t(0),
            place(p, heap_packet({ { TIMESTAMP_ID, 3 }, { FREQ_ID, 0 } }), extra)
                .chunk_id);
    }

    void test_extra_values()
    {
        timestamp_placement p(TIMESTAMP_ID, 1, 4, HEAP_BYTES);
        p.set_extra_items({ EXTRA_ID, TIMESTAMP_ID, FREQ_ID });
        CPPUNIT_ASSERT_EQUAL(std::size_t(24), p.heap_extra_size());
        std::vector<std::int64_t> extra;
        auto d = place(p, heap_packet({ { TIMESTAMP_ID, 6 }, { EXTRA_ID, 77 } }), extra);
        CPPUNIT_ASSERT_EQUAL(std::size_t(24), d.extra_size);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2 * 24), d.extra_offset);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(77), extra[0]);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(6), extra[1]);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(-1), extra[2]); // absent
        chunk_stream_config config;
        p.apply(config);
        CPPUNIT_ASSERT_EQUAL(std::size_t(24), config.get_max_heap_extra());
        CPPUNIT_ASSERT(bool(config.get_place()));
    }

    void test_chunk_layout()
    {
        timestamp_placement p(TIMESTAMP_ID, 1, 4, HEAP_BYTES);
        p.set_index(FREQ_ID, 1, 2).set_extra_items({ EXTRA_ID });
        auto c = p.make_chunk();
        CPPUNIT_ASSERT_EQUAL(std::size_t(8), c->present_size);
        CPPUNIT_ASSERT_EQUAL(std::size_t(8 * HEAP_BYTES), c->data_size);
        CPPUNIT_ASSERT_EQUAL(std::size_t(8 * 8), c->extra_size);
        CPPUNIT_ASSERT((std::vector<std::uint8_t>(8, 0)) == present_of(*c));
    }

    void test_stream_with_builtin_placement()
    {
        watchdog guard("test_stream_with_builtin_placement", TEST_LIMIT);
        // Timestamps step by 10 and 2 steps make a chunk; the extra is the timestamp.
        timestamp_placement p(TIMESTAMP_ID, 10, 2, HEAP_BYTES);
        p.set_extra_items({ TIMESTAMP_ID });
        chunk_stream_config chunk_config;
        p.apply(chunk_config);
        auto data_ring = std::make_shared<chunk_ringbuffer>(4);
        auto free_ring = std::make_shared<chunk_ringbuffer>(4);
        for (int i = 0; i < 3; i++)
            free_ring->push(p.make_chunk());
        packet_list packets;
        for (std::uint64_t i = 0; i < 5; i++)
            packets = packets + timestamp_heap(i + 1, 10 * i);
        const auto buffer = concatenate_packets(packets);
        thread_pool pool(1);
        chunk_ring_stream s(pool, stream_config(), chunk_config, data_ring, free_ring);
        s.emplace_reader<mem_reader>(buffer.data(), buffer.size());
        auto chunks = drain_chunks(*data_ring);
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), chunks.size());
        for (std::size_t i = 0; i < 3; i++) {
            CPPUNIT_ASSERT_EQUAL(std::int64_t(i), chunks[i]->chunk_id);
            const std::vector<std::uint8_t> expected =
                i < 2 ? std::vector<std::uint8_t>{ 1, 1 }
                      : std::vector<std::uint8_t>{ 1, 0 };
            CPPUNIT_ASSERT(expected == present_of(*chunks[i]));
            CPPUNIT_ASSERT(heap_bytes(*chunks[i], 0) == payload_of(20 * i));
            std::int64_t first_timestamp;
            std::memcpy(&first_timestamp, chunks[i]->extra.get(), 8);
            CPPUNIT_ASSERT_EQUAL(std::int64_t(20 * i), first_timestamp);
        }
        CPPUNIT_ASSERT(heap_bytes(*chunks[1], 1) == payload_of(30));
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), s.get_stats()["rejected_heaps"]);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(qa_chunk_placement);
