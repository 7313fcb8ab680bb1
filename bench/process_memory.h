/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_APPS_PROCESS_MEMORY_H
#define INCLUDED_SPEAD_APPS_PROCESS_MEMORY_H

#include <cstdint>

namespace gr {
namespace spead {
namespace bench {

/// This process's resident memory as the kernel reports it, in bytes (-1: unknown).
struct process_memory {
    std::int64_t rss = -1;      ///< VmRSS: resident now
    std::int64_t peak_rss = -1; ///< VmHWM: the largest VmRSS so far
};

/// Reads VmRSS and VmHWM from /proc/self/status.
process_memory read_process_memory();

} // namespace bench
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_APPS_PROCESS_MEMORY_H */
