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
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <string>
#include <thread>
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

/// The shortest spin of a side that finds the ring empty (or full) before it sleeps:
/// covers the gap between heaps of a burst (a few microseconds) at no noticeable cost
/// when idle.
constexpr std::chrono::microseconds RING_MIN_SPIN{ 20 };

/**
 * The longest spin. Waking a sleeping consumer costs the producer (the stream's worker,
 * the bottleneck) a system call and an inter-processor interrupt: tens of microseconds
 * in a virtual machine, measured at up to a third of the worker's time with 1 MiB heaps.
 * A consumer whose recent waits were this short or shorter therefore spins for up to
 * twice its typical wait, so that it is awake when the next heap comes; one whose waits
 * are longer (fewer than about 5000 heaps per second) gains little and sleeps after
 * RING_MIN_SPIN, so an idle or slow stream costs no CPU.
 */
constexpr std::chrono::microseconds RING_MAX_SPIN{ 200 };

/// How long a side of the ring spins, given its typical wait (nanoseconds).
inline std::chrono::nanoseconds spin_for_typical_wait(std::int64_t typical_wait_ns)
{
    const std::chrono::nanoseconds typical(typical_wait_ns);
    if (typical > RING_MAX_SPIN)
        return RING_MIN_SPIN;
    return std::clamp<std::chrono::nanoseconds>(
        2 * typical, RING_MIN_SPIN, RING_MAX_SPIN);
}

/// Folds one observed wait into the running typical wait (weight 1/4: follows a change
/// of rate within a few heaps, yet one odd wait does not swing it).
inline std::int64_t smoothed_wait(std::int64_t typical_ns, std::int64_t waited_ns)
{
    // Capped so that a wait of hours cannot overflow the arithmetic; far above any spin.
    constexpr std::int64_t cap = std::int64_t(1) << 40;
    waited_ns = std::min(std::max<std::int64_t>(waited_ns, 0), cap);
    return (3 * typical_ns + waited_ns) / 4;
}

inline void cpu_relax()
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    asm volatile("yield");
#endif
}

/// One step of a bounded wait for the other side of the ring: a few pause instructions
/// first (the other thread is running on another core and about to deliver), then
/// yields, so that when both threads share one core the one we wait for gets to run.
inline void pause_or_yield(unsigned iteration)
{
    if (iteration < 64)
        cpu_relax();
    else
        std::this_thread::yield();
}

/// Spins until \p flag is set or \p spin has passed.
inline void spin_until_set(const std::atomic<bool>& flag, std::chrono::nanoseconds spin)
{
    using clock = std::chrono::steady_clock;
    const auto deadline = clock::now() + spin;
    for (unsigned i = 1;; i++) {
        if (flag.load(std::memory_order_acquire))
            return;
        pause_or_yield(i);
        if (i % 16 == 0 && clock::now() >= deadline)
            return;
    }
}

/// Folds the wait that began at \p wait_start into \p typical_ns.
inline void note_wait(std::atomic<std::int64_t>& typical_ns,
                      std::chrono::steady_clock::time_point wait_start)
{
    const auto waited = std::chrono::steady_clock::now() - wait_start;
    // Usually one thread per side; with several, a lost update only blurs the estimate,
    // which is all it is.
    typical_ns.store(
        smoothed_wait(
            typical_ns.load(std::memory_order_relaxed),
            std::chrono::duration_cast<std::chrono::nanoseconds>(waited).count()),
        std::memory_order_relaxed);
}

} // namespace ringbuffer_detail

// Once fd() has been called, the eventfd counter equals the number of queued items, plus
// one once stopped; it is only changed with the mutex held so that it never disagrees
// with the queue.

template <typename T>
ringbuffer<T>::ringbuffer(std::size_t capacity) : d_capacity(capacity)
{
    if (capacity == 0)
        throw std::invalid_argument("ringbuffer capacity must be at least 1 (got 0)");
}

template <typename T>
ringbuffer<T>::~ringbuffer()
{
    if (d_fd >= 0)
        ::close(d_fd);
}

