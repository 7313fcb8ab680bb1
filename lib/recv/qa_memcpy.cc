/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "memcpy_variants.h"
#include <gnuradio/spead/recv/memcpy.h>
#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

using namespace gr::spead::recv;

namespace {

constexpr std::size_t MAX_MISALIGNMENT = 63;
constexpr std::size_t MAX_SMALL_LENGTH = 300;
/// Filled in the destination around the copy; the source pattern never contains it.
constexpr std::uint8_t GUARD = 0xff;

/// A source pattern without GUARD bytes (values 0..250) and without short periods.
std::vector<std::uint8_t> source_pattern(std::size_t size)
{
    std::vector<std::uint8_t> data(size);
    for (std::size_t i = 0; i < size; i++)
        data[i] = std::uint8_t((i * 131 + i / 251 + 7) % 251);
    return data;
}

/// 64-byte aligned scratch space, so that offset k is misaligned by exactly k.
class aligned_buffer
{
public:
    explicit aligned_buffer(std::size_t size) : d_storage(size + 64)
    {
        const auto address = reinterpret_cast<std::uintptr_t>(d_storage.data());
        d_data = d_storage.data() + ((64 - address % 64) % 64);
    }
    std::uint8_t* data() { return d_data; }

private:
    std::vector<std::uint8_t> d_storage;
    std::uint8_t* d_data;
};

std::string describe(const char* problem,
                     std::size_t n,
                     std::size_t src_offset,
                     std::size_t dst_offset)
{
    return std::string(problem) + " (n=" + std::to_string(n) +
           ", src misalignment=" + std::to_string(src_offset) +
           ", dst misalignment=" + std::to_string(dst_offset) + ")";
}

/**
 * Copies \p n bytes from source offset \p src_offset to destination offset
 * \p dst_offset and describes the first thing wrong, or returns "": the return value,
 * the copied bytes (compared with the source), and the guard bytes on both sides that
 * must be untouched.
 */
class copy_checker
{
public:
    explicit copy_checker(std::size_t max_length)
        : d_span(MAX_MISALIGNMENT + max_length + 64),
          d_source(d_span),
          d_destination(d_span),
          d_guards(d_span, GUARD)
    {
        const auto pattern = source_pattern(d_span);
        std::memcpy(d_source.data(), pattern.data(), d_span);
    }

    std::string check(memcpy_function_ptr copy,
                      std::size_t n,
                      std::size_t src_offset,
                      std::size_t dst_offset)
    {
        std::uint8_t* dst = d_destination.data();
        const std::uint8_t* src = d_source.data();
        std::memset(dst, GUARD, d_span);
        void* result = copy(dst + dst_offset, src + src_offset, n);
        const std::size_t end = dst_offset + n;
        const char* problem = nullptr;
        if (result != dst + dst_offset)
            problem = "wrong return value";
        else if (std::memcmp(dst + dst_offset, src + src_offset, n) != 0)
            problem = "copied bytes differ";
        else if (std::memcmp(dst, d_guards.data(), dst_offset) != 0)
            problem = "wrote before the destination";
        else if (std::memcmp(dst + end, d_guards.data(), d_span - end) != 0)
            problem = "wrote past the destination";
        return problem ? describe(problem, n, src_offset, dst_offset) : "";
    }

private:
    const std::size_t d_span;
    aligned_buffer d_source;
    aligned_buffer d_destination;
    const std::vector<std::uint8_t> d_guards;
};

/**
 * Every length 0..300 at every source and destination misalignment 0..63. For each pair
 * of misalignments, all the lengths are copied into slots of one region and checked
 * afterwards: reading back what non-temporal stores wrote misses the cache, and a
 * sequential sweep over the region lets the prefetcher hide that (one copy and check at
 * a time made this test take seconds).
 */
void check_all_small_copies(memcpy_function_ptr copy)
{
    // A multiple of 64 (so every slot starts equally aligned) with room for the largest
    // misalignment, the longest copy and a trailing guard.
    constexpr std::size_t slot = 448;
    static_assert(slot % 64 == 0 && slot > MAX_MISALIGNMENT + MAX_SMALL_LENGTH,
                  "slot too small");
    constexpr std::size_t lengths = MAX_SMALL_LENGTH + 1;
    aligned_buffer source(slot);
    const auto pattern = source_pattern(slot);
    std::memcpy(source.data(), pattern.data(), slot);
    aligned_buffer destination(lengths * slot);
    const std::vector<std::uint8_t> guards(slot, GUARD);

    for (std::size_t src = 0; src <= MAX_MISALIGNMENT; src++)
        for (std::size_t dst = 0; dst <= MAX_MISALIGNMENT; dst++) {
            std::memset(destination.data(), GUARD, lengths * slot);
            for (std::size_t n = 0; n < lengths; n++) {
                std::uint8_t* target = destination.data() + n * slot + dst;
                if (copy(target, source.data() + src, n) != target)
                    CPPUNIT_FAIL(describe("wrong return value", n, src, dst));
            }
            for (std::size_t n = 0; n < lengths; n++) {
                const std::uint8_t* base = destination.data() + n * slot;
                if (std::memcmp(base + dst, source.data() + src, n) != 0)
                    CPPUNIT_FAIL(describe("copied bytes differ", n, src, dst));
                if (std::memcmp(base, guards.data(), dst) != 0)
                    CPPUNIT_FAIL(describe("wrote before the destination", n, src, dst));
                if (std::memcmp(base + dst + n, guards.data(), slot - dst - n) != 0)
                    CPPUNIT_FAIL(describe("wrote past the destination", n, src, dst));
            }
        }
}

/// Sizes where the streaming loops run for many iterations, with awkward remainders.
void check_large_copies(memcpy_function_ptr copy)
{
    const std::size_t lengths[] = {
        4096, 65536 + 5, (std::size_t(1) << 20) + 13, (std::size_t(4) << 20) - 1
    };
    const std::size_t offsets[][2] = { { 0, 0 }, { 1, 3 }, { 17, 33 }, { 63, 1 } };
    copy_checker checker(std::size_t(4) << 20);
    for (std::size_t n : lengths)
        for (const auto& offset : offsets) {
            const std::string problem = checker.check(copy, n, offset[0], offset[1]);
            CPPUNIT_ASSERT_MESSAGE(problem, problem.empty());
        }
}

} // namespace

