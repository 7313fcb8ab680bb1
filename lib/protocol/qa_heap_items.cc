/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "qa_packet_builder.h"
#include <gnuradio/spead/protocol/heap_items.h>
#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>

using namespace gr::spead::protocol;
using namespace gr::spead::qa;

namespace {

constexpr int A40 = 40;

std::uint64_t imm(std::uint64_t id, std::uint64_t v) { return immediate_ptr(id, v, A40); }
std::uint64_t adr(std::uint64_t id, std::uint64_t v) { return addressed_ptr(id, v, A40); }

heap_item addressed(std::uint64_t id, std::size_t offset, std::size_t length)
{
    heap_item item;
    item.id = id;
    item.offset = offset;
    item.length = length;
    return item;
}

heap_item immediate(std::uint64_t id, std::uint64_t value)
{
    heap_item item;
    item.id = id;
    item.immediate = true;
    item.value = value;
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

void check(const std::vector<heap_item>& expected, const std::vector<heap_item>& actual)
{
    CPPUNIT_ASSERT_EQUAL(describe(expected), describe(actual));
}

/// Both forms of extract_heap_items, which must agree (the list form is the one heaps
/// use, and stores up to four items without an allocation).
std::vector<heap_item> extract_both(const std::vector<std::uint64_t>& raw_pointers,
                                    int heap_address_bits,
                                    std::size_t payload_size)
{
    const std::vector<heap_item> items =
        extract_heap_items(raw_pointers, heap_address_bits, payload_size);
    heap_item_list list;
    list.push_back(heap_item()); // replaced, not appended to
    extract_heap_items(raw_pointers, heap_address_bits, payload_size, list);
    CPPUNIT_ASSERT_EQUAL(describe(items), describe(list.to_vector()));
    return items;
}

} // namespace

class qa_heap_items : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(qa_heap_items);
    CPPUNIT_TEST(test_lengths_by_offset_order);
    CPPUNIT_TEST(test_unsorted_offsets_come_sorted);
    CPPUNIT_TEST(test_many_items_reversed);
    CPPUNIT_TEST(test_null_terminator);
    CPPUNIT_TEST(test_immediate_null_dropped);
    CPPUNIT_TEST(test_zero_length_skipped);
    CPPUNIT_TEST(test_equal_offsets_stable);
    CPPUNIT_TEST(test_offset_beyond_payload_skipped);
    CPPUNIT_TEST(test_packet_ids_skipped);
    CPPUNIT_TEST(test_immediates);
    CPPUNIT_TEST(test_immediates_by_value_ties_in_arrival_order);
    CPPUNIT_TEST(test_address_width_48);
    CPPUNIT_TEST(test_empty);
    CPPUNIT_TEST_SUITE_END();

public:
    void test_lengths_by_offset_order()
    {
        // Offsets 0, 4, 10 in a 20-byte payload: lengths 4, 6, 10.
        check({ addressed(0x1000, 0, 4),
                addressed(0x1001, 4, 6),
                addressed(0x1002, 10, 10) },
              extract_both({ adr(0x1000, 0), adr(0x1001, 4), adr(0x1002, 10) }, A40, 20));
    }

    void test_unsorted_offsets_come_sorted()
    {
        // Checked against spead2 4.4.1 (get_items of the same heap).
        check({ addressed(0x1000, 0, 4),
                addressed(0x1001, 4, 6),
                addressed(0x1002, 10, 10) },
              extract_both({ adr(0x1002, 10), adr(0x1000, 0), adr(0x1001, 4) }, A40, 20));
    }

    void test_null_terminator()
    {
        // The NULL at 5 ends the item at 0; bytes 5-7 belong to nobody.
        check({ addressed(0x1000, 0, 5), addressed(0x1001, 8, 2) },
              extract_both({ adr(0x1000, 0), adr(0, 5), adr(0x1001, 8) }, A40, 10));
        // A NULL at the very end changes nothing and is itself dropped.
        check({ addressed(0x1000, 0, 10) },
              extract_both({ adr(0, 10), adr(0x1000, 0) }, A40, 10));
    }

    void test_immediate_null_dropped()
    {
        // An immediate NULL is padding: it neither appears nor ends an addressed item.
        check({ addressed(0x1000, 0, 10) },
              extract_both({ adr(0x1000, 0), imm(0, 5) }, A40, 10));
    }

