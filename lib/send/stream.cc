/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "packet_writer.h"
#include "rate_limiter.h"
#include <gnuradio/spead/protocol/log.h>
#include <gnuradio/spead/send/stream.h>
#include <condition_variable>
#include <algorithm>
#include <cstring>
#include <deque>
#include <future>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace gr {
namespace spead {
namespace send {

namespace {

/// Bytes of packet headers one batch may hold (each packet needs at most its size).
constexpr std::size_t BATCH_SCRATCH_BYTES = std::size_t(256) << 10;

/// One heap of a queued group, being cut into packets.
struct heap_state {
    packet_generator gen;
    std::size_t substream;
    double seconds_per_byte;
};

/// What one async_send_heap(s) call queued.
struct group {
    std::vector<heap_state> heaps;
    group_mode mode;
    completion_handler handler;
    /// Heap whose packet comes next, and how many heaps still have packets.
    std::size_t cursor = 0;
    std::size_t heaps_left = 0;
    std::error_code error;
    std::uint64_t bytes = 0;
};

std::error_code errc(std::errc e) { return std::make_error_code(e); }

} // namespace

struct stream::impl {
    impl(std::unique_ptr<packet_writer> w, const stream_config& c)
        : config(c),
          writer(std::move(w)),
          num_substreams(writer->num_substreams()),
          default_seconds_per_byte(c.get_rate() > 0 ? 1.0 / c.get_rate() : 0.0),
          limiter(c.get_burst_size(), c.get_burst_rate_ratio()),
          scratch(
              new std::uint8_t[std::max(BATCH_SCRATCH_BYTES, c.get_max_packet_size())]),
          scratch_capacity(std::max(BATCH_SCRATCH_BYTES, c.get_max_packet_size()))
    {
        worker = std::thread([this] { run(); });
    }

    ~impl()
    {
        {
            std::unique_lock<std::mutex> lock(mutex);
            const std::uint64_t target = enqueued_groups;
            done_cv.wait(lock, [&] { return completed_groups >= target; });
            stopping = true;
        }
        work_cv.notify_all();
        worker.join();
    }

    bool enqueue(const std::vector<heap_reference>& refs,
                 completion_handler& handler,
                 group_mode mode);
    void run();
    /// Fills the batch from the groups; returns when the limiter wants a wait (or
    /// clock_type::time_point() when there is none).
    rate_limiter::clock_type::time_point fill_batch(const std::vector<group*>& groups,
                                                    std::vector<std::size_t>& owners);
    void complete(std::size_t n_groups);
    void fail(completion_handler& handler, std::errc e, const char* why);

    const stream_config config;
    const std::unique_ptr<packet_writer> writer;
    const std::size_t num_substreams;
    const double default_seconds_per_byte;

    std::mutex mutex;
    std::condition_variable work_cv; ///< the worker waits for groups or stopping
    std::condition_variable done_cv; ///< flush waits for completions
    /// Queued groups, oldest first; the worker refers to them without the lock (a
    /// deque keeps its elements in place when others are added or the first removed).
    std::deque<group> groups;
    std::size_t queued_heaps = 0;
    std::uint64_t next_cnt = 1;
    std::uint64_t step_cnt = 1;
    std::uint64_t enqueued_groups = 0;
    std::uint64_t completed_groups = 0;
    bool stopping = false;

    // Owned by the worker thread.
    rate_limiter limiter;
    packet_batch batch;
    std::unique_ptr<std::uint8_t[]> scratch;
    std::size_t scratch_capacity;

