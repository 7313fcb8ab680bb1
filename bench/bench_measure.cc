/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "bench_measure.h"
#include "cpu_use.h"
#include <gnuradio/spead/recv/mem_reader.h>
#include <gnuradio/spead/recv/memory_pool.h>
#include <gnuradio/spead/recv/ring_stream.h>
#include <gnuradio/spead/recv/thread_pool.h>
#include <condition_variable>
#include <chrono>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace gr {
namespace spead {
namespace bench {

namespace {

using clock_type = std::chrono::steady_clock;

double seconds_since(clock_type::time_point start)
{
    return std::chrono::duration<double>(clock_type::now() - start).count();
}

/// Tells the compiler that \p p's memory is read, so that copies into it are not elided.
inline void keep_alive(const void* p) { asm volatile("" : : "r"(p) : "memory"); }

[[noreturn]] void fail(const scenario& s, const std::string& what)
{
    throw bench_failure("scenario " + s.name + ": " + what);
}

/// Checks one delivered heap against what the buffer encoded for counter \p cnt.
void verify_heap(const scenario& s,
                 const workload& w,
                 const recv::heap& h,
                 std::uint64_t cnt)
{
    const std::string where = "heap " + std::to_string(h.get_cnt());
    if (h.get_cnt() != cnt)
        fail(s, where + " arrived where heap " + std::to_string(cnt) + " was expected");
    if (!h.is_complete())
        fail(s, where + " is incomplete");
    if (h.payload_size() != w.heap_size)
        fail(s,
             where + " has " + std::to_string(h.payload_size()) + " payload bytes, not " +
                 std::to_string(w.heap_size));
    const auto& items = h.get_items();
    if (items.size() != 1 || items[0].id != BENCH_ITEM_ID || items[0].immediate ||
        items[0].offset != 0 || items[0].length != w.heap_size)
        fail(s, where + " does not hold exactly the one addressed benchmark item");
    for (std::size_t i = 0; i < w.heap_size; i++) {
        if (h.payload()[i] != workload::expected_byte(cnt, i))
            fail(s, where + ": payload byte " + std::to_string(i) + " is wrong");
    }
}

/// The figures of one pass that must match the buffer exactly.
void check_pass(const scenario& s,
                const workload& w,
                std::uint64_t popped,
                const recv::stream_stats& stats)
{
    namespace idx = recv::stream_stat_indices;
    auto expect = [&](const char* what, std::uint64_t got, std::uint64_t want) {
        if (got != want)
            fail(s,
                 std::string(what) + " = " + std::to_string(got) +
                     " in one pass, expected " + std::to_string(want));
    };
    expect("complete heaps received", popped, w.heaps);
    expect("stream statistic heaps", stats[idx::heaps], w.heaps);
    expect("stream statistic packets", stats[idx::packets], w.packets);
    expect("packets_rejected", stats["packets_rejected"], 0);
    expect("incomplete_heaps_evicted", stats[idx::incomplete_heaps_evicted], 0);
    expect("incomplete_heaps_flushed", stats[idx::incomplete_heaps_flushed], 0);
    expect("heaps_dropped_incomplete", stats["heaps_dropped_incomplete"], 0);
    expect(
        "heaps_dropped_allocation_failed", stats["heaps_dropped_allocation_failed"], 0);
    expect("heaps_dropped_ring_stopped", stats["heaps_dropped_ring_stopped"], 0);
}

/**
 * The diagnostic sink: heaps are counted and released on the worker thread, with no
 * ring and no consumer. The stream ends by itself at the end of the buffer.
 */
class dropping_stream : public recv::stream
{
public:
    using stream::stream;
    ~dropping_stream() override { stop(); }

    /// Waits for the end of the buffer; returns the complete heaps seen.
    std::uint64_t wait_for_end()
    {
        std::unique_lock<std::mutex> lock(d_mutex);
        d_ended_cv.wait(lock, [this] { return d_ended; });
        return d_complete_heaps;
    }

protected:
    void heap_ready(recv::heap&& h, recv::stream_batch& /*batch*/) override
    {
        // Released here, on the worker, as the consumer would release it.
        const recv::heap dropped = std::move(h);
        if (dropped.is_complete())
            d_complete_heaps++; // only the worker writes it, before d_ended
    }

