/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "bench_udp.h"
#include "bench_udp_cli.h"
#include "cli_args.h"
#include "cpu_use.h"
#include "json_text.h"
#include <sched.h>
#include <unistd.h>
#include <cstdlib>
#include <iostream>
#include <string>
#include <utility>

namespace gr {
namespace spead {
namespace bench {

namespace {

struct udp_options {
    udp_setup setup;
    double rate = 0;
    bool search = false;
    std::size_t steps = 6;
    bool json = false;
    bool pin = false;
    int sender_cpu = -1;   ///< asked for (-1: the default pair)
    int receiver_cpu = -1; ///< asked for (-1: the default pair)
};

void usage(std::ostream& out)
{
    out << R"MANUAL(usage: spead_bench udp [options]

Sends SPEAD heaps over the loopback interface and receives them with the engine,
in one process: the receiver is a ring_stream with a memory pool and a
udp_reader on 127.0.0.1 (one worker thread; the main thread pops and drops
heaps), the sender is spead_send's code (the same library) in a thread of its
own. Each trial sends for --duration seconds at the offered rate, then a stop
heap; the receiver's figures are counted against what the sender sent.

Printed per trial: offered rate, rate the sender achieved, payload Gb/s of the
complete heaps received (per second of sending), packets/s received, heaps
sent / received / incomplete / lost, the loss in percent of heaps, and the
datagrams the kernel dropped because the socket buffer was full (from
/proc/net/udp): when they account for every lost packet, the reader thread did
not read fast enough (or did not get a CPU in time); the engine lost nothing.
The CPU use of the receive worker, consumer and sender threads (CPU time over
the trial's wall time) tells which of the two it was.

options:
  --heap-size BYTES    payload bytes per heap (default 1M; K/M suffixes)
  --packet-size BYTES  largest packet, SPEAD header included (default 8972)
  --rate GBPS          offered rate in Gb/s of packet bytes (default 0: as
                       fast as the sender can)
  --duration S         seconds of sending per trial (default 2)
  --repeats N          trials per rate; figures are the median trial, and a
                       rate counts as lossless only if every trial was
                       (default 1)
  --search             find the highest lossless rate: one unlimited trial
                       gives the sender's ceiling; if nothing was lost that is
                       the answer (the sender is the limit), else --steps
                       bisections between 0 and the ceiling
  --steps N            bisections of --search (default 6)
  --senders N          interleaved senders; the receiver gets substreams N
  --max-heaps N        receiver live heaps per substream (default 4)
  --ring-heaps N       receiver ring capacity (default 8)
  --max-spin US        the ring's longest spin before a waiting side sleeps
                       (ring_stream_config::set_max_spin; default 200, 0 never)
  --busy-poll US       the reader keeps reading for up to US microseconds after
                       its socket runs dry before it sleeps (default 0;
                       udp_reader::set_busy_poll): with --pin, keeps the
                       receiver's core awake between datagrams
  --buffer-size BYTES  receive buffer asked for (default 64M; the kernel caps
                       it at net.core.rmem_max and a warning says so once)
  --force-buffer       ask with SO_RCVBUFFORCE, past net.core.rmem_max (root
                       or CAP_NET_ADMIN only; otherwise the ordinary request
                       is made): the receiver's throughput without the
                       bursts a small socket buffer cannot absorb
  --gso                the sender sends runs of equal-sized packets as one
                       UDP_SEGMENT send each (spead_send --gso): a faster
                       sender, and coalesced datagrams for a reader with GRO
                       (the kernel drop count then counts a coalesced
                       datagram once)
  --pin                pin the sender to the first CPU this process may use,
                       and the receive worker and the consumer to the next
                       one on another core: each side has a core of its own,
                       as a receiver fed by a NIC would. Without it the
                       scheduler places the threads: at full rate they then
                       contend and the socket overflows; at moderate rates
                       it can move the reader away from a CPU that stalls,
                       which a pinned reader cannot
  --sender-cpu N       pin the sender thread to CPU N
  --receiver-cpu N     pin the receive worker and the consumer to CPU N
  --json               one JSON object instead of text
  -h, --help           this manual

On loopback the kernel's receive path (the datagram reaching the socket) runs on
the sender's CPU, and the copy out of the socket on the receiver's: the figures
are a floor for the receiver, not a NIC measurement.

Examples:
  spead_bench udp --rate 5 --duration 10
  spead_bench udp --search --duration 10 --heap-size 64K --packet-size 1472
)MANUAL";
}

udp_options parse(int argc, char** argv)
{
    udp_options o;
    udp_setup& s = o.setup;
    apps::option_table options;
    options.help(usage)
        .integer("--heap-size", s.heap_size, 1, std::uint64_t(1) << 30, true)
        .integer("--packet-size", s.packet_size, 64, 65507, true)
        .number("--rate", o.rate, 0, 10000)
        .number("--duration", s.duration, 0.01, 3600)
        .integer("--repeats", s.repeats, 1, 100)
        .flag("--search", o.search)
        .integer("--steps", o.steps, 1, 30)
        .integer("--senders", s.senders, 1, 1024)
        .integer("--max-heaps", s.max_heaps, 1, 1 << 16)
        .integer("--ring-heaps", s.ring_heaps, 1, 1 << 16)
        .integer("--max-spin", s.max_spin_us, 0, 1000000)
        .integer("--busy-poll", s.busy_poll_us, 0, 1000000)
        .integer("--buffer-size", s.buffer_size, 0, std::uint64_t(1) << 31, true)
        .flag("--force-buffer", s.force_buffer)
        .flag("--gso", s.gso)
        .integer("--sender-cpu", o.sender_cpu, 0, CPU_SETSIZE - 1)
        .integer("--receiver-cpu", o.receiver_cpu, 0, CPU_SETSIZE - 1)
        .flag("--pin", o.pin)
        .flag("--json", o.json);
    options.parse(argc, argv, 2);
    const std::pair<int, int> chosen = o.pin ? default_cpu_pair() : std::pair(-1, -1);
    s.sender_cpu = o.sender_cpu >= 0 ? o.sender_cpu : chosen.first;
    s.receiver_cpu = o.receiver_cpu >= 0 ? o.receiver_cpu : chosen.second;
    return o;
}

using apps::json_number;

std::string cpu_json(int cpu) { return cpu < 0 ? "null" : std::to_string(cpu); }

std::string cpu_text(int cpu)
{
    return cpu < 0 ? std::string("any CPU") : "CPU " + std::to_string(cpu);
}

void trial_json(std::ostream& out, const udp_trial& t)
{
    out << "{\"offered_gbps\": " << json_number(t.offered_gbps, 4)
        << ", \"sent_gbps\": " << json_number(t.sent_gbps, 4)
        << ", \"received_gbps\": " << json_number(t.received_gbps, 4)
        << ", \"packets_per_s\": " << json_number(t.packets_per_s, 1)
        << ", \"seconds\": " << json_number(t.seconds, 4)
        << ", \"heaps_sent\": " << t.heaps_sent
        << ", \"heaps_received\": " << t.heaps_received
        << ", \"heaps_incomplete\": " << t.heaps_incomplete
        << ", \"heaps_lost\": " << t.heaps_lost
        << ", \"loss_percent\": " << json_number(t.loss_percent(), 4)
        << ", \"packets_sent\": " << t.packets_sent
        << ", \"packets_received\": " << t.packets_received
        << ", \"packets_in_place\": " << t.packets_in_place
        << ", \"messages_gathered\": " << t.messages_gathered
        << ", \"stop_heap_lost\": " << (t.stop_heap_lost ? "true" : "false")
        << ", \"kernel_drops\": " << t.kernel_drops
        << ", \"wall_seconds\": " << json_number(t.wall_seconds, 4)
        << ", \"worker_cpu_seconds\": " << json_number(t.worker_cpu_seconds, 4)
        << ", \"consumer_cpu_seconds\": " << json_number(t.consumer_cpu_seconds, 4)
        << ", \"sender_cpu_seconds\": " << json_number(t.sender_cpu_seconds, 4)
        << ", \"worker_blocked\": " << t.stats[recv::stream_stat_indices::worker_blocked]
        << ", \"packets_rejected\": " << t.stats["packets_rejected"] << "}";
}

void point_json(std::ostream& out, const udp_point& p)
{
    out << "{\"offered_gbps\": " << json_number(p.offered_gbps, 4)
        << ", \"lossless\": " << (p.lossless() ? "true" : "false") << ", \"median\": ";
    trial_json(out, p.median());
    out << ", \"trials\": [";
    for (std::size_t i = 0; i < p.trials.size(); i++) {
        out << (i ? ", " : "");
        trial_json(out, p.trials[i]);
    }
    out << "]}";
}

void point_text(std::ostream& out, const udp_point& p)
{
    const udp_trial& t = p.median();
    out << "offered "
        << (p.offered_gbps > 0 ? json_number(p.offered_gbps, 3) + " Gb/s" : "unlimited")
        << ": sent " << json_number(t.sent_gbps, 3) << " Gb/s, received "
        << json_number(t.received_gbps, 3) << " Gb/s payload, "
        << json_number(t.packets_per_s, 0) << " packets/s; heaps sent " << t.heaps_sent
        << ", received " << t.heaps_received << ", incomplete " << t.heaps_incomplete
        << ", lost " << t.heaps_lost << " (" << json_number(t.loss_percent(), 3) << " %)";
    if (t.kernel_drops >= 0)
        out << "; kernel dropped " << t.kernel_drops << " of " << t.packets_sent
            << " packets";
    if (t.packets_received > 0)
        out << "; received in place "
            << json_number(
                   100.0 * double(t.packets_in_place) / double(t.packets_received), 1)
            << " % of packets";
    if (t.wall_seconds > 0)
        out << "; CPU use: receive worker "
            << json_number(100 * t.worker_cpu_seconds / t.wall_seconds, 0)
            << " %, consumer "
            << json_number(100 * t.consumer_cpu_seconds / t.wall_seconds, 0)
            << " %, sender "
            << json_number(100 * t.sender_cpu_seconds / t.wall_seconds, 0) << " %";
    if (p.trials.size() > 1)
        out << " [median of " << p.trials.size() << (p.lossless() ? ", all" : ", not all")
            << " lossless]";
    if (t.stop_heap_lost)
        out << " [stop heap lost]";
    out << "\n";
}

} // namespace

int run_udp_command(int argc, char** argv)
{
    const auto parsed =
        apps::parse_or_report("spead_bench udp", [&] { return parse(argc, argv); });
    if (!parsed)
        return apps::USAGE_EXIT_STATUS;
    const udp_options& o = *parsed;
    const long nproc = sysconf(_SC_NPROCESSORS_ONLN);
    const double load = load_average();
    udp_socket_info info;
    try {
        std::vector<udp_point> points;
        udp_search search;
        if (o.search) {
            if (!o.json)
                std::cerr << "searching for the highest lossless rate (" << o.steps + 1
                          << " rates x " << o.setup.repeats << " x " << o.setup.duration
                          << " s)...\n";
            search = search_lossless(o.setup, o.steps, info);
            points = search.points;
        } else {
            points.push_back(run_udp_point(o.setup, o.rate, info));
        }
        const udp_setup& s = o.setup;
        if (o.json) {
            std::cout << "{\"benchmark\": \"spead_bench udp\", \"nproc\": " << nproc
                      << ", \"load_average\": " << json_number(load, 2)
                      << ", \"heap_size\": " << s.heap_size
                      << ", \"packet_size\": " << s.packet_size
                      << ", \"duration\": " << s.duration
                      << ", \"repeats\": " << s.repeats << ", \"senders\": " << s.senders
                      << ", \"max_heaps\": " << s.max_heaps
                      << ", \"ring_heaps\": " << s.ring_heaps
                      << ", \"max_spin_us\": " << s.max_spin_us
                      << ", \"busy_poll_us\": " << s.busy_poll_us
                      << ", \"gso\": " << (s.gso ? "true" : "false")
                      << ", \"sender_cpu\": " << cpu_json(s.sender_cpu)
                      << ", \"receiver_cpu\": " << cpu_json(s.receiver_cpu)
                      << ", \"buffer_size_requested\": " << info.requested
                      << ", \"buffer_size_granted\": " << info.granted
                      << ", \"buffer_forced\": " << (info.forced ? "true" : "false")
                      << ", \"points\": [";
            for (std::size_t i = 0; i < points.size(); i++) {
                std::cout << (i ? ", " : "");
                point_json(std::cout, points[i]);
            }
            std::cout << "]";
            if (o.search)
                std::cout << ", \"search\": {\"best_lossless_gbps\": "
                          << json_number(search.best_lossless_gbps, 4)
                          << ", \"sender_bound\": "
                          << (search.sender_bound ? "true" : "false") << "}";
            std::cout << "}\n";
        } else {
            std::cout << "spead_bench udp: " << s.heap_size << "-byte heaps in "
                      << s.packet_size << "-byte packets" << (s.gso ? " (GSO sends)" : "")
                      << ", " << s.duration << " s per trial, loopback, " << nproc
                      << " CPUs, load average " << json_number(load, 2) << "\n"
                      << "threads: sender on " << cpu_text(s.sender_cpu)
                      << ", receive worker and consumer on " << cpu_text(s.receiver_cpu)
                      << "\n"
                      << "receive buffer: " << info.granted << " bytes granted of "
                      << info.requested << " asked"
                      << (info.forced ? " (forced past net.core.rmem_max)" : "") << "\n";
            for (const udp_point& p : points)
                point_text(std::cout, p);
            if (o.search) {
                if (search.sender_bound)
                    std::cout << "highest lossless rate: "
                              << json_number(search.best_lossless_gbps, 3)
                              << " Gb/s (the sender's ceiling: the receiver kept up)\n";
                else if (search.best_lossless_gbps > 0)
                    std::cout << "highest lossless rate: "
                              << json_number(search.best_lossless_gbps, 3) << " Gb/s\n";
                else
                    std::cout << "no lossless rate found\n";
            }
        }
    } catch (const std::exception& e) {
        std::cerr << "spead_bench udp: error: " << e.what() << "\n";
        return 1;
    }
    return 0;
}

} // namespace bench
} // namespace spead
} // namespace gr
