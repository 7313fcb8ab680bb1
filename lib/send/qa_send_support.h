/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_SEND_QA_SEND_SUPPORT_H
#define INCLUDED_SPEAD_SEND_QA_SEND_SUPPORT_H

// Test helpers of the send transports: a heap's packets as the generator makes them
// (qa_packet_generator checks those byte by byte), and loopback sockets.

#include <gnuradio/spead/send/packet_generator.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cstdint>
#include <numeric>
#include <stdexcept>
#include <vector>

namespace gr {
namespace spead {
namespace qa {

using packet_bytes = std::vector<std::uint8_t>;

inline std::vector<packet_bytes>
expected_packets(const send::heap& h, std::uint64_t cnt, std::size_t max_packet_size)
{
    send::packet_generator gen(h, cnt, max_packet_size);
    std::vector<std::uint8_t> scratch(gen.scratch_size());
    std::vector<send::packet_buffer> pieces;
    std::vector<packet_bytes> out;
    while (gen.has_next_packet()) {
        pieces.clear();
        gen.next_packet(scratch.data(), pieces);
        packet_bytes p;
        for (const send::packet_buffer& b : pieces)
            p.insert(p.end(), b.data, b.data + b.size);
        out.push_back(p);
    }
    return out;
}

inline std::vector<std::uint8_t> ramp_bytes(std::size_t n, std::uint8_t first = 0)
{
    std::vector<std::uint8_t> out(n);
    std::iota(out.begin(), out.end(), first);
    return out;
}

/// A socket bound to 127.0.0.1 on a free port, with a 2 s receive timeout.
class loopback_socket
{
public:
    explicit loopback_socket(int type)
    {
        d_fd = ::socket(AF_INET, type, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof(a);
        if (d_fd < 0 || ::bind(d_fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0 ||
            ::getsockname(d_fd, reinterpret_cast<sockaddr*>(&a), &length) != 0)
            throw std::runtime_error("cannot bind a loopback socket");
        d_port = ntohs(a.sin_port);
        timeval timeout{ 2, 0 };
        setsockopt(d_fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
        const int buffer = 4 << 20;
        setsockopt(d_fd, SOL_SOCKET, SO_RCVBUF, &buffer, sizeof(buffer));
    }
    ~loopback_socket()
    {
        if (d_fd >= 0)
            ::close(d_fd);
    }
    loopback_socket(const loopback_socket&) = delete;
    loopback_socket& operator=(const loopback_socket&) = delete;

    int fd() const { return d_fd; }
    std::uint16_t port() const { return d_port; }

    /// One datagram (empty after the timeout).
    packet_bytes receive_datagram()
    {
        packet_bytes buf(65536);
        const ssize_t n = ::recv(d_fd, buf.data(), buf.size(), 0);
        buf.resize(n > 0 ? std::size_t(n) : 0);
        return buf;
    }

private:
    int d_fd = -1;
    std::uint16_t d_port = 0;
};

} // namespace qa
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_SEND_QA_SEND_SUPPORT_H */
