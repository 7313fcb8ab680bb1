/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "packet_writer.h"
#include "socket_util.h"
#include <gnuradio/spead/protocol/log.h>
#include <gnuradio/spead/send/udp_stream.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <system_error>
#include <unistd.h>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstring>
#include <deque>
#include <stdexcept>
#include <thread>

#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103 // linux/udp.h, for C libraries that lack it
#endif

namespace gr {
namespace spead {
namespace send {

namespace {

/// Most datagrams one UDP_SEGMENT send may carry (the kernel's UDP_MAX_SEGMENTS).
constexpr std::size_t MAX_GSO_SEGMENTS = 64;
/// Most bytes one UDP_SEGMENT send may carry (an IPv4 UDP datagram's payload).
constexpr std::size_t MAX_GSO_BYTES = 65507;
/// Most pieces one message may have.
constexpr std::size_t MAX_IOV = IOV_MAX;
/// How long ENOBUFS (a full device queue) is retried before it counts as an error.
constexpr std::chrono::seconds NOBUFS_PATIENCE{ 1 };

std::vector<socket_address> resolve_all(const std::vector<endpoint>& endpoints)
{
    if (endpoints.empty())
        throw std::invalid_argument("UDP stream: the endpoint list must not be empty");
    std::vector<socket_address> out;
    for (const endpoint& e : endpoints) {
        out.push_back(resolve(e.host, e.port, SOCK_DGRAM));
        if (out.back().family() != out.front().family())
            throw std::invalid_argument("UDP stream: endpoints mix IPv4 and IPv6 (" +
                                        out.front().to_string() + ", " +
                                        out.back().to_string() + ")");
    }
    return out;
}

void require_multicast(const std::vector<socket_address>& dests, int family)
{
    for (const socket_address& d : dests)
        if (!d.is_multicast() || (family != AF_UNSPEC && d.family() != family))
            throw std::invalid_argument("UDP stream: endpoint " + d.to_string() +
                                        " is not an " +
                                        (family == AF_INET    ? "IPv4 multicast"
                                         : family == AF_INET6 ? "IPv6 multicast"
                                                              : "multicast") +
                                        " address");
}

void set_hops(int fd, int family, int ttl)
{
    const int rc =
        family == AF_INET
            ? setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof(ttl))
            : setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &ttl, sizeof(ttl));
    if (rc != 0)
        throw std::system_error(errno,
                                std::generic_category(),
                                "cannot set the multicast TTL to " + std::to_string(ttl));
}

/// A socket for \p dests, closed again if anything throws before the writer owns it.
class socket_guard
{
public:
    explicit socket_guard(int fd) : d_fd(fd) {}
    ~socket_guard()
    {
        if (d_fd >= 0)
            ::close(d_fd);
    }
    int get() const { return d_fd; }
    int release()
    {
        const int fd = d_fd;
        d_fd = -1;
        return fd;
    }

private:
    int d_fd;
};

class udp_writer : public packet_writer
{
public:
    udp_writer(int fd, std::vector<socket_address> dests)
        : d_fd(fd), d_dests(std::move(dests))
    {
        // Probe once whether the kernel knows UDP_SEGMENT; sends set it per message.
        int zero = 0;
        d_gso = setsockopt(d_fd, SOL_UDP, UDP_SEGMENT, &zero, sizeof(zero)) == 0;
        d_max_gso_bytes = MAX_GSO_BYTES;
    }

    ~udp_writer() override { ::close(d_fd); }

    std::size_t num_substreams() const override { return d_dests.size(); }
    std::size_t max_batch() const override { return 256; }

    void write(packet_batch& batch) override
    {
        d_iov.resize(batch.buffers.size());
        for (std::size_t i = 0; i < batch.buffers.size(); i++) {
            d_iov[i].iov_base = const_cast<std::uint8_t*>(batch.buffers[i].data);
            d_iov[i].iov_len = batch.buffers[i].size;
        }
        std::size_t next = 0;
        while (next < batch.packets.size())
            next = send_from(batch, next);
    }

private:
    struct message_span {
        std::size_t first_packet;
        std::size_t end_packet;
        bool gso;
    };
    struct gso_control {
        alignas(cmsghdr) unsigned char bytes[CMSG_SPACE(sizeof(std::uint16_t))];
    };

    /// How many packets from \p first go in one message: with GSO, a run to one
    /// destination of the first one's size, possibly ending with a shorter one.
    std::size_t run_length(const packet_batch& batch, std::size_t first) const
    {
        const batch_packet& head = batch.packets[first];
        if (!d_gso || head.n_buffers > MAX_IOV)
            return 1;
        std::size_t count = 1, bytes = head.size, pieces = head.n_buffers;
        while (first + count < batch.packets.size() && count < MAX_GSO_SEGMENTS) {
            const batch_packet& p = batch.packets[first + count];
            if (p.substream != head.substream || p.size > head.size ||
                bytes + p.size > d_max_gso_bytes || pieces + p.n_buffers > MAX_IOV)
                break;
            bytes += p.size;
            pieces += p.n_buffers;
            count++;
            if (p.size < head.size)
                break; // a shorter segment can only be the last
        }
        return count;
    }

