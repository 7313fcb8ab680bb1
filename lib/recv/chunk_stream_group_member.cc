/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <gnuradio/spead/recv/chunk_stream_group.h>
#include <boost/asio/post.hpp>
#include <stdexcept>

namespace gr {
namespace spead {
namespace recv {

namespace detail {

/// What a flush request queued on a member's thread pool reaches: the member while it
/// lives. The mutex is held while a request runs, so the member cannot go meanwhile.
struct group_member_link {
    std::mutex mutex;
    chunk_stream_group_member* member;
};

} // namespace detail

chunk_stream_group_member::chunk_stream_group_member(
    chunk_stream_group& group,
    std::size_t index,
    thread_pool& pool,
    const stream_config& config,
    const chunk_stream_config& chunk_config)
    : chunk_stream(pool, config, chunk_config, false),
      d_group(group),
      d_index(index),
      d_link(std::make_shared<detail::group_member_link>())
{
    if (chunk_config.get_max_chunks() > group.get_config().get_max_chunks())
        throw std::invalid_argument(
            "chunk_stream_config: max_chunks must not exceed the group's max_chunks (" +
            std::to_string(group.get_config().get_max_chunks()) + ")");
    d_link->member = this;
}

chunk_stream_group_member::~chunk_stream_group_member()
{
    // The group stopped this stream before destroying it: no reader holds its lock,
    // so a request running now finishes and later ones find nothing.
    std::lock_guard<std::mutex> lock(d_link->mutex);
    d_link->member = nullptr;
}

void chunk_stream_group_member::stop() { d_group.stop(); }

void chunk_stream_group_member::stop_member() { chunk_stream::stop(); }

chunk* chunk_stream_group_member::obtain_chunk(std::int64_t chunk_id,
                                               std::uint64_t* batch_stats)
{
    return d_group.get_chunk(
        std::uint64_t(chunk_id), d_index, get_config().get_stream_id(), batch_stats);
}

void chunk_stream_group_member::release_chunk(chunk*, std::uint64_t*)
{
    // The group readies the chunk once every member has let go of it.
}

void chunk_stream_group_member::head_moved(std::uint64_t head)
{
    d_group.stream_head_updated(d_index, head, batch_stats());
}

void chunk_stream_group_member::stop_received()
{
    chunk_stream::stop_received();
    d_group.stream_stop_received(*this);
}

void chunk_stream_group_member::request_flush(std::uint64_t chunk_id)
{
    std::shared_ptr<detail::group_member_link> link = d_link;
    boost::asio::post(get_thread_pool().get_io_context(), [link, chunk_id] {
        std::lock_guard<std::mutex> lock(link->mutex);
        if (link->member)
            link->member->flush_now(chunk_id);
    });
}

void chunk_stream_group_member::flush_now(std::uint64_t chunk_id)
{
    stream_batch batch(*this);
    if (batch.is_stopped())
        return; // a stopped stream let go of every chunk already
    flush_chunks_until(chunk_id, batch.stats_data());
}

} // namespace recv
} // namespace spead
} // namespace gr
