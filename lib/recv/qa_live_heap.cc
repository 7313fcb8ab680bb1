/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// Heap assembly (SPEAD-PROTOCOL.md section 4). Packets are built by hand with the
// protocol tests' byte-level builder, or by the heap encoder where a realistic multi-
// packet heap is wanted; expected bytes, items and results follow from the document.

#include "../protocol/qa_packet_builder.h"
#include "qa_live_heap_support.h"
#include <gnuradio/spead/protocol/heap_encoder.h>
#include <gnuradio/spead/protocol/item_ids.h>
#include <gnuradio/spead/recv/live_heap.h>
#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>
#include <algorithm>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

using namespace gr::spead::protocol;
using namespace gr::spead::recv;
using namespace gr::spead::qa;

namespace {

using result = live_heap::add_result;
using ranges = std::vector<std::pair<std::size_t, std::size_t>>;

std::string name(result r)
{
    switch (r) {
    case result::accepted:
        return "accepted";
    case result::duplicate:
        return "duplicate";
    case result::out_of_order:
        return "out_of_order";
    case result::heap_length_mismatch:
        return "heap_length_mismatch";
    case result::flavour_mismatch:
        return "flavour_mismatch";
    case result::too_large:
        return "too_large";
    case result::unsized:
        return "unsized";
    case result::allocation_failed:
        return "allocation_failed";
    }
    return "?";
}

#define ASSERT_RESULT(expected, actual) CPPUNIT_ASSERT_EQUAL(name(expected), name(actual))

/// Recognisable payload bytes: byte i is (i * 7 + seed) mod 256.
bytes pattern(std::size_t n, std::uint8_t seed = 3)
{
    bytes out(n);
    for (std::size_t i = 0; i < n; i++)
        out[i] = std::uint8_t(i * 7 + seed);
    return out;
}

bytes slice(const bytes& b, std::size_t start, std::size_t end)
{
    return bytes(b.begin() + start, b.begin() + end);
}

constexpr int A40 = 40;
constexpr int A48 = 48;
constexpr std::uint64_t CNT = 9;

std::uint64_t imm(std::uint64_t id, std::uint64_t v, int bits = A40)
{
    return immediate_ptr(id, v, bits);
}
std::uint64_t adr(std::uint64_t id, std::uint64_t v, int bits = A40)
{
    return addressed_ptr(id, v, bits);
}

/// A packet of heap CNT: \p heap_length < 0 leaves HEAP_LENGTH out.
bytes packet(std::int64_t heap_length,
             std::uint64_t offset,
             const bytes& payload,
             const std::vector<std::uint64_t>& extra = {},
             int bits = A40)
{
    return build_data_packet(bits, CNT, heap_length, offset, payload, extra);
}

result add(live_heap& h, const bytes& datagram)
{
    return h.add_packet(decode_valid(datagram));
}

live_heap_options make_options(std::shared_ptr<memory_allocator> allocator,
                               bool out_of_order = false)
{
    live_heap_options options;
    options.allocator = std::move(allocator);
    options.allow_out_of_order = out_of_order;
    return options;
}

heap_item immediate_item(std::uint64_t id, std::uint64_t value)
{
    heap_item item;
    item.id = id;
    item.immediate = true;
    item.value = value;
    return item;
}

heap_item addressed_item(std::uint64_t id, std::size_t offset, std::size_t length)
{
    heap_item item;
    item.id = id;
    item.offset = offset;
    item.length = length;
    return item;
}

std::string describe(const std::vector<heap_item>& items)
{
    std::string out;
    for (const heap_item& i : items)
        out += "{id " + std::to_string(i.id) + (i.immediate ? " imm " : " adr ") +
               std::to_string(i.value) + " @" + std::to_string(i.offset) + "+" +
               std::to_string(i.length) + "} ";
    return out;
}

void check_items(const std::vector<heap_item>& expected, const heap& h)
{
    CPPUNIT_ASSERT_EQUAL(describe(expected), describe(h.get_items().to_vector()));
}

void check_payload(const bytes& expected, const heap& h)
{
    CPPUNIT_ASSERT_EQUAL(expected.size(), h.payload_size());
    CPPUNIT_ASSERT(h.payload() != nullptr);
    CPPUNIT_ASSERT(std::memcmp(expected.data(), h.payload(), expected.size()) == 0);
}

std::string describe(const ranges& r)
{
    std::string out;
    for (const auto& p : r)
        out += "[" + std::to_string(p.first) + "," + std::to_string(p.second) + ") ";
    return out;
}

/// An 80-byte item and an immediate, cut by the encoder into 4 SPEAD-64-40 packets:
/// 64-byte packets leave 24 payload bytes after 4 packet pointers, and the first packet
/// also carries the 2 item pointers, leaving 8: 8 + 24 + 24 + 24 = 80.
std::vector<bytes> encode_four_packet_heap(const bytes& data)
{
    heap_contents contents;
    contents.cnt = CNT;
    contents.items.push_back(encoder_item::make_addressed(0x1000, data));
    contents.items.push_back(encoder_item::make_immediate(0x1001, 0x1234));
    encoder_options options;
    options.max_packet_size = 64;
    return encode_heap(contents, options);
}

std::size_t copies = 0;
void* counting_copy(void* dest, const void* src, std::size_t n)
{
    copies++;
    return std::memcpy(dest, src, n);
}

} // namespace

