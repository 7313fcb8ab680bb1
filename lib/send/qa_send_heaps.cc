/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "send_heaps.h"
#include "send_schedule.h"
#include <gnuradio/spead/protocol/descriptor.h>
#include <gnuradio/spead/protocol/item_ids.h>
#include <gnuradio/spead/protocol/packet.h>
#include <gnuradio/spead/protocol/simple_heap.h>
#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>
#include <map>
#include <stdexcept>

using namespace gr::spead;
using namespace gr::spead::send;

namespace {

/// One heap as the protocol decoder puts it back together, with where it was sent.
struct sent_heap {
    protocol::simple_heap heap;
    std::size_t destination;
    bool data;

    const protocol::heap_item* item(std::uint64_t id) const
    {
        for (const auto& i : items)
            if (i.id == id)
                return &i;
        return nullptr;
    }
    std::vector<std::uint8_t> bytes(std::uint64_t id) const
    {
        const protocol::heap_item* i = item(id);
        CPPUNIT_ASSERT(i && !i->immediate);
        return std::vector<std::uint8_t>(heap.payload.begin() + i->offset,
                                         heap.payload.begin() + i->offset + i->length);
    }
    std::vector<protocol::heap_item> items;
};

/// Every heap the schedule sends, in order of its first packet.
std::vector<sent_heap> send_all(const send_config& config)
{
    const heap_factory heaps(config);
    packet_schedule schedule(config, heaps);
    std::vector<std::vector<std::uint8_t>> packets;
    std::vector<std::size_t> destinations;
    std::vector<bool> data;
    std::map<std::uint64_t, std::size_t> destination_of;
    std::map<std::uint64_t, bool> data_of;
    protocol::simple_heap_collector collector;
    out_packet p;
    while (schedule.next(p)) {
        std::vector<std::uint8_t> bytes(p.head.data(), p.head.data() + p.head_length);
        bytes.insert(bytes.end(), p.body, p.body + p.body_length);
        protocol::packet_view view;
        CPPUNIT_ASSERT(protocol::decode_packet(bytes.data(), bytes.size(), view) ==
                       protocol::packet_status::ok);
        CPPUNIT_ASSERT_EQUAL(p.cnt, view.heap_cnt);
        // Every packet of a heap goes to the same destination.
        auto found = destination_of.emplace(p.cnt, p.destination);
        CPPUNIT_ASSERT_EQUAL(found.first->second, p.destination);
        data_of[p.cnt] = p.data;
        CPPUNIT_ASSERT(collector.add(view));
        packets.push_back(std::move(bytes)); // the view points into it until take()
    }
    std::vector<sent_heap> out;
    for (auto& h : collector.take()) {
        CPPUNIT_ASSERT(h.complete());
        sent_heap s{ h, destination_of[h.cnt], data_of[h.cnt], h.items() };
        out.push_back(std::move(s));
    }
    return out;
}

std::uint64_t immediate(const sent_heap& h, std::uint64_t id)
{
    const protocol::heap_item* i = h.item(id);
    CPPUNIT_ASSERT(i && i->immediate);
    return i->value;
}

} // namespace

class qa_send_heaps : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(qa_send_heaps);
    CPPUNIT_TEST(test_builtin_layout);
    CPPUNIT_TEST(test_layout_heaps_decode_back);
    CPPUNIT_TEST(test_descriptors_repeat_and_start_heaps);
    CPPUNIT_TEST(test_more_destinations_than_substreams);
    CPPUNIT_TEST(test_too_many_immediates);
    CPPUNIT_TEST_SUITE_END();

