/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "qa_log_recorder.h"
#include "qa_wait.h"
#include "ringbuffer.h"
#include <gnuradio/spead/recv/memory_pool.h>
#include <condition_variable>
#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>
#include <unistd.h>
#include <boost/asio/post.hpp>
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace gr::spead::protocol;
using namespace gr::spead::recv;
using gr::spead::qa::wait_until;

namespace {

/**
 * Counts what the pool asks of the allocator underneath it. Optionally holds a gate
 * closed for allocations made on any thread but the test's own, so that a test can
 * catch a background refill in the middle of its work.
 */
class counting_allocator : public memory_allocator
{
public:
    pointer allocate(std::size_t size, void* hint = nullptr) override
    {
        {
            std::unique_lock<std::mutex> lock(d_mutex);
            d_sizes.push_back(size);
            if (std::this_thread::get_id() != d_test_thread)
                d_background++;
            if (d_gate_closed && std::this_thread::get_id() != d_test_thread) {
                d_blocked++;
                d_max_blocked = std::max(d_max_blocked, d_blocked);
                // Bounded: a test that fails must not leave a pool thread stuck forever.
                d_cv.wait_for(
                    lock, gr::spead::qa::WAIT_TIMEOUT, [this] { return !d_gate_closed; });
                d_blocked--;
            }
        }
        return memory_allocator::allocate(size, hint);
    }

    /// Allocations on threads other than the caller's block until open_gate().
    void close_gate()
    {
        std::lock_guard<std::mutex> lock(d_mutex);
        d_gate_closed = true;
    }
    void open_gate()
    {
        std::lock_guard<std::mutex> lock(d_mutex);
        d_gate_closed = false;
        d_cv.notify_all();
    }

    std::size_t allocations() const
    {
        std::lock_guard<std::mutex> lock(d_mutex);
        return d_sizes.size();
    }
    std::vector<std::size_t> sizes() const
    {
        std::lock_guard<std::mutex> lock(d_mutex);
        return d_sizes;
    }
    /// Allocations made on threads other than the one that created the allocator.
    std::size_t background_allocations() const
    {
        std::lock_guard<std::mutex> lock(d_mutex);
        return d_background;
    }
    std::size_t blocked() const
    {
        std::lock_guard<std::mutex> lock(d_mutex);
        return d_blocked;
    }
    std::size_t max_blocked() const
    {
        std::lock_guard<std::mutex> lock(d_mutex);
        return d_max_blocked;
    }
    std::size_t frees() const { return d_frees; }

protected:
    void free(std::uint8_t* ptr, void* user) override
    {
        d_frees++;
        memory_allocator::free(ptr, user);
    }

private:
    const std::thread::id d_test_thread = std::this_thread::get_id();
    mutable std::mutex d_mutex;
    std::condition_variable d_cv;
    std::vector<std::size_t> d_sizes;
    std::size_t d_background = 0;
    bool d_gate_closed = false;
    std::size_t d_blocked = 0;
    std::size_t d_max_blocked = 0;
    std::atomic<std::size_t> d_frees{ 0 };
};

/// Opens the gate when leaving a test, even a failing one, before the thread pool
/// (declared earlier) is joined.
struct gate_opener {
    counting_allocator& allocator;
    ~gate_opener() { allocator.open_gate(); }
};

/// Runs a no-op through the thread pool's queue and waits for it: everything queued
/// before it has been started (and, on a one-thread pool, finished).
bool drain(thread_pool& pool)
{
    auto done = std::make_shared<std::atomic<bool>>(false);
    boost::asio::post(pool.get_io_context(), [done] { *done = true; });
    return wait_until([&] { return done->load(); });
}

template <typename Construct>
std::string rejection(Construct construct)
{
    try {
        construct();
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "";
}

bool mentions(const std::string& text, const std::string& part)
{
    return text.find(part) != std::string::npos;
}

const std::string EMPTY_WARNING = "empty";

} // namespace

class qa_memory_pool : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(qa_memory_pool);
    CPPUNIT_TEST(test_parameters_kept);
    CPPUNIT_TEST(test_sizes_in_range_get_upper_bytes);
    CPPUNIT_TEST(test_sizes_out_of_range_go_straight_through);
    CPPUNIT_TEST(test_returned_buffer_is_reused);
    CPPUNIT_TEST(test_max_free_respected);
    CPPUNIT_TEST(test_initial_made_up_front);
    CPPUNIT_TEST(test_default_pool_keeps_nothing);
    CPPUNIT_TEST(test_bad_parameters);
    CPPUNIT_TEST(test_refill_in_background_to_low_water);
    CPPUNIT_TEST(test_one_refill_job_at_a_time);
    CPPUNIT_TEST(test_warn_on_empty_once_per_emptying);
    CPPUNIT_TEST(test_warn_on_empty_off);
    CPPUNIT_TEST(test_buffers_outlive_pool);
    CPPUNIT_TEST(test_pool_goes_once_nothing_is_out);
    CPPUNIT_TEST(test_failed_allocation_lends_nothing);
    CPPUNIT_TEST(test_pool_not_owned_by_shared_ptr);
    CPPUNIT_TEST(test_running_refill_outlives_pool);
    CPPUNIT_TEST(test_queued_refill_after_pool_destroyed);
    CPPUNIT_TEST(test_over_mmap_allocator);
    CPPUNIT_TEST(test_concurrent_use);
    CPPUNIT_TEST(test_buffers_freed_on_another_thread_are_reused);
    CPPUNIT_TEST_SUITE_END();

public:
    void test_parameters_kept()
    {
        thread_pool threads(1);
        memory_pool pool(threads, 10, 20, 30, 4, 5);
        CPPUNIT_ASSERT_EQUAL(std::size_t(10), pool.get_lower());
        CPPUNIT_ASSERT_EQUAL(std::size_t(20), pool.get_upper());
        CPPUNIT_ASSERT_EQUAL(std::size_t(30), pool.get_max_free());
        CPPUNIT_ASSERT_EQUAL(std::size_t(4), pool.get_initial());
        CPPUNIT_ASSERT_EQUAL(std::size_t(5), pool.get_low_water());
        CPPUNIT_ASSERT(pool.get_warn_on_empty());
        pool.set_warn_on_empty(false);
        CPPUNIT_ASSERT(!pool.get_warn_on_empty());
    }

