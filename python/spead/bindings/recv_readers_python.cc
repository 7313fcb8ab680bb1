/*
 * Copyright 2026 gr-spead authors
 *
 * This file is part of gr-spead
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// The add_*_reader methods of recv.Stream, as spead2 has them: memory buffer, UDP (port,
// IPv4 multicast with an interface address, IPv6 multicast with an interface index, a
// caller's socket), TCP (port, a caller's listening socket), pcap file, in-process queue.

#include "recv_stream_wrapper.h"
#include "socket_arg.h"

#include <gnuradio/spead/recv/inproc_reader.h>
#include <gnuradio/spead/recv/pcap_reader.h>
#include <gnuradio/spead/recv/tcp_reader.h>
#include <gnuradio/spead/recv/udp_endpoint.h>
#include <gnuradio/spead/recv/udp_reader.h>
#include <pybind11/stl.h>
#include <sys/socket.h>
#include <system_error>
#include <unistd.h>
#include <boost/asio/ip/address.hpp>
#include <boost/system/system_error.hpp>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <string>

namespace gr {
namespace spead {
namespace python {

namespace {

using boost::asio::ip::tcp;
using boost::asio::ip::udp;

/// Duplicates the caller's descriptor, so that the reader can close its own copy (the
/// caller may go on using or close the Python socket).
int duplicate_fd(int fd)
{
    const int copy = ::dup(fd);
    if (copy < 0)
        throw std::system_error(errno, std::generic_category(), "dup of socket");
    return copy;
}

/// An address literal or a host name (resolved, first address), for the parameter
/// \p name.
boost::asio::ip::address resolve_address(const std::string& text, const char* name)
{
    if (text.empty())
        throw py::value_error(std::string(name) + " must not be empty");
    try {
        py::gil_scoped_release release; // a name lookup may take a while
        return recv::make_udp_bind_endpoint(text, 0).address();
    } catch (const std::runtime_error& e) {
        throw py::value_error(std::string(name) + ": " + e.what());
    }
}

udp::endpoint group_endpoint(const std::string& group, std::uint16_t port)
{
    return udp::endpoint(resolve_address(group, "multicast_group"), port);
}

/// busy_poll_us (not in spead2), checked before a reader is added.
std::chrono::microseconds checked_busy_poll(std::int64_t busy_poll_us)
{
    if (busy_poll_us < 0 || busy_poll_us > recv::udp_reader::max_busy_poll.count())
        throw py::value_error(
            "busy_poll_us " + std::to_string(busy_poll_us) + " is out of range [0, " +
            std::to_string(recv::udp_reader::max_busy_poll.count()) + "]");
    return std::chrono::microseconds(busy_poll_us);
}

/// What every add_udp_reader overload ends with: a udp_reader made from \p reader_args
/// (an endpoint or socket, then sizes and any multicast interface), busy-polling for
/// \p busy_poll, which the caller checked before resolving any address.
template <typename... ReaderArgs>
void add_udp(stream_wrapper_base& s,
             std::chrono::microseconds busy_poll,
             ReaderArgs&&... reader_args)
{
    s.add_reader<recv::udp_reader>(std::forward<ReaderArgs>(reader_args)...)
        .set_busy_poll(busy_poll);
}

} // namespace

void bind_stream_readers(py::class_<stream_wrapper_base>& cls)
{
    // spead2 has the readers' defaults as class attributes too.
    cls.attr("DEFAULT_UDP_MAX_SIZE") = recv::DEFAULT_UDP_MAX_SIZE;
    cls.attr("DEFAULT_UDP_BUFFER_SIZE") = recv::DEFAULT_UDP_BUFFER_SIZE;
    cls.attr("DEFAULT_TCP_MAX_SIZE") = recv::DEFAULT_TCP_MAX_SIZE;
    cls.attr("DEFAULT_TCP_BUFFER_SIZE") = recv::DEFAULT_TCP_BUFFER_SIZE;
    cls.def(
           "add_buffer_reader",
           [](stream_wrapper_base& s, const py::object& buffer) {
               s.add_buffer_reader(buffer);
           },
           py::arg("buffer"))
        .def(
            "add_udp_reader",
            [](stream_wrapper_base& s,
               std::uint16_t port,
               std::size_t max_size,
               std::size_t buffer_size,
               const std::string& bind_hostname,
               std::int64_t busy_poll_us) {
                const auto busy_poll = checked_busy_poll(busy_poll_us);
                add_udp(s,
                        busy_poll,
                        recv::make_udp_bind_endpoint(bind_hostname, port),
                        max_size,
                        buffer_size);
            },
            py::arg("port"),
            py::arg("max_size") = recv::DEFAULT_UDP_MAX_SIZE,
            py::arg("buffer_size") = recv::DEFAULT_UDP_BUFFER_SIZE,
            py::arg("bind_hostname") = std::string(),
            py::kw_only(),
            py::arg("busy_poll_us") = 0)
        .def(
            "add_udp_reader",
            [](stream_wrapper_base& s,
               const std::string& multicast_group,
               std::uint16_t port,
               std::size_t max_size,
               std::size_t buffer_size,
               const std::string& interface_address,
               std::int64_t busy_poll_us) {
                const auto busy_poll = checked_busy_poll(busy_poll_us);
                const udp::endpoint endpoint = group_endpoint(multicast_group, port);
                if (endpoint.address().is_v6() && interface_address.empty()) {
                    // No interface named: an IPv6 group joins on the interface the OS
                    // picks, as interface_index=0 does.
                    add_udp(s, busy_poll, endpoint, max_size, buffer_size, 0u);
                    return;
                }
                const auto interface =
                    interface_address.empty()
                        ? boost::asio::ip::address(boost::asio::ip::address_v4::any())
                        : resolve_address(interface_address, "interface_address");
                if (endpoint.address().is_v4() && !endpoint.address().is_multicast()) {
                    // A unicast address is accepted when it is the interface's own (or
                    // no interface is named): the socket simply binds to it.
                    if (!interface.is_unspecified() && interface != endpoint.address())
                        throw py::value_error("multicast_group " +
                                              endpoint.address().to_string() +
                                              " is a unicast address: it must then equal "
                                              "interface_address");
                    add_udp(s, busy_poll, endpoint, max_size, buffer_size);
                    return;
                }
                add_udp(s, busy_poll, endpoint, max_size, buffer_size, interface);
            },
            py::arg("multicast_group"),
            py::arg("port"),
            py::arg("max_size") = recv::DEFAULT_UDP_MAX_SIZE,
            py::arg("buffer_size") = recv::DEFAULT_UDP_BUFFER_SIZE,
            py::arg("interface_address") = std::string(),
            py::kw_only(),
            py::arg("busy_poll_us") = 0)
        .def(
            "add_udp_reader",
            [](stream_wrapper_base& s,
               const std::string& multicast_group,
               std::uint16_t port,
               std::size_t max_size,
               std::size_t buffer_size,
               unsigned int interface_index,
               std::int64_t busy_poll_us) {
                const auto busy_poll = checked_busy_poll(busy_poll_us);
                add_udp(s,
                        busy_poll,
                        group_endpoint(multicast_group, port),
                        max_size,
                        buffer_size,
                        interface_index);
            },
            py::arg("multicast_group"),
            py::arg("port"),
            py::arg("max_size") = recv::DEFAULT_UDP_MAX_SIZE,
            py::arg("buffer_size") = recv::DEFAULT_UDP_BUFFER_SIZE,
            py::arg("interface_index") = 0u,
            py::kw_only(),
            py::arg("busy_poll_us") = 0)
        .def(
            "add_udp_reader",
            [](stream_wrapper_base& s,
               const udp_socket_arg& socket,
               std::size_t max_size,
               std::int64_t busy_poll_us) {
                const auto busy_poll = checked_busy_poll(busy_poll_us);
                const int fd = duplicate_fd(socket.fd);
                udp::socket sock(s.io_context());
                boost::system::error_code ec;
                sock.assign(socket.v6 ? udp::v6() : udp::v4(), fd, ec);
                if (ec) {
                    ::close(fd);
                    throw boost::system::system_error(ec, "adopting the socket");
                }
                add_udp(s, busy_poll, std::move(sock), max_size);
            },
            py::arg("socket"),
            py::arg("max_size") = recv::DEFAULT_UDP_MAX_SIZE,
            py::kw_only(),
            py::arg("busy_poll_us") = 0)
        .def(
            "add_tcp_reader",
            [](stream_wrapper_base& s,
               std::uint16_t port,
               std::size_t max_size,
               std::size_t buffer_size,
               const std::string& bind_hostname) {
                const udp::endpoint where =
                    recv::make_udp_bind_endpoint(bind_hostname, port);
                const tcp::endpoint endpoint(where.address(), where.port());
                s.add_reader<recv::tcp_reader>(endpoint, max_size, buffer_size);
            },
            py::arg("port"),
            py::arg("max_size") = recv::DEFAULT_TCP_MAX_SIZE,
            py::arg("buffer_size") = recv::DEFAULT_TCP_BUFFER_SIZE,
            py::arg("bind_hostname") = std::string())
        .def(
            "add_tcp_reader",
            [](stream_wrapper_base& s,
               const tcp_socket_arg& acceptor,
               std::size_t max_size) {
                const int fd = duplicate_fd(acceptor.fd);
                tcp::acceptor sock(s.io_context());
                boost::system::error_code ec;
                sock.assign(acceptor.v6 ? tcp::v6() : tcp::v4(), fd, ec);
                if (ec) {
                    ::close(fd);
                    throw boost::system::system_error(ec, "adopting the acceptor");
                }
                s.add_reader<recv::tcp_reader>(std::move(sock), max_size);
            },
            py::arg("acceptor"),
            py::arg("max_size") = recv::DEFAULT_TCP_MAX_SIZE)
        .def(
            "add_udp_pcap_file_reader",
            [](stream_wrapper_base& s,
               const std::string& filename,
               const std::string& filter,
               bool extended_frames) {
                s.add_reader<recv::pcap_reader>(filename, filter, extended_frames);
            },
            py::arg("filename"),
            py::arg("filter") = std::string(),
            py::kw_only(),
            py::arg("extended_frames") = false,
            "Reads the UDP datagrams of a capture file. As spead2: untagged IPv4 in "
            "Ethernet or Linux cooked capture (SLL) frames. extended_frames=True (a "
            "gr-spead extension) also reads VLAN-tagged and IPv6 frames and Linux "
            "cooked capture v2 and raw IP files.")
        .def(
            "add_inproc_reader",
            [](stream_wrapper_base& s, std::shared_ptr<recv::inproc_queue> queue) {
                s.add_reader<recv::inproc_reader>(std::move(queue));
            },
            py::arg("queue"));
}

} // namespace python
} // namespace spead
} // namespace gr
