/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "qa_log_recorder.h"
#include <gnuradio/spead/recv/memory_allocator.h>
#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>
#include <sys/mman.h>
#include <unistd.h>
#include <cerrno>
#include <cstdint>
#include <limits>
#include <new>
#include <stdexcept>
#include <vector>

using namespace gr::spead::protocol;
using namespace gr::spead::recv;

namespace {

constexpr std::size_t HUGE_REQUEST = std::numeric_limits<std::size_t>::max() / 2;

std::uintptr_t address(const void* p) { return reinterpret_cast<std::uintptr_t>(p); }

std::size_t page_size() { return std::size_t(sysconf(_SC_PAGESIZE)); }

/// Writes a pattern over all \p size bytes and reads it back.
bool writable(std::uint8_t* p, std::size_t size)
{
    for (std::size_t i = 0; i < size; i++)
        p[i] = std::uint8_t(i * 7 + 3);
    for (std::size_t i = 0; i < size; i++)
        if (p[i] != std::uint8_t(i * 7 + 3))
            return false;
    return true;
}

/// Whether [p, p + size) is mapped in this process (mincore fails with ENOMEM if not).
bool is_mapped(const void* p, std::size_t size)
{
    const std::size_t page = page_size();
    std::vector<unsigned char> residency((size + page - 1) / page);
    void* start = reinterpret_cast<void*>(address(p) & ~(page - 1));
    return mincore(start, size, residency.data()) == 0 || errno != ENOMEM;
}

/// Records the user pointers its free() receives, to check that make_pointer carries
/// them through the deleter.
class recording_allocator : public memory_allocator
{
public:
    pointer allocate(std::size_t size, void* /*hint*/ = nullptr) override
    {
        return make_pointer(new std::uint8_t[size], reinterpret_cast<void*>(size + 1000));
    }
    std::vector<void*> freed_users;

protected:
    void free(std::uint8_t* ptr, void* user) override
    {
        freed_users.push_back(user);
        delete[] ptr;
    }
};

// The sanitizers' allocators abort on an impossible request instead of throwing (unless
// allocator_may_return_null is set).
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool SANITIZER_ALLOCATOR = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
constexpr bool SANITIZER_ALLOCATOR = true;
#else
constexpr bool SANITIZER_ALLOCATOR = false;
#endif
#else
constexpr bool SANITIZER_ALLOCATOR = false;
#endif

} // namespace

class qa_memory_allocator : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(qa_memory_allocator);
    CPPUNIT_TEST(test_default_gives_writable_memory);
    CPPUNIT_TEST(test_default_zero_bytes);
    CPPUNIT_TEST(test_default_failure_is_bad_alloc);
    CPPUNIT_TEST(test_deleter_keeps_allocator_alive);
    CPPUNIT_TEST(test_make_pointer_carries_user);
    CPPUNIT_TEST(test_allocator_not_owned_by_shared_ptr);
    CPPUNIT_TEST(test_mmap_page_aligned_zeroed_writable);
    CPPUNIT_TEST(test_mmap_free_unmaps);
    CPPUNIT_TEST(test_mmap_zero_bytes);
    CPPUNIT_TEST(test_mmap_flags_kept_and_used);
    CPPUNIT_TEST(test_mmap_prefer_huge_falls_back_silently);
    CPPUNIT_TEST(test_mmap_failure_is_bad_alloc);
    CPPUNIT_TEST_SUITE_END();

