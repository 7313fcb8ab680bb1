/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "cli_args.h"
#include "spead_recv_options.h"
#include <gnuradio/spead/protocol/flavour.h>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <limits>
#include <stdexcept>

namespace gr {
namespace spead {
namespace apps {

void print_recv_usage(std::ostream& out)
{
    out << R"MANUAL(usage: spead_recv SOURCE [options]
       spead_recv [options] [--joint] [host]:port|FILE ...

Receives a SPEAD stream with gr-spead's receive engine (the same streams,
readers and ring the GNU Radio blocks use) and prints every heap: its counter,
whether it is complete, descriptors as they arrive, and each item's value
decoded as an ItemGroup would. Statistics follow at the end. It stops at the
stop heap (unless --no-stop-on-stop-item), at the end of a capture file or TCP
connection, after --count heaps or --timeout seconds, or on SIGINT / SIGTERM;
the heaps already received are printed and the final statistics follow in
every case.

Source (exactly one):
  --udp PORT             receive UDP datagrams on PORT (0: a free port; the
                         port in use is printed on stderr as "listening on ...")
  --tcp PORT             accept one TCP connection on PORT, read it to its end
  --pcap FILE            read the UDP datagrams of a capture file
  --bind ADDRESS         address to bind to (default: every IPv4 address;
                         "::" for every IPv6 one). A multicast group address
                         joins that group. UDP: a comma-separated list of
                         host[+N][:port] reads every endpoint into one stream,
                         e.g. 239.10.0.0+15 (16 groups on PORT)

Or as spead2_recv takes them: arguments [host]:port (UDP; host+N for N more
consecutive groups, [addr]:port for IPv6) or FILE (a capture file), with
  --joint                several sources make one stream (spead_recv receives
                         one stream: several sources need --joint)
  --bind ADDRESS         with these sources, spead2_recv's meaning: the IPv4
                         address of the interface to join multicast groups on
  --interface ADDRESS    IPv4 multicast: join on the interface with ADDRESS
  --interface-index N    IPv6 multicast: join on interface number N
  --filter EXPR          pcap: BPF filter, e.g. 'udp dst port 7148'
  --max-size BYTES       largest packet accepted (UDP default 9200, TCP 65536);
                         larger ones are counted as packets_rejected_oversize
  --buffer-size BYTES    socket receive buffer to ask for (UDP default 8M, TCP
                         208K; a shortfall is reported once: raise
                         net.core.rmem_max; as root, UDP gets it whole unless
                         GR_SPEAD_UDP_FORCE_BUFFER=0)
  --busy-poll US         UDP: keep reading for up to US microseconds after the
                         socket runs dry before sleeping (default 0): with
                         --affinity, keeps the receiving core awake between
                         datagrams (see docs/performance-tuning.md)

Stream (the engine's stream_config and ring_stream_config; defaults as spead2):
  --max-heaps N          partial heaps kept per substream (default 4)
  --substreams N         windows by heap counter mod N (default 1; one per
                         interleaved sender)
  --ring-heaps N         heaps waiting for this program (default 4)
  --max-spin US          longest spin of this program waiting for a heap before
                         it sleeps (default 200; 0 never spins, no CPU spent
                         waiting, a wake-up per heap)
  --[no-]contiguous-only deliver only complete heaps (default); with
                         --no-contiguous-only incomplete heaps are printed too
  --[no-]allow-out-of-order
                         accept a heap's packets in any order (default: no)
  --[no-]allow-unsized-heaps
                         accept heaps without HEAP_LENGTH (default: yes)
  --[no-]stop-on-stop-item
                         end at a heap with STREAM_CTRL = stop (default: yes)
  --max-heap-size BYTES  largest heap accepted (default 64M)
  --bug-compat N         bug-compatibility flags 0-7 (7: PySPEAD 0.5.2)
  --mem-pool             take heap memory from a pool (spead2_recv's defaults):
  --mem-lower BYTES      ... for heaps of at least this size (default 16K)
  --mem-upper BYTES      ... and at most this size; buffers are this big (32M)
  --mem-max-free N       ... buffers kept when returned (default 12)
  --mem-initial N        ... buffers made at start (default 8)
  --threads N            receive threads (default 1)
  --affinity LIST        CPUs, comma-separated: receive thread i runs on the
                         i-th (cycling), the main thread, which takes the heaps,
                         on the first: a consumer beside its reader gets a CPU
                         at once

Output:
  --json                 one JSON object per line: {"heap": ...} per heap,
                         {"interval": ...} per --stats-interval, and a last
                         {"statistics": ...}; descriptors come inside the heap
                         that carried them
  --quiet                no heaps, only the statistics
  --values N             array elements shown per value (default 6)
  --stats-interval S     one line of running statistics every S seconds
  --count N              stop after N heaps
  --timeout S            stop after S seconds
  -h, --help             this manual

Text output, one block per heap (descriptors only when new or changed):
  heap 2: 1048576 payload bytes
    descriptor 0x1600 "timestamp": ...
    timestamp (0x1600, immediate) = 0
    data (0x1601, 1048576 B) = uint8[1048576] {0, 1, 2, 3, 4, 5, ...}
An incomplete heap says "(incomplete: N received)"; a value whose item has no
descriptor yet is skipped and says so.

Examples:
  spead_recv --udp 7148
  spead_recv --udp 7148 --bind 239.10.0.1 --interface 10.0.0.5 --quiet \
             --stats-interval 1
  spead_recv --tcp 7148 --bind ::1 --json
  spead_recv --pcap capture.pcap --filter 'udp dst port 7148' --substreams 4
  spead_recv --udp 7148 --bind 239.10.0.0+15 --interface 10.0.0.5 --quiet
  spead_recv --joint 239.10.0.0:7148 239.10.0.1:7148 --bind 10.0.0.5
)MANUAL";
}

namespace {

/// "--no-NAME" and "--NAME" for a boolean option; returns true when \p arg is one.
bool boolean_flag(const std::string& arg, const std::string& name, bool& value)
{
    if (arg == "--" + name) {
        value = true;
        return true;
    }
    if (arg == "--no-" + name) {
        value = false;
        return true;
    }
    return false;
}

/**
 * spead2_recv's sources: [host]:port arguments are UDP endpoints (our lists allowed),
 * an argument without a colon is a capture file; --bind then names the interface of
 * multicast groups, as in spead2_recv.
 */
void take_spead2_sources(recv_options& o, int& sources)
{
    if (sources > 0)
        throw usage_error("give the source either as --udp, --tcp or --pcap, or as "
                          "spead2_recv's [host]:port or FILE arguments, not both");
    if (o.spead2_sources.size() > 1 && !o.joint)
        throw usage_error("several sources make one stream only with --joint "
                          "(spead_recv receives one stream; spead2_recv without "
                          "--joint would make one per source)");
    sources = 1;
    for (const std::string& s : o.spead2_sources) {
        if (s.find(':') == std::string::npos) {
            if (o.spead2_sources.size() > 1)
                throw usage_error("a capture file ('" + s + "') must be the only source");
            o.source = recv_options::source_kind::pcap;
            o.pcap_path = s;
            return;
        }
        try {
            for (const auto& e : recv::parse_endpoint_list(s, 7148, "source"))
                o.endpoints.push_back(e);
        } catch (const std::invalid_argument& e) {
            throw usage_error(e.what());
        }
    }
    o.source = recv_options::source_kind::udp;
    if (!o.bind.empty()) {
        if (!o.interface_address.empty())
            throw usage_error("--bind (spead2_recv's interface address) and --interface "
                              "exclude each other");
        o.interface_address = o.bind;
        o.bind.clear();
    }
}

} // namespace

recv_options parse_recv_options(int argc, char** argv)
{
    recv_options o;
    arg_reader args(argc, argv);
    bool contiguous_only = true, out_of_order = false, unsized = true, stop = true;
    int sources = 0;
    const std::uint64_t max_size_t = std::numeric_limits<std::size_t>::max();
    try {
        while (args.next()) {
            const std::string& name = args.name();
            if (name == "-h" || name == "--help") {
                print_recv_usage(std::cout);
                std::exit(0);
            } else if (name == "--udp" || name == "--tcp") {
                o.source = name == "--udp" ? recv_options::source_kind::udp
                                           : recv_options::source_kind::tcp;
                o.port = int(args.unsigned_value(0, 65535));
                sources++;
            } else if (name == "--pcap") {
                o.source = recv_options::source_kind::pcap;
                o.pcap_path = args.value();
                sources++;
            } else if (name == "--bind")
                o.bind = args.value();
            else if (name == "--joint")
                o.joint = true;
            else if (!name.empty() && name[0] != '-')
                o.spead2_sources.push_back(name);
            else if (name == "--interface")
                o.interface_address = args.value();
            else if (name == "--interface-index") {
                o.interface_index = unsigned(args.unsigned_value(0, 0xffffffffu));
                o.has_interface_index = true;
            } else if (name == "--filter")
                o.filter = args.value();
            else if (name == "--max-size")
                o.max_size = args.unsigned_value(8, std::uint64_t(1) << 30, true);
            else if (name == "--busy-poll")
                o.busy_poll_us = args.unsigned_value(0, 1000000);
            else if (name == "--buffer-size") {
                o.buffer_size = args.unsigned_value(0, std::uint64_t(1) << 31, true);
                o.buffer_size_set = true;
            } else if (name == "--max-heaps")
                o.config.set_max_heaps(args.unsigned_value(1, 1 << 20));
            else if (name == "--substreams")
                o.config.set_substreams(args.unsigned_value(1, 1 << 20));
            else if (name == "--ring-heaps")
                o.ring.set_heaps(args.unsigned_value(1, 1 << 20));
            else if (name == "--max-spin")
                o.ring.set_max_spin(
                    std::chrono::microseconds(args.unsigned_value(0, 1000000)));
            else if (boolean_flag(name, "contiguous-only", contiguous_only) ||
                     boolean_flag(name, "allow-out-of-order", out_of_order) ||
                     boolean_flag(name, "allow-unsized-heaps", unsized) ||
                     boolean_flag(name, "stop-on-stop-item", stop))
                continue;
            else if (name == "--max-heap-size")
                o.config.set_max_heap_size(args.unsigned_value(1, max_size_t, true));
            else if (name == "--bug-compat")
                o.config.set_bug_compat(
                    int(args.unsigned_value(0, protocol::BUG_COMPAT_ALL)));
            else if (name == "--mem-pool")
                o.mem_pool = true;
            else if (name == "--mem-lower")
                o.mem_lower = args.unsigned_value(0, max_size_t, true);
            else if (name == "--mem-upper")
                o.mem_upper = args.unsigned_value(1, max_size_t, true);
            else if (name == "--mem-max-free")
                o.mem_max_free = args.unsigned_value(0, 1 << 20);
            else if (name == "--mem-initial")
                o.mem_initial = args.unsigned_value(0, 1 << 20);
            else if (name == "--threads")
                o.threads = int(args.unsigned_value(1, 256));
            else if (name == "--affinity")
                o.affinity = args.cpu_list_value();
            else if (name == "--json")
                o.json = true;
            else if (name == "--quiet")
                o.quiet = true;
            else if (name == "--values")
                o.values = args.unsigned_value(0, 1 << 20);
            else if (name == "--stats-interval")
                o.stats_interval = args.double_value(0.01, 86400);
            else if (name == "--count")
                o.count =
                    args.unsigned_value(1, std::numeric_limits<std::uint64_t>::max());
            else if (name == "--timeout")
                o.timeout = args.double_value(0.001, 1e9);
            else
                throw usage_error("unknown option '" + name + "' (see --help)");
        }
        o.config.set_allow_out_of_order(out_of_order)
            .set_allow_unsized_heaps(unsized)
            .set_stop_on_stop_item(stop);
        o.ring.set_contiguous_only(contiguous_only);
    } catch (const std::invalid_argument& e) {
        // stream_config's own check: its message names the parameter and the range.
        throw usage_error(args.name() + ": " + e.what());
    }
    if (!o.spead2_sources.empty())
        take_spead2_sources(o, sources);
    if (sources != 1)
        throw usage_error("give exactly one source: --udp PORT, --tcp PORT or --pcap "
                          "FILE (or spead2_recv's [host]:port or FILE arguments)");
    if (o.source == recv_options::source_kind::udp && o.endpoints.empty()) {
        try {
            o.endpoints = recv::parse_endpoint_list(o.bind, o.port, "--bind");
        } catch (const std::invalid_argument& e) {
            throw usage_error(e.what());
        }
    }
    if (o.mem_pool && o.mem_lower > o.mem_upper)
        throw usage_error("--mem-lower must not exceed --mem-upper");
    if (o.mem_pool && o.mem_initial > o.mem_max_free)
        throw usage_error("--mem-initial must not exceed --mem-max-free");
    if (o.busy_poll_us > 0 && o.source != recv_options::source_kind::udp)
        throw usage_error("--busy-poll applies to --udp only");
    if (!o.interface_address.empty() && o.has_interface_index)
        throw usage_error("--interface (IPv4) and --interface-index (IPv6) exclude each "
                          "other");
    return o;
}

} // namespace apps
} // namespace spead
} // namespace gr
