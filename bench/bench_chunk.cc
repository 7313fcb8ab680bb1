/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// `spead_bench chunk`: the chunk path against the heap path, in memory, on the same
// packets. An F-engine-like stream (an immediate timestamp and first channel per heap,
// one addressed item of data, several channel ranges per spectrum) is encoded once; each
// pass reads it from memory through a fresh stream with one worker thread, either a
// ring_stream whose consumer pops every heap, or a chunk_ring_stream placing heaps with
// the built-in timestamp placement whose consumer pops every chunk.

#include "bench_chunk.h"
#include "bench_chunk_udp.h"
#include "chunk_bench_streams.h"
#include "cli_args.h"
#include "cpu_use.h"
#include "json_text.h"
#include <gnuradio/spead/protocol/heap_encoder.h>
#include <gnuradio/spead/recv/mem_reader.h>
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

namespace gr {
namespace spead {
namespace bench {

namespace {

using apps::json_number;

constexpr std::uint64_t TIMESTAMP_ID = CHUNK_TIMESTAMP_ID,
                        FREQUENCY_ID = CHUNK_FREQUENCY_ID, DATA_ID = CHUNK_DATA_ID;

struct chunk_options {
    std::size_t heaps = 65536;
    std::size_t heap_size = 4096;
    std::size_t groups = 4;
    std::size_t chunk_spectra = 32;
    std::size_t max_chunks = 2;
    std::size_t ring_chunks = 4;
    std::size_t passes = 5;
    bool json = false;
    std::string write_stream; ///< write the packets there and measure nothing
    std::string only;         ///< "heap" or "chunk": that path alone (for profiling)
    std::size_t udp_port = 0; ///< receive from UDP on 127.0.0.1 instead (one path)

