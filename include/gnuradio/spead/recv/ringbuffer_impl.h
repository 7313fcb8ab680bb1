/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// Template definitions of ringbuffer<T>; included at the end of ringbuffer.h only.

#ifndef INCLUDED_SPEAD_RECV_RINGBUFFER_IMPL_H
#define INCLUDED_SPEAD_RECV_RINGBUFFER_IMPL_H

#include <sys/eventfd.h>
#include <system_error>
#include <unistd.h>
#include <cerrno>
#include <cstdint>
#include <string>
#include <utility>

namespace gr {
namespace spead {
namespace ringbuffer_detail {

/// Adds one to the eventfd counter. It cannot overflow (it counts queued items plus one),
/// so a failure is not possible in practice and is deliberately ignored.
inline void raise_eventfd(int fd)
{
    const std::uint64_t one = 1;
    while (::write(fd, &one, sizeof(one)) < 0 && errno == EINTR) {
    }
}

/// Subtracts one from the eventfd counter (semaphore mode reads exactly one). EAGAIN,
/// a counter already at zero, is harmless: the fd then simply is not readable.
inline void lower_eventfd(int fd)
{
    std::uint64_t value;
    while (::read(fd, &value, sizeof(value)) < 0 && errno == EINTR) {
    }
}

} // namespace ringbuffer_detail

// The eventfd counter always equals the number of queued items, plus one once stopped;
// it is only changed with the mutex held so that it never disagrees with the deque.

template <typename T>
ringbuffer<T>::ringbuffer(std::size_t capacity) : d_capacity(capacity), d_fd(-1)
{
    if (capacity == 0)
        throw std::invalid_argument("ringbuffer capacity must be at least 1 (got 0)");
    d_fd = ::eventfd(0, EFD_SEMAPHORE | EFD_NONBLOCK | EFD_CLOEXEC);
    if (d_fd < 0)
        throw std::system_error(errno, std::generic_category(), "ringbuffer: eventfd");
}

template <typename T>
ringbuffer<T>::~ringbuffer()
{
    if (d_fd >= 0)
        ::close(d_fd);
}

template <typename T>
bool ringbuffer<T>::try_push(T&& item)
{
    {
        std::lock_guard<std::mutex> lock(d_mutex);
        if (d_stopped)
            throw ringbuffer_stopped();
        if (d_items.size() >= d_capacity)
            return false;
        d_items.push_back(std::move(item));
        ringbuffer_detail::raise_eventfd(d_fd);
    }
    d_not_empty.notify_one();
    return true;
}

template <typename T>
void ringbuffer<T>::push(T&& item, bool* blocked)
{
    bool waited = false;
    {
        std::unique_lock<std::mutex> lock(d_mutex);
        while (!d_stopped && d_items.size() >= d_capacity) {
            waited = true;
            d_not_full.wait(lock);
        }
        // Reported even when the wait ended in stop(): the caller did block.
        if (blocked)
            *blocked = waited;
        if (d_stopped)
            throw ringbuffer_stopped();
        d_items.push_back(std::move(item));
        ringbuffer_detail::raise_eventfd(d_fd);
    }
    d_not_empty.notify_one();
}

template <typename T>
T ringbuffer<T>::take_front()
{
    T item = std::move(d_items.front());
    d_items.pop_front();
    ringbuffer_detail::lower_eventfd(d_fd);
    return item;
}

template <typename T>
T ringbuffer<T>::pop()
{
    std::unique_lock<std::mutex> lock(d_mutex);
    d_not_empty.wait(lock, [this] { return !d_items.empty() || d_stopped; });
    if (d_items.empty())
        throw ringbuffer_stopped();
    T item = take_front();
    lock.unlock();
    d_not_full.notify_one();
    return item;
}

template <typename T>
T ringbuffer<T>::try_pop()
{
    std::unique_lock<std::mutex> lock(d_mutex);
    if (d_items.empty()) {
        if (d_stopped)
            throw ringbuffer_stopped();
        throw ringbuffer_empty();
    }
    T item = take_front();
    lock.unlock();
    d_not_full.notify_one();
    return item;
}

template <typename T>
std::optional<T> ringbuffer<T>::pop_for(std::chrono::steady_clock::duration timeout)
{
    using clock = std::chrono::steady_clock;
    const auto ready = [this] { return !d_items.empty() || d_stopped; };
    std::unique_lock<std::mutex> lock(d_mutex);
    const auto now = clock::now();
    if (timeout > clock::time_point::max() - now) {
        // A deadline past the end of the clock (e.g. duration::max()) would overflow:
        // that is no deadline at all.
        d_not_empty.wait(lock, ready);
    } else if (!d_not_empty.wait_until(lock, now + timeout, ready)) {
        return std::nullopt;
    }
    if (d_items.empty())
        throw ringbuffer_stopped();
    std::optional<T> item(take_front());
    lock.unlock();
    d_not_full.notify_one();
    return item;
}

template <typename T>
void ringbuffer<T>::stop()
{
    {
        std::lock_guard<std::mutex> lock(d_mutex);
        if (d_stopped)
            return;
        d_stopped = true;
        // The extra count keeps the fd readable once the queue is drained, so that a
        // poll loop wakes up, pops, and learns of the stop.
        ringbuffer_detail::raise_eventfd(d_fd);
    }
    d_not_empty.notify_all();
    d_not_full.notify_all();
}

template <typename T>
bool ringbuffer<T>::is_stopped() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return d_stopped;
}

template <typename T>
std::size_t ringbuffer<T>::size() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return d_items.size();
}

} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_RECV_RINGBUFFER_IMPL_H */
