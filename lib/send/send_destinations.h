/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_SEND_DESTINATIONS_H
#define INCLUDED_SPEAD_SEND_DESTINATIONS_H

#include "send_config.h"
#include <string>
#include <vector>

namespace gr {
namespace spead {
namespace send {

/// Most destinations one sender takes.
constexpr std::size_t MAX_DESTINATIONS = 4096;

/**
 * \brief Parses "SPEC[,SPEC...]" with SPEC = HOST[+N][:PORT]: HOST an IPv4 address, an
 * IPv6 address in brackets ([ff15::1]) or a name; +N adds the N following addresses
 * (239.10.0.0+3 is .0 to .3; literal addresses only); PORT defaults to
 * \p default_port.
 * \throws std::invalid_argument naming the spec and the accepted form.
 */
std::vector<endpoint> parse_destinations(const std::string& spec, int default_port);

/// \p config's destinations: config.destinations, or host:port when it is empty.
std::vector<endpoint> destinations_of(const send_config& config);

} // namespace send
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_SEND_DESTINATIONS_H */
