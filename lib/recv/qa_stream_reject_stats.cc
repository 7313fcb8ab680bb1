/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// A stream's two statistics lists: get_stats() is exactly spead2's (its nine, then the
// custom ones from index 9), and gr-spead's reject counters come from
// get_reject_stats(), or together with the others from get_all_stats().

#include "qa_log_recorder.h"
#include "qa_stat_names.h"
#include "qa_stream_support.h"
#include <gnuradio/spead/recv/stream_stats.h>
#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>
#include <string>
#include <vector>

using namespace gr::spead::protocol;
using namespace gr::spead::recv;
using namespace gr::spead::qa;
namespace idx = stream_stat_indices;
namespace rej = reject_stat_indices;

namespace {

struct three_views {
    stream_stats stats;
    stream_stats rejects;
    stream_stats all;
};

/// Feeds \p packets through a ring_stream configured by \p config and returns its
/// three statistics views once the stream has ended.
three_views run_views(const packet_list& packets, const stream_config& config)
{
    const auto buffer = concatenate_packets(packets);
    ring_stream_config ring;
    ring.set_heaps(64);
    thread_pool pool(1);
    ring_stream s(pool, config, ring);
    s.emplace_reader<mem_reader>(buffer.data(), buffer.size());
    drain(s);
    return { s.get_stats(), s.get_reject_stats(), s.get_all_stats() };
}

std::vector<std::string> names(const stream_stats& stats)
{
    std::vector<std::string> out;
    for (const auto& item : stats.items())
        out.push_back(item.first);
    return out;
}

} // namespace

class qa_stream_reject_stats : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(qa_stream_reject_stats);
    CPPUNIT_TEST(test_stats_are_spead2s_nine);
    CPPUNIT_TEST(test_custom_stats_start_at_nine);
    CPPUNIT_TEST(test_malformed_packet_counted_in_reject_stats);
    CPPUNIT_TEST(test_duplicate_packet_counted_in_reject_stats);
    CPPUNIT_TEST_SUITE_END();

public:
    void test_stats_are_spead2s_nine()
    {
        const three_views v = run_views(data_heap(1, ONE_PACKET_HEAP), stream_config());
        CPPUNIT_ASSERT(expected_builtin_names == names(v.stats));
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), v.stats[idx::heaps]);
        CPPUNIT_ASSERT_EQUAL(rej::count, v.rejects.size());
        CPPUNIT_ASSERT_EQUAL(idx::custom + rej::count, v.all.size());
    }

    void test_custom_stats_start_at_nine()
    {
        stream_config config;
        CPPUNIT_ASSERT_EQUAL(std::size_t(9), config.next_stat_index());
        CPPUNIT_ASSERT_EQUAL(std::size_t(9), config.add_stat("mine"));
        CPPUNIT_ASSERT_EQUAL(std::size_t(10),
                             config.add_stat("peak", stream_stat_config::mode::MAXIMUM));
        const three_views v = run_views(data_heap(1, ONE_PACKET_HEAP), config);

        CPPUNIT_ASSERT_EQUAL(std::size_t(11), v.stats.size());
        CPPUNIT_ASSERT_EQUAL(std::string("mine"), v.stats.items()[9].first);
        CPPUNIT_ASSERT_EQUAL(std::string("peak"), v.stats.items()[10].first);
        // The reject list does not move with custom statistics; the joined view puts it
        // after them.
        CPPUNIT_ASSERT_EQUAL(rej::count, v.rejects.size());
        CPPUNIT_ASSERT_EQUAL(std::size_t(11) + rej::count, v.all.size());
        CPPUNIT_ASSERT_EQUAL(std::string("packets_rejected"), v.all.items()[11].first);
    }

    void test_malformed_packet_counted_in_reject_stats()
    {
        log_recorder log;
        std::vector<std::uint8_t> bad = data_heap(2, THREE_PACKET_HEAP)[0];
        bad[0] = 0x54; // not SPEAD's magic
        const three_views v = run_views(
            data_heap(1, THREE_PACKET_HEAP) + packet_list{ bad }, stream_config());

        check_stats(v.rejects,
                    { { "packets_rejected", 1 }, { "packets_rejected_bad_magic", 1 } });
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(1),
                             v.rejects[rej::for_status(packet_status::bad_magic)]);
        CPPUNIT_ASSERT(!v.stats.contains("packets_rejected"));
        CPPUNIT_ASSERT(expected_builtin_names == names(v.stats));
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), v.stats[idx::heaps]);
        // The joined view carries both, with the same values.
        for (const auto& [name, value] : v.stats.items())
            CPPUNIT_ASSERT_EQUAL_MESSAGE(name, value, v.all[name]);
        for (const auto& [name, value] : v.rejects.items())
            CPPUNIT_ASSERT_EQUAL_MESSAGE(name, value, v.all[name]);
    }

    void test_duplicate_packet_counted_in_reject_stats()
    {
        const packet_list heap = data_heap(1, THREE_PACKET_HEAP);
        const three_views v = run_views(pick(heap, { 0, 1, 1, 2 }),
                                        stream_config().set_allow_out_of_order(true));
        check_stats(v.rejects,
                    { { "packets_rejected", 1 }, { "packets_rejected_duplicate", 1 } });
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), v.all["packets_rejected_duplicate"]);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), v.stats[idx::heaps]);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(qa_stream_reject_stats);
