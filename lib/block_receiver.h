/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_BLOCK_RECEIVER_H
#define INCLUDED_SPEAD_BLOCK_RECEIVER_H

// Private to the blocks, free of GNU Radio types: turns a receiver_config (the block
// parameters) into a running receive engine (thread pool, allocator, ring stream and
// its readers, one per endpoint) and takes it down again. Both source blocks own one.

#include <gnuradio/spead/receiver_config.h>
#include <gnuradio/spead/recv/chunk_ring_stream.h>
#include <gnuradio/spead/recv/chunk_stream_ring_group.h>
#include <gnuradio/spead/recv/heap.h>
#include <gnuradio/spead/recv/ring_stream.h>
#include <gnuradio/spead/recv/stream_stats.h>
#include <gnuradio/spead/recv/udp_endpoint_list.h>
#include <condition_variable>
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace gr {
namespace spead {

class block_receiver
{
public:
    /// \throws std::invalid_argument (from receiver_config::validate) naming the bad
    /// parameter.
    explicit block_receiver(const receiver_config& config);
    ~block_receiver();
    block_receiver(const block_receiver&) = delete;
    block_receiver& operator=(const block_receiver&) = delete;

    /// The ring configuration keeps incomplete heaps' received byte ranges even when the
    /// user did not ask (zero-fill needs them). Call before start().
    void force_payload_ranges() { d_force_payload_ranges = true; }

    /// Heap memory comes from the allocator \p wrap makes of the configured one (the
    /// sample source lends output buffer memory, falling back to the configured
    /// allocator). Call before start().
    using allocator_wrapper = std::function<std::shared_ptr<recv::memory_allocator>(
        std::shared_ptr<recv::memory_allocator>)>;
    void wrap_allocator(allocator_wrapper wrap) { d_wrap_allocator = std::move(wrap); }

    /**
     * \brief Opens the socket or file and starts the receive threads.
     * \throws std::runtime_error / boost::system::system_error naming the endpoint or
     * file when it cannot be opened.
     */
    void start();
    /**
     * \brief As start(), but heaps go into chunks (SPEAD Chunk Source): a chunk ring
     * stream with \p chunk_config takes free chunks from \p free_ring and puts filled
     * ones on \p data_ring; pop_for() and try_pop() are then not used.
     */
    /// \p custom_stats are added to the stream's statistics, in order, after spead2's
    /// (the place function counts into them).
    void start_chunks(const recv::chunk_stream_config& chunk_config,
                      std::shared_ptr<recv::chunk_ringbuffer> data_ring,
                      std::shared_ptr<recv::chunk_ringbuffer> free_ring,
                      const std::vector<std::string>& custom_stats = {});
    /**
     * \brief As start_chunks(), but with one member stream per endpoint of the address
     * list in a chunk stream group (\p eviction: what happens to a chunk still being
     * filled when the window moves on), so that the endpoints are received in parallel
     * by a thread of their own each (the configured thread count does not apply).
     * Statistics are the members' added up.
     * \throws std::invalid_argument when the transport is not UDP.
     */
    void start_chunk_group(const recv::chunk_stream_config& chunk_config,
                           recv::chunk_stream_group_config::eviction_mode eviction,
                           std::shared_ptr<recv::chunk_ringbuffer> data_ring,
                           std::shared_ptr<recv::chunk_ringbuffer> free_ring,
                           const std::vector<std::string>& custom_stats = {});
    /// Stops the stream and joins the threads; prompt under load. Idempotent.
    void stop();

    /// Waits at most \p timeout for a heap. \throws ringbuffer_stopped once the stream
    /// has ended and every heap has been taken.
    std::optional<recv::heap> pop_for(std::chrono::steady_clock::duration timeout);
    /// A heap if one is ready. \throws ringbuffer_stopped as pop_for.
    std::optional<recv::heap> try_pop();

    /// stream::try_relocate_payloads on the heap stream; nullopt when there is none
    /// or its lock is taken.
    std::optional<std::size_t>
    try_relocate_payloads(const recv::stream::payload_relocator& relocate);
    /// stream::request_relocation on the heap stream, when there is one.
    void request_relocation(recv::stream::payload_relocator relocate);

    /// Statistics now (or as they were when the stream was stopped): the stream's and its
    /// reject counters (stream::get_all_stats).
    recv::stream_stats get_stats() const;
    /// The port the (first endpoint's) socket is bound to (useful with port 0), or -1
    /// when there is none.
    int local_port() const { return d_local_port; }
    const receiver_config& config() const { return d_config; }
    std::size_t bug_compat() const { return std::size_t(d_config.bug_compat); }

private:
    /// Makes the thread pool; the stream configuration the parameters give.
    recv::stream_config prepare();
    /// Takes \p stream and adds its readers (undoing everything if that fails).
    void open(std::unique_ptr<recv::stream> stream);
    void make_allocator(recv::stream_config& sc);
    void add_reader();
    /// Adds a UDP reader of \p spec (bind address or group, port) to \p target.
    void add_udp_reader(recv::stream& target, const recv::endpoint_spec& spec);
    /// The group's members' statistics added up; with d_use_mutex held.
    recv::stream_stats group_stats() const;
    void pace_capture();

    const receiver_config d_config;
    bool d_force_payload_ranges = false;
    allocator_wrapper d_wrap_allocator;
    std::unique_ptr<recv::thread_pool> d_pool;
    std::unique_ptr<recv::stream> d_stream;
    recv::ring_stream* d_ring = nullptr; ///< d_stream, when it hands over heaps
    /// Instead of d_stream: a chunk stream group, one member per endpoint.
    std::unique_ptr<recv::chunk_stream_ring_group> d_group;
    /// A one-thread pool per member of d_group.
    std::vector<std::unique_ptr<recv::thread_pool>> d_member_pools;
    int d_local_port = -1;

    // pcap replay pacing: a thread reads the capture and feeds an in-process queue.
    std::shared_ptr<recv::inproc_queue> d_paced_queue;
    std::thread d_pacer;
    std::mutex d_pacer_mutex;
    std::condition_variable d_pacer_cv;
    bool d_pacer_stop = false;

    /// Guards d_stream and d_final_stats against stop() while the block's work thread
    /// pops heaps and the statistics thread reads statistics.
    mutable std::mutex d_use_mutex;
    std::optional<recv::stream_stats> d_final_stats;
};

/// What a block's statistics() returns: the stream's statistics
/// (block_receiver::get_stats) and the block's own counters, by name.
std::map<std::string, std::uint64_t> block_statistics(
    const recv::stream_stats& stream,
    const std::vector<std::pair<std::string, std::uint64_t>>& block_counters);


} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_BLOCK_RECEIVER_H */
