/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <gnuradio/spead/protocol/heap_items.h>
#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>
#include <utility>
#include <vector>

using namespace gr::spead::protocol;

namespace {

/// Item number \p i, distinct in every field so that a mix-up shows.
heap_item numbered(std::size_t i)
{
    heap_item item;
    item.id = 0x1000 + i;
    item.immediate = i % 2 == 1;
    item.value = item.immediate ? 1000 + i : 0;
    item.offset = item.immediate ? 0 : 10 * i;
    item.length = item.immediate ? 0 : 10;
    return item;
}

std::vector<heap_item> numbered_items(std::size_t n)
{
    std::vector<heap_item> items;
    for (std::size_t i = 0; i < n; i++)
        items.push_back(numbered(i));
    return items;
}

heap_item_list make_list(std::size_t n)
{
    heap_item_list list;
    for (std::size_t i = 0; i < n; i++)
        list.push_back(numbered(i));
    return list;
}

/// The list holds exactly \p expected, seen through every accessor.
void check_holds(const std::vector<heap_item>& expected, const heap_item_list& list)
{
    CPPUNIT_ASSERT_EQUAL(expected.size(), list.size());
    CPPUNIT_ASSERT_EQUAL(expected.empty(), list.empty());
    CPPUNIT_ASSERT(expected == list.to_vector());
    CPPUNIT_ASSERT(std::vector<heap_item>(list.begin(), list.end()) == expected);
    for (std::size_t i = 0; i < expected.size(); i++)
        CPPUNIT_ASSERT(list[i] == expected[i]);
    if (!expected.empty()) {
        CPPUNIT_ASSERT(list.front() == expected.front());
        CPPUNIT_ASSERT(list.back() == expected.back());
    }
}

} // namespace

class qa_heap_item_list : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(qa_heap_item_list);
    CPPUNIT_TEST(test_every_size_across_the_inline_capacity);
    CPPUNIT_TEST(test_copies_are_independent);
    CPPUNIT_TEST(test_move_leaves_source_empty);
    CPPUNIT_TEST(test_assignment_between_inline_and_overflow);
    CPPUNIT_TEST(test_clear_then_reuse);
    CPPUNIT_TEST(test_equality);
    CPPUNIT_TEST_SUITE_END();

    static constexpr std::size_t CAP = heap_item_list::INLINE_CAPACITY;

public:
    void test_every_size_across_the_inline_capacity()
    {
        for (std::size_t n = 0; n <= 3 * CAP; n++)
            check_holds(numbered_items(n), make_list(n));
    }

    void test_copies_are_independent()
    {
        for (std::size_t n : { std::size_t(2), CAP, CAP + 3 }) {
            heap_item_list original = make_list(n);
            heap_item_list copy(original);
            copy.push_back(numbered(99));
            check_holds(numbered_items(n), original);
            std::vector<heap_item> longer = numbered_items(n);
            longer.push_back(numbered(99));
            check_holds(longer, copy);
        }
    }

    void test_move_leaves_source_empty()
    {
        for (std::size_t n : { std::size_t(1), CAP, CAP + 1, 5 * CAP }) {
            heap_item_list source = make_list(n);
            heap_item_list moved(std::move(source));
            check_holds(numbered_items(n), moved);
            check_holds({}, source); // NOLINT(bugprone-use-after-move): defined state
            heap_item_list assigned;
            assigned = std::move(moved);
            check_holds(numbered_items(n), assigned);
            check_holds({}, moved); // NOLINT(bugprone-use-after-move)
        }
    }

    void test_assignment_between_inline_and_overflow()
    {
        heap_item_list list = make_list(CAP + 5);
        list = make_list(2); // overflow replaced by an inline list
        check_holds(numbered_items(2), list);
        list = make_list(CAP + 2); // and back
        check_holds(numbered_items(CAP + 2), list);
        const heap_item_list same = list;
        list = same;
        check_holds(numbered_items(CAP + 2), list);
    }

    void test_clear_then_reuse()
    {
        heap_item_list list = make_list(CAP + 3);
        list.clear();
        check_holds({}, list);
        for (std::size_t i = 0; i < 3; i++)
            list.push_back(numbered(i));
        check_holds(numbered_items(3), list);
    }

    void test_equality()
    {
        CPPUNIT_ASSERT(make_list(CAP + 1) == make_list(CAP + 1));
        CPPUNIT_ASSERT(make_list(2) != make_list(3));
        heap_item_list changed = make_list(1);
        changed.push_back(numbered(7));
        CPPUNIT_ASSERT(changed != make_list(2));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(qa_heap_item_list);
