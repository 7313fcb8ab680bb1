/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <gnuradio/spead/recv/chunk_stream_ring_group.h>

namespace gr {
namespace spead {
namespace recv {

chunk_stream_ring_group::chunk_stream_ring_group(
    const chunk_stream_group_config& config,
    std::shared_ptr<chunk_ringbuffer> data_ring,
    std::shared_ptr<chunk_ringbuffer> free_ring)
    : chunk_ring_pair(std::move(data_ring), std::move(free_ring)),
      chunk_stream_group(with_rings(config))
{
}

chunk_stream_ring_group::~chunk_stream_ring_group() { stop(); }

void chunk_stream_ring_group::stream_added(chunk_stream_group_member&)
{
    d_data_ring->add_producer();
}

void chunk_stream_ring_group::stream_stop_received(chunk_stream_group_member&)
{
    d_data_ring->remove_producer();
}

void chunk_stream_ring_group::stop()
{
    // First the rings: a member waiting for a free chunk, or for room on the data ring,
    // wakes up, and nothing waits for a consumer that may be gone.
    d_data_ring->stop();
    d_free_ring->stop();
    chunk_stream_group::stop();
    release_refused_chunks();
}

} // namespace recv
} // namespace spead
} // namespace gr
