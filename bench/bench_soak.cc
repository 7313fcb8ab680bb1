/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "bench_soak.h"
#include "loopback_run.h"
#include "send_run.h"
#include "send_transport.h"
#include <gnuradio/spead/recv/memory_pool.h>
#include <gnuradio/spead/recv/ring_stream.h>
#include <gnuradio/spead/recv/thread_pool.h>
#include <gnuradio/spead/recv/udp_reader.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>
#include <algorithm>
#include <chrono>
#include <cstring>
#include <exception>
#include <new>
#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>

namespace gr {
namespace spead {
namespace bench {

namespace {

using clock_type = std::chrono::steady_clock;

/// spead_send's first data heap counter with one sender and no descriptor heap.
constexpr std::uint64_t FIRST_DATA_CNT = 2;

/**
 * Memory straight from mmap, pre-faulted (MAP_POPULATE), keeping count of the bytes it
 * has handed out and not had back (the size travels in the deleter's user pointer) and
 * of the most that ever was: under the memory pool, what the pool holds (free buffers
 * and buffers in use). Pre-faulted, the pool's memory is resident from the start, so RSS
 * does not creep up as more of the pool's buffers happen to be used (a busy moment
 * fills the ring); from mmap, a buffer the pool lets go of leaves RSS at once (malloc
 * would keep it in its heap once its dynamic mmap threshold has risen). RSS then grows
 * only when memory is really added.
 */
class counting_allocator : public recv::memory_allocator
{
public:
    pointer allocate(std::size_t size, void* /*hint*/ = nullptr) override
    {
        void* mapped = mmap(nullptr,
                            std::max<std::size_t>(size, 1),
                            PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE,
                            -1,
                            0);
        if (mapped == MAP_FAILED)
            throw std::bad_alloc();
        auto* memory = static_cast<std::uint8_t*>(mapped);
        const std::size_t now = d_outstanding.fetch_add(size) + size;
        std::size_t peak = d_peak.load();
        while (now > peak && !d_peak.compare_exchange_weak(peak, now)) {
        }
        return make_pointer(memory, reinterpret_cast<void*>(size));
    }

    std::size_t outstanding() const { return d_outstanding.load(); }
    std::size_t peak() const { return d_peak.load(); }

protected:
    void free(std::uint8_t* ptr, void* user) override
    {
        const std::size_t size = reinterpret_cast<std::size_t>(user);
        d_outstanding -= size;
        munmap(ptr, std::max<std::size_t>(size, 1));
    }

private:
    std::atomic<std::size_t> d_outstanding{ 0 };
    std::atomic<std::size_t> d_peak{ 0 };
};

/// What spead_send puts in its data heaps (see docs/tools.md): the timestamp item and
/// the payload, byte i = i mod 256, filling the whole heap.
class heap_checker
{
public:
    explicit heap_checker(const soak_setup& setup) : d_heap_size(setup.heap_size)
    {
        d_expected.resize(d_heap_size);
        for (std::size_t i = 0; i < d_heap_size; i++)
            d_expected[i] = std::uint8_t(i);
    }