    void stop_received() override
    {
        {
            std::lock_guard<std::mutex> lock(d_mutex);
            d_ended = true;
        }
        d_ended_cv.notify_all();
    }

private:
    std::mutex d_mutex;
    std::condition_variable d_ended_cv;
    bool d_ended = false;
    std::uint64_t d_complete_heaps = 0;
};

recv::stream_config make_stream_config(const scenario& s,
                                       const engine_setup& setup,
                                       const std::shared_ptr<recv::memory_pool>& pool)
{
    recv::stream_config config;
    config.set_max_heaps(setup.max_heaps)
        .set_allow_out_of_order(s.shuffle_within_heap)
        .set_memcpy(s.copy)
        .set_memory_allocator(pool);
    return config;
}

/// One timed pass through a dropping_stream; returns the stream's statistics.
recv::stream_stats run_dropping_pass(const scenario& s,
                                     const workload& w,
                                     const engine_setup& setup,
                                     recv::thread_pool& workers,
                                     const std::shared_ptr<recv::memory_pool>& pool)
{
    dropping_stream stream(workers, make_stream_config(s, setup, pool));
    stream.emplace_reader<recv::mem_reader>(w.buffer.data(), w.buffer.size());
    const std::uint64_t complete = stream.wait_for_end();
    stream.stop();
    recv::stream_stats stats = stream.get_all_stats();
    check_pass(s, w, complete, stats);
    return stats;
}

/// One pass of the buffer through a new ring_stream; returns the stream's statistics.
recv::stream_stats run_pass(const scenario& s,
                            const workload& w,
                            const engine_setup& setup,
                            recv::thread_pool& workers,
                            const std::shared_ptr<recv::memory_pool>& pool,
                            bool verify)
{
    const recv::stream_config config = make_stream_config(s, setup, pool);
    recv::ring_stream_config ring_config;
    ring_config.set_heaps(setup.ring_heaps)
        .set_max_spin(std::chrono::microseconds(setup.max_spin_us));

    recv::ring_stream stream(workers, config, ring_config);
    stream.emplace_reader<recv::mem_reader>(w.buffer.data(), w.buffer.size());
    std::uint64_t popped = 0;
    while (true) {
        try {
            recv::heap h = stream.pop();
            popped++;
            if (verify)
                verify_heap(s, w, h, popped);
        } catch (const recv::ringbuffer_stopped&) {
            break;
        }
    }
    // stop() waits for the reader to finish, so its last batch's statistics are in.
    stream.stop();
    recv::stream_stats stats = stream.get_all_stats();
    check_pass(s, w, popped, stats);
    return stats;
}

} // namespace

engine_result measure_engine(const scenario& s,
                             const workload& w,
                             const engine_setup& setup,
                             double seconds)
{
    recv::thread_pool workers(1);
    // Enough buffers for every heap that can be out at once: the live window, the
    // ring, the one the consumer holds and the one a new heap takes before an eviction
    // frees its slot; two more so that the background refill never has to run.
    engine_result result;
    result.pool_buffers = pool_buffer_count(setup);
    auto pool = std::make_shared<recv::memory_pool>(
        workers, w.heap_size, w.heap_size, result.pool_buffers, result.pool_buffers, 2);

    run_pass(s, w, setup, workers, pool, true); // untimed: checks every byte, warms up

    const double worker_start = worker_cpu_seconds(workers);
    const double consumer_start = thread_cpu_seconds();
    const double cpu_start = process_cpu_seconds();
    const auto start = clock_type::now();
    do {
        recv::stream_stats stats = setup.drop_on_worker
                                       ? run_dropping_pass(s, w, setup, workers, pool)
                                       : run_pass(s, w, setup, workers, pool, false);
        if (result.passes == 0)
            result.stats = stats;
        else
            result.stats += stats;
        result.passes++;
    } while (seconds_since(start) < seconds);
    result.seconds = seconds_since(start);
    result.cpu_seconds = process_cpu_seconds() - cpu_start;
    result.consumer_cpu_seconds = thread_cpu_seconds() - consumer_start;
    result.worker_cpu_seconds = worker_cpu_seconds(workers) - worker_start;
    result.heaps = std::uint64_t(result.passes) * w.heaps;
    result.packets = std::uint64_t(result.passes) * w.packets;
    result.payload_bytes = std::uint64_t(result.passes) * w.payload_bytes;
    return result;
}

void add_engine_result(engine_result& total, const engine_result& more)
{
    if (total.passes == 0)
        total.stats = more.stats;
    else
        total.stats += more.stats;
    total.passes += more.passes;
    total.seconds += more.seconds;
    total.cpu_seconds += more.cpu_seconds;
    total.worker_cpu_seconds += more.worker_cpu_seconds;
    total.consumer_cpu_seconds += more.consumer_cpu_seconds;
    total.heaps += more.heaps;
    total.packets += more.packets;
    total.payload_bytes += more.payload_bytes;
    total.pool_buffers = more.pool_buffers;
}

double gbps(std::uint64_t bytes, double seconds)
{
    return seconds > 0 ? double(bytes) * 8.0 / seconds / 1e9 : 0.0;
}

std::size_t pool_buffer_count(const engine_setup& setup)
{
    return setup.max_heaps + setup.ring_heaps + 4;
}

copy_result measure_copy(const workload& w,
                         recv::memcpy_function_ptr copy,
                         double seconds,
                         std::size_t destinations)
{
    // Called through a volatile pointer so that the compiler cannot specialise it away.
    recv::memcpy_function_ptr volatile copy_fn = copy ? copy : std::memcpy;
    destinations = std::max<std::size_t>(destinations, 1);
    std::vector<std::uint8_t> destination(w.heap_size * destinations);
    const std::uint8_t* source = w.buffer.data();
    auto one_pass = [&] {
        const recv::memcpy_function_ptr fn = copy_fn;
        // Each heap's payload goes to the next heap-sized slot in turn, as the engine's
        // heaps go to the pool's buffers in turn.
        std::size_t slot = 0, filled = 0;
        for (const payload_span& span : w.spans) {
            fn(destination.data() + slot * w.heap_size + span.heap_offset,
               source + span.buffer_offset,
               span.length);
            filled += span.length;
            if (filled >= w.heap_size) {
                filled = 0;
                slot = slot + 1 == destinations ? 0 : slot + 1;
            }
        }
        keep_alive(destination.data());
    };

    one_pass(); // untimed: faults the destination in
    copy_result result;
    const double cpu_start = thread_cpu_seconds();
    const auto start = clock_type::now();
    do {
        one_pass();
        result.passes++;
    } while (seconds_since(start) < seconds);
    result.seconds = seconds_since(start);
    result.cpu_seconds = thread_cpu_seconds() - cpu_start;
    result.payload_bytes = std::uint64_t(result.passes) * w.payload_bytes;
    return result;
}

} // namespace bench
} // namespace spead
} // namespace gr
