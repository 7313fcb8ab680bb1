/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// `spead_bench ring`: the hand-off between a stream's worker and its consumer, alone.
// A producer thread pushes empty heaps into a ringbuffer as fast as it can while the
// main thread pops them: what is measured is the ring (its lock, waits and wake-ups),
// which bounds how many heaps per second any stream can deliver, whatever their size.

#include "bench_ring.h"
#include "cli_args.h"
#include "json_text.h"
#include "ringbuffer.h"
#include <gnuradio/spead/recv/heap.h>
#include <chrono>
#include <cstdint>
#include <iostream>
#include <thread>

namespace gr {
namespace spead {
namespace bench {

namespace {

using apps::json_number;

struct ring_options {
    double seconds = 2.0;
    std::size_t capacity = 8;
    bool json = false;
};

void print_usage(std::ostream& out)
{
    out << "usage: spead_bench ring [--seconds S] [--capacity N] [--json]\n"
           "\n"
           "The worker-to-consumer hand-off alone: a producer thread pushes empty heaps\n"
           "into a ring of N slots (default 8, spead_bench mem's ring) for about S\n"
           "seconds (default 2) while the main thread pops them. Prints items per\n"
           "second, nanoseconds per item, and how often the producer found the ring\n"
           "full. Whatever the heap size, no stream delivers more heaps per second\n"
           "than this.\n";
}

ring_options parse(int argc, char** argv)
{
    ring_options o;
    apps::option_table options;
    // The ring allocates its slots up front (about 300 bytes each).
    options.help(print_usage)
        .number("--seconds", o.seconds, 0.01, 3600)
        .integer("--capacity", o.capacity, 1, 1 << 16)
        .flag("--json", o.json);
    options.parse(argc, argv, 2);
    return o;
}

struct ring_result {
    std::uint64_t items = 0;
    std::uint64_t producer_blocked = 0;
    double seconds = 0;
};

ring_result measure(const ring_options& o)
{
    using clock_type = std::chrono::steady_clock;
    recv::ringbuffer<recv::heap> ring(o.capacity);
    ring_result r;
    const auto start = clock_type::now();
    const auto end = start + std::chrono::duration_cast<clock_type::duration>(
                                 std::chrono::duration<double>(o.seconds));
    std::thread producer([&] {
        std::uint64_t blocked = 0;
        // The clock is read once per 1024 items: it costs about as much as a push.
        for (std::uint64_t i = 0;; i++) {
            if (i % 1024 == 0 && clock_type::now() >= end)
                break;
            bool waited = false;
            ring.push(recv::heap(), &waited);
            blocked += waited;
        }
        r.producer_blocked = blocked;
        ring.stop();
    });
    try {
        for (;;) {
            recv::heap h = ring.pop();
            r.items++;
        }
    } catch (const recv::ringbuffer_stopped&) {
    }
    producer.join();
    r.seconds = std::chrono::duration<double>(clock_type::now() - start).count();
    return r;
}

} // namespace

int run_ring_command(int argc, char** argv)
{
    const auto parsed =
        apps::parse_or_report("spead_bench ring", [&] { return parse(argc, argv); });
    if (!parsed)
        return apps::USAGE_EXIT_STATUS;
    const ring_options& o = *parsed;
    measure(ring_options{ 0.1, o.capacity, o.json }); // warm-up, untimed
    const ring_result r = measure(o);
    const double per_second = r.seconds > 0 ? double(r.items) / r.seconds : 0;
    const double ns_per_item = r.items ? r.seconds * 1e9 / double(r.items) : 0;
    const double blocked_share =
        r.items ? double(r.producer_blocked) / double(r.items) : 0;
    if (o.json) {
        std::cout << "{\"benchmark\": \"spead_bench ring\", \"capacity\": " << o.capacity
                  << ", \"seconds\": " << json_number(r.seconds, 3)
                  << ", \"items\": " << r.items
                  << ", \"items_per_s\": " << json_number(per_second, 0)
                  << ", \"ns_per_item\": " << json_number(ns_per_item, 1)
                  << ", \"producer_blocked\": " << r.producer_blocked << "}\n";
    } else {
        std::cout << "spead_bench ring: " << o.capacity << " slots, "
                  << json_number(r.seconds, 2) << " s\n"
                  << "  " << json_number(per_second / 1e6, 3) << " M items/s ("
                  << json_number(ns_per_item, 1) << " ns per item), " << r.items
                  << " items; producer found the ring full for "
                  << json_number(100 * blocked_share, 1) << " % of them\n";
    }
    return 0;
}

} // namespace bench
} // namespace spead
} // namespace gr
