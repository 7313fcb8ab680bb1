/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "cli_args.h"
#include "heap_layout.h"
#include "send_destinations.h"
#include "send_heaps.h"
#include "spead_send_options.h"
#include <sched.h>
#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <limits>
#include <set>

namespace gr {
namespace spead {
namespace send {

void print_send_usage(std::ostream& out)
{
    out << R"MANUAL(usage: spead_send [options]

Sends SPEAD heaps, built with gr-spead's encoder, over UDP or TCP or into a
capture file: a load generator and test source for SPEAD receivers.

What is sent: a descriptor heap (counter 1) describing the items, then the
data heaps, then a stop heap (STREAM_CTRL = stop). Without --layout or --item,
each data heap carries
  timestamp (0x1600)  immediate, format u40 or u48: heap index x step
  data      (0x1601)  addressed, heap-size bytes of uint8, byte i = i mod 256
Data heap g (g = 0, 1, 2...) has counter g + 2 x senders and belongs to sender
g mod senders, so that counter mod senders is the sender's index.
A layout (--layout FILE, --item SPEC) gives the data heaps other items: names,
IDs, shapes, dtypes, fill patterns and immediates that follow the heap, the
sender (e.g. an antenna's feng_id) and the substream (e.g. a channel range);
see docs/tools.md. Sender s's k-th heap is for substream k mod substreams (its
destination: substream mod destinations) and frame k / substreams.

Destination (UDP by default):
  --host HOST            address or name to send to (default 127.0.0.1): IPv4,
                         IPv6 (::1), or a multicast group (239.x.y.z, ff..)
  --port PORT            destination port (default 8888); with --pcap, the UDP
                         destination port written in the frames
  --tcp                  connect to HOST:PORT over TCP (retrying while the
                         receiver starts, see --connect-timeout) and stream the
                         packets back to back
  --pcap FILE            write the packets to a capture file (Ethernet, IPv4,
                         UDP from 127.0.0.1:40000 to 127.0.0.1:PORT) instead
  --ttl N                multicast TTL / IPv6 hop limit (default 1)
  --interface ADDRESS    IPv4 multicast: send from the interface with ADDRESS
  --interface-index N    IPv6 multicast: send from interface number N
                         (see `ip link`; default: the OS chooses)
  --buffer-size BYTES    socket send buffer to ask for (default 16M; the kernel
                         caps it at net.core.wmem_max, the summary shows what it
                         granted)
  --connect-timeout S    TCP: keep trying to connect for S seconds (default 5)
  --dest SPEC[,SPEC...]  several destinations (UDP, pcap) instead of --host:
                         SPEC is HOST[+N][:PORT] (239.10.0.0+3:7148 is the 4
                         groups 239.10.0.0 to .3; [ff15::1]:7148 for IPv6; PORT
                         defaults to --port); repeatable. Substream c's heaps go
                         to destination c mod the number of destinations

Heaps:
  --heap-size BYTES      payload bytes of a data heap (default 1M)
  --packet-size BYTES    largest packet, SPEAD header and item pointers
                         included (default 8972, a 9000-byte MTU's UDP payload;
                         1472 fits a 1500-byte MTU)
  --heaps N              data heaps to send in all (default 1000)
  --duration S           send for S seconds instead of a number of heaps (heaps
                         in progress are completed, then the stop heap follows)
  --flavour BITS         heap address width: 40 (SPEAD-64-40, default) or 48
                         (SPEAD-64-48); any multiple of 8 from 16 to 56 works
  --timestamp-step N     timestamp increment per heap (default: heap size)
  --no-descriptors       do not send the descriptor heap
  --no-stop              do not send the stop heap at the end
  --senders N            N logical senders whose heaps are interleaved packet
                         by packet (default 1); receive them with substreams N
                         (emulated antennas: each its own sender)

Layout (docs/tools.md has the format; examples in apps/layouts):
  --layout FILE          the data heaps' items and stream settings from a JSON
                         layout file (its flavour, senders, substreams,
                         descriptors, descriptors_every, start_heap, stop_heap
                         apply unless given here as options)
  --item SPEC            one more item, as key=value pairs separated by commas:
                         name=feng_id,id=0x4101,immediate,step_per_sender=1 or
                         name=x,id=0x4300,shape=256x256x2x2,dtype=i1,fill=ramp
                         (repeatable; without --layout, the items are all
                         there is)
  --substreams N         substreams each sender cycles through (default: one
                         per destination), e.g. channel ranges
  --descriptors-every N  send the descriptor heaps again every N data heaps
  --start-heap           send a start heap (STREAM_CTRL = start) to each
                         destination first

Rate:
  --rate GBPS            packet bytes (SPEAD headers included, not UDP/IP) per
                         second x 8e-9; 0 (default) sends as fast as possible.
                         Pacing follows the clock: before each batch the sender
                         waits until that batch is due, so the long-run rate is
                         exact and bursts are at most one batch.
  --burst-rate-ratio R   a sender that fell behind (its thread did not run for a
                         while) catches up at no more than R times --rate
                         (default 1.05, as spead2's sender), so the receiver
                         never gets the backlog at full speed
  --batch N              packets per sendmmsg call and pacing step (default 64;
                         512 with UDP GSO and no --rate)
  --no-gso               UDP: one datagram per packet. By default (and with
                         --gso) runs of equal-sized packets (a heap's packets
                         but its last) go as one UDP_SEGMENT send that the
                         kernel cuts into datagrams: far fewer system calls, so
                         a faster sender. Without --gso, a kernel that refuses
                         it (before Linux 4.18, or a route that cannot take
                         it) gets one datagram per packet, as spead2_send does;
                         with --gso that is an error

Faults (data packets only; descriptor and stop heaps are never damaged):
  --seed N               seed of the fault generator (default 1): the same seed
                         and options damage the same packets
  --drop FRACTION        drop each data packet with this probability
  --reorder FRACTION     hold a data packet back behind the next
                         --reorder-distance packets (default 1: swap with its
                         neighbour) with this probability
  --reorder-distance N   how many packets a held-back packet waits for
  --duplicate FRACTION   send a data packet twice in a row with this probability

Threads:
  --affinity CPU         pin the sending thread to this CPU (on loopback, keep
                         it off the receiver's CPU)

Output:
  --json                 print the summary as one JSON object
  --quiet                print nothing unless there is an error
  -h, --help             this manual

The summary gives data and control heaps, packets, bytes, the achieved rate, and
the faults injected: dropped packets and how many heaps lost at least one packet
(the heaps a receiver cannot complete), reordered and duplicated packets.
SIGINT / SIGTERM end the data early; the stop heap and summary still follow.

Examples:
  spead_send --host 127.0.0.1 --port 7148 --heaps 100 --rate 1
  spead_send --pcap test.pcap --heaps 20 --heap-size 32K --packet-size 1472
  spead_send --host 239.10.0.1 --interface 10.0.0.5 --ttl 4 --duration 60 \
             --rate 5
  spead_send --tcp --host ::1 --port 7148 --senders 4 --drop 0.01 --seed 42
  spead_send --layout apps/layouts/meerkat_fengine.json \
             --dest 239.10.0.0+3:7148 --ttl 2 --rate 2 --duration 60
)MANUAL";
}

namespace {

/// The layout file's settings, where the command line did not give the option.
void apply_layout_settings(const heap_layout& layout,
                           const std::set<std::string>& given,
                           send_config& c)
{
    if (layout.heap_address_bits && !given.count("--flavour"))
        c.heap_address_bits = *layout.heap_address_bits;
    if (layout.senders && !given.count("--senders"))
        c.senders = *layout.senders;
    if (layout.substreams && !given.count("--substreams"))
        c.substreams = *layout.substreams;
    if (layout.descriptors && !given.count("--no-descriptors"))
        c.descriptors = *layout.descriptors;
    if (layout.descriptors_every && !given.count("--descriptors-every"))
        c.descriptors_every = *layout.descriptors_every;
    if (layout.start_heap && !given.count("--start-heap"))
        c.start_heap = *layout.start_heap;
    if (layout.stop_heap && !given.count("--no-stop"))
        c.stop_heap = *layout.stop_heap;
}

} // namespace

send_options parse_send_options(int argc, char** argv)
{
    using apps::usage_error;
    send_options o;
    send_config& c = o.config;
    const std::uint64_t max64 = std::numeric_limits<std::uint64_t>::max();
    bool pcap = false, tcp = false, batch_given = false;
    std::set<std::string> given;
    std::string layout_path;
    std::vector<std::string> item_specs, dest_specs;
    apps::option_table options;
    options.help(print_send_usage)
        .text("--host", c.host)
        .integer("--port", c.port, 0, 65535)
        .flag("--tcp", tcp)
        .on("--pcap",
            [&](apps::arg_reader& args) {
                c.pcap_path = args.value();
                pcap = true;
            })
        .integer("--ttl", c.ttl, 0, 255)
        .text("--interface", c.interface_address)
        .integer("--interface-index", c.interface_index, 0, 0xffffffffu)
        .integer("--buffer-size", c.buffer_size, 0, std::uint64_t(1) << 30, true)
        .number("--connect-timeout", c.connect_timeout, 0, 3600)
        .on("--dest", [&](apps::arg_reader& args) { dest_specs.push_back(args.value()); })
        .on("--heap-size",
            [&](apps::arg_reader& args) {
                c.heap_size = args.unsigned_value(1, std::uint64_t(1) << 32, true);
                given.insert("--heap-size");
            })
        .integer("--packet-size", c.packet_size, 64, 65507, true)
        .integer("--heaps", c.heaps, 0, max64 / 2)
        .number("--duration", c.duration, 1e-3, 1e6)
        .on("--flavour",
            [&](apps::arg_reader& args) {
                c.heap_address_bits = int(args.unsigned_value(16, 56));
                if (c.heap_address_bits % 8)
                    throw usage_error(
                        "--flavour: " + std::to_string(c.heap_address_bits) +
                        " is not a multiple of 8 in [16, 56] (40 or 48)");
                given.insert("--flavour");
            })
        .on("--timestamp-step",
            [&](apps::arg_reader& args) {
                c.timestamp_step = args.unsigned_value(1, max64);
                given.insert("--timestamp-step");
            })
        .on("--no-descriptors",
            [&](apps::arg_reader&) {
                c.descriptors = false;
                given.insert("--no-descriptors");
            })
        .on("--no-stop",
            [&](apps::arg_reader&) {
                c.stop_heap = false;
                given.insert("--no-stop");
            })
        .on("--senders",
            [&](apps::arg_reader& args) {
                c.senders = args.unsigned_value(1, 1024);
                given.insert("--senders");
            })
        .text("--layout", layout_path)
        .on("--item", [&](apps::arg_reader& args) { item_specs.push_back(args.value()); })
        .on("--substreams",
            [&](apps::arg_reader& args) {
                c.substreams = args.unsigned_value(1, 65536);
                given.insert("--substreams");
            })
        .on("--descriptors-every",
            [&](apps::arg_reader& args) {
                c.descriptors_every = args.unsigned_value(1, max64 / 2);
                given.insert("--descriptors-every");
            })
        .on("--start-heap",
            [&](apps::arg_reader&) {
                c.start_heap = true;
                given.insert("--start-heap");
            })
        .number("--rate", c.rate_gbps, 0, 10000)
        .number("--burst-rate-ratio", c.burst_rate_ratio, 1, 1000)
        .on("--batch",
            [&](apps::arg_reader& args) {
                c.batch = args.unsigned_value(1, 4096);
                batch_given = true;
            })
        .on("--gso", [&](apps::arg_reader&) { c.gso = gso_mode::on; })
        .on("--no-gso", [&](apps::arg_reader&) { c.gso = gso_mode::off; })
        .integer("--seed", c.seed, 0, max64)
        .number("--drop", c.drop, 0, 1)
        .number("--reorder", c.reorder, 0, 1)
        .integer("--reorder-distance", c.reorder_distance, 1, 1024)
        .number("--duplicate", c.duplicate, 0, 1)
        .integer("--affinity", o.cpu, 0, CPU_SETSIZE - 1)
        .flag("--json", o.json)
        .flag("--quiet", o.quiet);
    options.parse(argc, argv);
    // Large batches pay for GSO's fewer system calls; with a rate, a batch is a burst.
    if (c.gso != gso_mode::off && c.rate_gbps == 0 && !batch_given)
        c.batch = 512;
    if (pcap && tcp)
        throw usage_error("--pcap and --tcp exclude each other");
    c.transport = pcap  ? transport_kind::pcap
                  : tcp ? transport_kind::tcp
                        : transport_kind::udp;

    try {
        if (!layout_path.empty()) {
            c.layout = read_layout_file(layout_path);
            apply_layout_settings(c.layout, given, c);
        }
        for (const std::string& spec : item_specs)
            c.layout.items.push_back(parse_item_spec(spec));
        for (const std::string& spec : dest_specs)
            for (const endpoint& e : parse_destinations(spec, c.port))
                c.destinations.push_back(e);
    } catch (const std::invalid_argument& e) {
        throw usage_error(e.what());
    }
    if (c.destinations.size() > MAX_DESTINATIONS)
        throw usage_error("--dest: more than " + std::to_string(MAX_DESTINATIONS) +
                          " destinations");
    if (tcp && c.destinations.size() > 1)
        throw usage_error("--dest: --tcp takes one destination");

    const bool custom = !c.layout.items.empty();
    if (custom && given.count("--heap-size"))
        throw usage_error("--heap-size sets the built-in layout's data item; with "
                          "--layout or --item the items' shapes give the heap size");
    if (custom && given.count("--timestamp-step"))
        throw usage_error("--timestamp-step sets the built-in layout's timestamp; with "
                          "--layout or --item give the timestamp's step_per_heap or "
                          "step_per_frame");
    std::size_t heap_payload = c.heap_size;
    if (custom) {
        try {
            heap_payload = 0;
            for (const layout_item& item : data_heap_items(c))
                heap_payload += item.immediate ? 0 : item.value_bytes();
        } catch (const std::invalid_argument& e) {
            throw usage_error(e.what());
        }
        c.heap_size = heap_payload;
    }
    const std::size_t substreams =
        c.substreams ? c.substreams : std::max<std::size_t>(c.destinations.size(), 1);
    if (c.destinations.size() > substreams)
        throw usage_error("--substreams: " + std::to_string(substreams) +
                          " substreams for " + std::to_string(c.destinations.size()) +
                          " destinations would leave destinations without data "
                          "(accepted: at least as many substreams as destinations)");
    if (c.heap_address_bits < 64 &&
        heap_payload >= (std::uint64_t(1) << c.heap_address_bits))
        throw usage_error("--heap-size does not fit the flavour's address width");
    return o;
}

} // namespace send
} // namespace spead
} // namespace gr
