/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_BENCH_CHUNK_UDP_H
#define INCLUDED_SPEAD_BENCH_CHUNK_UDP_H

#include "chunk_bench_streams.h"
#include <cstdint>
#include <string>

namespace gr {
namespace spead {
namespace bench {

/**
 * Receives on 127.0.0.1:\p port through \p path ("heap": the heap path, whose consumer
 * pops every heap; "chunk": the chunk path) of \p shape (chunk_bench_streams.h), prints
 * "ready" once the socket is bound, runs until the stop heap or a line on standard
 * input, then prints one JSON line: the heaps taken (complete heaps of heap_size bytes,
 * or heaps present in chunks) and the process's CPU seconds. Returns the exit status.
 */
int run_chunk_udp(std::uint16_t port,
                  const std::string& path,
                  const chunk_stream_shape& shape);

} // namespace bench
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_BENCH_CHUNK_UDP_H */
