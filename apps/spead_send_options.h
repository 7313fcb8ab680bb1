/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_APPS_SPEAD_SEND_OPTIONS_H
#define INCLUDED_SPEAD_APPS_SPEAD_SEND_OPTIONS_H

#include "send_config.h"
#include <ostream>

namespace gr {
namespace spead {
namespace send {

/// spead_send's command line.
struct send_options {
    send_config config;
    bool json = false;
    bool quiet = false;
    int cpu = -1; ///< CPU the sending thread is pinned to (-1: not pinned)
};

/// The manual printed by --help.
void print_send_usage(std::ostream& out);

/**
 * \brief Parses spead_send's arguments. Prints the manual and exits 0 for --help.
 * \throws apps::usage_error naming the option and the accepted values.
 */
send_options parse_send_options(int argc, char** argv);

} // namespace send
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_APPS_SPEAD_SEND_OPTIONS_H */
