/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_BENCH_CHUNK_UDP_H
#define INCLUDED_SPEAD_BENCH_CHUNK_UDP_H

#include <cstddef>
#include <cstdint>
#include <string>

namespace gr {
namespace spead {
namespace bench {

/// What `spead_bench chunk --udp PORT --only PATH` receives (the stream of
/// `spead_bench chunk`, sent by another process).
struct chunk_udp_setup {
    std::uint16_t port = 0;
    std::string path; ///< "heap" or "chunk"
    std::size_t heap_size = 0;
    std::size_t groups = 0;
    std::size_t chunk_spectra = 0;
    std::size_t max_chunks = 0;
    std::size_t ring_chunks = 0;
};

/**
 * Receives on 127.0.0.1:PORT through one path (heap: a ring_stream whose consumer pops
 * every heap; chunk: a chunk_ring_stream with the built-in timestamp placement), prints
 * "ready" once the socket is bound, runs until the stop heap or a line on standard
 * input, then prints one JSON line: the heaps taken (complete heaps of heap_size bytes,
 * or heaps present in chunks) and the process's CPU seconds. Returns the exit status.
 */
int run_chunk_udp(const chunk_udp_setup& setup);

} // namespace bench
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_BENCH_CHUNK_UDP_H */
