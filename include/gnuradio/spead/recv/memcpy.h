/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_RECV_MEMCPY_H
#define INCLUDED_SPEAD_RECV_MEMCPY_H

#include <cstddef>
#include <string>

namespace gr {
namespace spead {
namespace recv {

/// Which copy moves packet payload into heap memory (spead2's MEMCPY_STD and
/// MEMCPY_NONTEMPORAL).
enum class memcpy_function {
    /// Ordinary (cached) stores. std::memcpy, except that on CPUs with AVX copies of
    /// 1 KiB or more go through the library's own AVX loop, which keeps the stores
    /// aligned whatever the payload's alignment (docs/performance-tuning.md); the
    /// environment variable GR_SPEAD_AVX_COPY=0, read once, keeps std::memcpy for
    /// everything.
    standard = 0,
    /// Non-temporal (streaming) stores that bypass the cache: faster when heaps are large
    /// and consumed later by another core. AVX or SSE2 chosen at run time, with a plain
    /// copy for what the CPU lacks.
    nontemporal = 1,
};

using memcpy_function_ptr = void* (*)(void* dest, const void* src, std::size_t n);

/// The copy function for \p which (resolved once; cheap to call per packet).
memcpy_function_ptr get_memcpy(memcpy_function which);

/// What get_memcpy(\p which) does on this CPU and with this environment, in words (for
/// reports: "glibc memcpy", "AVX loop from 1024 bytes, glibc memcpy below", ...).
std::string describe_memcpy(memcpy_function which);

/// Copies with non-temporal stores where the CPU has them; same contract as memcpy.
void* memcpy_nontemporal(void* dest, const void* src, std::size_t n);

} // namespace recv
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_RECV_MEMCPY_H */