class qa_live_heap : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(qa_live_heap);
    CPPUNIT_TEST(test_complete_in_order);
    CPPUNIT_TEST(test_replaced_payload_keeps_what_arrived);
    CPPUNIT_TEST(test_single_packet_heap);
    CPPUNIT_TEST(test_out_of_order_every_permutation);
    CPPUNIT_TEST(test_duplicates_and_overlaps_rejected);
    CPPUNIT_TEST(test_zero_length_packets_out_of_order);
    CPPUNIT_TEST(test_in_order_mode_rejects_other_offsets);
    CPPUNIT_TEST(test_heap_length_disagrees);
    CPPUNIT_TEST(test_pointer_beyond_heap_length);
    CPPUNIT_TEST(test_late_heap_length);
    CPPUNIT_TEST(test_late_heap_length_too_small);
    CPPUNIT_TEST(test_flavour_mismatch);
    CPPUNIT_TEST(test_hostile_heap_length_allocates_nothing);
    CPPUNIT_TEST(test_heap_length_max_boundary);
    CPPUNIT_TEST(test_unsized_growth_and_boundary);
    CPPUNIT_TEST(test_unsized_empty_packet_before_any_memory);
    CPPUNIT_TEST(test_unsized_refused_when_disallowed);
    CPPUNIT_TEST(test_allocation_failure);
    CPPUNIT_TEST(test_allocation_failure_while_growing);
    CPPUNIT_TEST(test_repeated_pointers_counted_once);
    CPPUNIT_TEST(test_many_repeated_pointers_counted_once);
    CPPUNIT_TEST(test_refused_packet_keeps_nothing);
    CPPUNIT_TEST(test_stream_control);
    CPPUNIT_TEST(test_finish_flavour);
    CPPUNIT_TEST(test_finish_incomplete_out_of_order_ranges);
    CPPUNIT_TEST(test_finish_incomplete_in_order_ranges);
    CPPUNIT_TEST(test_finish_unsized);
    CPPUNIT_TEST(test_memory_returned);
    CPPUNIT_TEST(test_reset_reuses_as_new);
    CPPUNIT_TEST(test_custom_copy_function);
    CPPUNIT_TEST_SUITE_END();

