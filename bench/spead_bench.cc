/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// Benchmarks of the receive engine. `spead_bench mem` pushes a prebuilt buffer of
// encoded packets through a ring_stream again and again and compares the payload rate
// with a plain memcpy of the same bytes measured in the same run, so that the figure
// says how much the engine costs over the copy it cannot avoid, whatever the machine.

#include "bench_chunk.h"
#include "bench_measure.h"
#include "bench_report.h"
#include "bench_ring.h"
#include "bench_soak_cli.h"
#include "bench_udp_cli.h"
#include "bench_workload.h"
#include "cli_args.h"
#include "cpu_use.h"
#include <gnuradio/spead/recv/memcpy.h>
#include <unistd.h>
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

using namespace gr::spead;
using namespace gr::spead::bench;

namespace {

struct mem_options {
    bool json = false;
    double seconds = 2.0;
    std::size_t rounds = 5;
    std::vector<std::string> scenarios; ///< empty: all
    std::size_t packet_size = 0;        ///< 0: each scenario's own
    engine_setup setup;
};

void print_usage(std::ostream& out)
{
    out << "usage: spead_bench udp [options]   (loopback send and receive; udp --help)\n"
           "       spead_bench soak [options]  (long run: loss and memory; soak --help)\n"
           "       spead_bench ring [options]  (worker-to-consumer hand-off alone; "
           "ring --help)\n"
           "       spead_bench chunk [options] (chunk path against heap path; "
           "chunk --help)\n"
           "       spead_bench mem [--json] [--seconds S] [--rounds R] [--scenario "
           "NAME]...\n"
           "                       [--max-heaps N] [--ring-heaps N] [--max-spin US]\n"
           "                       [--drop-on-worker] [--packet-size BYTES]\n"
           "\n"
           "mem: receives a prebuilt buffer of SPEAD packets through a ring_stream (one\n"
           "worker thread, memory pool, consumer popping and dropping heaps) for about\n"
           "S seconds per scenario (default 2) and prints payload Gb/s, heaps/s,\n"
           "packets/s and the ratio to a plain memcpy of the same payload bytes\n"
           "measured in the same run.\n"
           "Exits 1 if the engine loses, rejects or garbles anything.\n"
           "\n"
           "The engine time is split into R rounds (default 5), each right after a "
           "short\n"
           "memcpy measurement; the ratio is also given as the median of the R rounds'\n"
           "ratios, which holds up when the machine's memory speed drifts during the "
           "run\n"
           "(a virtual machine's neighbours, another job).\n"
           "\n"
           "--max-spin US sets the ring's longest spin "
           "(ring_stream_config::set_max_spin;\n"
           "default 200, 0 never spins).\n"
           "\n"
           "--drop-on-worker is a diagnostic: the timed passes drop each heap on the "
           "worker\n"
           "thread (no ring, no consumer), which shows what the hand-off to the "
           "consumer\n"
           "costs.\n"
           "\n"
           "--packet-size BYTES encodes every scenario's heaps in packets of at most\n"
           "BYTES (header and item pointers included) instead of its own size "
           "(spead2_bench\n"
           "mem --packet BYTES encodes in the same size).\n"
           "\n"
           "scenarios (all by default):\n";
    for (const scenario& s : mem_scenarios())
        out << "  " << s.name
            << std::string(20 - std::min<std::size_t>(s.name.size(), 18), ' ')
            << s.description << "\n";
}

[[noreturn]] void usage(int status)
{
    print_usage(status ? std::cerr : std::cout);
    std::exit(status);
}

mem_options parse_mem(int argc, char** argv)
{
    mem_options o;
    apps::option_table options;
    options.help(print_usage)
        .flag("--json", o.json)
        .number("--seconds", o.seconds, 0.01, 3600)
        .on("--scenario",
            [&](apps::arg_reader& args) {
                const std::string name = args.value();
                bool known = false;
                for (const scenario& s : mem_scenarios())
                    known |= s.name == name;
                if (!known)
                    throw apps::usage_error("--scenario: unknown scenario '" + name +
                                            "' (see --help)");
                o.scenarios.push_back(name);
            })
        .integer("--rounds", o.rounds, 1, 1000)
        .integer("--max-heaps", o.setup.max_heaps, 1, 1 << 16)
        .flag("--drop-on-worker", o.setup.drop_on_worker)
        .integer("--ring-heaps", o.setup.ring_heaps, 1, 1 << 16)
        .integer("--packet-size", o.packet_size, 64, 65536)
        .integer("--max-spin", o.setup.max_spin_us, 0, 1000000);
    options.parse(argc, argv, 2);
    return o;
}

bool selected(const mem_options& o, const scenario& s)
{
    if (o.scenarios.empty())
        return true;
    for (const std::string& name : o.scenarios)
        if (name == s.name)
            return true;
    return false;
}

scenario_report run_scenario(const scenario& s, const mem_options& o)
{
    const workload w = build_workload(s);
    scenario_report r;
    r.spec = s;
    r.heaps_per_pass = w.heaps;
    r.packets_per_pass = w.packets;
    r.payload_bytes_per_pass = w.payload_bytes;
    r.buffer_bytes = w.buffer.size();
    r.load_average = load_average();

    // The baseline runs right before and right after the engine, so that a machine
    // whose speed drifts (another job, thermal limits) shows as a gap between the two.
    const double copy_seconds = std::max(o.seconds / 4, 0.05);
    // The engine's own copy is measured too: "standard" is not always std::memcpy (an
    // AVX loop on CPUs that have AVX), so the two can differ.
    const gr::spead::recv::memcpy_function_ptr own_copy = get_memcpy(s.copy);
    r.memcpy_before = measure_copy(w, std::memcpy, copy_seconds);
    if (own_copy)
        r.same_copy_before = measure_copy(w, own_copy, copy_seconds);
    // Rounds: a short memcpy right before each slice of engine time, so that each ratio
    // compares the two under the same conditions.
    const double round_seconds = o.seconds / double(o.rounds);
    for (std::size_t i = 0; i < o.rounds; i++) {
        const copy_result copy =
            measure_copy(w, std::memcpy, std::max(round_seconds / 2, 0.02));
        const engine_result slice = measure_engine(s, w, o.setup, round_seconds);
        r.round_ratios.push_back(gbps(slice.payload_bytes, slice.seconds) /
                                 gbps(copy.payload_bytes, copy.seconds));
        add_engine_result(r.engine, slice);
    }
    if (own_copy)
        r.same_copy_after = measure_copy(w, own_copy, copy_seconds);
    r.memcpy_after = measure_copy(w, std::memcpy, copy_seconds);
    r.pool_destinations = pool_buffer_count(o.setup);
    r.memcpy_pool_footprint =
        measure_copy(w, std::memcpy, copy_seconds, r.pool_destinations);
    return r;
}

int run_mem(int argc, char** argv)
{
    const auto parsed =
        apps::parse_or_report("spead_bench mem", [&] { return parse_mem(argc, argv); });
    if (!parsed)
        return apps::USAGE_EXIT_STATUS;
    const mem_options& o = *parsed;
    run_report report;
    const long nproc = sysconf(_SC_NPROCESSORS_ONLN);
    report.nproc = nproc > 0 ? unsigned(nproc) : 0;
    report.seconds = o.seconds;
    report.setup = o.setup;
    try {
        for (const scenario& s : mem_scenarios()) {
            if (!selected(o, s))
                continue;
            if (!o.json)
                std::cerr << "running " << s.name << "...\n";
            scenario chosen = s;
            if (o.packet_size)
                chosen.max_packet_size = o.packet_size;
            report.scenarios.push_back(run_scenario(chosen, o));
        }
    } catch (const bench_failure& e) {
        std::cerr << "spead_bench: error: " << e.what() << "\n";
        return 1;
    } catch (const std::exception& e) {
        std::cerr << "spead_bench: error: " << e.what() << "\n";
        return 1;
    }
    if (o.json)
        print_json(std::cout, report);
    else
        print_text(std::cout, report);
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    if (argc < 2)
        usage(2);
    const std::string command = argv[1];
    if (command == "-h" || command == "--help")
        usage(0);
    if (command == "mem")
        return run_mem(argc, argv);
    if (command == "udp")
        return run_udp_command(argc, argv);
    if (command == "soak")
        return run_soak_command(argc, argv);
    if (command == "ring")
        return run_ring_command(argc, argv);
    if (command == "chunk")
        return run_chunk_command(argc, argv);
    std::cerr << "spead_bench: unknown command '" << command
              << "' (known: mem, udp, soak, ring, chunk)\n";
    return 2;
}
