/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_RECV_RINGBUFFER_H
#define INCLUDED_SPEAD_RECV_RINGBUFFER_H

#include "spinning_mutex.h"
#include <gnuradio/spead/recv/ringbuffer_errors.h>
#include <condition_variable>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <vector>

namespace gr {
namespace spead {
namespace recv {


/**
 * \brief (Private to the engine.) Bounded queue between producer threads (stream workers)
 * and a consumer, with a file descriptor for event loops.
 *
 * After stop(), pushes throw ringbuffer_stopped, while pops still return what is queued
 * and throw ringbuffer_stopped once it is empty. fd() is readable while items are queued
 * or the ring is stopped, so asyncio (or any poll loop) can wait for it; it is an eventfd
 * in semaphore mode that every push raises by one and every pop lowers by one.
 *
 * Hand-off cost is what limits small heaps, so the common path takes no shared lock
 * and makes no system call. Items sit in slots allocated once, at construction; the
 * producers' side and the consumers' side each advance their own counter, and a side
 * reads the other's counter only to see whether there is an item (or room). Producers
 * are serialised among themselves by a lock only they use, consumers likewise, so with
 * one thread on each side (a stream's worker and its consumer) neither lock is ever
 * contended. The eventfd is only made (and kept in step) once someone asks for fd(); a
 * waiting thread is only signalled when one is actually asleep; and a consumer that
 * finds the ring empty first spins before it sleeps: a few microseconds (a producer
 * mid-burst usually delivers within that time), or up to \p max_spin (default 200 us)
 * while items keep coming that often, because waking a sleeping consumer costs the
 * producer far more than that. A producer that finds the ring full spins by the same
 * rule before it sleeps. A \p max_spin of 0 never spins: each side sleeps as soon as it
 * has to wait (no CPU spent waiting, at the price of a wake-up per wait).
 */
template <typename T>
class ringbuffer
{
public:
    /// \throws std::invalid_argument when \p capacity is 0 or \p max_spin is negative.
    explicit ringbuffer(std::size_t capacity,
                        std::chrono::nanoseconds max_spin = RING_DEFAULT_MAX_SPIN);
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
    /// As try_pop(), but std::nullopt when nothing is queued: no exception on the path
    /// a polling consumer takes most often. \throws ringbuffer_stopped when stopped and
    /// empty.
    std::optional<T> pop_if_ready();
    /// Waits at most \p timeout; std::nullopt on time-out. \throws ringbuffer_stopped.
    std::optional<T> pop_for(std::chrono::steady_clock::duration timeout);

    /// Wakes every waiter; further pushes fail, queued items can still be popped.
    /// Idempotent.
    void stop();
    bool is_stopped() const;

    std::size_t size() const;
    std::size_t capacity() const { return d_capacity; }
    /// The longest a side spins before it sleeps.
    std::chrono::nanoseconds max_spin() const { return d_max_spin; }
    /// Readable while items are queued or after stop(). Made at the first call.
    /// \throws std::system_error when the eventfd cannot be made.
    int fd() const;

private:
    // With d_producer_mutex held: whether the ring is full (refreshing the cached
    // consumer position only when it looks full).
    bool full_locked();
    // With d_producer_mutex held, not stopped, not full: adds the item.
    void append_locked(T&& item);
    // With d_consumer_mutex held: the next item, or std::nullopt when there is none.
    std::optional<T> take_locked();
    // Takes the consumers' lock: the next item, or std::nullopt when there is none;
    // \throws ringbuffer_stopped when stopped and empty.
    std::optional<T> take_next();
    // Without either lock: waits until an item may be there or the ring stopped, or
    // until \p start + \p timeout; false on time-out.
    bool wait_for_item(std::chrono::steady_clock::time_point start,
                       std::chrono::steady_clock::duration timeout);
    // Without either lock: waits until there may be room or the ring stopped.
    void wait_for_space();
    bool has_item() const;  ///< an item is published (any thread)
    bool has_space() const; ///< a slot is free (any thread)
    void wake_consumers();  ///< after publishing an item (or stopping)
    void wake_producers();  ///< after freeing a slot (or stopping)

    const std::size_t d_capacity;
    const std::chrono::nanoseconds d_max_spin;
    /// d_capacity slots, made once; slot i % d_capacity holds item number i.
    std::vector<std::optional<T>> d_slots;

    /// Items published so far: written by producers (with d_producer_mutex), read by
    /// consumers. Each counter on a cache line of its own.
    alignas(64) std::atomic<std::uint64_t> d_tail{ 0 };
    /// Items taken so far: written by consumers (with d_consumer_mutex), read by
    /// producers.
    alignas(64) std::atomic<std::uint64_t> d_head{ 0 };

    /// The producers' side: their lock, and their last view of d_head.
    alignas(64) mutable spinning_mutex d_producer_mutex;
    std::uint64_t d_head_seen = 0;
    /// The consumers' side: their lock, and their last view of d_tail.
    alignas(64) mutable spinning_mutex d_consumer_mutex;
    std::uint64_t d_tail_seen = 0;

    alignas(64) std::atomic<bool> d_stopped{ false };
    /// Written with both side locks held (see fd()): each side may read it with its own.
    mutable std::atomic<int> d_fd{ -1 };

    // Sleeping, the slow path: a sleeper registers itself here, with d_sleep_mutex,
    // before its final check, and a waker that sees it registered takes d_sleep_mutex
    // before signalling, so that the signal cannot fall between check and sleep.
    alignas(64) std::mutex d_sleep_mutex;
    std::condition_variable d_item_ready, d_space_ready;
    std::atomic<std::size_t> d_sleeping_consumers{ 0 };
    std::atomic<std::size_t> d_sleeping_producers{ 0 };

    /// Consumers' typical wait for an item, in ns (written by consumers only).
    alignas(64) std::atomic<std::int64_t> d_typical_wait_ns{ 0 };
    /// Producers' typical wait for space, in ns (written by producers only).
    alignas(64) std::atomic<std::int64_t> d_typical_space_wait_ns{ 0 };
};

} // namespace recv
} // namespace spead
} // namespace gr

#include "ringbuffer_impl.h"

#endif /* INCLUDED_SPEAD_RECV_RINGBUFFER_H */
