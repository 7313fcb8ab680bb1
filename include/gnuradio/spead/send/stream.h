/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_SEND_STREAM_H
#define INCLUDED_SPEAD_SEND_STREAM_H

#include <gnuradio/spead/send/heap.h>
#include <gnuradio/spead/send/stream_config.h>
#include <system_error>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

namespace gr {
namespace spead {
namespace send {

/// How the packets of a group of heaps (stream::async_send_heaps) are ordered.
enum class group_mode {
    /// One packet of each heap in turn (heaps that have run out are skipped).
    ROUND_ROBIN,
    /// Every packet of one heap, then the next heap.
    SERIAL
};

/// A heap to send in a group, with its own cnt, substream and rate (spead2's
/// HeapReference). The heap is referred to, not copied.
struct heap_reference {
    const heap* h;
    /// Heap cnt; negative: the next of the stream's sequence (set_cnt_sequence).
    std::int64_t cnt = -1;
    /// Which destination (substream) of the stream the heap goes to.
    std::size_t substream_index = 0;
    /// Bytes per second for this heap; negative: the stream's rate; 0: unlimited.
    double rate = -1.0;

    heap_reference(const heap& heap_,
                   std::int64_t cnt_ = -1,
                   std::size_t substream_index_ = 0,
                   double rate_ = -1.0)
        : h(&heap_), cnt(cnt_), substream_index(substream_index_), rate(rate_)
    {
    }
};

/**
 * \brief Called once per async_send_heap / async_send_heaps call: with no error and
 * the bytes sent once every packet has gone, or with the first error met. It runs on
 * the stream's sending thread, or (for a call that queued nothing) on the caller's
 * thread before the call returns; it must not block for long.
 */
using completion_handler =
    std::function<void(const std::error_code& error, std::uint64_t bytes_transferred)>;

/// Where a stream's packets go (internal to the engine: see lib/send/packet_writer.h).
class packet_writer;

/**
 * \brief Sends heaps as SPEAD packets, in the order queued, paced by a rate limiter
 * (spead2's send stream).
 *
 * Each stream has one sending thread that cuts the queued heaps into packets
 * (packet_generator), hands them to its transport in batches and reports each call's
 * result. At most config.max_heaps heaps are queued or in flight; a call that would
 * exceed that queues nothing and fails with std::errc::operation_would_block, as in
 * spead2. Heap cnts come from a sequence (1, 2, 3... by default) unless given.
 *
 * Rate limiting follows spead2: packets go back to back until burst_size bytes have
 * gone, then the sender waits until those bytes have taken their time at the heap's
 * rate; a sender that fell behind catches up at no more than burst_rate_ratio times
 * the rate, and time spent with nothing to send is not made up for.
 *
 * Thread safety: every member may be called from any thread. The destructor waits
 * until every queued heap has been sent.
 */
class stream
{
public:
    virtual ~stream();
    stream(const stream&) = delete;
    stream& operator=(const stream&) = delete;

    /**
     * \brief Queues one heap (a group of one). Returns false, after calling
     * \p handler with the reason, when nothing was queued: std::errc::
     * operation_would_block (queue full), or std::errc::invalid_argument (substream
     * index out of range, cnt wider than heap_address_bits, a heap the packet size
     * cannot carry).
     */
    bool async_send_heap(const heap& h,
                         completion_handler handler,
                         std::int64_t cnt = -1,
                         std::size_t substream_index = 0,
                         double rate = -1.0);

    /**
     * \brief Queues several heaps whose packets are interleaved as \p mode says; all
     * of them or (returning false, after calling \p handler with the reason) none.
     * An empty group is std::errc::invalid_argument. The handler is called once for
     * the group.
     */
    bool async_send_heaps(const std::vector<heap_reference>& heaps,
                          completion_handler handler,
                          group_mode mode);

    /// async_send_heap, waiting for the result. Returns the bytes sent.
    /// \throws std::system_error with the error the handler would have seen.
    std::uint64_t send_heap(const heap& h,
                            std::int64_t cnt = -1,
                            std::size_t substream_index = 0,
                            double rate = -1.0);

    /// async_send_heaps, waiting for the result. Returns the bytes sent.
    /// \throws std::system_error with the error the handler would have seen.
    std::uint64_t send_heaps(const std::vector<heap_reference>& heaps, group_mode mode);

    /// Waits until every heap queued before the call has been sent.
    void flush();

    /**
     * \brief The next heap without an explicit cnt gets \p next, the following ones
     * next + step, next + 2 step... (taken modulo 2^heap_address_bits).
     * \throws std::invalid_argument when \p step is 0.
     */
    void set_cnt_sequence(std::uint64_t next, std::uint64_t step);

    /// Destinations of the stream (a heap's substream_index selects one).
    std::size_t get_num_substreams() const;

    const stream_config& get_config() const;

protected:
    /// \p writer must not be null; the stream's thread starts here.
    stream(std::unique_ptr<packet_writer> writer, const stream_config& config);

private:
    struct impl;
    std::unique_ptr<impl> d_impl;
};

} // namespace send
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_SEND_STREAM_H */
