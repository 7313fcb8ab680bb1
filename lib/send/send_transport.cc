/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "send_destinations.h"
#include "send_transport.h"
#include <gnuradio/spead/protocol/pcap_file.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <netinet/udp.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>
#include <thread>
#include <vector>

namespace gr {
namespace spead {
namespace send {

#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103 // linux/udp.h, for C libraries that lack it
#endif

namespace {

/// Most datagrams one UDP_SEGMENT send may carry (the kernel's UDP_MAX_SEGMENTS).
constexpr std::size_t MAX_GSO_SEGMENTS = 64;
/// Most bytes one UDP_SEGMENT send may carry (one IPv4 UDP datagram's payload).
constexpr std::size_t MAX_GSO_BYTES = 65507;

std::string errno_text(int error) { return std::strerror(error); }

/// "host:port", with an IPv6 literal in brackets.
std::string host_port(const std::string& host, int port)
{
    const bool v6 = host.find(':') != std::string::npos;
    return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

/// A resolved destination address.
struct destination {
    sockaddr_storage address{};
    socklen_t length = 0;
    int family = AF_INET;
};

destination resolve(const std::string& host, int port, int socktype)
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
                                 "': " + gai_strerror(rc));
    destination d;
    std::memcpy(&d.address, found->ai_addr, found->ai_addrlen);
    d.length = found->ai_addrlen;
    d.family = found->ai_family;
    freeaddrinfo(found);
    return d;
}

bool is_multicast(const destination& d)
{
    if (d.family == AF_INET) {
        const auto* a = reinterpret_cast<const sockaddr_in*>(&d.address);
        return IN_MULTICAST(ntohl(a->sin_addr.s_addr));
    }
    const auto* a = reinterpret_cast<const sockaddr_in6*>(&d.address);
    return IN6_IS_ADDR_MULTICAST(&a->sin6_addr);
}

/// Asks for \p size bytes of send buffer and returns what the kernel granted.
std::size_t set_send_buffer(int fd, std::size_t size)
{
    if (size > 0) {
        const int value = size > std::size_t(1) << 30 ? 1 << 30 : int(size);
        setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &value, sizeof(value));
    }
    int granted = 0;
    socklen_t length = sizeof(granted);
    getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &granted, &length);
    // Linux reports twice what it accepted (the rest pays for its bookkeeping).
    return std::size_t(granted) / 2;
}

/// Gathers a batch of packets into iovecs: each packet's head and body.
class iovec_batch
{
public:
    void fill(const out_packet* packets, std::size_t n)
    {
        d_iov.resize(2 * n);
        for (std::size_t i = 0; i < n; i++) {
            d_iov[2 * i].iov_base = const_cast<std::uint8_t*>(packets[i].head.data());
            d_iov[2 * i].iov_len = packets[i].head_length;
            d_iov[2 * i + 1].iov_base = const_cast<std::uint8_t*>(packets[i].body);
            d_iov[2 * i + 1].iov_len = packets[i].body_length;
        }
    }
    iovec* at(std::size_t packet) { return &d_iov[2 * packet]; }

private:
    std::vector<iovec> d_iov;
};

/// "udp A:P" for one destination, "udp A:P .. Z:P (N destinations)" for several.
std::string describe_destinations(const char* kind, const std::vector<endpoint>& dests)
{
    std::string name = std::string(kind) + " " + host_port(dests[0].host, dests[0].port);
    if (dests.size() > 1)
        name += " .. " + host_port(dests.back().host, dests.back().port) + " (" +
                std::to_string(dests.size()) + " destinations)";
    return name;
}

class udp_transport : public transport
{
public:
    explicit udp_transport(const send_config& config)
        : d_gso(config.gso != gso_mode::off),
          d_gso_fallback(config.gso == gso_mode::automatic)
    {
        const std::vector<endpoint> dests = destinations_of(config);
        d_name = describe_destinations("udp", dests);
        bool multicast = false;
        for (const endpoint& e : dests) {
            d_destinations.push_back(resolve(e.host, e.port, SOCK_DGRAM));
            if (d_destinations.back().family != d_destinations[0].family)
                throw std::runtime_error(d_name +
                                         ": destinations mix IPv4 and IPv6 (accepted: "
                                         "all of one family)");
            multicast = multicast || is_multicast(d_destinations.back());
        }
        const destination& dest = d_destinations[0];
        d_fd = socket(dest.family, SOCK_DGRAM, 0);
        if (d_fd < 0)
            throw std::runtime_error(d_name +
                                     ": cannot open a socket: " + errno_text(errno));
        try {
            int zero = 0;
            if (d_gso_fallback &&
                setsockopt(d_fd, SOL_UDP, UDP_SEGMENT, &zero, sizeof(zero)) != 0)
                d_gso = false; // a kernel without UDP GSO (before Linux 4.18)
            d_buffer = set_send_buffer(d_fd, config.buffer_size);
            if (multicast)
                set_multicast_options(dest, config);
            // One destination: a connected socket (no route lookup per datagram);
            // several: each message names its own.
            if (d_destinations.size() == 1 &&
                connect(d_fd,
                        reinterpret_cast<const sockaddr*>(&dest.address),
                        dest.length) != 0)
                throw std::runtime_error(d_name +
                                         ": cannot connect: " + errno_text(errno));
        } catch (...) {
            ::close(d_fd);
            throw;
        }
    }

