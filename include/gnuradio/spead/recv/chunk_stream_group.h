/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_RECV_CHUNK_STREAM_GROUP_H
#define INCLUDED_SPEAD_RECV_CHUNK_STREAM_GROUP_H

#include <gnuradio/spead/recv/chunk_stream.h>
#include <condition_variable>
#include <boost/iterator/indirect_iterator.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

namespace gr {
namespace spead {
namespace recv {

namespace detail {
class chunk_window;
struct group_member_link;
} // namespace detail

/**
 * \brief How a group of chunk streams shares its chunks (spead2's
 * chunk_stream_group_config), with spead2's names and defaults. Setters validate,
 * throw std::invalid_argument naming the parameter and its accepted range, and return
 * *this.
 */
class chunk_stream_group_config
{
public:
    static constexpr std::size_t default_max_chunks =
        chunk_stream_config::default_max_chunks;

    /// What the group does when a member needs a chunk beyond the group's window.
    enum class eviction_mode {
        /// Every member is told to let go of the oldest chunks at once, heaps still
        /// arriving for them are dropped (too_old_heaps).
        LOSSY,
        /// The member waits until every other member has moved past the oldest chunk
        /// (for lossless transports; a silent member holds up the whole group).
        LOSSLESS
    };

    /// Chunks under construction in the group at once; at least 1, and at least each
    /// member's own max_chunks.
    chunk_stream_group_config& set_max_chunks(std::size_t max_chunks);
    std::size_t get_max_chunks() const { return d_max_chunks; }

    chunk_stream_group_config& set_eviction_mode(eviction_mode mode);
    eviction_mode get_eviction_mode() const { return d_eviction_mode; }

    /// Where the group's chunks come from (ring groups set their own).
    chunk_stream_group_config& set_allocate(chunk_allocate_function allocate);
    const chunk_allocate_function& get_allocate() const { return d_allocate; }

    /// Where the group's finished chunks go (for a ring group: called before queuing).
    chunk_stream_group_config& set_ready(chunk_ready_function ready);
    const chunk_ready_function& get_ready() const { return d_ready; }

private:
    std::size_t d_max_chunks = default_max_chunks;
    eviction_mode d_eviction_mode = eviction_mode::LOSSY;
    chunk_allocate_function d_allocate;
    chunk_ready_function d_ready;
};

class chunk_stream_group_member;

/**
 * \brief Several chunk streams filling the same chunks (spead2's chunk_stream_group):
 * one stream per NIC, port or multicast group, each placing its own heaps, so that
 * receiving a chunk scales over several threads.
 *
 * The group has a window of get_max_chunks() chunks, taken from the allocate function
 * and handed to the ready function in chunk ID order (IDs skipped over included, as
 * padding chunks). Each member keeps its own window (not larger than the group's) of
 * pointers into the group's; a chunk is readied once every member's window has moved
 * past it, so no member can still be writing to it. A member whose heap needs a chunk
 * beyond the group's window waits for the group's oldest chunks to go: in LOSSY mode
 * it first asks every member to let go of them (on the member's own thread pool), in
 * LOSSLESS mode it waits for the others to move on by themselves. A stopped member
 * counts as past every chunk.
 *
 * Members are added with emplace_back() before any of them receives; the group owns
 * them. Every member must be able to run on its own: give each one its own thread pool
 * (or a pool with a thread per member). Stopping any member, or the group, stops the
 * whole group: every chunk is then readied. Two members must not write the same bytes
 * of a chunk. Which member's stream ID a chunk carries, and whose batch statistics the
 * allocate and ready functions receive, is not specified.
 *
 * The allocate and ready functions are called with the group's lock held, on a member's
 * thread (or the thread calling stop()); they may block (a ring of free chunks), but
 * stop() must then be able to wake them, as chunk_stream_ring_group does by stopping its
 * rings first. The group's public functions must be called from one thread at a time.
 */
class chunk_stream_group
{
public:
    /// \throws std::invalid_argument when the allocate or ready function is unset.
    explicit chunk_stream_group(const chunk_stream_group_config& config);
    virtual ~chunk_stream_group();
    chunk_stream_group(const chunk_stream_group&) = delete;
    chunk_stream_group& operator=(const chunk_stream_group&) = delete;

    const chunk_stream_group_config& get_config() const { return d_config; }

    /**
     * \brief Adds a member stream (receiving with \p pool). The allocate and ready
     * functions of \p chunk_config are ignored (the group's are used).
     * \throws std::invalid_argument when the place function is unset or
     * chunk_config's max_chunks exceeds the group's; std::logic_error once the group
     * has begun receiving or was stopped.
     */
    chunk_stream_group_member& emplace_back(thread_pool& pool,
                                            const stream_config& config,
                                            const chunk_stream_config& chunk_config);