public:
    void test_builtin_layout()
    {
        send_config c;
        c.heap_size = 3000;
        c.packet_size = 1472;
        c.heaps = 3;
        const auto heaps = send_all(c);
        CPPUNIT_ASSERT_EQUAL(std::size_t(5), heaps.size());
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), heaps[0].heap.cnt);
        const protocol::heap_item* d = heaps[0].item(protocol::DESCRIPTOR_ID);
        CPPUNIT_ASSERT(d);
        for (std::size_t g = 0; g < 3; g++) {
            const sent_heap& h = heaps[1 + g];
            CPPUNIT_ASSERT_EQUAL(std::uint64_t(g + 2), h.heap.cnt);
            CPPUNIT_ASSERT_EQUAL(std::uint64_t(3000 * g), immediate(h, 0x1600));
            const auto bytes = h.bytes(0x1601);
            CPPUNIT_ASSERT_EQUAL(std::size_t(3000), bytes.size());
            for (std::size_t i = 0; i < bytes.size(); i++)
                CPPUNIT_ASSERT_EQUAL(std::uint8_t(i), bytes[i]);
        }
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(5), heaps[4].heap.cnt);
        CPPUNIT_ASSERT_EQUAL(protocol::CTRL_STREAM_STOP,
                             immediate(heaps[4], protocol::STREAM_CTRL_ID));
    }

    void test_layout_heaps_decode_back()
    {
        send_config c;
        c.packet_size = 1024;
        c.heap_address_bits = 48;
        c.senders = 2;
        c.substreams = 3;
        c.destinations = { { "239.1.0.0", 7 }, { "239.1.0.1", 7 }, { "239.1.0.2", 7 } };
        c.heaps = 12;
        c.layout.items = {
            parse_item_spec(
                "name=raw,id=0x4300,shape=4x300,dtype=>i2,fill=tone:channel=5"),
            parse_item_spec("name=ts,id=0x1600,immediate,value=9,step_per_frame=1000"),
            parse_item_spec("name=feng,id=0x4101,immediate,format=u8,step_per_sender=1,"
                            "value=250,step_per_substream=2"),
        };
        const auto heaps = send_all(c);
        // 3 descriptor heaps, 12 data heaps, 3 stop heaps.
        CPPUNIT_ASSERT_EQUAL(std::size_t(18), heaps.size());
        const std::uint64_t top = (std::uint64_t(1) << 48) - 1;
        for (std::size_t d = 0; d < 3; d++) {
            const sent_heap& h = heaps[d];
            CPPUNIT_ASSERT_EQUAL(d == 0 ? std::uint64_t(1) : top - (d - 1), h.heap.cnt);
            CPPUNIT_ASSERT_EQUAL(d, h.destination);
            // The descriptors decode to what the items describe.
            std::vector<protocol::descriptor> found;
            for (const auto& i : h.items) {
                if (i.id != protocol::DESCRIPTOR_ID)
                    continue;
                found.push_back(*protocol::decode_descriptor(
                    h.heap.payload.data() + i.offset, i.length, 0));
            }
            CPPUNIT_ASSERT_EQUAL(std::size_t(3), found.size());
            // Immediates first.
            CPPUNIT_ASSERT_EQUAL(std::string("ts"), found[0].name);
            CPPUNIT_ASSERT(
                (found[0].format == std::vector<protocol::format_field>{ { 'u', 48 } }));
            CPPUNIT_ASSERT_EQUAL(std::string("feng"), found[1].name);
            CPPUNIT_ASSERT(
                (found[1].format == std::vector<protocol::format_field>{ { 'u', 8 } }));
            CPPUNIT_ASSERT_EQUAL(std::string("raw"), found[2].name);
            CPPUNIT_ASSERT_EQUAL(
                std::string(
                    "{'descr': '>i2', 'fortran_order': False, 'shape': (4, 300)}"),
                found[2].numpy_header);
        }
        for (std::size_t g = 0; g < 12; g++) {
            const sent_heap& h = heaps[3 + g];
            const std::size_t s = g % 2, k = g / 2, sub = k % 3, frame = k / 3;
            CPPUNIT_ASSERT(h.data);
            CPPUNIT_ASSERT_EQUAL(std::uint64_t(g + 4), h.heap.cnt);
            CPPUNIT_ASSERT_EQUAL(sub, h.destination);
            CPPUNIT_ASSERT_EQUAL(std::uint64_t(9 + 1000 * frame), immediate(h, 0x1600));
            // u8: cut to 8 bits (250 + sender + 2 x substream wraps past 255).
            CPPUNIT_ASSERT_EQUAL(std::uint64_t((250 + s + 2 * sub) & 0xff),
                                 immediate(h, 0x4101));
            // Channel 5 is row 1 of substream 1's heap: 300 big-endian int16 ones.
            const auto raw = h.bytes(0x4300);
            CPPUNIT_ASSERT_EQUAL(std::size_t(2400), raw.size());
            for (std::size_t i = 0; i < 1200; i++) {
                const int v = std::int16_t(raw[2 * i] << 8 | raw[2 * i + 1]);
                CPPUNIT_ASSERT_EQUAL(sub == 1 && i / 300 == 1 ? 1 : 0, v);
            }
        }
        for (std::size_t d = 0; d < 3; d++) {
            const sent_heap& h = heaps[15 + d];
            CPPUNIT_ASSERT_EQUAL(std::uint64_t(16 + d), h.heap.cnt);
            CPPUNIT_ASSERT_EQUAL(d, h.destination);
            CPPUNIT_ASSERT_EQUAL(protocol::CTRL_STREAM_STOP,
                                 immediate(h, protocol::STREAM_CTRL_ID));
        }
    }

    void test_descriptors_repeat_and_start_heaps()
    {
        send_config c;
        c.packet_size = 512;
        c.heaps = 10;
        c.senders = 2;
        c.start_heap = true;
        c.descriptors_every = 4;
        c.layout.items = { parse_item_spec("name=x,id=0x1700,shape=1000,dtype=u1") };
        const auto heaps = send_all(c);
        const std::uint64_t top = (std::uint64_t(1) << 40) - 1;
        std::vector<std::uint64_t> order;
        for (const auto& h : heaps)
            order.push_back(h.item(protocol::DESCRIPTOR_ID) ? 1000 + h.heap.cnt
                            : h.item(protocol::STREAM_CTRL_ID)
                                ? 2000 + immediate(h, protocol::STREAM_CTRL_ID)
                                : h.heap.cnt);
        // Start heap, descriptors, heaps 0-3, descriptors, 4-7, descriptors, 8-9, stop.
        // A repeat goes out when heap 4 (8) begins: after heap 3's (7's) last packet,
        // before any packet of heaps 4 and 5 (8 and 9).
        const std::vector<std::uint64_t> expected{ 2000, 1001,           4,  5,  6,
                                                   7,    1000 + top - 1, 8,  9,  10,
                                                   11,   1000 + top - 2, 12, 13, 2002 };
        CPPUNIT_ASSERT(order == expected);
        CPPUNIT_ASSERT_EQUAL(top, heaps[0].heap.cnt);
        CPPUNIT_ASSERT_EQUAL(protocol::CTRL_STREAM_START,
                             immediate(heaps[0], protocol::STREAM_CTRL_ID));
    }

    void test_more_destinations_than_substreams()
    {
        send_config c;
        c.destinations = { { "a", 1 }, { "b", 1 }, { "c", 1 } };
        c.substreams = 2;
        try {
            heap_factory f(c);
            CPPUNIT_FAIL("3 destinations for 2 substreams were accepted");
        } catch (const std::invalid_argument& e) {
            CPPUNIT_ASSERT(std::string(e.what()).find("substreams") != std::string::npos);
        }
    }

    void test_too_many_immediates()
    {
        send_config c;
        for (int i = 0; i < 12; i++)
            c.layout.items.push_back(parse_item_spec("name=i" + std::to_string(i) +
                                                     ",id=" + std::to_string(0x1000 + i) +
                                                     ",immediate"));
        try {
            heap_factory f(c);
            CPPUNIT_FAIL("12 immediates were accepted");
        } catch (const std::invalid_argument& e) {
            CPPUNIT_ASSERT(std::string(e.what()).find("at most 11 immediates") !=
                           std::string::npos);
        }
        c.layout.items.pop_back();
        heap_factory f(c);
        CPPUNIT_ASSERT_EQUAL(std::size_t(11), f.items().size());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(qa_send_heaps);
