/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_APPS_FORCED_RECEIVE_BUFFER_H
#define INCLUDED_SPEAD_APPS_FORCED_RECEIVE_BUFFER_H

#include <cstddef>

namespace gr {
namespace spead {
namespace bench {

/// The receive buffer a benchmark's socket got, and how.
struct receive_buffer_grant {
    std::size_t granted = 0; ///< bytes the kernel accepted
    bool forced = false;     ///< set past net.core.rmem_max with SO_RCVBUFFORCE
};

/**
 * \brief Gives socket \p fd a receive buffer of \p requested bytes: with
 * SO_RCVBUFFORCE when \p force is set (it ignores net.core.rmem_max but needs root or
 * CAP_NET_ADMIN), otherwise, or when the kernel refuses that, the ordinary way
 * (set_receive_buffer_size, which clips to rmem_max and warns once per process).
 *
 * Benchmarks only: a receiving host should raise rmem_max instead of relying on a
 * privileged process.
 */
receive_buffer_grant give_receive_buffer(int fd, std::size_t requested, bool force);

} // namespace bench
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_APPS_FORCED_RECEIVE_BUFFER_H */
