/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <gnuradio/spead/recv/chunk_ring_stream.h>
#include <cstring>
#include <stdexcept>

namespace gr {
namespace spead {
namespace recv {

chunk_ring_pair::chunk_ring_pair(std::shared_ptr<chunk_ringbuffer> data_ring,
                                 std::shared_ptr<chunk_ringbuffer> free_ring)
    : d_data_ring(std::move(data_ring)), d_free_ring(std::move(free_ring))
{
    if (!d_data_ring)
        throw std::invalid_argument("data_ringbuffer must not be null");
    if (!d_free_ring)
        throw std::invalid_argument("free_ringbuffer must not be null");
}

chunk_ring_pair::~chunk_ring_pair() = default;

void chunk_ring_pair::add_free_chunk(std::unique_ptr<chunk>&& c)
{
    if (!c)
        throw std::invalid_argument("add_free_chunk: null chunk");
    if (c->present && c->present_size)
        std::memset(c->present.get(), 0, c->present_size);
    try {
        d_free_ring->try_push(std::move(c));
    } catch (const ringbuffer_stopped&) {
        // Shutting down: the chunk is not needed.
    }
}

chunk_allocate_function chunk_ring_pair::make_allocate()
{
    chunk_ringbuffer& ring = *d_free_ring;
    return [&ring](std::int64_t, std::uint64_t*) -> std::unique_ptr<chunk> {
        try {
            return ring.pop();
        } catch (const ringbuffer_stopped&) {
            return nullptr; // stopping: this chunk is skipped
        }
    };
}

chunk_ready_function chunk_ring_pair::make_ready(chunk_ready_function first)
{
    return [this, first](std::unique_ptr<chunk>&& c, std::uint64_t* batch_stats) {
        if (first)
            first(std::move(c), batch_stats);
        try {
            d_data_ring->push(std::move(c));
        } catch (const ringbuffer_stopped&) {
            // Not destroyed here: this may be a reader's thread, and the chunk's owner
            // may need another (Python's chunks need its lock).
            std::lock_guard<std::mutex> lock(d_refused_mutex);
            d_refused.push_back(std::move(c));
        }
    };
}

void chunk_ring_pair::release_refused_chunks()
{
    std::vector<std::unique_ptr<chunk>> refused;
    {
        std::lock_guard<std::mutex> lock(d_refused_mutex);
        refused.swap(d_refused);
    }
}

chunk_ring_stream::chunk_ring_stream(thread_pool& pool,
                                     const stream_config& config,
                                     const chunk_stream_config& chunk_config,
                                     std::shared_ptr<chunk_ringbuffer> data_ring,
                                     std::shared_ptr<chunk_ringbuffer> free_ring)
    : chunk_ring_pair(std::move(data_ring), std::move(free_ring)),
      chunk_stream(pool, config, with_rings(chunk_config))
{
    d_data_ring->add_producer();
}

chunk_ring_stream::~chunk_ring_stream() { stop(); }

void chunk_ring_stream::stop_requested()
{
    // Before the stream takes its lock: a worker waiting for a free chunk, or for room
    // on the data ring, wakes up.
    d_free_ring->stop();
    d_data_ring->stop();
}

void chunk_ring_stream::stop_received()
{
    chunk_stream::stop_received();
    d_data_ring->remove_producer();
}

void chunk_ring_stream::stop()
{
    chunk_stream::stop();
    release_refused_chunks();
}

} // namespace recv
} // namespace spead
} // namespace gr