    chunk_stream_shape shape() const
    {
        return { heap_size, groups, chunk_spectra, max_chunks, ring_chunks };
    }
};

void print_usage(std::ostream& out)
{
    out << "usage: spead_bench chunk [--heaps N] [--heap-size BYTES] [--groups G]\n"
           "                         [--chunk-spectra S] [--max-chunks N] "
           "[--ring-chunks N]\n"
           "                         [--passes P] [--json] [--write-stream FILE]\n"
           "                         [--only heap|chunk] [--udp PORT --only PATH]\n"
           "\n"
           "The chunk path against the heap path, in memory, on the same packets: N\n"
           "heaps (default 65536) of BYTES of data (default 4096, one packet each), G\n"
           "channel ranges per spectrum (default 4; an immediate timestamp and first\n"
           "channel per heap), read from memory by one worker thread through a\n"
           "ring_stream (the consumer pops every heap) and through a chunk_ring_stream\n"
           "with the built-in timestamp placement, S spectra per chunk (default 32;\n"
           "the consumer pops every chunk). One untimed pass of each checks every\n"
           "payload byte; then P timed passes each (default 5). Prints the best and\n"
           "median payload rate, heaps per second and the process's CPU seconds per\n"
           "gigabyte. Exits 1 if a path loses or garbles anything.\n"
           "\n"
           "--write-stream FILE writes the packets to FILE (stream framing) and "
           "measures\n"
           "nothing: spead2's side of the comparison reads them "
           "(bench/compare_chunk_spead2.sh). --only runs one path (for a profiler).\n"
           "\n"
           "--udp PORT receives the same stream from UDP on 127.0.0.1:PORT instead, "
           "sent\n"
           "by another process, through the path --only names: prints \"ready\" once\n"
           "bound, stops at the stop heap or at a line on standard input, and prints "
           "one\n"
           "JSON line with the heaps taken (bench/compare_chunk_loopback.py drives "
           "it).\n";
}

chunk_options parse(int argc, char** argv)
{
    chunk_options o;
    apps::option_table options;
    options.help(print_usage)
        .integer("--heaps", o.heaps, 1, std::size_t(1) << 24)
        .integer("--heap-size", o.heap_size, 2, std::size_t(1) << 20)
        .integer("--groups", o.groups, 1, 4096)
        .integer("--chunk-spectra", o.chunk_spectra, 1, 1 << 16)
        .integer("--max-chunks", o.max_chunks, 1, 4096)
        .integer("--ring-chunks", o.ring_chunks, 1, 4096)
        .integer("--passes", o.passes, 1, 1000)
        .flag("--json", o.json)
        .text("--write-stream", o.write_stream)
        .text("--only", o.only)
        .integer("--udp", o.udp_port, 1, 65535);
    options.parse(argc, argv, 2);
    if (o.udp_port && o.only.empty())
        throw apps::usage_error("--udp needs --only heap or --only chunk");
    if (!o.only.empty() && o.only != "heap" && o.only != "chunk")
        throw apps::usage_error("--only must be heap or chunk, not '" + o.only + "'");
    if (o.heaps % (o.groups * o.chunk_spectra) != 0)
        throw apps::usage_error("--heaps must be a multiple of --groups x "
                                "--chunk-spectra (whole chunks)");
    return o;
}

/// The data byte \p i of heap \p n (a cheap function of both, so that a misplaced
/// heap is caught).
std::uint8_t expected_byte(std::size_t n, std::size_t i)
{
    return std::uint8_t(n * 7 + i * 13 + (i >> 8));
}

std::vector<std::uint8_t> build_stream(const chunk_options& o)
{
    protocol::encoder_options options;
    options.max_packet_size = o.heap_size + 128;
    options.include_heap_length = true;
    std::vector<std::vector<std::uint8_t>> packets;
    std::vector<std::uint8_t> data(o.heap_size);
    for (std::size_t n = 0; n < o.heaps; n++) {
        const std::size_t t = n / o.groups, g = n % o.groups;
        for (std::size_t i = 0; i < o.heap_size; i++)
            data[i] = expected_byte(n, i);
        protocol::heap_contents contents;
        contents.cnt = n + 1;
        contents.items.push_back(
            protocol::encoder_item::make_immediate(TIMESTAMP_ID, t * o.groups));
        contents.items.push_back(
            protocol::encoder_item::make_immediate(FREQUENCY_ID, g * (o.heap_size / 2)));
        contents.items.push_back(protocol::encoder_item::make_addressed(DATA_ID, data));
        for (auto& p : encode_heap(contents, options))
            packets.push_back(std::move(p));
    }
    return protocol::concatenate_packets(packets);
}

struct pass_result {
    double seconds = 0;
    double cpu = 0;
    std::uint64_t heaps = 0; ///< heaps delivered complete (heap path) or present (chunks)
};

[[noreturn]] void fail(const std::string& what) { throw std::runtime_error(what); }

pass_result
heap_pass(const chunk_options& o, const std::vector<std::uint8_t>& buffer, bool verify)
{
    recv::thread_pool workers(1);
    pass_result r;
    const double cpu0 = process_cpu_seconds();
    const auto start = std::chrono::steady_clock::now();
    const auto stream = make_heap_path(workers, o.shape());
    stream->emplace_reader<recv::mem_reader>(buffer.data(), buffer.size());
    try {
        for (;;) {
            const recv::heap h = stream->pop();
            if (!h.is_complete() || h.payload_size() != o.heap_size)
                fail("heap path: heap " + std::to_string(h.get_cnt()) +
                     " incomplete or of the wrong size");
            if (verify) {
                const std::size_t n = h.get_cnt() - 1;
                for (std::size_t i = 0; i < o.heap_size; i++)
                    if (h.payload()[i] != expected_byte(n, i))
                        fail("heap path: heap " + std::to_string(n + 1) + " byte " +
                             std::to_string(i) + " is wrong");
            }
            r.heaps++;
        }
    } catch (const recv::ringbuffer_stopped&) {
    }
    r.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    r.cpu = process_cpu_seconds() - cpu0;
    return r;
}

pass_result
chunk_pass(const chunk_options& o, const std::vector<std::uint8_t>& buffer, bool verify)
{
    recv::thread_pool workers(1);
    pass_result r;
    const double cpu0 = process_cpu_seconds();
    const auto start = std::chrono::steady_clock::now();
    chunk_path path = make_chunk_path(workers, o.shape());
    path.stream->emplace_reader<recv::mem_reader>(buffer.data(), buffer.size());
    const std::size_t per_chunk = path.heaps_per_chunk;
    try {
        for (;;) {
            std::unique_ptr<recv::chunk> c = path.data_ring->pop();
            const std::uint8_t* present = c->present.get();
            const std::size_t got = std::size_t(std::count_if(
                present, present + per_chunk, [](std::uint8_t p) { return p != 0; }));
            if (got != per_chunk)
                fail("chunk path: chunk " + std::to_string(c->chunk_id) + " has " +
                     std::to_string(got) + " of its " + std::to_string(per_chunk) +
                     " heaps");
            if (verify) {
                for (std::size_t k = 0; k < per_chunk; k++) {
                    const std::size_t n = std::size_t(c->chunk_id) * per_chunk + k;
                    const std::uint8_t* d = c->data.get() + k * o.heap_size;
                    for (std::size_t i = 0; i < o.heap_size; i++)
                        if (d[i] != expected_byte(n, i))
                            fail("chunk path: heap " + std::to_string(n + 1) + " byte " +
                                 std::to_string(i) + " is wrong");
                }
            }
            r.heaps += got;
            path.stream->add_free_chunk(std::move(c));
        }
    } catch (const recv::ringbuffer_stopped&) {
    }
    r.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    r.cpu = process_cpu_seconds() - cpu0;
    return r;
}

struct path_summary {
    std::string name;
    double best_seconds = 0;
    double median_seconds = 0;
    double cpu_per_gb = 0; ///< of the median pass
};

template <typename Pass>
path_summary measure(const std::string& name, const chunk_options& o, Pass pass)
{
    const pass_result check = pass(true);
    if (check.heaps != o.heaps)
        fail(name + " path: " + std::to_string(check.heaps) + " heaps of " +
             std::to_string(o.heaps) + " delivered");
    std::vector<pass_result> passes;
    for (std::size_t i = 0; i < o.passes; i++) {
        passes.push_back(pass(false));
        if (passes.back().heaps != o.heaps)
            fail(name + " path: a pass lost heaps");
    }
    std::sort(
        passes.begin(), passes.end(), [](const pass_result& a, const pass_result& b) {
            return a.seconds < b.seconds;
        });
    const pass_result& median = passes[passes.size() / 2];
    const double gigabytes = double(o.heaps * o.heap_size) / 1e9;
    return { name, passes.front().seconds, median.seconds, median.cpu / gigabytes };
}

} // namespace

int run_chunk_command(int argc, char** argv)
{
    const auto parsed =
        apps::parse_or_report("spead_bench chunk", [&] { return parse(argc, argv); });
    if (!parsed)
        return apps::USAGE_EXIT_STATUS;
    const chunk_options& o = *parsed;
    if (o.udp_port) {
        return run_chunk_udp(std::uint16_t(o.udp_port), o.only, o.shape());
    }
    std::vector<path_summary> results;
    try {
        const std::vector<std::uint8_t> buffer = build_stream(o);
        if (!o.write_stream.empty()) {
            std::ofstream out(o.write_stream, std::ios::binary);
            out.write(reinterpret_cast<const char*>(buffer.data()),
                      std::streamsize(buffer.size()));
            if (!out)
                fail("cannot write " + o.write_stream);
            return 0;
        }
        if (o.only != "chunk")
            results.push_back(measure(
                "heap", o, [&](bool verify) { return heap_pass(o, buffer, verify); }));
        if (o.only != "heap")
            results.push_back(measure(
                "chunk", o, [&](bool verify) { return chunk_pass(o, buffer, verify); }));
    } catch (const std::exception& e) {
        std::cerr << "spead_bench chunk: error: " << e.what() << "\n";
        return 1;
    }
    const double bits = double(o.heaps * o.heap_size) * 8;
    if (o.json) {
        std::cout << "{\"benchmark\": \"spead_bench chunk\", \"heaps\": " << o.heaps
                  << ", \"heap_size\": " << o.heap_size << ", \"groups\": " << o.groups
                  << ", \"chunk_spectra\": " << o.chunk_spectra << ", \"paths\": [";
        for (std::size_t i = 0; i < results.size(); i++) {
            const path_summary& p = results[i];
            std::cout << (i ? ", " : "") << "{\"path\": \"" << p.name
                      << "\", \"best_gbps\": "
                      << json_number(bits / p.best_seconds / 1e9, 3)
                      << ", \"median_gbps\": "
                      << json_number(bits / p.median_seconds / 1e9, 3)
                      << ", \"median_heaps_per_s\": "
                      << json_number(double(o.heaps) / p.median_seconds, 0)
                      << ", \"cpu_s_per_gb\": " << json_number(p.cpu_per_gb, 3) << "}";
        }
        std::cout << "]}\n";
        return 0;
    }
    std::cout << "spead_bench chunk: " << o.heaps << " heaps of " << o.heap_size
              << " bytes, " << o.groups << " channel ranges, " << o.chunk_spectra
              << " spectra per chunk; best and median of " << o.passes << " passes\n";
    for (const path_summary& p : results)
        std::cout << "  " << p.name << (p.name == "heap" ? " " : "")
                  << " path: " << json_number(bits / p.best_seconds / 1e9, 2)
                  << " Gb/s best, " << json_number(bits / p.median_seconds / 1e9, 2)
                  << " Gb/s median ("
                  << json_number(double(o.heaps) / p.median_seconds / 1e6, 3)
                  << " M heaps/s), " << json_number(p.cpu_per_gb, 2) << " CPU s/GB\n";
    if (results.size() == 2)
        std::cout << "  chunk / heap (median): "
                  << json_number(results[0].median_seconds / results[1].median_seconds, 2)
                  << "\n";
    return 0;
}

} // namespace bench
} // namespace spead
} // namespace gr
