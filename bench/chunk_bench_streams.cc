/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "chunk_bench_streams.h"
#include <gnuradio/spead/recv/chunk_placement.h>
#include <gnuradio/spead/recv/memory_pool.h>

namespace gr {
namespace spead {
namespace bench {

std::unique_ptr<recv::ring_stream> make_heap_path(recv::thread_pool& workers,
                                                  const chunk_stream_shape& shape)
{
    recv::stream_config config;
    config.set_memory_allocator(std::make_shared<recv::memory_pool>(
        shape.heap_size / 2, shape.heap_size, 16, 16));
    recv::ring_stream_config ring;
    ring.set_heaps(8);
    return std::make_unique<recv::ring_stream>(workers, config, ring);
}

chunk_path make_chunk_path(recv::thread_pool& workers, const chunk_stream_shape& shape)
{
    recv::timestamp_placement placement(
        CHUNK_TIMESTAMP_ID, shape.groups, shape.chunk_spectra, shape.heap_size);
    placement.set_index(CHUNK_FREQUENCY_ID, shape.heap_size / 2, shape.groups);
    recv::chunk_stream_config chunk_config;
    chunk_config.set_max_chunks(shape.max_chunks);
    placement.apply(chunk_config);
    const std::size_t chunks = shape.max_chunks + shape.ring_chunks;
    chunk_path path;
    path.data_ring = std::make_shared<recv::chunk_ringbuffer>(chunks);
    path.stream = std::make_unique<recv::chunk_ring_stream>(
        workers,
        recv::stream_config(),
        chunk_config,
        path.data_ring,
        std::make_shared<recv::chunk_ringbuffer>(chunks));
    for (std::size_t i = 0; i < chunks; i++)
        path.stream->add_free_chunk(placement.make_chunk());
    path.heaps_per_chunk = placement.chunk_heaps();
    return path;
}

} // namespace bench
} // namespace spead
} // namespace gr
