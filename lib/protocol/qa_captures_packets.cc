/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// The reference captures made by spead2 (SPEAD_CAPTURES_DIR), decoded packet by packet
// and checked against what their README states. Every expected value below comes from
// that README (or simple arithmetic on it), never from running the decoder.

#include <gnuradio/spead/protocol/item_ids.h>
#include <gnuradio/spead/protocol/packet.h>
#include <gnuradio/spead/protocol/pcap_file.h>
#include <gnuradio/spead/protocol/simple_heap.h>
#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>
#include <algorithm>
#include <cstring>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

using namespace gr::spead::protocol;

namespace {

constexpr std::uint64_t TIMESTAMP_ID = 0x1600;
constexpr std::uint64_t SEQ_ID = 0x1601;
constexpr std::uint64_t DATA_ID = 0x1602;
constexpr std::size_t DATA_HEAPS = 20; // heap cnt 2..21
constexpr std::uint64_t FIRST_DATA_CNT = 2;
constexpr std::uint64_t STOP_CNT = 22;
constexpr std::size_t STOP_PACKET_SIZE = 57;

/// What the captures README says about one file.
struct capture_spec {
    const char* file;
    std::uint16_t dst_port;
    std::uint8_t flavour_bytes[4];
    int heap_address_bits;
    std::size_t packets;
    std::size_t descriptor_packet_size;
    std::size_t packets_per_data_heap;
    std::uint64_t heap_length;
    bool multi_packet;
    /// Data items, in the order their descriptors are sent.
    std::vector<std::uint64_t> data_items;
    std::vector<std::string> names;
    std::vector<std::string> descriptions;
};

const std::vector<capture_spec>& specs()
{
    static const std::vector<capture_spec> all = {
        { "spead2_64_40_single_packet.pcap",
          7148,
          { 0x53, 0x04, 0x03, 0x05 },
          40,
          22,
          596,
          1,
          8200,
          false,
          { TIMESTAMP_ID, SEQ_ID, DATA_ID },
          { "timestamp", "seq", "data" },
          { "ADC sample count of first sample (immediate)",
            "Heap sequence number (8-byte payload scalar)",
            "4096 complex int8 samples as (re, im) pairs" } },
        { "spead2_64_48_single_packet.pcap",
          7149,
          { 0x53, 0x04, 0x02, 0x06 },
          48,
          22,
          597,
          1,
          8200,
          false,
          { TIMESTAMP_ID, SEQ_ID, DATA_ID },
          { "timestamp", "seq", "data" },
          { "ADC sample count of first sample (immediate)",
            "Heap sequence number (8-byte payload scalar)",
            "4096 complex int8 samples as (re, im) pairs" } },
        { "spead2_64_40_multi_packet.pcap",
          7150,
          { 0x53, 0x04, 0x03, 0x05 },
          40,
          462,
          371,
          23,
          32768,
          true,
          { TIMESTAMP_ID, DATA_ID },
          { "timestamp", "data" },
          { "ADC sample count of first sample (immediate)", "4096 complex64 samples" } },
    };
    return all;
}

/// The datagrams of a capture, read once per run.
const std::vector<udp_datagram>& datagrams(const capture_spec& spec)
{
    static std::map<std::string, std::vector<udp_datagram>> cache;
    auto it = cache.find(spec.file);
    if (it == cache.end())
        it =
            cache
                .emplace(spec.file,
                         read_pcap_udp(std::string(SPEAD_CAPTURES_DIR) + "/" + spec.file))
                .first;
    return it->second;
}

packet_view decode_ok(const capture_spec& spec, std::size_t index)
{
    const udp_datagram& d = datagrams(spec).at(index);
    packet_view view;
    const packet_status status = decode_packet(d.payload.data(), d.payload.size(), view);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(std::string(spec.file) + " packet " +
                                     std::to_string(index),
                                 std::string("ok"),
                                 std::string(to_string(status)));
    return view;
}

/// Index of the first packet of data heap k (0-based): after the descriptor packet.
std::size_t first_packet_of(const capture_spec& spec, std::size_t k)
{
    return 1 + k * spec.packets_per_data_heap;
}

std::uint64_t timestamp_of(std::size_t k) { return 1000000 + 8192 * std::uint64_t(k); }

std::vector<item_pointer> pointers_of(const packet_view& v)
{
    std::vector<item_pointer> out;
    for (std::size_t i = 0; i < v.n_items; i++)
        out.push_back(v.pointer(i));
    return out;
}

const simple_heap& heap_with_cnt(const std::vector<simple_heap>& heaps, std::uint64_t cnt)
{
    for (const simple_heap& h : heaps)
        if (h.cnt == cnt)
            return h;
    CPPUNIT_FAIL("no heap with cnt " + std::to_string(cnt));
    throw std::logic_error("unreachable");
}

const heap_item* find_item(const std::vector<heap_item>& items, std::uint64_t id)
{
    for (const heap_item& i : items)
        if (i.id == id)
            return &i;
    return nullptr;
}

std::vector<simple_heap> assemble(const capture_spec& spec)
{
    simple_heap_collector collector;
    for (std::size_t i = 0; i < datagrams(spec).size(); i++)
        CPPUNIT_ASSERT(collector.add(decode_ok(spec, i)));
    return collector.take();
}

std::string bytes_as_text(const simple_heap& heap, const heap_item& item)
{
    return std::string(reinterpret_cast<const char*>(heap.payload.data() + item.offset),
                       item.length);
}

} // namespace

