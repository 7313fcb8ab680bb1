/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_RECV_OFFLINE_READER_H
#define INCLUDED_SPEAD_RECV_OFFLINE_READER_H

#include <gnuradio/spead/recv/reader.h>
#include <atomic>
#include <mutex>

namespace gr {
namespace spead {
namespace recv {

class stream_batch;

/**
 * \brief A reader whose input is all there already (a memory buffer, a capture file):
 * it feeds one batch per handler on the stream's thread pool, never waiting for I/O,
 * until its input ends or it is stopped.
 *
 * One batch per handler lets other work on the pool (and stop()) have a turn. The
 * subclass says how to fill a batch and, optionally, how to let go of its input early;
 * the start, stop and finish bookkeeping, which must be exact for stop() to be prompt
 * and for the stream to be destroyed safely, is here once.
 */
class offline_reader : public reader
{
public:
    explicit offline_reader(stream& owner);

    /// Posts the first batch. Does nothing after stop().
    void start() final;
    /// Stops at the next batch (or at once, if never started); never waits.
    void stop() final;

protected:
    /**
     * \brief Adds the next packets to \p batch (one stream lock for them all).
     * \return false when the input has ended (the subclass then called
     * batch.end_of_stream()) or the stream wants no more packets.
     */
    virtual bool read_batch(stream_batch& batch) = 0;

    /// Called once on the last handler, before the reader is marked finished: the place
    /// to close a file early. Does nothing by default.
    virtual void release_input() {}

private:
    void run();
    void finish();

    std::atomic<bool> d_stop_requested{ false };
    /// Guards d_started and d_done, never held during a batch (stop() may be called
    /// from inside one, when a stop item arrives).
    std::mutex d_state_mutex;
    bool d_started = false;
    bool d_done = false;
};

} // namespace recv
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_RECV_OFFLINE_READER_H */
