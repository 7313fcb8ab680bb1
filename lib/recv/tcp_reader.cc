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

namespace {

using boost::asio::ip::tcp;

std::size_t checked_max_size(std::size_t max_size)
{
    // The buffer holds two packets of max_size (a partial one and a full read).
    if (max_size < PACKET_HEADER_SIZE ||
        max_size > std::numeric_limits<std::size_t>::max() / 2)
        throw std::invalid_argument("TCP reader max_size " + std::to_string(max_size) +
                                    " is outside [" + std::to_string(PACKET_HEADER_SIZE) +
                                    ", SIZE_MAX / 2]");
    return max_size;
}

std::string to_string(const tcp::endpoint& endpoint)
{
    std::ostringstream out;
    out << endpoint;
    return out.str();
}

/// A bad header: the bytes are not the start of a SPEAD packet, so nothing says where
/// the next one begins.
bool is_header_fault(packet_status status)
{
    return status == packet_status::bad_magic || status == packet_status::bad_version ||
           status == packet_status::bad_widths;
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
            log_message(log_level::warning,
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
        log_message(log_level::error,
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
    log_message(log_level::info,
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
    // Processing leaves at most one partial packet (< max_size bytes) at the front, so
    // at least max_size bytes are free here.
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
        log_message(log_level::error,
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
    auto end_stream = [&](log_level level, const std::string& why) {
        log_message(level,
                    describe() + ": " + why + " at byte " +
                        std::to_string(d_offset + pos) +
                        " of the connection; ending the stream");
        get_batch().end_of_stream();
        keep = false;
    };

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
        packet_status status;
        std::size_t size = packet_size_needed(data, available, status);
        if (status == packet_status::ok && size == 0) {
            // Header or item pointers still incomplete. Pointers that alone exceed
            // max_size can never be buffered, so the packet's end cannot be found.
            if (available >= PACKET_HEADER_SIZE) {
                const std::size_t n = (std::size_t(data[6]) << 8) | data[7];
                if (PACKET_HEADER_SIZE + n * ITEM_POINTER_SIZE > d_max_size) {
                    get_batch().reject_packet(
                        reject_stat_indices::packets_rejected_oversize);
                    end_stream(log_level::warning,
                               "a packet with " + std::to_string(n) +
                                   " item pointers exceeds max_size " +
                                   std::to_string(d_max_size));
                }
            }
            break;
        }
        if (status != packet_status::ok) {
            // Malformed. When the pointers still state a length it can be stepped over
            // once whole (the stream counts it then); otherwise the stream is lost.
            size = is_header_fault(status) ? 0 : declared_packet_size(data, available);
            if (size == 0) {
                get_batch().reject_packet(reject_stat_indices::for_status(status));
                end_stream(log_level::warning,
                           std::string("malformed packet (") + to_string(status) +
                               ") whose end cannot be found");
                break;
            }
        }
        if (size > d_max_size) {
            get_batch().reject_packet(reject_stat_indices::packets_rejected_oversize);
            d_oversize_log.log_lazy(log_level::warning, [&] {
                return describe() + ": discarding a packet of " + std::to_string(size) +
                       " bytes (max_size " + std::to_string(d_max_size) + ")";
            });
            d_skip = size;
            continue;
        }
        if (size > available)
            break; // wait for the rest of the packet
        std::size_t consumed = 0;
        keep = get_batch().add_packet(data, size, packet_framing::stream, &consumed);
        pos += size;
    }

    if (keep && connection_closed) {
        const std::size_t unfinished = d_filled - pos;
        if (unfinished > 0)
            log_message(log_level::warning,
                        describe() + ": connection closed inside a packet (" +
                            std::to_string(unfinished) + " bytes of it dropped)");
        else if (d_skip > 0)
            log_message(log_level::warning,
                        describe() + ": connection closed inside an oversize packet (" +
                            std::to_string(d_skip) + " bytes of it never arrived)");
        else
            log_message(log_level::info, describe() + ": connection closed");
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

} // namespace spead
} // namespace gr
