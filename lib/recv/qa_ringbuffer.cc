/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "ringbuffer.h"
#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>
#include <fcntl.h>
#include <poll.h>
#include <time.h>
#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

using namespace gr::spead::recv;
using namespace std::chrono_literals;

namespace {

/// Upper bound on any wait in these tests: a correct ring answers in microseconds, so
/// reaching it means a lost wake-up, and the test fails instead of hanging.
constexpr auto deadline = 5s;

/// Time given to another thread to reach its wait before the main thread acts. Long
/// enough that a thread which has announced itself is certainly blocked inside the ring.
constexpr auto settle = 50ms;

/// True when poll() finds \p fd readable right now.
bool readable(int fd)
{
    pollfd p{ fd, POLLIN, 0 };
    const int n = ::poll(&p, 1, 0);
    return n == 1 && (p.revents & POLLIN);
}

template <typename R>
bool finished(std::future<R>& f, std::chrono::milliseconds wait = 0ms)
{
    return f.wait_for(wait) == std::future_status::ready;
}

} // namespace

class qa_ringbuffer : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(qa_ringbuffer);
    CPPUNIT_TEST(test_fifo_order);
    CPPUNIT_TEST(test_fifo_across_wrap_and_growth);
    CPPUNIT_TEST(test_popped_item_not_retained);
    CPPUNIT_TEST(test_capacity_and_try_push_when_full);
    CPPUNIT_TEST(test_zero_capacity_rejected);
    CPPUNIT_TEST(test_try_pop_empty);
    CPPUNIT_TEST(test_pop_if_ready);
    CPPUNIT_TEST(test_stop_then_drain);
    CPPUNIT_TEST(test_stop_is_idempotent);
    CPPUNIT_TEST(test_push_after_stop_throws);
    CPPUNIT_TEST(test_push_without_waiting_reports_not_blocked);
    CPPUNIT_TEST(test_blocked_pusher_woken_by_pop);
    CPPUNIT_TEST(test_blocked_pusher_woken_by_stop);
    CPPUNIT_TEST(test_blocked_popper_woken_by_push);
    CPPUNIT_TEST(test_blocked_popper_woken_by_stop);
    CPPUNIT_TEST(test_stop_wakes_every_waiter);
    CPPUNIT_TEST(test_pop_for_times_out);
    CPPUNIT_TEST(test_pop_for_returns_queued_item);
    CPPUNIT_TEST(test_pop_for_unbounded_timeout);
    CPPUNIT_TEST(test_pop_for_after_stop);
    CPPUNIT_TEST(test_fd_tracks_queue);
    CPPUNIT_TEST(test_fd_made_late_matches_queue);
    CPPUNIT_TEST(test_fd_readable_after_stop);
    CPPUNIT_TEST(test_fd_is_nonblocking_cloexec);
    CPPUNIT_TEST(test_move_only_items);
    CPPUNIT_TEST(test_many_producers_one_consumer);
    CPPUNIT_TEST(test_two_producers_two_consumers);
    CPPUNIT_TEST(test_readable_fd_means_a_pop_does_not_wait);
    CPPUNIT_TEST(test_spin_follows_typical_wait_up_to_max_spin);
    CPPUNIT_TEST(test_negative_max_spin_rejected);
    CPPUNIT_TEST(test_no_spin_while_cpus_are_all_taken);
    CPPUNIT_TEST_SUITE_END();

