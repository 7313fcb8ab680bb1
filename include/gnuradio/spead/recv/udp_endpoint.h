/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_RECV_UDP_ENDPOINT_H
#define INCLUDED_SPEAD_RECV_UDP_ENDPOINT_H

#include <boost/asio/ip/udp.hpp>
#include <string>

namespace gr {
namespace spead {
namespace recv {

/**
 * \brief The local endpoint a UDP reader binds to, from a host name and a port (what
 * the Python API's add_udp_reader(port, max_size, buffer_size, bind_hostname) needs).
 *
 * An empty \p bind_hostname means every IPv4 address (0.0.0.0); an address literal
 * ("127.0.0.1", "::1", "239.1.2.3") is taken as it is; any other name is resolved and
 * its first address used. A multicast address makes the reader join that group.
 * \throws std::invalid_argument when \p port is outside 0..65535 (naming it).
 * \throws std::runtime_error when the name cannot be resolved (naming it and why).
 */
boost::asio::ip::udp::endpoint make_udp_bind_endpoint(const std::string& bind_hostname,
                                                      int port);

} // namespace recv
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_RECV_UDP_ENDPOINT_H */
