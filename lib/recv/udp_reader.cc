/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "udp_datagram_batch.h"
#include <gnuradio/spead/protocol/log.h>
#include <gnuradio/spead/recv/socket_buffer.h>
#include <gnuradio/spead/recv/stream.h>
#include <gnuradio/spead/recv/udp_reader.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <sys/socket.h>
#include <boost/asio/execution/context.hpp>
#include <boost/asio/ip/multicast.hpp>
#include <boost/asio/query.hpp>
#include <boost/system/system_error.hpp>
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <stdexcept>

namespace gr {
namespace spead {

namespace {

using boost::asio::ip::udp;

/// The largest UDP payload there is: a buffer one byte larger tells an oversize datagram.
constexpr std::size_t MAX_UDP_PAYLOAD = 65535;

std::string describe(const udp::endpoint& endpoint)
{
    std::ostringstream out;
    out << endpoint;
    return out.str();
}

boost::asio::io_context& io_context_of(stream& owner)
{
    return owner.get_thread_pool().get_io_context();
}

std::size_t checked_max_size(std::size_t max_size)
{
    if (max_size == 0)
        throw std::invalid_argument("udp_reader: max_size 0 is too small (at least 1)");
    return max_size;
}

/// An open socket of \p endpoint's protocol with the receive buffer asked for.
udp::socket open_socket(boost::asio::io_context& io,
                        const udp::endpoint& endpoint,
                        std::size_t buffer_size)
{
    udp::socket socket(io);
    boost::system::error_code ec;
    socket.open(endpoint.protocol(), ec);
    if (ec)
        throw boost::system::system_error(
            ec, "udp_reader: cannot open a socket for " + describe(endpoint));
    set_receive_buffer_size(socket.native_handle(), buffer_size);
    return socket;
}

void bind_socket(udp::socket& socket, const udp::endpoint& endpoint)
{
    boost::system::error_code ec;
    socket.bind(endpoint, ec);
    if (ec)
        throw boost::system::system_error(
            ec, "udp_reader: cannot bind to " + describe(endpoint));
}

/// Binds to a multicast group's address and port, shared with other receivers of the
/// group on this host.
void bind_group(udp::socket& socket, const udp::endpoint& endpoint)
{
    socket.set_option(boost::asio::socket_base::reuse_address(true));
    bind_socket(socket, endpoint);
}

void join(udp::socket& socket,
          const boost::asio::ip::multicast::join_group& option,
          const std::string& what)
{
    boost::system::error_code ec;
    socket.set_option(option, ec);
    if (ec)
        throw boost::system::system_error(ec, "udp_reader: cannot join " + what);
}

udp::socket make_unicast_socket(boost::asio::io_context& io,
                                const udp::endpoint& endpoint,
                                std::size_t buffer_size)
{
    udp::socket socket = open_socket(io, endpoint, buffer_size);
    if (endpoint.address().is_multicast()) {
        bind_group(socket, endpoint);
        join(socket,
             boost::asio::ip::multicast::join_group(endpoint.address()),
             "multicast group " + endpoint.address().to_string());
    } else {
        bind_socket(socket, endpoint);
    }
    return socket;
}

udp::socket make_multicast_v4_socket(boost::asio::io_context& io,
                                     const udp::endpoint& endpoint,
                                     std::size_t buffer_size,
                                     const boost::asio::ip::address& interface_address)
{
    const auto group = endpoint.address();
    if (!group.is_v4() || !group.is_multicast())
        throw std::invalid_argument("udp_reader: " + describe(endpoint) +
                                    " is not an IPv4 multicast group");
    const bool os_chooses = interface_address.is_unspecified();
    if (!os_chooses && !interface_address.is_v4())
        throw std::invalid_argument("udp_reader: interface address " +
                                    interface_address.to_string() +
                                    " is not an IPv4 address");
    udp::socket socket = open_socket(io, endpoint, buffer_size);
    bind_group(socket, endpoint);
    const auto interface_v4 =
        os_chooses ? boost::asio::ip::address_v4::any() : interface_address.to_v4();
    join(socket,
         boost::asio::ip::multicast::join_group(group.to_v4(), interface_v4),
         "multicast group " + group.to_string() + " on interface " +
             interface_v4.to_string());
    return socket;
}

udp::socket make_multicast_v6_socket(boost::asio::io_context& io,
                                     const udp::endpoint& endpoint,
                                     std::size_t buffer_size,
                                     unsigned int interface_index)
{
    const auto group = endpoint.address();
    if (!group.is_v6() || !group.is_multicast())
        throw std::invalid_argument("udp_reader: " + describe(endpoint) +
                                    " is not an IPv6 multicast group");
    udp::socket socket = open_socket(io, endpoint, buffer_size);
    bind_group(socket, endpoint);
    join(socket,
         boost::asio::ip::multicast::join_group(group.to_v6(), interface_index),
         "multicast group " + group.to_string() + " on interface index " +
             std::to_string(interface_index));
    return socket;
}

/// False when the environment turns GRO off.
bool gro_allowed()
{
    const char* value = std::getenv(udp_reader::gro_environment_variable);
    if (value == nullptr)
        return true;
    std::string v(value);
    std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) {
        return char(std::tolower(c));
    });
    return !(v == "0" || v == "off" || v == "false" || v == "no");
}

/// Turns UDP_GRO on or off; true when it ends up on.
bool set_gro(int fd, bool on)
{
#ifdef UDP_GRO
    const int value = on ? 1 : 0;
    // Off is set explicitly too: a socket from the caller may have had it on, and
    // coalesced datagrams without the control buffer could not be cut apart.
    return setsockopt(fd, SOL_UDP, UDP_GRO, &value, sizeof(value)) == 0 && on;
#else
    (void)fd;
    (void)on;
    return false;
#endif
}

} // namespace