    /// Sends messages starting at packet \p first; returns the packet to go on from.
    std::size_t send_from(packet_batch& batch, std::size_t first)
    {
        d_messages.clear();
        d_spans.clear();
        d_bounce.clear();
        d_bounce_iov.clear();
        d_controls.resize(batch.packets.size());
        for (std::size_t p = first; p < batch.packets.size();) {
            const batch_packet& head = batch.packets[p];
            const std::size_t n = run_length(batch, p);
            mmsghdr message{};
            msghdr& m = message.msg_hdr;
            const socket_address& dest = d_dests[head.substream];
            m.msg_name = const_cast<sockaddr*>(dest.get());
            m.msg_namelen = dest.length;
            if (head.n_buffers > MAX_IOV) {
                // Too many pieces for one message: send a copy in one piece.
                d_bounce.emplace_back();
                linearize(batch, head, d_bounce.back());
                d_bounce_iov.push_back(iovec{ d_bounce.back().data(), head.size });
                m.msg_iov = &d_bounce_iov.back();
                m.msg_iovlen = 1;
            } else {
                m.msg_iov = &d_iov[head.first_buffer];
                const batch_packet& last = batch.packets[p + n - 1];
                m.msg_iovlen = last.first_buffer + last.n_buffers - head.first_buffer;
            }
            if (n > 1) {
                gso_control& control = d_controls[d_messages.size()];
                m.msg_control = control.bytes;
                m.msg_controllen = sizeof(control.bytes);
                cmsghdr* c = CMSG_FIRSTHDR(&m);
                c->cmsg_level = SOL_UDP;
                c->cmsg_type = UDP_SEGMENT;
                c->cmsg_len = CMSG_LEN(sizeof(std::uint16_t));
                const auto segment = std::uint16_t(head.size);
                std::memcpy(CMSG_DATA(c), &segment, sizeof(segment));
            }
            d_messages.push_back(message);
            d_spans.push_back(message_span{ p, p + n, n > 1 });
            p += n;
        }

        std::size_t done = 0;
        auto nobufs_since = std::chrono::steady_clock::time_point();
        while (done < d_messages.size()) {
            const int sent =
                sendmmsg(d_fd, &d_messages[done], unsigned(d_messages.size() - done), 0);
            if (sent > 0) {
                done += std::size_t(sent);
                nobufs_since = {};
                if (d_gso_probing) {
                    // The packets went without GSO where they failed with it.
                    d_gso_probing = false;
                    protocol::log_message(protocol::log_level::info,
                                          "UDP stream: GSO sends failed; sending "
                                          "without GSO from now on");
                }
                continue;
            }
            const int error = errno;
            if (error == EINTR)
                continue;
            if (error == EAGAIN || error == EWOULDBLOCK) {
                wait_writable(d_fd); // a caller's non-blocking socket
                continue;
            }
            if (error == ENOBUFS) {
                const auto now = std::chrono::steady_clock::now();
                if (nobufs_since == std::chrono::steady_clock::time_point())
                    nobufs_since = now;
                if (now - nobufs_since < NOBUFS_PATIENCE) {
                    std::this_thread::sleep_for(std::chrono::microseconds(50));
                    continue;
                }
            }
            const message_span& failed = d_spans[done];
            if (failed.gso) {
                // Perhaps the device cannot segment: try these packets without GSO.
                d_gso = false;
                d_gso_probing = true;
                return failed.first_packet;
            }
            if (d_gso_probing) {
                // Without GSO it fails too: GSO was not the cause.
                d_gso_probing = false;
                d_gso = true;
            }
            for (std::size_t i = failed.first_packet; i < failed.end_packet; i++)
                batch.packets[i].error = error;
            done++;
            nobufs_since = {};
        }
        return d_spans.empty() ? batch.packets.size() : d_spans.back().end_packet;
    }

