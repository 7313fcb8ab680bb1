/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_RECV_UDP_ENDPOINT_LIST_H
#define INCLUDED_SPEAD_RECV_UDP_ENDPOINT_LIST_H

#include <string>
#include <vector>

namespace gr {
namespace spead {
namespace recv {

/// One endpoint of a list: a host (address literal or name; empty: every IPv4
/// address) and a port. make_udp_bind_endpoint turns it into a socket address.
struct endpoint_spec {
    std::string host;
    int port = 0;

    bool operator==(const endpoint_spec& o) const
    {
        return host == o.host && port == o.port;
    }
};

/// Most endpoints one list may expand to (each becomes a socket and a reader).
constexpr std::size_t MAX_ENDPOINTS = 256;

/**
 * \brief Parses a list of receive endpoints in the notation of telescope configuration
 * files: comma-separated pieces, each `host[+N][:port]`.
 *
 * - `239.10.0.0+15:7148` stands for 16 consecutive addresses, 239.10.0.0 to 239.10.0.15
 *   (N more after the first; IPv4 or IPv6 literals only).
 * - An IPv6 address with a port or a count is written in brackets:
 *   `[ff15::1]+3:7148`; without either, a bare IPv6 literal (`ff15::1`) is accepted.
 * - The port may be left out (`default_port` is used); `:7148` or `7148` alone
 *   means every IPv4 address on that port.
 * - An empty text is one endpoint: every IPv4 address on \p default_port.
 *
 * \param parameter named in error messages (the block parameter, "address").
 * \throws std::invalid_argument naming \p parameter and the bad piece: an empty piece,
 * a bad port or count, a count on a host name, an address range that overflows, an
 * endpoint listed twice (port 0, a fresh port each time, may repeat), or more than
 * MAX_ENDPOINTS endpoints.
 */
std::vector<endpoint_spec> parse_endpoint_list(const std::string& text,
                                               int default_port,
                                               const std::string& parameter = "address");

} // namespace recv
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_RECV_UDP_ENDPOINT_LIST_H */
