/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "bench_soak.h"
#include "bench_soak_cli.h"
#include "cli_args.h"
#include "json_text.h"
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iomanip>
#include <iostream>
#include <sstream>

namespace gr {
namespace spead {
namespace bench {

namespace {

struct soak_options {
    soak_setup setup;
    bool warmup_given = false;
    std::int64_t rss_margin = std::int64_t(8) << 20;
    bool json = false;
};

void usage(std::ostream& out)
{
    out << R"MANUAL(usage: spead_bench soak [options]

A long run at a steady rate, to show that nothing is lost and that memory stays
flat. spead_send's code (the same library, in a thread) sends heaps over
loopback at --rate for --duration; the receiver is a ring_stream with a memory
pool and a udp_reader on 127.0.0.1 (one worker thread), and the main thread
pops every heap and checks its timestamp and every payload byte. The pool's
allocator counts the bytes it hands out.

Printed at the start, every --interval seconds and at the end: complete heaps
received, heaps missing (counters below the highest received that did not
arrive complete), incomplete heaps (evicted or flushed), heaps whose contents
were wrong, packets, rejected packets, datagrams the kernel dropped because the
socket buffer was full, times the reader waited because the ring was full (the
consumer fell behind), Gb/s of payload over the interval, this process's RSS
and peak RSS (VmRSS / VmHWM of /proc/self/status; the sender thread's memory is
in it, and is constant), and the bytes the memory pool holds.

Verdict (exit status 1 when it fails):
  no loss       every heap sent intact arrived complete, none was wrong, the
                stop heap arrived and no packet was rejected (with --drop, the
                heaps the sender damaged are expected to be missing and their
                later packets to be rejected)
  memory flat   RSS at the end is at most --rss-margin above the RSS after
                --warmup seconds
  pool bounded  the pool never held more than its design bound: max_free
                buffers plus every heap the window, ring and consumer can hold

options:
  --rate GBPS          offered rate, packet bytes (default 2)
  --duration S         seconds of sending (default 600)
  --interval S         seconds between reports (default 10)
  --warmup S           seconds before the memory baseline (default: 10, or a
                       third of the duration when that is shorter)
  --rss-margin BYTES   allowed RSS growth after the warm-up (default 8M)
  --heap-size BYTES    payload bytes per heap (default 1M; K/M suffixes)
  --packet-size BYTES  largest packet, SPEAD header included (default 8972)
  --max-heaps N        receiver live heaps (default 4)
  --ring-heaps N       receiver ring capacity (default 8)
  --buffer-size BYTES  receive buffer asked for (default 64M; the kernel caps
                       it at net.core.rmem_max and a warning says so once)
  --force-buffer       ask for the receive buffer with SO_RCVBUFFORCE, past
                       net.core.rmem_max (needs root or CAP_NET_ADMIN; else the
                       ordinary request is made)
  --drop F             the sender drops this fraction of data packets: a flood
                       of distinct heap counters left incomplete, to show that
                       memory stays bounded (default 0)
  --seed N             seeds --drop (default 1)
  --json               one JSON object per line: {"sample": ...} per report,
                       then {"soak": ...} with the verdict
  -h, --help           this manual

SIGINT or SIGTERM end the sending early; the verdict is still given.

Examples:
  spead_bench soak                                  (10 minutes at 2 Gb/s)
  spead_bench soak --rate 0.2 --duration 15 --interval 5
  spead_bench soak --rate 0.5 --duration 30 --heap-size 64K --packet-size 1472 --drop 0.01
)MANUAL";
}

soak_options parse(int argc, char** argv)
{
    soak_options o;
    soak_setup& s = o.setup;
    apps::option_table options;
    options.help(usage)
        .number("--rate", s.rate_gbps, 0.001, 10000)
        .number("--duration", s.duration, 0.1, 7 * 24 * 3600)
        .number("--interval", s.interval, 0.1, 24 * 3600)
        .on("--warmup",
            [&](apps::arg_reader& args) {
                s.warmup = args.double_value(0, 24 * 3600);
                o.warmup_given = true;
            })
        .integer("--rss-margin", o.rss_margin, 0, std::uint64_t(1) << 40, true)
        .integer("--heap-size", s.heap_size, 1, std::uint64_t(1) << 30, true)
        .integer("--packet-size", s.packet_size, 64, 65507, true)
        .integer("--max-heaps", s.max_heaps, 1, 1 << 16)
        .integer("--ring-heaps", s.ring_heaps, 1, 1 << 16)
        .integer("--buffer-size", s.buffer_size, 0, std::uint64_t(1) << 31, true)
        .flag("--force-buffer", s.force_buffer)
        .number("--drop", s.drop, 0, 0.99)
        .integer("--seed", s.seed, 0, ~std::uint64_t(0))
        .flag("--json", o.json);
    options.parse(argc, argv, 2);
    if (!o.warmup_given)
        s.warmup = std::min(10.0, s.duration / 3);
    if (s.warmup >= s.duration)
        throw apps::usage_error("--warmup must be shorter than --duration");
    return o;
}

std::atomic<bool> g_cancel{ false };

extern "C" void on_signal(int) { g_cancel = true; }

using apps::json_number;

double mib(std::int64_t bytes) { return double(bytes) / (1 << 20); }

void sample_json(std::ostream& out, const soak_sample& s)
{
    out << "{\"elapsed\": " << json_number(s.elapsed, 3)
        << ", \"heaps_received\": " << s.heaps_received
        << ", \"heaps_missing\": " << s.heaps_missing
        << ", \"heaps_incomplete\": " << s.heaps_incomplete
        << ", \"heaps_corrupt\": " << s.heaps_corrupt << ", \"packets\": " << s.packets
        << ", \"packets_rejected\": " << s.packets_rejected
        << ", \"kernel_drops\": " << s.kernel_drops
        << ", \"worker_blocked\": " << s.worker_blocked
        << ", \"payload_bytes\": " << s.payload_bytes << ", \"rss\": " << s.memory.rss
        << ", \"peak_rss\": " << s.memory.peak_rss
        << ", \"heap_memory\": " << s.heap_memory
        << ", \"heap_memory_peak\": " << s.heap_memory_peak << "}";
}

/// Prints samples as they come, with the payload rate since the previous one.
class sample_printer
{
public:
    explicit sample_printer(bool json) : d_json(json) {}

