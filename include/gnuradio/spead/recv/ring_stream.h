/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_RECV_RING_STREAM_H
#define INCLUDED_SPEAD_RECV_RING_STREAM_H

#include <gnuradio/spead/recv/ringbuffer.h>
#include <gnuradio/spead/recv/stream.h>
#include <chrono>
#include <optional>

namespace gr {
namespace spead {

/**
 * \brief A stream whose heaps wait in a bounded ring for the consumer (what
 * spead2.recv.Stream is in Python).
 *
 * Complete heaps always go to the ring; incomplete ones too when contiguous_only is
 * false (otherwise they are dropped and counted). A full ring blocks the worker (counted
 * as worker_blocked) so nothing is lost inside the process. After the stream stops, the
 * heaps already queued come out first, then pop() throws ringbuffer_stopped.
 */
class ring_stream : public stream
{
public:
    ring_stream(thread_pool& pool,
                const stream_config& config = stream_config(),
                const ring_stream_config& ring_config = ring_stream_config());
    ~ring_stream() override;

    const ring_stream_config& get_ring_config() const { return d_ring_config; }

    /// Waits for a heap. \throws ringbuffer_stopped at the end of the stream.
    heap pop();
    /// \throws ringbuffer_empty when none is ready, ringbuffer_stopped at the end.
    heap try_pop();
    /// Waits at most \p timeout. \throws ringbuffer_stopped at the end.
    std::optional<heap> pop_for(std::chrono::steady_clock::duration timeout);

    const ringbuffer<heap>& get_ringbuffer() const { return d_ring; }
    /// Readable while a heap is ready or the stream has ended (for event loops).
    int get_fd() const { return d_ring.fd(); }

    void stop() override;

protected:
    void heap_ready(heap&& h, stream_batch& batch) override;
    void stop_received() override;
    void stop_requested() override;
    bool keep_payload_ranges() const override;

private:
    const ring_stream_config d_ring_config;
    ringbuffer<heap> d_ring;
};

} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_RECV_RING_STREAM_H */