template <typename T>
int ringbuffer<T>::fd() const
{
    std::lock_guard<spinning_mutex> lock(d_mutex);
    if (d_fd < 0) {
        const unsigned int initial = unsigned(d_count) + (d_stopped ? 1 : 0);
        d_fd = ::eventfd(initial, EFD_SEMAPHORE | EFD_NONBLOCK | EFD_CLOEXEC);
        if (d_fd < 0)
            throw std::system_error(
                errno, std::generic_category(), "ringbuffer: eventfd");
    }
    return d_fd;
}

template <typename T>
void ringbuffer<T>::push_back(T&& item)
{
    if (d_count == d_slots.size()) {
        // Grows (never beyond the capacity), putting the queue in order from slot 0.
        std::vector<std::optional<T>> slots(
            std::min(d_capacity, std::max<std::size_t>(2 * d_count, 4)));
        for (std::size_t i = 0; i < d_count; i++)
            slots[i] = std::move(d_slots[(d_head + i) % d_slots.size()]);
        d_slots = std::move(slots);
        d_head = 0;
    }
    std::size_t tail = d_head + d_count;
    if (tail >= d_slots.size())
        tail -= d_slots.size();
    d_slots[tail].emplace(std::move(item));
    d_count++;
    d_has_news.store(true, std::memory_order_release);
    d_has_space.store(d_count < d_capacity || d_stopped, std::memory_order_relaxed);
    if (d_fd >= 0)
        ringbuffer_detail::raise_eventfd(d_fd);
}

template <typename T>
T ringbuffer<T>::take_front()
{
    std::optional<T>& slot = d_slots[d_head];
    T item = std::move(*slot);
    slot.reset();
    if (++d_head == d_slots.size())
        d_head = 0;
    d_count--;
    d_has_news.store(d_count > 0 || d_stopped, std::memory_order_relaxed);
    d_has_space.store(true, std::memory_order_release);
    if (d_fd >= 0)
        ringbuffer_detail::lower_eventfd(d_fd);
    return item;
}

template <typename T>
void ringbuffer<T>::wait_briefly_for_item(std::chrono::nanoseconds limit) const
{
    ringbuffer_detail::spin_until_set(
        d_has_news,
        std::min(limit,
                 ringbuffer_detail::spin_for_typical_wait(
                     d_typical_wait_ns.load(std::memory_order_relaxed))));
}

template <typename T>
void ringbuffer<T>::wait_briefly_for_space() const
{
    ringbuffer_detail::spin_until_set(
        d_has_space,
        ringbuffer_detail::spin_for_typical_wait(
            d_typical_space_wait_ns.load(std::memory_order_relaxed)));
}

template <typename T>
void ringbuffer<T>::wake_consumer()
{
    d_not_empty.notify_one();
}

template <typename T>
void ringbuffer<T>::wake_producer()
{
    d_not_full.notify_one();
}

template <typename T>
bool ringbuffer<T>::try_push(T&& item)
{
    bool consumer_asleep;
    {
        std::lock_guard<spinning_mutex> lock(d_mutex);
        if (d_stopped)
            throw ringbuffer_stopped();
        if (d_count >= d_capacity)
            return false;
        push_back(std::move(item));
        consumer_asleep = d_sleeping_consumers > 0;
    }
    if (consumer_asleep)
        wake_consumer();
    return true;
}

template <typename T>
void ringbuffer<T>::push(T&& item, bool* blocked)
{
    bool waited = false;
    bool consumer_asleep;
    std::chrono::steady_clock::time_point wait_start;
    if (!d_has_space.load(std::memory_order_acquire)) {
        waited = true;
        wait_start = std::chrono::steady_clock::now();
        wait_briefly_for_space();
    }
    {
        std::unique_lock<spinning_mutex> lock(d_mutex);
        while (!d_stopped && d_count >= d_capacity) {
            if (!waited)
                wait_start = std::chrono::steady_clock::now();
            waited = true;
            d_sleeping_producers++;
            d_not_full.wait(lock);
            d_sleeping_producers--;
        }
        // Reported even when the wait ended in stop(): the caller did block.
        if (blocked)
            *blocked = waited;
        if (d_stopped)
            throw ringbuffer_stopped();
        push_back(std::move(item));
        consumer_asleep = d_sleeping_consumers > 0;
    }
    if (consumer_asleep)
        wake_consumer();
    if (waited)
        ringbuffer_detail::note_wait(d_typical_space_wait_ns, wait_start);
}

