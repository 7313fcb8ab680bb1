/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <gnuradio/spead/protocol/item_ids.h>
#include <gnuradio/spead/protocol/log.h>
#include <gnuradio/spead/protocol/packet.h>
#include <gnuradio/spead/recv/stream.h>
#include <gnuradio/spead/recv/tcp_reader.h>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/post.hpp>
#include <boost/system/system_error.hpp>
#include <algorithm>
#include <cstring>
#include <limits>
#include <optional>
#include <sstream>
#include <stdexcept>

namespace gr {
namespace spead {
namespace recv {

namespace {

using boost::asio::ip::tcp;

std::size_t checked_max_size(std::size_t max_size)
{
    // The buffer holds two packets of max_size (a partial one and a full read).
    if (max_size < protocol::PACKET_HEADER_SIZE ||
        max_size > std::numeric_limits<std::size_t>::max() / 2)
        throw std::invalid_argument(
            "TCP reader max_size " + std::to_string(max_size) + " is outside [" +
            std::to_string(protocol::PACKET_HEADER_SIZE) + ", SIZE_MAX / 2]");
    return max_size;
}

std::string to_string(const tcp::endpoint& endpoint)
{
    std::ostringstream out;
    out << endpoint;
    return out.str();
}

/// What the first bytes of a packet in the byte stream say about its size.
enum class size_outcome { known, need_more, bad };

/**
 * spead2's framing of a TCP byte stream: a valid 8-byte header (magic, version, widths
 * adding up to 64 bits), all its item pointers, and the first immediate PAYLOAD_LENGTH
 * among them give the size. \p status receives the reason for a bad outcome.
 */
size_outcome stream_packet_size(const std::uint8_t* data,
                                std::size_t length,
                                std::size_t& size,
                                protocol::packet_status& status)
{
    if (length < protocol::PACKET_HEADER_SIZE)
        return size_outcome::need_more;
    status = protocol::packet_status::ok;
    if (data[0] != protocol::SPEAD_MAGIC)
        status = protocol::packet_status::bad_magic;
    else if (data[1] != protocol::SPEAD_VERSION)
        status = protocol::packet_status::bad_version;
    else if (data[2] == 0 || data[3] == 0 || data[2] + data[3] != 8)
        status = protocol::packet_status::bad_widths;
    if (status != protocol::packet_status::ok)
        return size_outcome::bad;
    const std::size_t n = (std::size_t(data[6]) << 8) | data[7];
    const std::size_t header_size =
        protocol::PACKET_HEADER_SIZE + n * protocol::ITEM_POINTER_SIZE;
    if (header_size > length)
        return size_outcome::need_more;
    const int address_bits = int(data[3]) * 8;
    for (std::size_t i = 0; i < n; i++) {
        const protocol::item_pointer p = protocol::item_pointer::decode(
            protocol::load_be64(data + protocol::PACKET_HEADER_SIZE +
                                i * protocol::ITEM_POINTER_SIZE),
            address_bits);
        if (p.immediate && p.id == protocol::PAYLOAD_LENGTH_ID) {
            // Below 2^56: the sum cannot overflow a 64-bit size_t.
            size = header_size + std::size_t(p.value);
            return size_outcome::known;
        }
    }
    status = protocol::packet_status::missing_payload_length;
    return size_outcome::bad;
}

} // namespace

tcp_reader::tcp_reader(stream& owner,
                       const tcp::endpoint& endpoint,
                       std::size_t max_size,
                       std::size_t buffer_size)
    : reader(owner),
      d_max_size(checked_max_size(max_size)),
      d_strand(boost::asio::make_strand(get_io_context())),
      d_acceptor(get_io_context()),
      d_socket(get_io_context())
{
    const std::string where = "cannot listen on TCP " + to_string(endpoint);
    boost::system::error_code ec;
    d_acceptor.open(endpoint.protocol(), ec);
    if (ec)
        throw boost::system::system_error(ec, where);
    // A restarted receiver can take its port back while old connections linger.
    d_acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
    if (buffer_size > 0) {
        // Set before listen(), so that the connection inherits it and the TCP window
        // scale is chosen for it.
        const int requested = int(std::min<std::size_t>(
            buffer_size, std::size_t(std::numeric_limits<int>::max())));
        d_acceptor.set_option(boost::asio::socket_base::receive_buffer_size(requested),
                              ec);
        boost::asio::socket_base::receive_buffer_size granted;
        if (!ec)
            d_acceptor.get_option(granted, ec);
        // Linux reports twice the size it was asked for (the doubled value includes its
        // bookkeeping); less than asked means the system limit capped it.
        if (ec || std::size_t(granted.value()) < std::size_t(requested))
            log_message(protocol::log_level::warning,
                        "TCP reader on " + to_string(endpoint) + ": receive buffer of " +
                            std::to_string(buffer_size) + " bytes not granted" +
                            (ec ? " (" + ec.message() + ")"
                                : " (got " + std::to_string(granted.value()) +
                                      "); raise net.core.rmem_max"));
    }
    d_acceptor.bind(endpoint, ec);
    if (ec)
        throw boost::system::system_error(ec, where);
    // One connection is all this reader takes.
    d_acceptor.listen(1, ec);
    if (ec)
        throw boost::system::system_error(ec, where);
    d_endpoint = d_acceptor.local_endpoint();
    init_buffer();
}

tcp_reader::tcp_reader(stream& owner, tcp::acceptor&& acceptor, std::size_t max_size)
    : reader(owner),
      d_max_size(checked_max_size(max_size)),
      d_strand(boost::asio::make_strand(get_io_context())),
      d_acceptor(get_io_context()),
      d_socket(get_io_context())
{
    if (!acceptor.is_open())
        throw std::invalid_argument("TCP reader given an acceptor that is not open");
    // The caller's acceptor may belong to another io_context: its socket is moved onto
    // the stream's, whose threads run this reader's handlers.
    const tcp::endpoint local = acceptor.local_endpoint();
    const auto native = acceptor.release();
    d_acceptor.assign(local.protocol(), native);
    d_endpoint = local;
    init_buffer();
}

tcp_reader::~tcp_reader() = default;

void tcp_reader::init_buffer() { d_buffer.resize(2 * d_max_size); }

std::string tcp_reader::describe() const
{
    return "TCP reader on " + to_string(d_endpoint);
}

void tcp_reader::start()
{
    {
        std::lock_guard<std::mutex> lock(d_state_mutex);
        if (d_started || d_finished)
            return;
        d_started = true;
        d_pending++; // the posted start below
    }
    // Sockets are only touched on the strand, where stop()'s close also runs.
    boost::asio::post(d_strand, [this] {
        start_accept();
        handler_done();
    });
}

void tcp_reader::stop()
{
    bool finish_now = false;
    {
        std::lock_guard<std::mutex> lock(d_state_mutex);
        if (d_finished)
            return;
        d_stop_requested = true;
        if (!d_started) {
            d_finished = true; // never started: no handler will ever run
            finish_now = true;
        } else if (!d_close_posted) {
            // A handler is still pending (else the reader would have finished), so the
            // reader cannot be destroyed before this posted close has run.
            d_close_posted = true;
            d_pending++;
            boost::asio::post(d_strand, [this] {
                close_sockets();
                handler_done();
            });
        }
    }
    if (finish_now)
        mark_finished();
}

void tcp_reader::handler_done()
{
    bool last;
    {
        std::lock_guard<std::mutex> lock(d_state_mutex);
        last = --d_pending == 0;
        if (last)
            d_finished = true;
    }
    // Last: once it returns the stream may destroy this reader.
    if (last)
        mark_finished();
}

void tcp_reader::close_sockets()
{
    boost::system::error_code ignored;
    d_acceptor.close(ignored);
    d_socket.close(ignored);
}

void tcp_reader::start_accept()
{
    {
        std::lock_guard<std::mutex> lock(d_state_mutex);
        if (d_stop_requested)
            return; // the posted close will close the acceptor
        d_pending++;
    }
    // The accepted socket is handed to the handler rather than written into d_socket by
    // the operation: Asio fills a socket passed by reference on whichever pool thread
    // completes the accept, outside the strand, where it could meet the posted close.
    d_acceptor.async_accept(boost::asio::bind_executor(
        d_strand, [this](const boost::system::error_code& ec, tcp::socket peer) {
            on_accept(ec, std::move(peer));
            handler_done();
        }));
}

void tcp_reader::on_accept(const boost::system::error_code& error, tcp::socket peer)
{
    if (error == boost::asio::error::operation_aborted)
        return; // stop() closed the acceptor
    if (error) {
        log_message(protocol::log_level::error,
                    describe() + ": accepting a connection failed: " + error.message());
        close_sockets();
        stream_batch batch(get_stream());
        batch.end_of_stream();
        return;
    }
    // Exactly one connection: refuse every later one.
    boost::system::error_code ignored;
    d_acceptor.close(ignored);
    d_socket = std::move(peer);
    const tcp::endpoint remote = d_socket.remote_endpoint(ignored);
    log_message(protocol::log_level::info,
                describe() + ": accepted a connection from " + to_string(remote));
    start_read();
}

void tcp_reader::start_read()
{
    {
        std::lock_guard<std::mutex> lock(d_state_mutex);
        if (d_stop_requested)
            return; // the posted close will close the socket
        d_pending++;
    }
    // Processing leaves at most one partial packet at the front: fewer than max_size
    // bytes, or item pointers still arriving, which never fill the buffer (a full
    // buffer of them is discarded). So there is always room to read.
    d_socket.async_read_some(
        boost::asio::buffer(d_buffer.data() + d_filled, d_buffer.size() - d_filled),
        boost::asio::bind_executor(
            d_strand, [this](const boost::system::error_code& ec, std::size_t bytes) {
                on_read(ec, bytes);
                handler_done();
            }));
}

void tcp_reader::on_read(const boost::system::error_code& error, std::size_t bytes)
{
    if (error == boost::asio::error::operation_aborted)
        return; // stop() closed the socket
    d_filled += bytes;
    bool keep_reading;
    if (!error) {
        keep_reading = process_buffer(false);
    } else if (error == boost::asio::error::eof) {
        process_buffer(true);
        keep_reading = false;
    } else {
        log_message(protocol::log_level::error,
                    describe() + ": connection failed: " + error.message());
        stream_batch batch(get_stream());
        batch.end_of_stream();
        keep_reading = false;
    }
    if (keep_reading)
        start_read();
    else
        close_sockets();
}

bool tcp_reader::process_buffer(bool connection_closed)
{
    // Opened on the first packet only, so that a read that completes no packet takes
    // no stream lock.
    std::optional<stream_batch> batch;
    auto get_batch = [&]() -> stream_batch& {
        if (!batch)
            batch.emplace(get_stream());
        return *batch;
    };
    const std::uint8_t* const base = d_buffer.data();
    std::size_t pos = 0;
    bool keep = true;

    // spead2's resynchronisation: a header that does not decode (or gives no
    // PAYLOAD_LENGTH) loses 8 bytes, and the next packet is looked for there.
    while (keep) {
        const std::size_t available = d_filled - pos;
        if (d_skip > 0) {
            const std::size_t dropped = std::min(d_skip, available);
            pos += dropped;
            d_skip -= dropped;
            if (d_skip > 0)
                break;
            continue;
        }
        if (available == 0)
            break;
        const std::uint8_t* const data = base + pos;
        std::size_t size = 0;
        protocol::packet_status status = protocol::packet_status::ok;
        const size_outcome outcome = stream_packet_size(data, available, size, status);
        if (outcome == size_outcome::bad) {
            get_batch().reject_packet(reject_stat_indices::for_status(status));
            d_garbage_log.log_lazy(protocol::log_level::warning, [&] {
                return describe() + ": no packet header (" + to_string(status) +
                       ") at byte " + std::to_string(d_offset + pos) +
                       " of the connection; skipping 8 bytes";
            });
            pos += protocol::PACKET_HEADER_SIZE;
            continue;
        }
        if (outcome == size_outcome::need_more) {
            // Item pointers that cannot fit the buffer: its bytes are dropped (spead2
            // drops its whole buffer then) and the search goes on after them.
            if (available == d_buffer.size()) {
                get_batch().reject_packet(reject_stat_indices::packets_rejected_oversize);
                d_oversize_log.log_lazy(protocol::log_level::warning, [&] {
                    return describe() + ": discarding " + std::to_string(available) +
                           " bytes whose packet size cannot be found within max_size " +
                           std::to_string(d_max_size);
                });
                pos += available;
            }
            break;
        }
        if (size > d_max_size) {
            get_batch().reject_packet(reject_stat_indices::packets_rejected_oversize);
            d_oversize_log.log_lazy(protocol::log_level::warning, [&] {
                return describe() + ": discarding a packet of " + std::to_string(size) +
                       " bytes (max_size " + std::to_string(d_max_size) + ")";
            });
            d_skip = size;
            continue;
        }
        if (size > available)
            break; // wait for the rest of the packet
        // The whole packet must decode to exactly the size its first PAYLOAD_LENGTH gave
        // (datagram framing checks that); otherwise the stream counts and drops it.
        keep = get_batch().add_packet(data, size, protocol::packet_framing::datagram);
        pos += size;
    }

    if (keep && connection_closed) {
        const std::size_t unfinished = d_filled - pos;
        if (unfinished > 0)
            log_message(protocol::log_level::warning,
                        describe() + ": connection closed inside a packet (" +
                            std::to_string(unfinished) + " bytes of it dropped)");
        else if (d_skip > 0)
            log_message(protocol::log_level::warning,
                        describe() + ": connection closed inside an oversize packet (" +
                            std::to_string(d_skip) + " bytes of it never arrived)");
        else
            log_message(protocol::log_level::info, describe() + ": connection closed");
        get_batch().end_of_stream();
        keep = false;
    }

    // Keep the unfinished packet at the front, where the next read appends to it.
    if (pos > 0 && pos < d_filled)
        std::memmove(d_buffer.data(), base + pos, d_filled - pos);
    d_filled -= pos;
    d_offset += pos;
    return keep;
}

} // namespace recv
} // namespace spead
} // namespace gr
