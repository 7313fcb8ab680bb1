/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_APPS_BENCH_MEASURE_H
#define INCLUDED_SPEAD_APPS_BENCH_MEASURE_H

#include "bench_workload.h"
#include <gnuradio/spead/recv/memcpy.h>
#include <gnuradio/spead/recv/stream_stats.h>
#include <cstddef>
#include <cstdint>
#include <stdexcept>

namespace gr {
namespace spead {
namespace bench {

/// The engine lost, rejected or garbled something: the benchmark's figures are void.
class bench_failure : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

/// How the receive stream under test is set up.
struct engine_setup {
    std::size_t max_heaps = 4;     ///< live heaps in the window (spead2's default)
    std::size_t ring_heaps = 8;    ///< capacity of the ring to the consumer
    std::size_t max_spin_us = 200; ///< the ring's longest spin (set_max_spin)
    /// Diagnostic: the timed passes use a stream that drops each heap on the worker
    /// thread instead of a ring_stream and its consumer, which isolates what handing
    /// heaps to another thread costs. The checking pass always uses the ring.
    bool drop_on_worker = false;
};

/// Totals of the timed passes of one scenario through the engine.
struct engine_result {
    std::size_t passes = 0;
    double seconds = 0;
    /// CPU time the whole process used meanwhile (worker, consumer, pool refills): on
    /// an idle machine it shows how busy the two threads were; far below seconds on a
    /// loaded one, when they waited for a CPU.
    double cpu_seconds = 0;
    /// CPU time of the worker thread alone (where packets are decoded and copied) and of
    /// the consumer thread alone: rates per CPU-second of the worker hold up when other
    /// processes take CPU time from the benchmark.
    double worker_cpu_seconds = 0;
    double consumer_cpu_seconds = 0;
    std::uint64_t heaps = 0;         ///< heaps the consumer popped
    std::uint64_t packets = 0;       ///< packets fed (buffer packets x passes)
    std::uint64_t payload_bytes = 0; ///< heap payload delivered
    recv::stream_stats stats;        ///< the streams' statistics, summed over passes
    std::size_t pool_buffers = 0;    ///< buffers the memory pool keeps
};

/// Totals of the plain-copy baseline.
struct copy_result {
    std::size_t passes = 0;
    double seconds = 0;
    double cpu_seconds = 0; ///< CPU time of the copying thread
    std::uint64_t payload_bytes = 0;
};

/**
 * \brief Pushes \p w through fresh ring_streams (one per pass: a memory reader ends its
 * stream at the end of the buffer) on one worker thread, with a memory pool sized for
 * the heaps, while this thread pops and drops the heaps. A first, untimed pass checks
 * every heap's counter, items and payload bytes; then passes repeat for about
 * \p seconds. \throws bench_failure when a pass delivers fewer or other heaps than the
 * buffer holds, or the stream rejects, evicts, flushes or drops anything.
 */
engine_result measure_engine(const scenario& s,
                             const workload& w,
                             const engine_setup& setup,
                             double seconds);

/// Heap buffers the engine's memory pool keeps for \p setup (the window, the ring and a
/// few in flight): the memory the engine's copies write to, in turn.
std::size_t pool_buffer_count(const engine_setup& setup);

/**
 * \brief The baseline: copies each packet's payload from the buffer to its place in a
 * heap-sized destination with \p copy, for about \p seconds (at least one pass, after
 * one untimed pass that faults the destinations in). With \p destinations > 1, each heap
 * goes to the next of that many heap-sized destinations in turn (the footprint of the
 * engine's pool); with 1, every heap lands in the same one, which stays in cache.
 */
copy_result measure_copy(const workload& w,
                         recv::memcpy_function_ptr copy,
                         double seconds,
                         std::size_t destinations = 1);

/// Adds \p more (another measurement of the same scenario) to \p total.
void add_engine_result(engine_result& total, const engine_result& more);

/// Payload gigabits per second.
double gbps(std::uint64_t bytes, double seconds);

} // namespace bench
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_APPS_BENCH_MEASURE_H */