    void operator()(const soak_sample& s)
    {
        if (d_json) {
            std::cout << "{\"sample\": ";
            sample_json(std::cout, s);
            std::cout << "}" << std::endl;
            return;
        }
        if (!d_header) {
            std::cout
                << "      s     heaps  missing  incompl  corrupt     packets  "
                   "rejected  kdrops  blocked    Gb/s   RSS MiB  peak MiB  pool MiB\n";
            d_header = true;
        }
        const double dt = s.elapsed - d_last.elapsed;
        // The end comes soon after the last report: a rate over so short a time means
        // nothing, so the end line gives the rate over the whole run.
        const soak_sample& since = dt < 0.5 ? d_first : d_last;
        const double span = s.elapsed - since.elapsed;
        const double gbps =
            span > 0 ? double(s.payload_bytes - since.payload_bytes) * 8e-9 / span : 0;
        char line[256];
        std::snprintf(
            line,
            sizeof(line),
            "%7.1f %9llu %8llu %8llu %8llu %11llu %9llu %7lld %8llu %7.3f %9.1f "
            "%9.1f %9.1f\n",
            s.elapsed,
            (unsigned long long)s.heaps_received,
            (unsigned long long)s.heaps_missing,
            (unsigned long long)s.heaps_incomplete,
            (unsigned long long)s.heaps_corrupt,
            (unsigned long long)s.packets,
            (unsigned long long)s.packets_rejected,
            (long long)s.kernel_drops,
            (unsigned long long)s.worker_blocked,
            gbps,
            mib(s.memory.rss),
            mib(s.memory.peak_rss),
            mib(std::int64_t(s.heap_memory)));
        std::cout << line << std::flush;
        if (!d_started)
            d_first = s;
        d_started = true;
        d_last = s;
    }

private:
    bool d_json;
    bool d_header = false;
    bool d_started = false;
    soak_sample d_first;
    soak_sample d_last;
};

struct verdict {
    std::uint64_t heaps_expected = 0; ///< data heaps the sender sent intact
    std::int64_t heaps_lost = 0;      ///< of those, not received complete
    std::int64_t rss_growth = 0;      ///< end RSS - RSS after the warm-up
    bool no_loss = false;
    bool memory_flat = false;
    bool pool_bounded = false;
    bool pass() const { return no_loss && memory_flat && pool_bounded; }
};

verdict judge(const soak_options& o, const soak_result& r)
{
    verdict v;
    v.heaps_expected = r.sent.data_heaps - r.sent.damaged_heaps;
    v.heaps_lost = std::int64_t(v.heaps_expected) - std::int64_t(r.end.heaps_received);
    // With --drop, the packets of a heap that follow a dropped one are refused (they do
    // not continue where its data ended): rejections are then expected.
    const bool rejections_expected = o.setup.drop > 0;
    v.no_loss = r.sent.data_heaps > 0 && v.heaps_lost == 0 && r.end.heaps_corrupt == 0 &&
                !r.stop_heap_lost && (rejections_expected || r.end.packets_rejected == 0);
    v.rss_growth = r.end.memory.rss - r.warm.memory.rss;
    v.memory_flat = r.warm_taken && r.end.memory.rss > 0 && r.warm.memory.rss > 0 &&
                    v.rss_growth <= o.rss_margin;
    v.pool_bounded = r.end.heap_memory_peak <= r.heap_memory_bound;
    return v;
}

void result_json(std::ostream& out,
                 const soak_options& o,
                 const soak_result& r,
                 const verdict& v)
{
    const soak_setup& s = o.setup;
    out << "{\"soak\": {\"rate_gbps\": " << json_number(s.rate_gbps, 4)
        << ", \"duration\": " << json_number(s.duration, 3)
        << ", \"heap_size\": " << s.heap_size << ", \"packet_size\": " << s.packet_size
        << ", \"max_heaps\": " << s.max_heaps << ", \"ring_heaps\": " << s.ring_heaps
        << ", \"drop\": " << json_number(s.drop, 4)
        << ", \"buffer_size_requested\": " << s.buffer_size
        << ", \"buffer_size_granted\": " << r.buffer_granted
        << ", \"buffer_forced\": " << (r.buffer_forced ? "true" : "false")
        << ", \"pool_buffers\": " << r.pool_buffers
        << ", \"heap_memory_bound\": " << r.heap_memory_bound
        << ", \"warmup\": " << json_number(s.warmup, 3)
        << ", \"rss_margin\": " << o.rss_margin
        << ", \"sent\": {\"data_heaps\": " << r.sent.data_heaps
        << ", \"damaged_heaps\": " << r.sent.damaged_heaps
        << ", \"packets\": " << r.sent.packets << ", \"dropped\": " << r.sent.dropped
        << ", \"seconds\": " << json_number(r.sent.seconds, 3)
        << ", \"gbps\": " << json_number(r.sent.gbps(), 4) << "}"
        << ", \"start\": ";
    sample_json(out, r.start);
    out << ", \"warm\": ";
    if (r.warm_taken)
        sample_json(out, r.warm);
    else
        out << "null";
    out << ", \"end\": ";
    sample_json(out, r.end);
    out << ", \"stop_heap_lost\": " << (r.stop_heap_lost ? "true" : "false")
        << ", \"heaps_expected\": " << v.heaps_expected
        << ", \"heaps_lost\": " << v.heaps_lost << ", \"rss_growth\": " << v.rss_growth
        << ", \"no_loss\": " << (v.no_loss ? "true" : "false")
        << ", \"memory_flat\": " << (v.memory_flat ? "true" : "false")
        << ", \"pool_bounded\": " << (v.pool_bounded ? "true" : "false")
        << ", \"pass\": " << (v.pass() ? "true" : "false") << "}}" << std::endl;
}

void result_text(std::ostream& out,
                 const soak_options& o,
                 const soak_result& r,
                 const verdict& v)
{
    out << "sent " << r.sent.data_heaps << " data heaps (" << r.sent.damaged_heaps
        << " damaged on purpose), " << r.sent.packets << " packets in "
        << json_number(r.sent.seconds, 1) << " s at " << json_number(r.sent.gbps(), 3)
        << " Gb/s\n";
    out << "no loss:      " << (v.no_loss ? "PASS" : "FAIL") << ": " << v.heaps_expected
        << " intact heaps sent, " << r.end.heaps_received << " received complete, "
        << v.heaps_lost << " lost, " << r.end.heaps_corrupt << " wrong, "
        << r.end.packets_rejected << " packets rejected, stop heap "
        << (r.stop_heap_lost ? "lost" : "received");
    if (r.end.kernel_drops > 0)
        out << "; the kernel dropped " << r.end.kernel_drops
            << " datagrams (socket buffer full)";
    if (r.end.worker_blocked > 0)
        out << "; the reader waited " << r.end.worker_blocked
            << " times for the consumer (ring full)";
    out << "\n";
    if (r.warm_taken)
        out << "memory flat:  " << (v.memory_flat ? "PASS" : "FAIL") << ": RSS "
            << json_number(mib(r.warm.memory.rss), 1) << " MiB after "
            << json_number(r.warm.elapsed, 1) << " s, "
            << json_number(mib(r.end.memory.rss), 1) << " MiB at the end (growth "
            << json_number(mib(v.rss_growth), 2) << " MiB, margin "
            << json_number(mib(o.rss_margin), 1) << " MiB), peak "
            << json_number(mib(r.end.memory.peak_rss), 1) << " MiB\n";
    else
        out << "memory flat:  FAIL: the run ended before the warm-up did\n";
    out << "pool bounded: " << (v.pool_bounded ? "PASS" : "FAIL") << ": peak "
        << json_number(mib(std::int64_t(r.end.heap_memory_peak)), 1) << " MiB, bound "
        << json_number(mib(std::int64_t(r.heap_memory_bound)), 1) << " MiB\n";
    out << "verdict: " << (v.pass() ? "PASS" : "FAIL") << "\n";
}

} // namespace

int run_soak_command(int argc, char** argv)
{
    const auto parsed =
        apps::parse_or_report("spead_bench soak", [&] { return parse(argc, argv); });
    if (!parsed)
        return apps::USAGE_EXIT_STATUS;
    const soak_options& o = *parsed;
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    const soak_setup& s = o.setup;
    if (!o.json)
        std::cout << "spead_bench soak: " << json_number(s.rate_gbps, 3) << " Gb/s for "
                  << json_number(s.duration, 1) << " s, " << s.heap_size
                  << "-byte heaps in " << s.packet_size
                  << "-byte packets over loopback, memory baseline after "
                  << json_number(s.warmup, 1) << " s" << std::endl;
    sample_printer printer(o.json);
    try {
        const soak_result r = run_soak(
            o.setup, [&](const soak_sample& sample) { printer(sample); }, g_cancel);
        const verdict v = judge(o, r);
        if (o.json) {
            result_json(std::cout, o, r, v);
        } else {
            std::cout << "receive buffer " << r.buffer_granted << " bytes granted of "
                      << s.buffer_size << " asked"
                      << (r.buffer_forced ? " (forced past net.core.rmem_max)" : "")
                      << "; pool of " << r.pool_buffers << " buffers\n";
            result_text(std::cout, o, r, v);
        }
        return v.pass() ? 0 : 1;
    } catch (const std::exception& e) {
        std::cerr << "spead_bench soak: error: " << e.what() << "\n";
        return 1;
    }
}

} // namespace bench
} // namespace spead
} // namespace gr
