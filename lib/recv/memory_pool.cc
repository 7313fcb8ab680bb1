/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <gnuradio/spead/protocol/log.h>
#include <gnuradio/spead/recv/memory_pool.h>
#include <gnuradio/spead/recv/rate_limited_log.h>
#include <boost/asio/post.hpp>
#include <algorithm>
#include <exception>
#include <stdexcept>
#include <string>

namespace gr {
namespace spead {
namespace recv {

namespace {

/**
 * One buffer of the pool together with the pointer the underlying allocator returned
 * for it. The record travels as the user pointer of the buffer handed out, so that free()
 * gets the underlying deleter back without a lookup, and whatever allocator the pool
 * sits on (one whose pointers carry their own user data, such as mmap_allocator, or one
 * that delegates to another) is given its memory back exactly as it handed it out. The
 * record is made once per buffer, when the buffer is made, never per hand-out.
 */
struct pooled_buffer {
    memory_allocator::pointer memory;
};

/// Reserved up front so that returning buffers rarely grows the free list; a larger
/// max_free still works, the list then grows (geometrically, once) as buffers come back.
constexpr std::size_t MAX_RESERVED_FREE = 1024;

void check_parameters(std::size_t lower,
                      std::size_t upper,
                      std::size_t max_free,
                      std::size_t initial)
{
    if (lower > upper)
        throw std::invalid_argument("memory_pool: lower (" + std::to_string(lower) +
                                    ") must not exceed upper (" + std::to_string(upper) +
                                    ")");
    if (initial > max_free)
        throw std::invalid_argument("memory_pool: initial (" + std::to_string(initial) +
                                    ") must not exceed max_free (" +
                                    std::to_string(max_free) + ")");
}

} // namespace

/**
 * The state shared by the pool and its background refill jobs. It is separate from the
 * memory_pool object so that a refill job queued on the thread pool holds only a weak
 * reference: a job that runs after the pool is gone finds nothing and does nothing, and
 * one that is running keeps the state alive until it returns.
 */
struct memory_pool::impl : std::enable_shared_from_this<memory_pool::impl> {
    impl(std::shared_ptr<memory_allocator> underlying,
         boost::asio::io_context* refill_context,
         std::size_t buffer_size,
         std::size_t max_free_buffers,
         std::size_t low_water_mark)
        : allocator(underlying ? std::move(underlying)
                               : std::make_shared<memory_allocator>()),
          io_context(refill_context),
          upper(buffer_size),
          max_free(max_free_buffers),
          low_water(low_water_mark)
    {
        free_buffers.reserve(std::min(max_free, MAX_RESERVED_FREE));
    }

    /// A new buffer of `upper` bytes from the underlying allocator (no lock held).
    std::unique_ptr<pooled_buffer> make_buffer()
    {
        auto buffer = std::make_unique<pooled_buffer>();
        buffer->memory = allocator->allocate(upper);
        return buffer;
    }

    /// Counts one buffer back, with the lock held. Returns the pool's reference to itself
    /// when that was the last one out, for the caller to drop after the lock.
    std::shared_ptr<memory_allocator> count_back_locked()
    {
        if (--outstanding == 0)
            return std::move(owner_while_lent);
        return nullptr;
    }

    /// Keeps \p buffer if there is room; with the lock held. Returns whether it did.
    bool keep_locked(std::unique_ptr<pooled_buffer>& buffer)
    {
        if (free_buffers.size() >= max_free)
            return false;
        free_buffers.push_back(std::move(buffer));
        warned_since_empty = false; // the pool is no longer empty: re-arm the warning
        return true;
    }

    /// Queues a refill job on the thread pool (at most one is queued or running).
    void post_refill()
    {
        boost::asio::post(*io_context, [weak = weak_from_this()] {
            if (auto self = weak.lock())
                self->refill();
        });
    }

    /// The refill job: tops the free list up to low_water, allocating outside the lock
    /// so that the receive path is never blocked behind the underlying allocator.
    void refill()
    {
        while (true) {
            {
                std::lock_guard<std::mutex> lock(mutex);
                if (free_buffers.size() >= low_water) {
                    refill_pending = false;
                    return;
                }
            }
            std::unique_ptr<pooled_buffer> buffer;
            try {
                buffer = make_buffer();
            } catch (const std::exception& e) {
                log_message(protocol::log_level::warning,
                            std::string("memory_pool: background refill failed: ") +
                                e.what());
                std::lock_guard<std::mutex> lock(mutex);
                refill_pending = false;
                return;
            }
            std::lock_guard<std::mutex> lock(mutex);
            if (!keep_locked(buffer)) {
                // Buffers came back meanwhile and filled the pool: done. The spare one
                // is released when `buffer` goes out of scope, after the lock.
                refill_pending = false;
                return;
            }
        }
    }

    const std::shared_ptr<memory_allocator> allocator;
    boost::asio::io_context* const io_context; ///< null: no background refill
    const std::size_t upper;
    const std::size_t max_free;
    const std::size_t low_water;