    bool check(const recv::heap& h) const
    {
        if (h.get_cnt() < FIRST_DATA_CNT || h.payload_size() != d_heap_size)
            return false;
        const std::uint64_t mask =
            (std::uint64_t(1) << h.get_flavour().heap_address_bits()) - 1;
        const std::uint64_t timestamp = (h.get_cnt() - FIRST_DATA_CNT) * d_heap_size;
        bool timestamp_ok = false, data_ok = false;
        for (const protocol::heap_item& item : h.get_items()) {
            if (item.id == send::TIMESTAMP_ITEM_ID)
                timestamp_ok = item.immediate && item.value == (timestamp & mask);
            else if (item.id == send::DATA_ITEM_ID)
                data_ok = !item.immediate && item.offset == 0 &&
                          item.length == d_heap_size &&
                          std::memcmp(h.payload(), d_expected.data(), d_heap_size) == 0;
        }
        return timestamp_ok && data_ok;
    }

private:
    std::size_t d_heap_size;
    std::vector<std::uint8_t> d_expected;
};

send::send_config make_send_config(const soak_setup& setup, int port)
{
    send::send_config c = loopback_send_config(
        port, setup.heap_size, setup.packet_size, setup.duration, setup.rate_gbps);
    c.drop = setup.drop;
    c.seed = setup.seed;
    return c;
}

} // namespace

soak_result run_soak(const soak_setup& setup,
                     const std::function<void(const soak_sample&)>& on_sample,
                     const std::atomic<bool>& cancel)
{
    namespace idx = recv::stream_stat_indices;
    soak_result result;
    recv::thread_pool workers(1);
    // As `spead_bench udp`: enough buffers for every live heap, the ring and the heap
    // the consumer holds, made up front, so that the receive path need not allocate.
    result.pool_buffers = setup.max_heaps + setup.ring_heaps + 4;
    auto counted = std::make_shared<counting_allocator>();
    auto pool = std::make_shared<recv::memory_pool>(workers,
                                                    setup.heap_size,
                                                    setup.heap_size,
                                                    result.pool_buffers,
                                                    result.pool_buffers,
                                                    result.pool_buffers / 2,
                                                    counted);
    // The pool keeps at most max_free buffers, and the stream holds at most the window,
    // the new heap, the heap being pushed, the ring and the consumer's heap.
    result.heap_memory_bound =
        (result.pool_buffers + setup.max_heaps + setup.ring_heaps + 3) * setup.heap_size;
    recv::stream_config config;
    config.set_max_heaps(setup.max_heaps).set_memory_allocator(pool);
    recv::ring_stream_config ring;
    ring.set_heaps(setup.ring_heaps);
    recv::ring_stream stream(workers, config, ring);

    loopback_socket socket(
        workers.get_io_context(), setup.buffer_size, setup.force_buffer);
    result.buffer_granted = socket.grant().granted;
    result.buffer_forced = socket.grant().forced;
    stream.emplace_reader<recv::udp_reader>(
        socket.take(), std::max(setup.packet_size, recv::DEFAULT_UDP_MAX_SIZE));

    const heap_checker checker(setup);
    soak_sample now;
    std::uint64_t highest_cnt = 0;
    const auto start = clock_type::now();
    auto sample = [&]() {
        const recv::stream_stats stats = stream.get_all_stats();
        now.elapsed = std::chrono::duration<double>(clock_type::now() - start).count();
        now.packets = stats[idx::packets];
        now.packets_rejected = stats["packets_rejected"];
        now.worker_blocked = stats[idx::worker_blocked];
        now.heaps_incomplete =
            stats[idx::incomplete_heaps_evicted] + stats[idx::incomplete_heaps_flushed];
        const std::uint64_t below =
            highest_cnt >= FIRST_DATA_CNT ? highest_cnt - FIRST_DATA_CNT + 1 : 0;
        now.heaps_missing = below > now.heaps_received ? below - now.heaps_received : 0;
        now.kernel_drops = socket.kernel_drops();
        now.memory = read_process_memory();
        now.heap_memory = counted->outstanding();
        now.heap_memory_peak = counted->peak();
        return now;
    };
    result.start = sample();
    on_sample(result.start);

    const send::send_config send_config = make_send_config(setup, socket.port());
    std::exception_ptr send_error;
    std::atomic<bool> sender_done{ false };
    std::thread sender([&] {
        try {
            auto out = send::make_transport(send_config);
            result.sent = send::run_sender(send_config, *out, &cancel);
            if (!result.sent.error.empty()) // a failed send is the benchmark's failure
                throw std::runtime_error(result.sent.error);
        } catch (...) {
            send_error = std::current_exception();
        }
        sender_done = true;
    });

    const auto interval = std::chrono::duration<double>(setup.interval);
    const auto warmup = std::chrono::duration<double>(setup.warmup);
    auto next_report = start + std::chrono::duration_cast<clock_type::duration>(interval);
    result.stop_heap_lost = pop_until_stopped(
        stream,
        sender_done,
        [&](const recv::heap& h) {
            if (h.is_complete()) {
                now.heaps_received++;
                now.payload_bytes += h.payload_size();
                highest_cnt = std::max(highest_cnt, h.get_cnt());
                if (!checker.check(h))
                    now.heaps_corrupt++;
            }
        },
        [&](clock_type::time_point t) {
            if (!result.warm_taken && t - start >= warmup) {
                result.warm = sample();
                result.warm_taken = true;
            }
            if (t >= next_report && !sender_done) {
                on_sample(sample());
                next_report += std::chrono::duration_cast<clock_type::duration>(interval);
            }
        });
    sender.join();
    result.end = sample();
    stream.stop();
    result.stats = stream.get_all_stats();
    result.end.heaps_incomplete = result.stats[idx::incomplete_heaps_evicted] +
                                  result.stats[idx::incomplete_heaps_flushed];
    result.end.worker_blocked = result.stats[idx::worker_blocked];
    on_sample(result.end);
    if (send_error)
        std::rethrow_exception(send_error);
    return result;
}

} // namespace bench
} // namespace spead
} // namespace gr
