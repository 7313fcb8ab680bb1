/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_RECV_RINGBUFFER_H
#define INCLUDED_SPEAD_RECV_RINGBUFFER_H

#include <gnuradio/spead/recv/spinning_mutex.h>
#include <condition_variable>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <vector>

namespace gr {
namespace spead {

/// The ring was stopped and (for a consumer) holds nothing more (spead2's Stopped).
class ringbuffer_stopped : public std::runtime_error
{
public:
    ringbuffer_stopped() : std::runtime_error("ringbuffer stopped") {}
};

/// A non-blocking pop found nothing (spead2's Empty).
class ringbuffer_empty : public std::runtime_error
{
public:
    ringbuffer_empty() : std::runtime_error("ringbuffer is empty") {}
};

/**
 * \brief Bounded queue between producer threads (stream workers) and a consumer, with a
 * file descriptor for event loops.
 *
 * After stop(), pushes throw ringbuffer_stopped, while pops still return what is queued
 * and throw ringbuffer_stopped once it is empty. fd() is readable while items are queued
 * or the ring is stopped, so asyncio (or any poll loop) can wait for it; it is an eventfd
 * in semaphore mode that every push raises by one and every pop lowers by one.
 *
 * Hand-off cost is what limits small heaps, so the common path makes no system call:
 * the eventfd is only made (and kept in step) once someone asks for fd(); a waiting
 * thread is only signalled when one is actually asleep; and a consumer that finds the
 * ring empty first spins before it sleeps: a few microseconds (a producer mid-burst
 * usually delivers within that time), or up to 200 us while items keep coming that
 * often, because waking a sleeping consumer costs the producer far more than that. A
 * producer that finds the ring full spins by the same rule before it sleeps.
 */
template <typename T>
class ringbuffer
{
public:
    /// \throws std::invalid_argument when \p capacity is 0.
    explicit ringbuffer(std::size_t capacity);
    ~ringbuffer();
    ringbuffer(const ringbuffer&) = delete;
    ringbuffer& operator=(const ringbuffer&) = delete;

    /// Adds \p item, or returns false when full. \throws ringbuffer_stopped.
    bool try_push(T&& item);
    /// Adds \p item, waiting while full; sets *\p blocked when it had to wait.
    /// \throws ringbuffer_stopped (also when stopped while waiting; item is dropped).
    void push(T&& item, bool* blocked = nullptr);

    /// Waits for an item. \throws ringbuffer_stopped when stopped and empty.
    T pop();
    /// \throws ringbuffer_empty when nothing is queued, ringbuffer_stopped when stopped
    /// and empty.
    T try_pop();
    /// Waits at most \p timeout; std::nullopt on time-out. \throws ringbuffer_stopped.
    std::optional<T> pop_for(std::chrono::steady_clock::duration timeout);

    /// Wakes every waiter; further pushes fail, queued items can still be popped.
    /// Idempotent.
    void stop();
    bool is_stopped() const;

    std::size_t size() const;
    std::size_t capacity() const { return d_capacity; }
    /// Readable while items are queued or after stop(). Made at the first call.
    /// \throws std::system_error when the eventfd cannot be made.
    int fd() const;

private:
    T take_front();           // with the lock held
    void push_back(T&& item); // with the lock held
    // The consumer's spin, without the lock: at most \p limit, and as long as its recent
    // waits suggest.
    void wait_briefly_for_item(std::chrono::nanoseconds limit) const;
    // The producer's spin, without the lock: as long as its recent waits suggest.
    void wait_briefly_for_space() const;
    void wake_consumer(); // after unlocking
    void wake_producer(); // after unlocking

    std::size_t d_capacity;
    mutable int d_fd = -1;
    mutable spinning_mutex d_mutex;
    std::condition_variable_any d_not_empty, d_not_full;
    // Circular storage whose slots are made as the queue first grows, then reused: a
    // push allocates nothing. (A deque allocated a block on the producer's thread every
    // few items and freed it on the consumer's.)
    std::vector<std::optional<T>> d_slots;
    std::size_t d_head = 0;  ///< slot of the oldest item
    std::size_t d_count = 0; ///< items queued
    bool d_stopped = false;
    // Threads asleep in a wait (guarded by d_mutex): nobody to signal means no syscall.
    std::size_t d_sleeping_consumers = 0;
    std::size_t d_sleeping_producers = 0;
    // Read without the lock by the spinning side only; written with the lock held. Each
    // on a cache line of its own, so that spinning does not fight over the mutex's line.
    alignas(64) std::atomic<bool> d_has_news{ false }; ///< items queued, or stopped
    alignas(64) std::atomic<bool> d_has_space{ true }; ///< room for an item, or stopped
    /// Consumers' typical wait for an item, in ns (written by consumers only).
    alignas(64) std::atomic<std::int64_t> d_typical_wait_ns{ 0 };
    /// Producers' typical wait for space, in ns (written by producers only).
    alignas(64) std::atomic<std::int64_t> d_typical_space_wait_ns{ 0 };
};

} // namespace spead
} // namespace gr

#include <gnuradio/spead/recv/ringbuffer_impl.h>

#endif /* INCLUDED_SPEAD_RECV_RINGBUFFER_H */
