/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_QA_TCP_SUPPORT_H
#define INCLUDED_SPEAD_QA_TCP_SUPPORT_H

// Test helpers for the TCP reader: a blocking sender on loopback, and a ring_stream
// with one tcp_reader listening on a port the system picks. Everything is bounded in
// time: sends never block (they poll), and waits give up after a time-out.

#include "qa_stream_support.h"
#include "qa_wait.h"
#include <gnuradio/spead/recv/tcp_reader.h>
#include <poll.h>
#include <sys/socket.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <memory>
#include <thread>
#include <vector>

namespace gr {
namespace spead {
namespace qa {

using namespace gr::spead::protocol;
using namespace gr::spead::recv;

using boost::asio::ip::tcp;
using byte_vector = std::vector<std::uint8_t>;

inline tcp::endpoint loopback_v4(unsigned short port = 0)
{
    return tcp::endpoint(boost::asio::ip::address_v4::loopback(), port);
}

inline tcp::endpoint loopback_v6(unsigned short port = 0)
{
    return tcp::endpoint(boost::asio::ip::address_v6::loopback(), port);
}

/**
 * The sending end of a test connection: blocking connect, then writes that never wait
 * longer than WAIT_TIMEOUT in total (a reader that stops reading cannot hang a test).
 * Nagle is off, so every write leaves as soon as it is made.
 */
class tcp_sender
{
public:
    explicit tcp_sender(const tcp::endpoint& to) : d_socket(d_io)
    {
        d_socket.connect(to);
        d_socket.set_option(tcp::no_delay(true));
    }

    /// Sends all of [data, data + length); false when the connection failed first.
    bool send(const std::uint8_t* data, std::size_t length)
    {
        const auto deadline = std::chrono::steady_clock::now() + WAIT_TIMEOUT;
        while (length > 0) {
            const ssize_t sent = ::send(
                d_socket.native_handle(), data, length, MSG_DONTWAIT | MSG_NOSIGNAL);
            if (sent > 0) {
                data += sent;
                length -= std::size_t(sent);
                continue;
            }
            if (sent < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
                return false;
            if (std::chrono::steady_clock::now() >= deadline)
                return false;
            pollfd p{ d_socket.native_handle(), POLLOUT, 0 };
            ::poll(&p, 1, 10);
        }
        return true;
    }
    bool send(const byte_vector& data) { return send(data.data(), data.size()); }

    /// Sends \p data one byte per write.
    bool send_bytewise(const byte_vector& data)
    {
        for (std::uint8_t b : data)
            if (!send(&b, 1))
                return false;
        return true;
    }

    /// Half-closes: the reader sees the end of the connection.
    void shutdown_send()
    {
        boost::system::error_code ignored;
        d_socket.shutdown(tcp::socket::shutdown_send, ignored);
    }

    /// True when the peer closed its end (end of file or reset) within \p timeout.
    bool peer_closed(std::chrono::milliseconds timeout = WAIT_TIMEOUT)
    {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        std::uint8_t scratch[256];
        while (std::chrono::steady_clock::now() < deadline) {
            pollfd p{ d_socket.native_handle(), POLLIN, 0 };
            if (::poll(&p, 1, 10) <= 0)
                continue;
            const ssize_t got =
                ::recv(d_socket.native_handle(), scratch, sizeof(scratch), MSG_DONTWAIT);
            if (got == 0 || (got < 0 && errno != EAGAIN && errno != EINTR))
                return true;
        }
        return false;
    }

    tcp::socket& socket() { return d_socket; }

private:
    boost::asio::io_context d_io; // blocking calls only: never run
    tcp::socket d_socket;
};

/// A ring_stream with one tcp_reader listening on loopback (port chosen by the system).
struct tcp_stream_under_test {
    thread_pool& pool;
    ring_stream stream;
    tcp_reader* reader;

    tcp_stream_under_test(
        thread_pool& p,
        std::size_t max_size = DEFAULT_TCP_MAX_SIZE,
        const ring_stream_config& ring = ring_stream_config().set_heaps(64),
        const stream_config& config = stream_config(),
        const tcp::endpoint& where = loopback_v4())
        : pool(p), stream(p, config, ring)
    {
        reader = &stream.emplace_reader<tcp_reader>(where, max_size);
    }

    tcp::endpoint endpoint() const { return reader->local_endpoint(); }
};

/// Bytes of \p packets, back to back, as a sender writes them into a connection.
inline byte_vector wire(const packet_list& packets)
{
    return concatenate_packets(packets);
}

/// A packet with a good header and PAYLOAD_OFFSET / PAYLOAD_LENGTH but no HEAP_CNT:
/// malformed, yet its length is known (8 + 16 + 4 = 28 bytes, 64-40 flavour).
inline byte_vector packet_without_heap_cnt()
{
    return { 0x53, 0x04, 0x03, 0x05, 0, 0, 0, 2, // header, 2 pointers
             0x80, 0x00, 0x03, 0,    0, 0, 0, 0, // PAYLOAD_OFFSET = 0
             0x80, 0x00, 0x04, 0,    0, 0, 0, 4, // PAYLOAD_LENGTH = 4
             0xaa, 0xbb, 0xcc, 0xdd };
}

} // namespace qa
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_QA_TCP_SUPPORT_H */
