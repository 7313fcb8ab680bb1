/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_APPS_BENCH_SOAK_CLI_H
#define INCLUDED_SPEAD_APPS_BENCH_SOAK_CLI_H

namespace gr {
namespace spead {
namespace bench {

/// `spead_bench soak ...`: parses argv[2...], runs, prints the verdict; returns the exit
/// status (0: pass, 1: fail or error, 2: bad command line).
int run_soak_command(int argc, char** argv);

} // namespace bench
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_APPS_BENCH_SOAK_CLI_H */
