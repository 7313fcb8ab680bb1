/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config_checks.h"
#include <gnuradio/spead/receiver_config.h>
#include <gnuradio/spead/recv/udp_endpoint_list.h>
#include <boost/asio/ip/address.hpp>
#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace gr {
namespace spead {

using namespace config_checks;

void receiver_config::validate() const
{
    constexpr std::int64_t big = std::int64_t(1) << 40;
    check_choice("transport", transport, { "udp", "tcp", "pcap", "inproc" });
    check_range("port", port, 0, 65535, "0..65535");
    if (transport == "udp" || transport == "tcp") {
        const auto endpoints = recv::parse_endpoint_list(address, port, "address");
        if (transport == "tcp" && endpoints.size() != 1)
            reject("address",
                   "one address to listen on when transport is 'tcp', not a list of " +
                       std::to_string(endpoints.size()));
    }
    if (!interface_address.empty()) {
        boost::system::error_code ec;
        const auto a = boost::asio::ip::make_address(interface_address, ec);
        if (ec || !a.is_v4())
            reject("interface_address",
                   "empty or the IPv4 address of an interface, not '" +
                       interface_address + "'");
    }
    check_range("interface_index", interface_index, 0, 1 << 30, "0 or more");
    check_range<std::int64_t>(
        "max_packet_size", max_packet_size, 0, 1 << 24, "0 (default) or 8..16777216");
    if (max_packet_size > 0 && max_packet_size < 8)
        reject("max_packet_size",
               "0 (default) or 8..16777216, not " + std::to_string(max_packet_size));
    check_range<std::int64_t>("socket_buffer_size",
                              socket_buffer_size,
                              -1,
                              std::int64_t(1) << 31,
                              "-1 (default), 0 (OS default) or a size up to 2 GiB");
    if (transport == "pcap" && pcap_file.empty())
        reject("pcap_file", "the path of a capture file when transport is 'pcap'");
    if (!(pcap_rate >= 0.0) || std::isinf(pcap_rate))
        reject("pcap_rate",
               "0 (no pacing) or a positive rate in packets per second, not " +
                   std::to_string(pcap_rate));
    if (transport == "inproc" && !queue)
        reject("queue", "an InprocQueue when transport is 'inproc'");

    check_range("max_heaps", max_heaps, 1, 1 << 20, "1..1048576");
    check_range("substreams", substreams, 1, 1 << 20, "1..1048576");
    check_range("bug_compat", bug_compat, 0, 7, "0..7 (BUG_COMPAT_* flags)");
    check_range<std::int64_t>("stream_id", stream_id, 0, INT64_MAX, "0 or more");
    if (max_heap_size != -1)
        check_range<std::int64_t>(
            "max_heap_size", max_heap_size, 1, big, "-1 (64 MiB) or 1..2**40");
    check_range("ring_heaps", ring_heaps, 0, 1 << 20, "0 (auto) or 1..1048576");
    check_range("ring_max_spin_us",
                ring_max_spin_us,
                0,
                1000000,
                "0..1000000 microseconds (0: never spin)");
    check_range("busy_poll_us",
                busy_poll_us,
                0,
                1000000,
                "0..1000000 microseconds (0: the UDP reader sleeps at once)");

    check_range<std::int64_t>("heap_size", heap_size, 0, big, "0 (unknown) or 1..2**40");
    check_choice("memory_pool", memory_pool, { "auto", "on", "off" });
    if (memory_pool == "on" && heap_size == 0 && pool_upper < 0)
        reject("memory_pool",
               "'auto' or 'off' when neither heap_size nor pool_upper "
               "is given (the pool needs a buffer size)");
    check_range<std::int64_t>("pool_lower", pool_lower, -1, big, "-1 (auto) or 0..2**40");
    check_range<std::int64_t>("pool_upper", pool_upper, -1, big, "-1 (auto) or 0..2**40");
    check_range<std::int64_t>(
        "pool_max_free", pool_max_free, -1, 1 << 20, "-1 (auto) or 0..1048576");
    check_range<std::int64_t>(
        "pool_initial", pool_initial, -1, 1 << 20, "-1 (auto) or 0..1048576");
    check_range<std::int64_t>(
        "pool_low_water", pool_low_water, -1, 1 << 20, "-1 (auto) or 0..1048576");
    // Pool parameters that contradict each other (when both are given; derived
    // values are checked again when the pool is made).
    const std::int64_t upper = pool_upper >= 0 ? pool_upper : heap_size;
    if (pool_lower >= 0 && upper > 0 && pool_lower > upper)
        reject("pool_lower",
               "at most pool_upper (" + std::to_string(upper) + "), not " +
                   std::to_string(pool_lower));
    if (pool_initial >= 0 && pool_max_free >= 0 && pool_initial > pool_max_free)
        reject("pool_initial",
               "at most pool_max_free (" + std::to_string(pool_max_free) + "), not " +
                   std::to_string(pool_initial));
    if (pool_low_water >= 0 && pool_max_free >= 0 && pool_low_water > pool_max_free)
        reject("pool_low_water",
               "at most pool_max_free (" + std::to_string(pool_max_free) + "), not " +
                   std::to_string(pool_low_water));
    check_choice("allocator", allocator, { "new", "mmap", "mmap_huge" });

    check_range("threads", threads, 1, 256, "1..256");
    for (int cpu : affinity)
        check_range("affinity", cpu, 0, 1 << 16, "a list of CPU numbers, each 0 or more");
    if (!(stats_interval >= 0.0) || std::isinf(stats_interval))
        reject("stats_interval",
               "0 (only at the end and on request) or a positive number of seconds, "
               "not " +
                   std::to_string(stats_interval));
}

int receiver_config::effective_ring_heaps() const
{
    if (ring_heaps > 0)
        return ring_heaps;
    if (heap_size <= 0)
        return 4;
    return int(std::clamp<std::int64_t>(auto_ring_bytes / heap_size, 4, 64));
}

} // namespace spead
} // namespace gr
