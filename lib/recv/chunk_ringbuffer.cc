/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "ringbuffer.h"
#include <gnuradio/spead/recv/chunk_ringbuffer.h>
#include <sys/eventfd.h>
#include <system_error>
#include <unistd.h>
#include <atomic>
#include <cerrno>
#include <mutex>

namespace gr {
namespace spead {
namespace recv {

/// The engine's ring of pointers, a producer count and a "room" eventfd beside it.
class chunk_ringbuffer::impl
{
public:
    // Chunks are handed over rarely (one per many heaps): never spin.
    explicit impl(std::size_t capacity) : ring(capacity, std::chrono::nanoseconds(0)) {}
    ~impl()
    {
        if (space_fd >= 0)
            ::close(space_fd);
    }

    /// After every push, pop and stop: makes space_fd readable exactly when the ring
    /// has room or is stopped. Each update reads the state afresh under the lock, so
    /// the last one leaves the fd right whatever the order of the operations.
    void update_space()
    {
        if (!space_fd_made.load())
            return;
        std::lock_guard<std::mutex> lock(space_mutex);
        const bool want = ring.is_stopped() || ring.size() < ring.capacity();
        if (want && !space_readable) {
            const std::uint64_t one = 1;
            if (::write(space_fd, &one, sizeof(one)) == sizeof(one))
                space_readable = true;
        } else if (!want && space_readable) {
            std::uint64_t value;
            if (::read(space_fd, &value, sizeof(value)) == sizeof(value))
                space_readable = false;
        }
    }

    ringbuffer<std::unique_ptr<chunk>> ring;
    std::mutex producer_mutex;
    std::size_t producers = 0;
    mutable std::mutex space_mutex;
    std::atomic<bool> space_fd_made{ false };
    int space_fd = -1;
    bool space_readable = false;
};

chunk_ringbuffer::chunk_ringbuffer(std::size_t capacity)
{
    if (capacity == 0)
        throw std::invalid_argument("chunk ringbuffer capacity must be at least 1");
    d_impl = std::make_unique<impl>(capacity);
}

chunk_ringbuffer::~chunk_ringbuffer() = default;

void chunk_ringbuffer::push(std::unique_ptr<chunk>&& c)
{
    d_impl->ring.push(std::move(c));
    d_impl->update_space();
}

void chunk_ringbuffer::try_push(std::unique_ptr<chunk>&& c)
{
    if (!d_impl->ring.try_push(std::move(c)))
        throw ringbuffer_full();
    d_impl->update_space();
}

std::unique_ptr<chunk> chunk_ringbuffer::pop()
{
    std::unique_ptr<chunk> c = d_impl->ring.pop();
    d_impl->update_space();
    return c;
}

std::unique_ptr<chunk> chunk_ringbuffer::try_pop()
{
    std::unique_ptr<chunk> c = d_impl->ring.try_pop();
    d_impl->update_space();
    return c;
}

std::unique_ptr<chunk>
chunk_ringbuffer::pop_for(std::chrono::steady_clock::duration timeout)
{
    std::optional<std::unique_ptr<chunk>> c = d_impl->ring.pop_for(timeout);
    if (!c)
        return nullptr;
    d_impl->update_space();
    return std::move(*c);
}

void chunk_ringbuffer::stop()
{
    d_impl->ring.stop();
    d_impl->update_space();
}

bool chunk_ringbuffer::is_stopped() const { return d_impl->ring.is_stopped(); }

void chunk_ringbuffer::add_producer()
{
    std::lock_guard<std::mutex> lock(d_impl->producer_mutex);
    d_impl->producers++;
}

bool chunk_ringbuffer::remove_producer()
{
    {
        std::lock_guard<std::mutex> lock(d_impl->producer_mutex);
        if (d_impl->producers == 0 || --d_impl->producers > 0)
            return false;
    }
    stop();
    return true;
}

std::size_t chunk_ringbuffer::size() const { return d_impl->ring.size(); }

std::size_t chunk_ringbuffer::capacity() const { return d_impl->ring.capacity(); }

int chunk_ringbuffer::data_fd() const { return d_impl->ring.fd(); }

int chunk_ringbuffer::space_fd() const
{
    {
        std::lock_guard<std::mutex> lock(d_impl->space_mutex);
        if (d_impl->space_fd < 0) {
            d_impl->space_fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
            if (d_impl->space_fd < 0)
                throw std::system_error(
                    errno, std::generic_category(), "chunk ringbuffer: eventfd");
            d_impl->space_fd_made.store(true);
        }
    }
    d_impl->update_space();
    return d_impl->space_fd;
}

} // namespace recv
} // namespace spead
} // namespace gr