    void test_sizes_in_range_get_upper_bytes()
    {
        auto counter = std::make_shared<counting_allocator>();
        auto pool = std::make_shared<memory_pool>(100, 200, 4, 0, counter);
        pool->set_warn_on_empty(false);
        auto a = pool->allocate(100);
        auto b = pool->allocate(150);
        auto c = pool->allocate(200);
        CPPUNIT_ASSERT(counter->sizes() == (std::vector<std::size_t>{ 200, 200, 200 }));
        // The whole buffer is usable, and the buffer comes back to the pool, not to the
        // allocator underneath.
        std::fill(a.get(), a.get() + 200, 0x5a);
        CPPUNIT_ASSERT(a.get_deleter().get_allocator() == pool);
        a.reset();
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), pool->free_count());
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), counter->frees());
    }

    void test_sizes_out_of_range_go_straight_through()
    {
        auto counter = std::make_shared<counting_allocator>();
        auto pool = std::make_shared<memory_pool>(100, 200, 4, 0, counter);
        gr::spead::qa::log_recorder log;
        auto small = pool->allocate(99);
        auto large = pool->allocate(201);
        CPPUNIT_ASSERT(counter->sizes() == (std::vector<std::size_t>{ 99, 201 }));
        CPPUNIT_ASSERT(small.get_deleter().get_allocator() == counter);
        small.reset();
        large.reset();
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), counter->frees());
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), pool->free_count());
        // Not a pool request, so not a pool running empty.
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), log.size());
    }

    void test_returned_buffer_is_reused()
    {
        auto counter = std::make_shared<counting_allocator>();
        auto pool = std::make_shared<memory_pool>(100, 200, 4, 0, counter);
        pool->set_warn_on_empty(false);
        auto first = pool->allocate(150);
        const std::uint8_t* where = first.get();
        first.reset();
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), pool->free_count());
        auto second = pool->allocate(120);
        CPPUNIT_ASSERT(second.get() == where);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), counter->allocations());
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), pool->free_count());
    }

    void test_max_free_respected()
    {
        auto counter = std::make_shared<counting_allocator>();
        auto pool = std::make_shared<memory_pool>(100, 200, 2, 0, counter);
        pool->set_warn_on_empty(false);
        std::vector<memory_allocator::pointer> out;
        for (int i = 0; i < 4; i++)
            out.push_back(pool->allocate(150));
        out.clear();
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), pool->free_count());
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), counter->frees());
        pool.reset(); // the two kept go back to the allocator with the pool
        CPPUNIT_ASSERT_EQUAL(std::size_t(4), counter->frees());
    }

    void test_initial_made_up_front()
    {
        auto counter = std::make_shared<counting_allocator>();
        auto pool = std::make_shared<memory_pool>(100, 200, 5, 3, counter);
        pool->set_warn_on_empty(false);
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), counter->allocations());
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), pool->free_count());
        std::vector<memory_allocator::pointer> out;
        for (int i = 0; i < 3; i++)
            out.push_back(pool->allocate(100));
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), counter->allocations());
        out.push_back(pool->allocate(100));
        CPPUNIT_ASSERT_EQUAL(std::size_t(4), counter->allocations());
    }

    void test_default_pool_keeps_nothing()
    {
        gr::spead::qa::log_recorder log;
        auto pool = std::make_shared<memory_pool>();
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), pool->get_max_free());
        for (std::size_t size : { 0, 64, 4096 }) {
            auto p = pool->allocate(size);
            CPPUNIT_ASSERT(p);
            std::fill(p.get(), p.get() + size, 1);
        }
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), pool->free_count());
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), log.size());
    }

    void test_bad_parameters()
    {
        std::string message = rejection([] { memory_pool pool(300, 200, 4, 0); });
        CPPUNIT_ASSERT(mentions(message, "lower"));
        CPPUNIT_ASSERT(mentions(message, "300"));
        message = rejection([] { memory_pool pool(100, 200, 4, 5); });
        CPPUNIT_ASSERT(mentions(message, "initial"));
        CPPUNIT_ASSERT(mentions(message, "5"));
        thread_pool threads(1);
        message = rejection([&] { memory_pool pool(threads, 100, 200, 4, 0, 6); });
        CPPUNIT_ASSERT(mentions(message, "low_water"));
        CPPUNIT_ASSERT(mentions(message, "6"));
        // The boundaries are allowed.
        memory_pool equal_bounds(200, 200, 4, 4);
        memory_pool full_low_water(threads, 100, 200, 4, 0, 4);
    }

    void test_refill_in_background_to_low_water()
    {
        auto counter = std::make_shared<counting_allocator>();
        thread_pool threads(1);
        auto pool = std::make_shared<memory_pool>(threads, 100, 200, 8, 0, 4, counter);
        pool->set_warn_on_empty(false);

        auto held = pool->allocate(150); // empty: made on this thread, refill queued
        CPPUNIT_ASSERT(wait_until([&] { return pool->free_count() == 4; }));
        CPPUNIT_ASSERT(drain(threads)); // the refill job has returned
        CPPUNIT_ASSERT_EQUAL(std::size_t(5), counter->allocations());
        CPPUNIT_ASSERT_EQUAL(std::size_t(4), counter->background_allocations());
        CPPUNIT_ASSERT(counter->sizes() == std::vector<std::size_t>(5, 200));

        // Taking one leaves 3 < low_water: topped up again, by one.
        auto another = pool->allocate(150);
        CPPUNIT_ASSERT(wait_until([&] { return counter->allocations() == 6; }));
        CPPUNIT_ASSERT(drain(threads));
        CPPUNIT_ASSERT_EQUAL(std::size_t(4), pool->free_count());
        CPPUNIT_ASSERT_EQUAL(std::size_t(6), counter->allocations());

        // At low_water after the allocation: no refill.
        held.reset();
        another.reset();
        CPPUNIT_ASSERT_EQUAL(std::size_t(6), pool->free_count());
        auto third = pool->allocate(150);
        CPPUNIT_ASSERT(drain(threads));
        CPPUNIT_ASSERT_EQUAL(std::size_t(6), counter->allocations());
    }

    void test_one_refill_job_at_a_time()
    {
        auto counter = std::make_shared<counting_allocator>();
        thread_pool threads(2);
        gate_opener opener{ *counter };
        auto pool = std::make_shared<memory_pool>(threads, 100, 200, 8, 0, 4, counter);
        pool->set_warn_on_empty(false);
        counter->close_gate();

        std::vector<memory_allocator::pointer> out;
        out.push_back(pool->allocate(150)); // queues the refill job
        CPPUNIT_ASSERT(wait_until([&] { return counter->blocked() == 1; }));
        out.push_back(pool->allocate(150)); // a job is pending: no second one
        out.push_back(pool->allocate(150));
        // A second job, had one been queued, would be taken by the idle thread before
        // the drain marker and block at the gate, so the marker would not run.
        CPPUNIT_ASSERT(drain(threads));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), counter->max_blocked());

        counter->open_gate();
        CPPUNIT_ASSERT(wait_until([&] { return pool->free_count() == 4; }));
        CPPUNIT_ASSERT(drain(threads));
        CPPUNIT_ASSERT_EQUAL(std::size_t(3 + 4), counter->allocations());
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), counter->max_blocked());
    }

    void test_warn_on_empty_once_per_emptying()
    {
        gr::spead::qa::log_recorder log;
        auto counter = std::make_shared<counting_allocator>();
        auto pool = std::make_shared<memory_pool>(100, 200, 2, 1, counter);
        auto warnings = [&] { return log.count(log_level::warning, EMPTY_WARNING); };

        auto a = pool->allocate(150); // from the pool
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), warnings());
        auto b = pool->allocate(150); // empty: made here, warned
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), warnings());
        auto c = pool->allocate(150); // still the same emptying
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), warnings());
        a.reset(); // the pool has a buffer again
        auto d = pool->allocate(150);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), warnings());
        auto e = pool->allocate(150); // empty again, but within the same second
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), warnings());
        CPPUNIT_ASSERT_EQUAL(std::size_t(4), counter->allocations());

        // At most one warning a second (a small pool empties on every heap); after that
        // the next emptying warns again, saying how many were held back.
        std::this_thread::sleep_for(std::chrono::milliseconds(1100));
        b.reset();
        auto f = pool->allocate(150);
        auto g = pool->allocate(150); // empty again
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), warnings());
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), log.count(log_level::warning, "suppressed"));
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), log.size());
    }

    void test_warn_on_empty_off()
    {
        gr::spead::qa::log_recorder log;
        thread_pool threads(1);
        auto pool = std::make_shared<memory_pool>(threads, 100, 200, 2, 0, 1);
        pool->set_warn_on_empty(false);
        auto a = pool->allocate(150);
        auto b = pool->allocate(150);
        CPPUNIT_ASSERT(drain(threads));
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), log.size());
    }

    void test_buffers_outlive_pool()
    {
        auto counter = std::make_shared<counting_allocator>();
        auto pool = std::make_shared<memory_pool>(100, 200, 4, 0, counter);
        pool->set_warn_on_empty(false);
        std::weak_ptr<memory_pool> weak = pool;
        auto a = pool->allocate(150);
        auto b = pool->allocate(150);
        pool.reset(); // the user is done with the pool; its buffers are not

        CPPUNIT_ASSERT(!weak.expired());
        a.reset();
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), counter->frees()); // back into the pool
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), weak.lock()->free_count());
        b.reset(); // the last one: the pool goes, releasing what it kept
        CPPUNIT_ASSERT(weak.expired());
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), counter->frees());
    }

    void test_pool_goes_once_nothing_is_out()
    {
        // The pool keeps itself alive while buffers are out, and only then: after a
        // round of lending (twice over, so the reference is taken again), dropping the
        // user's reference destroys it at once.
        auto counter = std::make_shared<counting_allocator>();
        auto pool = std::make_shared<memory_pool>(100, 200, 4, 0, counter);
        pool->set_warn_on_empty(false);
        std::weak_ptr<memory_pool> weak = pool;
        for (int round = 0; round < 2; round++) {
            auto a = pool->allocate(150);
            auto b = pool->allocate(150);
            CPPUNIT_ASSERT(a.get_deleter().get_allocator().get() == pool.get());
            a.reset();
            b.reset();
        }
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), pool->free_count());
        pool.reset();
        CPPUNIT_ASSERT(weak.expired());
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), counter->frees());
    }

    /// Fails every allocation: the pool, empty, cannot make a buffer.
    class failing_allocator : public memory_allocator
    {
    public:
        pointer allocate(std::size_t, void* = nullptr) override
        {
            throw std::bad_alloc();
        }
    };

    void test_failed_allocation_lends_nothing()
    {
        auto pool = std::make_shared<memory_pool>(
            100, 200, 4, 0, std::make_shared<failing_allocator>());
        pool->set_warn_on_empty(false);
        std::weak_ptr<memory_pool> weak = pool;
        CPPUNIT_ASSERT_THROW(pool->allocate(150), std::bad_alloc);
        // Had the failed request been counted as lent, the pool would keep itself alive.
        pool.reset();
        CPPUNIT_ASSERT(weak.expired());
    }

    void test_pool_not_owned_by_shared_ptr()
    {
        memory_pool pool(100, 200, 4, 1);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), pool.free_count());
        CPPUNIT_ASSERT_THROW(pool.allocate(150), std::logic_error);
        // The error hands nothing out and keeps the buffer.
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), pool.free_count());
    }

    void test_running_refill_outlives_pool()
    {
        auto counter = std::make_shared<counting_allocator>();
        thread_pool threads(1);
        gate_opener opener{ *counter };
        auto pool = std::make_shared<memory_pool>(threads, 100, 200, 4, 0, 2, counter);
        pool->set_warn_on_empty(false);
        counter->close_gate();
        pool->allocate(150).reset(); // refill queued; the buffer goes back to the pool
        CPPUNIT_ASSERT(wait_until([&] { return counter->blocked() == 1; }));
        pool.reset(); // destroyed while its refill job is inside the allocator
        counter->open_gate();
        CPPUNIT_ASSERT(drain(threads));
        // The job finished its work on state it kept alive, then released everything.
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), counter->allocations());
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), counter->frees());
    }

    void test_queued_refill_after_pool_destroyed()
    {
        auto counter = std::make_shared<counting_allocator>();
        thread_pool threads(1);
        std::atomic<bool> release{ false };
        boost::asio::post(threads.get_io_context(),
                          [&] { wait_until([&] { return release.load(); }); });
        auto pool = std::make_shared<memory_pool>(threads, 100, 200, 4, 0, 2, counter);
        pool->set_warn_on_empty(false);
        pool->allocate(150).reset(); // refill queued behind the blocker
        pool.reset();
        release = true;
        CPPUNIT_ASSERT(drain(threads));
        // The job found the pool gone and did nothing.
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), counter->allocations());
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), counter->frees());
    }

    void test_over_mmap_allocator()
    {
        // mmap_allocator needs its user pointer back to unmap: the pool must hand the
        // buffer back to it exactly as received (the sanitizer build checks the rest).
        auto pool = std::make_shared<memory_pool>(
            1, 10000, 2, 1, std::make_shared<mmap_allocator>());
        pool->set_warn_on_empty(false);
        const std::size_t page = std::size_t(sysconf(_SC_PAGESIZE));
        std::vector<memory_allocator::pointer> out;
        for (int i = 0; i < 4; i++) {
            out.push_back(pool->allocate(5000));
            CPPUNIT_ASSERT_EQUAL(std::uintptr_t(0),
                                 reinterpret_cast<std::uintptr_t>(out.back().get()) %
                                     page);
            std::fill(out.back().get(), out.back().get() + 10000, 0xa5);
        }
        out.clear();
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), pool->free_count());
    }

    void test_concurrent_use()
    {
        auto counter = std::make_shared<counting_allocator>();
        {
            thread_pool threads(1);
            auto pool =
                std::make_shared<memory_pool>(threads, 100, 200, 6, 2, 3, counter);
            pool->set_warn_on_empty(false);
            std::vector<std::thread> users;
            for (int t = 0; t < 4; t++)
                users.emplace_back([&pool, t] {
                    std::vector<memory_allocator::pointer> held;
                    for (int i = 0; i < 500; i++) {
                        const std::size_t size = (i % 5 == 0) ? 300 : 100 + (i + t) % 101;
                        held.push_back(pool->allocate(size));
                        held.back()[size - 1] = std::uint8_t(i);
                        if (held.size() > 3)
                            held.erase(held.begin());
                    }
                });
            for (auto& u : users)
                u.join();
            CPPUNIT_ASSERT(pool->free_count() <= 6);
        } // the thread pool is joined, then the pool goes
        CPPUNIT_ASSERT_EQUAL(counter->allocations(), counter->frees());
    }

    void test_buffers_freed_on_another_thread_are_reused()
    {
        // A stream's use: one thread allocates (the worker), another frees (the
        // consumer, after a 4-slot ring). At most 6 buffers are out at once (the ring's
        // 4, one being filled, one being dropped), so the 8 made up front serve every
        // one of 20000 allocations and all 8 are back in the pool at the end.
        auto counter = std::make_shared<counting_allocator>();
        auto pool = std::make_shared<memory_pool>(100, 200, 8, 8, counter);
        ringbuffer<memory_allocator::pointer> ring(4);
        std::thread consumer([&ring] {
            try {
                for (;;)
                    ring.pop(); // dropped at once: the buffer goes back from this thread
            } catch (const ringbuffer_stopped&) {
            }
        });
        for (int i = 0; i < 20000; i++) {
            memory_allocator::pointer p = pool->allocate(150);
            p[149] = std::uint8_t(i);
            ring.push(std::move(p));
        }
        ring.stop();
        consumer.join();
        CPPUNIT_ASSERT_EQUAL(std::size_t(8), counter->allocations());
        CPPUNIT_ASSERT_EQUAL(std::size_t(8), pool->free_count());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(qa_memory_pool);