public:
    void test_fifo_order()
    {
        ringbuffer<int> ring(4);
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), ring.size());
        CPPUNIT_ASSERT(ring.try_push(1));
        ring.push(2);
        CPPUNIT_ASSERT(ring.try_push(3));
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), ring.size());
        CPPUNIT_ASSERT_EQUAL(1, ring.pop());
        CPPUNIT_ASSERT_EQUAL(2, ring.try_pop());
        CPPUNIT_ASSERT_EQUAL(3, *ring.pop_for(0s));
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), ring.size());
        CPPUNIT_ASSERT(!ring.is_stopped());
    }

    void test_fifo_across_wrap_and_growth()
    {
        // The storage is circular (10 slots, a capacity that is not a power of two):
        // order must survive the queue wrapping round, again and again.
        ringbuffer<int> ring(10);
        int next_in = 0, next_out = 0;
        auto push_n = [&](int n) {
            for (int i = 0; i < n; i++)
                CPPUNIT_ASSERT(ring.try_push(next_in++));
        };
        auto pop_n = [&](int n) {
            for (int i = 0; i < n; i++)
                CPPUNIT_ASSERT_EQUAL(next_out++, ring.try_pop());
        };
        for (int round = 0; round < 3; round++) {
            push_n(3);
            pop_n(2); // the oldest item is no longer in the first slot
            push_n(6);
            pop_n(5);
            push_n(8); // fills to the capacity across the wrap
            CPPUNIT_ASSERT_EQUAL(std::size_t(10), ring.size());
            CPPUNIT_ASSERT(!ring.try_push(-1));
            pop_n(10);
            CPPUNIT_ASSERT_EQUAL(std::size_t(0), ring.size());
        }
        CPPUNIT_ASSERT_EQUAL(next_in, next_out);
    }

    void test_popped_item_not_retained()
    {
        // A heap's memory goes back to its pool when the consumer drops the heap: the
        // ring must not keep a copy (or a moved-from shell that still owns it) in a slot.
        ringbuffer<std::shared_ptr<int>> ring(2);
        auto item = std::make_shared<int>(7);
        std::weak_ptr<int> watch = item;
        ring.push(std::move(item));
        {
            std::shared_ptr<int> popped = ring.pop();
            CPPUNIT_ASSERT_EQUAL(7, *popped);
        }
        CPPUNIT_ASSERT(watch.expired());
    }

    void test_capacity_and_try_push_when_full()
    {
        ringbuffer<int> ring(3);
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), ring.capacity());
        for (int i = 0; i < 3; ++i)
            CPPUNIT_ASSERT(ring.try_push(int(i)));
        CPPUNIT_ASSERT(!ring.try_push(99));
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), ring.size());
        // The refused item did not sneak in: the three queued come out, then nothing.
        CPPUNIT_ASSERT_EQUAL(0, ring.pop());
        CPPUNIT_ASSERT(ring.try_push(3)); // room again
        CPPUNIT_ASSERT_EQUAL(1, ring.pop());
        CPPUNIT_ASSERT_EQUAL(2, ring.pop());
        CPPUNIT_ASSERT_EQUAL(3, ring.pop());
        CPPUNIT_ASSERT_THROW(ring.try_pop(), ringbuffer_empty);
    }

    void test_zero_capacity_rejected()
    {
        CPPUNIT_ASSERT_THROW(ringbuffer<int> ring(0), std::invalid_argument);
    }

    void test_try_pop_empty()
    {
        ringbuffer<int> ring(2);
        CPPUNIT_ASSERT_THROW(ring.try_pop(), ringbuffer_empty);
        ring.push(5);
        CPPUNIT_ASSERT_EQUAL(5, ring.try_pop());
        CPPUNIT_ASSERT_THROW(ring.try_pop(), ringbuffer_empty);
    }

    void test_pop_if_ready()
    {
        ringbuffer<int> ring(2);
        CPPUNIT_ASSERT(!ring.pop_if_ready()); // empty: no item, no exception
        ring.push(5);
        ring.push(6);
        CPPUNIT_ASSERT_EQUAL(5, *ring.pop_if_ready());
        // It made room: a pusher can add again.
        CPPUNIT_ASSERT(ring.try_push(7));
        CPPUNIT_ASSERT_EQUAL(6, *ring.pop_if_ready());
        ring.stop();
        // Queued items still come out after the stop; then the stop is reported.
        CPPUNIT_ASSERT_EQUAL(7, *ring.pop_if_ready());
        CPPUNIT_ASSERT_THROW(ring.pop_if_ready(), ringbuffer_stopped);
    }

    void test_stop_then_drain()
    {
        ringbuffer<int> ring(4);
        ring.push(10);
        ring.push(11);
        ring.push(12);
        ring.stop();
        CPPUNIT_ASSERT(ring.is_stopped());
        // What was queued before the stop still comes out, by every kind of pop...
        CPPUNIT_ASSERT_EQUAL(10, ring.pop());
        CPPUNIT_ASSERT_EQUAL(11, ring.try_pop());
        CPPUNIT_ASSERT_EQUAL(12, *ring.pop_for(0s));
        // ...and then every kind of pop reports the stop, not emptiness.
        CPPUNIT_ASSERT_THROW(ring.pop(), ringbuffer_stopped);
        CPPUNIT_ASSERT_THROW(ring.try_pop(), ringbuffer_stopped);
        CPPUNIT_ASSERT_THROW(ring.pop_for(10ms), ringbuffer_stopped);
        CPPUNIT_ASSERT_THROW(ring.pop(), ringbuffer_stopped); // stays stopped
    }

    void test_stop_is_idempotent()
    {
        ringbuffer<int> ring(2);
        ring.push(1);
        ring.stop();
        ring.stop();
        CPPUNIT_ASSERT_EQUAL(1, ring.pop());
        CPPUNIT_ASSERT_THROW(ring.pop(), ringbuffer_stopped);
        // A second stop must not have left an extra count that makes the fd lie later:
        // the fd is readable (stopped), which is all it may say.
        CPPUNIT_ASSERT(readable(ring.fd()));
    }

    void test_push_after_stop_throws()
    {
        ringbuffer<int> ring(2);
        ring.stop();
        CPPUNIT_ASSERT_THROW(ring.push(1), ringbuffer_stopped);
        CPPUNIT_ASSERT_THROW(ring.try_push(2), ringbuffer_stopped);
        bool blocked = true;
        CPPUNIT_ASSERT_THROW(ring.push(3, &blocked), ringbuffer_stopped);
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), ring.size());
        CPPUNIT_ASSERT_THROW(ring.pop(), ringbuffer_stopped);
    }

    void test_push_without_waiting_reports_not_blocked()
    {
        ringbuffer<int> ring(1);
        bool blocked = true;
        ring.push(1, &blocked);
        CPPUNIT_ASSERT(!blocked);
    }

    void test_blocked_pusher_woken_by_pop()
    {
        ringbuffer<int> ring(1);
        ring.push(1);
        std::atomic<bool> started{ false };
        bool blocked = false;
        auto pusher = std::async(std::launch::async, [&] {
            started = true;
            ring.push(2, &blocked);
        });
        while (!started)
            std::this_thread::yield();
        std::this_thread::sleep_for(settle);
        CPPUNIT_ASSERT_MESSAGE("push into a full ring returned", !finished(pusher));

        CPPUNIT_ASSERT_EQUAL(1, ring.pop());
        const bool woke = finished(pusher, deadline);
        if (!woke)
            ring.stop(); // release the thread before failing
        CPPUNIT_ASSERT_MESSAGE("pop did not wake the blocked pusher", woke);
        pusher.get();
        CPPUNIT_ASSERT(blocked);
        CPPUNIT_ASSERT_EQUAL(2, ring.try_pop());
    }

    void test_blocked_pusher_woken_by_stop()
    {
        ringbuffer<int> ring(1);
        ring.push(1);
        std::atomic<bool> started{ false };
        bool blocked = false;
        auto pusher = std::async(std::launch::async, [&] {
            started = true;
            ring.push(2, &blocked);
        });
        while (!started)
            std::this_thread::yield();
        std::this_thread::sleep_for(settle);
        CPPUNIT_ASSERT(!finished(pusher));

        ring.stop();
        const bool woke = finished(pusher, deadline);
        if (!woke)
            ring.pop(); // release the thread before failing
        CPPUNIT_ASSERT_MESSAGE("stop did not wake the blocked pusher", woke);
        CPPUNIT_ASSERT_THROW(pusher.get(), ringbuffer_stopped);
        CPPUNIT_ASSERT(blocked);
        // The item queued before the stop is still there; the refused one is not.
        CPPUNIT_ASSERT_EQUAL(1, ring.pop());
        CPPUNIT_ASSERT_THROW(ring.pop(), ringbuffer_stopped);
    }

    void test_blocked_popper_woken_by_push()
    {
        ringbuffer<int> ring(2);
        auto popper = std::async(std::launch::async, [&] { return ring.pop(); });
        std::this_thread::sleep_for(settle);
        CPPUNIT_ASSERT_MESSAGE("pop from an empty ring returned", !finished(popper));

        ring.push(42);
        const bool woke = finished(popper, deadline);
        if (!woke)
            ring.stop();
        CPPUNIT_ASSERT_MESSAGE("push did not wake the blocked popper", woke);
        CPPUNIT_ASSERT_EQUAL(42, popper.get());
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), ring.size());
    }

    void test_blocked_popper_woken_by_stop()
    {
        ringbuffer<int> ring(2);
        auto popper = std::async(std::launch::async, [&] { return ring.pop(); });
        std::this_thread::sleep_for(settle);
        CPPUNIT_ASSERT(!finished(popper));

        ring.stop();
        const bool woke = finished(popper, deadline);
        CPPUNIT_ASSERT_MESSAGE("stop did not wake the blocked popper", woke);
        CPPUNIT_ASSERT_THROW(popper.get(), ringbuffer_stopped);
    }

    void test_stop_wakes_every_waiter()
    {
        // Several consumers wait on an empty ring: one stop must release them all, not
        // just one. They wait with a time-out so that a lost wake-up fails the test
        // (nullopt instead of ringbuffer_stopped) rather than hanging it.
        ringbuffer<int> ring(2);
        std::vector<std::future<std::optional<int>>> poppers;
        for (int i = 0; i < 4; ++i)
            poppers.push_back(std::async(std::launch::async,
                                         [&ring] { return ring.pop_for(deadline); }));
        std::this_thread::sleep_for(settle);
        const auto start = std::chrono::steady_clock::now();
        ring.stop();
        for (auto& p : poppers)
            CPPUNIT_ASSERT_THROW(p.get(), ringbuffer_stopped);
        CPPUNIT_ASSERT(std::chrono::steady_clock::now() - start < deadline / 2);
    }

    void test_pop_for_times_out()
    {
        ringbuffer<int> ring(2);
        const auto timeout = 30ms;
        const auto start = std::chrono::steady_clock::now();
        const auto result = ring.pop_for(timeout);
        const auto elapsed = std::chrono::steady_clock::now() - start;
        CPPUNIT_ASSERT(!result.has_value());
        CPPUNIT_ASSERT(elapsed >= timeout);
        CPPUNIT_ASSERT(elapsed < deadline);
        // A zero or negative timeout is a poll, not an error.
        CPPUNIT_ASSERT(!ring.pop_for(0s).has_value());
        CPPUNIT_ASSERT(!ring.pop_for(-1s).has_value());
    }

    void test_pop_for_returns_queued_item()
    {
        ringbuffer<int> ring(2);
        ring.push(7);
        const auto start = std::chrono::steady_clock::now();
        const auto result = ring.pop_for(deadline);
        CPPUNIT_ASSERT(std::chrono::steady_clock::now() - start < 1s);
        CPPUNIT_ASSERT(result.has_value());
        CPPUNIT_ASSERT_EQUAL(7, *result);

        // An item pushed while pop_for waits ends the wait.
        auto popper =
            std::async(std::launch::async, [&] { return ring.pop_for(deadline); });
        std::this_thread::sleep_for(settle);
        ring.push(8);
        CPPUNIT_ASSERT(finished(popper, deadline));
        const auto late = popper.get();
        CPPUNIT_ASSERT(late.has_value());
        CPPUNIT_ASSERT_EQUAL(8, *late);
    }

    void test_pop_for_unbounded_timeout()
    {
        // duration::max() must not overflow into a deadline in the past.
        ringbuffer<int> ring(2);
        ring.push(3);
        const auto result = ring.pop_for(std::chrono::steady_clock::duration::max());
        CPPUNIT_ASSERT(result.has_value());
        CPPUNIT_ASSERT_EQUAL(3, *result);

        auto popper = std::async(std::launch::async, [&] {
            return ring.pop_for(std::chrono::steady_clock::duration::max());
        });
        std::this_thread::sleep_for(settle);
        CPPUNIT_ASSERT_MESSAGE("pop_for(max) returned early", !finished(popper));
        ring.push(4);
        CPPUNIT_ASSERT(finished(popper, deadline));
        const auto late = popper.get();
        CPPUNIT_ASSERT(late.has_value());
        CPPUNIT_ASSERT_EQUAL(4, *late);
    }

    void test_pop_for_after_stop()
    {
        ringbuffer<int> ring(2);
        ring.push(1);
        ring.stop();
        CPPUNIT_ASSERT_EQUAL(1, *ring.pop_for(deadline));
        const auto start = std::chrono::steady_clock::now();
        CPPUNIT_ASSERT_THROW(ring.pop_for(deadline), ringbuffer_stopped);
        // It reports the stop at once instead of waiting out the timeout.
        CPPUNIT_ASSERT(std::chrono::steady_clock::now() - start < 1s);
    }

    void test_fd_tracks_queue()
    {
        ringbuffer<int> ring(4);
        CPPUNIT_ASSERT(ring.fd() >= 0);
        CPPUNIT_ASSERT(!readable(ring.fd()));
        ring.push(1);
        CPPUNIT_ASSERT(readable(ring.fd()));
        ring.pop();
        CPPUNIT_ASSERT(!readable(ring.fd()));

        // One count per item: readable until the last one leaves, whichever pop takes it.
        ring.push(1);
        CPPUNIT_ASSERT(ring.try_push(2));
        ring.push(3);
        ring.pop();
        CPPUNIT_ASSERT(readable(ring.fd()));
        ring.try_pop();
        CPPUNIT_ASSERT(readable(ring.fd()));
        ring.pop_for(0s);
        CPPUNIT_ASSERT(!readable(ring.fd()));

        // A refused push or a failed pop leaves the count alone.
        CPPUNIT_ASSERT_THROW(ring.try_pop(), ringbuffer_empty);
        CPPUNIT_ASSERT(!readable(ring.fd()));
        for (int i = 0; i < 4; ++i)
            ring.push(int(i));
        CPPUNIT_ASSERT(!ring.try_push(4));
        for (int i = 0; i < 4; ++i) {
            CPPUNIT_ASSERT(readable(ring.fd()));
            ring.pop();
        }
        CPPUNIT_ASSERT(!readable(ring.fd()));
    }

    void test_fd_made_late_matches_queue()
    {
        // The eventfd only exists once asked for: it must start in step with what is
        // already queued (an event loop may attach to a stream that is already running).
        ringbuffer<int> ring(4);
        ring.push(1);
        ring.push(2);
        const int fd = ring.fd();
        CPPUNIT_ASSERT(readable(fd));
        ring.pop();
        CPPUNIT_ASSERT(readable(fd));
        ring.pop();
        CPPUNIT_ASSERT(!readable(fd));
        CPPUNIT_ASSERT_EQUAL(fd, ring.fd()); // made once

        ringbuffer<int> stopped(2);
        stopped.push(7);
        stopped.stop();
        const int stopped_fd = stopped.fd();
        CPPUNIT_ASSERT(readable(stopped_fd));
        CPPUNIT_ASSERT_EQUAL(7, stopped.pop());
        CPPUNIT_ASSERT(readable(stopped_fd)); // stopped: stays readable
        CPPUNIT_ASSERT_THROW(stopped.pop(), ringbuffer_stopped);
    }

    void test_fd_readable_after_stop()
    {
        ringbuffer<int> ring(4);
        ring.push(1);
        ring.push(2);
        ring.stop();
        CPPUNIT_ASSERT(readable(ring.fd()));
        ring.pop();
        ring.pop();
        // Drained but stopped: still readable, so a poll loop wakes and learns of the
        // stop.
        CPPUNIT_ASSERT(readable(ring.fd()));
        CPPUNIT_ASSERT_THROW(ring.try_pop(), ringbuffer_stopped);
        CPPUNIT_ASSERT(readable(ring.fd()));

        ringbuffer<int> empty(1);
        CPPUNIT_ASSERT(!readable(empty.fd()));
        empty.stop();
        CPPUNIT_ASSERT(readable(empty.fd()));
    }

    void test_fd_is_nonblocking_cloexec()
    {
        ringbuffer<int> ring(1);
        CPPUNIT_ASSERT(::fcntl(ring.fd(), F_GETFD) & FD_CLOEXEC);
        CPPUNIT_ASSERT(::fcntl(ring.fd(), F_GETFL) & O_NONBLOCK);
        // Two rings never share a descriptor.
        ringbuffer<int> other(1);
        CPPUNIT_ASSERT(other.fd() != ring.fd());
    }

    void test_move_only_items()
    {
        ringbuffer<std::unique_ptr<int>> ring(3);
        ring.push(std::make_unique<int>(1));
        CPPUNIT_ASSERT(ring.try_push(std::make_unique<int>(2)));
        bool blocked = true;
        ring.push(std::make_unique<int>(3), &blocked);
        CPPUNIT_ASSERT(!blocked);
        auto refused = std::make_unique<int>(4);
        CPPUNIT_ASSERT(!ring.try_push(std::move(refused)));
        // A refused item stays with its owner.
        CPPUNIT_ASSERT(refused);
        CPPUNIT_ASSERT_EQUAL(4, *refused);

        std::unique_ptr<int> a = ring.pop();
        std::unique_ptr<int> b = ring.try_pop();
        std::optional<std::unique_ptr<int>> c = ring.pop_for(0s);
        CPPUNIT_ASSERT_EQUAL(1, *a);
        CPPUNIT_ASSERT_EQUAL(2, *b);
        CPPUNIT_ASSERT(c.has_value() && *c);
        CPPUNIT_ASSERT_EQUAL(3, **c);
    }

    void test_two_producers_two_consumers()
    {
        // Both sides shared by two threads, through a ring smaller than either burst:
        // each item must reach exactly one consumer, and each consumer must see each
        // producer's items in the order they were pushed.
        constexpr int per_producer = 20000;
        ringbuffer<int> ring(3);
        std::vector<std::future<void>> producers;
        for (int p = 0; p < 2; ++p) {
            producers.push_back(std::async(std::launch::async, [&ring, p] {
                for (int i = 0; i < per_producer; ++i)
                    ring.push(p * per_producer + i);
            }));
        }
        auto consume = [&ring] {
            std::vector<int> got;
            try {
                for (;;) {
                    auto item = ring.pop_for(deadline);
                    if (!item)
                        break; // a lost wake-up: the count check below fails
                    got.push_back(*item);
                }
            } catch (const ringbuffer_stopped&) {
            }
            return got;
        };
        auto first = std::async(std::launch::async, consume);
        auto second = std::async(std::launch::async, consume);
        for (auto& t : producers) {
            if (!finished(t, deadline))
                ring.stop(); // release everyone before failing
            CPPUNIT_ASSERT(finished(t, deadline));
        }
        ring.stop();
        CPPUNIT_ASSERT(finished(first, deadline) && finished(second, deadline));

        std::vector<int> seen(2 * per_producer, 0);
        for (const std::vector<int>& got : { first.get(), second.get() }) {
            int last[2] = { -1, -1 };
            for (int value : got) {
                CPPUNIT_ASSERT(value >= 0 && value < 2 * per_producer);
                seen[value]++;
                const int p = value / per_producer;
                CPPUNIT_ASSERT(value > last[p]);
                last[p] = value;
            }
        }
        for (int count : seen)
            CPPUNIT_ASSERT_EQUAL(1, count);
    }

    void test_readable_fd_means_a_pop_does_not_wait()
    {
        // The asyncio consumer's rule: when the fd is readable, a non-blocking pop finds
        // an item (or the stop). Checked while a producer pushes as fast as it can into a
        // small ring, so that pops race with pushes.
        constexpr int items = 20000;
        ringbuffer<int> ring(2);
        const int fd = ring.fd();
        auto producer = std::async(std::launch::async, [&ring] {
            for (int i = 0; i < items; ++i)
                ring.push(int(i));
            ring.stop();
        });
        int next = 0;
        bool stopped = false, in_order = true, readable_but_empty = false;
        while (!stopped && in_order && !readable_but_empty) {
            pollfd p{ fd, POLLIN, 0 };
            if (::poll(&p, 1, int(std::chrono::milliseconds(deadline).count())) != 1)
                break; // never readable: the checks below fail
            try {
                in_order = ring.try_pop() == next;
                next++;
            } catch (const ringbuffer_stopped&) {
                stopped = true;
            } catch (const ringbuffer_empty&) {
                readable_but_empty = true;
            }
        }
        // Whatever went wrong, release the producer before checking.
        ring.stop();
        CPPUNIT_ASSERT(finished(producer, deadline));
        CPPUNIT_ASSERT(!readable_but_empty);
        CPPUNIT_ASSERT(in_order);
        CPPUNIT_ASSERT(stopped);
        CPPUNIT_ASSERT_EQUAL(items, next);
    }

    void test_many_producers_one_consumer()
    {
        constexpr int producers = 4;
        constexpr int per_producer = 25000; // 100000 items in all
        ringbuffer<int> ring(64);

        std::vector<std::future<void>> threads;
        for (int p = 0; p < producers; ++p) {
            threads.push_back(std::async(std::launch::async, [&ring, p] {
                for (int i = 0; i < per_producer; ++i)
                    ring.push(p * per_producer + i);
            }));
        }

        // Every item must arrive exactly once, and each producer's items in the order it
        // pushed them (the ring is FIFO).
        std::vector<int> seen(producers * per_producer, 0);
        std::vector<int> next_expected(producers, 0);
        bool in_order = true;
        bool timed_out = false;
        for (int n = 0; n < producers * per_producer; ++n) {
            auto item = ring.pop_for(deadline);
            if (!item) {
                timed_out = true;
                break;
            }
            const int value = *item;
            if (value < 0 || value >= producers * per_producer) {
                in_order = false;
                continue;
            }
            ++seen[value];
            const int p = value / per_producer;
            if (value % per_producer != next_expected[p])
                in_order = false;
            next_expected[p] = value % per_producer + 1;
        }
        if (timed_out)
            ring.stop(); // release producers before failing
        for (auto& t : threads) {
            const bool done = finished(t, deadline);
            CPPUNIT_ASSERT_MESSAGE("a producer did not finish", done);
            if (!timed_out)
                t.get();
        }
        CPPUNIT_ASSERT_MESSAGE("consumer waited too long for an item", !timed_out);
        CPPUNIT_ASSERT(in_order);
        for (int v = 0; v < producers * per_producer; ++v)
            if (seen[v] != 1)
                CPPUNIT_FAIL("item " + std::to_string(v) + " seen " +
                             std::to_string(seen[v]) + " times");
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), ring.size());
        CPPUNIT_ASSERT(!readable(ring.fd()));
    }

    void test_spin_follows_typical_wait_up_to_max_spin()
    {
        using ringbuffer_detail::spin_for_typical_wait;
        const auto ns = [](auto d) {
            return std::chrono::duration_cast<std::chrono::nanoseconds>(d).count();
        };
        // Default limit: twice the typical wait, between 20 us and 200 us; a side whose
        // waits are longer than the limit does not spin (a heap every 300 us, or 1.7 ms).
        CPPUNIT_ASSERT(spin_for_typical_wait(ns(5us), RING_DEFAULT_MAX_SPIN) == 20us);
        CPPUNIT_ASSERT(spin_for_typical_wait(ns(30us), RING_DEFAULT_MAX_SPIN) == 60us);
        CPPUNIT_ASSERT(spin_for_typical_wait(ns(150us), RING_DEFAULT_MAX_SPIN) == 200us);
        CPPUNIT_ASSERT(spin_for_typical_wait(ns(300us), RING_DEFAULT_MAX_SPIN) == 0ns);
        CPPUNIT_ASSERT(spin_for_typical_wait(ns(1700us), RING_DEFAULT_MAX_SPIN) == 0ns);
        // At the limit it still spins (twice the wait, capped).
        CPPUNIT_ASSERT(spin_for_typical_wait(ns(200us), RING_DEFAULT_MAX_SPIN) == 200us);
        // A larger limit lets slower streams keep their consumer spinning.
        CPPUNIT_ASSERT(spin_for_typical_wait(ns(2ms), 10ms) == 4ms);
        // A limit under 20 us caps the short spin too; 0 never spins.
        CPPUNIT_ASSERT(spin_for_typical_wait(ns(5us), 10us) == 10us);
        CPPUNIT_ASSERT(spin_for_typical_wait(ns(1ms), 10us) == 0ns);
        CPPUNIT_ASSERT(spin_for_typical_wait(0, 0ns) == 0ns);
        CPPUNIT_ASSERT(spin_for_typical_wait(ns(1ms), 0ns) == 0ns);
    }

    void test_no_spin_while_cpus_are_all_taken()
    {
        using ringbuffer_detail::spin_pays;
        using ringbuffer_detail::spin_verdict;
        using clock = std::chrono::steady_clock;
        long runnable = 0;
        long cpus = 2;
        int reads = 0;
        const auto load = [&](long& r, long& c) {
            reads++;
            r = runnable;
            c = cpus;
        };
        const clock::time_point t0{};
        // As many runnable threads as CPUs (the waiting one included): spin.
        spin_verdict v;
        runnable = 2;
        CPPUNIT_ASSERT(spin_pays(v, t0, load));
        // The verdict holds for its lifetime without another look at the load...
        runnable = 3;
        CPPUNIT_ASSERT(spin_pays(v, t0 + 4ms, load));
        CPPUNIT_ASSERT_EQUAL(1, reads);
        // ...then one more runnable thread than CPUs: no spin, until the load drops.
        CPPUNIT_ASSERT(!spin_pays(v, t0 + 5ms, load));
        CPPUNIT_ASSERT(!spin_pays(v, t0 + 9ms, load));
        runnable = 1;
        CPPUNIT_ASSERT(spin_pays(v, t0 + 10ms, load));
        CPPUNIT_ASSERT_EQUAL(3, reads);
        // A load that cannot be read (0) never stops the spin.
        spin_verdict unknown;
        runnable = 0;
        cpus = 0;
        CPPUNIT_ASSERT(spin_pays(unknown, t0, load));
        // The machine's own figures parse: at least this thread runs, at least one CPU.
        long r = 0;
        long c = 0;
        ringbuffer_detail::machine_load(r, c);
        CPPUNIT_ASSERT(r >= 1);
        CPPUNIT_ASSERT(c >= 1);
    }

    void test_negative_max_spin_rejected()
    {
        CPPUNIT_ASSERT_THROW(ringbuffer<int>(4, -1ns), std::invalid_argument);
        CPPUNIT_ASSERT(ringbuffer<int>(4).max_spin() == RING_DEFAULT_MAX_SPIN);
        CPPUNIT_ASSERT(ringbuffer<int>(4, 0ns).max_spin() == 0ns);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(qa_ringbuffer);
