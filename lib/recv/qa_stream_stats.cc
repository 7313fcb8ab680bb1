/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "qa_stat_names.h"
#include <gnuradio/spead/recv/stream_stats.h>
#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>
#include <stdexcept>
#include <string>
#include <vector>

using namespace gr::spead::protocol;
using namespace gr::spead::recv;
using gr::spead::qa::expected_builtin_names;
using gr::spead::qa::expected_reject_names;
namespace idx = stream_stat_indices;
namespace rej = reject_stat_indices;
using mode = stream_stat_config::mode;

namespace {

bool mentions(const std::string& text, const std::string& part)
{
    return text.find(part) != std::string::npos;
}

std::shared_ptr<const std::vector<stream_stat_config>>
builtin_plus(const std::string& name, mode m)
{
    auto list = std::make_shared<std::vector<stream_stat_config>>(builtin_stream_stats());
    list->emplace_back(name, m);
    return list;
}

} // namespace

class qa_stream_stats : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(qa_stream_stats);
    CPPUNIT_TEST(test_stat_config);
    CPPUNIT_TEST(test_stat_config_rejects_unknown_mode);
    CPPUNIT_TEST(test_spead2_indices);
    CPPUNIT_TEST(test_builtin_names_in_index_order);
    CPPUNIT_TEST(test_each_constant_names_its_stat);
    CPPUNIT_TEST(test_reject_names_in_index_order);
    CPPUNIT_TEST(test_each_reject_constant_names_its_stat);
    CPPUNIT_TEST(test_builtin_modes);
    CPPUNIT_TEST(test_default_snapshot);
    CPPUNIT_TEST(test_access_by_index);
    CPPUNIT_TEST(test_access_by_name);
    CPPUNIT_TEST(test_unknown_name_named_in_error);
    CPPUNIT_TEST(test_items_in_index_order);
    CPPUNIT_TEST(test_constructor_checks);
    CPPUNIT_TEST(test_addition);
    CPPUNIT_TEST(test_addition_with_custom_maximum);
    CPPUNIT_TEST(test_addition_of_equal_configs);
    CPPUNIT_TEST(test_addition_of_different_configs_rejected);
    CPPUNIT_TEST(test_reject_snapshots_add);
    CPPUNIT_TEST(test_joined);
    CPPUNIT_TEST_SUITE_END();

