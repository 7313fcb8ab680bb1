/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_RECV_SOCKET_BUFFER_H
#define INCLUDED_SPEAD_RECV_SOCKET_BUFFER_H

#include <cstddef>

namespace gr {
namespace spead {
namespace recv {

/**
 * \brief Asks the kernel for a receive buffer (SO_RCVBUF) of \p requested bytes on
 * socket \p fd and returns the size it granted; 0 leaves the OS default alone (and
 * returns it).
 *
 * The kernel silently clips the request to net.core.rmem_max. With
 * \p privileged_beyond_limit, a process allowed to (CAP_NET_ADMIN, e.g. root) then gets
 * the full size with SO_RCVBUFFORCE, past the limit; spead2 stays at the limit, as this
 * does without the flag or the capability. When the kernel grants less than asked (or
 * refuses), one warning is logged per process, naming the requested and granted sizes
 * and the sysctl to raise: a reader with a short buffer still works, it only drops more
 * packets under bursts, so this never fails. Linux reports twice the size it accepted
 * (the doubling pays for its bookkeeping); the comparison uses the accepted size.
 */
std::size_t set_receive_buffer_size(int fd,
                                    std::size_t requested,
                                    bool privileged_beyond_limit = false);

/// Lets the next shortfall warn again (for tests of the once-per-process warning).
void reset_receive_buffer_warning();

} // namespace recv
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_RECV_SOCKET_BUFFER_H */