    std::thread worker;
};

void stream::impl::fail(completion_handler& handler, std::errc e, const char* why)
{
    protocol::log_message(protocol::log_level::warning,
                          std::string("send stream: dropping heap(s): ") + why);
    if (handler)
        handler(errc(e), 0);
}

bool stream::impl::enqueue(const std::vector<heap_reference>& refs,
                           completion_handler& handler,
                           group_mode mode)
{
    if (refs.empty()) {
        fail(handler, std::errc::invalid_argument, "empty list of heaps");
        return false;
    }
    std::unique_lock<std::mutex> lock(mutex);
    if (queued_heaps + refs.size() > config.get_max_heaps()) {
        lock.unlock();
        fail(handler, std::errc::operation_would_block, "the queue is full");
        return false;
    }
    group g;
    g.mode = mode;
    g.heaps.reserve(refs.size());
    std::uint64_t cnt_sequence = next_cnt;
    for (const heap_reference& ref : refs) {
        const char* problem = nullptr;
        if (!ref.h)
            problem = "null heap";
        else if (ref.substream_index >= num_substreams)
            problem = "substream index out of range";
        std::uint64_t cnt = 0;
        if (!problem) {
            const std::uint64_t mask = ref.h->get_flavour().max_address();
            if (ref.cnt < 0) {
                cnt = cnt_sequence & mask;
                cnt_sequence += step_cnt;
            } else if (std::uint64_t(ref.cnt) > mask) {
                problem = "cnt does not fit heap_address_bits";
            } else {
                cnt = std::uint64_t(ref.cnt);
            }
        }
        if (!problem) {
            try {
                const double spb = ref.rate < 0    ? default_seconds_per_byte
                                   : ref.rate == 0 ? 0.0
                                                   : 1.0 / ref.rate;
                g.heaps.push_back(heap_state{
                    packet_generator(*ref.h, cnt, config.get_max_packet_size()),
                    ref.substream_index,
                    spb });
            } catch (const std::invalid_argument& e) {
                lock.unlock();
                protocol::log_message(protocol::log_level::warning,
                                      std::string("send stream: dropping heap(s): ") +
                                          e.what());
                if (handler)
                    handler(errc(std::errc::invalid_argument), 0);
                return false;
            }
        }
        if (problem) {
            lock.unlock();
            fail(handler, std::errc::invalid_argument, problem);
            return false;
        }
    }
    next_cnt = cnt_sequence;
    g.heaps_left = g.heaps.size();
    g.handler = std::move(handler);
    queued_heaps += g.heaps.size();
    groups.push_back(std::move(g));
    enqueued_groups++;
    lock.unlock();
    work_cv.notify_one();
    return true;
}

rate_limiter::clock_type::time_point
stream::impl::fill_batch(const std::vector<group*>& active,
                         std::vector<std::size_t>& owners)
{
    using clock_type = rate_limiter::clock_type;
    std::size_t scratch_used = 0;
    const std::size_t max_packets = writer->max_batch();
    for (std::size_t gi = 0; gi < active.size(); gi++) {
        group& g = *active[gi];
        while (g.heaps_left > 0) {
            if (batch.packets.size() >= max_packets)
                return clock_type::time_point();
            heap_state& hs = g.heaps[g.cursor];
            if (scratch_used + hs.gen.scratch_size() > scratch_capacity)
                return clock_type::time_point();
            if (limiter.needs_clock()) {
                const clock_type::time_point now = clock_type::now();
                const clock_type::time_point when = limiter.ready_at(now);
                if (when > now)
                    return when;
            }
            const std::size_t first_buffer = batch.buffers.size();
            const std::size_t size =
                hs.gen.next_packet(scratch.get() + scratch_used, batch.buffers);
            scratch_used += hs.gen.scratch_size();
            batch.packets.push_back(batch_packet{ first_buffer,
                                                  batch.buffers.size() - first_buffer,
                                                  size,
                                                  hs.substream,
                                                  0 });
            owners.push_back(gi);
            limiter.add(size, hs.seconds_per_byte);

            // Which heap of the group goes next.
            if (!hs.gen.has_next_packet())
                g.heaps_left--;
            if (g.heaps_left == 0)
                break;
            if (g.mode == group_mode::SERIAL) {
                while (!g.heaps[g.cursor].gen.has_next_packet())
                    g.cursor++;
            } else {
                do {
                    g.cursor = (g.cursor + 1) % g.heaps.size();
                } while (!g.heaps[g.cursor].gen.has_next_packet());
            }
        }
    }
    return clock_type::time_point();
}

void stream::impl::complete(std::size_t n_groups)
{
    std::vector<std::pair<completion_handler, std::pair<std::error_code, std::uint64_t>>>
        done;
    done.reserve(n_groups);
    {
        // Free the slots before calling the handlers: a handler may queue more.
        std::lock_guard<std::mutex> lock(mutex);
        for (std::size_t i = 0; i < n_groups; i++) {
            group& g = groups.front();
            done.emplace_back(std::move(g.handler), std::make_pair(g.error, g.bytes));
            queued_heaps -= g.heaps.size();
            groups.pop_front();
        }
    }
    for (auto& d : done) {
        if (!d.first)
            continue;
        try {
            d.first(d.second.first, d.second.second);
        } catch (const std::exception& e) {
            protocol::log_message(protocol::log_level::warning,
                                  std::string("send stream: completion handler threw: ") +
                                      e.what());
        }
    }
    {
        std::lock_guard<std::mutex> lock(mutex);
        completed_groups += n_groups;
    }
    done_cv.notify_all();
}

void stream::impl::run()
{
    using clock_type = rate_limiter::clock_type;
    std::vector<group*> active;
    std::vector<std::size_t> owners;
    for (;;) {
        {
            std::unique_lock<std::mutex> lock(mutex);
            if (groups.empty()) {
                if (stopping)
                    return;
                work_cv.wait(lock, [&] { return stopping || !groups.empty(); });
                if (groups.empty())
                    return;
                limiter.restart_after_idle(clock_type::now());
            }
            active.clear();
            for (group& g : groups)
                active.push_back(&g);
        }
        batch.clear();
        owners.clear();
        const clock_type::time_point wait_until = fill_batch(active, owners);
        if (!batch.packets.empty()) {
            writer->write(batch);
            for (std::size_t i = 0; i < batch.packets.size(); i++) {
                const batch_packet& p = batch.packets[i];
                group& g = *active[owners[i]];
                if (p.error != 0) {
                    if (!g.error)
                        g.error = std::error_code(p.error, std::generic_category());
                } else {
                    g.bytes += p.size;
                }
            }
        }
        std::size_t finished = 0;
        while (finished < active.size() && active[finished]->heaps_left == 0)
            finished++;
        if (finished > 0)
            complete(finished);
        if (wait_until != clock_type::time_point())
            std::this_thread::sleep_until(wait_until);
    }
}

stream::stream(std::unique_ptr<packet_writer> writer, const stream_config& config)
{
    if (!writer)
        throw std::invalid_argument("send stream: writer must not be null");
    d_impl = std::make_unique<impl>(std::move(writer), config);
}

stream::~stream() = default;

bool stream::async_send_heap(const heap& h,
                             completion_handler handler,
                             std::int64_t cnt,
                             std::size_t substream_index,
                             double rate)
{
    return d_impl->enqueue(
        { heap_reference(h, cnt, substream_index, rate) }, handler, group_mode::SERIAL);
}

bool stream::async_send_heaps(const std::vector<heap_reference>& heaps,
                              completion_handler handler,
                              group_mode mode)
{
    return d_impl->enqueue(heaps, handler, mode);
}

namespace {

std::uint64_t wait_for(const std::function<bool(completion_handler)>& start)
{
    auto result = std::make_shared<std::promise<std::uint64_t>>();
    std::future<std::uint64_t> future = result->get_future();
    start([result](const std::error_code& error, std::uint64_t bytes) {
        if (error)
            result->set_exception(
                std::make_exception_ptr(std::system_error(error, "send_heap")));
        else
            result->set_value(bytes);
    });
    return future.get();
}

} // namespace

std::uint64_t stream::send_heap(const heap& h,
                                std::int64_t cnt,
                                std::size_t substream_index,
                                double rate)
{
    return wait_for([&](completion_handler handler) {
        return async_send_heap(h, std::move(handler), cnt, substream_index, rate);
    });
}

std::uint64_t stream::send_heaps(const std::vector<heap_reference>& heaps,
                                 group_mode mode)
{
    return wait_for([&](completion_handler handler) {
        return async_send_heaps(heaps, std::move(handler), mode);
    });
}

void stream::flush()
{
    std::unique_lock<std::mutex> lock(d_impl->mutex);
    const std::uint64_t target = d_impl->enqueued_groups;
    d_impl->done_cv.wait(lock, [&] { return d_impl->completed_groups >= target; });
}

void stream::set_cnt_sequence(std::uint64_t next, std::uint64_t step)
{
    if (step == 0)
        throw std::invalid_argument("set_cnt_sequence: step must not be 0");
    std::lock_guard<std::mutex> lock(d_impl->mutex);
    d_impl->next_cnt = next;
    d_impl->step_cnt = step;
}

std::size_t stream::get_num_substreams() const { return d_impl->num_substreams; }

const stream_config& stream::get_config() const { return d_impl->config; }

void linearize(const packet_batch& batch,
               const batch_packet& packet,
               std::vector<std::uint8_t>& out)
{
    out.resize(packet.size);
    std::uint8_t* p = out.data();
    for (std::size_t i = 0; i < packet.n_buffers; i++) {
        const packet_buffer& b = batch.buffers[packet.first_buffer + i];
        std::memcpy(p, b.data, b.size);
        p += b.size;
    }
}

} // namespace send
} // namespace spead
} // namespace gr