public:
    void test_default_gives_writable_memory()
    {
        auto allocator = std::make_shared<memory_allocator>();
        for (std::size_t size : { 1, 100, 4096, 100000 }) {
            auto p = allocator->allocate(size);
            CPPUNIT_ASSERT(p);
            CPPUNIT_ASSERT(writable(p.get(), size));
            CPPUNIT_ASSERT(p.get_deleter().get_allocator() == allocator);
        }
    }

    void test_default_zero_bytes()
    {
        auto allocator = std::make_shared<memory_allocator>();
        auto p = allocator->allocate(0);
        CPPUNIT_ASSERT(p); // new[0] gives a unique non-null pointer
    }

    void test_default_failure_is_bad_alloc()
    {
        // Checked in builds without a sanitizer only (see SANITIZER_ALLOCATOR).
        if (SANITIZER_ALLOCATOR)
            return;
        auto allocator = std::make_shared<memory_allocator>();
        CPPUNIT_ASSERT_THROW(allocator->allocate(HUGE_REQUEST), std::bad_alloc);
    }

    void test_deleter_keeps_allocator_alive()
    {
        auto allocator = std::make_shared<memory_allocator>();
        std::weak_ptr<memory_allocator> weak = allocator;
        auto p = allocator->allocate(64);
        allocator.reset();
        CPPUNIT_ASSERT(!weak.expired());
        p.reset();
        CPPUNIT_ASSERT(weak.expired());
    }

    void test_make_pointer_carries_user()
    {
        auto allocator = std::make_shared<recording_allocator>();
        auto p = allocator->allocate(24);
        CPPUNIT_ASSERT(p.get_deleter().get_user() == reinterpret_cast<void*>(1024));
        p.reset();
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), allocator->freed_users.size());
        CPPUNIT_ASSERT(allocator->freed_users[0] == reinterpret_cast<void*>(1024));
    }

    void test_allocator_not_owned_by_shared_ptr()
    {
        // The deleter needs a shared_ptr to the allocator. Without one, allocate throws
        // (and, as the sanitizer build checks, gives the memory back first).
        memory_allocator on_stack;
        CPPUNIT_ASSERT_THROW(on_stack.allocate(16), std::logic_error);
        recording_allocator recording;
        CPPUNIT_ASSERT_THROW(recording.allocate(16), std::logic_error);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), recording.freed_users.size());
    }

    void test_mmap_page_aligned_zeroed_writable()
    {
        auto allocator = std::make_shared<mmap_allocator>();
        for (std::size_t size : { 1, 4095, 4096, 100000 }) {
            auto p = allocator->allocate(size);
            CPPUNIT_ASSERT_EQUAL(std::uintptr_t(0), address(p.get()) % page_size());
            // Anonymous mappings start zero-filled.
            bool zero = true;
            for (std::size_t i = 0; i < size; i++)
                zero = zero && p[i] == 0;
            CPPUNIT_ASSERT(zero);
            CPPUNIT_ASSERT(writable(p.get(), size));
        }
    }

    void test_mmap_free_unmaps()
    {
        auto allocator = std::make_shared<mmap_allocator>();
        const std::size_t size = 5 * page_size() + 17;
        auto p = allocator->allocate(size);
        const void* where = p.get();
        CPPUNIT_ASSERT(is_mapped(where, size));
        p.reset();
        CPPUNIT_ASSERT(!is_mapped(where, size));
    }

    void test_mmap_zero_bytes()
    {
        auto allocator = std::make_shared<mmap_allocator>();
        auto p = allocator->allocate(0);
        CPPUNIT_ASSERT(p);
        CPPUNIT_ASSERT_EQUAL(std::uintptr_t(0), address(p.get()) % page_size());
    }

    void test_mmap_flags_kept_and_used()
    {
        auto plain = std::make_shared<mmap_allocator>();
        CPPUNIT_ASSERT_EQUAL(0, plain->get_flags());
        CPPUNIT_ASSERT(!plain->get_prefer_huge());

        auto populated = std::make_shared<mmap_allocator>(MAP_POPULATE, true);
        CPPUNIT_ASSERT_EQUAL(int(MAP_POPULATE), populated->get_flags());
        CPPUNIT_ASSERT(populated->get_prefer_huge());

        // MAP_POPULATE pre-faults the pages: every page is resident at once.
        auto flagged = std::make_shared<mmap_allocator>(MAP_POPULATE);
        const std::size_t pages = 8;
        auto p = flagged->allocate(pages * page_size());
        std::vector<unsigned char> residency(pages);
        CPPUNIT_ASSERT_EQUAL(0, mincore(p.get(), pages * page_size(), residency.data()));
        for (unsigned char r : residency)
            CPPUNIT_ASSERT(r & 1);
    }

    void test_mmap_prefer_huge_falls_back_silently()
    {
        // Test machines usually have no huge pages reserved (HugePages_Total 0), so
        // MAP_HUGETLB fails there and this exercises the fallback; where huge pages are
        // free it exercises them instead. Either way: usable, aligned, and no log line.
        gr::spead::qa::log_recorder log;
        auto allocator = std::make_shared<mmap_allocator>(0, true);
        for (std::size_t size : { std::size_t(1), std::size_t(3) << 20 }) {
            auto p = allocator->allocate(size);
            CPPUNIT_ASSERT_EQUAL(std::uintptr_t(0), address(p.get()) % page_size());
            CPPUNIT_ASSERT(writable(p.get(), size));
        }
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), log.size());
    }

    void test_mmap_failure_is_bad_alloc()
    {
        auto plain = std::make_shared<mmap_allocator>();
        CPPUNIT_ASSERT_THROW(plain->allocate(HUGE_REQUEST), std::bad_alloc);
        // With huge pages preferred, rounding the largest size up to a huge page would
        // overflow: it must fall back (and fail) rather than map a wrapped-around size.
        auto huge = std::make_shared<mmap_allocator>(0, true);
        CPPUNIT_ASSERT_THROW(huge->allocate(std::numeric_limits<std::size_t>::max()),
                             std::bad_alloc);
        CPPUNIT_ASSERT_THROW(huge->allocate(HUGE_REQUEST), std::bad_alloc);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(qa_memory_allocator);
