/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_PROTOCOL_PCAP_FRAME_H
#define INCLUDED_SPEAD_PROTOCOL_PCAP_FRAME_H

// Private to the engine: how one captured frame is unwrapped down to its UDP payload.
// Shared by read_pcap_udp (pcap_file.cc) and the pcap reader of the receive engine, so
// that both accept exactly the same frames.

#include <cstddef>
#include <cstdint>

namespace gr {
namespace spead {
namespace protocol {

/// Sizes and codes of the link, network and transport headers (also used by the
/// capture writer).
namespace frame_layout {
constexpr std::size_t ETHERNET_HEADER_SIZE = 14;
constexpr std::size_t VLAN_TAG_SIZE = 4;
constexpr std::size_t LINUX_SLL_HEADER_SIZE = 16;
constexpr std::size_t LINUX_SLL2_HEADER_SIZE = 20;
constexpr std::size_t IPV4_MIN_HEADER_SIZE = 20;
constexpr std::size_t IPV6_HEADER_SIZE = 40;
constexpr std::size_t UDP_HEADER_SIZE = 8;

constexpr std::uint16_t ETHERTYPE_IPV4 = 0x0800;
constexpr std::uint16_t ETHERTYPE_IPV6 = 0x86dd;
constexpr std::uint16_t ETHERTYPE_VLAN = 0x8100; // 802.1Q
constexpr std::uint16_t ETHERTYPE_QINQ = 0x88a8; // 802.1ad outer tag
constexpr std::uint8_t IP_PROTOCOL_UDP = 17;

/// Big-endian 16-bit load, as every field of these headers is stored.
inline std::uint16_t load_be16(const std::uint8_t* p)
{
    return std::uint16_t((p[0] << 8) | p[1]);
}
} // namespace frame_layout

/// The UDP datagram found in one captured frame: a view into the frame's bytes.
struct udp_frame_view {
    std::uint16_t src_port = 0;
    std::uint16_t dst_port = 0;
    const std::uint8_t* payload = nullptr;
    std::size_t payload_length = 0;
};

/**
 * \brief True for the link types parse_udp_frame understands: Ethernet and Linux cooked
 * capture (spead2's two); with \p extended_frames also Linux cooked capture v2 and bare
 * IPv4/IPv6 (DLT_RAW, DLT_IPV4, DLT_IPV6).
 */
bool link_type_supported(int link_type, bool extended_frames);

/**
 * \brief Finds the whole UDP datagram in the \p captured bytes of a frame of
 * \p link_type (a DLT_* value).
 *
 * By default the frames spead2 reads: Ethernet without VLAN tags or Linux cooked
 * capture, carrying IPv4 (any header length, no fragments, not longer than the frame).
 * \p extended_frames (a gr-spead extension) adds stacked VLAN tags, IPv6 (UDP
 * directly after the fixed header), the extra link types of link_type_supported, and
 * IPv4 packets whose frame was cut after the UDP datagram.
 * The IP and UDP length fields bound the payload, so Ethernet padding never joins it.
 * Returns false, never reading outside the frame, when the frame is not UDP, is cut
 * short (snap length) or its headers are inconsistent.
 */
bool parse_udp_frame(int link_type,
                     const std::uint8_t* frame,
                     std::size_t captured,
                     bool extended_frames,
                     udp_frame_view& out);

} // namespace protocol
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_PROTOCOL_PCAP_FRAME_H */
