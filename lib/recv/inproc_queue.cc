/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "ringbuffer.h"
#include <gnuradio/spead/recv/inproc_queue.h>
#include <sys/eventfd.h>
#include <system_error>
#include <unistd.h>
#include <cerrno>

namespace gr {
namespace spead {
namespace recv {

inproc_queue::inproc_queue()
{
    d_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (d_fd < 0)
        throw std::system_error(errno, std::system_category(), "inproc_queue: eventfd");
}

inproc_queue::~inproc_queue() { ::close(d_fd); }

void inproc_queue::add_packet(const std::uint8_t* data, std::size_t length)
{
    // Copied before the lock is taken: readers never wait on an allocation.
    std::vector<std::uint8_t> packet(data, data + length);
    std::lock_guard<std::mutex> lock(d_mutex);
    if (d_stopped)
        throw ringbuffer_stopped();
    d_packets.push_back(std::move(packet));
    signal_locked();
}

void inproc_queue::stop()
{
    std::lock_guard<std::mutex> lock(d_mutex);
    if (d_stopped)
        return;
    d_stopped = true;
    signal_locked();
}

bool inproc_queue::is_stopped() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return d_stopped;
}

std::size_t inproc_queue::size() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return d_packets.size();
}

bool inproc_queue::take_packets(std::vector<std::vector<std::uint8_t>>& out,
                                std::size_t max)
{
    std::lock_guard<std::mutex> lock(d_mutex);
    for (std::size_t i = 0; i < max && !d_packets.empty(); i++) {
        out.push_back(std::move(d_packets.front()));
        d_packets.pop_front();
    }
    if (d_packets.empty() && !d_stopped) {
        // Nothing left: no longer readable. Under the lock, so that a packet added
        // meanwhile cannot have its signal cleared.
        std::uint64_t count;
        while (::read(d_fd, &count, sizeof(count)) < 0 && errno == EINTR) {
        }
    }
    return d_packets.empty() && d_stopped;
}

void inproc_queue::renew_signal()
{
    std::lock_guard<std::mutex> lock(d_mutex);
    if (!d_packets.empty() || d_stopped)
        signal_locked();
}

void inproc_queue::signal_locked()
{
    // Each write wakes every waiter (readers wait edge-triggered); the counter only
    // keeps the descriptor readable. It cannot realistically overflow, and a full
    // counter (EAGAIN) is readable anyway.
    const std::uint64_t one = 1;
    while (::write(d_fd, &one, sizeof(one)) < 0 && errno == EINTR) {
    }
}

} // namespace recv
} // namespace spead
} // namespace gr
