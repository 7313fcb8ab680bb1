/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <gnuradio/spead/recv/stream_stats.h>
#include <algorithm>
#include <iterator>
#include <stdexcept>

namespace gr {
namespace spead {
namespace recv {

namespace {

using mode = stream_stat_config::mode;
namespace idx = stream_stat_indices;
namespace rej = reject_stat_indices;

/// A statistic with a fixed name (the per-packet_status reject counters are generated).
struct fixed_stat {
    std::size_t index;
    const char* name;
    mode stat_mode;
};

// spead2's, with its names and indices
constexpr fixed_stat core_stats[] = {
    { idx::heaps, "heaps", mode::COUNTER },
    { idx::incomplete_heaps_evicted, "incomplete_heaps_evicted", mode::COUNTER },
    { idx::incomplete_heaps_flushed, "incomplete_heaps_flushed", mode::COUNTER },
    { idx::packets, "packets", mode::COUNTER },
    { idx::batches, "batches", mode::COUNTER },
    { idx::max_batch, "max_batch", mode::MAXIMUM },
    { idx::single_packet_heaps, "single_packet_heaps", mode::COUNTER },
    { idx::search_dist, "search_dist", mode::COUNTER },
    { idx::worker_blocked, "worker_blocked", mode::COUNTER },
};

// gr-spead's, besides the generated per-status ones
constexpr fixed_stat reject_stats[] = {
    { rej::packets_rejected, "packets_rejected", mode::COUNTER },
    { rej::packets_rejected_heap_length_mismatch,
      "packets_rejected_heap_length_mismatch",
      mode::COUNTER },
    { rej::packets_rejected_duplicate, "packets_rejected_duplicate", mode::COUNTER },
    { rej::packets_rejected_out_of_order,
      "packets_rejected_out_of_order",
      mode::COUNTER },
    { rej::packets_rejected_flavour_mismatch,
      "packets_rejected_flavour_mismatch",
      mode::COUNTER },
    { rej::packets_rejected_heap_too_large,
      "packets_rejected_heap_too_large",
      mode::COUNTER },
    { rej::packets_rejected_unsized, "packets_rejected_unsized", mode::COUNTER },
    { rej::packets_rejected_oversize, "packets_rejected_oversize", mode::COUNTER },
    { rej::packets_rejected_after_stop, "packets_rejected_after_stop", mode::COUNTER },
    { rej::packets_rejected_allocation_failed,
      "packets_rejected_allocation_failed",
      mode::COUNTER },
    { rej::heaps_dropped_incomplete, "heaps_dropped_incomplete", mode::COUNTER },
    { rej::heaps_dropped_allocation_failed,
      "heaps_dropped_allocation_failed",
      mode::COUNTER },
    { rej::heaps_dropped_ring_stopped, "heaps_dropped_ring_stopped", mode::COUNTER },
};

constexpr std::size_t per_status_first = rej::packets_rejected_malformed_first;
constexpr std::size_t per_status_count =
    protocol::packet_status_count() - 1; // every status but ok

/// True when \p stats and the indices [\p generated_first, + \p generated_count) name
/// every index below \p size exactly once.
template <std::size_t N>
constexpr bool tiles(const fixed_stat (&stats)[N],
                     std::size_t generated_first,
                     std::size_t generated_count,
                     std::size_t size)
{
    bool seen[64] = {};
    if (size > std::size(seen))
        return false;
    for (const auto& stat : stats) {
        if (stat.index >= size || seen[stat.index])
            return false;
        seen[stat.index] = true;
    }
    for (std::size_t i = generated_first; i < generated_first + generated_count; ++i) {
        if (i >= size || seen[i])
            return false;
        seen[i] = true;
    }
    for (std::size_t i = 0; i < size; ++i)
        if (!seen[i])
            return false;
    return true;
}
// Checked at compile time so that a new index constant cannot be forgotten here.
static_assert(
    tiles(core_stats, 0, 0, idx::custom),
    "spead2's statistics must fill every index below stream_stat_indices::custom");
static_assert(tiles(reject_stats, per_status_first, per_status_count, rej::count),
              "reject counters must fill every index below reject_stat_indices::count");

template <std::size_t N>
void place(std::vector<stream_stat_config>& list, const fixed_stat (&stats)[N])
{
    for (const auto& stat : stats)
        list[stat.index] = stream_stat_config(stat.name, stat.stat_mode);
}

std::vector<stream_stat_config> make_core_stats()
{
    std::vector<stream_stat_config> stats(idx::custom, stream_stat_config(std::string()));
    place(stats, core_stats);
    return stats;
}

std::shared_ptr<const std::vector<stream_stat_config>> make_reject_stats()
{
    std::vector<stream_stat_config> stats(rej::count, stream_stat_config(std::string()));
    place(stats, reject_stats);
    for (std::size_t i = 0; i < per_status_count; ++i) {
        // status 0 is ok, which never rejects a packet
        const auto status = static_cast<protocol::packet_status>(i + 1);
        stats[rej::for_status(status)] =
            stream_stat_config(std::string("packets_rejected_") + to_string(status));
    }
    return std::make_shared<const std::vector<stream_stat_config>>(std::move(stats));
}

/// spead2's list as a shared pointer, for default-constructed snapshots (never freed: it
/// aliases the function-local static list).
const std::shared_ptr<const std::vector<stream_stat_config>>& builtin_stats_shared()
{
    static const std::shared_ptr<const std::vector<stream_stat_config>> shared(
        &builtin_stream_stats(), [](const std::vector<stream_stat_config>*) {});
    return shared;
}

std::string quoted(const std::string& name) { return "'" + name + "'"; }

} // namespace

stream_stat_config::stream_stat_config(std::string name, mode m)
    : d_name(std::move(name)), d_mode(m)
{
    if (m != mode::COUNTER && m != mode::MAXIMUM)
        throw std::invalid_argument("stream_stat_config: mode must be COUNTER or MAXIMUM "
                                    "(got " +
                                    std::to_string(static_cast<int>(m)) + ")");
}

const std::vector<stream_stat_config>& builtin_stream_stats()
{
    static const std::vector<stream_stat_config> stats = make_core_stats();
    return stats;
}

const std::shared_ptr<const std::vector<stream_stat_config>>& reject_stream_stats()
{
    static const std::shared_ptr<const std::vector<stream_stat_config>> stats =
        make_reject_stats();
    return stats;
}

stream_stats::stream_stats() : stream_stats(builtin_stats_shared()) {}

stream_stats::stream_stats(std::shared_ptr<const std::vector<stream_stat_config>> config)
    : d_config(std::move(config))
{
    if (!d_config)
        throw std::invalid_argument("stream_stats: config must not be null");
    d_values.assign(d_config->size(), 0);
}

stream_stats::stream_stats(std::shared_ptr<const std::vector<stream_stat_config>> config,
                           std::vector<std::uint64_t> values)
    : d_config(std::move(config)), d_values(std::move(values))
{
    if (!d_config)
        throw std::invalid_argument("stream_stats: config must not be null");
    if (d_values.size() != d_config->size())
        throw std::invalid_argument("stream_stats: values must have one entry per "
                                    "statistic (" +
                                    std::to_string(d_config->size()) + "), got " +
                                    std::to_string(d_values.size()));
}

std::uint64_t& stream_stats::at(std::size_t index)
{
    if (index >= d_values.size())
        throw std::out_of_range("stream_stats: index " + std::to_string(index) +
                                " out of range (size " + std::to_string(d_values.size()) +
                                ")");
    return d_values[index];
}

std::uint64_t stream_stats::at(std::size_t index) const
{
    return const_cast<stream_stats&>(*this).at(index);
}

std::uint64_t& stream_stats::operator[](const std::string& name)
{
    const auto& config = *d_config;
    for (std::size_t i = 0; i < config.size(); ++i)
        if (config[i].get_name() == name)
            return d_values[i];
    throw std::out_of_range("stream_stats: no statistic named " + quoted(name));
}

std::uint64_t stream_stats::operator[](const std::string& name) const
{
    return const_cast<stream_stats&>(*this)[name];
}

bool stream_stats::contains(const std::string& name) const
{
    return std::any_of(d_config->begin(), d_config->end(), [&](const auto& stat) {
        return stat.get_name() == name;
    });
}

std::vector<std::pair<std::string, std::uint64_t>> stream_stats::items() const
{
    std::vector<std::pair<std::string, std::uint64_t>> result;
    result.reserve(d_values.size());
    for (std::size_t i = 0; i < d_values.size(); ++i)
        result.emplace_back((*d_config)[i].get_name(), d_values[i]);
    return result;
}

stream_stats stream_stats::operator+(const stream_stats& other) const
{
    stream_stats sum = *this;
    sum += other;
    return sum;
}

stream_stats& stream_stats::operator+=(const stream_stats& other)
{
    // Two streams built from equal configurations hold distinct but equal lists.
    if (d_config != other.d_config && *d_config != *other.d_config)
        throw std::invalid_argument(
            "stream_stats: cannot combine statistics of different configurations (" +
            std::to_string(d_config->size()) + " and " +
            std::to_string(other.d_config->size()) + " statistics)");
    for (std::size_t i = 0; i < d_values.size(); ++i)
        d_values[i] = (*d_config)[i].combine(d_values[i], other.d_values[i]);
    return *this;
}

stream_stats stream_stats::joined(const stream_stats& other) const
{
    auto config = std::make_shared<std::vector<stream_stat_config>>(*d_config);
    config->insert(config->end(), other.d_config->begin(), other.d_config->end());
    std::vector<std::uint64_t> values = d_values;
    values.insert(values.end(), other.d_values.begin(), other.d_values.end());
    return stream_stats(std::move(config), std::move(values));
}

} // namespace recv
} // namespace spead
} // namespace gr