    std::size_t size() const { return d_members.size(); }
    bool empty() const { return d_members.empty(); }
    chunk_stream_group_member& operator[](std::size_t index) { return *d_members[index]; }
    const chunk_stream_group_member& operator[](std::size_t index) const
    {
        return *d_members[index];
    }

    using iterator = boost::indirect_iterator<
        std::vector<std::unique_ptr<chunk_stream_group_member>>::iterator>;
    using const_iterator = boost::indirect_iterator<
        std::vector<std::unique_ptr<chunk_stream_group_member>>::const_iterator,
        const chunk_stream_group_member>;
    /// Iteration over the members, in the order they were added.
    iterator begin();
    iterator end();
    const_iterator begin() const;
    const_iterator end() const;

    /// Stops every member and readies every chunk. Idempotent.
    virtual void stop();

protected:
    /// A member was added (with the group's lock held).
    virtual void stream_added(chunk_stream_group_member&) {}
    /// A member stopped, for whatever reason (with that member's lock held).
    virtual void stream_stop_received(chunk_stream_group_member&) {}

private:
    friend class chunk_stream_group_member;

    /// The group's chunk \p chunk_id for member \p requester, waiting for room in the
    /// window as the eviction mode says; nullptr when the group is stopping or the
    /// allocate function skipped it. Called with the member's lock held.
    chunk* get_chunk(std::uint64_t chunk_id,
                     std::size_t requester,
                     std::uintptr_t stream_id,
                     std::uint64_t* batch_stats);
    /// Member \p index's window now begins at \p head: chunks every member is past
    /// are readied.
    void stream_head_updated(std::size_t index,
                             std::uint64_t head,
                             std::uint64_t* batch_stats);

    const chunk_stream_group_config d_config;
    std::mutex d_mutex;
    /// Notified whenever the group's window moves on, or the group begins stopping.
    std::condition_variable d_head_moved;
    std::unique_ptr<detail::chunk_window> d_chunks;
    std::vector<std::unique_ptr<chunk_stream_group_member>> d_members;
    /// Each member's window head, as last reported (the group's head is the least).
    std::vector<std::uint64_t> d_heads;
    /// The furthest point members were asked to flush to (LOSSY).
    std::uint64_t d_flush_requested = 0;
    bool d_receiving = false;
    bool d_stopping = false;
};

/**
 * \brief One stream of a chunk_stream_group (spead2's chunk_stream_group_member):
 * an ordinary chunk stream (readers, statistics, too_old_heaps and rejected_heaps)
 * whose chunks are the group's. Made by chunk_stream_group::emplace_back.
 * stop() stops the whole group.
 */
class chunk_stream_group_member : public chunk_stream
{
public:
    ~chunk_stream_group_member() override;

    chunk_stream_group& get_group() { return d_group; }
    /// Position in the group.
    std::size_t get_group_index() const { return d_index; }

    /// Stops the whole group (chunk_stream_group::stop).
    void stop() override;

protected:
    chunk* obtain_chunk(std::int64_t chunk_id, std::uint64_t* batch_stats) override;
    void release_chunk(chunk* c, std::uint64_t* batch_stats) override;
    void head_moved(std::uint64_t head) override;
    void stop_received() override;

private:
    friend class chunk_stream_group;

    chunk_stream_group_member(chunk_stream_group& group,
                              std::size_t index,
                              thread_pool& pool,
                              const stream_config& config,
                              const chunk_stream_config& chunk_config);

    /// Stops this stream alone (its chunks are let go).
    void stop_member();
    /// Lets go of chunks below \p chunk_id now, taking the stream's lock.
    void flush_now(std::uint64_t chunk_id);
    /// Lets go of chunks below \p chunk_id soon, on the member's thread pool (never
    /// waits: the caller may hold another member's lock).
    void request_flush(std::uint64_t chunk_id);

    chunk_stream_group& d_group;
    const std::size_t d_index;
    /// What queued flush requests reach; cut off when the member is destroyed.
    std::shared_ptr<detail::group_member_link> d_link;
};

inline chunk_stream_group::iterator chunk_stream_group::begin()
{
    return iterator(d_members.begin());
}
inline chunk_stream_group::iterator chunk_stream_group::end()
{
    return iterator(d_members.end());
}
inline chunk_stream_group::const_iterator chunk_stream_group::begin() const
{
    return const_iterator(d_members.begin());
}
inline chunk_stream_group::const_iterator chunk_stream_group::end() const
{
    return const_iterator(d_members.end());
}

} // namespace recv
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_RECV_CHUNK_STREAM_GROUP_H */
