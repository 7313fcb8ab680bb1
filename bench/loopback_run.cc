/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "loopback_run.h"
#include "udp_kernel_drops.h"
#include <unistd.h>

namespace gr {
namespace spead {
namespace bench {

loopback_socket::loopback_socket(boost::asio::io_context& io,
                                 std::size_t buffer_size,
                                 bool force_buffer)
    : d_socket(io)
{
    d_socket.open(boost::asio::ip::udp::v4());
    d_socket.bind(
        boost::asio::ip::udp::endpoint(boost::asio::ip::address_v4::loopback(), 0));
    d_grant = give_receive_buffer(d_socket.native_handle(), buffer_size, force_buffer);
    d_port = d_socket.local_endpoint().port();
    d_keep_fd = ::dup(d_socket.native_handle());
}

loopback_socket::~loopback_socket()
{
    if (d_keep_fd >= 0)
        ::close(d_keep_fd);
}

std::int64_t loopback_socket::kernel_drops() const { return udp_kernel_drops(d_port); }

send::send_config loopback_send_config(int port,
                                       std::size_t heap_size,
                                       std::size_t packet_size,
                                       double duration,
                                       double rate_gbps)
{
    send::send_config c;
    c.transport = send::transport_kind::udp;
    c.host = "127.0.0.1";
    c.port = port;
    c.heap_size = heap_size;
    c.packet_size = packet_size;
    c.duration = duration;
    c.rate_gbps = rate_gbps;
    c.descriptors = false;
    c.stop_heap = true;
    return c;
}

} // namespace bench
} // namespace spead
} // namespace gr