udp_reader::udp_reader(stream& owner,
                       const udp::endpoint& endpoint,
                       std::size_t max_size,
                       std::size_t buffer_size)
    : udp_reader(owner,
                 checked_socket{
                     make_unicast_socket(io_context_of(owner), endpoint, buffer_size) },
                 checked_max_size(max_size))
{
}

udp_reader::udp_reader(stream& owner,
                       const udp::endpoint& endpoint,
                       std::size_t max_size,
                       std::size_t buffer_size,
                       const boost::asio::ip::address& interface_address)
    : udp_reader(owner,
                 checked_socket{ make_multicast_v4_socket(
                     io_context_of(owner), endpoint, buffer_size, interface_address) },
                 checked_max_size(max_size))
{
}

udp_reader::udp_reader(stream& owner,
                       const udp::endpoint& endpoint,
                       std::size_t max_size,
                       std::size_t buffer_size,
                       unsigned int interface_index)
    : udp_reader(owner,
                 checked_socket{ make_multicast_v6_socket(
                     io_context_of(owner), endpoint, buffer_size, interface_index) },
                 checked_max_size(max_size))
{
}

udp_reader::udp_reader(stream& owner, udp::socket&& socket, std::size_t max_size)
    : udp_reader(
          owner, check_socket(owner, std::move(socket)), checked_max_size(max_size))
{
}

udp_reader::checked_socket udp_reader::check_socket(stream& owner, udp::socket&& socket)
{
    if (!socket.is_open())
        throw std::invalid_argument("udp_reader: the socket is not open");
    const boost::asio::execution_context& context =
        boost::asio::query(socket.get_executor(), boost::asio::execution::context);
    if (&context != &io_context_of(owner))
        throw std::invalid_argument(
            "udp_reader: the socket belongs to another io_context than the stream's "
            "thread pool (make it on stream.get_thread_pool().get_io_context())");
    boost::system::error_code ec;
    const udp::endpoint local = socket.local_endpoint(ec);
    if (ec || local.port() == 0)
        throw std::invalid_argument(
            "udp_reader: the socket is not bound (bind it to an address and port first)");
    return checked_socket{ std::move(socket) };
}

