/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_APPS_SPEAD_RECV_OPTIONS_H
#define INCLUDED_SPEAD_APPS_SPEAD_RECV_OPTIONS_H

#include <gnuradio/spead/recv/stream_config.h>
#include <gnuradio/spead/recv/udp_endpoint_list.h>
#include <cstddef>
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace gr {
namespace spead {
namespace apps {

/// spead_recv's command line.
struct recv_options {
    enum class source_kind { none, udp, tcp, pcap };
    source_kind source = source_kind::none;
    int port = 0;
    std::string bind; ///< empty: any address
    /// UDP: every endpoint to read, one reader each (from --bind's list, or from
    /// spead2_recv-style [host]:port sources).
    std::vector<recv::endpoint_spec> endpoints;
    /// The sources given as spead2_recv gives them (arguments, not options).
    std::vector<std::string> spead2_sources;
    bool joint = false;
    std::string pcap_path;
    std::string filter;
    std::string interface_address;    ///< IPv4 multicast
    unsigned int interface_index = 0; ///< IPv6 multicast
    bool has_interface_index = false;
    std::size_t max_size = 0;    ///< 0: the reader's default
    std::size_t buffer_size = 0; ///< 0: the reader's default
    bool buffer_size_set = false;
    std::size_t busy_poll_us = 0; ///< UDP: udp_reader::set_busy_poll

    recv::stream_config config;
    recv::ring_stream_config ring;
    bool mem_pool = false;
    std::size_t mem_lower = 16384;
    std::size_t mem_upper = std::size_t(32) << 20;
    std::size_t mem_max_free = 12;
    std::size_t mem_initial = 8;
    int threads = 1;
    /// CPUs of the receive threads (thread i on affinity[i % size]); the main thread,
    /// which takes and prints heaps, runs on the first. Empty: not pinned.
    std::vector<int> affinity;

    bool json = false;
    bool quiet = false;
    std::size_t values = 6;
    double stats_interval = 0;
    std::uint64_t count = 0; ///< 0: no limit
    double timeout = 0;      ///< 0: none
};

/// The manual printed by --help.
void print_recv_usage(std::ostream& out);

/**
 * \brief Parses spead_recv's arguments. Prints the manual and exits 0 for --help.
 * \throws usage_error naming the option and the accepted values (stream options are
 * checked by stream_config itself, whose message names the parameter and range).
 */
recv_options parse_recv_options(int argc, char** argv);

} // namespace apps
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_APPS_SPEAD_RECV_OPTIONS_H */
