/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <gnuradio/spead/recv/chunk_stream_config.h>
#include <stdexcept>

namespace gr {
namespace spead {
namespace recv {

constexpr std::size_t chunk_stream_config::default_max_chunks;

chunk_stream_config&
chunk_stream_config::set_items(const std::vector<std::uint64_t>& items)
{
    d_items = items;
    return *this;
}

chunk_stream_config& chunk_stream_config::set_max_chunks(std::size_t max_chunks)
{
    if (max_chunks == 0)
        throw std::invalid_argument("max_chunks must be at least 1");
    d_max_chunks = max_chunks;
    return *this;
}

chunk_stream_config& chunk_stream_config::set_place(chunk_place_function place)
{
    d_place = std::move(place);
    return *this;
}

chunk_stream_config& chunk_stream_config::set_allocate(chunk_allocate_function allocate)
{
    d_allocate = std::move(allocate);
    return *this;
}

chunk_stream_config& chunk_stream_config::set_ready(chunk_ready_function ready)
{
    d_ready = std::move(ready);
    return *this;
}

chunk_stream_config& chunk_stream_config::enable_packet_presence(std::size_t payload_size)
{
    if (payload_size == 0)
        throw std::invalid_argument("payload_size must be at least 1");
    d_presence_payload_size = payload_size;
    return *this;
}

chunk_stream_config& chunk_stream_config::disable_packet_presence()
{
    d_presence_payload_size = 0;
    return *this;
}

chunk_stream_config& chunk_stream_config::set_max_heap_extra(std::size_t max_heap_extra)
{
    d_max_heap_extra = max_heap_extra;
    return *this;
}

} // namespace recv
} // namespace spead
} // namespace gr
