/*
 * Copyright 2026 gr-spead authors
 *
 * This file is part of gr-spead
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// A Python socket as a reader argument (add_udp_reader(socket),
// add_tcp_reader(acceptor)).

#ifndef INCLUDED_SPEAD_PYTHON_SOCKET_ARG_H
#define INCLUDED_SPEAD_PYTHON_SOCKET_ARG_H

#include <pybind11/pybind11.h>
#include <sys/socket.h>
#include <exception>

namespace gr {
namespace spead {
namespace python {

/**
 * An object whose fileno() is an IPv4 or IPv6 socket of \p SocketType (SOCK_DGRAM for
 * UDP, SOCK_STREAM for TCP). Anything else fails the argument conversion, so that
 * pybind11 tries the next overload and, with none left, raises TypeError, as spead2
 * does: add_udp_reader(100000) must not be taken for a socket. The descriptor stays the
 * caller's.
 */
template <int SocketType>
struct socket_arg {
    int fd = -1;
    bool v6 = false;
};
using udp_socket_arg = socket_arg<SOCK_DGRAM>;
using tcp_socket_arg = socket_arg<SOCK_STREAM>;

} // namespace python
} // namespace spead
} // namespace gr

namespace pybind11 {
namespace detail {

template <int SocketType>
struct type_caster<gr::spead::python::socket_arg<SocketType>> {
    PYBIND11_TYPE_CASTER(gr::spead::python::socket_arg<SocketType>, _("socket.socket"));

    bool load(handle src, bool)
    {
        if (!hasattr(src, "fileno"))
            return false;
        int fd = -1;
        try {
            fd = src.attr("fileno")().template cast<int>();
        } catch (const std::exception&) {
            return false; // fileno() raised (a closed socket) or is not an int
        }
        if (fd < 0)
            return false;
        sockaddr_storage address{};
        socklen_t address_length = sizeof(address);
        if (::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &address_length) !=
                0 ||
            (address.ss_family != AF_INET && address.ss_family != AF_INET6))
            return false;
        int type = 0;
        socklen_t type_length = sizeof(type);
        if (::getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &type_length) != 0 ||
            type != SocketType)
            return false;
        value.fd = fd;
        value.v6 = address.ss_family == AF_INET6;
        return true;
    }
};

} // namespace detail
} // namespace pybind11

#endif /* INCLUDED_SPEAD_PYTHON_SOCKET_ARG_H */
