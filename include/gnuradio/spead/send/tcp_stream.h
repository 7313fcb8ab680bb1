/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_SEND_TCP_STREAM_H
#define INCLUDED_SPEAD_SEND_TCP_STREAM_H

#include <gnuradio/spead/send/endpoint.h>
#include <gnuradio/spead/send/stream.h>
#include <cstddef>
#include <string>
#include <vector>

namespace gr {
namespace spead {
namespace send {

/**
 * \brief A send stream over one TCP connection (spead2's TcpStream): packets back to
 * back, as a TCP reader takes them. One substream. After a send error the connection
 * is broken and every later heap fails with the same error.
 */
class tcp_stream : public stream
{
public:
    /// Socket send buffer asked for by default (the kernel may grant less).
    static constexpr std::size_t DEFAULT_BUFFER_SIZE = 208 * 1024;

    /**
     * \brief Connects to the one endpoint of \p endpoints (blocking until connected or
     * refused), from \p interface_address when given.
     * \throws std::invalid_argument unless \p endpoints has exactly one element;
     * std::runtime_error when the host cannot be resolved; std::system_error when the
     * connection fails.
     */
    tcp_stream(const std::vector<endpoint>& endpoints,
               const stream_config& config = stream_config(),
               std::size_t buffer_size = DEFAULT_BUFFER_SIZE,
               const std::string& interface_address = std::string());

    /// Over the caller's connected TCP socket \p fd, which is duplicated.
    /// \throws std::system_error when it cannot be duplicated.
    tcp_stream(int fd, const stream_config& config = stream_config());
};

} // namespace send
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_SEND_TCP_STREAM_H */
