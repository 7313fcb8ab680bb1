/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <gnuradio/spead/protocol/flavour.h>
#include <gnuradio/spead/recv/stream_config.h>
#include <stdexcept>
#include <string>

namespace gr {
namespace spead {
namespace recv {

namespace {

void require_at_least_one(const char* parameter, std::size_t value)
{
    if (value < 1)
        throw std::invalid_argument(std::string(parameter) + " must be at least 1 (got " +
                                    std::to_string(value) + ")");
}

} // namespace

stream_config::stream_config()
    : d_allocator(std::make_shared<memory_allocator>()),
      d_stats(
          std::make_shared<const std::vector<stream_stat_config>>(builtin_stream_stats()))
{
}

stream_config& stream_config::set_max_heaps(std::size_t max_heaps)
{
    require_at_least_one("max_heaps", max_heaps);
    d_max_heaps = max_heaps;
    return *this;
}

stream_config& stream_config::set_substreams(std::size_t substreams)
{
    require_at_least_one("substreams", substreams);
    d_substreams = substreams;
    return *this;
}

stream_config& stream_config::set_bug_compat(int bug_compat)
{
    if (bug_compat < 0 || (bug_compat & ~protocol::BUG_COMPAT_ALL) != 0)
        throw std::invalid_argument(
            "bug_compat must be a combination of BUG_COMPAT_* flags, 0 to " +
            std::to_string(protocol::BUG_COMPAT_ALL) + " (got " +
            std::to_string(bug_compat) + ")");
    d_bug_compat = bug_compat;
    return *this;
}

stream_config& stream_config::set_memcpy(memcpy_function which)
{
    // An enum class can still hold any integer through a cast (e.g. from Python).
    if (which != memcpy_function::standard && which != memcpy_function::nontemporal)
        throw std::invalid_argument(
            "memcpy must be standard (0) or nontemporal (1) (got " +
            std::to_string(static_cast<int>(which)) + ")");
    d_memcpy = which;
    return *this;
}

stream_config&
stream_config::set_memory_allocator(std::shared_ptr<memory_allocator> allocator)
{
    if (!allocator)
        throw std::invalid_argument("memory_allocator must not be null");
    d_allocator = std::move(allocator);
    return *this;
}

stream_config& stream_config::set_stop_on_stop_item(bool stop)
{
    d_stop_on_stop_item = stop;
    return *this;
}

stream_config& stream_config::set_allow_unsized_heaps(bool allow)
{
    d_allow_unsized_heaps = allow;
    return *this;
}

stream_config& stream_config::set_allow_out_of_order(bool allow)
{
    d_allow_out_of_order = allow;
    return *this;
}

stream_config& stream_config::set_stream_id(std::uintptr_t id)
{
    d_stream_id = id;
    return *this;
}

stream_config& stream_config::set_explicit_start(bool explicit_start)
{
    d_explicit_start = explicit_start;
    return *this;
}

stream_config& stream_config::set_max_heap_size(std::size_t bytes)
{
    require_at_least_one("max_heap_size", bytes);
    d_max_heap_size = bytes;
    return *this;
}

std::size_t stream_config::add_stat(const std::string& name,
                                    stream_stat_config::mode mode)
{
    // Any name not in use is accepted, the empty one included, as spead2 does.
    for (const auto& stat : *d_stats)
        if (stat.get_name() == name)
            throw std::invalid_argument("a statistic named '" + name +
                                        "' already exists");
    // Copy on write: stream_stats snapshots and copies of this config taken earlier share
    // the old list and must keep seeing it unchanged.
    auto extended = std::make_shared<std::vector<stream_stat_config>>(*d_stats);
    extended->emplace_back(name, mode);
    d_stats = std::move(extended);
    return d_stats->size() - 1;
}

std::size_t stream_config::get_stat_index(const std::string& name) const
{
    const auto& stats = *d_stats;
    for (std::size_t i = 0; i < stats.size(); ++i)
        if (stats[i].get_name() == name)
            return i;
    throw std::out_of_range("no statistic named '" + name + "'");
}

ring_stream_config& ring_stream_config::set_heaps(std::size_t heaps)
{
    require_at_least_one("heaps", heaps);
    d_heaps = heaps;
    return *this;
}

ring_stream_config& ring_stream_config::set_max_spin(std::chrono::microseconds max_spin)
{
    constexpr std::chrono::microseconds longest = std::chrono::seconds(1);
    if (max_spin.count() < 0 || max_spin > longest)
        throw std::invalid_argument(
            "max_spin must be in [0, " + std::to_string(longest.count()) +
            "] microseconds (got " + std::to_string(max_spin.count()) + ")");
    d_max_spin = max_spin;
    return *this;
}

ring_stream_config& ring_stream_config::set_contiguous_only(bool contiguous_only)
{
    d_contiguous_only = contiguous_only;
    return *this;
}

ring_stream_config& ring_stream_config::set_incomplete_keep_payload_ranges(bool keep)
{
    d_incomplete_keep_payload_ranges = keep;
    return *this;
}

} // namespace recv
} // namespace spead
} // namespace gr
