/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "send_heaps.h"
#include "send_pacer.h"
#include "send_run.h"
#include "send_schedule.h"
#include <algorithm>
#include <chrono>
#include <exception>
#include <thread>
#include <vector>

namespace gr {
namespace spead {
namespace send {

namespace {

using clock_type = std::chrono::steady_clock;

} // namespace

send_summary
run_sender(const send_config& config, transport& out, const std::atomic<bool>* cancel)
{
    const heap_factory heaps(config);
    packet_schedule schedule(config, heaps);
    fault_injector faults(config);
    send_summary summary;
    summary.socket_buffer = out.socket_buffer();

    std::vector<out_packet> pending;
    pending.reserve(2 * config.batch + 8);
    const auto start = clock_type::now();
    const auto end = start + std::chrono::duration_cast<clock_type::duration>(
                                 std::chrono::duration<double>(config.duration));
    pacer pace(config.rate_gbps, config.burst_rate_ratio, start);
    bool finishing = false;

    auto send_pending = [&](std::size_t keep_from) {
        // Sends pending[0, keep_from) and keeps the rest for the next batch.
        if (keep_from == 0)
            return;
        pace.wait_for(summary.bytes);
        out.send(pending.data(), keep_from, summary);
        for (std::size_t i = 0; i < keep_from; i++) {
            summary.packets++;
            summary.bytes += pending[i].size();
            summary.payload_bytes += pending[i].payload_length;
        }
        pending.erase(pending.begin(), pending.begin() + std::ptrdiff_t(keep_from));
    };

    try {
        out_packet packet;
        while (schedule.next(packet)) {
            if (packet.data)
                summary.data_packets_scheduled++;
            faults.push(packet, pending);
            if (pending.size() >= config.batch) {
                send_pending(config.batch);
                if (!finishing && ((config.duration > 0 && clock_type::now() >= end) ||
                                   (cancel && cancel->load()))) {
                    finishing = true;
                    schedule.finish();
                }
            }
        }
        faults.flush(pending);
        while (!pending.empty())
            send_pending(std::min(pending.size(), config.batch));
        out.close();
    } catch (const std::exception& e) {
        // What went out is still worth reporting: the caller decides what the error
        // means (spead_send prints the summary, then fails).
        summary.error = e.what();
    }
    summary.seconds = std::chrono::duration<double>(clock_type::now() - start).count();
    summary.data_heaps = schedule.data_heaps();
    summary.control_heaps = schedule.control_heaps();
    faults.report(summary);
    return summary;
}

} // namespace send
} // namespace spead
} // namespace gr