    std::mutex mutex;
    std::vector<std::unique_ptr<pooled_buffer>> free_buffers;
    /// Buffers handed out and not yet back (with the lock).
    std::size_t outstanding = 0;
    /// The pool itself while any of its buffers is out (with the lock): the buffers'
    /// deleters refer to it without owning it (see allocate()), so this one reference,
    /// taken when the first buffer goes out and dropped when the last comes back, keeps
    /// it alive for them.
    std::shared_ptr<memory_allocator> owner_while_lent;
    bool refill_pending = false;
    bool warned_since_empty = false;
    /// A pool smaller than what is out at once empties on every heap: then the warning
    /// would come thousands of times a second.
    rate_limited_log empty_log{ 1, std::chrono::seconds(1) };
};

memory_pool::memory_pool() : memory_pool(0, 0, 0, 0, nullptr) {}

memory_pool::memory_pool(std::size_t lower,
                         std::size_t upper,
                         std::size_t max_free,
                         std::size_t initial,
                         std::shared_ptr<memory_allocator> allocator)
    : d_lower(lower), d_upper(upper), d_max_free(max_free), d_initial(initial)
{
    check_parameters(lower, upper, max_free, initial);
    d_impl = std::make_shared<impl>(std::move(allocator), nullptr, upper, max_free, 0);
    for (std::size_t i = 0; i < initial; i++)
        d_impl->free_buffers.push_back(d_impl->make_buffer());
}

memory_pool::memory_pool(thread_pool& pool,
                         std::size_t lower,
                         std::size_t upper,
                         std::size_t max_free,
                         std::size_t initial,
                         std::size_t low_water,
                         std::shared_ptr<memory_allocator> allocator)
    : d_lower(lower),
      d_upper(upper),
      d_max_free(max_free),
      d_initial(initial),
      d_low_water(low_water)
{
    check_parameters(lower, upper, max_free, initial);
    if (low_water > max_free)
        throw std::invalid_argument(
            "memory_pool: low_water (" + std::to_string(low_water) +
            ") must not exceed max_free (" + std::to_string(max_free) + ")");
    d_impl = std::make_shared<impl>(
        std::move(allocator), &pool.get_io_context(), upper, max_free, low_water);
    for (std::size_t i = 0; i < initial; i++)
        d_impl->free_buffers.push_back(d_impl->make_buffer());
}

// Runs only once every buffer handed out is back (their deleters hold the pool), so
// the free list holds all there is; a refill job still running keeps the impl alive.
memory_pool::~memory_pool() = default;

memory_allocator::pointer memory_pool::allocate(std::size_t size, void* hint)
{
    if (size < d_lower || size > d_upper)
        return d_impl->allocator->allocate(size, hint);

    impl& state = *d_impl;
    std::unique_ptr<pooled_buffer> buffer;
    bool start_refill = false;
    bool warn = false;
    {
        std::lock_guard<std::mutex> lock(state.mutex);
        if (state.outstanding == 0) {
            std::shared_ptr<memory_allocator> self = weak_from_this().lock();
            if (!self)
                throw std::logic_error(
                    "memory_pool: allocate() needs the pool to be owned by a "
                    "std::shared_ptr (create it with std::make_shared)");
            state.owner_while_lent = std::move(self);
        }
        state.outstanding++;
        if (!state.free_buffers.empty()) {
            buffer = std::move(state.free_buffers.back());
            state.free_buffers.pop_back();
        } else if (state.max_free > 0 && !state.warned_since_empty &&
                   d_warn_on_empty.load(std::memory_order_relaxed)) {
            // A pool that keeps nothing (max_free 0) is never "empty" in a way worth
            // telling: allocating on request is all it does.
            state.warned_since_empty = true;
            warn = true;
        }
        if (state.io_context && !state.refill_pending &&
            state.free_buffers.size() < state.low_water) {
            state.refill_pending = true;
            start_refill = true;
        }
    }
    if (start_refill)
        state.post_refill();
    if (warn)
        state.empty_log.log_lazy(protocol::log_level::warning, [this] {
            return "memory_pool: pool is empty, allocating " + std::to_string(d_upper) +
                   " bytes on the receive path (raise initial or low_water)";
        });
    if (!buffer) {
        try {
            buffer = state.make_buffer();
        } catch (...) {
            // Nothing went out after all; the reference (if the last) goes after the
            // lock.
            std::shared_ptr<memory_allocator> last_reference;
            {
                std::lock_guard<std::mutex> lock(state.mutex);
                last_reference = state.count_back_locked();
            }
            throw;
        }
    }
    pooled_buffer* record = buffer.release();
    // The deleter refers to the pool without owning it (an aliasing shared_ptr with no
    // owner): copying an owning one would add and drop a reference count shared by the
    // allocating and the freeing thread for every heap (4 KiB heaps ran 6-10 % slower
    // with it, docs/benchmarks.md). owner_while_lent keeps the pool alive instead.
    return pointer(
        record->memory.get(),
        deleter(std::shared_ptr<memory_allocator>(std::shared_ptr<void>(), this),
                record));
}

void memory_pool::free(std::uint8_t* /*ptr*/, void* user)
{
    // Only pool-sized buffers come back here (other sizes carry the underlying
    // allocator's deleter), and each carries its record.
    // Declared first, so destroyed last: when this was the last buffer out and the
    // user has let go of the pool, the pool is destroyed here, after everything else.
    std::shared_ptr<memory_allocator> last_reference;
    std::unique_ptr<pooled_buffer> buffer(static_cast<pooled_buffer*>(user));
    impl& state = *d_impl;
    std::lock_guard<std::mutex> lock(state.mutex);
    state.keep_locked(buffer);
    last_reference = state.count_back_locked();
    // Declared before the lock, `buffer` (if not kept) is released after it is dropped.
}

std::size_t memory_pool::free_count() const
{
    std::lock_guard<std::mutex> lock(d_impl->mutex);
    return d_impl->free_buffers.size();
}

} // namespace recv
} // namespace spead
} // namespace gr
