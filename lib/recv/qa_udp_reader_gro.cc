/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// UDP generic receive offload: coalesced datagrams are cut back into the packets that
// were sent, and the result is the same with GRO on and off.

#include "qa_udp_support.h"
#include <gnuradio/spead/recv/udp_reader.h>
#include <cppunit/extensions/HelperMacros.h>

using namespace gr::spead::protocol;
using namespace gr::spead::recv;
using namespace gr::spead::qa;
using boost::asio::ip::make_address;

namespace {

/// Heaps sent, each as one GSO send of TRAIN_PACKETS segments.
constexpr std::uint64_t TRAIN_HEAPS = 10;
constexpr std::size_t TRAIN_PACKETS = 10;
/// 40 payload bytes in the first packet, 56 in the next eight, 20 in the last: nine
/// packets of 96 bytes and a last one of 40 + 20 = 60 (see qa_stream_support.h).
constexpr std::size_t TRAIN_HEAP_SIZE = 40 + 8 * 56 + 20;

struct gro_run {
    bool gro_used = false;
    std::uint64_t coalesced = 0;
    std::vector<heap> heaps;
    stream_stats stats;
    int send_error = 0;
};

/**
 * Queues TRAIN_HEAPS heaps, each as one UDP_SEGMENT send, and a stop heap before the
 * stream starts (explicit start), so that the reader finds everything waiting; then
 * drains the stream.
 */
gro_run run_trains(bool gro, bool ipv6)
{
    watchdog guard("GRO run", std::chrono::seconds(30));
    thread_pool pool(2);
    ring_stream s(pool,
                  stream_config().set_explicit_start(true),
                  ring_stream_config().set_heaps(TRAIN_HEAPS + 1));
    udp_reader* r;
    {
        scoped_env env(udp_reader::gro_environment_variable,
                       gro ? std::nullopt : std::optional<std::string>("off"));
        const udp::endpoint bind_to(make_address(ipv6 ? "::1" : "127.0.0.1"), 0);
        // 1 MiB: room for all the datagrams even when the kernel does not coalesce.
        r = &s.emplace_reader<udp_reader>(bind_to, DEFAULT_UDP_MAX_SIZE, 1 << 20);
    }
    gro_run result;
    result.gro_used = r->uses_gro();
    udp_sender sender(ipv6);
    for (std::uint64_t cnt = 1; cnt <= TRAIN_HEAPS; cnt++) {
        const packet_list packets = data_heap(cnt, TRAIN_HEAP_SIZE);
        CPPUNIT_ASSERT_EQUAL(TRAIN_PACKETS, packets.size());
        CPPUNIT_ASSERT_EQUAL(std::size_t(60), packets.back().size());
        result.send_error =
            sender.send_segmented(packets, PACKET_SIZE, r->get_local_endpoint());
        if (result.send_error != 0)
            return result;
    }
    sender.send_all(encode_stop_heap(TRAIN_HEAPS + 1, options()),
                    r->get_local_endpoint());
    s.start();
    result.heaps = drain(s);
    result.stats = s.get_all_stats();
    result.coalesced = r->get_coalesced_datagrams();
    return result;
}

void check_run(const gro_run& run, bool gro)
{
    CPPUNIT_ASSERT_EQUAL(std::size_t(TRAIN_HEAPS), run.heaps.size());
    for (std::uint64_t cnt = 1; cnt <= TRAIN_HEAPS; cnt++)
        check_data_heap(run.heaps[cnt - 1], cnt, TRAIN_HEAP_SIZE);
    const std::uint64_t packets = TRAIN_HEAPS * TRAIN_PACKETS + 1;
    // Without GRO a batch is at most one recvmmsg call of 64 datagrams; with it, a
    // batch holds at least a whole coalesced datagram (10 packets).
    check_stats_any_batching(run.stats,
                             { { "heaps", TRAIN_HEAPS },
                               { "packets", packets },
                               { "single_packet_heaps", 1 } }, // the stop heap
                             gro ? TRAIN_PACKETS : 1,
                             gro ? packets : udp_reader::batch_datagrams);
    CPPUNIT_ASSERT_EQUAL(gro ? TRAIN_HEAPS : std::uint64_t(0), run.coalesced);
}

} // namespace

class qa_udp_reader_gro : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(qa_udp_reader_gro);
    CPPUNIT_TEST(test_gro_on_and_off_give_the_same_heaps_v4);
    CPPUNIT_TEST(test_gro_on_and_off_give_the_same_heaps_v6);
    CPPUNIT_TEST(test_environment_turns_gro_off);
    CPPUNIT_TEST_SUITE_END();

    void check_on_and_off(bool ipv6, const std::string& name)
    {
        const gro_run off = run_trains(false, ipv6);
        if (off.send_error != 0) {
            skip_test(name,
                      std::string("the kernel refused a UDP_SEGMENT send: ") +
                          std::strerror(off.send_error));
            return;
        }
        CPPUNIT_ASSERT(!off.gro_used);
        check_run(off, false);

        const gro_run on = run_trains(true, ipv6);
        if (!on.gro_used) {
            skip_test(name,
                      "the kernel refused UDP_GRO on the socket (GRO off part ran)");
            return;
        }
        check_run(on, true);
        // Identical heaps either way (check_run compared each with what was sent).
        CPPUNIT_ASSERT(cnts(off.heaps) == cnts(on.heaps));
        for (std::size_t i = 0; i < on.heaps.size(); i++)
            CPPUNIT_ASSERT(payload_bytes(off.heaps[i], 0, TRAIN_HEAP_SIZE) ==
                           payload_bytes(on.heaps[i], 0, TRAIN_HEAP_SIZE));
    }

public:
    void test_gro_on_and_off_give_the_same_heaps_v4()
    {
        check_on_and_off(false, "qa_udp_reader_gro::test_gro_on_and_off_v4");
    }

    void test_gro_on_and_off_give_the_same_heaps_v6()
    {
        check_on_and_off(true, "qa_udp_reader_gro::test_gro_on_and_off_v6");
    }

    void test_environment_turns_gro_off()
    {
        thread_pool pool(1);
        ring_stream s(pool);
        const udp::endpoint bind_to(make_address("127.0.0.1"), 0);
        for (const char* value : { "0", "off", "OFF", "false", "no" }) {
            scoped_env env(udp_reader::gro_environment_variable, std::string(value));
            auto& r = s.emplace_reader<udp_reader>(bind_to, DEFAULT_UDP_MAX_SIZE, 0);
            CPPUNIT_ASSERT_MESSAGE(value, !r.uses_gro());
        }
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(qa_udp_reader_gro);
