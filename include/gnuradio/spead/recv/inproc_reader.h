/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_RECV_INPROC_READER_H
#define INCLUDED_SPEAD_RECV_INPROC_READER_H

#include <gnuradio/spead/recv/inproc_queue.h>
#include <gnuradio/spead/recv/strand_reader.h>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace gr {
namespace spead {
namespace recv {

class stream_batch;

/**
 * \brief Feeds the packets of an inproc_queue to a stream (spead2's
 * add_inproc_reader), each as one datagram, in batches of up to batch_packets.
 *
 * The reader waits for the queue's signal on the stream's thread pool without blocking
 * a thread (an asynchronous wait on a duplicate of the queue's eventfd). When the queue
 * is stopped, the reader ends the stream once it has fed everything queued before.
 */
class inproc_reader : public strand_reader
{
public:
    /// \throws std::invalid_argument when \p queue is null.
    /// \throws std::system_error when the queue's descriptor cannot be duplicated.
    inproc_reader(stream& owner, std::shared_ptr<inproc_queue> queue);
    ~inproc_reader() override;

    const std::shared_ptr<inproc_queue>& get_queue() const { return d_queue; }

    /// Packets fed per batch (one stream lock and one statistics update each).
    static constexpr std::size_t batch_packets = 64;

protected:
    void begin() override;
    void close() override;

private:
    void wait_signal();
    void on_signal(const boost::system::error_code& ec);
    /// Takes up to batch_packets packets and feeds them in one stream_batch.
    void drain();

    std::shared_ptr<inproc_queue> d_queue;
    /// A duplicate of the queue's eventfd: every reader of a queue needs its own
    /// descriptor to register with the reactor.
    boost::asio::posix::stream_descriptor d_signal;
    std::vector<std::vector<std::uint8_t>> d_taken; ///< reused from batch to batch
};

} // namespace recv
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_RECV_INPROC_READER_H */
