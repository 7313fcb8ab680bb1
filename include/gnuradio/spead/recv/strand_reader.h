/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_RECV_STRAND_READER_H
#define INCLUDED_SPEAD_RECV_STRAND_READER_H

#include <gnuradio/spead/recv/reader.h>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <atomic>
#include <cstddef>
#include <mutex>
#include <utility>

namespace gr {
namespace spead {
namespace recv {

/**
 * \brief Base of the readers that wait on a socket or descriptor with Boost.Asio
 * (UDP, in-process queue): it owns the life cycle so that each reader only says how to
 * begin and how to close.
 *
 * Every handler of the reader runs on one strand, so the reader's own state and its
 * Asio objects (which are not thread-safe) are only touched by one thread at a time,
 * even on a pool of several threads. stop(), from any thread and also from inside the
 * reader's own handler, never blocks: it posts close() to the strand. Operations armed
 * through track() count as pending until their handler has run; once close() has run
 * and nothing is pending, the reader calls mark_finished(), as the last thing any of its
 * handlers does. A handler whose operation completes after close() (typically with
 * operation_aborted) is not called at all: it only counts down.
 *
 * Derived classes must keep their Asio objects alive until the reader is finished,
 * which the stream guarantees by joining readers before it destroys them.
 */
class strand_reader : public reader
{
public:
    void start() final;
    void stop() final;

protected:
    using strand_type = boost::asio::strand<boost::asio::io_context::executor_type>;

    explicit strand_reader(stream& owner);

    strand_type& get_strand() { return d_strand; }

    /// True once stop() was called: handlers should not read any more.
    bool stop_requested() const { return d_stop_requested.load(); }

    /// On the strand, when the reader starts (never when it was stopped first): arms
    /// the first operation through track() or post_tracked().
    virtual void begin() = 0;

    /// On the strand, once, after stop(): closes the socket or descriptor, so that any
    /// operation still waiting completes (with operation_aborted).
    virtual void close() = 0;

    /**
     * \brief Wraps \p handler for an asynchronous operation of this reader: it runs on
     * the strand, is skipped when the reader has closed meanwhile, and counts as pending
     * until it has run. Call only from the strand (begin() or another handler).
     */
    template <typename Handler>
    auto track(Handler&& handler)
    {
        d_pending++;
        return boost::asio::bind_executor(
            d_strand, [this, h = std::forward<Handler>(handler)](auto&&... args) mutable {
                d_pending--;
                if (!d_closed)
                    h(std::forward<decltype(args)>(args)...);
                finish_if_done(); // last: it may let the stream destroy this reader
            });
    }

    /// Runs \p handler on the strand soon, tracked as by track(). From the strand only.
    template <typename Handler>
    void post_tracked(Handler&& handler)
    {
        boost::asio::post(track(std::forward<Handler>(handler)));
    }

private:
    void run_begin();
    void run_close();
    /// Calls mark_finished() once close() has run and no tracked operation is pending.
    void finish_if_done();

    strand_type d_strand;
    std::atomic<bool> d_stop_requested{ false };
    /// Guards d_started and d_stopped, and orders the posts of start() and stop(); never
    /// held while a batch is open (stop() may be called from inside one).
    std::mutex d_state_mutex;
    bool d_started = false;
    bool d_stopped = false;
    // Touched on the strand only.
    std::size_t d_pending = 0;
    bool d_closed = false;
    bool d_finish_marked = false;
};

} // namespace recv
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_RECV_STRAND_READER_H */
