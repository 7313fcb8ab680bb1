/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "forced_receive_buffer.h"
#include <gnuradio/spead/recv/socket_buffer.h>
#include <sys/socket.h>
#include <algorithm>

namespace gr {
namespace spead {
namespace bench {

namespace {

/// SO_RCVBUFFORCE's grant, or 0 when the kernel refused it (no CAP_NET_ADMIN).
std::size_t force_size(int fd, std::size_t size)
{
    const int asked = int(std::min<std::size_t>(size, std::size_t(1) << 30));
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &asked, sizeof(asked)) != 0)
        return 0;
    int reported = 0;
    socklen_t length = sizeof(reported);
    if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &reported, &length) != 0 || reported < 0)
        return 0;
    return std::size_t(reported) / 2; // Linux doubles what it accepted
}

} // namespace

receive_buffer_grant give_receive_buffer(int fd, std::size_t requested, bool force)
{
    receive_buffer_grant grant;
    if (force && requested > 0)
        grant.granted = force_size(fd, requested);
    grant.forced = grant.granted > 0;
    if (!grant.forced)
        // Warns once per process when the kernel grants less (net.core.rmem_max).
        grant.granted = recv::set_receive_buffer_size(fd, requested);
    return grant;
}

} // namespace bench
} // namespace spead
} // namespace gr
