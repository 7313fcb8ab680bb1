/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_APPS_BENCH_UDP_H
#define INCLUDED_SPEAD_APPS_BENCH_UDP_H

#include <gnuradio/spead/recv/stream_stats.h>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace gr {
namespace spead {
namespace bench {

/// How `spead_bench udp` sets up the sender and the receiver.
struct udp_setup {
    std::size_t heap_size = std::size_t(1) << 20;
    std::size_t packet_size = 8972;
    double duration = 2;           ///< seconds the sender sends per trial
    std::size_t repeats = 1;       ///< trials per rate (figures are medians)
    std::size_t senders = 1;       ///< interleaved senders (receiver substreams)
    std::size_t max_heaps = 4;     ///< receiver window per substream
    std::size_t ring_heaps = 8;    ///< receiver ring capacity
    std::size_t max_spin_us = 200; ///< the ring's longest spin (set_max_spin)
    std::size_t busy_poll_us = 0;  ///< the reader's busy poll (udp_reader::set_busy_poll)
    std::size_t buffer_size = std::size_t(64) << 20; ///< SO_RCVBUF asked for
    /// Ask with SO_RCVBUFFORCE, past net.core.rmem_max (root or CAP_NET_ADMIN only).
    bool force_buffer = false;
    bool gso = false; ///< the sender uses UDP_SEGMENT sends (spead_send --gso)
    /// CPU the sender thread is pinned to, and CPU of the receive worker and the
    /// consumer (-1: not pinned, the scheduler places them). Sharing a CPU with the
    /// sender starves the consumer and the ring fills; see default_cpu_pair().
    int sender_cpu = -1;
    int receiver_cpu = -1;
};

/// CPUs for {sender, receiver}: the first CPU this process may run on, and the next
/// one on another physical core (or simply the next one when all share a core);
/// {-1, -1} when the process may run on fewer than two CPUs.
std::pair<int, int> default_cpu_pair();

/// One trial: the sender in a thread sends for setup.duration at a rate while the
/// receiver's consumer pops and drops heaps.
struct udp_trial {
    double offered_gbps = 0;  ///< asked of the sender (0: unlimited)
    double sent_gbps = 0;     ///< packet bytes the sender achieved
    double received_gbps = 0; ///< payload of complete heaps received, per second sent
    double packets_per_s = 0; ///< packets the stream saw, per second sent
    double seconds = 0;       ///< the sender's time
    /// CPU time of the receive worker thread (recvmmsg, decoding, heap assembly), of
    /// the consumer thread and of the sender thread during the trial: with the wall
    /// time, how busy each was (a thread far from 1 CPU-second per second that still
    /// loses packets is held up by latency, not by its work).
    double worker_cpu_seconds = 0;
    double consumer_cpu_seconds = 0;
    double sender_cpu_seconds = 0;
    double wall_seconds = 0; ///< from the sender's start to the receiver's end
    std::uint64_t heaps_sent = 0;
    std::uint64_t heaps_received = 0;   ///< complete data heaps popped
    std::uint64_t heaps_incomplete = 0; ///< evicted or flushed unfinished
    std::uint64_t heaps_lost = 0;       ///< sent but not received complete
    std::uint64_t packets_sent = 0;
    std::uint64_t packets_received = 0; ///< the stream's packets statistic
    /// Packets whose payload the kernel wrote straight into their heap, and messages
    /// that did not fit the reader's plan (udp_reader::get_in_place_packets and
    /// get_gathered_messages).
    std::uint64_t packets_in_place = 0;
    std::uint64_t messages_gathered = 0;
    bool stop_heap_lost = false; ///< the receiver had to be stopped by hand
    /// Datagrams the kernel dropped because the socket's receive buffer was full (the
    /// reader did not read fast enough), from /proc/net/udp; -1 when unknown.
    std::int64_t kernel_drops = -1;
    recv::stream_stats stats;

    double loss_percent() const
    {
        return heaps_sent ? 100.0 * double(heaps_lost) / double(heaps_sent) : 0;
    }
};

/// Receive buffer the kernel granted to the benchmark's socket (the last trial's).
struct udp_socket_info {
    std::size_t requested = 0;
    std::size_t granted = 0;
    bool forced = false; ///< granted past net.core.rmem_max (SO_RCVBUFFORCE)
};

/**
 * \brief Runs one trial on loopback at \p rate_gbps (0: as fast as the sender can).
 * Receiver: a ring_stream with a memory pool and a udp_reader on 127.0.0.1 on a
 * one-thread pool; the calling thread is the consumer. Sender: spead_send's code in a
 * thread of its own. \throws std::runtime_error when a socket cannot be set up.
 */
udp_trial run_udp_trial(const udp_setup& setup, double rate_gbps, udp_socket_info& info);

/// Trials at one rate, repeated; the median trial by received_gbps is the figure.
struct udp_point {
    double offered_gbps = 0;
    std::vector<udp_trial> trials;
    const udp_trial& median() const;
    bool lossless() const; ///< no heap lost in any repeat
};

udp_point run_udp_point(const udp_setup& setup, double rate_gbps, udp_socket_info& info);

/// The search for the highest lossless rate.
struct udp_search {
    std::vector<udp_point> points; ///< in the order they were run
    double best_lossless_gbps = 0; ///< highest offered rate with no loss (0: none)
    bool sender_bound = false;     ///< even an unlimited sender lost nothing
};

/**
 * \brief Finds the highest offered rate at which no heap is lost: one unlimited trial
 * gives the sender's ceiling; if it lost nothing, that is the answer (the sender is the
 * limit); otherwise \p steps bisections between 0 and the ceiling's sent rate.
 */
udp_search
search_lossless(const udp_setup& setup, std::size_t steps, udp_socket_info& info);

} // namespace bench
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_APPS_BENCH_UDP_H */
