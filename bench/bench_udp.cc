/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "bench_udp.h"
#include "cpu_use.h"
#include "loopback_run.h"
#include "send_run.h"
#include "send_transport.h"
#include <gnuradio/spead/recv/memory_pool.h>
#include <gnuradio/spead/recv/ring_stream.h>
#include <gnuradio/spead/recv/thread_pool.h>
#include <gnuradio/spead/recv/udp_reader.h>
#include <sched.h>
#include <unistd.h>
#include <algorithm>
#include <chrono>
#include <exception>
#include <fstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace gr {
namespace spead {
namespace bench {

namespace {

using clock_type = std::chrono::steady_clock;

send::send_config make_send_config(const udp_setup& setup, int port, double rate)
{
    send::send_config c = loopback_send_config(
        port, setup.heap_size, setup.packet_size, setup.duration, rate);
    c.senders = setup.senders;
    c.gso = setup.gso ? send::gso_mode::on : send::gso_mode::off;
    if (setup.gso)
        c.batch = 512; // as spead_send --gso: several segment runs per sendmmsg
    return c;
}

/**
 * Pins the calling thread to one CPU for the scope's life and puts its former CPU set
 * back at the end (the consumer is the caller's own thread; a later trial or command
 * in the same process must not inherit the pin). cpu < 0 leaves the thread alone.
 */
class scoped_cpu_pin
{
public:
    explicit scoped_cpu_pin(int cpu)
    {
        if (cpu < 0)
            return;
        d_restore = sched_getaffinity(0, sizeof(d_former), &d_former) == 0;
        recv::thread_pool::set_affinity(cpu);
    }
    ~scoped_cpu_pin()
    {
        if (d_restore)
            sched_setaffinity(0, sizeof(d_former), &d_former);
    }
    scoped_cpu_pin(const scoped_cpu_pin&) = delete;
    scoped_cpu_pin& operator=(const scoped_cpu_pin&) = delete;

private:
    cpu_set_t d_former{};
    bool d_restore = false;
};

/// "package:core" of \p cpu from sysfs, or "" when the topology is not readable.
std::string physical_core(int cpu)
{
    const std::string dir =
        "/sys/devices/system/cpu/cpu" + std::to_string(cpu) + "/topology/";
    std::ifstream package(dir + "physical_package_id"), core(dir + "core_id");
    std::string package_id, core_id;
    if (!(package >> package_id) || !(core >> core_id))
        return "";
    return package_id + ":" + core_id;
}

std::vector<int> pool_affinity(int cpu)
{
    return cpu < 0 ? std::vector<int>{} : std::vector<int>{ cpu };
}

} // namespace

std::pair<int, int> default_cpu_pair()
{
    cpu_set_t allowed;
    CPU_ZERO(&allowed);
    if (sched_getaffinity(0, sizeof(allowed), &allowed) != 0)
        return { -1, -1 };
    std::vector<int> cpus;
    for (int cpu = 0; cpu < CPU_SETSIZE; cpu++)
        if (CPU_ISSET(cpu, &allowed))
            cpus.push_back(cpu);
    if (cpus.size() < 2)
        return { -1, -1 };
    // Two hardware threads of one core share its execution units and caches: prefer a
    // receiver CPU on another core than the sender's.
    const std::string sender_core = physical_core(cpus[0]);
    for (std::size_t i = 1; i < cpus.size(); i++)
        if (sender_core.empty() || physical_core(cpus[i]) != sender_core)
            return { cpus[0], cpus[i] };
    return { cpus[0], cpus[1] };
}

udp_trial run_udp_trial(const udp_setup& setup, double rate_gbps, udp_socket_info& info)
{
    namespace idx = recv::stream_stat_indices;
    // The consumer (this thread) runs beside the receive worker: it only pops and
    // drops, but beside a sender that never sleeps it waits for a time slice while the
    // ring fills and the worker stops reading (measured: two thirds of the heaps lost).
    const scoped_cpu_pin consumer_pin(setup.receiver_cpu);
    recv::thread_pool workers(1, pool_affinity(setup.receiver_cpu));
    // Enough buffers for every live heap, the ring and the one the consumer holds, so
    // the receive path never allocates once running.
    const std::size_t buffers = setup.max_heaps * setup.senders + setup.ring_heaps + 4;
    auto memory = std::make_shared<recv::memory_pool>(
        workers, setup.heap_size, setup.heap_size, buffers, buffers, buffers / 2);
    recv::stream_config config;
    config.set_max_heaps(setup.max_heaps)
        .set_substreams(setup.senders)
        .set_memory_allocator(memory);
    recv::ring_stream_config ring;
    ring.set_heaps(setup.ring_heaps)
        .set_max_spin(std::chrono::microseconds(setup.max_spin_us));
    recv::ring_stream stream(workers, config, ring);

    loopback_socket socket(
        workers.get_io_context(), setup.buffer_size, setup.force_buffer);
    info.requested = setup.buffer_size;
    info.granted = socket.grant().granted;
    info.forced = socket.grant().forced;
    recv::udp_reader& reader = stream.emplace_reader<recv::udp_reader>(
        socket.take(), std::max(setup.packet_size, recv::DEFAULT_UDP_MAX_SIZE));
    reader.set_busy_poll(std::chrono::microseconds(setup.busy_poll_us));

    const send::send_config send_config =
        make_send_config(setup, socket.port(), rate_gbps);
    send::send_summary sent;
    std::exception_ptr send_error;
    std::atomic<bool> sender_done{ false };
    double sender_cpu = 0;
    const double worker_start = worker_cpu_seconds(workers);
    const double consumer_start = thread_cpu_seconds();
    const auto wall_start = clock_type::now();
    std::thread sender([&] {
        if (setup.sender_cpu >= 0)
            recv::thread_pool::set_affinity(setup.sender_cpu);
        try {
            auto out = send::make_transport(send_config);
            sent = send::run_sender(send_config, *out);
            if (!sent.error.empty()) // a failed send is the benchmark's failure
                throw std::runtime_error(sent.error);
        } catch (...) {
            send_error = std::current_exception();
        }
        sender_cpu = thread_cpu_seconds();
        sender_done = true;
    });

    udp_trial t;
    t.offered_gbps = rate_gbps;
    std::uint64_t payload = 0;
    t.stop_heap_lost = pop_until_stopped(
        stream,
        sender_done,
        [&](const recv::heap& h) {
            // Pop and drop: the buffer goes back to the pool at once.
            if (h.is_complete()) {
                t.heaps_received++;
                payload += h.payload_size();
            }
        },
        [](clock_type::time_point) {});
    sender.join();
    stream.stop();
    t.wall_seconds =
        std::chrono::duration<double>(clock_type::now() - wall_start).count();
    t.consumer_cpu_seconds = thread_cpu_seconds() - consumer_start;
    t.worker_cpu_seconds = worker_cpu_seconds(workers) - worker_start;
    t.sender_cpu_seconds = sender_cpu;
    const std::int64_t drops = socket.kernel_drops();
    if (send_error)
        std::rethrow_exception(send_error);

    t.stats = stream.get_all_stats();
    t.kernel_drops = drops;
    t.seconds = sent.seconds;
    t.sent_gbps = sent.gbps();
    t.heaps_sent = sent.data_heaps;
    t.packets_sent = sent.packets;
    t.packets_received = t.stats[idx::packets];
    t.packets_in_place = reader.get_in_place_packets();
    t.messages_gathered = reader.get_gathered_messages();
    t.heaps_incomplete =
        t.stats[idx::incomplete_heaps_evicted] + t.stats[idx::incomplete_heaps_flushed];
    t.heaps_lost = t.heaps_sent > t.heaps_received ? t.heaps_sent - t.heaps_received : 0;
    if (t.seconds > 0) {
        t.received_gbps = double(payload) * 8e-9 / t.seconds;
        t.packets_per_s = double(t.packets_received) / t.seconds;
    }
    return t;
}

const udp_trial& udp_point::median() const
{
    std::vector<const udp_trial*> sorted;
    for (const udp_trial& t : trials)
        sorted.push_back(&t);
    std::sort(sorted.begin(), sorted.end(), [](const udp_trial* a, const udp_trial* b) {
        return a->received_gbps < b->received_gbps;
    });
    return *sorted[sorted.size() / 2];
}

bool udp_point::lossless() const
{
    for (const udp_trial& t : trials)
        if (t.heaps_lost != 0 || t.heaps_sent == 0)
            return false;
    return true;
}

udp_point run_udp_point(const udp_setup& setup, double rate_gbps, udp_socket_info& info)
{
    udp_point p;
    p.offered_gbps = rate_gbps;
    for (std::size_t i = 0; i < std::max<std::size_t>(setup.repeats, 1); i++)
        p.trials.push_back(run_udp_trial(setup, rate_gbps, info));
    return p;
}

udp_search
search_lossless(const udp_setup& setup, std::size_t steps, udp_socket_info& info)
{
    udp_search s;
    s.points.push_back(run_udp_point(setup, 0, info));
    const udp_point& unlimited = s.points.back();
    if (unlimited.lossless()) {
        s.sender_bound = true;
        s.best_lossless_gbps = unlimited.median().sent_gbps;
        return s;
    }
    double good = 0, bad = unlimited.median().sent_gbps;
    for (std::size_t i = 0; i < steps; i++) {
        const double rate = (good + bad) / 2;
        s.points.push_back(run_udp_point(setup, rate, info));
        if (s.points.back().lossless())
            good = rate;
        else
            bad = rate;
    }
    s.best_lossless_gbps = good;
    return s;
}

} // namespace bench
} // namespace spead
} // namespace gr
