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
namespace detail {

#if defined(__x86_64__)
/// Whether the CPU (and the OS, which must save the YMM registers) supports AVX.
bool cpu_has_avx();

/// 16-byte non-temporal stores; SSE2 is part of the x86_64 baseline.
void* memcpy_nontemporal_sse2(void* dest, const void* src, std::size_t n);

/// 32-byte non-temporal stores. Call only when cpu_has_avx().
void* memcpy_nontemporal_avx(void* dest, const void* src, std::size_t n);
#endif

} // namespace detail
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_RECV_MEMCPY_VARIANTS_H */
