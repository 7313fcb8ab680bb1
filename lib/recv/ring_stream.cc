/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "ringbuffer.h"
#include <gnuradio/spead/recv/ring_stream.h>

namespace gr {
namespace spead {
namespace recv {

ring_stream::ring_stream(thread_pool& pool,
                         const stream_config& config,
                         const ring_stream_config& ring_config)
    : stream(pool, config),
      d_ring_config(ring_config),
      d_ring(std::make_unique<ringbuffer<heap>>(ring_config.get_heaps(),
                                                ring_config.get_max_spin()))
{
}

ring_stream::~ring_stream() { stop(); }

heap ring_stream::pop() { return d_ring->pop(); }

heap ring_stream::try_pop() { return d_ring->try_pop(); }

std::optional<heap> ring_stream::pop_if_ready() { return d_ring->pop_if_ready(); }

std::optional<heap> ring_stream::pop_for(std::chrono::steady_clock::duration timeout)
{
    return d_ring->pop_for(timeout);
}

void ring_stream::stop() { stream::stop(); }

std::size_t ring_stream::ring_size() const { return d_ring->size(); }

std::size_t ring_stream::ring_capacity() const { return d_ring->capacity(); }

std::chrono::nanoseconds ring_stream::ring_max_spin() const { return d_ring->max_spin(); }

int ring_stream::get_fd() const { return d_ring->fd(); }

void ring_stream::heap_ready(heap&& h, stream_batch& batch)
{
    namespace idx = stream_stat_indices;
    if (!h.is_complete() && d_ring_config.get_contiguous_only()) {
        batch.add_reject_stat(reject_stat_indices::heaps_dropped_incomplete, 1);
        return;
    }
    try {
        if (!d_ring->try_push(std::move(h))) {
            // Counted before waiting, so that the statistic shows a worker blocked now.
            add_stat_now(idx::worker_blocked, 1);
            d_ring->push(std::move(h));
        }
    } catch (const ringbuffer_stopped&) {
        batch.add_reject_stat(reject_stat_indices::heaps_dropped_ring_stopped, 1);
    }
}

bool ring_stream::keep_payload_ranges() const
{
    return d_ring_config.get_incomplete_keep_payload_ranges();
}

void ring_stream::stop_received() { d_ring->stop(); }

void ring_stream::stop_requested() { d_ring->stop(); }

} // namespace recv
} // namespace spead
} // namespace gr
