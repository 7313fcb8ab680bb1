/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_SEND_UDP_STREAM_H
#define INCLUDED_SPEAD_SEND_UDP_STREAM_H

#include <gnuradio/spead/send/endpoint.h>
#include <gnuradio/spead/send/stream.h>
#include <cstddef>
#include <string>
#include <vector>

namespace gr {
namespace spead {
namespace send {

/**
 * \brief A send stream over UDP (spead2's UdpStream): one destination per substream,
 * all of one address family.
 *
 * Packets go out with sendmmsg, a batch per system call. Where the kernel has UDP
 * generic segmentation offload (probed once per socket), a run of equal-sized packets
 * to one destination is one message that the kernel cuts into datagrams; if such a send
 * fails and the same packets then go without it, GSO is switched off for the stream.
 *
 * Every constructor throws std::invalid_argument when \p endpoints is empty, mixes
 * address families or breaks the constructor's rule below, std::runtime_error when a
 * host cannot be resolved, and std::system_error when the socket cannot be made.
 */
class udp_stream : public stream
{
public:
    /// Socket send buffer asked for by default (the kernel may grant less).
    static constexpr std::size_t DEFAULT_BUFFER_SIZE = 512 * 1024;

    /// Unicast or multicast; with \p interface_address, the socket is bound to that
    /// local address (the source of the packets). \p buffer_size 0 keeps the OS default.
    udp_stream(const std::vector<endpoint>& endpoints,
               const stream_config& config = stream_config(),
               std::size_t buffer_size = DEFAULT_BUFFER_SIZE,
               const std::string& interface_address = std::string());

    /// Multicast (every endpoint a multicast group) with the hop limit \p ttl.
    udp_stream(const std::vector<endpoint>& endpoints,
               const stream_config& config,
               std::size_t buffer_size,
               int ttl);

    /// IPv4 multicast with the hop limit \p ttl, sent from the interface that has
    /// \p interface_address (empty: the routing table's choice).
    udp_stream(const std::vector<endpoint>& endpoints,
               const stream_config& config,
               std::size_t buffer_size,
               int ttl,
               const std::string& interface_address);

    /// IPv6 multicast with the hop limit \p ttl, sent from interface \p interface_index.
    udp_stream(const std::vector<endpoint>& endpoints,
               const stream_config& config,
               std::size_t buffer_size,
               int ttl,
               unsigned int interface_index);

    /// Over the caller's UDP socket \p fd, which is duplicated (the caller keeps and
    /// closes its own); its options are left as they are.
    udp_stream(int fd,
               const std::vector<endpoint>& endpoints,
               const stream_config& config = stream_config());
};

} // namespace send
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_SEND_UDP_STREAM_H */
