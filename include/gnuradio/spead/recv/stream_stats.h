/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_RECV_STREAM_STATS_H
#define INCLUDED_SPEAD_RECV_STREAM_STATS_H

#include <gnuradio/spead/protocol/packet.h>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace gr {
namespace spead {
namespace recv {

/// How one statistic is named and how two values of it combine (spead2's
/// StreamStatConfig).
class stream_stat_config
{
public:
    enum class mode {
        COUNTER, ///< values add up
        MAXIMUM, ///< the larger value wins
    };

    /// \throws std::invalid_argument when \p m is not one of the modes above.
    explicit stream_stat_config(std::string name, mode m = mode::COUNTER);

    const std::string& get_name() const { return d_name; }
    mode get_mode() const { return d_mode; }
    /// a + b for a counter, max(a, b) for a maximum.
    std::uint64_t combine(std::uint64_t a, std::uint64_t b) const
    {
        return d_mode == mode::MAXIMUM ? (a > b ? a : b) : a + b;
    }

    bool operator==(const stream_stat_config& o) const
    {
        return d_name == o.d_name && d_mode == o.d_mode;
    }
    bool operator!=(const stream_stat_config& o) const { return !(*this == o); }

private:
    std::string d_name;
    mode d_mode;
};

/**
 * \brief Index of every built-in statistic in a stream's statistics (stream::get_stats):
 * spead2's nine, with its names, indices and meaning. Custom statistics added with
 * stream_config::add_stat start at \a custom.
 */
namespace stream_stat_indices {
/// Heaps delivered, incomplete included.
constexpr std::size_t heaps = 0;
/// Heaps pushed out of the window unfinished.
constexpr std::size_t incomplete_heaps_evicted = 1;
/// Heaps unfinished when the stream stopped.
constexpr std::size_t incomplete_heaps_flushed = 2;
/// Packets received.
constexpr std::size_t packets = 3;
/// Batches of packets processed.
constexpr std::size_t batches = 4;
/// Most packets in one batch (a maximum, not a counter).
constexpr std::size_t max_batch = 5;
/// Heaps completed by one packet.
constexpr std::size_t single_packet_heaps = 6;
/// Live-heap slots examined in lookups.
constexpr std::size_t search_dist = 7;
/// Times a worker waited on a full ring.
constexpr std::size_t worker_blocked = 8;
/// Index of the first custom statistic.
constexpr std::size_t custom = 9;
} // namespace stream_stat_indices

/**
 * \brief Index of every counter in a stream's reject statistics
 * (stream::get_reject_stats): gr-spead's counts of packets rejected and heaps dropped,
 * per reason.
 *
 * They are a list of their own, beside spead2's, so that a stream's statistics list is
 * exactly spead2's (custom statistics at index 9, as spead2 programs expect).
 */
namespace reject_stat_indices {
/// Packets rejected for any reason (the sum of the packets_rejected_* counters).
constexpr std::size_t packets_rejected = 0;
/// First of packet_status_count() - 1 counters, one per failing packet_status (in enum
/// order, skipping ok): "packets_rejected_<to_string(status)>".
constexpr std::size_t packets_rejected_malformed_first = 1;
/// HEAP_LENGTH disagrees with earlier packets of the heap or with a pointer's offset.
constexpr std::size_t packets_rejected_heap_length_mismatch =
    packets_rejected_malformed_first + protocol::packet_status_count() - 1;
/// Payload overlaps bytes already received.
constexpr std::size_t packets_rejected_duplicate =
    packets_rejected_heap_length_mismatch + 1;
/// Offset differs from the bytes received so far, in in-order mode.
constexpr std::size_t packets_rejected_out_of_order = packets_rejected_duplicate + 1;
/// Address width differs within a heap.
constexpr std::size_t packets_rejected_flavour_mismatch =
    packets_rejected_out_of_order + 1;
/// Heap beyond max_heap_size.
constexpr std::size_t packets_rejected_heap_too_large =
    packets_rejected_flavour_mismatch + 1;
/// No HEAP_LENGTH while unsized heaps are disallowed.
constexpr std::size_t packets_rejected_unsized = packets_rejected_heap_too_large + 1;
/// Datagram beyond a reader's max_size.
constexpr std::size_t packets_rejected_oversize = packets_rejected_unsized + 1;
/// Arrived after a stop item.
constexpr std::size_t packets_rejected_after_stop = packets_rejected_oversize + 1;
/// Its heap's memory could not be allocated (the heap is counted in
/// heaps_dropped_allocation_failed).
constexpr std::size_t packets_rejected_allocation_failed =
    packets_rejected_after_stop + 1;
/// Heaps dropped because they were incomplete and the ring keeps complete heaps only.
constexpr std::size_t heaps_dropped_incomplete = packets_rejected_allocation_failed + 1;
/// Heaps dropped because their memory could not be allocated.
constexpr std::size_t heaps_dropped_allocation_failed = heaps_dropped_incomplete + 1;
/// Heaps dropped because the consumer side stopped before taking them.
constexpr std::size_t heaps_dropped_ring_stopped = heaps_dropped_allocation_failed + 1;
/// Number of reject counters.
constexpr std::size_t count = heaps_dropped_ring_stopped + 1;

/// The counter of a packet that failed to decode with \p status (not packet_status::ok).
constexpr std::size_t for_status(protocol::packet_status status)
{
    return packets_rejected_malformed_first + std::size_t(status) - 1;
}
} // namespace reject_stat_indices

/// spead2's nine statistics, in index order (the start of every stream_config's list).
const std::vector<stream_stat_config>& builtin_stream_stats();

/// The reject counters, in reject_stat_indices order (all counters), shared by every
/// reject snapshot.
const std::shared_ptr<const std::vector<stream_stat_config>>& reject_stream_stats();

/**
 * \brief A consistent snapshot of a stream's statistics (spead2's StreamStats):
 * dictionary-like by name, sequence-like by index, and addable.
 */
class stream_stats
{
public:
    /// All zero, for spead2's nine statistics only.
    stream_stats();
    /// All zero, for \p config (built-in statistics first, as stream_config makes them).
    /// \throws std::invalid_argument when \p config is null.
    explicit stream_stats(std::shared_ptr<const std::vector<stream_stat_config>> config);
    /// \throws std::invalid_argument when \p config is null or \p values does not have
    /// one entry per statistic.
    stream_stats(std::shared_ptr<const std::vector<stream_stat_config>> config,
                 std::vector<std::uint64_t> values);

