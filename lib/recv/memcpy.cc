/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "memcpy_variants.h"
#include <gnuradio/spead/recv/memcpy.h>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace gr {
namespace spead {
namespace recv {

#if defined(__x86_64__)
namespace detail {

namespace {

/// Streaming stores are issued in whole lines of this size (x86's cache line).
constexpr std::size_t CACHE_LINE = 64;

/// Bytes from \p p to the next multiple of \p alignment (a power of two).
std::size_t bytes_to_alignment(const void* p, std::size_t alignment)
{
    return std::size_t(-reinterpret_cast<std::uintptr_t>(p)) & (alignment - 1);
}

} // namespace

bool cpu_has_avx()
{
    // __builtin_cpu_init is needed when this runs before the runtime's own constructors
    // (e.g. from a static initialiser); libgcc reports AVX only when the OS enabled it.
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx");
}

// Both variants stream whole cache lines only: they plain-copy the bytes up to the first
// 64-byte aligned destination address, stream every complete line (the source may stay
// unaligned), plain-copy the remainder, then fence. A line written only in part by
// streaming stores is flushed as a partial write, which costs far more than a cached
// copy; whole lines go out as single transfers with no read of the old contents. The
// fence is needed because streaming stores are weakly ordered and whoever reads the heap
// next (another thread) must see them.

void* memcpy_nontemporal_sse2(void* dest, const void* src, std::size_t n)
{
    auto* d = static_cast<std::uint8_t*>(dest);
    auto* s = static_cast<const std::uint8_t*>(src);
    const std::size_t head = bytes_to_alignment(d, CACHE_LINE);
    if (n < head + CACHE_LINE) {
        if (n > 0) // memcpy's pointers must be valid even for n == 0
            std::memcpy(d, s, n);
        return dest;
    }
    std::memcpy(d, s, head);
    d += head;
    s += head;
    n -= head;
    for (; n >= CACHE_LINE; n -= CACHE_LINE, d += CACHE_LINE, s += CACHE_LINE) {
        const auto* from = reinterpret_cast<const __m128i*>(s);
        auto* to = reinterpret_cast<__m128i*>(d);
        const __m128i a = _mm_loadu_si128(from);
        const __m128i b = _mm_loadu_si128(from + 1);
        const __m128i c = _mm_loadu_si128(from + 2);
        const __m128i e = _mm_loadu_si128(from + 3);
        _mm_stream_si128(to, a);
        _mm_stream_si128(to + 1, b);
        _mm_stream_si128(to + 2, c);
        _mm_stream_si128(to + 3, e);
    }
    if (n > 0)
        std::memcpy(d, s, n);
    _mm_sfence();
    return dest;
}

__attribute__((target("avx"))) void*
memcpy_nontemporal_avx(void* dest, const void* src, std::size_t n)
{
    auto* d = static_cast<std::uint8_t*>(dest);
    auto* s = static_cast<const std::uint8_t*>(src);
    const std::size_t head = bytes_to_alignment(d, CACHE_LINE);
    if (n < head + CACHE_LINE) {
        if (n > 0)
            std::memcpy(d, s, n);
        return dest;
    }
    std::memcpy(d, s, head);
    d += head;
    s += head;
    n -= head;
    for (; n >= CACHE_LINE; n -= CACHE_LINE, d += CACHE_LINE, s += CACHE_LINE) {
        const auto* from = reinterpret_cast<const __m256i*>(s);
        auto* to = reinterpret_cast<__m256i*>(d);
        const __m256i a = _mm256_loadu_si256(from);
        const __m256i b = _mm256_loadu_si256(from + 1);
        _mm256_stream_si256(to, a);
        _mm256_stream_si256(to + 1, b);
    }
    if (n > 0)
        std::memcpy(d, s, n);
    _mm_sfence();
    return dest;
}

__attribute__((target("avx"))) void*
memcpy_temporal_avx(void* dest, const void* src, std::size_t n)
{
    if (n < TEMPORAL_AVX_MIN)
        return std::memcpy(dest, src, n);
    constexpr std::size_t BLOCK = 4 * sizeof(__m256i);
    auto* d = static_cast<std::uint8_t*>(dest);
    auto* s = static_cast<const std::uint8_t*>(src);
    // Aligned stores: a store that straddles two lines costs two; loads may straddle.
    const std::size_t head = bytes_to_alignment(d, CACHE_LINE);
    std::memcpy(d, s, head);
    d += head;
    s += head;
    n -= head;
    for (; n >= BLOCK; n -= BLOCK, d += BLOCK, s += BLOCK) {
        const auto* from = reinterpret_cast<const __m256i*>(s);
        auto* to = reinterpret_cast<__m256i*>(d);
        const __m256i a = _mm256_loadu_si256(from);
        const __m256i b = _mm256_loadu_si256(from + 1);
        const __m256i c = _mm256_loadu_si256(from + 2);
        const __m256i e = _mm256_loadu_si256(from + 3);
        _mm256_store_si256(to, a);
        _mm256_store_si256(to + 1, b);
        _mm256_store_si256(to + 2, c);
        _mm256_store_si256(to + 3, e);
    }
    if (n > 0)
        std::memcpy(d, s, n);
    return dest;
}

} // namespace detail
#endif

namespace {

void* memcpy_libc(void* dest, const void* src, std::size_t n)
{
    return std::memcpy(dest, src, n);
}

} // namespace

#if defined(__x86_64__)
memcpy_function_ptr detail::select_standard(const char* avx_copy_env)
{
    const bool disabled = avx_copy_env && std::string(avx_copy_env) == "0";
    return !disabled && cpu_has_avx() ? memcpy_temporal_avx : memcpy_libc;
}
#endif

namespace {

memcpy_function_ptr resolved_standard()
{
#if defined(__x86_64__)
    static const memcpy_function_ptr resolved =
        detail::select_standard(std::getenv("GR_SPEAD_AVX_COPY"));
    return resolved;
#else
    return memcpy_libc;
#endif
}

memcpy_function_ptr select_nontemporal()
{
#if defined(__x86_64__)
    return detail::cpu_has_avx() ? detail::memcpy_nontemporal_avx
                                 : detail::memcpy_nontemporal_sse2;
#else
    // No streaming stores we know how to issue portably: a plain copy is correct.
    return memcpy_libc;
#endif
}

memcpy_function_ptr resolved_nontemporal()
{
    static const memcpy_function_ptr resolved = select_nontemporal();
    return resolved;
}

} // namespace

void* memcpy_nontemporal(void* dest, const void* src, std::size_t n)
{
    return resolved_nontemporal()(dest, src, n);
}

memcpy_function_ptr get_memcpy(memcpy_function which)
{
    switch (which) {
    case memcpy_function::standard:
        return resolved_standard();
    case memcpy_function::nontemporal:
        return resolved_nontemporal();
    }
    throw std::invalid_argument("get_memcpy: unknown memcpy_function " +
                                std::to_string(static_cast<int>(which)));
}

std::string describe_memcpy(memcpy_function which)
{
    const memcpy_function_ptr copy = get_memcpy(which);
#if defined(__x86_64__)
    if (copy == detail::memcpy_temporal_avx)
        return "AVX loop from " + std::to_string(detail::TEMPORAL_AVX_MIN) +
               " bytes, glibc memcpy below";
    if (copy == detail::memcpy_nontemporal_avx)
        return "AVX streaming stores";
    if (copy == detail::memcpy_nontemporal_sse2)
        return "SSE2 streaming stores";
#endif
    if (which == memcpy_function::nontemporal)
        return "glibc memcpy (no streaming stores on this CPU)";
    return "glibc memcpy";
}

} // namespace recv
} // namespace spead
} // namespace gr