    int d_fd;
    std::vector<socket_address> d_dests;
    bool d_gso = false;
    bool d_gso_probing = false;
    std::size_t d_max_gso_bytes;
    std::vector<iovec> d_iov;
    std::vector<mmsghdr> d_messages;
    std::vector<message_span> d_spans;
    std::vector<gso_control> d_controls;
    std::deque<std::vector<std::uint8_t>> d_bounce;
    std::deque<iovec> d_bounce_iov;
};

std::unique_ptr<packet_writer> make_writer(socket_guard& fd,
                                           std::vector<socket_address> dests)
{
    auto writer = std::make_unique<udp_writer>(fd.get(), std::move(dests));
    fd.release();
    return writer;
}

/// A new socket for \p dests with the send buffer asked for.
int new_socket(const std::vector<socket_address>& dests, std::size_t buffer_size)
{
    socket_guard fd(make_socket(dests.front().family(), SOCK_DGRAM));
    set_send_buffer_size(fd.get(), buffer_size);
    return fd.release();
}

std::unique_ptr<packet_writer> unicast_writer(const std::vector<endpoint>& endpoints,
                                              std::size_t buffer_size,
                                              const std::string& interface_address)
{
    std::vector<socket_address> dests = resolve_all(endpoints);
    socket_guard fd(new_socket(dests, buffer_size));
    if (!interface_address.empty()) {
        socket_address local = resolve(interface_address, 0, SOCK_DGRAM);
        if (local.family() != dests.front().family())
            throw std::invalid_argument("UDP stream: interface address " +
                                        interface_address +
                                        " is not of the endpoints' address family");
        if (::bind(fd.get(), local.get(), local.length) != 0)
            throw std::system_error(errno,
                                    std::generic_category(),
                                    "cannot bind to interface address " +
                                        interface_address);
    }
    return make_writer(fd, std::move(dests));
}

std::unique_ptr<packet_writer>
multicast_writer(const std::vector<endpoint>& endpoints, std::size_t buffer_size, int ttl)
{
    std::vector<socket_address> dests = resolve_all(endpoints);
    require_multicast(dests, AF_UNSPEC);
    socket_guard fd(new_socket(dests, buffer_size));
    set_hops(fd.get(), dests.front().family(), ttl);
    return make_writer(fd, std::move(dests));
}

std::unique_ptr<packet_writer> multicast_v4_writer(const std::vector<endpoint>& endpoints,
                                                   std::size_t buffer_size,
                                                   int ttl,
                                                   const std::string& interface_address)
{
    std::vector<socket_address> dests = resolve_all(endpoints);
    require_multicast(dests, AF_INET);
    socket_guard fd(new_socket(dests, buffer_size));
    set_hops(fd.get(), AF_INET, ttl);
    if (!interface_address.empty()) {
        socket_address local = resolve(interface_address, 0, SOCK_DGRAM);
        if (local.family() != AF_INET)
            throw std::invalid_argument("UDP stream: interface address " +
                                        interface_address + " is not an IPv4 address");
        const in_addr address =
            reinterpret_cast<const sockaddr_in*>(&local.storage)->sin_addr;
        if (setsockopt(
                fd.get(), IPPROTO_IP, IP_MULTICAST_IF, &address, sizeof(address)) != 0)
            throw std::system_error(errno,
                                    std::generic_category(),
                                    "cannot send multicast from interface " +
                                        interface_address);
    }
    return make_writer(fd, std::move(dests));
}

std::unique_ptr<packet_writer> multicast_v6_writer(const std::vector<endpoint>& endpoints,
                                                   std::size_t buffer_size,
                                                   int ttl,
                                                   unsigned int interface_index)
{
    std::vector<socket_address> dests = resolve_all(endpoints);
    require_multicast(dests, AF_INET6);
    socket_guard fd(new_socket(dests, buffer_size));
    set_hops(fd.get(), AF_INET6, ttl);
    if (setsockopt(fd.get(),
                   IPPROTO_IPV6,
                   IPV6_MULTICAST_IF,
                   &interface_index,
                   sizeof(interface_index)) != 0)
        throw std::system_error(errno,
                                std::generic_category(),
                                "cannot send multicast from interface index " +
                                    std::to_string(interface_index));
    return make_writer(fd, std::move(dests));
}

std::unique_ptr<packet_writer> socket_writer(int caller_fd,
                                             const std::vector<endpoint>& endpoints)
{
    std::vector<socket_address> dests = resolve_all(endpoints);
    sockaddr_storage local{};
    socklen_t length = sizeof(local);
    if (::getsockname(caller_fd, reinterpret_cast<sockaddr*>(&local), &length) != 0)
        throw std::system_error(errno, std::generic_category(), "not a socket");
    if (local.ss_family != dests.front().family())
        throw std::invalid_argument(
            "UDP stream: the endpoints are not of the socket's address family");
    socket_guard fd(duplicate_socket(caller_fd));
    return make_writer(fd, std::move(dests));
}

} // namespace

udp_stream::udp_stream(const std::vector<endpoint>& endpoints,
                       const stream_config& config,
                       std::size_t buffer_size,
                       const std::string& interface_address)
    : stream(unicast_writer(endpoints, buffer_size, interface_address), config)
{
}

udp_stream::udp_stream(const std::vector<endpoint>& endpoints,
                       const stream_config& config,
                       std::size_t buffer_size,
                       int ttl)
    : stream(multicast_writer(endpoints, buffer_size, ttl), config)
{
}

udp_stream::udp_stream(const std::vector<endpoint>& endpoints,
                       const stream_config& config,
                       std::size_t buffer_size,
                       int ttl,
                       const std::string& interface_address)
    : stream(multicast_v4_writer(endpoints, buffer_size, ttl, interface_address), config)
{
}

udp_stream::udp_stream(const std::vector<endpoint>& endpoints,
                       const stream_config& config,
                       std::size_t buffer_size,
                       int ttl,
                       unsigned int interface_index)
    : stream(multicast_v6_writer(endpoints, buffer_size, ttl, interface_index), config)
{
}

udp_stream::udp_stream(int fd,
                       const std::vector<endpoint>& endpoints,
                       const stream_config& config)
    : stream(socket_writer(fd, endpoints), config)
{
}

} // namespace send
} // namespace spead
} // namespace gr