    const std::shared_ptr<const std::vector<stream_stat_config>>& get_config() const
    {
        return d_config;
    }
    std::size_t size() const { return d_values.size(); }
    /// \throws std::out_of_range for an index past the end.
    std::uint64_t& at(std::size_t index);
    std::uint64_t at(std::size_t index) const;
    std::uint64_t& operator[](std::size_t index) { return d_values[index]; }
    std::uint64_t operator[](std::size_t index) const { return d_values[index]; }
    /// \throws std::out_of_range naming \p name when there is no such statistic.
    std::uint64_t& operator[](const std::string& name);
    std::uint64_t operator[](const std::string& name) const;
    bool contains(const std::string& name) const;
    const std::vector<std::uint64_t>& values() const { return d_values; }
    /// (name, value) pairs in index order.
    std::vector<std::pair<std::string, std::uint64_t>> items() const;

    /// Combines statistic by statistic (counters add, maxima take the larger).
    /// \throws std::invalid_argument when the configurations differ.
    stream_stats operator+(const stream_stats& other) const;
    stream_stats& operator+=(const stream_stats& other);

    /// This snapshot's statistics followed by \p other's, as one snapshot (how the
    /// blocks and tools show a stream's statistics and reject counters together).
    stream_stats joined(const stream_stats& other) const;

private:
    std::shared_ptr<const std::vector<stream_stat_config>> d_config;
    std::vector<std::uint64_t> d_values;
};

} // namespace recv
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_RECV_STREAM_STATS_H */
