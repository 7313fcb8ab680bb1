/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "socket_util.h"
#include <gnuradio/spead/protocol/log.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <system_error>
#include <unistd.h>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace gr {
namespace spead {
namespace send {

bool socket_address::is_multicast() const
{
    if (family() == AF_INET) {
        const auto* a = reinterpret_cast<const sockaddr_in*>(&storage);
        return IN_MULTICAST(ntohl(a->sin_addr.s_addr));
    }
    if (family() == AF_INET6) {
        const auto* a = reinterpret_cast<const sockaddr_in6*>(&storage);
        return IN6_IS_ADDR_MULTICAST(&a->sin6_addr);
    }
    return false;
}

std::string socket_address::to_string() const
{
    char text[INET6_ADDRSTRLEN] = {};
    if (family() == AF_INET) {
        const auto* a = reinterpret_cast<const sockaddr_in*>(&storage);
        inet_ntop(AF_INET, &a->sin_addr, text, sizeof(text));
        return std::string(text) + ":" + std::to_string(ntohs(a->sin_port));
    }
    const auto* a = reinterpret_cast<const sockaddr_in6*>(&storage);
    inet_ntop(AF_INET6, &a->sin6_addr, text, sizeof(text));
    return "[" + std::string(text) + "]:" + std::to_string(ntohs(a->sin6_port));
}

socket_address resolve(const std::string& host, std::uint16_t port, int socktype)
{
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = socktype;
    hints.ai_flags = AI_NUMERICSERV;
    addrinfo* found = nullptr;
    const std::string service = std::to_string(port);
    const int rc = getaddrinfo(host.c_str(), service.c_str(), &hints, &found);
    if (rc != 0 || !found)
        throw std::runtime_error("cannot resolve host '" + host +
                                 "': " + (rc != 0 ? gai_strerror(rc) : "no address"));
    socket_address out;
    std::memcpy(&out.storage, found->ai_addr, found->ai_addrlen);
    out.length = found->ai_addrlen;
    freeaddrinfo(found);
    return out;
}

int make_socket(int family, int socktype)
{
    const int fd = ::socket(family, socktype | SOCK_CLOEXEC, 0);
    if (fd < 0)
        throw std::system_error(errno, std::generic_category(), "cannot make a socket");
    return fd;
}

int duplicate_socket(int fd)
{
    const int copy = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
    if (copy < 0)
        throw std::system_error(
            errno, std::generic_category(), "cannot duplicate the socket");
    return copy;
}

void set_send_buffer_size(int fd, std::size_t size)
{
    if (size == 0)
        return;
    const int value = size > (std::size_t(1) << 30) ? 1 << 30 : int(size);
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &value, sizeof(value));
    int granted = 0;
    socklen_t length = sizeof(granted);
    // Linux reports twice what it accepted (the rest pays for its bookkeeping).
    if (getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &granted, &length) == 0 &&
        std::size_t(granted) / 2 < std::size_t(value))
        protocol::log_message(protocol::log_level::warning,
                              "send buffer of " + std::to_string(size) +
                                  " bytes asked for, " + std::to_string(granted / 2) +
                                  " granted (see net.core.wmem_max)");
}

void wait_writable(int fd)
{
    pollfd p{};
    p.fd = fd;
    p.events = POLLOUT;
    ::poll(&p, 1, 1000);
}

} // namespace send
} // namespace spead
} // namespace gr
