/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_RECEIVER_CONFIG_H
#define INCLUDED_SPEAD_RECEIVER_CONFIG_H

#include <gnuradio/spead/api.h>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace gr {
namespace spead {

namespace recv {
class inproc_queue;
}

/**
 * \brief Everything the SPEAD source blocks need to receive a stream: transport, stream
 * and ring options, memory, threads and statistics (the block parameters shared by
 * spead.source and spead.heap_source; see docs/blocks.md).
 *
 * Sizes and counts are signed so that a negative value from Python or GRC reaches
 * validate() and is reported by name, rather than failing a conversion. -1 means "the
 * default" where noted.
 */
struct SPEAD_API receiver_config {
    // ---- Transport
    /// "udp", "tcp", "pcap" or "inproc".
    std::string transport = "udp";
    /**
     * UDP: the endpoints to receive on, all feeding one stream (one reader each, on the
     * stream's thread pool): addresses to bind to or multicast groups (IPv4 or IPv6) to
     * join, as a comma-separated list of `host[+N][:port]` (recv::parse_endpoint_list):
     * `239.10.0.0+15:7148` is 16 consecutive groups, `[ff15::1]:7148` an IPv6 group
     * with a port, and a piece without a port takes `port`. TCP: the one address to
     * listen on (`host[:port]`). Empty: every IPv4 address on `port`.
     */
    std::string address;
    /// UDP or TCP port of the endpoints in `address` that give none, 0..65535 (0:
    /// the OS picks one).
    int port = 7148;
    /// IPv4 multicast: address of the interface to join every group on (empty: the OS
    /// chooses).
    std::string interface_address;
    /// IPv6 multicast: index of the interface to join every group on (0: the OS
    /// chooses).
    int interface_index = 0;
    /// Largest packet accepted in bytes; 0: the transport's default (UDP 9200, TCP
    /// 65536).
    std::int64_t max_packet_size = 0;
    /// Kernel receive buffer asked for in bytes; -1: the transport's default (UDP 8 MiB,
    /// TCP 208 KiB); 0: the OS default.
    std::int64_t socket_buffer_size = -1;
    /// pcap: capture file to read.
    std::string pcap_file;
    /// pcap: BPF filter in tcpdump syntax (e.g. "udp dst port 7148"); empty: every UDP
    /// datagram.
    std::string pcap_filter;
    /// pcap: also read VLAN-tagged and IPv6 frames, and Linux cooked capture v2 and bare
    /// IP files (a gr-spead extension); false: only what spead2 reads (untagged IPv4 in
    /// Ethernet or Linux cooked capture frames).
    bool pcap_extended_frames = false;
    /// pcap: replay pace in packets per second; 0: as fast as the flowgraph takes them.
    double pcap_rate = 0.0;
    /// inproc: the queue packets are pushed into (spead.InprocQueue in Python).
    std::shared_ptr<recv::inproc_queue> queue;

    // ---- Stream (spead2's StreamConfig and RingStreamConfig)
    int max_heaps = 4;
    int substreams = 1;
    int bug_compat = 0;
    bool memcpy_nontemporal = false;
    bool stop_on_stop_item = true;
    bool allow_unsized_heaps = true;
    bool allow_out_of_order = false;
    std::int64_t stream_id = 0;
    /// Largest heap accepted in bytes; -1: 64 MiB.
    std::int64_t max_heap_size = -1;
    /// Finished heaps waiting for the block; 0: auto (see effective_ring_heaps).
    /// 0..1048576.
    int ring_heaps = 0;
    /// Longest spin (microseconds) of the block's receive thread waiting for a heap,
    /// before it sleeps; 0: never spin (no CPU spent waiting). 0..1000000.
    int ring_max_spin_us = 200;
    /// UDP: the reader keeps reading for up to this many microseconds after its socket
    /// runs dry before it sleeps (udp_reader::set_busy_poll); 0: sleeps at once.
    /// 0..1000000.
    int busy_poll_us = 0;
    bool contiguous_only = true;
    bool incomplete_keep_payload_ranges = false;

    // ---- Memory
    /// Expected heap payload size in bytes (HEAP_LENGTH of the data heaps); 0: unknown.
    /// When known, a memory pool of buffers of this size is made by default.
    std::int64_t heap_size = 0;
    /// Memory pool: "auto" (a pool when heap_size is known), "on" or "off".
    std::string memory_pool = "auto";
    /// Pool parameters (spead2's MemoryPool); -1: derived from heap_size and the ring
    /// and window sizes (see docs/blocks.md).
    std::int64_t pool_lower = -1;
    std::int64_t pool_upper = -1;
    std::int64_t pool_max_free = -1;
    std::int64_t pool_initial = -1;
    std::int64_t pool_low_water = -1;
    /// Heap memory comes from "new" (plain), "mmap" or "mmap_huge" (huge pages when
    /// available).
    std::string allocator = "new";
    /// SPEAD Source only: a heap whose one output's item is its whole payload, emitted
    /// without conversion, is received straight into the output buffer and emitted
    /// where it lies (no copy) when its place there is free. Less CPU per byte at
    /// steady rates; a stream losing packets gains nothing (docs/blocks.md). False
    /// (default): always copied.
    bool receive_into_output = false;

    // ---- Threads
    /// Receive threads (1 or more).
    int threads = 1;
    /// CPUs the receive threads are pinned to (thread i to affinity[i % size]); empty:
    /// not pinned.
    std::vector<int> affinity;

    // ---- Statistics
    /// Seconds between two messages on the stats port; 0: only at the end and on
    /// request.
    double stats_interval = 1.0;

    /**
     * \brief Checks every field.
     * \throws std::invalid_argument naming the parameter and its accepted range.
     */
    void validate() const;

    /**
     * \brief The ring's depth in heaps: ring_heaps when set, else as many heaps of
     * heap_size as fit in auto_ring_bytes, between 4 and 64 (4 when heap_size is 0).
     *
     * A GNU Radio flowgraph takes heaps less evenly than a program looping on the ring
     * does; a deeper ring lets the receive thread go on reading through those pauses
     * instead of waiting while the socket's buffer fills.
     */
    int effective_ring_heaps() const;

    /// The ring's bytes aimed at when ring_heaps is 0 (auto).
    static constexpr std::int64_t auto_ring_bytes = std::int64_t(16) << 20;
};

} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_RECEIVER_CONFIG_H */
