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
#include <gnuradio/spead/recv/stream.h>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/udp.hpp>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace gr {
namespace spead {
namespace recv {

/// Largest datagram a UDP reader accepts by default, in bytes (spead2's value: a 9000
/// byte jumbo frame payload plus room).
constexpr std::size_t DEFAULT_UDP_MAX_SIZE = 9200;
/// Kernel receive buffer a UDP reader asks for by default: 8 MiB (spead2's value).
constexpr std::size_t DEFAULT_UDP_BUFFER_SIZE = std::size_t(8) << 20;

class udp_datagram_batch;

/**
 * \brief Receives SPEAD packets from a UDP socket, one packet per datagram (spead2's
 * udp_reader / add_udp_reader).
 *
 * Datagrams are read in batches with recvmmsg, up to batch_datagrams per call
 * (gro_batch_datagrams with GRO) and one stream_batch per call, after the socket has
 * been seen readable. A datagram larger than max_size is dropped and counted as
 * packets_rejected_oversize. buffer_size is the kernel receive buffer (SO_RCVBUF) asked
 * for, 0 for the OS default. A process with CAP_NET_ADMIN (root) gets it whole even past
 * net.core.rmem_max (SO_RCVBUFFORCE; spead2 stays at the limit), unless the environment
 * variable GR_SPEAD_UDP_FORCE_BUFFER is 0 (or "off") when the reader is made; a
 * shortfall is logged once per process (see set_receive_buffer_size) and never fails.
 *
 * UDP generic receive offload: where the kernel accepts UDP_GRO on the socket, it may
 * hand over several datagrams of one flow coalesced into one buffer, with the segment
 * size in a control message; the reader cuts them back into packets (the last segment
 * may be shorter). Setting the environment variable GR_SPEAD_UDP_GRO to 0 (or "off")
 * before a reader is made turns this off for that reader.
 *
 * Receiving in place: when the reader is its stream's only reader and the stream is in
 * in-order mode with the standard memcpy, it predicts before each recvmmsg that the next
 * datagrams continue the heap being assembled (stream_batch::next_payload_target) and
 * lets the kernel write their payloads straight into that heap; predicted packets are
 * checked after the call and fed without a copy, anything else is copied out and fed as
 * usual, with the same result. The stream's lock is held over such a call. Predictions
 * that keep failing are made ever more seldom (up to max_plan_backoff batches apart).
 * Setting the environment variable GR_SPEAD_UDP_IN_PLACE to 0 (or "off") before a reader
 * is made turns this off for that reader.
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
    /**
     * \brief Busy polling: after the socket runs dry, keep trying to read for up to
     * \p duration before sleeping until data arrives (0, the default, sleeps at once).
     *
     * For a reader with a core of its own (see thread_pool affinity): a core that goes
     * idle between datagrams may take milliseconds to wake (in a virtual machine, the
     * host must schedule it again), during which a socket buffer overflows; polling
     * keeps it awake while traffic flows, at the cost of that core (see
     * docs/performance-tuning.md). The reader's thread does nothing else meanwhile
     * (other readers on a one-thread pool wait). May be called at any time, from any
     * thread.
     * \throws std::invalid_argument when \p duration is negative or above
     * max_busy_poll.
     */
    void set_busy_poll(std::chrono::microseconds duration);
    std::chrono::microseconds get_busy_poll() const
    {
        return std::chrono::microseconds(d_busy_poll_us.load());
    }
    /// Longest busy poll accepted by set_busy_poll: one second.
    static constexpr std::chrono::microseconds max_busy_poll{ 1000000 };

    /// Whether payload may be received straight into heap memory (see the class
    /// documentation; the environment can turn it off).
    bool receives_in_place() const { return d_in_place; }
    /// Packets whose payload the kernel wrote straight into their heap so far.
    std::uint64_t get_in_place_packets() const { return d_in_place_packets.load(); }
    /// Messages received under a plan that they did not fit (copied out and fed as
    /// usual) so far.
    std::uint64_t get_gathered_messages() const { return d_gathered_messages.load(); }

