/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_RECV_MEMCPY_VARIANTS_H
#define INCLUDED_SPEAD_RECV_MEMCPY_VARIANTS_H

// Internal: the instruction-set variants behind memcpy_nontemporal, visible so that the
// tests can check each one, not only the one the test machine's CPU selects.

#include <cstddef>

namespace gr {
namespace spead {
namespace recv {
namespace detail {

#if defined(__x86_64__)
/// Whether the CPU (and the OS, which must save the YMM registers) supports AVX.
bool cpu_has_avx();

/// 16-byte non-temporal stores; SSE2 is part of the x86_64 baseline.
void* memcpy_nontemporal_sse2(void* dest, const void* src, std::size_t n);

/// 32-byte non-temporal stores. Call only when cpu_has_avx().
void* memcpy_nontemporal_avx(void* dest, const void* src, std::size_t n);

/// Copies of at least this many bytes go through memcpy_temporal_avx's own loop;
/// shorter ones to std::memcpy, which is as fast for them.
constexpr std::size_t TEMPORAL_AVX_MIN = 1024;

/**
 * An ordinary (cached) copy with 32-byte AVX loads and stores, four per iteration, the
 * stores aligned: for packet-sized copies (a few KiB, source and destination at
 * unrelated alignments) it ran faster than glibc's memcpy, which uses `rep movsb` from
 * 4 KiB on, on the development machine (see docs/benchmarks.md). Same contract as
 * memcpy.
 */
void* memcpy_temporal_avx(void* dest, const void* src, std::size_t n);

/// The standard copy: memcpy_temporal_avx when the CPU has AVX and \p avx_copy_env (the
/// value of GR_SPEAD_AVX_COPY, null when unset) is not "0"; std::memcpy otherwise.
void* (*select_standard(const char* avx_copy_env))(void*, const void*, std::size_t);
#endif

} // namespace detail
} // namespace recv
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_RECV_MEMCPY_VARIANTS_H */
