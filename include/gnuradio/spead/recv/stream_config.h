/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_RECV_STREAM_CONFIG_H
#define INCLUDED_SPEAD_RECV_STREAM_CONFIG_H

#include <gnuradio/spead/recv/memcpy.h>
#include <gnuradio/spead/recv/memory_allocator.h>
#include <gnuradio/spead/recv/stream_stats.h>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace gr {
namespace spead {
namespace recv {

/// Default bound on a heap's payload size: 64 MiB (see stream_config::set_max_heap_size).
constexpr std::size_t DEFAULT_MAX_HEAP_SIZE = std::size_t(64) << 20;

/**
 * \brief How a stream assembles heaps (spead2's StreamConfig), with the same names and
 * defaults. Setters validate and throw std::invalid_argument naming the parameter and
 * its accepted range; they return *this for chaining.
 */
class stream_config
{
public:
    stream_config();

    /// Live (partial) heaps kept per substream; default 4, at least 1.
    stream_config& set_max_heaps(std::size_t max_heaps);
    std::size_t get_max_heaps() const { return d_max_heaps; }

    /// Heap counters are spread over substreams by cnt mod substreams, each with its own
    /// window of max_heaps; default 1, at least 1.
    stream_config& set_substreams(std::size_t substreams);
    std::size_t get_substreams() const { return d_substreams; }

    /// BUG_COMPAT_* flags (0 to 7); default 0.
    stream_config& set_bug_compat(int bug_compat);
    int get_bug_compat() const { return d_bug_compat; }

    /// How payload is copied into heap memory; default standard.
    stream_config& set_memcpy(memcpy_function which);
    memcpy_function get_memcpy() const { return d_memcpy; }

    /// Where heap memory comes from; default a plain memory_allocator. Must not be null.
    stream_config& set_memory_allocator(std::shared_ptr<memory_allocator> allocator);
    const std::shared_ptr<memory_allocator>& get_memory_allocator() const
    {
        return d_allocator;
    }

    /// Stop the stream when a heap carries STREAM_CTRL = stop; default true.
    stream_config& set_stop_on_stop_item(bool stop);
    bool get_stop_on_stop_item() const { return d_stop_on_stop_item; }

    /// Accept heaps whose packets carry no HEAP_LENGTH; default true.
    stream_config& set_allow_unsized_heaps(bool allow);
    bool get_allow_unsized_heaps() const { return d_allow_unsized_heaps; }

    /// Accept a heap's packets in any order (tracking received ranges); default false:
    /// then each packet must continue exactly where the previous one ended.
    stream_config& set_allow_out_of_order(bool allow);
    bool get_allow_out_of_order() const { return d_allow_out_of_order; }

    /// Opaque number identifying the stream (in logs); default 0.
    stream_config& set_stream_id(std::uintptr_t id);
    std::uintptr_t get_stream_id() const { return d_stream_id; }

    /// Readers deliver nothing until stream::start(); default false.
    stream_config& set_explicit_start(bool explicit_start);
    bool get_explicit_start() const { return d_explicit_start; }

    /**
     * \brief Largest heap payload accepted, in bytes (gr-spead's guard against hostile
     * HEAP_LENGTH values); default DEFAULT_MAX_HEAP_SIZE (64 MiB), at least 1.
     * A packet whose HEAP_LENGTH, or whose offset + length in an unsized heap, exceeds it
     * is rejected and counted; nothing is allocated for it.
     */
    stream_config& set_max_heap_size(std::size_t bytes);
    std::size_t get_max_heap_size() const { return d_max_heap_size; }

    /**
     * \brief Adds a custom statistic and returns its index.
     * Copy on write: stream_stats snapshots and config copies made earlier keep the list
     * they had.
     * \throws std::invalid_argument when a statistic of that name exists (spead2's
     * nine included); any other name is accepted, as spead2 does. Custom statistics
     * start at stream_stat_indices::custom (9).
     */
    std::size_t
    add_stat(const std::string& name,
             stream_stat_config::mode mode = stream_stat_config::mode::COUNTER);
    /// \throws std::out_of_range naming \p name when there is no such statistic.
    std::size_t get_stat_index(const std::string& name) const;
    /// Index the next add_stat will return.
    std::size_t next_stat_index() const { return d_stats->size(); }
    /// Every statistic, built-in ones first. Shared with the snapshots of a stream.
    const std::shared_ptr<const std::vector<stream_stat_config>>& get_stats() const
    {
        return d_stats;
    }

private:
    std::size_t d_max_heaps = 4;
    std::size_t d_substreams = 1;
    int d_bug_compat = 0;
    memcpy_function d_memcpy = memcpy_function::standard;
    std::shared_ptr<memory_allocator> d_allocator;
    bool d_stop_on_stop_item = true;
    bool d_allow_unsized_heaps = true;
    bool d_allow_out_of_order = false;
    std::uintptr_t d_stream_id = 0;
    bool d_explicit_start = false;
    std::size_t d_max_heap_size = DEFAULT_MAX_HEAP_SIZE;
    std::shared_ptr<const std::vector<stream_stat_config>> d_stats;
};

/// How a ring stream hands heaps to its consumer (spead2's RingStreamConfig).
class ring_stream_config
{
public:
    /// Capacity of the ring in heaps; default 4, at least 1.
    ring_stream_config& set_heaps(std::size_t heaps);
    std::size_t get_heaps() const { return d_heaps; }

    /// Deliver only complete heaps (incomplete ones are dropped and counted); default
    /// true. When false, incomplete heaps are delivered as incomplete_heap.
    ring_stream_config& set_contiguous_only(bool contiguous_only);
    bool get_contiguous_only() const { return d_contiguous_only; }

    /// Incomplete heaps carry the list of payload ranges received; default false.
    ring_stream_config& set_incomplete_keep_payload_ranges(bool keep);
    bool get_incomplete_keep_payload_ranges() const
    {
        return d_incomplete_keep_payload_ranges;
    }

    /**
     * \brief The longest the consumer (or a worker facing a full ring) spins before it
     * sleeps; default 200 us, range 0 to 1 s. Not in spead2.
     *
     * A side spins only while its recent waits were this short or shorter (twice its
     * typical wait, at least 20 us); otherwise it sleeps at once. Spinning keeps a fast
     * consumer awake for the next heap, which spares the worker a wake-up (a system call
     * and an interrupt per heap); it costs CPU while heaps come often. 0 never spins:
     * each wait sleeps at once, for a consumer that must not spend CPU waiting (a laptop,
     * a busy host) and can afford a wake-up per heap.
     *
     * \throws std::invalid_argument naming max_spin and the range when outside it.
     */
    ring_stream_config& set_max_spin(std::chrono::microseconds max_spin);
    std::chrono::microseconds get_max_spin() const { return d_max_spin; }

private:
    std::size_t d_heaps = 4;
    bool d_contiguous_only = true;
    bool d_incomplete_keep_payload_ranges = false;
    std::chrono::microseconds d_max_spin{ 200 }; ///< RING_DEFAULT_MAX_SPIN
};

} // namespace recv
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_RECV_STREAM_CONFIG_H */
