/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <gnuradio/spead/protocol/log.h>
#include <gnuradio/spead/recv/memory_allocator.h>
#include <sys/mman.h>
#include <system_error>
#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <fstream>
#include <limits>
#include <new>
#include <stdexcept>
#include <string>

namespace gr {
namespace spead {
namespace recv {

memory_allocator::pointer memory_allocator::allocate(std::size_t size, void* /*hint*/)
{
    // new[] throws std::bad_alloc itself when the memory cannot be had.
    return make_pointer(new std::uint8_t[size]);
}

void memory_allocator::free(std::uint8_t* ptr, void* /*user*/) { delete[] ptr; }

memory_allocator::pointer memory_allocator::make_pointer(std::uint8_t* ptr, void* user)
{
    // The deleter must keep the allocator alive for as long as the memory is out, which
    // needs a shared_ptr to it. An allocator not owned by one is a programming error;
    // the memory is given back before saying so, so that the error does not also leak.
    std::shared_ptr<memory_allocator> self = weak_from_this().lock();
    if (!self) {
        free(ptr, user);
        throw std::logic_error(
            "memory_allocator: allocate() needs the allocator to be owned by a "
            "std::shared_ptr (create it with std::make_shared)");
    }
    return pointer(ptr, deleter(std::move(self), user));
}

namespace {

/// Used when the kernel does not say (x86_64's default huge page size).
constexpr std::size_t FALLBACK_HUGE_PAGE_SIZE = std::size_t(2) << 20;

/**
 * The kernel's default huge page size, which MAP_HUGETLB uses. munmap of a huge-page
 * mapping needs a length that is a multiple of it, so a guess (2 MiB) would leak the
 * mapping on a system configured with 1 GiB pages.
 */
std::size_t read_huge_page_size()
{
    std::ifstream meminfo("/proc/meminfo");
    std::string key;
    while (meminfo >> key) {
        if (key == "Hugepagesize:") {
            std::size_t kib = 0;
            if (meminfo >> kib && kib > 0)
                return kib * 1024;
            break;
        }
        meminfo.ignore(std::numeric_limits<std::streamsize>::max(), '\n');
    }
    return FALLBACK_HUGE_PAGE_SIZE;
}

std::size_t huge_page_size()
{
    static const std::size_t size = read_huge_page_size();
    return size;
}

std::uint8_t* map_anonymous(std::size_t length, int flags)
{
    void* ptr = mmap(nullptr,
                     length,
                     PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | flags,
                     -1,
                     0);
    return ptr == MAP_FAILED ? nullptr : static_cast<std::uint8_t*>(ptr);
}

// The mapped length travels in the deleter's user pointer rather than in a header in
// front of the memory: a header would either break the page alignment callers rely on
// or cost a whole extra page per allocation, and the user pointer is free.
void* length_to_user(std::size_t length) { return reinterpret_cast<void*>(length); }
std::size_t user_to_length(void* user) { return reinterpret_cast<std::uintptr_t>(user); }

} // namespace

mmap_allocator::mmap_allocator(int flags, bool prefer_huge)
    : d_flags(flags), d_prefer_huge(prefer_huge)
{
}

memory_allocator::pointer mmap_allocator::allocate(std::size_t size, void* /*hint*/)
{
    // mmap refuses a zero length; a zero-byte request still gets a distinct page.
    const std::size_t length = std::max<std::size_t>(size, 1);
    if (d_prefer_huge) {
        const std::size_t huge = huge_page_size();
        // Huge pages are a preference: no huge pages free (ENOMEM), none configured, or a
        // length that cannot be rounded all fall back to normal pages without a word.
        if (length <= std::numeric_limits<std::size_t>::max() - (huge - 1)) {
            const std::size_t huge_length = (length + huge - 1) / huge * huge;
            if (std::uint8_t* ptr = map_anonymous(huge_length, d_flags | MAP_HUGETLB))
                return make_pointer(ptr, length_to_user(huge_length));
        }
    }
    std::uint8_t* ptr = map_anonymous(length, d_flags);
    if (!ptr)
        throw std::bad_alloc();
    return make_pointer(ptr, length_to_user(length));
}

void mmap_allocator::free(std::uint8_t* ptr, void* user)
{
    const std::size_t length = user_to_length(user);
    if (munmap(ptr, length) != 0) {
        // Runs from deleters, often in destructors: report, never throw.
        const int error = errno;
        log_message(protocol::log_level::error,
                    "mmap_allocator: munmap of " + std::to_string(length) +
                        " bytes failed: " + std::system_category().message(error));
    }
}

} // namespace recv
} // namespace spead
} // namespace gr
