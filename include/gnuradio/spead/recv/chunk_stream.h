/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_RECV_CHUNK_STREAM_H
#define INCLUDED_SPEAD_RECV_CHUNK_STREAM_H

#include <gnuradio/spead/recv/chunk_stream_config.h>
#include <gnuradio/spead/recv/rate_limited_log.h>
#include <gnuradio/spead/recv/stream.h>
#include <cstdint>
#include <memory>
#include <vector>

namespace gr {
namespace spead {
namespace recv {

namespace detail {
class chunk_heap_allocator;
class chunk_window;
} // namespace detail

/**
 * \brief A stream that writes heaps straight into chunks instead of handing them out
 * one by one (spead2's chunk_stream).
 *
 * Heaps are assembled by the ordinary stream rules (the window of max_heaps live heaps,
 * eviction, in-order or out-of-order packets, statistics): only where their payload
 * goes differs. At a heap's first packet carrying HEAP_LENGTH (heaps of length 0
 * excepted), the place function chooses a chunk ID, a heap index and a byte offset;
 * the heap's memory is then chunk::data + offset, and every payload byte is copied
 * there once, with the stream's memcpy. A heap that completes sets its byte of
 * chunk::present (with packet presence, each packet sets its own byte as it arrives).
 *
 * Chunks form a window of chunk_stream_config::get_max_chunks() consecutive IDs. A heap
 * for a later chunk moves the window on: chunks that fall out of it go to the ready
 * function, new ones come from the allocate function (also for IDs skipped over, up to
 * the window size, so that late heaps still find them; never negative IDs). A heap for
 * a chunk already gone is dropped. When the stream stops, live heaps are flushed, then
 * every chunk in the window is readied, oldest first.
 *
 * The configuration passed down to stream differs from the caller's as in spead2:
 * unsized heaps are refused, the memory allocator is the stream's own, readers do not
 * receive payload straight into memory, and two custom statistics are added:
 *   - too_old_heaps: heaps placed in a chunk that had already left the window, or that
 *     completed after their chunk left it;
 *   - rejected_heaps: heaps the place function gave a negative chunk ID, and (a
 *     gr-spead guard) heaps placed outside the chunk's known sizes.
 *
 * Callbacks run with the stream's lock held, on a reader's thread (or the thread that
 * calls stop()). The allocate and ready functions may block (a ring of free chunks);
 * stop() from another thread must then be able to wake them (chunk_ring_stream does).
 */
class chunk_stream : public stream
{
public:
    /// \throws std::invalid_argument when the place, allocate or ready function is unset.
    chunk_stream(thread_pool& pool,
                 const stream_config& config,
                 const chunk_stream_config& chunk_config);
    ~chunk_stream() override;

    const chunk_stream_config& get_chunk_config() const { return d_chunk_config; }

    /// Stops the stream; live heaps are flushed, then every chunk is readied.
    void stop() override;

protected:
    /// For subclasses that take chunks from elsewhere (groups): allocate and ready are
    /// then not required in \p chunk_config. Same configuration adjustments otherwise.
    chunk_stream(thread_pool& pool,
                 const stream_config& config,
                 const chunk_stream_config& chunk_config,
                 bool own_chunks);

    /// A chunk for \p chunk_id with its chunk_id and stream_id set, or nullptr to skip
    /// it (the allocate function by default).
    virtual chunk* obtain_chunk(std::int64_t chunk_id, std::uint64_t* batch_stats);
    /// A chunk that left the window (the ready function by default; never null).
    virtual void release_chunk(chunk* c, std::uint64_t* batch_stats);
    /// The oldest chunk ID the window still holds moved on to \p head.
    virtual void head_moved(std::uint64_t head) { (void)head; }

    /// Releases every chunk whose ID is below \p chunk_id; with the lock held.
    void flush_chunks_until(std::uint64_t chunk_id, std::uint64_t* batch_stats);
    /// Releases every chunk; with the lock held.
    void flush_all_chunks(std::uint64_t* batch_stats);
    /// The statistics of the batch holding the lock (for callbacks); with the lock held.
    std::uint64_t* batch_stats();

    void heap_ready(heap&& h, stream_batch& batch) override;
    void live_heap_ready(live_heap& h, stream_batch& batch) override;
    void live_heaps_flushed(stream_batch& batch) override;

private:
    friend class detail::chunk_heap_allocator;

    /// Marks a heap that left the window present in its chunk (when it arrived whole
    /// and its chunk is still in the window; too_old_heaps otherwise).
    void
    mark_heap(bool whole, const memory_allocator::pointer& memory, stream_batch& batch);

    chunk_stream(thread_pool& pool,
                 const stream_config& config,
                 const chunk_stream_config& chunk_config,
                 bool own_chunks,
                 std::shared_ptr<detail::chunk_heap_allocator> allocator);
    static stream_config
    adjusted_config(const stream_config& config,
                    std::shared_ptr<detail::chunk_heap_allocator> allocator);

    /// The memory for a heap whose first sized packet is \p packet (the allocator's
    /// work); with the lock held.
    memory_allocator::pointer place_heap(std::size_t size,
                                         const protocol::packet_view& packet);
    /// Writes one packet's payload into its chunk (set_payload_writer).
    void write_payload(const memory_allocator::pointer& payload,
                       const protocol::packet_view& packet);
    bool chunk_too_old(std::int64_t chunk_id) const;

    const chunk_stream_config d_chunk_config;
    const std::size_t d_too_old_index;
    const std::size_t d_rejected_index;
    memcpy_function_ptr d_copy;
    std::shared_ptr<detail::chunk_heap_allocator> d_allocator;
    std::unique_ptr<detail::chunk_window> d_window;
    /// The place function's arguments and the arrays they point to, made once.
    chunk_place_data d_place_data{};
    std::vector<std::int64_t> d_item_values;
    std::vector<std::uint8_t> d_extra;
    /// Statistics for callbacks outside a batch (none in practice: a safety net).
    std::vector<std::uint64_t> d_spare_stats;
    rate_limited_log d_placement_log;
};

} // namespace recv
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_RECV_CHUNK_STREAM_H */
