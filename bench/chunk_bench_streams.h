/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_BENCH_CHUNK_BENCH_STREAMS_H
#define INCLUDED_SPEAD_BENCH_CHUNK_BENCH_STREAMS_H

// The two receivers `spead_bench chunk` compares, set up the same way whether they read
// from memory or from UDP: the heap path (a ring_stream) and the chunk path (a
// chunk_ring_stream with the built-in timestamp placement).

#include <gnuradio/spead/recv/chunk_ring_stream.h>
#include <gnuradio/spead/recv/ring_stream.h>
#include <gnuradio/spead/recv/thread_pool.h>
#include <cstddef>
#include <cstdint>
#include <memory>

namespace gr {
namespace spead {
namespace bench {

constexpr std::uint64_t CHUNK_TIMESTAMP_ID = 0x1600, CHUNK_FREQUENCY_ID = 0x4103,
                        CHUNK_DATA_ID = 0x4300;

/// The F-engine-like stream's shape and the chunk path's sizes.
struct chunk_stream_shape {
    std::size_t heap_size = 4096;
    std::size_t groups = 4;         ///< channel ranges (heaps) per time step
    std::size_t chunk_spectra = 32; ///< time steps per chunk
    std::size_t max_chunks = 2;
    std::size_t ring_chunks = 4;
};

/// The heap path: one worker, a memory pool of 16 buffers and a ring of 8 heaps.
std::unique_ptr<recv::ring_stream> make_heap_path(recv::thread_pool& workers,
                                                  const chunk_stream_shape& shape);

/// The chunk path, its free chunks already given to it.
struct chunk_path {
    std::shared_ptr<recv::chunk_ringbuffer> data_ring; ///< filled chunks come out here
    std::unique_ptr<recv::chunk_ring_stream> stream;
    std::size_t heaps_per_chunk = 0;
};

chunk_path make_chunk_path(recv::thread_pool& workers, const chunk_stream_shape& shape);

} // namespace bench
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_BENCH_CHUNK_BENCH_STREAMS_H */
