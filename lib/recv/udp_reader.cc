/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "udp_datagram_batch.h"
#include <gnuradio/spead/protocol/log.h>
#include <gnuradio/spead/recv/socket_buffer.h>
#include <gnuradio/spead/recv/stream.h>
#include <gnuradio/spead/recv/udp_reader.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <sys/socket.h>
#include <boost/asio/execution/context.hpp>
#include <boost/asio/ip/multicast.hpp>
#include <boost/asio/query.hpp>
#include <boost/system/system_error.hpp>
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <sstream>
#include <stdexcept>

namespace gr {
namespace spead {
namespace recv {

namespace {

using boost::asio::ip::udp;

/// The largest UDP payload there is: a buffer one byte larger tells an oversize datagram.
constexpr std::size_t MAX_UDP_PAYLOAD = 65535;

std::string describe(const udp::endpoint& endpoint)
{
    std::ostringstream out;
    out << endpoint;
    return out.str();
}

boost::asio::io_context& io_context_of(stream& owner)
{
    return owner.get_thread_pool().get_io_context();
}

std::size_t checked_max_size(std::size_t max_size)
{
    if (max_size == 0)
        throw std::invalid_argument("udp_reader: max_size 0 is too small (at least 1)");
    return max_size;
}

/// False when environment variable \p name turns a feature off.
bool environment_allows(const char* name)
{
    const char* value = std::getenv(name);
    if (value == nullptr)
        return true;
    std::string v(value);
    std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) {
        return char(std::tolower(c));
    });
    return !(v == "0" || v == "off" || v == "false" || v == "no");
}

/// An open socket of \p endpoint's protocol with the receive buffer asked for (past
/// net.core.rmem_max when the process may, unless GR_SPEAD_UDP_FORCE_BUFFER is 0).
udp::socket open_socket(boost::asio::io_context& io,
                        const udp::endpoint& endpoint,
                        std::size_t buffer_size)
{
    udp::socket socket(io);
    boost::system::error_code ec;
    socket.open(endpoint.protocol(), ec);
    if (ec)
        throw boost::system::system_error(
            ec, "udp_reader: cannot open a socket for " + describe(endpoint));
    set_receive_buffer_size(
        socket.native_handle(),
        buffer_size,
        environment_allows(udp_reader::force_buffer_environment_variable));
    return socket;
}

void bind_socket(udp::socket& socket, const udp::endpoint& endpoint)
{
    boost::system::error_code ec;
    socket.bind(endpoint, ec);
    if (ec)
        throw boost::system::system_error(
            ec, "udp_reader: cannot bind to " + describe(endpoint));
}

/// Binds to a multicast group's address and port, shared with other receivers of the
/// group on this host.
void bind_group(udp::socket& socket, const udp::endpoint& endpoint)
{
    socket.set_option(boost::asio::socket_base::reuse_address(true));
    bind_socket(socket, endpoint);
}

void join(udp::socket& socket,
          const boost::asio::ip::multicast::join_group& option,
          const std::string& what)
{
    boost::system::error_code ec;
    socket.set_option(option, ec);
    if (ec)
        throw boost::system::system_error(ec, "udp_reader: cannot join " + what);
}

udp::socket make_unicast_socket(boost::asio::io_context& io,
                                const udp::endpoint& endpoint,
                                std::size_t buffer_size)
{
    udp::socket socket = open_socket(io, endpoint, buffer_size);
    if (endpoint.address().is_multicast()) {
        bind_group(socket, endpoint);
        join(socket,
             boost::asio::ip::multicast::join_group(endpoint.address()),
             "multicast group " + endpoint.address().to_string());
    } else {
        bind_socket(socket, endpoint);
    }
    return socket;
}

udp::socket make_multicast_v4_socket(boost::asio::io_context& io,
                                     const udp::endpoint& endpoint,
                                     std::size_t buffer_size,
                                     const boost::asio::ip::address& interface_address)
{
    const auto group = endpoint.address();
    if (!group.is_v4() || !group.is_multicast())
        throw std::invalid_argument("udp_reader: " + describe(endpoint) +
                                    " is not an IPv4 multicast group");
    const bool os_chooses = interface_address.is_unspecified();
    if (!os_chooses && !interface_address.is_v4())
        throw std::invalid_argument("udp_reader: interface address " +
                                    interface_address.to_string() +
                                    " is not an IPv4 address");
    udp::socket socket = open_socket(io, endpoint, buffer_size);
    bind_group(socket, endpoint);
    const auto interface_v4 =
        os_chooses ? boost::asio::ip::address_v4::any() : interface_address.to_v4();
    join(socket,
         boost::asio::ip::multicast::join_group(group.to_v4(), interface_v4),
         "multicast group " + group.to_string() + " on interface " +
             interface_v4.to_string());
    return socket;
}

udp::socket make_multicast_v6_socket(boost::asio::io_context& io,
                                     const udp::endpoint& endpoint,
                                     std::size_t buffer_size,
                                     unsigned int interface_index)
{
    const auto group = endpoint.address();
    if (!group.is_v6() || !group.is_multicast())
        throw std::invalid_argument("udp_reader: " + describe(endpoint) +
                                    " is not an IPv6 multicast group");
    udp::socket socket = open_socket(io, endpoint, buffer_size);
    bind_group(socket, endpoint);
    join(socket,
         boost::asio::ip::multicast::join_group(group.to_v6(), interface_index),
         "multicast group " + group.to_string() + " on interface index " +
             std::to_string(interface_index));
    return socket;
}

/// Turns UDP_GRO on or off; true when it ends up on.
bool set_gro(int fd, bool on)
{
#ifdef UDP_GRO
    const int value = on ? 1 : 0;
    // Off is set explicitly too: a socket from the caller may have had it on, and
    // coalesced datagrams without the control buffer could not be cut apart.
    return setsockopt(fd, SOL_UDP, UDP_GRO, &value, sizeof(value)) == 0 && on;
#else
    (void)fd;
    (void)on;
    return false;
#endif
}

} // namespace

udp_reader::udp_reader(stream& owner,
                       const udp::endpoint& endpoint,
                       std::size_t max_size,
                       std::size_t buffer_size)
    : udp_reader(owner,
                 checked_socket{
                     make_unicast_socket(io_context_of(owner), endpoint, buffer_size) },
                 checked_max_size(max_size))
{
}

udp_reader::udp_reader(stream& owner,
                       const udp::endpoint& endpoint,
                       std::size_t max_size,
                       std::size_t buffer_size,
                       const boost::asio::ip::address& interface_address)
    : udp_reader(owner,
                 checked_socket{ make_multicast_v4_socket(
                     io_context_of(owner), endpoint, buffer_size, interface_address) },
                 checked_max_size(max_size))
{
}

udp_reader::udp_reader(stream& owner,
                       const udp::endpoint& endpoint,
                       std::size_t max_size,
                       std::size_t buffer_size,
                       unsigned int interface_index)
    : udp_reader(owner,
                 checked_socket{ make_multicast_v6_socket(
                     io_context_of(owner), endpoint, buffer_size, interface_index) },
                 checked_max_size(max_size))
{
}

udp_reader::udp_reader(stream& owner, udp::socket&& socket, std::size_t max_size)
    : udp_reader(
          owner, check_socket(owner, std::move(socket)), checked_max_size(max_size))
{
}

udp_reader::checked_socket udp_reader::check_socket(stream& owner, udp::socket&& socket)
{
    if (!socket.is_open())
        throw std::invalid_argument("udp_reader: the socket is not open");
    const boost::asio::execution_context& context =
        boost::asio::query(socket.get_executor(), boost::asio::execution::context);
    if (&context != &io_context_of(owner))
        throw std::invalid_argument(
            "udp_reader: the socket belongs to another io_context than the stream's "
            "thread pool (make it on stream.get_thread_pool().get_io_context())");
    boost::system::error_code ec;
    const udp::endpoint local = socket.local_endpoint(ec);
    if (ec || local.port() == 0)
        throw std::invalid_argument(
            "udp_reader: the socket is not bound (bind it to an address and port first)");
    return checked_socket{ std::move(socket) };
}

udp_reader::udp_reader(stream& owner, checked_socket&& checked, std::size_t max_size)
    : strand_reader(owner), d_socket(std::move(checked.socket)), d_max_size(max_size)
{
    d_local_endpoint = d_socket.local_endpoint();
    const int fd = d_socket.native_handle();
    d_gro = set_gro(fd, environment_allows(gro_environment_variable));
    // With GRO a buffer takes a whole coalesced datagram (which may hold segments of
    // up to max_size each); without, one byte more than max_size tells oversize.
    const std::size_t buffer =
        d_gro ? gro_buffer_size : std::min(max_size, MAX_UDP_PAYLOAD) + 1;
    d_batch = std::make_unique<udp_datagram_batch>(
        d_gro ? gro_batch_datagrams : batch_datagrams, buffer, d_gro);
    d_gathered.resize(d_batch->capacity(), nullptr);
    d_arrived.resize(d_batch->capacity(), 0);
    d_in_place = environment_allows(in_place_environment_variable);
    d_sole_reactor_thread = owner.get_thread_pool().num_threads() == 1;
}

udp_reader::~udp_reader() = default;

void udp_reader::begin() { wait_readable(); }

void udp_reader::close()
{
    boost::system::error_code ec;
    d_socket.close(ec); // cancels the pending wait, whose handler then finishes us
}

void udp_reader::wait_readable()
{
    // A peek rather than async_wait(wait_read): Asio registers sockets edge-triggered
    // and tries a receive at once but not a wait, so a datagram that arrived while no
    // wait was pending would sit unnoticed until the next one came.
    d_socket.async_receive(boost::asio::buffer(&d_peek_byte, 1),
                           udp::socket::message_peek,
                           track([this](const boost::system::error_code& ec,
                                        std::size_t) { on_readable(ec); }));
}

void udp_reader::wait_after_receive()
{
    // This handler has just received. With one thread running the pool's reactor, no
    // readiness event can be taken by the reactor between that receive and this wait
    // being queued, so a plain wait cannot miss a datagram, and it saves the peek's
    // two system calls per wake-up (one tried at once, one when readable). With more
    // threads another may take the event meanwhile: those keep the peek.
    if (!d_sole_reactor_thread) {
        wait_readable();
        return;
    }
    d_socket.async_wait(
        udp::socket::wait_read,
        track([this](const boost::system::error_code& ec) { on_readable(ec); }));
}

void udp_reader::on_readable(const boost::system::error_code& ec)
{
    if (stop_requested())
        return;
    if (ec) {
        fail("UDP reader on " + describe(d_local_endpoint) +
             ": waiting for data failed: " + ec.message());
        return;
    }
    receive_batch();
}

void udp_reader::receive_batch()
{
    if (stop_requested())
        return;
    // With a heap to continue, the stream's lock is held from the plan to the end of
    // the batch: the kernel writes into that heap's memory, which nothing else may
    // change or hand out meanwhile. Without one, the lock is not held over the call.
    std::optional<stream_batch> batch;
    stream_batch::payload_target target;
    bool planned = false;
    std::size_t max_messages = d_batch->capacity();
    if (d_skip_plans > 0) {
        d_skip_plans--;
    } else if (d_in_place) {
        batch.emplace(get_stream());
        const std::size_t planned_messages =
            batch->next_payload_target(target) ? plan_in_place(target) : 0;
        planned = planned_messages > 0;
        if (planned) {
            // One more for what follows the planned packets (typically the heap's
            // shorter last packet); the heap after it is planned in a batch of its own.
            max_messages = std::min(planned_messages + 1, d_batch->capacity());
        } else {
            batch.reset();
            // A heap just ended: its successor's first packet alone, so that the
            // packets after it can be planned into it.
            if (d_had_plan)
                max_messages = 1;
        }
    }
    if (!planned)
        d_batch->clear_plan();
    d_had_plan = planned;
    const int received = d_batch->receive(d_socket.native_handle(), max_messages);
    if (received < 0) {
        batch.reset();
        const int error = -received;
        if (error == ENOMEM || error == ENOBUFS) {
            d_retry_log.log_lazy(protocol::log_level::warning, [&] {
                return "UDP reader on " + describe(d_local_endpoint) +
                       ": recvmmsg: " + std::strerror(error) + " (retrying)";
            });
            wait_readable();
            return;
        }
        fail("UDP reader on " + describe(d_local_endpoint) +
             ": recvmmsg failed: " + std::strerror(error));
        return;
    }
    if (received == 0) {
        batch.reset();
        wait_or_poll();
        return;
    }
    d_polling = false;
    if (!batch)
        batch.emplace(get_stream());
    const bool open = deliver(std::size_t(received), *batch, planned ? &target : nullptr);
    batch.reset();
    if (!open || stop_requested())
        return;
    if (std::size_t(received) == max_messages)
        post_tracked([this] { receive_batch(); }); // probably more waiting: no wait
    else
        wait_or_poll();
}

void udp_reader::wait_or_poll()
{
    const std::int64_t busy_poll_us = d_busy_poll_us.load(std::memory_order_relaxed);
    if (busy_poll_us > 0) {
        const auto now = std::chrono::steady_clock::now();
        if (!d_polling) {
            d_polling = true;
            d_idle_since = now;
        }
        // Through the strand rather than a loop here, so that stop() and the other
        // handlers of this thread still get their turn.
        if (now - d_idle_since < std::chrono::microseconds(busy_poll_us)) {
            post_tracked([this] { receive_batch(); });
            return;
        }
    }
    d_polling = false;
    wait_after_receive();
}

void udp_reader::set_busy_poll(std::chrono::microseconds duration)
{
    if (duration.count() < 0 || duration > max_busy_poll)
        throw std::invalid_argument(
            "udp_reader: busy_poll " + std::to_string(duration.count()) +
            " us is out of range [0, " + std::to_string(max_busy_poll.count()) + "] us");
    d_busy_poll_us.store(duration.count());
}

std::size_t udp_reader::plan_in_place(const stream_batch::payload_target& target)
{
    udp_datagram_batch::in_place_plan plan;
    plan.destination = target.destination;
    plan.header_size = target.header_size;
    plan.payload_size = target.payload_size;
    plan.packets = target.room / target.payload_size;
    plan.packets_per_datagram = d_gro ? d_segments_per_datagram : 1;
    if (d_probe)
        plan.packets = std::min(plan.packets, plan.packets_per_datagram);
    d_batch->plan_in_place(plan);
    std::size_t messages = 0;
    while (messages < d_batch->capacity() && d_batch->planned_packets(messages))
        messages++;
    return messages;
}

bool udp_reader::planned_packets_arrived(std::size_t index,
                                         const stream_batch::payload_target& target,
                                         std::size_t behind,
                                         std::size_t& arrived)
{
    const udp_datagram_batch::datagram d = d_batch->get(index);
    const std::size_t count = d_batch->planned_packets(index);
    const std::size_t packet_size = target.header_size + target.payload_size;
    const std::size_t step = d.segment_size ? d.segment_size : d.length;
    if (d.truncated || step != packet_size)
        return false;
    // Fewer segments than planned: only whole packets, else a shorter segment sits
    // where a whole one was planned.
    arrived = std::min(count, d.length / packet_size);
    if (arrived < count && d.length % packet_size != 0)
        return false;
    const std::size_t first = d_batch->first_planned(index);
    if (d_planned_views.size() < first + count)
        d_planned_views.resize(first + count);
    for (std::size_t j = 0; j < arrived; j++) {
        protocol::packet_view& v =
            d_planned_views[first + j]; // fed from here if all hold
        if (decode_split_packet(d_batch->planned_header(index, j),
                                target.header_size,
                                d_batch->planned_payload(index, j),
                                target.payload_size,
                                v) != protocol::packet_status::ok ||
            v.heap_cnt != target.heap_cnt ||
            v.payload_offset !=
                target.payload_offset + (first - behind + j) * target.payload_size)
            return false;
    }
    if (behind > 0) {
        // Back to their place, in order: each lands before its own planned slot and
        // every later message's, so nothing still to be read is overwritten.
        for (std::size_t j = 0; j < arrived; j++) {
            protocol::packet_view& v = d_planned_views[first + j];
            std::uint8_t* place =
                target.destination + (first - behind + j) * target.payload_size;
            std::memmove(place, v.payload, target.payload_size);
            v.payload = place;
        }
    }
    return true;
}

bool udp_reader::deliver(std::size_t received,
                         stream_batch& batch,
                         const stream_batch::payload_target* target)
{
    // First, with a plan: the leading messages whose planned packets all are what was
    // predicted are fed in place. Each later planned message is gathered into a block
    // of its own before anything is fed, since feeding may write where the plan put
    // its bytes, or hand that heap out. A message whose bytes go on past its planned
    // packets ends the in-place run too (what follows may evict the heap); one with
    // fewer does not, and the messages after it are checked a few packets back.
    std::size_t in_place_messages = 0;
    bool in_place_run = target != nullptr;
    std::size_t behind = 0; // planned packets that did not come (in shorter messages)
    for (std::size_t i = 0; i < received && d_batch->planned_packets(i); i++) {
        std::size_t arrived = 0;
        if (in_place_run && planned_packets_arrived(i, *target, behind, arrived)) {
            in_place_messages = i + 1;
            d_gathered[i] = nullptr;
            d_arrived[i] = arrived;
            const std::size_t planned = d_batch->planned_packets(i);
            behind += planned - arrived;
            in_place_run = d_batch->get(i).length ==
                           arrived * (target->header_size + target->payload_size);
        } else {
            in_place_run = false;
            d_gathered[i] = d_batch->gather(i);
            d_gathered_messages++;
        }
    }

    std::uint64_t coalesced = 0;
    std::uint64_t in_place = 0;
    std::size_t most_segments = 1;
    bool open = true;
    for (std::size_t i = 0; i < received && open; i++) {
        const udp_datagram_batch::datagram d = d_batch->get(i);
        if (d.segment_size) {
            coalesced++;
            most_segments =
                std::max(most_segments, (d.length + d.segment_size - 1) / d.segment_size);
        }
        const std::size_t planned = d_batch->planned_packets(i);
        if (planned == 0) {
            open = feed(d.data, d.length, d.segment_size, d.truncated, batch);
        } else if (i >= in_place_messages) {
            open = feed(d_gathered[i], d.length, d.segment_size, d.truncated, batch);
        } else {
            const std::size_t first = d_batch->first_planned(i);
            for (std::size_t j = 0; j < d_arrived[i] && open; j++) {
                open = batch.add_decoded_packet(d_planned_views[first + j]);
                in_place++;
            }
            const std::size_t planned_bytes =
                planned * (target->header_size + target->payload_size);
            if (open && d.length > planned_bytes)
                open = feed(
                    d.data, d.length - planned_bytes, d.segment_size, d.truncated, batch);
        }
    }
    d_coalesced += coalesced;
    d_in_place_packets += in_place;
    if (target != nullptr && d_batch->planned_packets(0)) {
        // A plan that fails costs a copy of each message it covered. So after a
        // failure the next plan is a probe of one message; and when even the first
        // message failed (interleaved heaps, say), plans wait twice as many batches as
        // after the last such failure (up to max_plan_backoff). A plan that held
        // entirely starts afresh.
        std::size_t planned_messages = 0;
        while (planned_messages < received && d_batch->planned_packets(planned_messages))
            planned_messages++;
        if (in_place_messages == 0) {
            d_plan_backoff =
                std::min(std::max<std::size_t>(1, 2 * d_plan_backoff), max_plan_backoff);
            d_skip_plans = d_plan_backoff;
            d_probe = true;
        } else if (in_place_messages < planned_messages) {
            d_probe = true;
        } else {
            d_plan_backoff = 0;
            d_probe = false;
        }
    }
    if (d_gro) {
        d_segments_in_window = std::max(d_segments_in_window, most_segments);
        d_segments_per_datagram = std::max(d_segments_per_datagram, most_segments);
        if (++d_window_batches == segment_window_batches) {
            // Forget bursts older than a window, so that a stream whose datagrams
            // became single packets plans full batches of them again.
            d_segments_per_datagram = d_segments_in_window;
            d_segments_in_window = 1;
            d_window_batches = 0;
        }
    }
    return open;
}

bool udp_reader::feed(const std::uint8_t* data,
                      std::size_t length,
                      std::size_t segment_size,
                      bool truncated,
                      stream_batch& batch)
{
    // Each GRO segment is one datagram as sent; only the last may be shorter.
    const std::size_t step = segment_size ? segment_size : length;
    std::size_t offset = 0;
    do {
        const std::size_t piece = std::min(step, length - offset);
        const bool cut_short = truncated && offset + piece == length;
        if (piece > d_max_size || cut_short) {
            batch.reject_packet(reject_stat_indices::packets_rejected_oversize);
        } else if (!batch.add_packet(data + offset, piece)) {
            return false;
        }
        offset += piece;
    } while (offset < length);
    return true;
}

void udp_reader::fail(const std::string& message)
{
    log_message(protocol::log_level::error, message);
    stream_batch batch(get_stream());
    batch.end_of_stream();
}

} // namespace recv
} // namespace spead
} // namespace gr
