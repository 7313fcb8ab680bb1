/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "bench_report.h"
#include <algorithm>
#include <cstdio>
#include <string>

namespace gr {
namespace spead {
namespace bench {

namespace {

double pooled_gbps(const copy_result& a, const copy_result& b)
{
    return gbps(a.payload_bytes + b.payload_bytes, a.seconds + b.seconds);
}

std::string fixed(double value, int decimals)
{
    char text[64];
    std::snprintf(text, sizeof(text), "%.*f", decimals, value);
    return text;
}

/// Scenario names and descriptions are ours, but escape anyway: the output is JSON.
std::string json_string(const std::string& s)
{
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (static_cast<unsigned char>(c) < 0x20) {
            char escaped[8];
            std::snprintf(escaped, sizeof(escaped), "\\u%04x", unsigned(c));
            out += escaped;
        } else {
            out += c;
        }
    }
    return out + "\"";
}

const char* copy_name(recv::memcpy_function f)
{
    return f == recv::memcpy_function::nontemporal ? "nontemporal" : "standard";
}

void json_copy(std::ostream& out, const char* key, const copy_result& r)
{
    out << "\"" << key << "\": {\"passes\": " << r.passes
        << ", \"seconds\": " << fixed(r.seconds, 4)
        << ", \"cpu_seconds\": " << fixed(r.cpu_seconds, 4)
        << ", \"payload_bytes\": " << r.payload_bytes
        << ", \"gbps\": " << fixed(gbps(r.payload_bytes, r.seconds), 3) << "}";
}

} // namespace

double scenario_report::engine_gbps() const
{
    return gbps(engine.payload_bytes, engine.seconds);
}

double scenario_report::heaps_per_second() const
{
    return engine.seconds > 0 ? double(engine.heaps) / engine.seconds : 0.0;
}

double scenario_report::packets_per_second() const
{
    return engine.seconds > 0 ? double(engine.packets) / engine.seconds : 0.0;
}

double scenario_report::memcpy_gbps() const
{
    return pooled_gbps(memcpy_before, memcpy_after);
}

double scenario_report::median_round_ratio() const
{
    if (round_ratios.empty())
        return 0.0;
    std::vector<double> sorted = round_ratios;
    std::sort(sorted.begin(), sorted.end());
    const std::size_t n = sorted.size();
    return n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}

double scenario_report::engine_gbps_per_worker_cpu() const
{
    return gbps(engine.payload_bytes, engine.worker_cpu_seconds);
}

double scenario_report::memcpy_gbps_per_cpu() const
{
    return gbps(memcpy_before.payload_bytes + memcpy_after.payload_bytes,
                memcpy_before.cpu_seconds + memcpy_after.cpu_seconds);
}

double scenario_report::same_copy_gbps() const
{
    if (!same_copy_before || !same_copy_after)
        return 0.0;
    return pooled_gbps(*same_copy_before, *same_copy_after);
}

void print_text(std::ostream& out, const run_report& report)
{
    namespace idx = recv::stream_stat_indices;
    out << "spead_bench mem: " << report.nproc << " CPUs, ~" << report.seconds
        << " s per scenario, max_heaps " << report.setup.max_heaps << ", ring heaps "
        << report.setup.ring_heaps << ", ring max spin " << report.setup.max_spin_us
        << " us, 1 worker thread\n";
    if (report.setup.drop_on_worker)
        out << "DIAGNOSTIC: heaps dropped on the worker thread (no ring, no consumer)\n";
    for (const scenario_report& r : report.scenarios) {
        const recv::stream_stats& st = r.engine.stats;
        out << "\n" << r.spec.name << ": " << r.spec.description << "\n";
        out << "  buffer:  " << r.heaps_per_pass << " heaps, " << r.packets_per_pass
            << " packets, " << r.payload_bytes_per_pass << " payload bytes ("
            << r.buffer_bytes << " with headers) per pass\n";
        out << "  engine:  " << fixed(r.engine_gbps(), 2) << " Gb/s payload, "
            << fixed(r.heaps_per_second(), 0) << " heaps/s, "
            << fixed(r.packets_per_second(), 0) << " packets/s (" << r.engine.passes
            << " passes in " << fixed(r.engine.seconds, 2) << " s, "
            << fixed(r.engine.cpu_seconds, 2) << " CPU-s)\n";
        out << "  memcpy:  " << fixed(r.memcpy_gbps(), 2) << " Gb/s (before "
            << fixed(gbps(r.memcpy_before.payload_bytes, r.memcpy_before.seconds), 2)
            << ", after "
            << fixed(gbps(r.memcpy_after.payload_bytes, r.memcpy_after.seconds), 2)
            << ")\n";
        out << "  ratio:   " << fixed(r.ratio_to_memcpy(), 3) << " x memcpy";
        if (r.same_copy_before)
            out << "; " << fixed(r.engine_gbps() / r.same_copy_gbps(), 3)
                << " x the engine's own copy alone (" << describe_memcpy(r.spec.copy)
                << ": " << fixed(r.same_copy_gbps(), 2) << " Gb/s)";
        out << "\n";
        const double footprint_gbps =
            gbps(r.memcpy_pool_footprint.payload_bytes, r.memcpy_pool_footprint.seconds);
        out << "  memcpy into " << r.pool_destinations
            << " heap buffers in turn (the pool's footprint): "
            << fixed(footprint_gbps, 2) << " Gb/s; ratio "
            << fixed(r.engine_gbps() / footprint_gbps, 3) << "\n";
        if (!r.round_ratios.empty()) {
            out << "  rounds:  median " << fixed(r.median_round_ratio(), 3)
                << " x memcpy over " << r.round_ratios.size() << " rounds (";
            for (std::size_t i = 0; i < r.round_ratios.size(); i++)
                out << (i ? ", " : "") << fixed(r.round_ratios[i], 3);
            out << ")\n";
        }
        out << "  per CPU-second: engine worker "
            << fixed(r.engine_gbps_per_worker_cpu(), 2) << " Gb/s (worker "
            << fixed(r.engine.worker_cpu_seconds, 2) << " CPU-s, consumer "
            << fixed(r.engine.consumer_cpu_seconds, 2) << " CPU-s), memcpy "
            << fixed(r.memcpy_gbps_per_cpu(), 2) << " Gb/s: ratio "
            << fixed(r.ratio_per_cpu(), 3) << "\n";
        if (r.load_average >= 0) {
            out << "  load average at start: " << fixed(r.load_average, 2);
            if (r.load_average > 0.5 * report.nproc)
                out << " (other processes compete for the " << report.nproc
                    << " CPUs: figures are low and noisy)";
            out << "\n";
        }
        out << "  stream totals: heaps " << st[idx::heaps] << " (" << r.engine.passes
            << " x " << r.heaps_per_pass << "), packets " << st[idx::packets]
            << ", rejected " << st["packets_rejected"] << ", evicted "
            << st[idx::incomplete_heaps_evicted] << ", flushed "
            << st[idx::incomplete_heaps_flushed] << ", batches " << st[idx::batches]
            << ", max_batch " << st[idx::max_batch] << ", worker_blocked "
            << st[idx::worker_blocked] << ", single_packet_heaps "
            << st[idx::single_packet_heaps] << ", search_dist " << st[idx::search_dist]
            << "\n";
    }
}

void print_json(std::ostream& out, const run_report& report)
{
    out << "{\"benchmark\": \"spead_bench mem\", \"nproc\": " << report.nproc
        << ", \"seconds\": " << report.seconds
        << ", \"max_heaps\": " << report.setup.max_heaps
        << ", \"ring_heaps\": " << report.setup.ring_heaps
        << ", \"max_spin_us\": " << report.setup.max_spin_us
        << ", \"worker_threads\": 1, \"drop_on_worker\": "
        << (report.setup.drop_on_worker ? "true" : "false") << ", \"scenarios\": [";
    bool first = true;
    for (const scenario_report& r : report.scenarios) {
        out << (first ? "" : ", ") << "{";
        first = false;
        out << "\"name\": " << json_string(r.spec.name)
            << ", \"description\": " << json_string(r.spec.description)
            << ", \"heap_size\": " << r.spec.heap_size
            << ", \"max_packet_size\": " << r.spec.max_packet_size
            << ", \"allow_out_of_order\": "
            << (r.spec.shuffle_within_heap ? "true" : "false") << ", \"memcpy\": \""
            << copy_name(r.spec.copy) << "\""
            << ", \"copy_routine\": " << json_string(describe_memcpy(r.spec.copy))
            << ", \"heaps_per_pass\": " << r.heaps_per_pass
            << ", \"packets_per_pass\": " << r.packets_per_pass
            << ", \"payload_bytes_per_pass\": " << r.payload_bytes_per_pass
            << ", \"buffer_bytes\": " << r.buffer_bytes
            << ", \"passes\": " << r.engine.passes
            << ", \"engine_seconds\": " << fixed(r.engine.seconds, 4)
            << ", \"engine_cpu_seconds\": " << fixed(r.engine.cpu_seconds, 4)
            << ", \"engine_worker_cpu_seconds\": "
            << fixed(r.engine.worker_cpu_seconds, 4)
            << ", \"engine_consumer_cpu_seconds\": "
            << fixed(r.engine.consumer_cpu_seconds, 4)
            << ", \"gbps_per_worker_cpu\": " << fixed(r.engine_gbps_per_worker_cpu(), 3)
            << ", \"memcpy_gbps_per_cpu\": " << fixed(r.memcpy_gbps_per_cpu(), 3)
            << ", \"ratio_per_cpu\": " << fixed(r.ratio_per_cpu(), 4)
            << ", \"load_average\": " << fixed(r.load_average, 2)
            << ", \"gbps\": " << fixed(r.engine_gbps(), 3)
            << ", \"heaps_per_s\": " << fixed(r.heaps_per_second(), 1)
            << ", \"packets_per_s\": " << fixed(r.packets_per_second(), 1)
            << ", \"memcpy_gbps\": " << fixed(r.memcpy_gbps(), 3)
            << ", \"ratio_to_memcpy\": " << fixed(r.ratio_to_memcpy(), 4)
            << ", \"median_round_ratio\": " << fixed(r.median_round_ratio(), 4)
            << ", \"round_ratios\": [";
        for (std::size_t i = 0; i < r.round_ratios.size(); i++)
            out << (i ? ", " : "") << fixed(r.round_ratios[i], 4);
        out << "], ";
        json_copy(out, "memcpy_before", r.memcpy_before);
        out << ", ";
        json_copy(out, "memcpy_after", r.memcpy_after);
        out << ", \"pool_destinations\": " << r.pool_destinations << ", ";
        json_copy(out, "memcpy_pool_footprint", r.memcpy_pool_footprint);
        out << ", \"ratio_to_memcpy_pool_footprint\": "
            << fixed(r.engine_gbps() / gbps(r.memcpy_pool_footprint.payload_bytes,
                                            r.memcpy_pool_footprint.seconds),
                     4);
        if (r.same_copy_before && r.same_copy_after) {
            out << ", \"same_copy_gbps\": " << fixed(r.same_copy_gbps(), 3)
                << ", \"ratio_to_same_copy\": "
                << fixed(r.engine_gbps() / r.same_copy_gbps(), 4) << ", ";
            json_copy(out, "same_copy_before", *r.same_copy_before);
            out << ", ";
            json_copy(out, "same_copy_after", *r.same_copy_after);
        }
        out << ", \"pool_buffers\": " << r.engine.pool_buffers << ", \"stream_stats\": {";
        const auto items = r.engine.stats.items();
        for (std::size_t i = 0; i < items.size(); i++)
            out << (i ? ", " : "") << json_string(items[i].first) << ": "
                << items[i].second;
        out << "}}";
    }
    out << "]}\n";
}

} // namespace bench
} // namespace spead
} // namespace gr