    ~udp_transport() override { ::close(d_fd); }

    void send(const out_packet* packets, std::size_t n, send_summary& summary) override
    {
        d_iov.fill(packets, n);
        d_messages.clear();
        d_first_packet.clear();
        d_controls.resize(n);
        for (std::size_t i = 0; i < n;) {
            const std::size_t segments = d_gso ? gso_run(packets + i, n - i) : 1;
            mmsghdr message{};
            msghdr& m = message.msg_hdr;
            m.msg_iov = d_iov.at(i);
            m.msg_iovlen = 2 * segments;
            if (d_destinations.size() > 1) {
                destination& d = d_destinations[packets[i].destination];
                m.msg_name = &d.address;
                m.msg_namelen = d.length;
            }
            if (segments > 1) {
                // One send of several datagrams, all of the first one's size but the
                // last, which may be shorter: the kernel cuts them apart.
                gso_control& control = d_controls[d_messages.size()];
                m.msg_control = control.bytes;
                m.msg_controllen = sizeof(control.bytes);
                cmsghdr* c = CMSG_FIRSTHDR(&m);
                c->cmsg_level = SOL_UDP;
                c->cmsg_type = UDP_SEGMENT;
                c->cmsg_len = CMSG_LEN(sizeof(std::uint16_t));
                const auto segment = std::uint16_t(packets[i].size());
                std::memcpy(CMSG_DATA(c), &segment, sizeof(segment));
            }
            d_messages.push_back(message);
            d_first_packet.push_back(i);
            i += segments;
        }
        std::size_t done = 0;
        while (done < d_messages.size()) {
            const int sent =
                sendmmsg(d_fd, &d_messages[done], unsigned(d_messages.size() - done), 0);
            if (sent > 0) {
                done += std::size_t(sent);
                continue;
            }
            const int error = errno;
            // ECONNREFUSED reports an ICMP "port unreachable" for an earlier datagram
            // (nobody listening yet): nothing of this call went out, so try again.
            if (error == EINTR || error == ECONNREFUSED || error == ENOBUFS ||
                error == EAGAIN) {
                summary.send_retries++;
                if (error == ENOBUFS || error == EAGAIN)
                    std::this_thread::yield();
                continue;
            }
            if (d_gso && d_gso_fallback && gso_refused(error)) {
                // The route or the device will not segment (as spead2's sender, go on
                // without GSO): the packets not yet sent go again one datagram each.
                d_gso = false;
                const std::size_t first = d_first_packet[done];
                send(packets + first, n - first, summary);
                return;
            }
            throw std::runtime_error(
                d_name + ": sendmmsg failed: " + errno_text(error) +
                (d_gso ? " (UDP_SEGMENT sends: try without --gso)" : ""));
        }
    }

