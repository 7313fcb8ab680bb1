/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// The UDP reader's limits: datagrams beyond max_size (plain and GRO-coalesced), and the
// kernel receive buffer warning.

#include "qa_log_recorder.h"
#include "qa_udp_support.h"
#include <gnuradio/spead/recv/socket_buffer.h>
#include <gnuradio/spead/recv/udp_reader.h>
#include <cppunit/extensions/HelperMacros.h>
#include <sys/socket.h>
#include <unistd.h>
#include <fstream>
#include <string>

using namespace gr::spead::protocol;
using namespace gr::spead::recv;
using namespace gr::spead::qa;
using boost::asio::ip::make_address;

namespace {

udp::endpoint loopback_v4() { return udp::endpoint(make_address("127.0.0.1"), 0); }

encoder_options packet_size(std::size_t size)
{
    encoder_options opts = options();
    opts.max_packet_size = size;
    return opts;
}

/// A reader with max_size PACKET_SIZE (96), GRO on or off.
struct limited_reader {
    explicit limited_reader(bool gro)
    {
        scoped_env env(udp_reader::gro_environment_variable,
                       gro ? std::nullopt : std::optional<std::string>("0"));
        r = &s.emplace_reader<udp_reader>(loopback_v4(), PACKET_SIZE, 0);
        to = r->get_local_endpoint();
    }
    thread_pool pool{ 2 };
    ring_stream s{ pool, stream_config(), ring_stream_config().set_heaps(16) };
    udp_reader* r = nullptr;
    udp::endpoint to;
};

/// net.core.rmem_max, the cap on SO_RCVBUF; 0 when it cannot be read.
std::size_t rmem_max()
{
    std::ifstream in("/proc/sys/net/core/rmem_max");
    std::size_t value = 0;
    in >> value;
    return in ? value : 0;
}

/// Whether this process may pass net.core.rmem_max (CAP_NET_ADMIN, bit 12 of CapEff).
bool may_pass_rmem_max()
{
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("CapEff:", 0) == 0)
            return (std::stoull(line.substr(7), nullptr, 16) >> 12) & 1;
    return false;
}

/// A UDP socket of its own, closed at the end of the scope.
struct plain_udp_socket {
    plain_udp_socket() : fd(::socket(AF_INET, SOCK_DGRAM, 0)) {}
    ~plain_udp_socket() { ::close(fd); }
    int fd;
};

} // namespace

class qa_udp_reader_limits : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(qa_udp_reader_limits);
    CPPUNIT_TEST(test_oversize_datagram_dropped_and_counted);
    CPPUNIT_TEST(test_oversize_datagram_dropped_with_gro);
    CPPUNIT_TEST(test_oversize_segments_dropped_with_and_without_gro);
    CPPUNIT_TEST(test_buffer_shortfall_warns_once_per_process);
    CPPUNIT_TEST(test_buffer_within_limit_does_not_warn);
    CPPUNIT_TEST(test_privileged_buffer_passes_the_limit);
    CPPUNIT_TEST_SUITE_END();

    void check_oversize_datagram(bool gro)
    {
        watchdog guard("oversize datagram", std::chrono::seconds(30));
        // Heap 1 is one packet of 8 (header) + 6 * 8 (pointers: the 4 packet pointers,
        // TAG_ID and DATA_ID) + 41 (payload) = 97 bytes: one byte over max_size.
        const packet_list too_big = data_heap(1, 41, packet_size(1472));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), too_big.size());
        CPPUNIT_ASSERT_EQUAL(std::size_t(97), too_big[0].size());
        // Heap 2 is three packets of exactly max_size (see qa_stream_support.h).
        const packet_list just_fits = data_heap(2, THREE_PACKET_HEAP);
        for (const auto& p : just_fits)
            CPPUNIT_ASSERT_EQUAL(PACKET_SIZE, p.size());

        limited_reader lr(gro);
        udp_sender sender(false);
        sender.send_all(too_big + just_fits + encode_stop_heap(3, options()), lr.to);
        const auto heaps = drain(lr.s);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), heaps.size());
        check_data_heap(heaps[0], 2, THREE_PACKET_HEAP);
        check_stats_any_batching(lr.s.get_all_stats(),
                                 // The oversize datagram is no packet; the stop heap
                                 // is a single-packet heap.
                                 { { "heaps", 1 },
                                   { "packets", 4 },
                                   { "single_packet_heaps", 1 },
                                   { "packets_rejected", 1 },
                                   { "packets_rejected_oversize", 1 } },
                                 1,
                                 4);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), lr.r->get_coalesced_datagrams());
    }

