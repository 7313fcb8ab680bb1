/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// Template definitions of ringbuffer<T>; included at the end of ringbuffer.h only.

#ifndef INCLUDED_SPEAD_RECV_RINGBUFFER_IMPL_H
#define INCLUDED_SPEAD_RECV_RINGBUFFER_IMPL_H

#include <fcntl.h>
#include <sys/eventfd.h>
#include <system_error>
#include <unistd.h>
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <thread>
#include <utility>

namespace gr {
namespace spead {
namespace recv {
namespace ringbuffer_detail {

/// Adds one to the eventfd counter. It cannot overflow (it counts queued items plus one),
/// so a failure is not possible in practice and is deliberately ignored.
inline void raise_eventfd(int fd)
{
    const std::uint64_t one = 1;
    while (::write(fd, &one, sizeof(one)) < 0 && errno == EINTR) {
    }
}

/// Subtracts one from the eventfd counter (semaphore mode reads exactly one). Returns
/// false when the counter was at zero (EAGAIN): the fd then is not readable.
inline bool lower_eventfd(int fd)
{
    std::uint64_t value;
    for (;;) {
        if (::read(fd, &value, sizeof(value)) == sizeof(value))
            return true;
        if (errno != EINTR)
            return false;
    }
}

/// The shortest spin of a side whose recent waits were short: covers the gap between
/// heaps of a burst (a few microseconds).
constexpr std::chrono::microseconds RING_MIN_SPIN{ 20 };

/**
 * How long a side of the ring spins, given its typical wait (nanoseconds) and the
 * longest spin allowed (RING_DEFAULT_MAX_SPIN unless configured). A side whose recent
 * waits were at most \p max_spin spins for twice its typical wait (RING_MIN_SPIN at
 * least), so that it is awake when the next item (or slot) comes. One whose waits are
 * longer sleeps at once: a short spin would rarely see the item come, and measured with
 * 1 MiB heaps at 5 Gb/s (a heap every 1.7 ms) even a 20 us spin per wait cost the
 * receiving process 15 % more CPU per byte. Never more than \p max_spin: 0 means no spin
 * at all.
 */
inline std::chrono::nanoseconds spin_for_typical_wait(std::int64_t typical_wait_ns,
                                                      std::chrono::nanoseconds max_spin)
{
    const std::chrono::nanoseconds typical(typical_wait_ns);
    if (typical > max_spin)
        return std::chrono::nanoseconds::zero();
    const std::chrono::nanoseconds min_spin =
        std::min<std::chrono::nanoseconds>(RING_MIN_SPIN, max_spin);
    return std::clamp<std::chrono::nanoseconds>(2 * typical, min_spin, max_spin);
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

/// How long a thread keeps its verdict on whether spinning pays (see spin_pays).
constexpr std::chrono::milliseconds SPIN_VERDICT_LIFETIME{ 5 };

/// One thread's last verdict on spinning (see spin_pays).
struct spin_verdict {
    std::chrono::steady_clock::time_point expires{};
    bool pays = true;
};

/**
 * Whether a thread waiting for the other side of a ring should spin at \p now: only
 * while no more threads are runnable than there are CPUs (\p count_load gives both;
 * read at most every SPIN_VERDICT_LIFETIME). On a saturated machine a spinner takes CPU
 * time from the thread it waits for, and the scheduler ranks it behind threads that
 * slept when it is next woken; sleeping at once costs only the wake-up.
 */
template <typename CountLoad>
bool spin_pays(spin_verdict& v,
               std::chrono::steady_clock::time_point now,
               CountLoad count_load)
{
    if (now < v.expires)
        return v.pays;
    v.expires = now + SPIN_VERDICT_LIFETIME;
    long runnable = 0;
    long cpus = 0;
    count_load(runnable, cpus);
    v.pays = runnable <= 0 || cpus <= 0 || runnable <= cpus;
    return v.pays;
}

/// Threads runnable now on this machine (this one included) and the CPUs online; 0 for
/// what cannot be read.
inline void machine_load(long& runnable, long& cpus)
{
    runnable = 0;
    // Read once: glibc opens a /sys file for it each time, and this runs every few
    // milliseconds on a busy ring (CPUs going on- or offline later are not noticed).
    static const long online_cpus = sysconf(_SC_NPROCESSORS_ONLN);
    cpus = online_cpus;
    // /proc/loadavg: "0.50 0.40 0.30 RUNNABLE/TOTAL LASTPID"
    const int fd = ::open("/proc/loadavg", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    char text[128];
    const ssize_t n = ::read(fd, text, sizeof(text) - 1);
    ::close(fd);
    if (n <= 0)
        return;
    text[n] = '\0';
    double load[3];
    long total = 0;
    if (std::sscanf(text,
                    "%lf %lf %lf %ld/%ld",
                    &load[0],
                    &load[1],
                    &load[2],
                    &runnable,
                    &total) != 5)
        runnable = 0;
}

/// Spins until \p ready() or \p spin has passed, unless the machine's CPUs are all
/// taken (see spin_pays).
template <typename Ready>
void spin_until(Ready ready, std::chrono::nanoseconds spin)
{
    if (spin <= std::chrono::nanoseconds::zero())
        return; // no spin: the caller checks and sleeps
    thread_local spin_verdict verdict;
    if (!spin_pays(verdict, std::chrono::steady_clock::now(), machine_load))
        return;
    using clock = std::chrono::steady_clock;
    const auto deadline = clock::now() + spin;
    for (unsigned i = 1;; i++) {
        if (ready())
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

/**
 * The slow path of a wait: sleeps on \p cv until \p ready() or \p deadline (none when
 * null), registered in \p sleepers while it does; returns ready(). The registration
 * comes before the last check, with a fence that pairs with wake_one_if_asleep()'s:
 * either this side sees what the waker published, or the waker sees it registered.
 */
template <typename Ready>
bool sleep_until_ready(std::mutex& mutex,
                       std::condition_variable& cv,
                       std::atomic<std::size_t>& sleepers,
                       Ready ready,
                       const std::chrono::steady_clock::time_point* deadline)
{
    std::unique_lock<std::mutex> lock(mutex);
    sleepers.fetch_add(1);
    std::atomic_thread_fence(std::memory_order_seq_cst);
    bool is_ready = ready();
    while (!is_ready) {
        if (!deadline)
            cv.wait(lock);
        else if (cv.wait_until(lock, *deadline) == std::cv_status::timeout) {
            is_ready = ready();
            break;
        }
        is_ready = ready();
    }
    sleepers.fetch_sub(1);
    return is_ready;
}

/// Wakes one thread sleeping in sleep_until_ready() on \p cv, if any; called after
/// publishing what it waits for.
inline void wake_one_if_asleep(std::mutex& mutex,
                               std::condition_variable& cv,
                               const std::atomic<std::size_t>& sleepers)
{
    std::atomic_thread_fence(std::memory_order_seq_cst);
    if (sleepers.load(std::memory_order_relaxed) > 0) {
        // Taking the lock orders this with a sleeper between its check and its wait.
        {
            std::lock_guard<std::mutex> lock(mutex);
        }
        cv.notify_one();
    }
}

} // namespace ringbuffer_detail

// Once fd() has been called, the eventfd counter is the number of queued items, plus one
// once stopped. A producer raises it just after it publishes an item (still holding the
// producers' lock) and a consumer lowers it after taking one, so the counter never
// exceeds the items queued: a readable fd means a pop will not wait. A consumer quick
// enough to take an item before its producer raised the count waits for that producer
// to finish (see take_locked).

template <typename T>
ringbuffer<T>::ringbuffer(std::size_t capacity, std::chrono::nanoseconds max_spin)
    : d_capacity(capacity), d_max_spin(max_spin)
{
    if (capacity == 0)
        throw std::invalid_argument("ringbuffer capacity must be at least 1 (got 0)");
    if (max_spin < std::chrono::nanoseconds::zero())
        throw std::invalid_argument("ringbuffer max_spin must not be negative (got " +
                                    std::to_string(max_spin.count()) + " ns)");
    d_slots.resize(capacity);
}

template <typename T>
ringbuffer<T>::~ringbuffer()
{
    const int fd = d_fd.load();
    if (fd >= 0)
        ::close(fd);
}

template <typename T>
int ringbuffer<T>::fd() const
{
    // Both sides' locks: no item enters or leaves while the counter is set up.
    std::lock_guard<spinning_mutex> consumer_lock(d_consumer_mutex);
    std::lock_guard<spinning_mutex> producer_lock(d_producer_mutex);
    int fd = d_fd.load();
    if (fd < 0) {
        const std::uint64_t head = d_head.load();
        const unsigned int initial =
            unsigned(d_tail.load() - head) + (d_stopped.load() ? 1 : 0);
        fd = ::eventfd(initial, EFD_SEMAPHORE | EFD_NONBLOCK | EFD_CLOEXEC);
        if (fd < 0)
            throw std::system_error(
                errno, std::generic_category(), "ringbuffer: eventfd");
        d_fd.store(fd);
    }
    return fd;
}

template <typename T>
bool ringbuffer<T>::has_item() const
{
    return d_tail.load(std::memory_order_acquire) !=
           d_head.load(std::memory_order_relaxed);
}

template <typename T>
bool ringbuffer<T>::has_space() const
{
    return d_tail.load(std::memory_order_relaxed) -
               d_head.load(std::memory_order_acquire) <
           d_capacity;
}

template <typename T>
bool ringbuffer<T>::full_locked()
{
    const std::uint64_t tail = d_tail.load(std::memory_order_relaxed);
    if (tail - d_head_seen < d_capacity)
        return false;
    d_head_seen = d_head.load(std::memory_order_acquire);
    return tail - d_head_seen >= d_capacity;
}

template <typename T>
void ringbuffer<T>::append_locked(T&& item)
{
    const std::uint64_t tail = d_tail.load(std::memory_order_relaxed);
    d_slots[tail % d_capacity].emplace(std::move(item));
    d_tail.store(tail + 1, std::memory_order_release);
    const int fd = d_fd.load(std::memory_order_relaxed);
    if (fd >= 0)
        ringbuffer_detail::raise_eventfd(fd);
}

template <typename T>
std::optional<T> ringbuffer<T>::take_locked()
{
    const std::uint64_t head = d_head.load(std::memory_order_relaxed);
    if (head == d_tail_seen) {
        d_tail_seen = d_tail.load(std::memory_order_acquire);
        if (head == d_tail_seen)
            return std::nullopt;
    }
    std::optional<T>& slot = d_slots[head % d_capacity];
    std::optional<T> item(std::move(*slot));
    slot.reset(); // the item's resources go with the item, not with the slot
    d_head.store(head + 1, std::memory_order_release);
    const int fd = d_fd.load(std::memory_order_relaxed);
    if (fd >= 0 && !ringbuffer_detail::lower_eventfd(fd)) {
        // The producer has published the item but not yet raised the count: it still
        // holds its lock, and has raised it once we get the lock.
        {
            std::lock_guard<spinning_mutex> lock(d_producer_mutex);
        }
        ringbuffer_detail::lower_eventfd(fd);
    }
    return item;
}

template <typename T>
void ringbuffer<T>::wake_consumers()
{
    ringbuffer_detail::wake_one_if_asleep(
        d_sleep_mutex, d_item_ready, d_sleeping_consumers);
}

template <typename T>
void ringbuffer<T>::wake_producers()
{
    ringbuffer_detail::wake_one_if_asleep(
        d_sleep_mutex, d_space_ready, d_sleeping_producers);
}

template <typename T>
bool ringbuffer<T>::wait_for_item(std::chrono::steady_clock::time_point start,
                                  std::chrono::steady_clock::duration timeout)
{
    using clock = std::chrono::steady_clock;
    // A deadline past the end of the clock (e.g. duration::max()) would overflow: that
    // is no deadline at all.
    const bool unbounded = timeout > clock::time_point::max() - start;
    const auto ready = [this] { return has_item() || d_stopped.load(); };
    const std::chrono::nanoseconds limit =
        unbounded ? std::chrono::nanoseconds::max()
                  : std::chrono::duration_cast<std::chrono::nanoseconds>(start + timeout -
                                                                         clock::now());
    ringbuffer_detail::spin_until(
        ready,
        std::min(limit,
                 ringbuffer_detail::spin_for_typical_wait(
                     d_typical_wait_ns.load(std::memory_order_relaxed), d_max_spin)));
    const auto deadline = unbounded ? clock::time_point::max() : start + timeout;
    return ringbuffer_detail::sleep_until_ready(d_sleep_mutex,
                                                d_item_ready,
                                                d_sleeping_consumers,
                                                ready,
                                                unbounded ? nullptr : &deadline);
}

template <typename T>
void ringbuffer<T>::wait_for_space()
{
    const auto ready = [this] { return has_space() || d_stopped.load(); };
    ringbuffer_detail::spin_until(
        ready,
        ringbuffer_detail::spin_for_typical_wait(
            d_typical_space_wait_ns.load(std::memory_order_relaxed), d_max_spin));
    ringbuffer_detail::sleep_until_ready(
        d_sleep_mutex, d_space_ready, d_sleeping_producers, ready, nullptr);
}

template <typename T>
bool ringbuffer<T>::try_push(T&& item)
{
    {
        std::lock_guard<spinning_mutex> lock(d_producer_mutex);
        if (d_stopped.load())
            throw ringbuffer_stopped();
        if (full_locked())
            return false;
        append_locked(std::move(item));
    }
    wake_consumers();
    return true;
}

template <typename T>
void ringbuffer<T>::push(T&& item, bool* blocked)
{
    bool waited = false;
    std::chrono::steady_clock::time_point wait_start;
    for (;;) {
        {
            std::lock_guard<spinning_mutex> lock(d_producer_mutex);
            // Reported even when the wait ended in stop(): the caller did block.
            if (blocked)
                *blocked = waited;
            if (d_stopped.load())
                throw ringbuffer_stopped();
            if (!full_locked()) {
                append_locked(std::move(item));
                break;
            }
        }
        if (!waited) {
            waited = true;
            wait_start = std::chrono::steady_clock::now();
        }
        wait_for_space();
    }
    wake_consumers();
    if (waited)
        ringbuffer_detail::note_wait(d_typical_space_wait_ns, wait_start);
}

template <typename T>
T ringbuffer<T>::pop()
{
    // No deadline: only an item or ringbuffer_stopped ends the wait.
    return std::move(*pop_for(std::chrono::steady_clock::duration::max()));
}

template <typename T>
std::optional<T> ringbuffer<T>::take_next()
{
    std::optional<T> item;
    {
        std::lock_guard<spinning_mutex> lock(d_consumer_mutex);
        item = take_locked();
        // Stopped is read before looking again: a stop comes after the last push.
        if (!item && d_stopped.load()) {
            item = take_locked();
            if (!item)
                throw ringbuffer_stopped();
        }
    }
    if (item)
        wake_producers();
    return item;
}

template <typename T>
T ringbuffer<T>::try_pop()
{
    std::optional<T> item = take_next();
    if (!item)
        throw ringbuffer_empty();
    return std::move(*item);
}

template <typename T>
std::optional<T> ringbuffer<T>::pop_if_ready()
{
    return take_next();
}

template <typename T>
std::optional<T> ringbuffer<T>::pop_for(std::chrono::steady_clock::duration timeout)
{
    using clock = std::chrono::steady_clock;
    // The clock is only read when there is a wait to learn from (or to time).
    std::optional<clock::time_point> start;
    if (!has_item())
        start = clock::now();
    for (;;) {
        std::optional<T> item = take_next();
        if (item) {
            if (start)
                ringbuffer_detail::note_wait(d_typical_wait_ns, *start);
            return item;
        }
        if (!start)
            start = clock::now();
        if (!wait_for_item(*start, timeout)) {
            // A long wait: the next one should not spin long either.
            ringbuffer_detail::note_wait(d_typical_wait_ns, *start);
            return std::nullopt;
        }
    }
}

template <typename T>
void ringbuffer<T>::stop()
{
    {
        // With the producers' lock: no push is half done, and fd() sees the stop and
        // its count together.
        std::lock_guard<spinning_mutex> lock(d_producer_mutex);
        if (d_stopped.load())
            return;
        d_stopped.store(true);
        // The extra count keeps the fd readable once the queue is drained, so that a
        // poll loop wakes up, pops, and learns of the stop.
        const int fd = d_fd.load();
        if (fd >= 0)
            ringbuffer_detail::raise_eventfd(fd);
    }
    {
        std::lock_guard<std::mutex> lock(d_sleep_mutex);
    }
    d_item_ready.notify_all();
    d_space_ready.notify_all();
}

template <typename T>
bool ringbuffer<T>::is_stopped() const
{
    return d_stopped.load();
}

template <typename T>
std::size_t ringbuffer<T>::size() const
{
    // The head first: read the other way round, a pop in between could make it pass
    // the tail.
    const std::uint64_t head = d_head.load();
    return std::size_t(std::min<std::uint64_t>(d_tail.load() - head, d_capacity));
}

} // namespace recv
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_RECV_RINGBUFFER_IMPL_H */
