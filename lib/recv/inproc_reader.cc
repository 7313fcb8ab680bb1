/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <gnuradio/spead/protocol/log.h>
#include <gnuradio/spead/recv/inproc_reader.h>
#include <gnuradio/spead/recv/stream.h>
#include <fcntl.h>
#include <system_error>
#include <unistd.h>
#include <cerrno>
#include <stdexcept>

namespace gr {
namespace spead {
namespace recv {

namespace {

const std::shared_ptr<inproc_queue>& checked_queue(const std::shared_ptr<inproc_queue>& q)
{
    if (!q)
        throw std::invalid_argument("inproc_reader: the queue is null");
    return q;
}

int duplicate_descriptor(int fd)
{
    const int copy = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
    if (copy < 0)
        throw std::system_error(errno,
                                std::system_category(),
                                "inproc_reader: cannot duplicate the queue's eventfd");
    return copy;
}

} // namespace

inproc_reader::inproc_reader(stream& owner, std::shared_ptr<inproc_queue> queue)
    : strand_reader(owner),
      d_queue(checked_queue(queue)),
      d_signal(get_io_context(), duplicate_descriptor(d_queue->get_fd()))
{
    d_taken.reserve(batch_packets);
}

inproc_reader::~inproc_reader() = default;

void inproc_reader::begin() { wait_signal(); }

void inproc_reader::close()
{
    boost::system::error_code ec;
    d_signal.close(ec); // cancels the pending wait, whose handler then finishes us
}

void inproc_reader::wait_signal()
{
    d_signal.async_wait(
        boost::asio::posix::stream_descriptor::wait_read,
        track([this](const boost::system::error_code& ec) { on_signal(ec); }));
    // Asio waits edge-triggered: a packet added before the wait was registered has
    // woken nobody. The wait is registered now, so a renewed signal reaches it.
    d_queue->renew_signal();
}

void inproc_reader::on_signal(const boost::system::error_code& ec)
{
    if (stop_requested())
        return;
    if (ec) {
        log_message(protocol::log_level::error,
                    "inproc reader: waiting for the queue failed: " + ec.message());
        stream_batch batch(get_stream());
        batch.end_of_stream();
        return;
    }
    drain();
}

void inproc_reader::drain()
{
    if (stop_requested())
        return;
    d_taken.clear();
    const bool at_end = d_queue->take_packets(d_taken, batch_packets);
    const std::size_t taken = d_taken.size();
    if (taken == 0 && !at_end) {
        wait_signal(); // woken for packets another reader took
        return;
    }
    bool open = true;
    {
        stream_batch batch(get_stream());
        for (const auto& packet : d_taken) {
            open = batch.add_packet(packet.data(), packet.size());
            if (!open)
                break;
        }
        if (open && at_end) {
            batch.end_of_stream();
            open = false;
        }
    }
    d_taken.clear(); // outside the batch: freeing need not hold the stream lock
    if (!open || stop_requested())
        return;
    if (taken == batch_packets)
        post_tracked([this] { drain(); }); // probably more queued: no wait
    else
        wait_signal();
}

} // namespace recv
} // namespace spead
} // namespace gr