public:
    void test_oversize_datagram_dropped_and_counted() { check_oversize_datagram(false); }

    void test_oversize_datagram_dropped_with_gro() { check_oversize_datagram(true); }

    void test_oversize_segments_dropped_with_and_without_gro()
    {
        // Packets of at most 120 bytes: the first carries 120 - 56 = 64 payload bytes,
        // the others 120 - 40 = 80; a 214-byte heap is [120, 120, 40 + 70 = 110], all
        // beyond max_size (96).
        const packet_list too_big = data_heap(1, 214, packet_size(120));
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), too_big.size());
        CPPUNIT_ASSERT_EQUAL(std::size_t(110), too_big[2].size());
        for (const bool gro : { true, false }) {
            watchdog guard("oversize segments", std::chrono::seconds(30));
            limited_reader lr(gro);
            if (gro && !lr.r->uses_gro()) {
                skip_test("qa_udp_reader_limits::test_oversize_segments (GRO part)",
                          "the kernel refused UDP_GRO on the socket");
                continue;
            }
            udp_sender sender(false);
            const int error = sender.send_segmented(too_big, 120, lr.to);
            if (error != 0) {
                skip_test("qa_udp_reader_limits::test_oversize_segments",
                          std::string("the kernel refused a UDP_SEGMENT send: ") +
                              std::strerror(error));
                return;
            }
            sender.send_all(
                data_heap(2, THREE_PACKET_HEAP) + encode_stop_heap(3, options()), lr.to);
            const auto heaps = drain(lr.s);
            CPPUNIT_ASSERT_EQUAL(std::size_t(1), heaps.size());
            check_data_heap(heaps[0], 2, THREE_PACKET_HEAP);
            check_stats_any_batching(lr.s.get_all_stats(),
                                     // Oversize segments are no packets.
                                     { { "heaps", 1 },
                                       { "packets", 4 },
                                       { "single_packet_heaps", 1 },
                                       { "packets_rejected", 3 },
                                       { "packets_rejected_oversize", 3 } },
                                     1,
                                     4);
            // With GRO the three segments came as one coalesced datagram.
            CPPUNIT_ASSERT_EQUAL(std::uint64_t(gro ? 1 : 0),
                                 lr.r->get_coalesced_datagrams());
        }
    }

    void test_buffer_shortfall_warns_once_per_process()
    {
        const std::size_t limit = rmem_max();
        if (limit == 0) {
            skip_test("qa_udp_reader_limits::test_buffer_shortfall",
                      "cannot read /proc/sys/net/core/rmem_max");
            return;
        }
        const std::size_t requested = 2 * limit + 4096;
        watchdog guard("buffer warning", std::chrono::seconds(30));
        reset_receive_buffer_warning();
        log_recorder log;
        // Root would get the whole buffer (see test_privileged_buffer_passes_the_limit).
        scoped_env env(udp_reader::force_buffer_environment_variable, "0");
        thread_pool pool(1);
        ring_stream s(pool);
        auto& first =
            s.emplace_reader<udp_reader>(loopback_v4(), DEFAULT_UDP_MAX_SIZE, requested);
        s.emplace_reader<udp_reader>(loopback_v4(), DEFAULT_UDP_MAX_SIZE, requested);

        CPPUNIT_ASSERT_EQUAL(std::size_t(1), log.size());
        const auto entry = log.entries()[0];
        CPPUNIT_ASSERT(entry.level == log_level::warning);
        // Linux clips the request to rmem_max: that is what it grants.
        for (const std::string& part : { std::to_string(requested),
                                         "granted " + std::to_string(limit),
                                         std::string("net.core.rmem_max") })
            CPPUNIT_ASSERT_MESSAGE(entry.message + " lacks " + part,
                                   entry.message.find(part) != std::string::npos);

        // The reader works all the same.
        udp_sender sender(false);
        exchange_heaps(s, sender, first.get_local_endpoint());
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), log.size());
    }

    void test_buffer_within_limit_does_not_warn()
    {
        reset_receive_buffer_warning();
        log_recorder log;
        thread_pool pool(1);
        ring_stream s(pool);
        s.emplace_reader<udp_reader>(loopback_v4(), DEFAULT_UDP_MAX_SIZE, 0);
        // 64 KiB is below any Linux rmem_max (the kernel default is 208 KiB).
        s.emplace_reader<udp_reader>(loopback_v4(), DEFAULT_UDP_MAX_SIZE, 65536);
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), log.size());
    }

    void test_privileged_buffer_passes_the_limit()
    {
        const std::size_t limit = rmem_max();
        if (limit == 0) {
            skip_test("qa_udp_reader_limits::test_privileged_buffer",
                      "cannot read /proc/sys/net/core/rmem_max");
            return;
        }
        const std::size_t requested = 2 * limit + 4096;
        const bool privileged = may_pass_rmem_max();
        reset_receive_buffer_warning();
        log_recorder log;
        {
            // Without the flag, spead2's way: clipped to the limit, whoever asks.
            plain_udp_socket sock;
            CPPUNIT_ASSERT_EQUAL(limit,
                                 set_receive_buffer_size(sock.fd, requested, false));
        }
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), log.size());
        reset_receive_buffer_warning();
        {
            // With it, what the process may have: all of it as root (CI), else the limit.
            plain_udp_socket sock;
            CPPUNIT_ASSERT_EQUAL(privileged ? requested : limit,
                                 set_receive_buffer_size(sock.fd, requested, true));
            CPPUNIT_ASSERT_EQUAL(std::size_t(privileged ? 1 : 2), log.size());
        }
        // A reader asks with the flag unless the environment says no; it works either
        // way.
        watchdog guard("privileged buffer", std::chrono::seconds(30));
        reset_receive_buffer_warning();
        const std::size_t warnings = log.size();
        thread_pool pool(1);
        ring_stream s(pool);
        auto& r =
            s.emplace_reader<udp_reader>(loopback_v4(), DEFAULT_UDP_MAX_SIZE, requested);
        CPPUNIT_ASSERT_EQUAL(warnings + (privileged ? 0 : 1), log.size());
        udp_sender sender(false);
        exchange_heaps(s, sender, r.get_local_endpoint());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(qa_udp_reader_limits);
