/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// The load generator: sends SPEAD heaps over UDP or TCP or into a capture file, at a
// given rate, optionally damaged on purpose, and says what it did (see --help).

#include "cli_args.h"
#include "json_text.h"
#include "send_run.h"
#include "send_transport.h"
#include "spead_send_options.h"
#include <gnuradio/spead/recv/thread_pool.h>
#include <algorithm>
#include <csignal>
#include <iostream>

using namespace gr::spead;
using namespace gr::spead::send;

namespace {

std::atomic<bool> g_cancel{ false };

/// Substreams the sender cycles through (the option, or one per destination).
std::size_t substreams_of(const send_config& c)
{
    return c.substreams ? c.substreams : std::max<std::size_t>(c.destinations.size(), 1);
}

/// Names of the data heap's items, in layout order, or the built-in layout's.
std::vector<std::string> item_names(const send_config& c)
{
    std::vector<std::string> names;
    for (const layout_item& item : c.layout.items)
        names.push_back(item.name);
    if (names.empty())
        names = { "timestamp", "data" };
    return names;
}

extern "C" void on_signal(int) { g_cancel = true; }

void print_text(std::ostream& out,
                const send_options& o,
                const std::string& destination,
                const send_summary& s)
{
    const send_config& c = o.config;
    out << "spead_send: " << destination << "\n"
        << "  data heaps: " << s.data_heaps << " of " << c.heap_size << " bytes, "
        << (c.senders > 1 ? std::to_string(c.senders) + " interleaved senders, " : "")
        << "SPEAD-64-" << c.heap_address_bits << ", packets up to " << c.packet_size
        << " bytes\n";
    if (!c.layout.items.empty()) {
        out << "  items:";
        for (const std::string& name : item_names(c))
            out << " " << name;
        out << " (" << substreams_of(c) << " substreams)\n";
    }
    out << "  control heaps: " << s.control_heaps << "\n"
        << "  packets: " << s.packets << " (" << s.data_packets_scheduled
        << " data packets scheduled)\n"
        << "  bytes: " << s.bytes << " (payload " << s.payload_bytes << ")\n"
        << "  time: " << apps::json_number(s.seconds, 3) << " s, "
        << apps::json_number(s.gbps(), 3) << " Gb/s (payload "
        << apps::json_number(s.payload_gbps(), 3) << " Gb/s)";
    if (c.rate_gbps > 0)
        out << ", asked " << c.rate_gbps << " Gb/s";
    out << "\n";
    if (c.drop > 0 || c.reorder > 0 || c.duplicate > 0)
        out << "  faults (seed " << c.seed << "): dropped " << s.dropped << " packets in "
            << s.damaged_heaps << " heaps, reordered " << s.reordered << ", duplicated "
            << s.duplicated << "\n";
    if (s.socket_buffer)
        out << "  send buffer: " << s.socket_buffer << " bytes granted (asked "
            << c.buffer_size << ")\n";
    if (s.send_retries)
        out << "  sends retried after transient errors: " << s.send_retries << "\n";
    if (!s.error.empty())
        out << "  stopped early: " << s.error << "\n";
}

void print_json(std::ostream& out,
                const send_options& o,
                const std::string& destination,
                const send_summary& s)
{
    const send_config& c = o.config;
    out << "{\"destination\": " << apps::json_string(destination)
        << ", \"heap_size\": " << c.heap_size << ", \"packet_size\": " << c.packet_size
        << ", \"heap_address_bits\": " << c.heap_address_bits
        << ", \"senders\": " << c.senders << ", \"substreams\": " << substreams_of(c)
        << ", \"destinations\": " << std::max<std::size_t>(c.destinations.size(), 1)
        << ", \"items\": [";
    const std::vector<std::string> names = item_names(c);
    for (std::size_t i = 0; i < names.size(); i++)
        out << (i ? ", " : "") << apps::json_string(names[i]);
    out << "], \"rate_gbps\": " << c.rate_gbps << ", \"data_heaps\": " << s.data_heaps
        << ", \"control_heaps\": " << s.control_heaps << ", \"packets\": " << s.packets
        << ", \"data_packets_scheduled\": " << s.data_packets_scheduled
        << ", \"bytes\": " << s.bytes << ", \"payload_bytes\": " << s.payload_bytes
        << ", \"seconds\": " << apps::json_number(s.seconds, 6)
        << ", \"gbps\": " << apps::json_number(s.gbps(), 4)
        << ", \"payload_gbps\": " << apps::json_number(s.payload_gbps(), 4)
        << ", \"seed\": " << c.seed << ", \"dropped\": " << s.dropped
        << ", \"damaged_heaps\": " << s.damaged_heaps
        << ", \"reordered\": " << s.reordered << ", \"duplicated\": " << s.duplicated
        << ", \"send_retries\": " << s.send_retries
        << ", \"socket_buffer\": " << s.socket_buffer
        << ", \"error\": " << (s.error.empty() ? "null" : apps::json_string(s.error))
        << "}\n";
}

} // namespace

int main(int argc, char** argv)
{
    const auto parsed = apps::parse_or_report(
        "spead_send", [&] { return parse_send_options(argc, argv); });
    if (!parsed)
        return apps::USAGE_EXIT_STATUS;
    const send_options& o = *parsed;
    struct sigaction action {
    };
    action.sa_handler = on_signal;
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
    try {
        if (o.cpu >= 0)
            gr::spead::recv::thread_pool::set_affinity(o.cpu);
        auto out = make_transport(o.config);
        const send_summary s = run_sender(o.config, *out, &g_cancel);
        // Printed also after a failed send: what went out before it is worth knowing.
        if (o.json)
            print_json(std::cout, o, out->describe(), s);
        else if (!o.quiet)
            print_text(std::cout, o, out->describe(), s);
        if (!s.error.empty()) {
            std::cerr << "spead_send: " << s.error << " (after " << s.packets
                      << " packets)\n";
            return 1;
        }
    } catch (const std::exception& e) {
        std::cerr << "spead_send: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
