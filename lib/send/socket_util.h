/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_SEND_SOCKET_UTIL_H
#define INCLUDED_SPEAD_SEND_SOCKET_UTIL_H

#include <gnuradio/spead/send/endpoint.h>
#include <sys/socket.h>
#include <cstddef>
#include <string>

namespace gr {
namespace spead {
namespace send {

/// A resolved socket address.
struct socket_address {
    sockaddr_storage storage{};
    socklen_t length = 0;

    int family() const { return storage.ss_family; }
    const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&storage); }
    bool is_multicast() const;
    /// "host:port" ("[v6]:port") for messages.
    std::string to_string() const;
};

/// Resolves \p host (a literal or a name; the first address given) with \p port.
/// \throws std::runtime_error naming the host when it cannot be resolved.
socket_address resolve(const std::string& host, std::uint16_t port, int socktype);

/// A new socket; \throws std::system_error.
int make_socket(int family, int socktype);

/// Duplicates the caller's socket; \throws std::system_error.
int duplicate_socket(int fd);

/// Asks for a send buffer of \p size bytes (0: leave the OS default); logs a warning
/// when the kernel grants less.
void set_send_buffer_size(int fd, std::size_t size);

/// Waits (up to a second) for \p fd to become writable, for non-blocking sockets.
void wait_writable(int fd);

} // namespace send
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_SEND_SOCKET_UTIL_H */
