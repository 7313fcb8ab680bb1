/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_RECV_TCP_READER_H
#define INCLUDED_SPEAD_RECV_TCP_READER_H

#include <gnuradio/spead/recv/rate_limited_log.h>
#include <gnuradio/spead/recv/reader.h>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

namespace gr {
namespace spead {
namespace recv {

/// Largest packet a TCP reader accepts by default (spead2's TCP default).
constexpr std::size_t DEFAULT_TCP_MAX_SIZE = 65536;
/// Default kernel receive buffer of a TCP reader's socket: 208 KiB (spead2's default).
constexpr std::size_t DEFAULT_TCP_BUFFER_SIZE = 212992;

/**
 * \brief Receives SPEAD packets from one TCP connection (spead2's add_tcp_reader).
 *
 * The reader listens (or takes a listening socket), accepts exactly ONE connection and
 * then closes the listening socket, so no further connection is accepted. Packets over
 * TCP have no framing of their own: each delimits itself through its header and
 * PAYLOAD_LENGTH. Every read hands all the whole packets it completed to the stream in
 * one batch; a partial packet waits for the bytes that complete it.
 *
 * Input that ends the stream (it stops as for a stop item, live heaps flushed):
 * - the peer closes the connection (an unfinished packet at that point is dropped and
 *   logged; its heap's earlier packets are flushed with the other live heaps);
 * - a socket error (logged).
 *
 * Input that is stepped over, as spead2 does:
 * - 8 bytes that are not a SPEAD header (magic, version, widths), or a header whose
 *   item pointers give no immediate PAYLOAD_LENGTH: those 8 bytes are counted under
 *   the packet_status (not as a packet), logged (rate-limited) and skipped, and the next
 *   packet is looked for right after them;
 * - a packet larger than max_size is counted as packets_rejected_oversize and its
 *   bytes are discarded as they arrive (its header says how many), so the stream stays
 *   in step and goes on with the next packet. The reader never buffers it. Item
 *   pointers too many for the buffer (2 max_size) are discarded with the buffer;
 * - a packet whose size (from its first PAYLOAD_LENGTH) is known but which does not
 *   decode to exactly that size (e.g. no HEAP_CNT) is counted under its packet_status
 *   by the stream and skipped.
 *
 * stop() may be called from any thread, or from the reader's own handler (a stop item):
 * it posts the closing of the sockets to the reader's strand and never waits.
 */
class tcp_reader : public reader
{
public:
    /**
     * \brief Listens on \p endpoint (an address, or any address, and a port; port 0
     * picks a free one: see local_endpoint()).
     * \param owner the stream that receives the packets.
     * \param endpoint address and port to listen on.
     * \param max_size largest packet accepted, header included; at least 8 bytes.
     * \param buffer_size kernel receive buffer requested for the connection (set on the
     *        listening socket, from which the connection inherits it); 0 keeps the
     *        system default. A size the kernel does not grant is logged, not fatal.
     * \throws std::invalid_argument when max_size is below 8 bytes.
     * \throws boost::system::system_error naming the endpoint when it cannot be bound.
     */
    tcp_reader(stream& owner,
               const boost::asio::ip::tcp::endpoint& endpoint,
               std::size_t max_size = DEFAULT_TCP_MAX_SIZE,
               std::size_t buffer_size = DEFAULT_TCP_BUFFER_SIZE);

    /**
     * \brief Accepts one connection on \p acceptor, a socket the caller has bound and
     * set listening (on any io_context: its socket is moved onto the stream's, and
     * \p acceptor is left closed). Its socket options, the receive buffer size
     * included, are the caller's.
     * \throws std::invalid_argument when max_size is below 8 bytes or the acceptor is
     *         not open.
     */
    tcp_reader(stream& owner,
               boost::asio::ip::tcp::acceptor&& acceptor,
               std::size_t max_size = DEFAULT_TCP_MAX_SIZE);

    ~tcp_reader() override;

    void start() override;
    void stop() override;

    /// The address and port listened on (the port the system chose when 0 was asked).
    const boost::asio::ip::tcp::endpoint& local_endpoint() const { return d_endpoint; }

private:
    using strand_type = boost::asio::strand<boost::asio::io_context::executor_type>;

    void init_buffer();
    void start_accept();
    void on_accept(const boost::system::error_code& error,
                   boost::asio::ip::tcp::socket peer);
    void start_read();
    void on_read(const boost::system::error_code& error, std::size_t bytes);
    /// Hands the whole packets in the buffer to the stream; false when reading must end
    /// (the stream stopped, or the byte stream cannot be followed any further).
    bool process_buffer(bool connection_closed);
    /// Closes both sockets; on the strand only.
    void close_sockets();
    /// Accounts for a handler that has returned; the last one marks the reader finished.
    void handler_done();
    std::string describe() const;

    const std::size_t d_max_size;
    strand_type d_strand;
    boost::asio::ip::tcp::acceptor d_acceptor;
    boost::asio::ip::tcp::socket d_socket;
    boost::asio::ip::tcp::endpoint d_endpoint;

    // Touched only by handlers on the strand (one at a time).
    std::vector<std::uint8_t> d_buffer; ///< 2 * max_size: a partial packet + a read
    std::size_t d_filled = 0;           ///< bytes at the front of d_buffer not yet used
    std::size_t d_skip = 0;             ///< bytes of an oversize packet still to discard
    std::uint64_t d_offset = 0;         ///< connection bytes consumed, for log messages
    rate_limited_log d_oversize_log;
    rate_limited_log d_garbage_log; ///< headers skipped 8 bytes at a time

    /// Guards the fields below; never held while a batch is open (stop() may be called
    /// from inside one, with the stream's lock held).
    std::mutex d_state_mutex;
    bool d_started = false;
    bool d_stop_requested = false;
    bool d_close_posted = false;
    bool d_finished = false;
    /// Handlers queued or running (an accept or read in flight, the posted close).
    std::size_t d_pending = 0;
};

} // namespace recv
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_RECV_TCP_READER_H */
