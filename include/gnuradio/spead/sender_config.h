/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_SENDER_CONFIG_H
#define INCLUDED_SPEAD_SENDER_CONFIG_H

#include <gnuradio/spead/api.h>
#include <cstdint>
#include <memory>
#include <string>

namespace gr {
namespace spead {

namespace recv {
class inproc_queue;
}

/**
 * \brief Where and how the SPEAD sink blocks send: transport, destination, packet size,
 * rate and flavour (the block parameters shared by spead.sink and spead.pdu_sink; see
 * docs/send.md).
 *
 * Sizes and counts are signed so that a negative value from Python or GRC reaches
 * validate() and is reported by name.
 */
struct SPEAD_API sender_config {
    /// "udp", "tcp", "pcap" or "inproc".
    std::string transport = "udp";
    /**
     * UDP: the destinations, a comma-separated list of `host[+N][:port]` (as the
     * sources take them: `239.10.0.0+3:7148` is four multicast groups); heaps go to
     * them in turn. TCP: the one address to connect to. Unused for pcap.
     */
    std::string address = "127.0.0.1";
    /// Port of the destinations that give none (pcap: the destination port written in
    /// the frames), 1..65535.
    int port = 7148;
    /// pcap: the capture file to write.
    std::string filename;
    /// inproc: the queue packets are pushed into (spead.InprocQueue in Python), which a
    /// source with transport "inproc" and the same queue reads.
    std::shared_ptr<recv::inproc_queue> queue;
    /// UDP multicast: hop limit (TTL), 1..255.
    int ttl = 1;
    /// IPv4 multicast: address of the interface to send from (empty: the routing
    /// table's choice).
    std::string interface_address;
    /// Largest packet in bytes, SPEAD header included (spead2's default 1472 fits a
    /// 1500-byte MTU; 8972 a 9000-byte one), 64..65507 for UDP.
    std::int64_t max_packet_size = 1472;
    /// Gb/s of packet bytes (SPEAD headers included); 0: as fast as possible.
    double rate_gbps = 0.0;
    /// Heaps queued or in flight at once (each keeps its own buffer), 1..1024.
    std::int64_t max_heaps = 4;
    /// UDP: kernel send buffer asked for in bytes (0: the OS default).
    std::int64_t socket_buffer_size = 512 * 1024;
    /// Heap address bits of the flavour: 40 (SPEAD-64-40, spead2's default) or 48
    /// (SPEAD-64-48), a multiple of 8 from 16 to 56.
    int heap_address_bits = 40;
    /// Seconds between statistics messages on the "stats" port; 0: on request and at
    /// the end only.
    double stats_interval = 1.0;

    /// \throws std::invalid_argument naming the first bad field and its accepted range.
    void validate() const;
};

} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_SENDER_CONFIG_H */
