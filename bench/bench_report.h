/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_APPS_BENCH_REPORT_H
#define INCLUDED_SPEAD_APPS_BENCH_REPORT_H

#include "bench_measure.h"
#include "bench_workload.h"
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace gr {
namespace spead {
namespace bench {

/// Everything measured for one scenario.
struct scenario_report {
    scenario spec;
    std::size_t heaps_per_pass = 0;
    std::size_t packets_per_pass = 0;
    std::size_t payload_bytes_per_pass = 0;
    std::size_t buffer_bytes = 0;
    /// 1-minute load average when the scenario started (-1 when unknown): other work on
    /// the machine shows up in every figure, above all in the small-heap ones.
    double load_average = -1;
    engine_result engine;
    /// Plain std::memcpy of the same payload, right before and right after the engine.
    copy_result memcpy_before, memcpy_after;
    /// std::memcpy again, each heap into the next of pool_destinations heap-sized buffers
    /// (the engine pool's footprint, which does not stay in cache like one buffer does).
    copy_result memcpy_pool_footprint;
    std::size_t pool_destinations = 0;
    /// The scenario's own copy function, when it is not std::memcpy (same placement).
    std::optional<copy_result> same_copy_before, same_copy_after;

    double engine_gbps() const;
    double heaps_per_second() const;
    double packets_per_second() const;
    /// Before and after pooled: total bytes over total time.
    double memcpy_gbps() const;
    double same_copy_gbps() const; ///< 0 when there is none
    double ratio_to_memcpy() const { return engine_gbps() / memcpy_gbps(); }
    /// Engine over memcpy in each round (memcpy measured right before that round).
    std::vector<double> round_ratios;
    /// Median of round_ratios (0 when there are none).
    double median_round_ratio() const;
    /// Per CPU-second of the thread doing the work (the engine's worker; the copying
    /// thread): what the figures would be if nothing else wanted the CPUs. Waiting (for
    /// the consumer, for a CPU) is left out, so these are upper bounds.
    double engine_gbps_per_worker_cpu() const;
    double memcpy_gbps_per_cpu() const;
    double ratio_per_cpu() const
    {
        return engine_gbps_per_worker_cpu() / memcpy_gbps_per_cpu();
    }
};

/// The whole run, as printed.
struct run_report {
    unsigned nproc = 0;
    double seconds = 0;
    engine_setup setup;
    std::vector<scenario_report> scenarios;
};

/// Human-readable figures, one block per scenario.
void print_text(std::ostream& out, const run_report& report);

/// One JSON object holding every scenario's figures.
void print_json(std::ostream& out, const run_report& report);

} // namespace bench
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_APPS_BENCH_REPORT_H */