    /// Datagrams read per recvmmsg call (one stream_batch each).
    static constexpr std::size_t batch_datagrams = 64;
    /// Datagrams read per recvmmsg call with GRO, where each may hold dozens of
    /// packets: fewer, so that a batch (which holds the stream lock) stays short and
    /// the buffers take 1 MiB rather than 4. On loopback this reads as fast as 64.
    static constexpr std::size_t gro_batch_datagrams = 16;
    /// Buffer per datagram with GRO: the largest coalesced datagram the kernel builds.
    static constexpr std::size_t gro_buffer_size = 65536;
    /// Most batches read without a plan after plans failed in a row (see
    /// get_gathered_messages).
    static constexpr std::size_t max_plan_backoff = 64;
    /// Environment variable that turns GRO off when set to 0, off, false or no.
    static constexpr const char* gro_environment_variable = "GR_SPEAD_UDP_GRO";
    /// Environment variable that turns receiving in place off when set to 0, off,
    /// false or no.
    static constexpr const char* in_place_environment_variable = "GR_SPEAD_UDP_IN_PLACE";
    /// Environment variable that keeps the receive buffer within net.core.rmem_max even
    /// for a privileged process when set to 0, off, false or no.
    static constexpr const char* force_buffer_environment_variable =
        "GR_SPEAD_UDP_FORCE_BUFFER";

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
    /// Waits again in the handler that has just received: a plain wait when the pool
    /// has one thread (see the definition), else wait_readable().
    void wait_after_receive();
    /// The socket is empty: with busy polling, read again soon (until the busy poll
    /// time has passed since it was first found empty), else wait_after_receive().
    void wait_or_poll();
    void on_readable(const boost::system::error_code& ec);
    /// One recvmmsg call and one stream_batch; then reads on or waits again.
    void receive_batch();
    /// Plans the next receive into \p target's heap; returns how many messages were
    /// planned (0: none could be).
    std::size_t plan_in_place(const stream_batch::payload_target& target);
    /**
     * \brief Whether message \p index holds the packets planned into it, or the first
     * \p arrived of them and nothing else (a GRO datagram of fewer segments than
     * planned), each the one predicted for its place: \p behind packets earlier than
     * planned, when messages before it held fewer. Checked before anything is fed. The
     * payloads of packets that came behind their plan are moved back to where they
     * belong in the heap; the decoded views are kept in d_planned_views for feeding.
     */
    bool planned_packets_arrived(std::size_t index,
                                 const stream_batch::payload_target& target,
                                 std::size_t behind,
                                 std::size_t& arrived);
    /// Feeds the \p received datagrams of the last call (planned into \p target's
    /// heap, or not when null); false once the stream stopped.
    bool deliver(std::size_t received,
                 stream_batch& batch,
                 const stream_batch::payload_target* target);
    /// Feeds one datagram's bytes, cut into GRO segments of \p segment_size (0: one
    /// packet); false once the stream stopped.
    bool feed(const std::uint8_t* data,
              std::size_t length,
              std::size_t segment_size,
              bool truncated,
              stream_batch& batch);
    /// Logs \p message as an error and ends the stream (a socket that keeps failing
    /// would otherwise spin).
    void fail(const std::string& message);

    boost::asio::ip::udp::socket d_socket;
    boost::asio::ip::udp::endpoint d_local_endpoint;
    std::size_t d_max_size;
    bool d_gro = false;
    std::unique_ptr<udp_datagram_batch> d_batch;
    std::uint8_t d_peek_byte = 0;
    /// The stream's pool has one thread (see wait_after_receive).
    bool d_sole_reactor_thread = false;
    rate_limited_log d_retry_log; ///< transient receive failures, which may repeat
    std::atomic<std::uint64_t> d_coalesced{ 0 };
    bool d_in_place = true;
    /// The last batch was planned: when the next cannot be (its heap ended), it reads
    /// one message, the next heap's first packet, so that the one after can be.
    bool d_had_plan = false;
    /// With GRO, the plan's guess of segments per message: the most one message held
    /// in this window of batches or the last. A message shorter than planned costs
    /// nothing but planned room, a longer one ends the plan; a paced sender's datagrams
    /// come coalesced a few at a time, and a burst now and then holds many.
    std::size_t d_segments_per_datagram = 1;
    std::size_t d_segments_in_window = 1; ///< the most in this window
    std::size_t d_window_batches = 0;     ///< batches read in this window
    static constexpr std::size_t segment_window_batches = 64;
    /// Batches to read without a plan (after plans failed), and how many the next
    /// failure makes it.
    std::size_t d_skip_plans = 0;
    std::size_t d_plan_backoff = 0;
    /// The last plan failed somewhere: the next plans one message only.
    bool d_probe = false;
    /// The planned packets as decoded by planned_packets_arrived, by their index in the
    /// plan.
    std::vector<protocol::packet_view> d_planned_views;
    /// Per message of a planned batch: its gathered bytes, when it did not fit the plan.
    std::vector<const std::uint8_t*> d_gathered;
    /// Per message of a planned batch that fitted it: its packets fed in place.
    std::vector<std::size_t> d_arrived;
    std::atomic<std::int64_t> d_busy_poll_us{ 0 };
    /// When the socket was first found empty in the current busy poll.
    std::chrono::steady_clock::time_point d_idle_since;
    bool d_polling = false;
    std::atomic<std::uint64_t> d_in_place_packets{ 0 };
    std::atomic<std::uint64_t> d_gathered_messages{ 0 };
};

} // namespace recv
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_RECV_UDP_READER_H */