template <typename T>
T ringbuffer<T>::pop()
{
    // The clock is only read when there is a wait to learn from.
    const bool must_wait = !d_has_news.load(std::memory_order_acquire);
    std::chrono::steady_clock::time_point wait_start;
    if (must_wait) {
        wait_start = std::chrono::steady_clock::now();
        wait_briefly_for_item(std::chrono::nanoseconds::max());
    }
    std::unique_lock<spinning_mutex> lock(d_mutex);
    while (d_count == 0 && !d_stopped) {
        d_sleeping_consumers++;
        d_not_empty.wait(lock);
        d_sleeping_consumers--;
    }
    if (d_count == 0)
        throw ringbuffer_stopped();
    T item = take_front();
    const bool producer_asleep = d_sleeping_producers > 0;
    lock.unlock();
    if (producer_asleep)
        wake_producer();
    if (must_wait)
        ringbuffer_detail::note_wait(d_typical_wait_ns, wait_start);
    return item;
}

template <typename T>
T ringbuffer<T>::try_pop()
{
    std::unique_lock<spinning_mutex> lock(d_mutex);
    if (d_count == 0) {
        if (d_stopped)
            throw ringbuffer_stopped();
        throw ringbuffer_empty();
    }
    T item = take_front();
    const bool producer_asleep = d_sleeping_producers > 0;
    lock.unlock();
    if (producer_asleep)
        wake_producer();
    return item;
}

template <typename T>
std::optional<T> ringbuffer<T>::pop_for(std::chrono::steady_clock::duration timeout)
{
    using clock = std::chrono::steady_clock;
    const auto start = clock::now();
    // A deadline past the end of the clock (e.g. duration::max()) would overflow: that
    // is no deadline at all.
    const bool unbounded = timeout > clock::time_point::max() - start;
    const bool must_wait = !d_has_news.load(std::memory_order_acquire);
    if (must_wait)
        wait_briefly_for_item(timeout);
    std::unique_lock<spinning_mutex> lock(d_mutex);
    while (d_count == 0 && !d_stopped) {
        d_sleeping_consumers++;
        std::cv_status status = std::cv_status::no_timeout;
        if (unbounded)
            d_not_empty.wait(lock);
        else
            status = d_not_empty.wait_until(lock, start + timeout);
        d_sleeping_consumers--;
        if (status == std::cv_status::timeout && d_count == 0 && !d_stopped) {
            lock.unlock();
            // A long wait: the next one should not spin long either.
            ringbuffer_detail::note_wait(d_typical_wait_ns, start);
            return std::nullopt;
        }
    }
    if (d_count == 0)
        throw ringbuffer_stopped();
    std::optional<T> item(take_front());
    const bool producer_asleep = d_sleeping_producers > 0;
    lock.unlock();
    if (producer_asleep)
        wake_producer();
    if (must_wait)
        ringbuffer_detail::note_wait(d_typical_wait_ns, start);
    return item;
}

template <typename T>
void ringbuffer<T>::stop()
{
    {
        std::lock_guard<spinning_mutex> lock(d_mutex);
        if (d_stopped)
            return;
        d_stopped = true;
        d_has_news.store(true, std::memory_order_release);
        d_has_space.store(true, std::memory_order_release);
        // The extra count keeps the fd readable once the queue is drained, so that a
        // poll loop wakes up, pops, and learns of the stop.
        if (d_fd >= 0)
            ringbuffer_detail::raise_eventfd(d_fd);
    }
    d_not_empty.notify_all();
    d_not_full.notify_all();
}

template <typename T>
bool ringbuffer<T>::is_stopped() const
{
    std::lock_guard<spinning_mutex> lock(d_mutex);
    return d_stopped;
}

template <typename T>
std::size_t ringbuffer<T>::size() const
{
    std::lock_guard<spinning_mutex> lock(d_mutex);
    return d_count;
}

} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_RECV_RINGBUFFER_IMPL_H */
