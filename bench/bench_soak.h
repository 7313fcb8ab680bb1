/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_APPS_BENCH_SOAK_H
#define INCLUDED_SPEAD_APPS_BENCH_SOAK_H

#include "process_memory.h"
#include "send_config.h"
#include <gnuradio/spead/recv/stream_stats.h>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>

namespace gr {
namespace spead {
namespace bench {

/// How `spead_bench soak` sets up the sender and the receiver.
struct soak_setup {
    double rate_gbps = 2;  ///< offered rate of packet bytes
    double duration = 600; ///< seconds of sending
    double interval = 10;  ///< seconds between reports
    double warmup = 10;    ///< seconds before the memory baseline
    std::size_t heap_size = std::size_t(1) << 20;
    std::size_t packet_size = 8972;
    std::size_t max_heaps = 4;                       ///< receiver window
    std::size_t ring_heaps = 8;                      ///< receiver ring capacity
    std::size_t buffer_size = std::size_t(64) << 20; ///< SO_RCVBUF asked for
    /// Ask with SO_RCVBUFFORCE first (CAP_NET_ADMIN), past net.core.rmem_max, so that
    /// a small system limit does not stand between the run and a loss-free verdict.
    bool force_buffer = false;
    double drop = 0;        ///< fraction of data packets the sender drops on purpose
    std::uint64_t seed = 1; ///< seeds the sender's drops
};

/// The receiver's state at one moment of the run.
struct soak_sample {
    double elapsed = 0;                 ///< seconds since the sender started
    std::uint64_t heaps_received = 0;   ///< complete data heaps popped
    std::uint64_t heaps_corrupt = 0;    ///< complete heaps whose contents were wrong
    std::uint64_t heaps_missing = 0;    ///< counters below the highest seen not received
    std::uint64_t heaps_incomplete = 0; ///< evicted or flushed unfinished
    std::uint64_t packets = 0;          ///< packets the stream saw
    std::uint64_t packets_rejected = 0;
    std::int64_t kernel_drops = -1;   ///< datagrams the socket buffer overflowed by
    std::uint64_t worker_blocked = 0; ///< times the reader waited on a full ring
    std::uint64_t payload_bytes = 0;  ///< of the complete heaps
    process_memory memory;            ///< this process's RSS and peak RSS
    std::size_t heap_memory = 0;      ///< bytes the pool holds from its allocator now
    std::size_t heap_memory_peak = 0; ///< the most it ever held
};

/// What the run did, and the sender's account of what it sent.
struct soak_result {
    soak_sample start;       ///< right after the receiver was set up, before any packet
    soak_sample warm;        ///< after setup.warmup seconds: the memory baseline
    soak_sample end;         ///< after the last heap (before the stream is torn down)
    bool warm_taken = false; ///< false when the run was shorter than the warm-up
    bool stop_heap_lost = false; ///< the receiver had to stop itself
    send::send_summary sent;
    std::size_t buffer_granted = 0;    ///< SO_RCVBUF the kernel granted
    bool buffer_forced = false;        ///< SO_RCVBUFFORCE was accepted
    std::size_t pool_buffers = 0;      ///< memory pool size (initial and max_free)
    std::size_t heap_memory_bound = 0; ///< bytes the pool may hold at most, by design
    recv::stream_stats stats;
};

/**
 * \brief Runs the soak: spead_send's code in a thread sends setup.duration seconds of
 * heaps at setup.rate_gbps to a udp_reader on 127.0.0.1 feeding a ring_stream with a
 * memory pool (whose underlying allocator counts the bytes it hands out); this thread
 * pops every heap, checks its timestamp and every payload byte against what spead_send
 * sends, and drops it. \p on_sample is called with the state at the start, every
 * setup.interval seconds and at the end. Setting \p cancel ends the sending early (the
 * stop heap still follows). \throws std::runtime_error when a socket cannot be set up.
 */
soak_result run_soak(const soak_setup& setup,
                     const std::function<void(const soak_sample&)>& on_sample,
                     const std::atomic<bool>& cancel);

} // namespace bench
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_APPS_BENCH_SOAK_H */
