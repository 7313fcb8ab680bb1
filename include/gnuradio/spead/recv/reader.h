/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_RECV_READER_H
#define INCLUDED_SPEAD_RECV_READER_H

#include <condition_variable>
#include <boost/asio/io_context.hpp>
#include <mutex>

namespace gr {
namespace spead {
namespace recv {

class stream;

/**
 * \brief A source of packets for a stream (memory buffer, UDP socket, TCP connection,
 * pcap file, in-process queue). Readers run on the stream's thread pool.
 *
 * Life cycle: the stream calls start() once (at once, or at stream::start() with
 * explicit_start); the reader then feeds packets through stream_batch objects from its
 * handlers. stop() may be called from any thread, also from inside the reader's own
 * handler (when a stop item arrives): it must close sockets and cancel pending work
 * without waiting. When the reader's last handler has returned it calls
 * mark_finished(); the stream waits for that before it is destroyed.
 */
class reader
{
public:
    explicit reader(stream& owner);
    virtual ~reader() = default;
    reader(const reader&) = delete;
    reader& operator=(const reader&) = delete;

    /// Begins reading. Called once, with no stream lock held.
    virtual void start() = 0;
    /// Requests a stop; must not block on the reader's own handlers.
    virtual void stop() = 0;

    /// Waits until mark_finished() has been called.
    void wait_finished();
    bool is_finished() const;

protected:
    stream& get_stream() { return d_stream; }
    boost::asio::io_context& get_io_context();
    /// Called by the reader when no handler of it will run again.
    void mark_finished();

private:
    stream& d_stream;
    mutable std::mutex d_mutex;
    std::condition_variable d_finished_cv;
    bool d_finished = false;
};

} // namespace recv
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_RECV_READER_H */
