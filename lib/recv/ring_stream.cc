/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <gnuradio/spead/recv/ring_stream.h>

namespace gr {
namespace spead {

ring_stream::ring_stream(thread_pool& pool,
                         const stream_config& config,
                         const ring_stream_config& ring_config)
    : stream(pool, config),
      d_ring_config(ring_config),
      d_ring(ring_config.get_heaps(), ring_config.get_max_spin())
{
}

ring_stream::~ring_stream() { stop(); }

heap ring_stream::pop() { return d_ring.pop(); }

heap ring_stream::try_pop() { return d_ring.try_pop(); }

std::optional<heap> ring_stream::pop_for(std::chrono::steady_clock::duration timeout)
{
    return d_ring.pop_for(timeout);
}

void ring_stream::stop() { stream::stop(); }

void ring_stream::heap_ready(heap&& h, stream_batch& batch)
{
    namespace idx = stream_stat_indices;
    if (!h.is_complete() && d_ring_config.get_contiguous_only()) {
        batch.add_reject_stat(reject_stat_indices::heaps_dropped_incomplete, 1);
        return;
    }
    bool blocked = false;
    try {
        d_ring.push(std::move(h), &blocked);
    } catch (const ringbuffer_stopped&) {
        batch.add_reject_stat(reject_stat_indices::heaps_dropped_ring_stopped, 1);
    }
    // Also when the wait ended because the ring stopped: the worker did wait.
    if (blocked)
        batch.add_stat(idx::worker_blocked, 1);
}

bool ring_stream::keep_payload_ranges() const
{
    return d_ring_config.get_incomplete_keep_payload_ranges();
}

void ring_stream::stop_received() { d_ring.stop(); }

void ring_stream::stop_requested() { d_ring.stop(); }

} // namespace spead
} // namespace gr
