/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// Decodes a capture file of SPEAD packets offline and prints its heaps: counters, control
// flags, descriptors as they arrive, item values, and a summary with every rejected
// packet counted by reason. Optionally charts the mean power per channel of a
// channelised item. It assembles heaps with the protocol layer's simple collector: for
// live streams and the full receive options use the receive engine's tools.

#include "cli_args.h"
#include "heap_describer.h"
#include "value_format.h"
#include <gnuradio/spead/protocol/packet.h>
#include <gnuradio/spead/protocol/pcap_file.h>
#include <gnuradio/spead/protocol/simple_heap.h>
#include <array>
#include <iostream>
#include <string>

using namespace gr::spead;

namespace {

struct dump_options {
    std::string input;
    std::string filter;
    int bug_compat = 0;
    bool quiet = false;
    std::string spectrum_item;
};

void print_usage(std::ostream& out)
{
    out << "usage: spead_dump CAPTURE.pcap [options]\n"
           "\n"
           "Decodes the SPEAD packets in a capture file (one UDP datagram per packet) "
           "and\n"
           "prints each heap: counter, start/stop flags, descriptors, item values.\n"
           "\n"
           "options:\n"
           "  --filter EXPR        BPF filter applied while reading (e.g. 'udp dst port "
           "7148')\n"
           "  --bug-compat N       bug compatibility flags (0-7, as spead2's "
           "bug_compat)\n"
           "  --spectrum NAME      chart the mean power per channel of item NAME, "
           "shaped\n"
           "                       (..., channels, 2) or (..., channels) complex\n"
           "  --quiet              print only the summary (and the chart)\n";
}

dump_options parse(int argc, char** argv)
{
    dump_options o;
    apps::option_table options;
    options.help(print_usage)
        .text("--filter", o.filter)
        .integer("--bug-compat", o.bug_compat, 0, protocol::BUG_COMPAT_ALL)
        .text("--spectrum", o.spectrum_item)
        .flag("--quiet", o.quiet)
        .positional(o.input);
    options.parse(argc, argv);
    return o;
}

/// Prints heaps as they are described, and gathers the spectrum when asked for.
class heap_printer
{
public:
    explicit heap_printer(const dump_options& o) : d_options(o), d_describer(o.bug_compat)
    {
    }

    void print(const gr::spead::protocol::simple_heap& heap)
    {
        apps::heap_view view;
        view.cnt = heap.cnt;
        view.heap_address_bits = heap.heap_address_bits;
        view.payload = heap.payload.data();
        view.payload_size = heap.payload.size();
        view.items = heap.items();
        view.complete = heap.complete();
        view.received_bytes = heap.received_bytes;
        const apps::heap_description description = d_describer.describe(view);
        if (!d_options.spectrum_item.empty()) {
            for (const apps::item_event& e : description.items)
                if (e.value && e.name == d_options.spectrum_item)
                    add_to_spectrum(*e.value);
        }
        d_heaps++;
        if (!d_options.quiet)
            std::cout << apps::heap_text(view, description) << '\n';
    }

    std::size_t heaps() const { return d_heaps; }
    std::size_t decode_errors() const { return d_describer.decode_errors(); }
    const std::vector<double>& spectrum() const { return d_spectrum; }
    std::size_t spectrum_heaps() const { return d_spectrum_heaps; }

private:
    void add_to_spectrum(const gr::spead::protocol::decoded_value& value)
    {
        const auto power = apps::mean_power_per_channel(value);
        if (power.empty())
            return;
        if (d_spectrum.size() != power.size())
            d_spectrum.assign(power.size(), 0.0);
        for (std::size_t c = 0; c < power.size(); c++)
            d_spectrum[c] += power[c];
        d_spectrum_heaps++;
    }

    const dump_options& d_options;
    apps::heap_describer d_describer;
    std::size_t d_heaps = 0;
    std::vector<double> d_spectrum;
    std::size_t d_spectrum_heaps = 0;
};

} // namespace

int main(int argc, char** argv)
{
    const auto parsed =
        apps::parse_or_report("spead_dump", [&] { return parse(argc, argv); });
    if (!parsed)
        return apps::USAGE_EXIT_STATUS;
    if (parsed->input.empty()) {
        print_usage(std::cerr);
        return apps::USAGE_EXIT_STATUS;
    }
    const dump_options& o = *parsed;
    std::vector<gr::spead::protocol::udp_datagram> datagrams;
    try {
        datagrams = gr::spead::protocol::read_pcap_udp(o.input, o.filter);
    } catch (const std::exception& e) {
        std::cerr << "spead_dump: " << e.what() << '\n';
        return 1;
    }

    std::array<std::size_t, gr::spead::protocol::packet_status_count()> status_counts{};
    std::size_t payload_bytes = 0, refused = 0;
    gr::spead::protocol::simple_heap_collector collector;
    for (const auto& d : datagrams) {
        gr::spead::protocol::packet_view packet;
        const gr::spead::protocol::packet_status status =
            decode_packet(d.payload.data(), d.payload.size(), packet);
        status_counts[std::size_t(status)]++;
        if (status != gr::spead::protocol::packet_status::ok)
            continue;
        if (collector.add(packet))
            payload_bytes += packet.payload_length;
        else
            refused++;
    }

    heap_printer printer(o);
    const auto heaps = collector.take();
    for (const auto& heap : heaps)
        printer.print(heap);

    std::cout << "\nsummary of " << o.input << ":\n"
              << "  UDP datagrams: " << datagrams.size() << '\n'
              << "  SPEAD packets decoded: " << status_counts[0] << " (" << payload_bytes
              << " payload bytes)\n"
              << "  heaps: " << printer.heaps() << '\n';
    for (std::size_t s = 1; s < status_counts.size(); s++) {
        if (status_counts[s])
            std::cout << "  packets rejected, "
                      << to_string(gr::spead::protocol::packet_status(s)) << ": "
                      << status_counts[s] << '\n';
    }
    if (refused)
        std::cout << "  packets refused by heap assembly: " << refused << '\n';
    if (printer.decode_errors())
        std::cout << "  items that could not be decoded: " << printer.decode_errors()
                  << '\n';
    if (!o.spectrum_item.empty()) {
        if (printer.spectrum().empty()) {
            std::cout << "\nno item named '" << o.spectrum_item
                      << "' shaped (..., channels, 2) or complex was found\n";
        } else {
            std::cout << "\nmean power per channel of '" << o.spectrum_item << "' over "
                      << printer.spectrum_heaps() << " heaps ("
                      << printer.spectrum().size()
                      << " channels; dB above the median channel):\n"
                      << apps::spectrum_chart(printer.spectrum());
        }
    }
    return 0;
}
