/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_RECV_MEMORY_POOL_H
#define INCLUDED_SPEAD_RECV_MEMORY_POOL_H

#include <gnuradio/spead/recv/memory_allocator.h>
#include <gnuradio/spead/recv/thread_pool.h>
#include <atomic>
#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

namespace gr {
namespace spead {
namespace recv {

/**
 * \brief Recycles heap buffers (spead2's MemoryPool).
 *
 * Requests of \a lower to \a upper bytes are served from the pool with buffers of
 * \a upper bytes; other sizes go straight to the underlying allocator. At most
 * \a max_free buffers are kept when returned; \a initial are made up front. With a
 * thread pool, when the free count drops below \a low_water, buffers are refilled in the
 * background on that pool (so the receive path rarely allocates). When the pool is empty
 * and must allocate on the receive path it logs a warning (once per emptying: again only
 * after a buffer has come back) if warn_on_empty is set, as spead2 does; a pool with
 * max_free 0 keeps nothing and never warns.
 *
 * Buffers handed out keep the pool alive, so they may outlive the user's reference to
 * it: they still come back to it, and the pool goes when the last one is back. The pool
 * holds one reference to itself while any buffer is out, rather than each buffer's
 * deleter holding one: the deleters' get_allocator() is the pool, but a reference that
 * does not own it (the reference count, shared by the thread that allocates and the one
 * that frees, would otherwise change twice per heap). The object must be owned by a
 * std::shared_ptr. allocate() takes one lock and allocates nothing when the pool has a
 * buffer. Thread-safe.
 */
class memory_pool : public memory_allocator
{
public:
    /// A pool that keeps nothing: every request goes to the default allocator.
    memory_pool();
    /// \throws std::invalid_argument naming the parameter when lower > upper or
    /// initial > max_free.
    memory_pool(std::size_t lower,
                std::size_t upper,
                std::size_t max_free,
                std::size_t initial,
                std::shared_ptr<memory_allocator> allocator = nullptr);
    /// As above, with background refill on \p pool when below \p low_water
    /// (\throws std::invalid_argument also when low_water > max_free). At most one
    /// refill job is queued or running at a time; it holds only a weak reference to the
    /// pool's state, so a job still queued when the pool goes does nothing. \p pool must
    /// outlive every allocate() call (the job is posted to it).
    memory_pool(thread_pool& pool,
                std::size_t lower,
                std::size_t upper,
                std::size_t max_free,
                std::size_t initial,
                std::size_t low_water,
                std::shared_ptr<memory_allocator> allocator = nullptr);
    ~memory_pool() override;

    pointer allocate(std::size_t size, void* hint = nullptr) override;

    void set_warn_on_empty(bool warn) { d_warn_on_empty = warn; }
    bool get_warn_on_empty() const { return d_warn_on_empty; }

    std::size_t get_lower() const { return d_lower; }
    std::size_t get_upper() const { return d_upper; }
    std::size_t get_max_free() const { return d_max_free; }
    std::size_t get_initial() const { return d_initial; }
    std::size_t get_low_water() const { return d_low_water; }
    /// Buffers currently free in the pool (for tests and statistics).
    std::size_t free_count() const;

protected:
    void free(std::uint8_t* ptr, void* user) override;

private:
    struct impl;
    std::shared_ptr<impl> d_impl;
    std::size_t d_lower = 0, d_upper = 0, d_max_free = 0, d_initial = 0, d_low_water = 0;
    std::atomic<bool> d_warn_on_empty{ true };
};

} // namespace recv
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_RECV_MEMORY_POOL_H */
