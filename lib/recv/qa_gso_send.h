/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_QA_GSO_SEND_H
#define INCLUDED_SPEAD_QA_GSO_SEND_H

// For the tests and the fuzzers: one UDP_SEGMENT (GSO) send, which the kernel hands to a
// GRO socket as one coalesced datagram and to any other socket as separate datagrams.
// Plain socket calls, so that the sending side shares no code with the reader.

#include <netinet/in.h>
#include <netinet/udp.h>
#include <sys/socket.h>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace gr {
namespace spead {
namespace qa {

/**
 * Sends the \p length bytes at \p bytes from socket \p fd to \p to as one GSO send of
 * \p segment-byte datagrams (the last may be shorter). Returns 0, or errno when the
 * kernel refuses (ENOPROTOOPT where the C library lacks UDP_SEGMENT).
 */
inline int send_gso_train(int fd,
                          const std::uint8_t* bytes,
                          std::size_t length,
                          std::size_t segment,
                          const sockaddr* to,
                          socklen_t to_length)
{
#ifdef UDP_SEGMENT
    iovec iov{ const_cast<std::uint8_t*>(bytes), length };
    union {
        cmsghdr header;
        unsigned char bytes[CMSG_SPACE(sizeof(std::uint16_t))];
    } control{};
    msghdr message{};
    message.msg_name = const_cast<sockaddr*>(to);
    message.msg_namelen = to_length;
    message.msg_iov = &iov;
    message.msg_iovlen = 1;
    message.msg_control = control.bytes;
    message.msg_controllen = sizeof(control.bytes);
    cmsghdr* c = CMSG_FIRSTHDR(&message);
    c->cmsg_level = SOL_UDP;
    c->cmsg_type = UDP_SEGMENT;
    c->cmsg_len = CMSG_LEN(sizeof(std::uint16_t));
    const std::uint16_t size = std::uint16_t(segment);
    std::memcpy(CMSG_DATA(c), &size, sizeof(size));
    const ssize_t sent = ::sendmsg(fd, &message, 0);
    if (sent < 0)
        return errno;
    return std::size_t(sent) == length ? 0 : EMSGSIZE;
#else
    (void)fd, (void)bytes, (void)length, (void)segment, (void)to, (void)to_length;
    return ENOPROTOOPT;
#endif
}

} // namespace qa
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_QA_GSO_SEND_H */