class qa_captures_packets : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(qa_captures_packets);
    CPPUNIT_TEST(test_every_packet_decodes);
    CPPUNIT_TEST(test_packet_counts_and_sizes);
    CPPUNIT_TEST(test_flavour_and_port);
    CPPUNIT_TEST(test_heap_counters_in_order);
    CPPUNIT_TEST(test_data_packet_layout);
    CPPUNIT_TEST(test_timestamps);
    CPPUNIT_TEST(test_stop_heap);
    CPPUNIT_TEST(test_descriptor_heap);
    CPPUNIT_TEST(test_assembled_heaps);
    CPPUNIT_TEST(test_assembled_data_values);
    CPPUNIT_TEST_SUITE_END();

public:
    void test_every_packet_decodes()
    {
        for (const capture_spec& spec : specs())
            for (std::size_t i = 0; i < datagrams(spec).size(); i++)
                decode_ok(spec, i);
    }

    void test_packet_counts_and_sizes()
    {
        for (const capture_spec& spec : specs()) {
            const std::vector<udp_datagram>& d = datagrams(spec);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(spec.file, spec.packets, d.size());
            CPPUNIT_ASSERT_EQUAL_MESSAGE(
                spec.file, spec.packets, 2 + DATA_HEAPS * spec.packets_per_data_heap);
            CPPUNIT_ASSERT_EQUAL(spec.descriptor_packet_size, d.front().payload.size());
            CPPUNIT_ASSERT_EQUAL(STOP_PACKET_SIZE, d.back().payload.size());
            for (std::size_t k = 0; k < DATA_HEAPS; k++) {
                for (std::size_t j = 0; j < spec.packets_per_data_heap; j++) {
                    const std::size_t size =
                        d[first_packet_of(spec, k) + j].payload.size();
                    if (!spec.multi_packet)
                        CPPUNIT_ASSERT_EQUAL(std::size_t(8264), size);
                    else
                        CPPUNIT_ASSERT_EQUAL(
                            std::size_t(j + 1 < spec.packets_per_data_heap ? 1472 : 1320),
                            size);
                }
            }
        }
    }

    void test_flavour_and_port()
    {
        for (const capture_spec& spec : specs()) {
            for (std::size_t i = 0; i < datagrams(spec).size(); i++) {
                const udp_datagram& d = datagrams(spec)[i];
                CPPUNIT_ASSERT_EQUAL(spec.dst_port, d.dst_port);
                CPPUNIT_ASSERT(std::memcmp(d.payload.data(), spec.flavour_bytes, 4) == 0);
                const packet_view v = decode_ok(spec, i);
                CPPUNIT_ASSERT_EQUAL(spec.heap_address_bits, v.heap_address_bits);
                CPPUNIT_ASSERT_EQUAL(64, v.item_pointer_bits);
            }
        }
    }

    void test_heap_counters_in_order()
    {
        for (const capture_spec& spec : specs()) {
            std::vector<std::uint64_t> expected = { 1 };
            for (std::uint64_t cnt = FIRST_DATA_CNT; cnt < STOP_CNT; cnt++)
                expected.insert(expected.end(), spec.packets_per_data_heap, cnt);
            expected.push_back(STOP_CNT);
            std::vector<std::uint64_t> actual;
            for (std::size_t i = 0; i < datagrams(spec).size(); i++)
                actual.push_back(decode_ok(spec, i).heap_cnt);
            CPPUNIT_ASSERT_MESSAGE(spec.file, expected == actual);
        }
    }

    void test_data_packet_layout()
    {
        for (const capture_spec& spec : specs()) {
            for (std::size_t k = 0; k < DATA_HEAPS; k++) {
                std::uint64_t offset = 0;
                for (std::size_t j = 0; j < spec.packets_per_data_heap; j++) {
                    const packet_view v = decode_ok(spec, first_packet_of(spec, k) + j);
                    CPPUNIT_ASSERT_EQUAL(std::int64_t(spec.heap_length), v.heap_length);
                    CPPUNIT_ASSERT_EQUAL(offset, v.payload_offset);
                    if (!spec.multi_packet) {
                        CPPUNIT_ASSERT_EQUAL(std::size_t(7), v.n_items);
                        CPPUNIT_ASSERT_EQUAL(std::uint64_t(8200), v.payload_length);
                    } else {
                        CPPUNIT_ASSERT_EQUAL(std::size_t(j == 0 ? 6 : 4), v.n_items);
                        // 1416 first, 1432 later; the last takes what is left of 32768.
                        const std::uint64_t expected =
                            j == 0 ? 1416
                                   : (j + 1 < spec.packets_per_data_heap
                                          ? 1432
                                          : 32768 - 1416 - 21 * 1432);
                        CPPUNIT_ASSERT_EQUAL(expected, v.payload_length);
                    }
                    offset += v.payload_length;
                }
                CPPUNIT_ASSERT_EQUAL(spec.heap_length, offset);
            }
        }
    }

    void test_timestamps()
    {
        for (const capture_spec& spec : specs()) {
            for (std::size_t k = 0; k < DATA_HEAPS; k++) {
                // The single-packet layout: HEAP_CNT, HEAP_LENGTH, PAYLOAD_OFFSET,
                // PAYLOAD_LENGTH, then 0x1600 immediate and the addressed data items.
                const std::vector<item_pointer> p =
                    pointers_of(decode_ok(spec, first_packet_of(spec, k)));
                const std::uint64_t ids[4] = {
                    HEAP_CNT_ID, HEAP_LENGTH_ID, PAYLOAD_OFFSET_ID, PAYLOAD_LENGTH_ID
                };
                for (int i = 0; i < 4; i++) {
                    CPPUNIT_ASSERT_EQUAL(ids[i], p[i].id);
                    CPPUNIT_ASSERT(p[i].immediate);
                }
                CPPUNIT_ASSERT_EQUAL(TIMESTAMP_ID, p[4].id);
                CPPUNIT_ASSERT(p[4].immediate);
                CPPUNIT_ASSERT_EQUAL(timestamp_of(k), p[4].value);
                std::size_t at = 5;
                if (!spec.multi_packet) {
                    CPPUNIT_ASSERT_EQUAL(SEQ_ID, p[at].id);
                    CPPUNIT_ASSERT(!p[at].immediate);
                    CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), p[at].value);
                    at++;
                }
                CPPUNIT_ASSERT_EQUAL(DATA_ID, p[at].id);
                CPPUNIT_ASSERT(!p[at].immediate);
                CPPUNIT_ASSERT_EQUAL(std::uint64_t(spec.multi_packet ? 0 : 8),
                                     p[at].value);
            }
        }
    }

    void test_stop_heap()
    {
        for (const capture_spec& spec : specs()) {
            const packet_view v = decode_ok(spec, datagrams(spec).size() - 1);
            CPPUNIT_ASSERT_EQUAL(STOP_CNT, v.heap_cnt);
            std::size_t stops = 0;
            for (const item_pointer& p : pointers_of(v)) {
                if (p.id == STREAM_CTRL_ID) {
                    CPPUNIT_ASSERT(p.immediate);
                    CPPUNIT_ASSERT_EQUAL(CTRL_STREAM_STOP, p.value);
                    stops++;
                }
            }
            CPPUNIT_ASSERT_EQUAL_MESSAGE(spec.file, std::size_t(1), stops);
        }
    }

    void test_descriptor_heap()
    {
        // The README's common layout says "three DESCRIPTOR items", but the multi-packet
        // file has only two data items (0x1600, 0x1602), hence one descriptor each.
        for (const capture_spec& spec : specs()) {
            const std::vector<simple_heap> heaps = assemble(spec);
            const simple_heap& heap = heap_with_cnt(heaps, 1);
            CPPUNIT_ASSERT(heap.complete());
            std::vector<heap_item> descriptors;
            for (const heap_item& item : heap.items()) {
                CPPUNIT_ASSERT_EQUAL(DESCRIPTOR_ID, item.id); // descriptors only
                CPPUNIT_ASSERT(!item.immediate);
                descriptors.push_back(item);
            }
            CPPUNIT_ASSERT_EQUAL_MESSAGE(
                spec.file, spec.data_items.size(), descriptors.size());

            // Each DESCRIPTOR value is itself a packet stream forming one heap.
            for (std::size_t i = 0; i < descriptors.size(); i++) {
                const std::vector<simple_heap> inner = assemble_packet_stream(
                    heap.payload.data() + descriptors[i].offset, descriptors[i].length);
                CPPUNIT_ASSERT_EQUAL(std::size_t(1), inner.size());
                CPPUNIT_ASSERT(inner[0].complete());
                const std::vector<heap_item> fields = inner[0].items();
                const heap_item* id = find_item(fields, DESCRIPTOR_ID_ID);
                const heap_item* name = find_item(fields, DESCRIPTOR_NAME_ID);
                const heap_item* description =
                    find_item(fields, DESCRIPTOR_DESCRIPTION_ID);
                CPPUNIT_ASSERT(id && name && description);
                CPPUNIT_ASSERT(id->immediate);
                CPPUNIT_ASSERT_EQUAL(spec.data_items[i], id->value);
                CPPUNIT_ASSERT_EQUAL(spec.names[i], bytes_as_text(inner[0], *name));
                CPPUNIT_ASSERT_EQUAL(spec.descriptions[i],
                                     bytes_as_text(inner[0], *description));
            }
        }
    }

    void test_assembled_heaps()
    {
        for (const capture_spec& spec : specs()) {
            const std::vector<simple_heap> heaps = assemble(spec);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(spec.file, std::size_t(22), heaps.size());
            for (std::size_t i = 0; i < heaps.size(); i++) {
                CPPUNIT_ASSERT_EQUAL(std::uint64_t(i + 1), heaps[i].cnt);
                CPPUNIT_ASSERT(heaps[i].complete());
                CPPUNIT_ASSERT_EQUAL(spec.heap_address_bits, heaps[i].heap_address_bits);
            }
            for (std::size_t k = 0; k < DATA_HEAPS; k++) {
                const simple_heap& heap = heaps[FIRST_DATA_CNT - 1 + k];
                CPPUNIT_ASSERT_EQUAL(std::int64_t(spec.heap_length), heap.heap_length);
                CPPUNIT_ASSERT_EQUAL(std::size_t(spec.heap_length), heap.received_bytes);
                const std::vector<heap_item> items = heap.items();
                CPPUNIT_ASSERT_EQUAL(spec.data_items.size(), items.size());
                const heap_item* stamp = find_item(items, TIMESTAMP_ID);
                CPPUNIT_ASSERT(stamp && stamp->immediate);
                CPPUNIT_ASSERT_EQUAL(timestamp_of(k), stamp->value);
            }
        }
    }

    void test_assembled_data_values()
    {
        for (const capture_spec& spec : specs()) {
            const std::vector<simple_heap> heaps = assemble(spec);
            for (std::size_t k = 0; k < DATA_HEAPS; k++) {
                const simple_heap& heap = heaps[FIRST_DATA_CNT - 1 + k];
                const std::vector<heap_item> items = heap.items();
                const heap_item* data = find_item(items, DATA_ID);
                CPPUNIT_ASSERT(data);
                const std::uint8_t* bytes = heap.payload.data() + data->offset;
                if (!spec.multi_packet) {
                    // seq: '<u8' = k.
                    const heap_item* seq = find_item(items, SEQ_ID);
                    CPPUNIT_ASSERT(seq);
                    CPPUNIT_ASSERT_EQUAL(std::size_t(8), seq->length);
                    std::uint64_t value = 0;
                    for (int b = 7; b >= 0; b--)
                        value = (value << 8) | heap.payload[seq->offset + b];
                    CPPUNIT_ASSERT_EQUAL(std::uint64_t(k), value);
                    // data: '|i1' (4096, 2), re = ((i + k) % 256) - 128, im = -re
                    // clipped.
                    CPPUNIT_ASSERT_EQUAL(std::size_t(8192), data->length);
                    for (int i = 0; i < 4096; i++) {
                        const int re = int((i + k) % 256) - 128;
                        const int im = std::min(-re, 127);
                        CPPUNIT_ASSERT_EQUAL(re, int(std::int8_t(bytes[2 * i])));
                        CPPUNIT_ASSERT_EQUAL(im, int(std::int8_t(bytes[2 * i + 1])));
                    }
                } else {
                    // data: '<c8' (4096,) = arange(4096) + 1j*k, float32 pairs
                    // little-endian.
                    CPPUNIT_ASSERT_EQUAL(std::size_t(32768), data->length);
                    for (int i = 0; i < 4096; i++) {
                        float part[2];
                        for (int p = 0; p < 2; p++) {
                            std::uint32_t word = 0;
                            for (int b = 3; b >= 0; b--)
                                word = (word << 8) | bytes[8 * i + 4 * p + b];
                            std::memcpy(&part[p], &word, 4);
                        }
                        CPPUNIT_ASSERT_EQUAL(float(i), part[0]);
                        CPPUNIT_ASSERT_EQUAL(float(k), part[1]);
                    }
                }
            }
        }
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(qa_captures_packets);
