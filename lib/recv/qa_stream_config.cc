/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "ringbuffer.h"
#include <gnuradio/spead/protocol/flavour.h>
#include <gnuradio/spead/recv/stream_config.h>
#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>
#include <functional>
#include <stdexcept>
#include <string>
#include <typeinfo>

using namespace gr::spead::protocol;
using namespace gr::spead::recv;
using mode = stream_stat_config::mode;

namespace {

bool mentions(const std::string& text, const std::string& part)
{
    return text.find(part) != std::string::npos;
}

/// The message of the std::invalid_argument \p action throws ("" when it throws none).
std::string rejection(const std::function<void()>& action)
{
    try {
        action();
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "";
}

/// Asserts that \p message is a rejection naming \p parameter, the accepted range
/// (\p range) and the bad value (\p value).
void check_rejection(const std::string& message,
                     const std::string& parameter,
                     const std::string& range,
                     const std::string& value)
{
    CPPUNIT_ASSERT_MESSAGE("no std::invalid_argument for " + parameter, !message.empty());
    CPPUNIT_ASSERT_MESSAGE(message, mentions(message, parameter));
    CPPUNIT_ASSERT_MESSAGE(message, mentions(message, range));
    CPPUNIT_ASSERT_MESSAGE(message, mentions(message, "got " + value));
}

/// spead2's built-in statistics count: custom statistics start at index 9, as in spead2.
constexpr std::size_t builtin_count = 9;

} // namespace

class qa_stream_config : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(qa_stream_config);
    CPPUNIT_TEST(test_defaults_match_spead2);
    CPPUNIT_TEST(test_default_allocator);
    CPPUNIT_TEST(test_setters_round_trip_and_chain);
    CPPUNIT_TEST(test_max_heaps_rejected);
    CPPUNIT_TEST(test_substreams_rejected);
    CPPUNIT_TEST(test_bug_compat_range);
    CPPUNIT_TEST(test_memcpy_rejected);
    CPPUNIT_TEST(test_null_allocator_rejected);
    CPPUNIT_TEST(test_max_heap_size_rejected);
    CPPUNIT_TEST(test_add_stat);
    CPPUNIT_TEST(test_get_stat_index);
    CPPUNIT_TEST(test_duplicate_stat_rejected);
    CPPUNIT_TEST(test_add_stat_copy_on_write);
    CPPUNIT_TEST(test_ring_defaults);
    CPPUNIT_TEST(test_ring_setters);
    CPPUNIT_TEST(test_ring_heaps_rejected);
    CPPUNIT_TEST(test_ring_max_spin_rejected);
    CPPUNIT_TEST_SUITE_END();

public:
    void test_defaults_match_spead2()
    {
        const stream_config config;
        CPPUNIT_ASSERT_EQUAL(std::size_t(4), config.get_max_heaps());
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), config.get_substreams());
        CPPUNIT_ASSERT_EQUAL(0, config.get_bug_compat());
        CPPUNIT_ASSERT(config.get_memcpy() == memcpy_function::standard);
        CPPUNIT_ASSERT(config.get_stop_on_stop_item());
        CPPUNIT_ASSERT(config.get_allow_unsized_heaps());
        CPPUNIT_ASSERT(!config.get_allow_out_of_order());
        CPPUNIT_ASSERT_EQUAL(std::uintptr_t(0), config.get_stream_id());
        CPPUNIT_ASSERT(!config.get_explicit_start());
        CPPUNIT_ASSERT_EQUAL(std::size_t(64 * 1024 * 1024), config.get_max_heap_size());
        CPPUNIT_ASSERT(config.get_stats());
        CPPUNIT_ASSERT(*config.get_stats() == builtin_stream_stats());
        CPPUNIT_ASSERT_EQUAL(builtin_count, config.next_stat_index());
    }

    void test_default_allocator()
    {
        const stream_config config;
        const auto& allocator = config.get_memory_allocator();
        CPPUNIT_ASSERT(allocator);
        // The plain allocator, not a subclass such as mmap_allocator or a pool.
        CPPUNIT_ASSERT(typeid(*allocator) == typeid(memory_allocator));
        auto memory = allocator->allocate(16);
        CPPUNIT_ASSERT(memory);
        memory[0] = 1;
        memory[15] = 2;
    }

    void test_setters_round_trip_and_chain()
    {
        stream_config config;
        auto pool = std::make_shared<memory_allocator>();
        stream_config& same = config.set_max_heaps(9)
                                  .set_substreams(3)
                                  .set_bug_compat(BUG_COMPAT_PYSPEAD_0_5_2)
                                  .set_memcpy(memcpy_function::nontemporal)
                                  .set_memory_allocator(pool)
                                  .set_stop_on_stop_item(false)
                                  .set_allow_unsized_heaps(false)
                                  .set_allow_out_of_order(true)
                                  .set_stream_id(1234)
                                  .set_explicit_start(true)
                                  .set_max_heap_size(1);
        CPPUNIT_ASSERT(&same == &config);
        CPPUNIT_ASSERT_EQUAL(std::size_t(9), config.get_max_heaps());
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), config.get_substreams());
        CPPUNIT_ASSERT_EQUAL(7, config.get_bug_compat());
        CPPUNIT_ASSERT(config.get_memcpy() == memcpy_function::nontemporal);
        CPPUNIT_ASSERT(config.get_memory_allocator() == pool);
        CPPUNIT_ASSERT(!config.get_stop_on_stop_item());
        CPPUNIT_ASSERT(!config.get_allow_unsized_heaps());
        CPPUNIT_ASSERT(config.get_allow_out_of_order());
        CPPUNIT_ASSERT_EQUAL(std::uintptr_t(1234), config.get_stream_id());
        CPPUNIT_ASSERT(config.get_explicit_start());
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), config.get_max_heap_size());
    }

    void test_max_heaps_rejected()
    {
        stream_config config;
        config.set_max_heaps(2);
        check_rejection(
            rejection([&] { config.set_max_heaps(0); }), "max_heaps", "at least 1", "0");
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), config.get_max_heaps()); // unchanged
        config.set_max_heaps(1);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), config.get_max_heaps());
    }

    void test_substreams_rejected()
    {
        stream_config config;
        check_rejection(rejection([&] { config.set_substreams(0); }),
                        "substreams",
                        "at least 1",
                        "0");
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), config.get_substreams());
    }

    void test_bug_compat_range()
    {
        stream_config config;
        for (int flags = 0; flags <= 7; ++flags) {
            config.set_bug_compat(flags);
            CPPUNIT_ASSERT_EQUAL(flags, config.get_bug_compat());
        }
        check_rejection(
            rejection([&] { config.set_bug_compat(8); }), "bug_compat", "0 to 7", "8");
        check_rejection(
            rejection([&] { config.set_bug_compat(-1); }), "bug_compat", "0 to 7", "-1");
        check_rejection(rejection([&] { config.set_bug_compat(0x17); }),
                        "bug_compat",
                        "0 to 7",
                        "23");
        CPPUNIT_ASSERT_EQUAL(7, config.get_bug_compat());
    }

    void test_memcpy_rejected()
    {
        stream_config config;
        check_rejection(
            rejection([&] { config.set_memcpy(static_cast<memcpy_function>(2)); }),
            "memcpy",
            "nontemporal",
            "2");
        CPPUNIT_ASSERT(config.get_memcpy() == memcpy_function::standard);
    }

    void test_null_allocator_rejected()
    {
        stream_config config;
        const auto before = config.get_memory_allocator();
        const std::string message =
            rejection([&] { config.set_memory_allocator(nullptr); });
        CPPUNIT_ASSERT_MESSAGE("null allocator accepted", !message.empty());
        CPPUNIT_ASSERT_MESSAGE(message, mentions(message, "memory_allocator"));
        CPPUNIT_ASSERT_MESSAGE(message, mentions(message, "null"));
        CPPUNIT_ASSERT(config.get_memory_allocator() == before);
    }

    void test_max_heap_size_rejected()
    {
        stream_config config;
        check_rejection(rejection([&] { config.set_max_heap_size(0); }),
                        "max_heap_size",
                        "at least 1",
                        "0");
        CPPUNIT_ASSERT_EQUAL(DEFAULT_MAX_HEAP_SIZE, config.get_max_heap_size());
    }

    void test_add_stat()
    {
        stream_config config;
        CPPUNIT_ASSERT_EQUAL(builtin_count, config.next_stat_index());
        CPPUNIT_ASSERT_EQUAL(builtin_count, config.add_stat("my_counter"));
        CPPUNIT_ASSERT_EQUAL(builtin_count + 1, config.next_stat_index());
        CPPUNIT_ASSERT_EQUAL(builtin_count + 1,
                             config.add_stat("my_peak", mode::MAXIMUM));
        CPPUNIT_ASSERT_EQUAL(builtin_count + 2, config.next_stat_index());

        const auto& stats = *config.get_stats();
        CPPUNIT_ASSERT_EQUAL(builtin_count + 2, stats.size());
        CPPUNIT_ASSERT(stats[builtin_count] == stream_stat_config("my_counter"));
        CPPUNIT_ASSERT(stats[builtin_count + 1] ==
                       stream_stat_config("my_peak", mode::MAXIMUM));
        // The built-in ones are still first and untouched.
        for (std::size_t i = 0; i < builtin_count; ++i)
            CPPUNIT_ASSERT(stats[i] == builtin_stream_stats()[i]);

        // spead2 accepts any name not in use, even an empty one (checked against spead2
        // 4.4.1); a second one is a duplicate.
        CPPUNIT_ASSERT_EQUAL(builtin_count + 2, config.add_stat(""));
        const std::string again = rejection([&] { config.add_stat(""); });
        CPPUNIT_ASSERT_MESSAGE("duplicate empty stat name accepted", !again.empty());
        CPPUNIT_ASSERT_EQUAL(builtin_count + 3, config.next_stat_index());
    }

    void test_get_stat_index()
    {
        stream_config config;
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), config.get_stat_index("heaps"));
        CPPUNIT_ASSERT_EQUAL(std::size_t(5), config.get_stat_index("max_batch"));
        CPPUNIT_ASSERT_EQUAL(std::size_t(8), config.get_stat_index("worker_blocked"));
        // gr-spead's reject counters are a list of their own (stream::get_reject_stats).
        CPPUNIT_ASSERT_THROW(config.get_stat_index("heaps_dropped_ring_stopped"),
                             std::out_of_range);
        const std::size_t mine = config.add_stat("mine");
        CPPUNIT_ASSERT_EQUAL(mine, config.get_stat_index("mine"));
        try {
            config.get_stat_index("not_a_stat");
            CPPUNIT_FAIL("no exception for an unknown statistic");
        } catch (const std::out_of_range& e) {
            CPPUNIT_ASSERT_MESSAGE(e.what(), mentions(e.what(), "not_a_stat"));
        }
    }

    void test_duplicate_stat_rejected()
    {
        stream_config config;
        config.add_stat("custom_one");
        const std::string custom = rejection([&] { config.add_stat("custom_one"); });
        CPPUNIT_ASSERT_MESSAGE("duplicate custom stat accepted", !custom.empty());
        CPPUNIT_ASSERT_MESSAGE(custom, mentions(custom, "custom_one"));

        const std::string builtin =
            rejection([&] { config.add_stat("packets", mode::MAXIMUM); });
        CPPUNIT_ASSERT_MESSAGE("built-in stat name accepted", !builtin.empty());
        CPPUNIT_ASSERT_MESSAGE(builtin, mentions(builtin, "packets"));

        // Failures left the list as it was.
        CPPUNIT_ASSERT_EQUAL(builtin_count + 1, config.next_stat_index());
    }

    void test_add_stat_copy_on_write()
    {
        stream_config config;
        const auto before = config.get_stats();
        const stream_stats snapshot(before);
        const stream_config copy = config;

        config.add_stat("later");
        // Everything taken before add_stat keeps the list it had.
        CPPUNIT_ASSERT_EQUAL(builtin_count, before->size());
        CPPUNIT_ASSERT_EQUAL(builtin_count, snapshot.get_config()->size());
        CPPUNIT_ASSERT(!snapshot.contains("later"));
        CPPUNIT_ASSERT_EQUAL(builtin_count, copy.next_stat_index());
        CPPUNIT_ASSERT_THROW(copy.get_stat_index("later"), std::out_of_range);
        // The config itself sees the new one, in a new list.
        CPPUNIT_ASSERT(config.get_stats() != before);
        CPPUNIT_ASSERT_EQUAL(builtin_count, config.get_stat_index("later"));

        // And the copy can grow independently, reusing the same index.
        stream_config other = copy;
        CPPUNIT_ASSERT_EQUAL(builtin_count, other.add_stat("different"));
        CPPUNIT_ASSERT_THROW(config.get_stat_index("different"), std::out_of_range);
    }

    void test_ring_defaults()
    {
        const ring_stream_config config;
        CPPUNIT_ASSERT_EQUAL(std::size_t(4), config.get_heaps());
        CPPUNIT_ASSERT(config.get_contiguous_only());
        CPPUNIT_ASSERT(!config.get_incomplete_keep_payload_ranges());
        CPPUNIT_ASSERT(config.get_max_spin() == std::chrono::microseconds(200));
        CPPUNIT_ASSERT(config.get_max_spin() == RING_DEFAULT_MAX_SPIN);
    }

    void test_ring_setters()
    {
        ring_stream_config config;
        ring_stream_config& same = config.set_heaps(17)
                                       .set_contiguous_only(false)
                                       .set_incomplete_keep_payload_ranges(true);
        CPPUNIT_ASSERT(&same == &config);
        CPPUNIT_ASSERT_EQUAL(std::size_t(17), config.get_heaps());
        CPPUNIT_ASSERT(!config.get_contiguous_only());
        CPPUNIT_ASSERT(config.get_incomplete_keep_payload_ranges());
        config.set_heaps(1);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), config.get_heaps());
        CPPUNIT_ASSERT(&config.set_max_spin(std::chrono::microseconds(0)) == &config);
        CPPUNIT_ASSERT(config.get_max_spin() == std::chrono::microseconds(0));
        config.set_max_spin(std::chrono::seconds(1));
        CPPUNIT_ASSERT(config.get_max_spin() == std::chrono::microseconds(1000000));
    }

    void test_ring_max_spin_rejected()
    {
        ring_stream_config config;
        check_rejection(
            rejection([&] { config.set_max_spin(std::chrono::microseconds(-1)); }),
            "max_spin",
            "[0, 1000000] microseconds",
            "-1");
        check_rejection(
            rejection([&] { config.set_max_spin(std::chrono::microseconds(1000001)); }),
            "max_spin",
            "[0, 1000000] microseconds",
            "1000001");
        CPPUNIT_ASSERT(config.get_max_spin() == RING_DEFAULT_MAX_SPIN);
    }

    void test_ring_heaps_rejected()
    {
        ring_stream_config config;
        check_rejection(
            rejection([&] { config.set_heaps(0); }), "heaps", "at least 1", "0");
        CPPUNIT_ASSERT_EQUAL(std::size_t(4), config.get_heaps());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(qa_stream_config);
