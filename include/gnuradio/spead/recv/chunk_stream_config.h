/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_RECV_CHUNK_STREAM_CONFIG_H
#define INCLUDED_SPEAD_RECV_CHUNK_STREAM_CONFIG_H

#include <gnuradio/spead/recv/memory_allocator.h>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

namespace gr {
namespace spead {
namespace recv {

/**
 * \brief A block of memory that a chunk stream fills with the payload of many heaps
 * (spead2's recv::chunk).
 *
 * The memory belongs to the user (a chunk never grows): \a data receives each heap's
 * payload at the offset the place function chose, \a present has one byte per heap
 * index (or per packet, with packet presence) set to 1 when it arrived, \a extra
 * receives the per-heap bytes the place function asks for. The pointers' deleters free
 * the memory when the chunk is destroyed (a default-constructed deleter frees nothing:
 * memory owned elsewhere).
 *
 * The sizes are gr-spead's guard against placements outside the chunk: when nonzero, a
 * heap placed beyond \a data_size, a heap index beyond \a present_size or extra bytes
 * beyond \a extra_size are dropped and counted as rejected_heaps. spead2 has no data
 * or extra size (it trusts the place function); leaving them 0 trusts it too.
 */
class chunk
{
public:
    chunk() = default;
    chunk(chunk&&) = default;
    chunk& operator=(chunk&&) = default;
    virtual ~chunk() = default;

    /// The chunk's number, set by the stream when it takes the chunk into its window.
    std::int64_t chunk_id = -1;
    /// stream_config::get_stream_id() of the stream that filled it.
    std::uintptr_t stream_id = 0;
    memory_allocator::pointer present;
    std::size_t present_size = 0; ///< bytes of \a present
    memory_allocator::pointer data;
    std::size_t data_size = 0; ///< bytes of \a data, 0 when unknown (not checked)
    memory_allocator::pointer extra;
    std::size_t extra_size = 0; ///< bytes of \a extra, 0 when unknown (not checked)
};

/**
 * \brief What the place function receives and fills in, once per heap, at the heap's
 * first packet that carries HEAP_LENGTH (spead2's chunk_place_data, laid out as spead2
 * lays it out, so that numba callbacks written for spead2 work unchanged).
 *
 * Inputs: the packet, and \a items, one value per item ID of
 * chunk_stream_config::get_items(): the immediate value of that item in this packet,
 * or -1 when the packet has no immediate item with that ID (HEAP_CNT, HEAP_LENGTH and
 * the other packet items can be asked for too). Outputs: \a chunk_id (-1 on entry:
 * left negative, the heap is dropped and counted as rejected_heaps), \a heap_index
 * (position in chunk::present), \a heap_offset (byte offset in chunk::data), and
 * optionally \a extra_size bytes written at \a extra, copied to chunk::extra at
 * \a extra_offset. \a batch_stats points to the statistics of the current batch,
 * indexed like stream_config::get_stats(): a custom counter is incremented there.
 */
struct chunk_place_data {
    const std::uint8_t* packet; ///< the packet's first byte (its header)
    std::size_t packet_size;    ///< bytes from \a packet to the end of its payload
    std::int64_t* items;        ///< values of the requested items, -1 when absent
    std::int64_t chunk_id;      ///< output
    std::size_t heap_index;     ///< output
    std::size_t heap_offset;    ///< output
    std::uint64_t* batch_stats; ///< statistics of the batch being received
    std::uint8_t* extra;        ///< max_heap_extra bytes the function may write
    std::size_t extra_offset;   ///< output: where in chunk::extra
    std::size_t extra_size;     ///< output: how many bytes of \a extra to copy
};

/**
 * Decides where a heap goes; \p data_size is sizeof(chunk_place_data) (a C callback
 * compiled against an older layout can tell which fields exist). Called with the
 * stream's lock held, on a reader's thread: it must be quick and must not block.
 */
using chunk_place_function =
    std::function<void(chunk_place_data* data, std::size_t data_size)>;
/// Gives a chunk for \p chunk_id (its present bytes zeroed), or nullptr to skip it.
using chunk_allocate_function = std::function<std::unique_ptr<chunk>(
    std::int64_t chunk_id, std::uint64_t* batch_stats)>;
/// Receives a chunk that left the window (complete or not); takes ownership.
using chunk_ready_function =
    std::function<void(std::unique_ptr<chunk>&& c, std::uint64_t* batch_stats)>;

/**
 * \brief How a chunk stream places heaps into chunks (spead2's ChunkStreamConfig), with
 * spead2's names and defaults. Setters validate, throw std::invalid_argument naming the
 * parameter and its accepted range, and return *this.
 */
class chunk_stream_config
{
public:
    /// spead2's default window of chunks.
    static constexpr std::size_t default_max_chunks = 2;

    /// Item IDs whose immediate values the place function receives, in this order.
    chunk_stream_config& set_items(const std::vector<std::uint64_t>& items);
    const std::vector<std::uint64_t>& get_items() const { return d_items; }

    /// Chunks under construction at once (the window); at least 1. With 1, a heap of an
    /// earlier chunk is refused once a later chunk has begun.
    chunk_stream_config& set_max_chunks(std::size_t max_chunks);
    std::size_t get_max_chunks() const { return d_max_chunks; }

    chunk_stream_config& set_place(chunk_place_function place);
    const chunk_place_function& get_place() const { return d_place; }

    /// Where chunks come from (chunk_stream only: ring streams and groups set their own).
    chunk_stream_config& set_allocate(chunk_allocate_function allocate);
    const chunk_allocate_function& get_allocate() const { return d_allocate; }

    /// Where finished chunks go (for a ring stream: called before the chunk is queued).
    chunk_stream_config& set_ready(chunk_ready_function ready);
    const chunk_ready_function& get_ready() const { return d_ready; }

    /**
     * \brief Marks packets rather than heaps: each packet's PAYLOAD_OFFSET divided by
     * \p payload_size is added to the heap index, and that byte of chunk::present is set
     * as soon as the packet arrives. \p payload_size at least 1.
     */
    chunk_stream_config& enable_packet_presence(std::size_t payload_size);
    chunk_stream_config& disable_packet_presence();
    /// The payload size given to enable_packet_presence, 0 when disabled (the default).
    std::size_t get_packet_presence_payload_size() const
    {
        return d_presence_payload_size;
    }

    /// Bytes the place function may write at chunk_place_data::extra; default 0.
    chunk_stream_config& set_max_heap_extra(std::size_t max_heap_extra);
    std::size_t get_max_heap_extra() const { return d_max_heap_extra; }

private:
    std::vector<std::uint64_t> d_items;
    std::size_t d_max_chunks = default_max_chunks;
    chunk_place_function d_place;
    chunk_allocate_function d_allocate;
    chunk_ready_function d_ready;
    std::size_t d_presence_payload_size = 0;
    std::size_t d_max_heap_extra = 0;
};

} // namespace recv
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_RECV_CHUNK_STREAM_CONFIG_H */