    void test_zero_length_skipped()
    {
        // 0x1000 and 0x1001 share offset 4; the first gets no bytes.
        check({ addressed(0x1001, 4, 6) },
              extract_both({ adr(0x1000, 4), adr(0x1001, 4), adr(0x1002, 10) }, A40, 10));
    }

    void test_equal_offsets_stable()
    {
        // Of the two at offset 8, arrival order decides which one is cut to zero length,
        // even when they arrive before a smaller offset.
        check({ addressed(0x1004, 0, 8), addressed(0x1003, 8, 2) },
              extract_both({ adr(0x1002, 8), adr(0x1003, 8), adr(0x1004, 0) }, A40, 10));
        check({ addressed(0x1004, 0, 8), addressed(0x1002, 8, 2) },
              extract_both({ adr(0x1003, 8), adr(0x1002, 8), adr(0x1004, 0) }, A40, 10));
    }

    void test_many_items_reversed()
    {
        // 40 items of 3 bytes, listed last first (beyond the short-list sort): each still
        // gets its own 3 bytes, in offset order; a repeated offset among them (the pair
        // at 60) leaves the later-listed one the bytes, as for short lists.
        std::vector<std::uint64_t> pointers;
        std::vector<heap_item> expected;
        for (int i = 39; i >= 0; i--) {
            pointers.push_back(adr(0x1000 + i, 3 * i));
            if (i == 20)
                pointers.push_back(adr(0x2000, 60));
        }
        for (int i = 0; i < 40; i++)
            expected.push_back(addressed(i == 20 ? 0x2000 : 0x1000 + i, 3 * i, 3));
        check(expected, extract_both(pointers, A40, 120));
    }

    void test_offset_beyond_payload_skipped()
    {
        // 0x1001 points past the 20-byte payload; 0x1000 still ends at the payload's end.
        check({ addressed(0x1000, 0, 20) },
              extract_both({ adr(0x1000, 0), adr(0x1001, 50) }, A40, 20));
        // Past a sent HEAP_LENGTH that is smaller than what the pointers claim.
        check({}, extract_both({ adr(0x1000, 30) }, A40, 20));
    }

    void test_packet_ids_skipped()
    {
        check(
            { addressed(0x1000, 0, 8), immediate(0x6, 2) },
            extract_both(
                { imm(1, 9), imm(2, 8), imm(6, 2), imm(3, 0), imm(4, 8), adr(0x1000, 0) },
                A40,
                8));
    }

    void test_immediates()
    {
        const std::uint64_t max40 = (std::uint64_t(1) << 40) - 1;
        check({ addressed(0x1601, 0, 8),
                addressed(0x1602, 8, 24),
                immediate(0x1600, 1000000),
                immediate(0x1603, max40) },
              extract_both({ imm(0x1600, 1000000),
                             adr(0x1601, 0),
                             imm(0x1603, max40),
                             adr(0x1602, 8) },
                           A40,
                           32));
    }

    void test_immediates_by_value_ties_in_arrival_order()
    {
        // Addressed items first whatever the arrival order, then immediates by value;
        // 0x1001 and 0x1004 share the value 5 and keep their arrival order, as do
        // 0x1005 and 0x1002 at 9. Checked against spead2 4.4.1.
        check({ addressed(0x1006, 0, 4),
                immediate(0x1003, 1),
                immediate(0x1001, 5),
                immediate(0x1004, 5),
                immediate(0x1005, 9),
                immediate(0x1002, 9) },
              extract_both({ imm(0x1005, 9),
                             imm(0x1001, 5),
                             imm(0x1002, 9),
                             adr(0x1006, 0),
                             imm(0x1004, 5),
                             imm(0x1003, 1) },
                           A40,
                           4));
    }

    void test_address_width_48()
    {
        // 64-48: the spec's example item 0x1000 at offset 0 is 10 00 00 00 00 00 00 00.
        check({ addressed(0x1000, 0, 3), immediate(0x7fff, 0xffffffffffff) },
              extract_both({ 0x1000000000000000, 0xffffffffffffffff }, 48, 3));
    }

    void test_empty() { CPPUNIT_ASSERT(extract_both({}, A40, 100).empty()); }
};

CPPUNIT_TEST_SUITE_REGISTRATION(qa_heap_items);
