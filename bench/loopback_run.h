/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_BENCH_LOOPBACK_RUN_H
#define INCLUDED_SPEAD_BENCH_LOOPBACK_RUN_H

// What `spead_bench udp` and `spead_bench soak` share: spead_send's code sends over
// loopback to a ring_stream whose consumer pops until the stop heap ends the stream.

#include "forced_receive_buffer.h"
#include "send_config.h"
#include <gnuradio/spead/recv/ring_stream.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>

namespace gr {
namespace spead {
namespace bench {

/**
 * \brief The receiving socket: bound to an ephemeral port of 127.0.0.1 with the receive
 * buffer asked for, plus a second descriptor that keeps the socket (and its drop counter
 * in /proc/net/udp) alive after the reader closes its own at the end of the stream.
 */
class loopback_socket
{
public:
    loopback_socket(boost::asio::io_context& io,
                    std::size_t buffer_size,
                    bool force_buffer);
    ~loopback_socket();
    loopback_socket(const loopback_socket&) = delete;
    loopback_socket& operator=(const loopback_socket&) = delete;

    int port() const { return d_port; }
    const receive_buffer_grant& grant() const { return d_grant; }
    /// Datagrams the kernel dropped because the buffer was full (-1: unknown).
    std::int64_t kernel_drops() const;
    /// The socket itself, for the udp_reader (once).
    boost::asio::ip::udp::socket take() { return std::move(d_socket); }

private:
    boost::asio::ip::udp::socket d_socket;
    receive_buffer_grant d_grant;
    int d_port = 0;
    int d_keep_fd = -1;
};

/// spead_send's settings for \p port on loopback: data heaps only (no descriptor heap,
/// so counters 2, 3, ...), then a stop heap.
send::send_config loopback_send_config(int port,
                                       std::size_t heap_size,
                                       std::size_t packet_size,
                                       double duration,
                                       double rate_gbps);

/// How long the consumer waits, once the sender is done, for the stop heap before it
/// concludes that the stop heap was lost and stops the stream itself.
constexpr std::chrono::milliseconds STOP_GRACE{ 500 };

/**
 * \brief Pops heaps from \p stream until it stops, handing each to \p on_heap, and calls
 * \p on_tick with the time after every heap or 50 ms without one. Once \p sender_done
 * and no heap has come for STOP_GRACE, stops the stream and returns true: the stop heap
 * was lost.
 */
template <typename OnHeap, typename OnTick>
bool pop_until_stopped(recv::ring_stream& stream,
                       const std::atomic<bool>& sender_done,
                       OnHeap&& on_heap,
                       OnTick&& on_tick)
{
    using clock_type = std::chrono::steady_clock;
    bool stop_heap_lost = false;
    auto last_heap = clock_type::now();
    for (;;) {
        std::optional<recv::heap> h;
        try {
            h = stream.pop_for(std::chrono::milliseconds(50));
        } catch (const recv::ringbuffer_stopped&) {
            return stop_heap_lost;
        }
        const auto now = clock_type::now();
        if (h) {
            on_heap(*h);
            h.reset(); // the buffer goes back to the pool now
            last_heap = now;
        } else if (sender_done && now - last_heap > STOP_GRACE) {
            stop_heap_lost = true;
            stream.stop();
        }
        on_tick(now);
    }
}

} // namespace bench
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_BENCH_LOOPBACK_RUN_H */
