/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_SEND_ENDPOINT_H
#define INCLUDED_SPEAD_SEND_ENDPOINT_H

#include <cstdint>
#include <string>

namespace gr {
namespace spead {
namespace send {

/// A destination: host name or IPv4/IPv6 literal, and port (resolved when a stream is
/// made; the first address the resolver gives is used, as spead2 does).
struct endpoint {
    std::string host;
    std::uint16_t port = 0;
};

} // namespace send
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_SEND_ENDPOINT_H */
