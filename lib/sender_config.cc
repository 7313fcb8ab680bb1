/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config_checks.h"
#include <gnuradio/spead/recv/udp_endpoint_list.h>
#include <gnuradio/spead/sender_config.h>
#include <cmath>

namespace gr {
namespace spead {

using namespace config_checks;

void sender_config::validate() const
{
    check_choice("transport", transport, { "udp", "tcp", "pcap", "inproc" });
    check_range("port", port, 1, 65535, "1..65535");
    if (transport == "udp" || transport == "tcp") {
        if (address.empty())
            reject("address", "a destination (host[+N][:port], comma-separated for UDP)");
        const auto endpoints = recv::parse_endpoint_list(address, port, "address");
        if (transport == "tcp" && endpoints.size() != 1)
            reject("address",
                   "one address to connect to when transport is 'tcp', not a list of " +
                       std::to_string(endpoints.size()));
    }
    if (transport == "pcap" && filename.empty())
        reject("filename", "the capture file to write when transport is 'pcap'");
    if (transport == "inproc" && !queue)
        reject("queue", "an InprocQueue when transport is 'inproc'");
    check_range("ttl", ttl, 1, 255, "1..255");
    check_range("max_packet_size",
                max_packet_size,
                std::int64_t(64),
                std::int64_t(transport == "tcp" ? (1 << 24) : 65507),
                transport == "tcp" ? "64..16777216" : "64..65507");
    if (!std::isfinite(rate_gbps) || rate_gbps < 0)
        reject("rate_gbps", "0 (unlimited) or a positive number of Gb/s");
    check_range("max_heaps", max_heaps, std::int64_t(1), std::int64_t(1024), "1..1024");
    check_range("socket_buffer_size",
                socket_buffer_size,
                std::int64_t(0),
                std::int64_t(1) << 31,
                "0..2147483648");
    if (heap_address_bits < 16 || heap_address_bits > 56 || heap_address_bits % 8 != 0)
        reject("heap_address_bits",
               "a multiple of 8 from 16 to 56 (40: SPEAD-64-40, 48: SPEAD-64-48), not " +
                   std::to_string(heap_address_bits));
    if (!std::isfinite(stats_interval) || stats_interval < 0)
        reject("stats_interval", "0 (on request only) or a positive number of seconds");
}

} // namespace spead
} // namespace gr
