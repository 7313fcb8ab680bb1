/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_RECV_INPROC_QUEUE_H
#define INCLUDED_SPEAD_RECV_INPROC_QUEUE_H

#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <vector>

namespace gr {
namespace spead {
namespace recv {

/**
 * \brief A queue of SPEAD packets inside one process (spead2's InprocQueue): a sender
 * (or a test) adds packets, inproc_reader feeds them to a stream, without a socket.
 *
 * Every packet is one datagram. add_packet() and stop() may be called from any thread.
 * Several readers may share a queue: each packet goes to one of them, and stop() ends
 * the stream of every one, after the packets already queued. A readiness signal (an
 * eventfd) lets readers wait without blocking a thread.
 */
class inproc_queue
{
public:
    /// \throws std::system_error when no eventfd can be made.
    inproc_queue();
    ~inproc_queue();
    inproc_queue(const inproc_queue&) = delete;
    inproc_queue& operator=(const inproc_queue&) = delete;

    /// Queues a copy of the \p length bytes at \p data.
    /// \throws ringbuffer_stopped once the queue is stopped.
    void add_packet(const std::uint8_t* data, std::size_t length);
    void add_packet(const std::vector<std::uint8_t>& packet)
    {
        add_packet(packet.data(), packet.size());
    }

    /// Ends the streams of the readers once they have taken what is queued. Idempotent.
    void stop();
    bool is_stopped() const;
    /// Packets queued and not yet taken by a reader.
    std::size_t size() const;

    /// An eventfd that is readable while packets are queued or the queue is stopped
    /// (readers duplicate it to wait on it). Every add_packet() and stop() also wakes
    /// any waiter, even when it was readable already.
    int get_fd() const { return d_fd; }

    /**
     * \brief For readers: moves up to \p max packets, oldest first, to the end of
     * \p out. Returns true when the queue is stopped and nothing is left: the end of
     * the stream.
     */
    bool take_packets(std::vector<std::vector<std::uint8_t>>& out, std::size_t max);

    /// For readers that have just begun to wait: wakes the waiters again when packets
    /// are queued or the queue is stopped, so that what came just before a wait (and
    /// whose wake-up found nobody waiting) is not missed.
    void renew_signal();

private:
    /// Makes the eventfd readable and wakes its waiters; with d_mutex held.
    void signal_locked();

    mutable std::mutex d_mutex;
    std::deque<std::vector<std::uint8_t>> d_packets;
    bool d_stopped = false;
    int d_fd = -1;
};

} // namespace recv
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_RECV_INPROC_QUEUE_H */