public:
    void test_replaced_payload_keeps_what_arrived()
    {
        // A heap moved to other memory halfway (what the sample source does to take
        // back output buffer memory) completes there with every byte, in order and out
        // of order; its first memory goes back at once.
        const bytes data = pattern(80);
        const std::vector<bytes> packets = encode_four_packet_heap(data);
        for (bool out_of_order : { false, true }) {
            auto allocator = std::make_shared<counting_allocator>();
            const live_heap_options options = make_options(allocator, out_of_order);
            live_heap h(CNT, options);
            ASSERT_RESULT(result::accepted, add(h, packets[0]));
            ASSERT_RESULT(result::accepted, add(h, packets[out_of_order ? 2 : 1]));
            const std::uint8_t* first = h.get_payload_memory().get();
            auto other = std::make_shared<memory_allocator>();
            h.replace_payload(other->allocate(h.get_payload_capacity()));
            CPPUNIT_ASSERT(h.get_payload_memory().get() != first);
            CPPUNIT_ASSERT_EQUAL(std::size_t(1), allocator->frees);
            ASSERT_RESULT(result::accepted, add(h, packets[out_of_order ? 1 : 2]));
            ASSERT_RESULT(result::accepted, add(h, packets[3]));
            CPPUNIT_ASSERT(h.is_complete());
            check_payload(data, h.finish(false));
        }
    }

    void test_complete_in_order()
    {
        const bytes data = pattern(80);
        const std::vector<bytes> packets = encode_four_packet_heap(data);
        CPPUNIT_ASSERT_EQUAL(std::size_t(4), packets.size());

        auto allocator = std::make_shared<counting_allocator>();
        const live_heap_options options = make_options(allocator);
        live_heap h(CNT, options);
        for (std::size_t i = 0; i < packets.size(); i++) {
            CPPUNIT_ASSERT(!h.is_complete());
            ASSERT_RESULT(result::accepted, add(h, packets[i]));
        }
        CPPUNIT_ASSERT(h.is_complete());
        CPPUNIT_ASSERT(h.is_contiguous());
        CPPUNIT_ASSERT_EQUAL(std::size_t(4), h.get_packets());
        CPPUNIT_ASSERT_EQUAL(std::size_t(80), h.get_received_length());
        // Allocated once, from HEAP_LENGTH, at the first packet.
        CPPUNIT_ASSERT(allocator->sizes == std::vector<std::size_t>{ 80 });

        const heap done = h.finish(false);
        CPPUNIT_ASSERT(done.is_complete());
        CPPUNIT_ASSERT_EQUAL(CNT, done.get_cnt());
        CPPUNIT_ASSERT_EQUAL(std::int64_t(80), done.get_heap_length());
        CPPUNIT_ASSERT_EQUAL(std::size_t(80), done.get_received_length());
        CPPUNIT_ASSERT(done.get_payload_ranges().empty());
        check_payload(data, done);
        check_items({ addressed_item(0x1000, 0, 80), immediate_item(0x1001, 0x1234) },
                    done);
    }

    void test_single_packet_heap()
    {
        auto allocator = std::make_shared<counting_allocator>();
        const live_heap_options options = make_options(allocator);
        live_heap h(CNT, options);
        const bytes data = pattern(16);
        ASSERT_RESULT(result::accepted,
                      add(h, packet(16, 0, data, { adr(0x1000, 0), adr(0x1001, 8) })));
        CPPUNIT_ASSERT(h.is_complete());

        const heap done = h.finish(true);
        CPPUNIT_ASSERT(done.is_complete());
        CPPUNIT_ASSERT(done.get_payload_ranges().empty());
        check_payload(data, done);
        check_items({ addressed_item(0x1000, 0, 8), addressed_item(0x1001, 8, 8) }, done);
    }

    void test_out_of_order_every_permutation()
    {
        const bytes data = pattern(80, 11);
        const std::vector<bytes> packets = encode_four_packet_heap(data);
        CPPUNIT_ASSERT_EQUAL(std::size_t(4), packets.size());

        auto allocator = std::make_shared<counting_allocator>();
        const live_heap_options options = make_options(allocator, true);
        std::vector<std::size_t> order = { 0, 1, 2, 3 };
        int permutations = 0;
        do {
            const std::string label = "order " + std::to_string(order[0]) +
                                      std::to_string(order[1]) +
                                      std::to_string(order[2]) + std::to_string(order[3]);
            live_heap h(CNT, options);
            for (std::size_t i = 0; i < order.size(); i++) {
                CPPUNIT_ASSERT_MESSAGE(label, !h.is_complete());
                CPPUNIT_ASSERT_EQUAL_MESSAGE(
                    label, name(result::accepted), name(add(h, packets[order[i]])));
            }
            CPPUNIT_ASSERT_MESSAGE(label, h.is_complete());
            CPPUNIT_ASSERT_MESSAGE(label, h.is_contiguous());
            const heap done = h.finish(true);
            CPPUNIT_ASSERT_MESSAGE(label, done.is_complete());
            check_payload(data, done);
            check_items({ addressed_item(0x1000, 0, 80), immediate_item(0x1001, 0x1234) },
                        done);
            permutations++;
        } while (std::next_permutation(order.begin(), order.end()));
        CPPUNIT_ASSERT_EQUAL(24, permutations);
    }

    void test_duplicates_and_overlaps_rejected()
    {
        const live_heap_options options =
            make_options(std::make_shared<counting_allocator>(), true);
        const bytes data = pattern(40);
        live_heap h(CNT, options);
        ASSERT_RESULT(result::accepted, add(h, packet(40, 0, slice(data, 0, 10))));
        // The same packet again, a packet straddling its end, one sharing its last byte.
        ASSERT_RESULT(result::duplicate, add(h, packet(40, 0, slice(data, 0, 10))));
        ASSERT_RESULT(result::duplicate, add(h, packet(40, 5, slice(data, 5, 15))));
        ASSERT_RESULT(result::duplicate, add(h, packet(40, 9, slice(data, 9, 10))));
        ASSERT_RESULT(result::accepted, add(h, packet(40, 30, slice(data, 30, 40))));
        // Overlapping the start of a later range, and covering a whole earlier one.
        ASSERT_RESULT(result::duplicate, add(h, packet(40, 25, slice(data, 25, 31))));
        ASSERT_RESULT(result::duplicate, add(h, packet(40, 0, slice(data, 0, 40))));
        CPPUNIT_ASSERT_EQUAL(std::size_t(20), h.get_received_length());
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), h.get_packets());
        // The gap exactly: fits between both neighbours and merges with them.
        ASSERT_RESULT(result::accepted, add(h, packet(40, 10, slice(data, 10, 30))));
        CPPUNIT_ASSERT(h.is_complete());
        CPPUNIT_ASSERT(h.is_contiguous());
        check_payload(data, h.finish(false));
    }

    void test_zero_length_packets_out_of_order()
    {
        // spead2's ranges: an empty payload inside received bytes is a duplicate, one
        // where they end is accepted, and one in a gap leaves an empty range there, which
        // a later packet across the gap overlaps (checked against spead2 4.4.1).
        const live_heap_options options =
            make_options(std::make_shared<counting_allocator>(), true);
        const bytes data = pattern(20);
        live_heap h(CNT, options);
        ASSERT_RESULT(result::accepted, add(h, packet(20, 0, slice(data, 0, 10))));
        ASSERT_RESULT(result::duplicate, add(h, packet(20, 5, {}, { imm(0x1002, 1) })));
        ASSERT_RESULT(result::accepted, add(h, packet(20, 10, {}, { imm(0x1001, 9) })));
        ASSERT_RESULT(result::accepted, add(h, packet(20, 15, {})));
        CPPUNIT_ASSERT_EQUAL(std::size_t(10), h.get_received_length());
        ASSERT_RESULT(result::duplicate, add(h, packet(20, 10, slice(data, 10, 20))));
        ASSERT_RESULT(result::accepted, add(h, packet(20, 10, slice(data, 10, 15))));
        ASSERT_RESULT(result::accepted, add(h, packet(20, 15, slice(data, 15, 20))));
        CPPUNIT_ASSERT(h.is_complete());
        const heap done = h.finish(false);
        check_payload(data, done);
        check_items({ immediate_item(0x1001, 9) }, done);
    }

    void test_in_order_mode_rejects_other_offsets()
    {
        const live_heap_options options =
            make_options(std::make_shared<counting_allocator>());
        const bytes data = pattern(30);
        live_heap h(CNT, options);
        // A heap must start at 0.
        ASSERT_RESULT(result::out_of_order, add(h, packet(30, 10, slice(data, 10, 20))));
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), h.get_packets());
        ASSERT_RESULT(result::accepted, add(h, packet(30, 0, slice(data, 0, 10))));
        // A skip ahead, and a repeat, are both "not where the last one ended".
        ASSERT_RESULT(result::out_of_order, add(h, packet(30, 20, slice(data, 20, 30))));
        ASSERT_RESULT(result::out_of_order, add(h, packet(30, 0, slice(data, 0, 10))));
        CPPUNIT_ASSERT_EQUAL(std::size_t(10), h.get_received_length());
        ASSERT_RESULT(result::accepted, add(h, packet(30, 10, slice(data, 10, 20))));
        ASSERT_RESULT(result::accepted, add(h, packet(30, 20, slice(data, 20, 30))));
        CPPUNIT_ASSERT(h.is_complete());
        check_payload(data, h.finish(false));
    }

    void test_heap_length_disagrees()
    {
        const live_heap_options options =
            make_options(std::make_shared<counting_allocator>(), true);
        const bytes data = pattern(50);
        live_heap h(CNT, options);
        ASSERT_RESULT(result::accepted, add(h, packet(40, 0, slice(data, 0, 10))));
        ASSERT_RESULT(result::heap_length_mismatch,
                      add(h, packet(50, 10, slice(data, 10, 20))));
        // Without HEAP_LENGTH inside the heap: fine.
        ASSERT_RESULT(result::accepted, add(h, packet(-1, 30, slice(data, 30, 35))));
        // Without HEAP_LENGTH a packet is not held to the heap's length (as in spead2):
        // accepted, it stretches the extent past it...
        ASSERT_RESULT(result::accepted, add(h, packet(-1, 35, slice(data, 35, 45))));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(40), h.get_heap_length());
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(45), h.get_min_length());
        // ...so that a packet stating HEAP_LENGTH 40 is now refused, and the heap can
        // never be complete.
        ASSERT_RESULT(result::heap_length_mismatch,
                      add(h, packet(40, 10, slice(data, 10, 20))));
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), h.get_packets());
        CPPUNIT_ASSERT(!h.is_complete());
        CPPUNIT_ASSERT(!h.finish(false).is_complete());
    }

    void test_pointer_beyond_heap_length()
    {
        const live_heap_options options =
            make_options(std::make_shared<counting_allocator>(), true);
        const bytes data = pattern(40);
        {
            // spead2 accepts the packet; the pointer stretches the heap's extent past
            // HEAP_LENGTH, so later packets stating HEAP_LENGTH are refused and the heap
            // never completes (checked against spead2 4.4.1).
            live_heap h(CNT, options);
            ASSERT_RESULT(result::accepted,
                          add(h, packet(40, 0, slice(data, 0, 10), { adr(0x1000, 41) })));
            CPPUNIT_ASSERT_EQUAL(std::uint64_t(41), h.get_min_length());
            ASSERT_RESULT(result::heap_length_mismatch,
                          add(h, packet(40, 10, slice(data, 10, 20))));
            ASSERT_RESULT(result::accepted, add(h, packet(-1, 10, slice(data, 10, 40))));
            CPPUNIT_ASSERT_EQUAL(std::size_t(40), h.get_received_length());
            CPPUNIT_ASSERT(!h.is_complete());
            CPPUNIT_ASSERT(!h.is_contiguous());
            const heap done = h.finish(false);
            CPPUNIT_ASSERT(!done.is_complete());
            // Its items never reach past the heap's memory.
            CPPUNIT_ASSERT(done.payload_size() <= 40);
        }
        {
            // An offset equal to the length is allowed (an empty item at the very end).
            live_heap h(CNT, options);
            ASSERT_RESULT(result::accepted,
                          add(h, packet(40, 0, slice(data, 0, 40), { adr(0x1000, 40) })));
            CPPUNIT_ASSERT(h.is_complete());
        }
        {
            // A packet without HEAP_LENGTH may carry payload past it: spead2 accepts it,
            // grows the heap (min_length) and never completes it. The heap delivered is
            // incomplete and longer than HEAP_LENGTH (found by fuzz_tcp_stream).
            const bytes more = pattern(60);
            live_heap h(CNT, options);
            ASSERT_RESULT(result::accepted, add(h, packet(14, 0, slice(more, 0, 14))));
            ASSERT_RESULT(result::accepted, add(h, packet(-1, 50, slice(more, 50, 60))));
            CPPUNIT_ASSERT_EQUAL(std::uint64_t(60), h.get_min_length());
            CPPUNIT_ASSERT(!h.is_complete());
            const heap done = h.finish(true);
            CPPUNIT_ASSERT(!done.is_complete());
            CPPUNIT_ASSERT_EQUAL(std::int64_t(14), done.get_heap_length());
            CPPUNIT_ASSERT_EQUAL(std::size_t(60), done.payload_size());
            CPPUNIT_ASSERT_EQUAL(std::size_t(24), done.get_received_length());
        }
    }

    void test_late_heap_length()
    {
        // The length arrives with the second packet: memory grows to exactly it.
        auto allocator = std::make_shared<counting_allocator>();
        const live_heap_options options = make_options(allocator);
        const bytes data = pattern(300);
        live_heap h(CNT, options);
        ASSERT_RESULT(result::accepted,
                      add(h, packet(-1, 0, slice(data, 0, 100), { adr(0x1000, 0) })));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(-1), h.get_heap_length());
        ASSERT_RESULT(result::accepted, add(h, packet(300, 100, slice(data, 100, 200))));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(300), h.get_heap_length());
        CPPUNIT_ASSERT(!h.is_complete());
        ASSERT_RESULT(result::accepted, add(h, packet(-1, 200, slice(data, 200, 300))));
        CPPUNIT_ASSERT(h.is_complete());
        CPPUNIT_ASSERT_EQUAL(std::size_t(300), allocator->sizes.back());
        const heap done = h.finish(false);
        CPPUNIT_ASSERT(done.is_complete());
        check_payload(data, done);
        check_items({ addressed_item(0x1000, 0, 300) }, done);
        // The first (unsized) buffer went back when the heap grew.
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), allocator->live.size());
    }

    void test_late_heap_length_too_small()
    {
        const live_heap_options options =
            make_options(std::make_shared<counting_allocator>(), true);
        const bytes data = pattern(60);
        {
            // 30 bytes arrived; a HEAP_LENGTH of 20 cannot be right.
            live_heap h(CNT, options);
            ASSERT_RESULT(result::accepted, add(h, packet(-1, 0, slice(data, 0, 30))));
            ASSERT_RESULT(result::heap_length_mismatch, add(h, packet(20, 0, {})));
            CPPUNIT_ASSERT_EQUAL(std::int64_t(-1), h.get_heap_length());
        }
        {
            // A pointer at offset 50 arrived; a HEAP_LENGTH of 40 cannot be right, 50
            // can.
            live_heap h(CNT, options);
            ASSERT_RESULT(result::accepted,
                          add(h, packet(-1, 0, slice(data, 0, 10), { adr(0x1000, 50) })));
            ASSERT_RESULT(result::heap_length_mismatch,
                          add(h, packet(40, 10, slice(data, 10, 20))));
            ASSERT_RESULT(result::accepted, add(h, packet(50, 10, slice(data, 10, 20))));
            CPPUNIT_ASSERT_EQUAL(std::int64_t(50), h.get_heap_length());
        }
    }

    void test_flavour_mismatch()
    {
        const live_heap_options options =
            make_options(std::make_shared<counting_allocator>(), true);
        const bytes data = pattern(20);
        live_heap h(CNT, options);
        ASSERT_RESULT(result::accepted, add(h, packet(20, 0, slice(data, 0, 10))));
        ASSERT_RESULT(result::flavour_mismatch,
                      add(h, packet(20, 10, slice(data, 10, 20), {}, A48)));
        CPPUNIT_ASSERT_EQUAL(std::size_t(10), h.get_received_length());
        ASSERT_RESULT(result::accepted, add(h, packet(20, 10, slice(data, 10, 20))));
        CPPUNIT_ASSERT(h.is_complete());
    }

    void test_hostile_heap_length_allocates_nothing()
    {
        auto allocator = std::make_shared<counting_allocator>();
        const live_heap_options options = make_options(allocator, true);
        live_heap h(CNT, options);
        const std::int64_t hostile = std::int64_t(1) << 40; // needs 64-48 to be sent
        ASSERT_RESULT(result::too_large, add(h, packet(hostile, 0, pattern(8), {}, A48)));
        CPPUNIT_ASSERT(allocator->sizes.empty());
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), h.get_packets());
        CPPUNIT_ASSERT_EQUAL(std::int64_t(-1), h.get_heap_length());
        // The refused packet fixed nothing, not even the address width.
        ASSERT_RESULT(result::accepted, add(h, packet(8, 0, pattern(8))));
        CPPUNIT_ASSERT(allocator->sizes == std::vector<std::size_t>{ 8 });
    }

    void test_heap_length_max_boundary()
    {
        auto allocator = std::make_shared<counting_allocator>();
        live_heap_options options = make_options(allocator);
        options.max_heap_size = 64;
        {
            live_heap h(CNT, options);
            ASSERT_RESULT(result::accepted, add(h, packet(64, 0, pattern(64))));
            CPPUNIT_ASSERT(h.is_complete());
        }
        {
            live_heap h(CNT, options);
            ASSERT_RESULT(result::too_large, add(h, packet(65, 0, pattern(8))));
        }
        CPPUNIT_ASSERT(allocator->sizes == std::vector<std::size_t>{ 64 });
    }

    void test_unsized_empty_packet_before_any_memory()
    {
        // Out of order and unsized, an empty packet comes first: it leaves an empty range
        // while the heap has no memory yet; growing the heap for the next packet must not
        // copy from the missing memory (found by fuzz_tcp_stream under UBSan: a null
        // source for a zero-length copy; the ASan + UBSan run of this suite catches it).
        auto allocator = std::make_shared<counting_allocator>();
        const live_heap_options options = make_options(allocator, true);
        const bytes data = pattern(64);
        live_heap h(CNT, options);
        ASSERT_RESULT(result::accepted, add(h, packet(-1, 0, {})));
        CPPUNIT_ASSERT(allocator->live.empty());
        ASSERT_RESULT(result::accepted, add(h, packet(-1, 0, slice(data, 0, 32))));
        ASSERT_RESULT(result::accepted, add(h, packet(-1, 32, slice(data, 32, 64))));
        CPPUNIT_ASSERT_EQUAL(std::size_t(64), h.get_received_length());
        const heap done = h.finish(false);
        check_payload(data, done);
    }

    void test_unsized_growth_and_boundary()
    {
        auto allocator = std::make_shared<counting_allocator>();
        live_heap_options options = make_options(allocator);
        options.max_heap_size = 1000;
        const bytes data = pattern(1001);
        live_heap h(CNT, options);
        for (std::size_t offset = 0; offset < 1000; offset += 100) {
            ASSERT_RESULT(result::accepted,
                          add(h, packet(-1, offset, slice(data, offset, offset + 100))));
            CPPUNIT_ASSERT_EQUAL(std::size_t(1), allocator->live.size());
        }
        // Exactly max_heap_size arrived; one byte more is refused.
        ASSERT_RESULT(result::too_large,
                      add(h, packet(-1, 1000, slice(data, 1000, 1001))));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1000), h.get_received_length());

        // Growth at least doubles (so 10 packets cost a handful of allocations), never
        // past max_heap_size, and each buffer is large enough for what arrived.
        const std::vector<std::size_t>& sizes = allocator->sizes;
        CPPUNIT_ASSERT(sizes.size() <= 5);
        CPPUNIT_ASSERT(sizes.front() >= 100);
        for (std::size_t i = 1; i < sizes.size(); i++)
            CPPUNIT_ASSERT(sizes[i] >= std::min<std::size_t>(2 * sizes[i - 1], 1000));
        for (std::size_t s : sizes)
            CPPUNIT_ASSERT(s <= 1000);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1000), sizes.back());
        CPPUNIT_ASSERT_EQUAL(sizes.size() - 1, allocator->frees);

        const heap done = h.finish(false);
        CPPUNIT_ASSERT(done.is_complete()); // unsized and contiguous
        CPPUNIT_ASSERT_EQUAL(std::int64_t(-1), done.get_heap_length());
        check_payload(slice(data, 0, 1000), done);
    }

    void test_unsized_refused_when_disallowed()
    {
        live_heap_options options = make_options(std::make_shared<counting_allocator>());
        options.allow_unsized_heaps = false;
        const bytes data = pattern(20);
        {
            live_heap h(CNT, options);
            ASSERT_RESULT(result::unsized, add(h, packet(-1, 0, slice(data, 0, 10))));
            CPPUNIT_ASSERT_EQUAL(std::size_t(0), h.get_packets());
        }
        {
            // Even once the heap's length is known (spead2 refuses every such packet).
            live_heap h(CNT, options);
            ASSERT_RESULT(result::accepted, add(h, packet(20, 0, slice(data, 0, 10))));
            ASSERT_RESULT(result::unsized, add(h, packet(-1, 10, slice(data, 10, 20))));
            CPPUNIT_ASSERT(!h.is_complete());
        }
    }

    void test_allocation_failure()
    {
        auto allocator = std::make_shared<failing_allocator>(0);
        const live_heap_options options = make_options(allocator);
        live_heap h(CNT, options);
        ASSERT_RESULT(result::allocation_failed,
                      add(h, packet(20, 0, pattern(10), { imm(0x1001, 5) })));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), allocator->refused);
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), h.get_packets());
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), h.get_received_length());
        CPPUNIT_ASSERT_EQUAL(std::int64_t(-1), h.get_heap_length());
        const heap empty = h.finish(false);
        CPPUNIT_ASSERT(empty.get_items().empty());
        CPPUNIT_ASSERT(empty.payload() == nullptr);
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), empty.payload_size());
    }

    void test_allocation_failure_while_growing()
    {
        auto allocator = std::make_shared<failing_allocator>(1);
        const live_heap_options options = make_options(allocator);
        const bytes data = pattern(200);
        live_heap h(CNT, options);
        ASSERT_RESULT(result::accepted, add(h, packet(-1, 0, slice(data, 0, 100))));
        ASSERT_RESULT(result::allocation_failed,
                      add(h, packet(-1, 100, slice(data, 100, 200), { imm(0x1001, 5) })));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), allocator->refused);
        CPPUNIT_ASSERT_EQUAL(std::size_t(100), h.get_received_length());
        const heap done = h.finish(false);
        CPPUNIT_ASSERT(done.get_items().empty());
        check_payload(slice(data, 0, 100), done);
    }

    void test_repeated_pointers_counted_once()
    {
        const live_heap_options options =
            make_options(std::make_shared<counting_allocator>(), true);
        const bytes data = pattern(16);
        live_heap h(CNT, options);
        // Both packets repeat the same two pointers; the second adds one with the same ID
        // but another value, which is a different pointer.
        ASSERT_RESULT(
            result::accepted,
            add(h,
                packet(16, 8, slice(data, 8, 16), { imm(0x1001, 5), adr(0x1000, 0) })));
        ASSERT_RESULT(result::accepted,
                      add(h,
                          packet(16,
                                 0,
                                 slice(data, 0, 8),
                                 { imm(0x1001, 5), adr(0x1000, 0), imm(0x1001, 6) })));
        const heap done = h.finish(false);
        check_items({ addressed_item(0x1000, 0, 16),
                      immediate_item(0x1001, 5),
                      immediate_item(0x1001, 6) },
                    done);
    }

    void test_many_repeated_pointers_counted_once()
    {
        // More distinct pointers than a linear scan is used for.
        const live_heap_options options =
            make_options(std::make_shared<counting_allocator>());
        std::vector<std::uint64_t> pointers;
        std::vector<heap_item> expected;
        for (std::uint64_t i = 0; i < 100; i++) {
            pointers.push_back(imm(0x2000 + i, i));
            expected.push_back(immediate_item(0x2000 + i, i));
        }
        const bytes data = pattern(3);
        live_heap h(CNT, options);
        for (std::size_t offset = 0; offset < 3; offset++)
            ASSERT_RESULT(
                result::accepted,
                add(h, packet(3, offset, slice(data, offset, offset + 1), pointers)));
        check_items(expected, h.finish(false));
    }

    void test_refused_packet_keeps_nothing()
    {
        const live_heap_options options =
            make_options(std::make_shared<counting_allocator>(), true);
        const bytes data = pattern(20);
        live_heap h(CNT, options);
        ASSERT_RESULT(result::accepted, add(h, packet(20, 0, slice(data, 0, 10))));
        ASSERT_RESULT(
            result::duplicate,
            add(h,
                packet(20,
                       0,
                       slice(data, 0, 10),
                       { imm(STREAM_CTRL_ID, CTRL_STREAM_STOP), imm(0x1005, 1) })));
        CPPUNIT_ASSERT(!h.is_end_of_stream());
        ASSERT_RESULT(result::accepted, add(h, packet(20, 10, slice(data, 10, 20))));
        const heap done = h.finish(false);
        CPPUNIT_ASSERT(done.get_items().empty());
        CPPUNIT_ASSERT(!done.is_end_of_stream());
    }

    void test_stream_control()
    {
        const live_heap_options options =
            make_options(std::make_shared<counting_allocator>());
        {
            live_heap h(CNT, options);
            ASSERT_RESULT(
                result::accepted,
                add(h, packet(0, 0, {}, { imm(STREAM_CTRL_ID, CTRL_STREAM_START) })));
            CPPUNIT_ASSERT(!h.is_end_of_stream());
            const heap done = h.finish(false);
            CPPUNIT_ASSERT(done.is_start_of_stream());
            CPPUNIT_ASSERT(!done.is_end_of_stream());
            check_items({ immediate_item(STREAM_CTRL_ID, CTRL_STREAM_START) }, done);
        }
        {
            encoder_options encoder;
            const std::vector<bytes> stop = encode_stop_heap(CNT, encoder);
            live_heap h(CNT, options);
            for (const bytes& p : stop)
                ASSERT_RESULT(result::accepted, add(h, p));
            CPPUNIT_ASSERT(h.is_end_of_stream());
            const heap done = h.finish(false);
            CPPUNIT_ASSERT(done.is_end_of_stream());
            CPPUNIT_ASSERT(!done.is_start_of_stream());
        }
        {
            // Descriptor reissue is neither start nor stop.
            live_heap h(CNT, options);
            ASSERT_RESULT(
                result::accepted,
                add(h,
                    packet(0, 0, {}, { imm(STREAM_CTRL_ID, CTRL_DESCRIPTOR_REISSUE) })));
            CPPUNIT_ASSERT(!h.is_end_of_stream());
            const heap done = h.finish(false);
            CPPUNIT_ASSERT(!done.is_start_of_stream());
            CPPUNIT_ASSERT(!done.is_end_of_stream());
        }
    }

    void test_finish_flavour()
    {
        live_heap_options options = make_options(std::make_shared<counting_allocator>());
        options.bug_compat = BUG_COMPAT_PYSPEAD_0_5_2;
        live_heap h(CNT, options);
        ASSERT_RESULT(result::accepted,
                      add(h, packet(8, 0, pattern(8), { adr(0x1000, 0, A48) }, A48)));
        const heap done = h.finish(false);
        CPPUNIT_ASSERT(done.get_flavour() ==
                       flavour(4, 64, 48, BUG_COMPAT_PYSPEAD_0_5_2));
        check_items({ addressed_item(0x1000, 0, 8) }, done);
    }

    void test_finish_incomplete_out_of_order_ranges()
    {
        const live_heap_options options =
            make_options(std::make_shared<counting_allocator>(), true);
        const bytes data = pattern(100);
        const auto fill = [&](live_heap& h) {
            ASSERT_RESULT(
                result::accepted,
                add(h, packet(100, 90, slice(data, 90, 100), { adr(0x1000, 0) })));
            ASSERT_RESULT(result::accepted, add(h, packet(100, 30, slice(data, 30, 40))));
            ASSERT_RESULT(result::accepted, add(h, packet(100, 0, slice(data, 0, 10))));
            // Joins the range after it only, then one that joins the range before it.
            ASSERT_RESULT(result::accepted, add(h, packet(100, 20, slice(data, 20, 30))));
            ASSERT_RESULT(result::accepted, add(h, packet(100, 40, slice(data, 40, 45))));
        };
        {
            live_heap h(CNT, options);
            fill(h);
            CPPUNIT_ASSERT(!h.is_complete());
            CPPUNIT_ASSERT(!h.is_contiguous());
            const heap done = h.finish(true);
            CPPUNIT_ASSERT(!done.is_complete());
            CPPUNIT_ASSERT_EQUAL(std::int64_t(100), done.get_heap_length());
            CPPUNIT_ASSERT_EQUAL(std::size_t(45), done.get_received_length());
            CPPUNIT_ASSERT_EQUAL(describe(ranges{ { 0, 10 }, { 20, 45 }, { 90, 100 } }),
                                 describe(done.get_payload_ranges()));
            // Items are still located against the full HEAP_LENGTH.
            check_items({ addressed_item(0x1000, 0, 100) }, done);
            CPPUNIT_ASSERT_EQUAL(std::size_t(100), done.payload_size());
            CPPUNIT_ASSERT(std::memcmp(done.payload() + 20, data.data() + 20, 25) == 0);
        }
        {
            live_heap h(CNT, options);
            fill(h);
            const heap done = h.finish(false);
            CPPUNIT_ASSERT(!done.is_complete());
            CPPUNIT_ASSERT_EQUAL(std::size_t(45), done.get_received_length());
            CPPUNIT_ASSERT(done.get_payload_ranges().empty());
        }
    }

    void test_finish_incomplete_in_order_ranges()
    {
        const live_heap_options options =
            make_options(std::make_shared<counting_allocator>());
        const bytes data = pattern(30);
        {
            live_heap h(CNT, options);
            ASSERT_RESULT(result::accepted, add(h, packet(100, 0, slice(data, 0, 10))));
            ASSERT_RESULT(result::accepted, add(h, packet(100, 10, slice(data, 10, 30))));
            const heap done = h.finish(true);
            CPPUNIT_ASSERT(!done.is_complete());
            CPPUNIT_ASSERT_EQUAL(std::int64_t(100), done.get_heap_length());
            CPPUNIT_ASSERT_EQUAL(std::size_t(30), done.get_received_length());
            CPPUNIT_ASSERT_EQUAL(describe(ranges{ { 0, 30 } }),
                                 describe(done.get_payload_ranges()));
        }
        {
            // Only pointers arrived: nothing received, no range.
            live_heap h(CNT, options);
            ASSERT_RESULT(result::accepted,
                          add(h, packet(100, 0, {}, { imm(0x1001, 1) })));
            const heap done = h.finish(true);
            CPPUNIT_ASSERT(!done.is_complete());
            CPPUNIT_ASSERT_EQUAL(std::size_t(0), done.get_received_length());
            CPPUNIT_ASSERT(done.get_payload_ranges().empty());
        }
    }

    void test_finish_unsized()
    {
        const bytes data = pattern(30);
        {
            // An empty packet far out extends the heap but fills nothing: the bytes
            // below it never arrived, so the heap is not complete.
            const live_heap_options options =
                make_options(std::make_shared<counting_allocator>(), true);
            live_heap h(CNT, options);
            ASSERT_RESULT(result::accepted, add(h, packet(-1, 10240, bytes())));
            const heap done = h.finish(true);
            CPPUNIT_ASSERT(!done.is_complete());
            CPPUNIT_ASSERT_EQUAL(std::size_t(0), done.get_received_length());
            CPPUNIT_ASSERT_EQUAL(std::size_t(10240), done.payload_size());
        }
        {
            // The same after a first range from 0: contiguous so far, but short.
            const live_heap_options options =
                make_options(std::make_shared<counting_allocator>(), true);
            live_heap h(CNT, options);
            ASSERT_RESULT(result::accepted, add(h, packet(-1, 0, slice(data, 0, 10))));
            ASSERT_RESULT(result::accepted, add(h, packet(-1, 5000, bytes())));
            const heap done = h.finish(true);
            CPPUNIT_ASSERT(!done.is_complete());
            CPPUNIT_ASSERT_EQUAL(std::size_t(10), done.get_received_length());
            CPPUNIT_ASSERT_EQUAL(describe(ranges{ { 0, 10 } }),
                                 describe(done.get_payload_ranges()));
        }
        {
            // Out of order, with a gap: incomplete; the extent bounds the items.
            const live_heap_options options =
                make_options(std::make_shared<counting_allocator>(), true);
            live_heap h(CNT, options);
            ASSERT_RESULT(
                result::accepted,
                add(h, packet(-1, 20, slice(data, 20, 30), { adr(0x1000, 0) })));
            ASSERT_RESULT(result::accepted, add(h, packet(-1, 0, slice(data, 0, 10))));
            CPPUNIT_ASSERT(!h.is_complete());
            CPPUNIT_ASSERT(!h.is_contiguous());
            const heap done = h.finish(true);
            CPPUNIT_ASSERT(!done.is_complete());
            CPPUNIT_ASSERT_EQUAL(std::int64_t(-1), done.get_heap_length());
            CPPUNIT_ASSERT_EQUAL(std::size_t(20), done.get_received_length());
            CPPUNIT_ASSERT_EQUAL(std::size_t(30), done.payload_size());
            CPPUNIT_ASSERT_EQUAL(describe(ranges{ { 0, 10 }, { 20, 30 } }),
                                 describe(done.get_payload_ranges()));
            check_items({ addressed_item(0x1000, 0, 30) }, done);
        }
        {
            // Out of order, gap filled: contiguous, so complete.
            const live_heap_options options =
                make_options(std::make_shared<counting_allocator>(), true);
            live_heap h(CNT, options);
            ASSERT_RESULT(
                result::accepted,
                add(h, packet(-1, 20, slice(data, 20, 30), { adr(0x1000, 0) })));
            ASSERT_RESULT(result::accepted, add(h, packet(-1, 0, slice(data, 0, 20))));
            CPPUNIT_ASSERT(!h.is_complete()); // unsized heaps complete only when finished
            CPPUNIT_ASSERT(h.is_contiguous());
            const heap done = h.finish(true);
            CPPUNIT_ASSERT(done.is_complete());
            CPPUNIT_ASSERT(done.get_payload_ranges().empty());
            check_payload(data, done);
            check_items({ addressed_item(0x1000, 0, 30) }, done);
        }
    }

    void test_reset_reuses_as_new()
    {
        // A window slot keeps one live heap and resets it for each new counter: nothing
        // of the previous heap (memory, pointers, ranges, flags) may leak into the next.
        auto allocator = std::make_shared<counting_allocator>();
        const live_heap_options options = make_options(allocator, true);
        live_heap h(CNT, options);
        std::vector<std::uint64_t> many;
        for (std::uint64_t i = 0; i < 100; i++)
            many.push_back(imm(0x2000 + i, i));
        many.push_back(imm(STREAM_CTRL_ID, CTRL_STREAM_STOP));
        const bytes data = pattern(20);
        ASSERT_RESULT(result::accepted,
                      add(h, packet(20, 10, slice(data, 10, 20), many)));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), allocator->live.size());
        CPPUNIT_ASSERT(h.is_end_of_stream());

        h.reset(CNT + 1);
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), allocator->live.size());
        CPPUNIT_ASSERT_EQUAL(CNT + 1, h.get_cnt());
        CPPUNIT_ASSERT_EQUAL(std::int64_t(-1), h.get_heap_length());
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), h.get_received_length());
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), h.get_packets());
        CPPUNIT_ASSERT(!h.is_end_of_stream());
        CPPUNIT_ASSERT(!h.get_payload_memory());
        // Bytes 10-20 arrived for the old heap: for the new one they are new, of
        // another length, and the old pointers are gone.
        ASSERT_RESULT(
            result::accepted,
            add(h, packet(30, 10, slice(pattern(30), 10, 30), { imm(0x2000, 7) })));
        ASSERT_RESULT(result::accepted, add(h, packet(30, 0, slice(pattern(30), 0, 10))));
        CPPUNIT_ASSERT(h.is_complete());
        const heap done = h.finish(false);
        CPPUNIT_ASSERT_EQUAL(CNT + 1, done.get_cnt());
        check_items({ immediate_item(0x2000, 7) }, done);
        CPPUNIT_ASSERT(std::memcmp(done.payload(), pattern(30).data(), 30) == 0);
    }

    void test_memory_returned()
    {
        auto allocator = std::make_shared<counting_allocator>();
        const live_heap_options options = make_options(allocator);
        {
            live_heap h(CNT, options);
            ASSERT_RESULT(result::accepted, add(h, packet(40, 0, pattern(10))));
            CPPUNIT_ASSERT_EQUAL(std::size_t(1), allocator->live.size());
            {
                const heap done = h.finish(false);
                CPPUNIT_ASSERT_EQUAL(std::size_t(1), allocator->live.size());
            }
            CPPUNIT_ASSERT_EQUAL(std::size_t(0), allocator->live.size());
        }
        {
            // A live heap dropped unfinished gives its memory back too, as does a
            // delivered heap that was moved around.
            live_heap h(CNT, options);
            ASSERT_RESULT(result::accepted, add(h, packet(-1, 0, pattern(10))));
            ASSERT_RESULT(result::accepted, add(h, packet(-1, 10, pattern(30))));
            CPPUNIT_ASSERT_EQUAL(std::size_t(1), allocator->live.size());
        }
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), allocator->live.size());
        {
            live_heap h(CNT, options);
            ASSERT_RESULT(result::accepted, add(h, packet(10, 0, pattern(10))));
            heap moved;
            moved = h.finish(false);
            heap again(std::move(moved));
            CPPUNIT_ASSERT_EQUAL(std::size_t(1), allocator->live.size());
        }
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), allocator->live.size());
        CPPUNIT_ASSERT_EQUAL(allocator->sizes.size(), allocator->frees);
    }

    void test_custom_copy_function()
    {
        live_heap_options options = make_options(std::make_shared<counting_allocator>());
        options.copy = counting_copy;
        copies = 0;
        const bytes data = pattern(20);
        live_heap h(CNT, options);
        ASSERT_RESULT(result::accepted, add(h, packet(20, 0, slice(data, 0, 12))));
        ASSERT_RESULT(result::accepted, add(h, packet(20, 12, slice(data, 12, 20))));
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), copies);
        check_payload(data, h.finish(false));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(qa_live_heap);
