/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_RECV_UDP_READER_H
#define INCLUDED_SPEAD_RECV_UDP_READER_H

#include <gnuradio/spead/recv/rate_limited_log.h>
#include <gnuradio/spead/recv/strand_reader.h>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/udp.hpp>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace gr {
namespace spead {

/// Largest datagram a UDP reader accepts by default, in bytes (spead2's value: a 9000
/// byte jumbo frame payload plus room).
constexpr std::size_t DEFAULT_UDP_MAX_SIZE = 9200;
/// Kernel receive buffer a UDP reader asks for by default: 8 MiB (spead2's value).
constexpr std::size_t DEFAULT_UDP_BUFFER_SIZE = std::size_t(8) << 20;

class stream_batch;
class udp_datagram_batch;

/**
 * \brief Receives SPEAD packets from a UDP socket, one packet per datagram (spead2's
 * udp_reader / add_udp_reader).
 *
 * Datagrams are read in batches with recvmmsg, up to batch_datagrams per call
 * (gro_batch_datagrams with GRO) and one stream_batch per call, after the socket has
 * been seen readable. A datagram larger than max_size is dropped and counted as
 * packets_rejected_oversize. buffer_size is the kernel receive buffer (SO_RCVBUF) asked
 * for, 0 for the OS default; a shortfall is logged once per process (see
 * set_receive_buffer_size) and never fails.
 *
 * UDP generic receive offload: where the kernel accepts UDP_GRO on the socket, it may
 * hand over several datagrams of one flow coalesced into one buffer, with the segment
 * size in a control message; the reader cuts them back into packets (the last segment
 * may be shorter). Setting the environment variable GR_SPEAD_UDP_GRO to 0 (or "off")
 * before a reader is made turns this off for that reader.
 *
 * Readers run on the stream's thread pool; stop() is asynchronous (see strand_reader).
 */
class udp_reader : public strand_reader
{
public:
    /**
     * \brief Binds to \p endpoint: a port, and an address to bind to (0.0.0.0 or :: for
     * all). A multicast address makes the socket join that group on an interface the OS
     * chooses. make_udp_bind_endpoint builds an endpoint from a host name.
     * \throws std::invalid_argument when \p max_size is 0.
     * \throws boost::system::system_error when the socket cannot be opened, bound or
     * joined to the group (the message names the endpoint).
     */
    udp_reader(stream& owner,
               const boost::asio::ip::udp::endpoint& endpoint,
               std::size_t max_size = DEFAULT_UDP_MAX_SIZE,
               std::size_t buffer_size = DEFAULT_UDP_BUFFER_SIZE);

    /**
     * \brief Joins the IPv4 multicast group \p endpoint (group:port) on the interface
     * with address \p interface_address; an unspecified address (0.0.0.0) lets the OS
     * choose the interface.
     * \throws std::invalid_argument when the endpoint is not an IPv4 multicast address or
     * \p interface_address is neither IPv4 nor unspecified, or \p max_size is 0.
     */
    udp_reader(stream& owner,
               const boost::asio::ip::udp::endpoint& endpoint,
               std::size_t max_size,
               std::size_t buffer_size,
               const boost::asio::ip::address& interface_address);

    /**
     * \brief Joins the IPv6 multicast group \p endpoint (group:port) on the interface
     * with index \p interface_index (0 lets the OS choose).
     * \throws std::invalid_argument when the endpoint is not an IPv6 multicast address,
     * or \p max_size is 0.
     */
    udp_reader(stream& owner,
               const boost::asio::ip::udp::endpoint& endpoint,
               std::size_t max_size,
               std::size_t buffer_size,
               unsigned int interface_index);

    /**
     * \brief Reads from a socket the caller made and configured (options, buffer size,
     * group memberships). It must be open and bound, and it must have been made on the
     * io_context of the stream's thread pool (stream.get_thread_pool().get_io_context()),
     * since the reader waits on it there.
     * \throws std::invalid_argument when the socket is not open, not bound, or belongs
     * to another io_context, or when \p max_size is 0.
     */
    udp_reader(stream& owner,
               boost::asio::ip::udp::socket&& socket,
               std::size_t max_size = DEFAULT_UDP_MAX_SIZE);

    ~udp_reader() override;

    /// The address and port the socket is bound to (the port the OS chose for port 0).
    const boost::asio::ip::udp::endpoint& get_local_endpoint() const
    {
        return d_local_endpoint;
    }
    std::size_t get_max_size() const { return d_max_size; }
    /// Whether the kernel accepted UDP_GRO on the socket (and the environment allowed
    /// it).
    bool uses_gro() const { return d_gro; }
    /// Coalesced datagrams received so far (each carries several packets).
    std::uint64_t get_coalesced_datagrams() const { return d_coalesced.load(); }

    /// Datagrams read per recvmmsg call (one stream_batch each).
    static constexpr std::size_t batch_datagrams = 64;
    /// Datagrams read per recvmmsg call with GRO, where each may hold dozens of
    /// packets: fewer, so that a batch (which holds the stream lock) stays short and
    /// the buffers take 1 MiB rather than 4. On loopback this reads as fast as 64.
    static constexpr std::size_t gro_batch_datagrams = 16;
    /// Buffer per datagram with GRO: the largest coalesced datagram the kernel builds.
    static constexpr std::size_t gro_buffer_size = 65536;
    /// Environment variable that turns GRO off when set to 0, off, false or no.
    static constexpr const char* gro_environment_variable = "GR_SPEAD_UDP_GRO";

protected:
    void begin() override;
    void close() override;

private:
    struct checked_socket {
        boost::asio::ip::udp::socket socket;
    };
    udp_reader(stream& owner, checked_socket&& checked, std::size_t max_size);
    /// Enforces the documented requirements on a socket the caller made.
    static checked_socket check_socket(stream& owner,
                                       boost::asio::ip::udp::socket&& socket);

    /// Waits until a datagram is queued (a peek that Asio tries at once, so readiness
    /// that arrived before the wait is not missed).
    void wait_readable();
    void on_readable(const boost::system::error_code& ec);
    /// One recvmmsg call and one stream_batch; then reads on or waits again.
    void receive_batch();
    /// Feeds the \p received datagrams of the last call; false once the stream stopped.
    bool deliver(std::size_t received, stream_batch& batch);
    /// Logs \p message as an error and ends the stream (a socket that keeps failing
    /// would otherwise spin).
    void fail(const std::string& message);

    boost::asio::ip::udp::socket d_socket;
    boost::asio::ip::udp::endpoint d_local_endpoint;
    std::size_t d_max_size;
    bool d_gro = false;
    std::unique_ptr<udp_datagram_batch> d_batch;
    std::uint8_t d_peek_byte = 0;
    rate_limited_log d_retry_log; ///< transient receive failures, which may repeat
    std::atomic<std::uint64_t> d_coalesced{ 0 };
};

} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_RECV_UDP_READER_H */
