/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_APPS_SEND_TRANSPORT_H
#define INCLUDED_SPEAD_APPS_SEND_TRANSPORT_H

#include "send_config.h"
#include "send_heaps.h"
#include <cstddef>
#include <memory>
#include <string>

namespace gr {
namespace spead {
namespace send {

/// Where packets go: a UDP socket, a TCP connection or a capture file.
class transport
{
public:
    virtual ~transport() = default;
    /// Sends \p n packets in order; counts transient errors it retried in \p summary.
    /// \throws std::runtime_error on an error that ends the run (naming the peer).
    virtual void
    send(const out_packet* packets, std::size_t n, send_summary& summary) = 0;
    /// Flushes and closes (a TCP connection is shut down so the receiver sees the end).
    virtual void close() {}
    /// Send buffer the kernel granted, 0 when there is no socket.
    virtual std::size_t socket_buffer() const { return 0; }
    /// Human-readable destination, e.g. "udp 127.0.0.1:8888".
    virtual std::string describe() const = 0;
};

/**
 * \brief Opens the transport \p config asks for.
 * UDP: a socket connected to host:port (IPv4 or IPv6; a multicast group gets the TTL
 * and outgoing interface given), SO_SNDBUF as asked (the kernel may grant less), packets
 * sent with sendmmsg in batches; with several destinations the socket is not connected
 * and each packet goes to its out_packet::destination. TCP: connects, retrying until
 * connect_timeout (one destination). pcap: creates the file, one Ethernet/IPv4/UDP frame
 * per packet from 127.0.0.1:40000 to the packet's destination (address and port).
 * \throws std::runtime_error naming the destination when it cannot be opened.
 */
std::unique_ptr<transport> make_transport(const send_config& config);

} // namespace send
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_APPS_SEND_TRANSPORT_H */