udp_reader::udp_reader(stream& owner, checked_socket&& checked, std::size_t max_size)
    : strand_reader(owner), d_socket(std::move(checked.socket)), d_max_size(max_size)
{
    d_local_endpoint = d_socket.local_endpoint();
    const int fd = d_socket.native_handle();
    d_gro = set_gro(fd, gro_allowed());
    // With GRO a buffer takes a whole coalesced datagram (which may hold segments of
    // up to max_size each); without, one byte more than max_size tells oversize.
    const std::size_t buffer =
        d_gro ? gro_buffer_size : std::min(max_size, MAX_UDP_PAYLOAD) + 1;
    d_batch = std::make_unique<udp_datagram_batch>(
        d_gro ? gro_batch_datagrams : batch_datagrams, buffer, d_gro);
}

udp_reader::~udp_reader() = default;

void udp_reader::begin() { wait_readable(); }

void udp_reader::close()
{
    boost::system::error_code ec;
    d_socket.close(ec); // cancels the pending wait, whose handler then finishes us
}

void udp_reader::wait_readable()
{
    // A peek rather than async_wait(wait_read): Asio registers sockets edge-triggered
    // and tries a receive at once but not a wait, so a datagram that arrived while no
    // wait was pending would sit unnoticed until the next one came.
    d_socket.async_receive(boost::asio::buffer(&d_peek_byte, 1),
                           udp::socket::message_peek,
                           track([this](const boost::system::error_code& ec,
                                        std::size_t) { on_readable(ec); }));
}

void udp_reader::on_readable(const boost::system::error_code& ec)
{
    if (stop_requested())
        return;
    if (ec) {
        fail("UDP reader on " + describe(d_local_endpoint) +
             ": waiting for data failed: " + ec.message());
        return;
    }
    receive_batch();
}

void udp_reader::receive_batch()
{
    if (stop_requested())
        return;
    const int received = d_batch->receive(d_socket.native_handle());
    if (received < 0) {
        const int error = -received;
        if (error == ENOMEM || error == ENOBUFS) {
            d_retry_log.log_lazy(log_level::warning, [&] {
                return "UDP reader on " + describe(d_local_endpoint) +
                       ": recvmmsg: " + std::strerror(error) + " (retrying)";
            });
            wait_readable();
            return;
        }
        fail("UDP reader on " + describe(d_local_endpoint) +
             ": recvmmsg failed: " + std::strerror(error));
        return;
    }
    if (received == 0) {
        wait_readable();
        return;
    }
    bool open;
    {
        stream_batch batch(get_stream());
        open = deliver(std::size_t(received), batch);
    }
    if (!open || stop_requested())
        return;
    if (std::size_t(received) == d_batch->capacity())
        post_tracked([this] { receive_batch(); }); // probably more waiting: no wait
    else
        wait_readable();
}

bool udp_reader::deliver(std::size_t received, stream_batch& batch)
{
    std::uint64_t coalesced = 0;
    bool open = true;
    for (std::size_t i = 0; i < received && open; i++) {
        const udp_datagram_batch::datagram d = d_batch->get(i);
        if (d.segment_size)
            coalesced++;
        // Each GRO segment is one datagram as sent; only the last may be shorter.
        const std::size_t step = d.segment_size ? d.segment_size : d.length;
        std::size_t offset = 0;
        do {
            const std::size_t piece = std::min(step, d.length - offset);
            const bool cut_short = d.truncated && offset + piece == d.length;
            if (piece > d_max_size || cut_short) {
                batch.reject_packet(stream_stat_indices::packets_rejected_oversize);
            } else if (!batch.add_packet(d.data + offset, piece)) {
                open = false;
                break;
            }
            offset += piece;
        } while (offset < d.length);
    }
    d_coalesced += coalesced;
    return open;
}

void udp_reader::fail(const std::string& message)
{
    log_message(log_level::error, message);
    stream_batch batch(get_stream());
    batch.end_of_stream();
}

} // namespace spead
} // namespace gr