class qa_memcpy : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(qa_memcpy);
    CPPUNIT_TEST(test_nontemporal_small_copies);
    CPPUNIT_TEST(test_nontemporal_large_copies);
    CPPUNIT_TEST(test_sse2_path_small_copies);
    CPPUNIT_TEST(test_sse2_path_large_copies);
    CPPUNIT_TEST(test_avx_path_small_copies);
    CPPUNIT_TEST(test_avx_path_large_copies);
    CPPUNIT_TEST(test_temporal_avx_copies_around_the_threshold);
    CPPUNIT_TEST(test_temporal_avx_large_copies);
    CPPUNIT_TEST(test_standard_selection);
    CPPUNIT_TEST(test_get_memcpy);
    CPPUNIT_TEST(test_describe_memcpy);
    CPPUNIT_TEST(test_get_memcpy_unknown);
    CPPUNIT_TEST_SUITE_END();

public:
    // memcpy_nontemporal is one of the variants below (the AVX one on a machine with
    // AVX), so the public entry point gets the exhaustive sweep only where the machine
    // has no variant tested here (non-x86).
    void test_nontemporal_small_copies()
    {
#if !defined(__x86_64__)
        check_all_small_copies(memcpy_nontemporal);
#else
        copy_checker checker(MAX_SMALL_LENGTH);
        for (std::size_t n : { 0, 1, 15, 16, 17, 31, 32, 33, 64, 127, 128, 129, 300 })
            for (std::size_t offset : { 0, 1, 7, 16, 31, 32, 63 }) {
                const std::string problem =
                    checker.check(memcpy_nontemporal, n, offset, 63 - offset);
                CPPUNIT_ASSERT_MESSAGE(problem, problem.empty());
            }
#endif
    }

    void test_nontemporal_large_copies() { check_large_copies(memcpy_nontemporal); }

    void test_sse2_path_small_copies()
    {
#if defined(__x86_64__)
        check_all_small_copies(detail::memcpy_nontemporal_sse2);
#endif
    }

    void test_sse2_path_large_copies()
    {
#if defined(__x86_64__)
        check_large_copies(detail::memcpy_nontemporal_sse2);
#endif
    }

    void test_avx_path_small_copies()
    {
#if defined(__x86_64__)
        if (detail::cpu_has_avx())
            check_all_small_copies(detail::memcpy_nontemporal_avx);
#endif
    }

    void test_avx_path_large_copies()
    {
#if defined(__x86_64__)
        if (detail::cpu_has_avx())
            check_large_copies(detail::memcpy_nontemporal_avx);
#endif
    }

    void test_temporal_avx_copies_around_the_threshold()
    {
#if defined(__x86_64__)
        if (!detail::cpu_has_avx())
            return;
        // Every misalignment of source and destination, for lengths from just below the
        // threshold (the std::memcpy path) through several loop iterations and every
        // remainder after the loop.
        constexpr std::size_t first = detail::TEMPORAL_AVX_MIN - 2;
        constexpr std::size_t last = detail::TEMPORAL_AVX_MIN + 3 * 128 + 64;
        copy_checker checker(last);
        for (std::size_t src = 0; src <= MAX_MISALIGNMENT; src++)
            for (std::size_t dst = 0; dst <= MAX_MISALIGNMENT; dst++)
                for (std::size_t n = first; n <= last; n += (n % 7 == 0 ? 1 : 3)) {
                    const std::string problem =
                        checker.check(detail::memcpy_temporal_avx, n, src, dst);
                    if (!problem.empty())
                        CPPUNIT_FAIL(problem);
                }
#endif
    }

    void test_temporal_avx_large_copies()
    {
#if defined(__x86_64__)
        if (detail::cpu_has_avx())
            check_large_copies(detail::memcpy_temporal_avx);
#endif
    }

    void test_standard_selection()
    {
#if defined(__x86_64__)
        const memcpy_function_ptr avx_or_libc = detail::select_standard(nullptr);
        CPPUNIT_ASSERT((avx_or_libc == detail::memcpy_temporal_avx) ==
                       detail::cpu_has_avx());
        CPPUNIT_ASSERT(detail::select_standard("1") == avx_or_libc);
        // "0" turns the AVX loop off: whatever comes back is not it, and copies.
        const memcpy_function_ptr libc = detail::select_standard("0");
        CPPUNIT_ASSERT(libc != detail::memcpy_temporal_avx);
        copy_checker checker(4096);
        const std::string problem = checker.check(libc, 4096, 3, 5);
        CPPUNIT_ASSERT_MESSAGE(problem, problem.empty());
#endif
    }

    void test_get_memcpy()
    {
        const memcpy_function_ptr standard = get_memcpy(memcpy_function::standard);
        const memcpy_function_ptr nontemporal = get_memcpy(memcpy_function::nontemporal);
        CPPUNIT_ASSERT(standard != nullptr);
        CPPUNIT_ASSERT(nontemporal != nullptr);
        // Resolved once: asking again gives the same function.
        CPPUNIT_ASSERT(nontemporal == get_memcpy(memcpy_function::nontemporal));
#if defined(__x86_64__)
        CPPUNIT_ASSERT(nontemporal == (detail::cpu_has_avx()
                                           ? detail::memcpy_nontemporal_avx
                                           : detail::memcpy_nontemporal_sse2));
#endif
        copy_checker checker(MAX_SMALL_LENGTH);
        for (auto copy : { standard, nontemporal }) {
            const std::string problem = checker.check(copy, 300, 5, 9);
            CPPUNIT_ASSERT_MESSAGE(problem, problem.empty());
        }
    }

    void test_describe_memcpy()
    {
        // The description names the routine get_memcpy actually returns.
        const std::string standard = describe_memcpy(memcpy_function::standard);
        const std::string nontemporal = describe_memcpy(memcpy_function::nontemporal);
#if defined(__x86_64__)
        const bool avx_loop =
            get_memcpy(memcpy_function::standard) == detail::memcpy_temporal_avx;
        CPPUNIT_ASSERT_EQUAL(avx_loop, standard.find("AVX loop") != std::string::npos);
        CPPUNIT_ASSERT_EQUAL(std::string(detail::cpu_has_avx() ? "AVX streaming stores"
                                                               : "SSE2 streaming stores"),
                             nontemporal);
#endif
        CPPUNIT_ASSERT(standard.find("glibc memcpy") != std::string::npos);
    }

    void test_get_memcpy_unknown()
    {
        try {
            get_memcpy(static_cast<memcpy_function>(7));
            CPPUNIT_FAIL("get_memcpy accepted memcpy_function 7");
        } catch (const std::invalid_argument& e) {
            CPPUNIT_ASSERT(std::string(e.what()).find('7') != std::string::npos);
        }
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(qa_memcpy);
