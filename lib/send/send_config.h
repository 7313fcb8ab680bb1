/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_APPS_SEND_CONFIG_H
#define INCLUDED_SPEAD_APPS_SEND_CONFIG_H

#include "heap_layout.h"
#include <gnuradio/spead/send/endpoint.h>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace gr {
namespace spead {
namespace send {

/// Item ID of the immediate timestamp every data heap carries.
constexpr std::uint64_t TIMESTAMP_ITEM_ID = 0x1600;
/// Item ID of the addressed payload item (heap_size bytes of uint8).
constexpr std::uint64_t DATA_ITEM_ID = 0x1601;

/// Where the packets go.
enum class transport_kind { udp, tcp, pcap };

/// UDP segmentation offload: automatic uses it where the kernel accepts it and goes on
/// without it when a send is refused (as spead2's sender); on fails instead.
enum class gso_mode { off, on, automatic };


/// Everything that decides which packets the load generator sends, and how fast.
struct send_config {
    transport_kind transport = transport_kind::udp;
    std::string host = "127.0.0.1"; ///< UDP / TCP destination
    int port = 8888;                ///< UDP / TCP destination port; pcap UDP dst port
    /// Several destinations (UDP, pcap): substream c goes to destination c mod size.
    /// Empty: host:port alone.
    std::vector<endpoint> destinations;
    std::string pcap_path;            ///< output file for transport_kind::pcap
    int ttl = 1;                      ///< multicast hop limit
    std::string interface_address;    ///< IPv4 multicast: outgoing interface address
    unsigned int interface_index = 0; ///< IPv6 multicast: outgoing interface index
    std::size_t buffer_size = std::size_t(16) << 20; ///< SO_SNDBUF asked for
    double connect_timeout = 5; ///< TCP: seconds to keep retrying the connection

    /// Payload bytes of a data heap of the built-in layout
    std::size_t heap_size = std::size_t(1) << 20;
    std::size_t packet_size = 8972; ///< largest packet, SPEAD header included
    int heap_address_bits = 40;     ///< flavour: 40 or 48 (any multiple of 8 in 8..56)
    std::uint64_t heaps = 1000;     ///< data heaps in all (ignored with duration > 0)
    double duration = 0;            ///< > 0: send data heaps for this many seconds
    /// Built-in layout: timestamp increment per heap; 0: heap_size
    std::uint64_t timestamp_step = 0;
    bool descriptors = true; ///< a descriptor heap first (per destination)
    bool stop_heap = true;   ///< a stop heap last (per destination)
    double rate_gbps = 0;    ///< packet bytes per second * 8e-9; 0: unlimited
    /// Behind schedule, catch up at no more than this times rate_gbps (spead2's default)
    double burst_rate_ratio = 1.05;
    std::size_t senders = 1; ///< interleaved logical senders
    /// Substreams (e.g. channel ranges) each sender cycles through, heap by heap;
    /// 0: one per destination.
    std::size_t substreams = 0;
    /// Data heaps: layout.items, or the built-in timestamp + data layout when empty.
    heap_layout layout;
    std::uint64_t descriptors_every = 0; ///< > 0: descriptor heaps again every N heaps
    bool start_heap = false;             ///< a start heap (STREAM_CTRL = start) first
    std::size_t batch = 64;              ///< packets per sendmmsg call / pacing step
    /// UDP: hand runs of equal-sized packets to the kernel as one UDP_SEGMENT (GSO)
    /// send each, which the kernel cuts into datagrams (far fewer system calls).
    gso_mode gso = gso_mode::automatic;

    std::uint64_t seed = 1;           ///< random generator seed for the faults
    double drop = 0;                  ///< fraction of data packets not sent
    double reorder = 0;               ///< fraction of data packets delayed behind others
    std::size_t reorder_distance = 1; ///< how many packets a delayed one waits for
    double duplicate = 0;             ///< fraction of data packets sent twice
};

/// What a run did; the basis of the summary.
struct send_summary {
    std::uint64_t data_heaps = 0;    ///< data heaps scheduled (faults or not)
    std::uint64_t control_heaps = 0; ///< descriptor and stop heaps
    std::uint64_t packets = 0;       ///< packets handed to the transport
    std::uint64_t bytes = 0;         ///< bytes of those packets (SPEAD headers included)
    std::uint64_t payload_bytes = 0; ///< data heap payload in those packets
    std::uint64_t data_packets_scheduled = 0; ///< data packets before faults
    std::uint64_t dropped = 0;                ///< data packets dropped on purpose
    std::uint64_t damaged_heaps = 0; ///< data heaps that lost at least one packet
    std::uint64_t reordered = 0;     ///< data packets delayed behind later ones
    std::uint64_t duplicated = 0;    ///< data packets sent a second time
    std::uint64_t send_retries = 0;  ///< sends repeated after a transient error
    double seconds = 0;              ///< from the first packet to the last
    std::size_t socket_buffer = 0;   ///< send buffer the kernel granted (0: n/a)
    /// Why sending stopped early (e.g. the TCP receiver closed the connection); empty
    /// when every heap went out. The counts above are what went out before it.
    std::string error;

    double gbps() const { return seconds > 0 ? double(bytes) * 8e-9 / seconds : 0; }
    double payload_gbps() const
    {
        return seconds > 0 ? double(payload_bytes) * 8e-9 / seconds : 0;
    }
};

} // namespace send
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_APPS_SEND_CONFIG_H */
