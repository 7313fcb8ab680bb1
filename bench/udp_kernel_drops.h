/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_APPS_UDP_KERNEL_DROPS_H
#define INCLUDED_SPEAD_APPS_UDP_KERNEL_DROPS_H

#include <cstdint>

namespace gr {
namespace spead {
namespace bench {

/**
 * \brief The kernel's count of datagrams dropped on the IPv4 UDP socket bound to
 * \p port because its receive buffer was full (the last column of /proc/net/udp), or
 * -1 when it cannot be read.
 */
std::int64_t udp_kernel_drops(int port);

} // namespace bench
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_APPS_UDP_KERNEL_DROPS_H */
