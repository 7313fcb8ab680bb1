/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_RECV_CHUNK_RING_STREAM_H
#define INCLUDED_SPEAD_RECV_CHUNK_RING_STREAM_H

#include <gnuradio/spead/recv/chunk_ringbuffer.h>
#include <gnuradio/spead/recv/chunk_stream.h>
#include <memory>
#include <mutex>
#include <vector>

namespace gr {
namespace spead {
namespace recv {

/**
 * \brief A pair of chunk rings: free chunks come from one, filled chunks go to the other
 * (spead2's ChunkRingPair; the base of chunk_ring_stream and chunk_stream_ring_group).
 *
 * Give both rings room for every chunk in the system, so that pushes never wait.
 */
class chunk_ring_pair
{
public:
    /// \throws std::invalid_argument when a ring is null.
    chunk_ring_pair(std::shared_ptr<chunk_ringbuffer> data_ring,
                    std::shared_ptr<chunk_ringbuffer> free_ring);
    virtual ~chunk_ring_pair();

    /**
     * \brief Zeroes \p c's present bytes and puts it on the free ring. When the free
     * ring is stopped, does nothing (\p c is left as it was).
     * \throws ringbuffer_full when the free ring has no room (it does not wait).
     */
    void add_free_chunk(std::unique_ptr<chunk>&& c);

    const std::shared_ptr<chunk_ringbuffer>& get_data_ringbuffer() const
    {
        return d_data_ring;
    }
    const std::shared_ptr<chunk_ringbuffer>& get_free_ringbuffer() const
    {
        return d_free_ring;
    }

    /// An allocate function taking chunks from the free ring (nullptr once it is
    /// stopped), for streams and groups built on this pair.
    chunk_allocate_function make_allocate();
    /// Calls \p first (if set), then puts the chunk on the data ring; a chunk the
    /// stopped ring refuses is kept until release_refused_chunks().
    chunk_ready_function make_ready(chunk_ready_function first);

protected:
    /// \p config (a chunk_stream_config or chunk_stream_group_config) with its
    /// allocate function replaced by make_allocate() and its ready function wrapped by
    /// make_ready().
    template <typename Config>
    Config with_rings(const Config& config)
    {
        Config adjusted = config;
        adjusted.set_allocate(make_allocate());
        adjusted.set_ready(make_ready(config.get_ready()));
        return adjusted;
    }

    /// Destroys the chunks the stopped data ring refused, on the calling thread (for
    /// chunks that must be freed where their owner allows, e.g. with Python's lock).
    void release_refused_chunks();

    const std::shared_ptr<chunk_ringbuffer> d_data_ring;
    const std::shared_ptr<chunk_ringbuffer> d_free_ring;

private:
    std::mutex d_refused_mutex;
    std::vector<std::unique_ptr<chunk>> d_refused;
};

/**
 * \brief A chunk stream whose chunks come from a ring of free chunks and go to a ring of
 * filled ones (spead2's ChunkRingStream): the consumer pops filled chunks, reads them,
 * and gives them back with add_free_chunk().
 *
 * The allocate function of the configuration is replaced; its ready function, if set,
 * is called before each chunk is queued. The stream is one producer of the data ring:
 * when it stops on its own (stop item, end of input) it leaves, and the ring stops once
 * every producer has left, after the chunks already queued. stop() stops both rings at
 * once (a consumer gets what is queued, then ringbuffer_stopped), so that it never
 * waits for a consumer; chunks still in the window are then destroyed by the thread
 * calling stop().
 */
class chunk_ring_stream : public chunk_ring_pair, public chunk_stream
{
public:
    chunk_ring_stream(thread_pool& pool,
                      const stream_config& config,
                      const chunk_stream_config& chunk_config,
                      std::shared_ptr<chunk_ringbuffer> data_ring,
                      std::shared_ptr<chunk_ringbuffer> free_ring);
    ~chunk_ring_stream() override;

    void stop() override;

protected:
    void stop_requested() override;
    void stop_received() override;
};

} // namespace recv
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_RECV_CHUNK_RING_STREAM_H */
