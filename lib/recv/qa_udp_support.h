/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_QA_UDP_SUPPORT_H
#define INCLUDED_SPEAD_QA_UDP_SUPPORT_H

// Test helpers for the UDP reader: a plain sendto socket (the sender is deliberately not
// Asio, so that it shares no code with the reader), GSO sends that the kernel hands to a
// GRO socket as one coalesced datagram, bounded statistics checks for counters whose
// exact value depends on timing, a scoped environment variable, and a network
// namespace of our own for multicast when the host's loopback refuses it.
// Every address used is loopback, or inside that namespace.

#include "qa_gso_send.h"
#include "qa_stream_support.h"
#include <gnuradio/spead/recv/ring_stream.h>
#include <arpa/inet.h>
#include <cppunit/extensions/HelperMacros.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <poll.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/udp.hpp>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

namespace gr {
namespace spead {
namespace qa {

using namespace gr::spead::protocol;
using namespace gr::spead::recv;

using boost::asio::ip::udp;

/// Says on the test output that a test did not run, and why.
inline void skip_test(const std::string& test, const std::string& why)
{
    std::cout << "\n[SKIPPED] " << test << ": " << why << "\n" << std::flush;
}

/// Pops one heap; fails instead of hanging when none comes.
inline heap pop_heap(ring_stream& s)
{
    auto h = s.pop_for(POP_TIMEOUT);
    CPPUNIT_ASSERT_MESSAGE("no heap within the time-out", h.has_value());
    return std::move(*h);
}

/// A plain UDP socket that sends with sendto/sendmsg.
class udp_sender
{
public:
    explicit udp_sender(bool ipv6)
    {
        d_fd = ::socket(ipv6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        CPPUNIT_ASSERT_MESSAGE("cannot make a sending socket", d_fd >= 0);
    }
    ~udp_sender() { ::close(d_fd); }
    udp_sender(const udp_sender&) = delete;
    udp_sender& operator=(const udp_sender&) = delete;

    /// Sends IPv4 multicast out of the interface with address \p interface_address,
    /// looped back to this host.
    void use_multicast_v4(const std::string& interface_address)
    {
        in_addr address{};
        CPPUNIT_ASSERT(inet_pton(AF_INET, interface_address.c_str(), &address) == 1);
        CPPUNIT_ASSERT(
            setsockopt(d_fd, IPPROTO_IP, IP_MULTICAST_IF, &address, sizeof(address)) ==
            0);
        const unsigned char loop = 1;
        CPPUNIT_ASSERT(
            setsockopt(d_fd, IPPROTO_IP, IP_MULTICAST_LOOP, &loop, sizeof(loop)) == 0);
    }

    /// Sends IPv6 multicast out of interface \p index, looped back to this host.
    void use_multicast_v6(unsigned int index)
    {
        CPPUNIT_ASSERT(
            setsockopt(d_fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &index, sizeof(index)) ==
            0);
        const int loop = 1;
        CPPUNIT_ASSERT(
            setsockopt(d_fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &loop, sizeof(loop)) ==
            0);
    }

    /// Sends one datagram; returns errno, 0 on success.
    int try_send(const std::vector<std::uint8_t>& datagram, const udp::endpoint& to)
    {
        const ssize_t sent = ::sendto(
            d_fd, datagram.data(), datagram.size(), 0, to.data(), socklen_t(to.size()));
        if (sent < 0)
            return errno;
        return std::size_t(sent) == datagram.size() ? 0 : EMSGSIZE;
    }

    void send(const std::vector<std::uint8_t>& datagram, const udp::endpoint& to)
    {
        const int error = try_send(datagram, to);
        CPPUNIT_ASSERT_MESSAGE(std::string("sendto failed: ") + std::strerror(error),
                               error == 0);
    }

    void send_all(const packet_list& packets, const udp::endpoint& to)
    {
        for (const auto& p : packets)
            send(p, to);
    }

    /**
     * Sends \p packets (all \p segment bytes long except the last, which may be
     * shorter) as one UDP_SEGMENT (GSO) send: the kernel hands them to a GRO socket as
     * one coalesced datagram, and to any other socket as separate datagrams. Returns
     * errno when the kernel refuses GSO, 0 on success.
     */
    int send_segmented(const packet_list& packets,
                       std::size_t segment,
                       const udp::endpoint& to)
    {
        for (std::size_t i = 0; i + 1 < packets.size(); i++)
            CPPUNIT_ASSERT_EQUAL(segment, packets[i].size());
        CPPUNIT_ASSERT(packets.back().size() <= segment);
        const std::vector<std::uint8_t> joined = concatenate_packets(packets);
        return send_gso_train(
            d_fd, joined.data(), joined.size(), segment, to.data(), socklen_t(to.size()));
    }

private:
    int d_fd;
};

/// Heaps exchange_heaps sends (cnt 1..EXCHANGE_HEAPS), then a stop heap.
constexpr std::uint64_t EXCHANGE_HEAPS = 6;

/**
 * Sends heaps 1..6, alternately of one and three packets, one heap at a time, popping
 * each before sending the next (so that no datagram can be lost to a full socket
 * buffer), then a stop heap (cnt 7); checks every heap and the end of the stream.
 */
inline void exchange_heaps(ring_stream& s, udp_sender& sender, const udp::endpoint& to)
{
    for (std::uint64_t cnt = 1; cnt <= EXCHANGE_HEAPS; cnt++) {
        const std::size_t size = cnt % 2 ? ONE_PACKET_HEAP : THREE_PACKET_HEAP;
        sender.send_all(data_heap(cnt, size), to);
        check_data_heap(pop_heap(s), cnt, size);
    }
    sender.send_all(encode_stop_heap(EXCHANGE_HEAPS + 1, options()), to);
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), drain(s).size());
}

/// Checks the statistics after exchange_heaps: 6 heaps, 3 of them single-packet, and
/// 3 * 1 + 3 * 3 + 1 (stop) = 13 packets, of which at most 3 were ever queued at once.
inline void check_exchange_stats(const stream_stats& stats);

/**
 * Checks \p stats as check_stats does, except for "batches" and "max_batch", whose
 * exact values depend on how the kernel's queue and the reader's reads interleave:
 * there must be between 1 and "packets" batches, and max_batch must lie in
 * [min_max_batch, max_max_batch].
 */
inline void check_stats_any_batching(const stream_stats& stats,
                                     expected_stats expected,
                                     std::uint64_t min_max_batch = 1,
                                     std::uint64_t max_max_batch = 64)
{
    const std::uint64_t packets = expected.count("packets") ? expected["packets"] : 0;
    const std::uint64_t batches = stats["batches"];
    const std::uint64_t max_batch = stats["max_batch"];
    // A batch of datagrams that all failed to decode counts too (as in spead2).
    const std::uint64_t datagrams = packets + stats["packets_rejected"];
    CPPUNIT_ASSERT_MESSAGE("batches=" + std::to_string(batches) + " for " +
                               std::to_string(datagrams) + " datagrams",
                           batches >= 1 && batches <= datagrams);
    CPPUNIT_ASSERT_MESSAGE("max_batch=" + std::to_string(max_batch) + " outside [" +
                               std::to_string(min_max_batch) + ", " +
                               std::to_string(max_max_batch) + "]",
                           max_batch >= min_max_batch && max_batch <= max_max_batch);
    expected["batches"] = batches;
    expected["max_batch"] = max_batch;
    check_stats(stats, expected);
}

inline void check_exchange_stats(const stream_stats& stats)
{
    check_stats_any_batching(
        stats, { { "heaps", 6 }, { "single_packet_heaps", 4 }, { "packets", 13 } }, 1, 3);
}

/// Sets (or unsets, for nullopt) an environment variable for its lifetime. Only
/// around a reader's construction: no other thread reads the environment then.
class scoped_env
{
public:
    scoped_env(std::string name, std::optional<std::string> value)
        : d_name(std::move(name))
    {
        if (const char* old = std::getenv(d_name.c_str()))
            d_old = std::string(old);
        set(value);
    }
    ~scoped_env() { set(d_old); }
    scoped_env(const scoped_env&) = delete;
    scoped_env& operator=(const scoped_env&) = delete;

private:
    void set(const std::optional<std::string>& value)
    {
        if (value)
            ::setenv(d_name.c_str(), value->c_str(), 1);
        else
            ::unsetenv(d_name.c_str());
    }
    std::string d_name;
    std::optional<std::string> d_old;
};

/**
 * Whether multicast to \p group, joined and sent on the same interface, comes back to
 * this host: tried with plain sockets, resending for up to \p patience (a fresh
 * interface may take a moment to get its multicast route). \p join_interface is the
 * interface's IPv4 address or, for IPv6, its index as a string.
 */
inline bool multicast_loops_back(const boost::asio::ip::address& group,
                                 const std::string& join_interface,
                                 std::chrono::milliseconds patience)
{
    const bool v6 = group.is_v6();
    const int receiver = ::socket(v6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (receiver < 0)
        return false;
    bool ok = false;
    udp::endpoint bound(group, 0);
    if (::bind(receiver, bound.data(), socklen_t(bound.size())) == 0) {
        sockaddr_storage local{};
        socklen_t length = sizeof(local);
        ::getsockname(receiver, reinterpret_cast<sockaddr*>(&local), &length);
        const unsigned short port =
            v6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&local)->sin6_port)
               : ntohs(reinterpret_cast<sockaddr_in*>(&local)->sin_port);
        int joined;
        if (v6) {
            ipv6_mreq request{};
            const auto bytes = group.to_v6().to_bytes();
            std::memcpy(&request.ipv6mr_multiaddr, bytes.data(), bytes.size());
            request.ipv6mr_interface = unsigned(std::stoul(join_interface));
            joined = setsockopt(
                receiver, IPPROTO_IPV6, IPV6_JOIN_GROUP, &request, sizeof(request));
        } else {
            ip_mreq request{};
            inet_pton(AF_INET, group.to_string().c_str(), &request.imr_multiaddr);
            inet_pton(AF_INET, join_interface.c_str(), &request.imr_interface);
            joined = setsockopt(
                receiver, IPPROTO_IP, IP_ADD_MEMBERSHIP, &request, sizeof(request));
        }
        if (joined == 0) {
            udp_sender sender(v6);
            if (v6)
                sender.use_multicast_v6(unsigned(std::stoul(join_interface)));
            else
                sender.use_multicast_v4(join_interface);
            const auto deadline = std::chrono::steady_clock::now() + patience;
            const std::vector<std::uint8_t> probe{ 'p', 'r', 'o', 'b', 'e' };
            while (!ok && std::chrono::steady_clock::now() < deadline) {
                sender.try_send(probe, udp::endpoint(group, port));
                pollfd p{ receiver, POLLIN, 0 };
                ok = ::poll(&p, 1, 50) == 1;
            }
        }
    }
    ::close(receiver);
    return ok;
}

/**
 * A network namespace of our own, entered by the calling thread for the lifetime of
 * this object (sockets made meanwhile stay in it after the thread leaves): its own
 * loopback, up, and a veth pair qa0/qa1, up, with the link-local address fe80::1 on
 * qa0 usable at once. Made with `ip netns`; when that is not possible (no iproute2, no
 * privilege) ok() is false and error() says why.
 */
class scoped_netns
{
public:
    explicit scoped_netns(const std::string& tag)
    {
        d_name = "gr-spead-qa-" + std::to_string(::getpid()) + "-" + tag;
        if (!run("ip netns add " + d_name))
            return;
        d_created = true;
        if (!run("ip -n " + d_name + " link set lo up") ||
            !run("ip -n " + d_name + " link add qa0 type veth peer name qa1") ||
            !run("ip -n " + d_name + " link set qa0 up") ||
            !run("ip -n " + d_name + " link set qa1 up") ||
            !run("ip -n " + d_name + " -6 addr add fe80::1/64 dev qa0 nodad"))
            return;
        d_original = ::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
        const int target = ::open(("/run/netns/" + d_name).c_str(), O_RDONLY | O_CLOEXEC);
        if (d_original < 0 || target < 0) {
            d_error = "cannot open the namespace files";
            if (target >= 0)
                ::close(target);
            return;
        }
        if (::setns(target, CLONE_NEWNET) != 0)
            d_error = std::string("setns failed: ") + std::strerror(errno);
        else
            d_entered = true;
        ::close(target);
    }
    ~scoped_netns()
    {
        if (d_entered && ::setns(d_original, CLONE_NEWNET) != 0)
            std::abort(); // this thread would go on in the wrong namespace
        if (d_original >= 0)
            ::close(d_original);
        if (d_created)
            run("ip netns del " + d_name);
    }
    scoped_netns(const scoped_netns&) = delete;
    scoped_netns& operator=(const scoped_netns&) = delete;

    bool ok() const { return d_entered; }
    const std::string& error() const { return d_error; }

private:
    bool run(const std::string& command)
    {
        if (std::system((command + " >/dev/null 2>&1").c_str()) == 0)
            return true;
        if (d_error.empty())
            d_error = "'" + command + "' failed";
        return false;
    }
    std::string d_name;
    std::string d_error;
    bool d_created = false;
    bool d_entered = false;
    int d_original = -1;
};

} // namespace qa
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_QA_UDP_SUPPORT_H */
