/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_RECV_MEMORY_ALLOCATOR_H
#define INCLUDED_SPEAD_RECV_MEMORY_ALLOCATOR_H

#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>

namespace gr {
namespace spead {
namespace recv {

/**
 * \brief Where heap payload memory comes from (spead2's MemoryAllocator).
 *
 * allocate() returns a pointer whose deleter keeps the allocator alive and gives the
 * memory back to it, so a heap may outlive the stream that received it. Subclasses
 * override allocate() and free(); both may be called from any thread.
 */
class memory_allocator : public std::enable_shared_from_this<memory_allocator>
{
public:
    class deleter
    {
    public:
        deleter() = default;
        deleter(std::shared_ptr<memory_allocator> allocator, void* user = nullptr)
            : d_allocator(std::move(allocator)), d_user(user)
        {
        }
        /// Gives \p ptr back and lets go of the allocator. std::unique_ptr keeps its
        /// deleter after reset(): were the reference kept, a reset pointer would hold
        /// the allocator (a pool with all its free buffers) until the pointer object
        /// itself is destroyed. The allocator may be destroyed here, after free().
        void operator()(std::uint8_t* ptr)
        {
            std::shared_ptr<memory_allocator> allocator = std::move(d_allocator);
            if (ptr && allocator)
                allocator->free(ptr, d_user);
        }
        void* get_user() const { return d_user; }
        /// The allocator the memory goes back to; null once it has gone back. A
        /// memory_pool's buffers refer to it without owning it (the pool keeps itself
        /// alive while they are out): do not rely on this reference to keep an
        /// allocator alive.
        const std::shared_ptr<memory_allocator>& get_allocator() const
        {
            return d_allocator;
        }

    private:
        std::shared_ptr<memory_allocator> d_allocator;
        void* d_user = nullptr;
    };

    using pointer = std::unique_ptr<std::uint8_t[], deleter>;

    virtual ~memory_allocator() = default;

    /**
     * \brief Allocates \p size bytes (uninitialised).
     * \p hint: a live heap passes the packet that needs the memory (a const
     * protocol::packet_view*), which chunk streams use to place the heap; the built-in
     * allocators ignore it. The object must be owned by a std::shared_ptr.
     * \throws std::bad_alloc when the memory cannot be had.
     */
    virtual pointer allocate(std::size_t size, void* hint = nullptr);

protected:
    /// Returns memory obtained from allocate(); \p user is what make_pointer stored.
    virtual void free(std::uint8_t* ptr, void* user);
    /// Wraps raw memory in a pointer whose deleter calls this allocator's free().
    pointer make_pointer(std::uint8_t* ptr, void* user = nullptr);
};

/**
 * \brief Allocates with mmap (spead2's MmapAllocator): page-aligned memory straight from
 * the kernel, optionally in huge pages.
 *
 * \p flags are extra mmap flags (e.g. MAP_POPULATE, MAP_LOCKED). With \p prefer_huge it
 * first tries MAP_HUGETLB and silently falls back to normal pages when none are free.
 */
class mmap_allocator : public memory_allocator
{
public:
    explicit mmap_allocator(int flags = 0, bool prefer_huge = false);
    pointer allocate(std::size_t size, void* hint = nullptr) override;

    int get_flags() const { return d_flags; }
    bool get_prefer_huge() const { return d_prefer_huge; }

protected:
    void free(std::uint8_t* ptr, void* user) override;

private:
    int d_flags;
    bool d_prefer_huge;
};

} // namespace recv
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_RECV_MEMORY_ALLOCATOR_H */
