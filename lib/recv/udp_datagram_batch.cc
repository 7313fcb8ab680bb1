/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "udp_datagram_batch.h"
#include <netinet/in.h>
#include <netinet/udp.h>
#include <cerrno>
#include <cstring>

namespace gr {
namespace spead {

udp_datagram_batch::udp_datagram_batch(std::size_t capacity,
                                       std::size_t buffer_size,
                                       bool gro)
    : d_capacity(capacity),
      d_buffer_size(buffer_size),
      d_gro(gro),
      d_storage(new std::uint8_t[capacity * buffer_size]),
      d_iov(capacity),
      d_messages(capacity),
      d_control(gro ? capacity : 0)
{
    for (std::size_t i = 0; i < capacity; i++) {
        d_iov[i].iov_base = d_storage.get() + i * buffer_size;
        d_iov[i].iov_len = buffer_size;
        std::memset(&d_messages[i], 0, sizeof(d_messages[i]));
        auto& header = d_messages[i].msg_hdr;
        header.msg_iov = &d_iov[i];
        header.msg_iovlen = 1;
        if (gro) {
            header.msg_control = d_control[i].bytes;
            header.msg_controllen = sizeof(d_control[i].bytes);
        }
    }
    d_used = 0;
}

int udp_datagram_batch::receive(int fd)
{
    // The kernel rewrites these on output: restore what the last call changed.
    for (std::size_t i = 0; i < d_used; i++) {
        auto& header = d_messages[i].msg_hdr;
        header.msg_flags = 0;
        if (d_gro)
            header.msg_controllen = sizeof(d_control[i].bytes);
    }
    d_used = 0;
    const int received =
        recvmmsg(fd, d_messages.data(), unsigned(d_capacity), MSG_DONTWAIT, nullptr);
    if (received < 0)
        return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -errno;
    d_used = std::size_t(received);
    return received;
}

udp_datagram_batch::datagram udp_datagram_batch::get(std::size_t index) const
{
    const auto& message = d_messages[index];
    datagram d;
    d.data = static_cast<const std::uint8_t*>(d_iov[index].iov_base);
    d.length = message.msg_len;
    d.truncated = (message.msg_hdr.msg_flags & MSG_TRUNC) != 0;
    d.segment_size = 0;
#ifdef UDP_GRO
    if (d_gro) {
        // CMSG_NXTHDR takes a non-const header; it only reads through it.
        auto* header = const_cast<struct msghdr*>(&message.msg_hdr);
        for (struct cmsghdr* c = CMSG_FIRSTHDR(header); c != nullptr;
             c = CMSG_NXTHDR(header, c)) {
            if (c->cmsg_level == SOL_UDP && c->cmsg_type == UDP_GRO &&
                c->cmsg_len >= CMSG_LEN(sizeof(int))) {
                int size = 0;
                std::memcpy(&size, CMSG_DATA(c), sizeof(size));
                if (size > 0)
                    d.segment_size = std::size_t(size);
            }
        }
    }
#endif
    return d;
}

} // namespace spead
} // namespace gr
