/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// Writes a pcap file holding a SPEAD stream shaped like a radio telescope channeliser's
// output, made with gr-spead's own encoder: a descriptor heap (with the start-of-stream
// control item), then heaps of complex 8-bit samples for every frequency channel with a
// few spectral lines over Gaussian noise and an immediate ADC timestamp, then a stop
// heap.

#include "cli_args.h"
#include <gnuradio/spead/protocol/heap_encoder.h>
#include <gnuradio/spead/protocol/item_ids.h>
#include <gnuradio/spead/protocol/numpy_header.h>
#include <gnuradio/spead/protocol/pcap_file.h>
#include <cmath>
#include <iostream>
#include <limits>
#include <random>
#include <string>

using namespace gr::spead;

namespace {

constexpr std::uint64_t TIMESTAMP_ID = 0x1600;
constexpr std::uint64_t SPECTRA_ID = 0x1601;

struct demo_options {
    std::string output;
    int heaps = 64;
    int channels = 1024;
    int spectra_per_heap = 16;
    int heap_address_bits = 48;
    std::size_t packet_size = 1472;
    int port = 7148;
};

void print_usage(std::ostream& out)
{
    out << "usage: spead_make_demo_capture OUTPUT.pcap [options]\n"
           "\n"
           "Writes a SPEAD stream shaped like a channeliser's output into a pcap file:\n"
           "heap 1 holds the descriptors, heaps 2.. hold SPECTRA x CHANNELS complex "
           "8-bit\n"
           "samples (item 0x1601 \"spectra\", numpy '|i1' with a trailing (re, im) "
           "axis)\n"
           "and an immediate 48-bit ADC timestamp (item 0x1600 \"timestamp\"), and the\n"
           "last heap is a stop heap.\n"
           "\n"
           "options:\n"
           "  --heaps N            data heaps (default 64)\n"
           "  --channels N         frequency channels (default 1024)\n"
           "  --spectra N          spectra per heap (default 16)\n"
           "  --flavour 40|48      heap address bits: SPEAD-64-40 or SPEAD-64-48 "
           "(default 48)\n"
           "  --packet-size BYTES  largest packet (default 1472)\n"
           "  --port N             UDP destination port (default 7148)\n";
}

demo_options parse(int argc, char** argv)
{
    constexpr int most = std::numeric_limits<int>::max();
    demo_options o;
    apps::option_table options;
    options.help(print_usage)
        .integer("--heaps", o.heaps, 1, most)
        .integer("--channels", o.channels, 1, most)
        .integer("--spectra", o.spectra_per_heap, 1, most)
        .integer("--flavour", o.heap_address_bits, 1, most)
        .integer("--packet-size", o.packet_size, 1, most)
        .integer("--port", o.port, 1, 65535)
        .positional(o.output);
    options.parse(argc, argv);
    return o;
}

/// Complex 8-bit samples: three spectral lines (steady tones whose phase turns from
/// spectrum to spectrum) over Gaussian noise, saturated to int8 as a digitiser would.
std::vector<std::uint8_t>
make_spectra(const demo_options& o, std::uint64_t first_spectrum, std::mt19937& rng)
{
    std::normal_distribution<double> noise(0.0, 6.0);
    const struct {
        double position; // fraction of the band
        double amplitude;
    } lines[] = { { 0.20, 40.0 }, { 0.50, 90.0 }, { 0.79, 60.0 } };

    std::vector<std::uint8_t> data(std::size_t(o.spectra_per_heap) * o.channels * 2);
    auto saturate = [](double v) {
        return std::int8_t(std::lround(std::fmax(-127.0, std::fmin(127.0, v))));
    };
    std::size_t pos = 0;
    for (int s = 0; s < o.spectra_per_heap; s++) {
        const double t = double(first_spectrum + s);
        for (int c = 0; c < o.channels; c++) {
            double re = noise(rng), im = noise(rng);
            for (const auto& line : lines) {
                if (c == int(line.position * o.channels)) {
                    re += line.amplitude * std::cos(0.3 * t);
                    im += line.amplitude * std::sin(0.3 * t);
                }
            }
            data[pos++] = std::uint8_t(saturate(re));
            data[pos++] = std::uint8_t(saturate(im));
        }
    }
    return data;
}

} // namespace

int main(int argc, char** argv)
{
    const auto parsed = apps::parse_or_report("spead_make_demo_capture",
                                              [&] { return parse(argc, argv); });
    if (!parsed)
        return apps::USAGE_EXIT_STATUS;
    if (parsed->output.empty()) {
        print_usage(std::cerr);
        return apps::USAGE_EXIT_STATUS;
    }
    const demo_options& o = *parsed;
    try {
        gr::spead::protocol::encoder_options enc;
        enc.flav = protocol::flavour(4, 64, o.heap_address_bits, 0);
        enc.max_packet_size = o.packet_size;

        gr::spead::protocol::descriptor timestamp;
        timestamp.id = TIMESTAMP_ID;
        timestamp.name = "timestamp";
        timestamp.description = "ADC sample count of the first sample of the heap";
        timestamp.format = { { 'u', 48 } };

        gr::spead::protocol::numpy_header spectra_type;
        spectra_type.type =
            protocol::dtype::scalar(protocol::dtype::kind::signed_int, 1, '|');
        spectra_type.shape = { o.spectra_per_heap, o.channels, 2 };
        gr::spead::protocol::descriptor spectra;
        spectra.id = SPECTRA_ID;
        spectra.name = "spectra";
        spectra.description =
            "Channelised complex 8-bit samples (spectrum, channel, re/im)";
        spectra.numpy_header = format_numpy_header(spectra_type);

        gr::spead::protocol::pcap_udp_writer writer(o.output, std::uint16_t(o.port));
        std::size_t packets = 0;
        auto write_all = [&](const std::vector<std::vector<std::uint8_t>>& heap_packets) {
            for (const auto& p : heap_packets)
                writer.write(p);
            packets += heap_packets.size();
        };

        gr::spead::protocol::heap_contents start;
        start.cnt = 1;
        start.descriptors = { timestamp, spectra };
        start.stream_ctrl = std::int64_t(gr::spead::protocol::CTRL_STREAM_START);
        write_all(encode_heap(start, enc));

        // One spectrum spans `channels` ADC samples of a critically sampled filterbank.
        std::mt19937 rng(20261126);
        for (int h = 0; h < o.heaps; h++) {
            gr::spead::protocol::heap_contents heap;
            heap.cnt = 2 + std::uint64_t(h);
            const std::uint64_t first_spectrum = std::uint64_t(h) * o.spectra_per_heap;
            heap.items.push_back(gr::spead::protocol::encoder_item::make_immediate(
                TIMESTAMP_ID, first_spectrum * o.channels));
            heap.items.push_back(gr::spead::protocol::encoder_item::make_addressed(
                SPECTRA_ID, make_spectra(o, first_spectrum, rng)));
            write_all(encode_heap(heap, enc));
        }
        write_all(encode_stop_heap(2 + std::uint64_t(o.heaps), enc));
        writer.close();
        std::cout << "wrote " << o.output << ": " << o.heaps + 2 << " heaps in "
                  << packets << " packets (SPEAD-64-" << o.heap_address_bits
                  << ", UDP port " << o.port << ")\n";
    } catch (const std::exception& e) {
        std::cerr << "spead_make_demo_capture: " << e.what() << '\n';
        return 1;
    }
    return 0;
}
