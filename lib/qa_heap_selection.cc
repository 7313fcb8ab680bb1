/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// Heap selection by an item's value (select_item, select_values): by name through the
// descriptors, by ID without them, values decoded by type (item_integer), and errors.

#include "heap_selection.h"
#include "item_integer.h"
#include "qa_block_heaps.h"
#include <cppunit/TestAssert.h>
#include <cppunit/extensions/HelperMacros.h>
#include <stdexcept>

namespace gr {
namespace spead {

namespace {

using protocol::encoder_item;
using verdict = heap_selection::verdict;

constexpr std::uint64_t FENG_ID = 0x4101, COUNT = 0x4102, GAIN = 0x4103, DATA = 0x4104;

protocol::descriptor
describe(std::uint64_t id, const std::string& name, const std::string& numpy_header)
{
    protocol::descriptor d;
    d.id = id;
    d.name = name;
    d.numpy_header = numpy_header;
    return d;
}

/// Heap 1: descriptors (feng_id '>u2' immediate, count '<i4', gain '>f4'); heaps
/// 2..5: feng_id 0..3, count (int32) 5 - 2 * feng_id, gain 1.5, 64 bytes of data;
/// heap 6: data only.
std::vector<recv::heap> stream_heaps()
{
    std::vector<protocol::heap_contents> heaps(1);
    heaps[0].cnt = 1;
    heaps[0].descriptors = {
        describe(
            FENG_ID, "feng_id", "{'descr': '>u2', 'fortran_order': False, 'shape': ()}"),
        describe(COUNT, "count", "{'descr': '<i4', 'fortran_order': False, 'shape': ()}"),
        describe(GAIN, "gain", "{'descr': '>f4', 'fortran_order': False, 'shape': ()}"),
    };
    for (std::uint64_t f = 0; f < 4; f++) {
        protocol::heap_contents h;
        h.cnt = 2 + f;
        const std::int32_t count = std::int32_t(5 - 2 * f);
        std::vector<std::uint8_t> le(4);
        for (int i = 0; i < 4; i++)
            le[std::size_t(i)] = std::uint8_t(std::uint32_t(count) >> (8 * i));
        h.items = { encoder_item::make_immediate(FENG_ID, f),
                    encoder_item::make_addressed(COUNT, le),
                    encoder_item::make_addressed(GAIN, { 0x3f, 0xc0, 0, 0 }),
                    encoder_item::make_addressed(DATA,
                                                 std::vector<std::uint8_t>(64, 7)) };
        heaps.push_back(h);
    }
    protocol::heap_contents last;
    last.cnt = 6;
    last.items = { encoder_item::make_addressed(DATA, std::vector<std::uint8_t>(64, 1)) };
    heaps.push_back(last);
    return qa::receive_heaps(heaps);
}

std::vector<verdict> verdicts(const heap_selection& s, item_catalog* described = nullptr)
{
    item_catalog none(0);
    std::vector<verdict> out;
    for (const recv::heap& h : stream_heaps()) {
        if (described)
            described->update(h);
        out.push_back(s.check(h, described ? *described : none));
    }
    return out;
}

std::string error_of(const std::string& item, const std::vector<std::int64_t>& values)
{
    try {
        heap_selection s(item, values);
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "";
}

} // namespace

class qa_heap_selection : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(qa_heap_selection);
    CPPUNIT_TEST(test_no_selection_selects_everything);
    CPPUNIT_TEST(test_by_name_through_descriptors);
    CPPUNIT_TEST(test_by_id_without_descriptors);
    CPPUNIT_TEST(test_typed_values);
    CPPUNIT_TEST(test_errors_name_the_parameter);
    CPPUNIT_TEST_SUITE_END();

public:
    void test_no_selection_selects_everything()
    {
        heap_selection s;
        CPPUNIT_ASSERT(!s.active());
        CPPUNIT_ASSERT(verdicts(s) == std::vector<verdict>(6, verdict::selected));
        CPPUNIT_ASSERT(!heap_selection("", {}).active());
    }

    void test_by_name_through_descriptors()
    {
        item_catalog catalog(0);
        const std::vector<verdict> expected = { verdict::absent,   verdict::rejected,
                                                verdict::selected, verdict::rejected,
                                                verdict::selected, verdict::absent };
        CPPUNIT_ASSERT(verdicts(heap_selection("feng_id", { 3, 1 }), &catalog) ==
                       expected);
        // Without the descriptors the name means nothing: no heap carries it.
        CPPUNIT_ASSERT(verdicts(heap_selection("feng_id", { 1 })) ==
                       std::vector<verdict>(6, verdict::absent));
    }

    void test_by_id_without_descriptors()
    {
        // The immediate's raw value.
        const std::vector<verdict> expected = { verdict::absent,   verdict::rejected,
                                                verdict::rejected, verdict::selected,
                                                verdict::rejected, verdict::absent };
        CPPUNIT_ASSERT(verdicts(heap_selection("0x4101", { 2 })) == expected);
        CPPUNIT_ASSERT(verdicts(heap_selection("16641", { 2 })) == expected);
    }

    void test_typed_values()
    {
        // count '<i4' is 5, 3, 1, -1: a negative value is no count and never selected.
        {
            item_catalog catalog(0);
            const std::vector<verdict> expected = { verdict::absent,   verdict::selected,
                                                    verdict::rejected, verdict::selected,
                                                    verdict::rejected, verdict::absent };
            CPPUNIT_ASSERT(verdicts(heap_selection("count", { 5, 1 }), &catalog) ==
                           expected);
        }
        // gain '>f4' is no integer; without descriptors an addressed item has no value.
        {
            item_catalog catalog(0);
            const std::vector<verdict> expected = { verdict::absent,   verdict::rejected,
                                                    verdict::rejected, verdict::rejected,
                                                    verdict::rejected, verdict::absent };
            CPPUNIT_ASSERT(verdicts(heap_selection("gain", { 1 }), &catalog) == expected);
            CPPUNIT_ASSERT(verdicts(heap_selection("0x4102", { 5 })) == expected);
        }
        // item_integer itself: the typed values of heap 5 (feng_id 3, count -1).
        item_catalog catalog(0);
        const auto heaps = stream_heaps();
        catalog.update(heaps[0]);
        const recv::heap& h = heaps[4];
        CPPUNIT_ASSERT_EQUAL(
            std::uint64_t(3),
            *item_integer(h, *find_item(h, FENG_ID), catalog.find(FENG_ID)));
        CPPUNIT_ASSERT(!item_integer(h, *find_item(h, COUNT), catalog.find(COUNT)));
        CPPUNIT_ASSERT_EQUAL(
            std::uint64_t(5),
            *heap_integer(heaps[1], catalog, item_ref::parse("count", "p")));
        CPPUNIT_ASSERT(!heap_integer(heaps[5], catalog, item_ref::parse("count", "p")));
    }

    void test_errors_name_the_parameter()
    {
        CPPUNIT_ASSERT_EQUAL(std::string("select_values must list at least one value "
                                         "when select_item is set"),
                             error_of("feng_id", {}));
        CPPUNIT_ASSERT_EQUAL(std::string("select_item must name the item (name or ID) "
                                         "whose value select_values lists"),
                             error_of("", { 1 }));
        CPPUNIT_ASSERT_EQUAL(std::string("select_values[1] must be 0 or more, not -3"),
                             error_of("feng_id", { 1, -3 }));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(qa_heap_selection);

} // namespace spead
} // namespace gr
