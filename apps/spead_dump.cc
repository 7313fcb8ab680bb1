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

#include "value_format.h"
#include <gnuradio/spead/protocol/decode_error.h>
#include <gnuradio/spead/protocol/descriptor.h>
#include <gnuradio/spead/protocol/item_ids.h>
#include <gnuradio/spead/protocol/item_value.h>
#include <gnuradio/spead/protocol/packet.h>
#include <gnuradio/spead/protocol/pcap_file.h>
#include <gnuradio/spead/protocol/simple_heap.h>
#include <array>
#include <cstdlib>
#include <iomanip>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
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

[[noreturn]] void usage(int status)
{
    (status ? std::cerr : std::cout)
        << "usage: spead_dump CAPTURE.pcap [options]\n"
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
    std::exit(status);
}

dump_options parse(int argc, char** argv)
{
    dump_options o;
    for (int i = 1; i < argc; i++) {
        const std::string arg = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc)
                usage(2);
            return argv[++i];
        };
        if (arg == "-h" || arg == "--help")
            usage(0);
        else if (arg == "--filter")
            o.filter = value();
        else if (arg == "--bug-compat") {
            const std::string v = value();
            char* end = nullptr;
            o.bug_compat = int(std::strtol(v.c_str(), &end, 0));
            if (*end != '\0' || o.bug_compat < 0 || o.bug_compat > BUG_COMPAT_ALL) {
                std::cerr << "--bug-compat takes 0 to 7, not '" << v << "'\n";
                std::exit(2);
            }
        } else if (arg == "--spectrum")
            o.spectrum_item = value();
        else if (arg == "--quiet")
            o.quiet = true;
        else if (!arg.empty() && arg[0] != '-' && o.input.empty())
            o.input = arg;
        else
            usage(2);
    }
    if (o.input.empty())
        usage(2);
    return o;
}

struct known_item {
    descriptor desc;
    std::optional<item_type> type; ///< empty when the descriptor cannot be interpreted
    std::string type_error;
};

std::string hex_id(std::uint64_t id)
{
    std::ostringstream out;
    out << "0x" << std::hex << id;
    return out.str();
}

class heap_printer
{
public:
    explicit heap_printer(const dump_options& o) : d_options(o) {}

    void print(const simple_heap& heap)
    {
        std::ostringstream out;
        out << "heap " << heap.cnt << ": " << heap.payload.size() << " payload bytes";
        if (!heap.complete())
            out << " (incomplete: " << heap.received_bytes << " received)";
        const auto items = heap.items();
        // Descriptors first, so that a heap's own descriptors apply to its values.
        for (const auto& item : items) {
            if (item.id == DESCRIPTOR_ID && !item.immediate)
                out << add_descriptor(heap, item);
        }
        for (const auto& item : items) {
            if (item.id == STREAM_CTRL_ID && item.immediate)
                out << "\n  " << control_text(item.value);
            else if (item.id > MAX_CONTROL_ID)
                out << "\n  " << value_text(heap, item);
        }
        d_heaps++;
        if (!d_options.quiet)
            std::cout << out.str() << '\n';
    }

    std::size_t heaps() const { return d_heaps; }
    std::size_t decode_errors() const { return d_decode_errors; }
    const std::vector<double>& spectrum() const { return d_spectrum; }
    std::size_t spectrum_heaps() const { return d_spectrum_heaps; }

private:
    std::string add_descriptor(const simple_heap& heap, const heap_item& item)
    {
        try {
            auto desc = decode_descriptor(
                heap.payload.data() + item.offset, item.length, d_options.bug_compat);
            if (!desc)
                return "\n  descriptor without DESCRIPTOR_ID (ignored)";
            known_item known;
            known.desc = *desc;
            try {
                known.type = item_type::from_descriptor(*desc, d_options.bug_compat);
            } catch (const decode_error& e) {
                known.type_error = e.what();
            }
            auto found = d_items.find(desc->id);
            if (found != d_items.end() && found->second.desc == *desc)
                return ""; // a reissued descriptor changes nothing
            d_items[desc->id] = known;
            std::string text = "\n  descriptor " + hex_id(desc->id) + " \"" + desc->name +
                               "\": " + desc->description;
            if (!desc->numpy_header.empty())
                text += "\n    numpy header " + desc->numpy_header;
            if (!known.type_error.empty())
                text += "\n    cannot be interpreted: " + known.type_error;
            return text;
        } catch (const decode_error& e) {
            d_decode_errors++;
            return std::string("\n  bad descriptor: ") + e.what();
        }
    }

    static std::string control_text(std::uint64_t value)
    {
        switch (value) {
        case CTRL_STREAM_START:
            return "stream control: start of stream";
        case CTRL_DESCRIPTOR_REISSUE:
            return "stream control: descriptor reissue";
        case CTRL_STREAM_STOP:
            return "stream control: stop (end of stream)";
        case CTRL_DESCRIPTOR_UPDATE:
            return "stream control: descriptor update";
        default:
            return "stream control: unknown value " + std::to_string(value);
        }
    }

    std::string value_text(const simple_heap& heap, const heap_item& item)
    {
        const auto found = d_items.find(item.id);
        const std::string size =
            item.immediate ? "immediate" : std::to_string(item.length) + " B";
        if (found == d_items.end() || !found->second.type)
            return hex_id(item.id) + " (" + size +
                   "): no usable descriptor, value skipped";
        const known_item& known = found->second;
        // An immediate value is the address-width bytes of the pointer, big-endian.
        std::array<std::uint8_t, 8> immediate_bytes{};
        const std::size_t width = std::size_t(heap.heap_address_bits / 8);
        const std::uint8_t* data = heap.payload.data() + item.offset;
        std::size_t length = item.length;
        if (item.immediate) {
            for (std::size_t i = 0; i < width; i++)
                immediate_bytes[i] = std::uint8_t(item.value >> (8 * (width - 1 - i)));
            data = immediate_bytes.data();
            length = width;
        }
        try {
            const decoded_value value = known.type->decode(data, length, item.immediate);
            if (known.desc.name == d_options.spectrum_item)
                add_to_spectrum(value);
            return known.desc.name + " (" + hex_id(item.id) + ", " + size +
                   ") = " + apps::format_value(value);
        } catch (const decode_error& e) {
            d_decode_errors++;
            return known.desc.name + " (" + hex_id(item.id) + ", " + size +
                   "): cannot decode: " + e.what();
        }
    }

    void add_to_spectrum(const decoded_value& value)
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
    std::map<std::uint64_t, known_item> d_items;
    std::size_t d_heaps = 0;
    std::size_t d_decode_errors = 0;
    std::vector<double> d_spectrum;
    std::size_t d_spectrum_heaps = 0;
};

} // namespace

int main(int argc, char** argv)
{
    const dump_options o = parse(argc, argv);
    std::vector<udp_datagram> datagrams;
    try {
        datagrams = read_pcap_udp(o.input, o.filter);
    } catch (const std::exception& e) {
        std::cerr << "spead_dump: " << e.what() << '\n';
        return 1;
    }

    std::array<std::size_t, packet_status_count()> status_counts{};
    std::size_t payload_bytes = 0, refused = 0;
    simple_heap_collector collector;
    for (const auto& d : datagrams) {
        packet_view packet;
        const packet_status status =
            decode_packet(d.payload.data(), d.payload.size(), packet);
        status_counts[std::size_t(status)]++;
        if (status != packet_status::ok)
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
            std::cout << "  packets rejected, " << to_string(packet_status(s)) << ": "
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
