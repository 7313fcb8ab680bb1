/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_BENCH_CPU_USE_H
#define INCLUDED_SPEAD_BENCH_CPU_USE_H

#include <gnuradio/spead/recv/thread_pool.h>

namespace gr {
namespace spead {
namespace bench {

/// CPU time used so far by every thread of the process, in seconds.
double process_cpu_seconds();

/// CPU time used so far by the calling thread, in seconds.
double thread_cpu_seconds();

/// CPU time used so far by the one thread of \p workers, read on that thread (the pool
/// does not expose its threads; with one thread, a posted handler runs on it).
double worker_cpu_seconds(recv::thread_pool& workers);

/// The 1-minute load average, or -1 when /proc does not tell.
double load_average();

} // namespace bench
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_BENCH_CPU_USE_H */
