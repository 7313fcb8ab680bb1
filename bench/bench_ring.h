/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_APPS_BENCH_RING_H
#define INCLUDED_SPEAD_APPS_BENCH_RING_H

namespace gr {
namespace spead {
namespace bench {

/// `spead_bench ring ...`: parses argv[2...], runs, prints; returns the exit status.
int run_ring_command(int argc, char** argv);

} // namespace bench
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_APPS_BENCH_RING_H */
