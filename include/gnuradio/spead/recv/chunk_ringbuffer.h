/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_RECV_CHUNK_RINGBUFFER_H
#define INCLUDED_SPEAD_RECV_CHUNK_RINGBUFFER_H

#include <gnuradio/spead/recv/chunk_stream_config.h>
#include <gnuradio/spead/recv/ringbuffer_errors.h>
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <stdexcept>

namespace gr {
namespace spead {
namespace recv {

/// A non-blocking push found the ring full (spead2's Full).
class ringbuffer_full : public std::runtime_error
{
public:
    ringbuffer_full() : std::runtime_error("ringbuffer is full") {}
};

/**
 * \brief A bounded queue of chunks between threads (spead2's ChunkRingbuffer): chunk
 * streams take free chunks from one and put filled chunks on another.
 *
 * After stop(), pushes throw ringbuffer_stopped (the chunk stays with the caller), while
 * pops return what is queued and then throw ringbuffer_stopped. Producers can be
 * counted (add_producer, remove_producer): the ring stops when the last one leaves,
 * which is how several streams share one data ring. data_fd() is readable while chunks
 * are queued or the ring is stopped, space_fd() while there is room or the ring is
 * stopped, for event loops. Thread-safe.
 */
class chunk_ringbuffer
{
public:
    /// \throws std::invalid_argument when \p capacity is 0.
    explicit chunk_ringbuffer(std::size_t capacity);
    /// Destroys the chunks still queued.
    ~chunk_ringbuffer();
    chunk_ringbuffer(const chunk_ringbuffer&) = delete;
    chunk_ringbuffer& operator=(const chunk_ringbuffer&) = delete;

    /// Adds \p c, waiting while the ring is full. \throws ringbuffer_stopped (also when
    /// stopped while waiting); \p c is then left as it was.
    void push(std::unique_ptr<chunk>&& c);
    /// Adds \p c. \throws ringbuffer_full, ringbuffer_stopped; \p c is then untouched.
    void try_push(std::unique_ptr<chunk>&& c);
    /// Waits for a chunk. \throws ringbuffer_stopped when stopped and empty.
    std::unique_ptr<chunk> pop();
    /// \throws ringbuffer_empty, or ringbuffer_stopped when stopped and empty.
    std::unique_ptr<chunk> try_pop();
    /// Waits at most \p timeout: nullptr on time-out. \throws ringbuffer_stopped.
    std::unique_ptr<chunk> pop_for(std::chrono::steady_clock::duration timeout);

    /// Wakes every waiter; further pushes fail. Idempotent.
    void stop();
    bool is_stopped() const;
    /// One more producer (a stream that will put chunks here).
    void add_producer();
    /// One producer fewer; the ring stops when none is left. Returns true when this
    /// call stopped it.
    bool remove_producer();

    std::size_t size() const;
    std::size_t capacity() const;

    /// Readable while chunks are queued or the ring is stopped (made at the first call).
    int data_fd() const;
    /// Readable while there is room or the ring is stopped (made at the first call).
    int space_fd() const;

private:
    class impl;
    std::unique_ptr<impl> d_impl;
};

} // namespace recv
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_RECV_CHUNK_RINGBUFFER_H */