public:
    void test_stat_config()
    {
        const stream_stat_config counter("packets");
        CPPUNIT_ASSERT_EQUAL(std::string("packets"), counter.get_name());
        CPPUNIT_ASSERT(counter.get_mode() == mode::COUNTER);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(7), counter.combine(3, 4));

        const stream_stat_config maximum("max_batch", mode::MAXIMUM);
        CPPUNIT_ASSERT(maximum.get_mode() == mode::MAXIMUM);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(4), maximum.combine(3, 4));
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(9), maximum.combine(9, 2));

        CPPUNIT_ASSERT(counter == stream_stat_config("packets", mode::COUNTER));
        CPPUNIT_ASSERT(counter != stream_stat_config("packets", mode::MAXIMUM));
        CPPUNIT_ASSERT(counter != stream_stat_config("heaps"));
    }

    void test_stat_config_rejects_unknown_mode()
    {
        CPPUNIT_ASSERT_THROW(stream_stat_config("x", static_cast<mode>(7)),
                             std::invalid_argument);
    }

    void test_spead2_indices()
    {
        // spead2's documented stream_stat_indices.
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), idx::heaps);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), idx::incomplete_heaps_evicted);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), idx::incomplete_heaps_flushed);
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), idx::packets);
        CPPUNIT_ASSERT_EQUAL(std::size_t(4), idx::batches);
        CPPUNIT_ASSERT_EQUAL(std::size_t(5), idx::max_batch);
        CPPUNIT_ASSERT_EQUAL(std::size_t(6), idx::single_packet_heaps);
        CPPUNIT_ASSERT_EQUAL(std::size_t(7), idx::search_dist);
        CPPUNIT_ASSERT_EQUAL(std::size_t(8), idx::worker_blocked);
    }

    void test_builtin_names_in_index_order()
    {
        const auto& stats = builtin_stream_stats();
        CPPUNIT_ASSERT_EQUAL(expected_builtin_names.size(), stats.size());
        CPPUNIT_ASSERT_EQUAL(idx::custom, stats.size());
        CPPUNIT_ASSERT_EQUAL(std::size_t(9), idx::custom);
        for (std::size_t i = 0; i < stats.size(); ++i)
            CPPUNIT_ASSERT_EQUAL_MESSAGE("index " + std::to_string(i),
                                         expected_builtin_names[i],
                                         stats[i].get_name());
        // The same list every call (it is computed once).
        CPPUNIT_ASSERT(&builtin_stream_stats() == &stats);
    }

    void test_each_constant_names_its_stat()
    {
        const auto& stats = builtin_stream_stats();
        const std::vector<std::pair<std::size_t, std::string>> named = {
            { idx::heaps, "heaps" },
            { idx::incomplete_heaps_evicted, "incomplete_heaps_evicted" },
            { idx::incomplete_heaps_flushed, "incomplete_heaps_flushed" },
            { idx::packets, "packets" },
            { idx::batches, "batches" },
            { idx::max_batch, "max_batch" },
            { idx::single_packet_heaps, "single_packet_heaps" },
            { idx::search_dist, "search_dist" },
            { idx::worker_blocked, "worker_blocked" },
        };
        for (const auto& [index, name] : named) {
            CPPUNIT_ASSERT_MESSAGE(name, index < stats.size());
            CPPUNIT_ASSERT_EQUAL(name, stats[index].get_name());
        }
    }

    void test_reject_names_in_index_order()
    {
        const auto& stats = *reject_stream_stats();
        CPPUNIT_ASSERT_EQUAL(expected_reject_names.size(), stats.size());
        CPPUNIT_ASSERT_EQUAL(rej::count, stats.size());
        for (std::size_t i = 0; i < stats.size(); ++i) {
            CPPUNIT_ASSERT_EQUAL_MESSAGE("index " + std::to_string(i),
                                         expected_reject_names[i],
                                         stats[i].get_name());
            CPPUNIT_ASSERT_MESSAGE(stats[i].get_name(),
                                   stats[i].get_mode() == mode::COUNTER);
        }
        // One shared list, so that reject snapshots add without comparing names.
        CPPUNIT_ASSERT(reject_stream_stats() == reject_stream_stats());
    }

    void test_each_reject_constant_names_its_stat()
    {
        const auto& stats = *reject_stream_stats();
        const std::vector<std::pair<std::size_t, std::string>> named = {
            { rej::packets_rejected, "packets_rejected" },
            { rej::packets_rejected_malformed_first, "packets_rejected_too_short" },
            { rej::packets_rejected_heap_length_mismatch,
              "packets_rejected_heap_length_mismatch" },
            { rej::packets_rejected_duplicate, "packets_rejected_duplicate" },
            { rej::packets_rejected_out_of_order, "packets_rejected_out_of_order" },
            { rej::packets_rejected_flavour_mismatch,
              "packets_rejected_flavour_mismatch" },
            { rej::packets_rejected_heap_too_large, "packets_rejected_heap_too_large" },
            { rej::packets_rejected_unsized, "packets_rejected_unsized" },
            { rej::packets_rejected_oversize, "packets_rejected_oversize" },
            { rej::packets_rejected_after_stop, "packets_rejected_after_stop" },
            { rej::packets_rejected_allocation_failed,
              "packets_rejected_allocation_failed" },
            { rej::heaps_dropped_incomplete, "heaps_dropped_incomplete" },
            { rej::heaps_dropped_allocation_failed, "heaps_dropped_allocation_failed" },
            { rej::heaps_dropped_ring_stopped, "heaps_dropped_ring_stopped" },
        };
        for (const auto& [index, name] : named) {
            CPPUNIT_ASSERT_MESSAGE(name, index < stats.size());
            CPPUNIT_ASSERT_EQUAL(name, stats[index].get_name());
        }
        // One counter per failing packet_status, in enum order: status s (s >= 1) sits
        // at malformed_first + s - 1 under "packets_rejected_" + its name.
        for (std::size_t s = 1; s < packet_status_count(); ++s) {
            const auto status = static_cast<packet_status>(s);
            CPPUNIT_ASSERT_EQUAL(rej::packets_rejected_malformed_first + s - 1,
                                 rej::for_status(status));
            CPPUNIT_ASSERT_EQUAL(std::string("packets_rejected_") + to_string(status),
                                 stats[rej::for_status(status)].get_name());
        }
        CPPUNIT_ASSERT_EQUAL(std::size_t(24), rej::count);
    }

    void test_builtin_modes()
    {
        const auto& stats = builtin_stream_stats();
        for (std::size_t i = 0; i < stats.size(); ++i) {
            const mode expected = i == idx::max_batch ? mode::MAXIMUM : mode::COUNTER;
            CPPUNIT_ASSERT_MESSAGE(stats[i].get_name(), stats[i].get_mode() == expected);
        }
    }

    void test_default_snapshot()
    {
        const stream_stats stats;
        CPPUNIT_ASSERT_EQUAL(idx::custom, stats.size());
        CPPUNIT_ASSERT(stats.get_config());
        CPPUNIT_ASSERT(*stats.get_config() == builtin_stream_stats());
        for (std::uint64_t v : stats.values())
            CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), v);
    }

    void test_access_by_index()
    {
        stream_stats stats;
        stats[idx::packets] = 12;
        stats.at(idx::heaps) = 3;
        const stream_stats& view = stats;
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(12), view[idx::packets]);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(3), view.at(idx::heaps));
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(12), view.values()[3]);
        CPPUNIT_ASSERT_THROW(stats.at(idx::custom), std::out_of_range);
        CPPUNIT_ASSERT_THROW(view.at(1000), std::out_of_range);
    }

    void test_access_by_name()
    {
        stream_stats stats;
        stats["worker_blocked"] = 5;
        stats["heaps"] += 2;
        const stream_stats& view = stats;
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(5), view[idx::worker_blocked]);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(5), view["worker_blocked"]);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(2), view[idx::heaps]);
        CPPUNIT_ASSERT(view.contains("heaps"));
        CPPUNIT_ASSERT(!view.contains("packets_rejected")); // a reject counter
        CPPUNIT_ASSERT(!view.contains("no_such_stat"));
        CPPUNIT_ASSERT(!view.contains(""));

        stream_stats rejects(reject_stream_stats());
        rejects["packets_rejected_bad_magic"] += 2;
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(2),
                             rejects[rej::for_status(packet_status::bad_magic)]);
        CPPUNIT_ASSERT(rejects.contains("heaps_dropped_ring_stopped"));
        CPPUNIT_ASSERT(!rejects.contains("heaps"));
    }

    void test_unknown_name_named_in_error()
    {
        stream_stats stats;
        try {
            stats["bogus_counter"] = 1;
            CPPUNIT_FAIL("no exception for an unknown name");
        } catch (const std::out_of_range& e) {
            CPPUNIT_ASSERT_MESSAGE(e.what(), mentions(e.what(), "bogus_counter"));
        }
        const stream_stats& view = stats;
        try {
            (void)view["another_one"];
            CPPUNIT_FAIL("no exception for an unknown name (const)");
        } catch (const std::out_of_range& e) {
            CPPUNIT_ASSERT_MESSAGE(e.what(), mentions(e.what(), "another_one"));
        }
    }

    void test_items_in_index_order()
    {
        stream_stats stats(builtin_plus("my_stat", mode::COUNTER));
        stats[idx::batches] = 4;
        stats["my_stat"] = 9;
        const auto items = stats.items();
        CPPUNIT_ASSERT_EQUAL(idx::custom + 1, items.size());
        for (std::size_t i = 0; i < idx::custom; ++i)
            CPPUNIT_ASSERT_EQUAL(expected_builtin_names[i], items[i].first);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(4), items[idx::batches].second);
        CPPUNIT_ASSERT_EQUAL(std::string("my_stat"), items.back().first);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(9), items.back().second);
    }

    void test_constructor_checks()
    {
        CPPUNIT_ASSERT_THROW(stream_stats(nullptr), std::invalid_argument);
        CPPUNIT_ASSERT_THROW(stream_stats(nullptr, {}), std::invalid_argument);
        auto config = builtin_plus("extra", mode::COUNTER);
        CPPUNIT_ASSERT_THROW(stream_stats(config, std::vector<std::uint64_t>(3)),
                             std::invalid_argument);
        std::vector<std::uint64_t> values(idx::custom + 1, 0);
        values[idx::custom] = 77;
        const stream_stats stats(config, values);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(77), stats["extra"]);
        CPPUNIT_ASSERT(stats.get_config() == config);
    }

    void test_addition()
    {
        stream_stats a, b;
        a[idx::packets] = 10;
        b[idx::packets] = 5;
        a[idx::max_batch] = 8;
        b[idx::max_batch] = 3;
        a[idx::worker_blocked] = 1;
        b[idx::search_dist] = 2;

        const stream_stats sum = a + b;
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(15), sum[idx::packets]);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(8), sum[idx::max_batch]); // larger, not 11
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), sum[idx::worker_blocked]);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(2), sum[idx::search_dist]);
        // The operands are unchanged.
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(10), a[idx::packets]);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(5), b[idx::packets]);

        b[idx::max_batch] = 20;
        a += b;
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(15), a[idx::packets]);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(20), a[idx::max_batch]);
    }

    void test_addition_with_custom_maximum()
    {
        const auto config = builtin_plus("peak", mode::MAXIMUM);
        stream_stats a(config), b(config);
        a["peak"] = 4;
        b["peak"] = 6;
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(6), (a + b)["peak"]);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(6), (b + a)["peak"]);
    }

    void test_addition_of_equal_configs()
    {
        // Two streams configured alike hold separate but equal lists: they combine.
        stream_stats a(builtin_plus("x", mode::COUNTER));
        stream_stats b(builtin_plus("x", mode::COUNTER));
        a["x"] = 1;
        b["x"] = 2;
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(3), (a + b)["x"]);
    }

    void test_addition_of_different_configs_rejected()
    {
        stream_stats plain;
        stream_stats extended(builtin_plus("x", mode::COUNTER));
        CPPUNIT_ASSERT_THROW(plain + extended, std::invalid_argument);
        CPPUNIT_ASSERT_THROW(extended + plain, std::invalid_argument);
        // Same names, different mode: also different.
        stream_stats counter(builtin_plus("x", mode::COUNTER));
        stream_stats maximum(builtin_plus("x", mode::MAXIMUM));
        CPPUNIT_ASSERT_THROW(counter += maximum, std::invalid_argument);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), counter["x"]); // untouched by the failure
        // A stream's statistics and its reject counters are different lists.
        CPPUNIT_ASSERT_THROW(plain + stream_stats(reject_stream_stats()),
                             std::invalid_argument);
    }

    void test_reject_snapshots_add()
    {
        stream_stats a(reject_stream_stats()), b(reject_stream_stats());
        a[rej::packets_rejected] = 3;
        b[rej::packets_rejected] = 4;
        b[rej::heaps_dropped_ring_stopped] = 2;
        const stream_stats sum = a + b;
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(7), sum[rej::packets_rejected]);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(2), sum["heaps_dropped_ring_stopped"]);
    }

    void test_joined()
    {
        stream_stats stats(builtin_plus("mine", mode::MAXIMUM));
        stats[idx::packets] = 5;
        stats["mine"] = 6;
        stream_stats rejects(reject_stream_stats());
        rejects[rej::packets_rejected_oversize] = 7;

        const stream_stats all = stats.joined(rejects);
        CPPUNIT_ASSERT_EQUAL(idx::custom + 1 + rej::count, all.size());
        const auto items = all.items();
        for (std::size_t i = 0; i < idx::custom; ++i)
            CPPUNIT_ASSERT_EQUAL(expected_builtin_names[i], items[i].first);
        CPPUNIT_ASSERT_EQUAL(std::string("mine"), items[idx::custom].first);
        for (std::size_t i = 0; i < rej::count; ++i)
            CPPUNIT_ASSERT_EQUAL(expected_reject_names[i],
                                 items[idx::custom + 1 + i].first);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(5), all[idx::packets]);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(6), all["mine"]);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(7), all["packets_rejected_oversize"]);
        CPPUNIT_ASSERT(all.get_config()->at(idx::custom).get_mode() == mode::MAXIMUM);

        // Two joined snapshots of alike streams add up, modes kept.
        stream_stats more = all;
        more["mine"] = 2;
        const stream_stats sum = all + more;
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(10), sum[idx::packets]);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(6), sum["mine"]);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(14), sum["packets_rejected_oversize"]);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(qa_stream_stats);