    std::size_t socket_buffer() const override { return d_buffer; }
    std::string describe() const override { return d_name; }

private:
    void set_multicast_options(const destination& dest, const send_config& config)
    {
        const int ttl = config.ttl;
        if (dest.family == AF_INET) {
            if (setsockopt(d_fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof(ttl)) != 0)
                throw std::runtime_error(d_name +
                                         ": cannot set the TTL: " + errno_text(errno));
            if (!config.interface_address.empty()) {
                in_addr address{};
                if (inet_pton(AF_INET, config.interface_address.c_str(), &address) != 1)
                    throw std::runtime_error("--interface: '" + config.interface_address +
                                             "' is not an IPv4 address");
                if (setsockopt(
                        d_fd, IPPROTO_IP, IP_MULTICAST_IF, &address, sizeof(address)) !=
                    0)
                    throw std::runtime_error(d_name + ": cannot send from interface " +
                                             config.interface_address + ": " +
                                             errno_text(errno));
            }
        } else {
            if (setsockopt(d_fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &ttl, sizeof(ttl)) !=
                0)
                throw std::runtime_error(
                    d_name + ": cannot set the hop limit: " + errno_text(errno));
            if (config.interface_index) {
                const unsigned int index = config.interface_index;
                if (setsockopt(
                        d_fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &index, sizeof(index)) !=
                    0)
                    throw std::runtime_error(d_name + ": cannot send from interface " +
                                             std::to_string(index) + ": " +
                                             errno_text(errno));
            }
        }
    }

    /// How many of \p n packets, from the first, go out in one UDP_SEGMENT send:
    /// packets of the first one's size to its destination, then possibly one shorter
    /// packet, within the kernel's limits.
    static bool gso_refused(int error)
    {
        return error == EIO || error == EINVAL || error == EMSGSIZE ||
               error == EOPNOTSUPP || error == ENOPROTOOPT;
    }

    static std::size_t gso_run(const out_packet* packets, std::size_t n)
    {
        const std::size_t size = packets[0].size();
        std::size_t count = 1, bytes = size;
        while (count < n && count < MAX_GSO_SEGMENTS &&
               bytes + packets[count].size() <= MAX_GSO_BYTES &&
               packets[count].destination == packets[0].destination) {
            const std::size_t next = packets[count].size();
            if (next > size)
                break;
            bytes += next;
            count++;
            if (next < size)
                break; // a shorter segment can only be the last
        }
        return count;
    }

    struct gso_control {
        alignas(cmsghdr) unsigned char bytes[CMSG_SPACE(sizeof(std::uint16_t))];
    };

    std::string d_name;
    int d_fd = -1;
    bool d_gso = false;
    bool d_gso_fallback = false; ///< GSO was not asked for: drop it if the kernel refuses
    std::size_t d_buffer = 0;
    std::vector<destination> d_destinations;
    iovec_batch d_iov;
    std::vector<mmsghdr> d_messages;
    std::vector<std::size_t> d_first_packet; ///< each message's first packet
    std::vector<gso_control> d_controls;
};

class tcp_transport : public transport
{
public:
    explicit tcp_transport(const send_config& config)
        : d_name("tcp " + host_port(config.host, config.port))
    {
        if (config.destinations.size() > 1)
            throw std::runtime_error(
                "tcp: one destination only (several go over UDP or into a pcap file)");
        if (!config.destinations.empty())
            d_name = "tcp " +
                     host_port(config.destinations[0].host, config.destinations[0].port);
        const endpoint target = destinations_of(config)[0];
        const destination dest = resolve(target.host, target.port, SOCK_STREAM);
        const auto deadline =
            std::chrono::steady_clock::now() +
            std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                std::chrono::duration<double>(config.connect_timeout));
        for (;;) {
            d_fd = socket(dest.family, SOCK_STREAM, 0);
            if (d_fd < 0)
                throw std::runtime_error(d_name +
                                         ": cannot open a socket: " + errno_text(errno));
            d_buffer = set_send_buffer(d_fd, config.buffer_size);
            if (connect(d_fd,
                        reinterpret_cast<const sockaddr*>(&dest.address),
                        dest.length) == 0)
                break;
            const int error = errno;
            ::close(d_fd);
            d_fd = -1;
            // The receiver may still be starting: keep trying until the deadline.
            if (std::chrono::steady_clock::now() >= deadline)
                throw std::runtime_error(d_name +
                                         ": cannot connect: " + errno_text(error));
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
    }

