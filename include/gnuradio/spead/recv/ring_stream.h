/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_RECV_RING_STREAM_H
#define INCLUDED_SPEAD_RECV_RING_STREAM_H

#include <gnuradio/spead/recv/ringbuffer_errors.h>
#include <gnuradio/spead/recv/stream.h>
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>

namespace gr {
namespace spead {
namespace recv {

template <typename T>
class ringbuffer;

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
    /// A heap if one is ready, else std::nullopt (no exception: for consumers that
    /// poll). \throws ringbuffer_stopped at the end.
    std::optional<heap> pop_if_ready();
    /// Waits at most \p timeout. \throws ringbuffer_stopped at the end.
    std::optional<heap> pop_for(std::chrono::steady_clock::duration timeout);

    /// Heaps waiting in the ring now.
    std::size_t ring_size() const;
    /// The most heaps the ring holds (ring_stream_config::get_heaps()).
    std::size_t ring_capacity() const;
    /// The longest either side of the ring spins before it sleeps.
    std::chrono::nanoseconds ring_max_spin() const;
    /// Readable while a heap is ready or the stream has ended (for event loops).
    int get_fd() const;

    void stop() override;

protected:
    void heap_ready(heap&& h, stream_batch& batch) override;
    void stop_received() override;
    void stop_requested() override;
    bool keep_payload_ranges() const override;

private:
    const ring_stream_config d_ring_config;
    std::unique_ptr<ringbuffer<heap>> d_ring;
};

} // namespace recv
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_RECV_RING_STREAM_H */
