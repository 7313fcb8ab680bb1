/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_APPS_BENCH_CHUNK_H
#define INCLUDED_SPEAD_APPS_BENCH_CHUNK_H

namespace gr {
namespace spead {
namespace bench {

/// `spead_bench chunk ...`: parses argv[2...], runs, prints; returns the exit status.
int run_chunk_command(int argc, char** argv);

} // namespace bench
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_APPS_BENCH_CHUNK_H */