    ~tcp_transport() override
    {
        if (d_fd >= 0)
            ::close(d_fd);
    }

    void send(const out_packet* packets, std::size_t n, send_summary& summary) override
    {
        d_iov.fill(packets, n);
        iovec* iov = d_iov.at(0);
        std::size_t count = 2 * n;
        while (count > 0) {
            msghdr m{};
            m.msg_iov = iov;
            m.msg_iovlen = count;
            const ssize_t sent = sendmsg(d_fd, &m, MSG_NOSIGNAL);
            if (sent < 0) {
                if (errno == EINTR) {
                    summary.send_retries++;
                    continue;
                }
                throw std::runtime_error(d_name + ": send failed: " + errno_text(errno));
            }
            // Step over what went out, possibly ending inside an iovec.
            std::size_t left = std::size_t(sent);
            while (count > 0 && left >= iov->iov_len) {
                left -= iov->iov_len;
                iov++;
                count--;
            }
            if (count > 0) {
                iov->iov_base = static_cast<std::uint8_t*>(iov->iov_base) + left;
                iov->iov_len -= left;
            }
        }
    }

    void close() override
    {
        if (d_fd >= 0) {
            shutdown(d_fd, SHUT_WR);
            ::close(d_fd);
            d_fd = -1;
        }
    }

    std::size_t socket_buffer() const override { return d_buffer; }
    std::string describe() const override { return d_name; }

private:
    std::string d_name;
    int d_fd = -1;
    std::size_t d_buffer = 0;
    iovec_batch d_iov;
};

/// The IPv4 address a pcap frame to \p host carries (a literal or a name resolved).
void ipv4_of(const std::string& host, std::uint8_t (&out)[4])
{
    in_addr address{};
    if (inet_pton(AF_INET, host.c_str(), &address) != 1) {
        addrinfo hints{};
        hints.ai_family = AF_INET;
        addrinfo* found = nullptr;
        if (getaddrinfo(host.c_str(), nullptr, &hints, &found) != 0 || !found)
            throw std::runtime_error("pcap: destination '" + host +
                                     "' is not an IPv4 address or name (the frames "
                                     "written are IPv4)");
        address = reinterpret_cast<const sockaddr_in*>(found->ai_addr)->sin_addr;
        freeaddrinfo(found);
    }
    std::memcpy(out, &address, 4);
}

class pcap_transport : public transport
{
public:
    explicit pcap_transport(const send_config& config)
        : d_writer(config.pcap_path, std::uint16_t(config.port))
    {
        const std::vector<endpoint> dests = destinations_of(config);
        d_name = "pcap " + config.pcap_path + " (" +
                 (dests.size() == 1 ? "udp dst port " + std::to_string(dests[0].port)
                                    : describe_destinations("udp to", dests)) +
                 ")";
        for (const endpoint& e : dests) {
            target t;
            ipv4_of(e.host, t.address);
            t.port = std::uint16_t(e.port);
            d_targets.push_back(t);
        }
    }

    void send(const out_packet* packets, std::size_t n, send_summary&) override
    {
        for (std::size_t i = 0; i < n; i++) {
            const out_packet& p = packets[i];
            d_scratch.assign(p.head.data(), p.head.data() + p.head_length);
            d_scratch.insert(d_scratch.end(), p.body, p.body + p.body_length);
            const target& t = d_targets[p.destination];
            d_writer.write_to(d_scratch.data(), d_scratch.size(), t.address, t.port);
        }
    }

    void close() override { d_writer.close(); }
    std::string describe() const override { return d_name; }

private:
    struct target {
        std::uint8_t address[4];
        std::uint16_t port;
    };
    std::string d_name;
    protocol::pcap_udp_writer d_writer;
    std::vector<target> d_targets;
    std::vector<std::uint8_t> d_scratch;
};

} // namespace

std::unique_ptr<transport> make_transport(const send_config& config)
{
    switch (config.transport) {
    case transport_kind::udp:
        return std::make_unique<udp_transport>(config);
    case transport_kind::tcp:
        return std::make_unique<tcp_transport>(config);
    case transport_kind::pcap:
        return std::make_unique<pcap_transport>(config);
    }
    throw std::logic_error("unknown transport");
}

} // namespace send
} // namespace spead
} // namespace gr
