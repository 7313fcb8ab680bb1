/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_PROTOCOL_PCAP_FILE_H
#define INCLUDED_SPEAD_PROTOCOL_PCAP_FILE_H

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace gr {
namespace spead {
namespace protocol {

/// One UDP datagram as found in (or written to) a capture file.
struct udp_datagram {
    std::uint16_t src_port = 0;
    std::uint16_t dst_port = 0;
    std::vector<std::uint8_t> payload;
};

/**
 * \brief Writes SPEAD packets into a pcap file (libpcap), one Ethernet/IPv4/UDP frame per
 * packet, source and destination 127.0.0.1 as spead2's reference captures have them.
 *
 * For test fixtures, the demo capture and the load generator's file output.
 */
class pcap_udp_writer
{
public:
    /// \throws std::runtime_error naming \p path when it cannot be created.
    pcap_udp_writer(const std::string& path,
                    std::uint16_t dst_port,
                    std::uint16_t src_port = 40000);
    ~pcap_udp_writer();
    pcap_udp_writer(const pcap_udp_writer&) = delete;
    pcap_udp_writer& operator=(const pcap_udp_writer&) = delete;

    /// \throws std::invalid_argument when the payload does not fit one IPv4 datagram.
    void write(const std::uint8_t* payload, std::size_t length);
    void write(const std::vector<std::uint8_t>& payload)
    {
        write(payload.data(), payload.size());
    }
    /// The same to another destination: IPv4 address \p dst_address (network order)
    /// and \p dst_port (e.g. a sender's several multicast groups).
    void write_to(const std::uint8_t* payload,
                  std::size_t length,
                  const std::uint8_t (&dst_address)[4],
                  std::uint16_t dst_port);
    /// Flushes and closes; the destructor does the same.
    void close();

private:
    struct impl;
    std::unique_ptr<impl> d_impl;
};

/**
 * \brief Reads every UDP datagram of a capture file that spead2 would read (untagged
 * IPv4 in Ethernet or Linux cooked capture frames), skipping everything else, optionally
 * through a BPF filter. With \p extended_frames also VLAN-tagged and IPv6 frames and
 * Linux cooked capture v2 and bare IP files (as recv::pcap_reader).
 * \throws std::runtime_error naming the file when it cannot be opened or its link type
 * is not read, or the filter when it does not compile.
 */
std::vector<udp_datagram> read_pcap_udp(const std::string& path,
                                        const std::string& filter = "",
                                        bool extended_frames = false);

} // namespace protocol
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_PROTOCOL_PCAP_FILE_H */
