/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// Command-line receiver: a ring_stream with one reader (UDP, TCP or a capture file)
// whose heaps are printed as they arrive, with statistics (see --help).

#include "cli_args.h"
#include "recv_output.h"
#include "spead_recv_options.h"
#include <gnuradio/spead/recv/memory_pool.h>
#include <gnuradio/spead/recv/pcap_reader.h>
#include <gnuradio/spead/recv/ring_stream.h>
#include <gnuradio/spead/recv/tcp_reader.h>
#include <gnuradio/spead/recv/thread_pool.h>
#include <gnuradio/spead/recv/udp_endpoint.h>
#include <gnuradio/spead/recv/udp_reader.h>
#include <boost/asio/ip/address.hpp>
#include <atomic>
#include <chrono>
#include <csignal>
#include <iostream>
#include <sstream>

using namespace gr::spead;
using namespace gr::spead::recv;
using namespace gr::spead::apps;

namespace {

std::atomic<int> g_signal{ 0 };

extern "C" void on_signal(int signal) { g_signal = signal; }

template <typename Endpoint>
std::string endpoint_text(const Endpoint& e)
{
    std::ostringstream out;
    out << e;
    return out.str();
}

/// Adds the readers the options ask for; returns what each listens on / reads. The
/// UDP readers are added to \p udp_readers.
std::vector<std::string> add_readers(recv::ring_stream& stream,
                                     const recv_options& o,
                                     std::vector<const udp_reader*>& udp_readers)
{
    using source = recv_options::source_kind;
    if (o.source == source::pcap) {
        stream.emplace_reader<gr::spead::recv::pcap_reader>(o.pcap_path, o.filter);
        return { "reading pcap " + o.pcap_path };
    }
    if (o.source == source::tcp) {
        const auto address = o.bind.empty() ? boost::asio::ip::address_v4::any()
                                            : boost::asio::ip::make_address(o.bind);
        auto& r = stream.emplace_reader<recv::tcp_reader>(
            boost::asio::ip::tcp::endpoint(address, std::uint16_t(o.port)),
            o.max_size ? o.max_size : gr::spead::recv::DEFAULT_TCP_MAX_SIZE,
            o.buffer_size_set ? o.buffer_size : gr::spead::recv::DEFAULT_TCP_BUFFER_SIZE);
        return { "listening on tcp " + endpoint_text(r.local_endpoint()) };
    }
    const std::size_t max_size =
        o.max_size ? o.max_size : gr::spead::recv::DEFAULT_UDP_MAX_SIZE;
    const std::size_t buffer_size =
        o.buffer_size_set ? o.buffer_size : gr::spead::recv::DEFAULT_UDP_BUFFER_SIZE;
    std::vector<std::string> out;
    for (const auto& spec : o.endpoints) {
        const auto endpoint =
            gr::spead::recv::make_udp_bind_endpoint(spec.host, spec.port);
        udp_reader* r;
        if (!o.interface_address.empty())
            r = &stream.emplace_reader<udp_reader>(
                endpoint,
                max_size,
                buffer_size,
                boost::asio::ip::make_address(o.interface_address));
        else if (o.has_interface_index)
            r = &stream.emplace_reader<udp_reader>(
                endpoint, max_size, buffer_size, o.interface_index);
        else
            r = &stream.emplace_reader<udp_reader>(endpoint, max_size, buffer_size);
        r->set_busy_poll(std::chrono::microseconds(o.busy_poll_us));
        udp_readers.push_back(r);
        out.push_back("listening on udp " + endpoint_text(r->get_local_endpoint()));
    }
    return out;
}

double seconds_since(std::chrono::steady_clock::time_point start)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
        .count();
}

} // namespace

int main(int argc, char** argv)
{
    const auto parsed = apps::parse_or_report(
        "spead_recv", [&] { return parse_recv_options(argc, argv); });
    if (!parsed)
        return apps::USAGE_EXIT_STATUS;
    const recv_options& o = *parsed;
    struct sigaction action {
    };
    action.sa_handler = on_signal;
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);

    recv_output output(std::cout, o.config.get_bug_compat(), o.json, o.quiet, o.values);
    try {
        // The consumer (this thread) beside the readers: it gets a CPU as soon as a
        // heap is ready instead of waiting for a time slice while the ring fills.
        if (!o.affinity.empty())
            gr::spead::recv::thread_pool::set_affinity(o.affinity.front());
        thread_pool pool(o.threads, o.affinity);
        gr::spead::recv::stream_config config = o.config;
        if (o.mem_pool) {
            auto memory =
                std::make_shared<gr::spead::recv::memory_pool>(pool,
                                                               o.mem_lower,
                                                               o.mem_upper,
                                                               o.mem_max_free,
                                                               o.mem_initial,
                                                               o.mem_initial / 2);
            config.set_memory_allocator(memory);
        }
        gr::spead::recv::ring_stream stream(pool, config, o.ring);
        std::vector<const udp_reader*> udp_readers;
        for (const std::string& source : add_readers(stream, o, udp_readers))
            std::cerr << "spead_recv: " << source << std::endl;

        const auto start = std::chrono::steady_clock::now();
        double next_interval = o.stats_interval;
        const char* reason = "end of stream";
        bool stopping = false;
        auto stop_with = [&](const char* why) {
            if (!stopping) {
                stopping = true;
                reason = why;
                stream.stop(); // the heaps already queued still come out
            }
        };
        for (;;) {
            if (g_signal && !stopping)
                stop_with(g_signal == SIGINT ? "interrupted (SIGINT)"
                                             : "terminated (SIGTERM)");
            std::optional<recv::heap> h;
            try {
                h = stream.pop_for(std::chrono::milliseconds(100));
            } catch (const gr::spead::recv::ringbuffer_stopped&) {
                break;
            }
            // With --count, heaps still queued after the last one wanted are dropped.
            if (h && (!o.count || output.heaps() < o.count)) {
                output.heap_received(*h);
                if (o.count && output.heaps() >= o.count)
                    stop_with("--count reached");
            }
            const double elapsed = seconds_since(start);
            if (o.timeout > 0 && elapsed >= o.timeout)
                stop_with("--timeout reached");
            if (o.stats_interval > 0 && elapsed >= next_interval && !stopping) {
                output.interval(elapsed, stream.get_all_stats());
                next_interval += o.stats_interval;
                if (next_interval < elapsed)
                    next_interval = elapsed + o.stats_interval;
            }
        }
        stream.stop();
        std::optional<recv_output::udp_reader_counters> udp;
        if (!udp_readers.empty()) {
            udp.emplace();
            for (const udp_reader* r : udp_readers) {
                udp->packets_received_in_place += r->get_in_place_packets();
                udp->datagrams_mispredicted += r->get_gathered_messages();
            }
        }
        output.final_statistics(
            seconds_since(start), stream.get_all_stats(), reason, udp);
    } catch (const std::exception& e) {
        std::cerr << "spead_recv: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
