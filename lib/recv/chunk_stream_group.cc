/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "chunk_window.h"
#include <gnuradio/spead/recv/chunk_stream_group.h>
#include <algorithm>
#include <stdexcept>

namespace gr {
namespace spead {
namespace recv {

chunk_stream_group_config&
chunk_stream_group_config::set_max_chunks(std::size_t max_chunks)
{
    if (max_chunks == 0)
        throw std::invalid_argument(
            "chunk_stream_group_config: max_chunks must be at least 1");
    d_max_chunks = max_chunks;
    return *this;
}

chunk_stream_group_config&
chunk_stream_group_config::set_eviction_mode(eviction_mode mode)
{
    if (mode != eviction_mode::LOSSY && mode != eviction_mode::LOSSLESS)
        throw std::invalid_argument(
            "chunk_stream_group_config: eviction_mode must be LOSSY or LOSSLESS");
    d_eviction_mode = mode;
    return *this;
}

chunk_stream_group_config&
chunk_stream_group_config::set_allocate(chunk_allocate_function allocate)
{
    d_allocate = std::move(allocate);
    return *this;
}

chunk_stream_group_config&
chunk_stream_group_config::set_ready(chunk_ready_function ready)
{
    d_ready = std::move(ready);
    return *this;
}

namespace {

const chunk_stream_group_config& checked(const chunk_stream_group_config& config)
{
    if (!config.get_allocate())
        throw std::invalid_argument("chunk_stream_group_config: allocate is not set");
    if (!config.get_ready())
        throw std::invalid_argument("chunk_stream_group_config: ready is not set");
    return config;
}

} // namespace

chunk_stream_group::chunk_stream_group(const chunk_stream_group_config& config)
    : d_config(checked(config)),
      d_chunks(std::make_unique<detail::chunk_window>(config.get_max_chunks()))
{
}

chunk_stream_group::~chunk_stream_group()
{
    stop();
    // Members go before the window: their destructors cut off queued flush requests.
    d_members.clear();
}

chunk_stream_group_member&
chunk_stream_group::emplace_back(thread_pool& pool,
                                 const stream_config& config,
                                 const chunk_stream_config& chunk_config)
{
    std::lock_guard<std::mutex> lock(d_mutex);
    if (d_receiving || d_stopping)
        throw std::logic_error(
            "chunk_stream_group: members must be added before any receives or the "
            "group stops");
    std::unique_ptr<chunk_stream_group_member> member(new chunk_stream_group_member(
        *this, d_members.size(), pool, config, chunk_config));
    d_members.push_back(std::move(member));
    d_heads.push_back(0);
    stream_added(*d_members.back());
    return *d_members.back();
}

chunk* chunk_stream_group::get_chunk(std::uint64_t chunk_id,
                                     std::size_t requester,
                                     std::uintptr_t stream_id,
                                     std::uint64_t* batch_stats)
{
    std::unique_lock<std::mutex> lock(d_mutex);
    d_receiving = true;
    const std::size_t max_chunks = d_config.get_max_chunks();
    if (chunk_id >= d_chunks->head() && chunk_id - d_chunks->head() >= max_chunks) {
        // The oldest chunks must go first: every member has to move past them.
        const std::uint64_t target = chunk_id - (max_chunks - 1);
        if (d_config.get_eviction_mode() ==
                chunk_stream_group_config::eviction_mode::LOSSY &&
            target > d_flush_requested) {
            d_flush_requested = target;
            // Not the requester: its own window moved on before it asked, and a request
            // queued for it would take a thread of a shared pool only to wait for the
            // lock the requester holds while it waits here, perhaps the thread another
            // member's request needs.
            for (const auto& member : d_members)
                if (member->get_group_index() != requester)
                    member->request_flush(target);
        }
        d_head_moved.wait(lock, [&] { return d_stopping || d_chunks->head() >= target; });
    }
    // Below the head cannot happen (the caller's own window is past the group's head);
    // refused all the same rather than handing out a chunk already readied.
    if (d_stopping || chunk_id < d_chunks->head())
        return nullptr;
    return d_chunks->get(
        chunk_id,
        [&](std::uint64_t id) {
            chunk* fresh =
                d_config.get_allocate()(std::int64_t(id), batch_stats).release();
            if (fresh) {
                fresh->chunk_id = std::int64_t(id);
                fresh->stream_id = stream_id;
            }
            return fresh;
        },
        // Not reached: the window has room for chunk_id after the wait above.
        [&](chunk* old) {
            d_config.get_ready()(std::unique_ptr<chunk>(old), batch_stats);
        },
        [](std::uint64_t) {});
}

void chunk_stream_group::stream_head_updated(std::size_t index,
                                             std::uint64_t head,
                                             std::uint64_t* batch_stats)
{
    std::lock_guard<std::mutex> lock(d_mutex);
    d_receiving = true;
    const std::uint64_t old = d_heads[index];
    if (head <= old)
        return;
    d_heads[index] = head;
    // The group's head is the least member head: it moves only if this one was it.
    if (old != d_chunks->head())
        return;
    struct notify_on_exit {
        std::condition_variable& cv;
        ~notify_on_exit() { cv.notify_all(); }
    } notify{ d_head_moved };
    const std::uint64_t least = *std::min_element(d_heads.begin(), d_heads.end());
    d_chunks->flush_until(
        least,
        [&](chunk* c) { d_config.get_ready()(std::unique_ptr<chunk>(c), batch_stats); },
        [](std::uint64_t) {});
}

void chunk_stream_group::stop()
{
    {
        std::lock_guard<std::mutex> lock(d_mutex);
        d_stopping = true;
    }
    // Members waiting for room in the window give up (their heaps are dropped).
    d_head_moved.notify_all();
    // Each stopped member counts as past every chunk: once all are, every chunk has
    // been readied.
    for (const auto& member : d_members)
        member->stop_member();
}

} // namespace recv
} // namespace spead
} // namespace gr
