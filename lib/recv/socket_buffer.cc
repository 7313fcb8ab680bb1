/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <gnuradio/spead/protocol/log.h>
#include <gnuradio/spead/recv/socket_buffer.h>
#include <sys/socket.h>
#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <limits>
#include <string>

namespace gr {
namespace spead {
namespace recv {

namespace {

/// Whether the shortfall warning was given: once per process, not per reader, since
/// every reader of a process hits the same system limit.
std::atomic<bool> g_warned{ false };

std::size_t granted_size(int fd)
{
    int reported = 0;
    socklen_t length = sizeof(reported);
    if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &reported, &length) != 0 || reported < 0)
        return 0;
#ifdef __linux__
    return std::size_t(reported) / 2; // Linux doubles what it accepted
#else
    return std::size_t(reported);
#endif
}

void warn_once(const std::string& message)
{
    if (!g_warned.exchange(true))
        log_message(protocol::log_level::warning, message);
}

} // namespace

std::size_t
set_receive_buffer_size(int fd, std::size_t requested, bool privileged_beyond_limit)
{
    if (requested == 0)
        return granted_size(fd);
    // setsockopt takes an int; anything beyond is clipped by the kernel anyway.
    const int asked =
        int(std::min<std::size_t>(requested, std::numeric_limits<int>::max()));
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &asked, sizeof(asked)) != 0) {
        const int error = errno;
        warn_once("receive buffer of " + std::to_string(requested) +
                  " bytes requested, the kernel refused it (" + std::strerror(error) +
                  "): the socket keeps its default size and may drop packets under load");
        return granted_size(fd);
    }
    std::size_t granted = granted_size(fd);
#ifdef SO_RCVBUFFORCE
    // A process with CAP_NET_ADMIN may pass net.core.rmem_max (as systemd's daemons
    // do); elsewhere the kernel refuses with EPERM and the clipped size stays.
    if (granted < requested && privileged_beyond_limit &&
        setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &asked, sizeof(asked)) == 0)
        granted = granted_size(fd);
#else
    (void)privileged_beyond_limit;
#endif
    if (granted < requested) {
        warn_once("receive buffer of " + std::to_string(requested) +
                  " bytes requested, the kernel granted " + std::to_string(granted) +
                  ": raise the limit (sysctl -w net.core.rmem_max=" +
                  std::to_string(requested) +
                  ") to avoid packet loss under load (this is said once per process)");
    }
    return granted;
}

void reset_receive_buffer_warning() { g_warned = false; }

} // namespace recv
} // namespace spead
} // namespace gr
