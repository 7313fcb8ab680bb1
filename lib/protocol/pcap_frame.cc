/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "pcap_frame.h"
#include <pcap/pcap.h>
#include <algorithm>

namespace gr {
namespace spead {
namespace protocol {

using namespace frame_layout;

namespace {

/// Where the network-layer packet of a frame starts and which protocol it is.
struct network_layer {
    const std::uint8_t* data = nullptr;
    std::size_t length = 0;
    std::uint16_t ethertype = 0;
};

/// Strips the link-layer header; false when the frame is too short or not IP.
bool strip_link_layer(int link_type,
                      const std::uint8_t* frame,
                      std::size_t length,
                      bool extended_frames,
                      network_layer& out)
{
    if (!link_type_supported(link_type, extended_frames))
        return false;
    std::size_t offset = 0;
    std::uint16_t ethertype = 0;
    switch (link_type) {
    case DLT_EN10MB:
        if (length < ETHERNET_HEADER_SIZE)
            return false;
        ethertype = load_be16(frame + 12);
        offset = ETHERNET_HEADER_SIZE;
        // VLAN tags (possibly stacked) sit between the MAC addresses and the real
        // ethertype: each one is a 2-byte tag control field followed by the next type.
        // spead2 reads untagged frames only.
        while (extended_frames &&
               (ethertype == ETHERTYPE_VLAN || ethertype == ETHERTYPE_QINQ)) {
            if (length < offset + VLAN_TAG_SIZE)
                return false;
            ethertype = load_be16(frame + offset + 2);
            offset += VLAN_TAG_SIZE;
        }
        break;
    case DLT_LINUX_SLL:
        // Linux cooked capture v1: protocol type in the last two bytes of the header.
        if (length < LINUX_SLL_HEADER_SIZE)
            return false;
        ethertype = load_be16(frame + 14);
        offset = LINUX_SLL_HEADER_SIZE;
        break;
    case DLT_LINUX_SLL2:
        // Linux cooked capture v2: protocol type in the first two bytes.
        if (length < LINUX_SLL2_HEADER_SIZE)
            return false;
        ethertype = load_be16(frame);
        offset = LINUX_SLL2_HEADER_SIZE;
        break;
    case DLT_RAW:
    case DLT_IPV4:
    case DLT_IPV6:
        // Bare IP: the version nibble tells which.
        if (length < 1)
            return false;
        ethertype = (frame[0] >> 4) == 6 ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4;
        break;
    default:
        return false;
    }
    out.data = frame + offset;
    out.length = length - offset;
    out.ethertype = ethertype;
    return true;
}

/// Where the transport-layer segment of an IP packet starts, if it is a whole UDP one.
bool strip_ip_layer(const network_layer& net,
                    bool extended_frames,
                    const std::uint8_t*& udp,
                    std::size_t& length)
{
    const std::uint8_t* ip = net.data;
    if (net.ethertype == ETHERTYPE_IPV4) {
        if (net.length < IPV4_MIN_HEADER_SIZE || (ip[0] >> 4) != 4)
            return false;
        const std::size_t header_size = std::size_t(ip[0] & 0x0f) * 4;
        const std::size_t total_length = load_be16(ip + 2);
        if (header_size < IPV4_MIN_HEADER_SIZE || header_size > net.length ||
            total_length < header_size)
            return false;
        // spead2 refuses a packet longer than its frame; the extension reads what is
        // there and lets the UDP length decide.
        if (!extended_frames && total_length > net.length)
            return false;
        // A fragment (more-fragments flag or non-zero offset) is not a whole datagram.
        if ((load_be16(ip + 6) & 0x3fff) != 0)
            return false;
        if (ip[9] != IP_PROTOCOL_UDP)
            return false;
        // Ethernet pads short frames: the IP total length, not the frame, ends the
        // packet.
        const std::size_t end = std::min(net.length, total_length);
        udp = ip + header_size;
        length = end - header_size;
        return true;
    }
    if (net.ethertype == ETHERTYPE_IPV6 && extended_frames) {
        if (net.length < IPV6_HEADER_SIZE || (ip[0] >> 4) != 6)
            return false;
        // Extension headers are not followed: only UDP directly after the fixed header.
        if (ip[6] != IP_PROTOCOL_UDP)
            return false;
        const std::size_t payload_length = load_be16(ip + 4);
        udp = ip + IPV6_HEADER_SIZE;
        length = std::min(net.length - IPV6_HEADER_SIZE, payload_length);
        return true;
    }
    return false;
}

} // namespace

bool link_type_supported(int link_type, bool extended_frames)
{
    switch (link_type) {
    case DLT_EN10MB:
    case DLT_LINUX_SLL:
        return true;
    case DLT_LINUX_SLL2:
    case DLT_RAW:
    case DLT_IPV4:
    case DLT_IPV6:
        return extended_frames;
    default:
        return false;
    }
}

bool parse_udp_frame(int link_type,
                     const std::uint8_t* frame,
                     std::size_t captured,
                     bool extended_frames,
                     udp_frame_view& out)
{
    network_layer net;
    if (!strip_link_layer(link_type, frame, captured, extended_frames, net))
        return false;
    const std::uint8_t* udp = nullptr;
    std::size_t available = 0;
    if (!strip_ip_layer(net, extended_frames, udp, available))
        return false;
    if (available < UDP_HEADER_SIZE)
        return false;
    const std::size_t udp_length = load_be16(udp + 4);
    // The UDP length bounds the payload; a frame cut short by the snap length is skipped.
    if (udp_length < UDP_HEADER_SIZE || udp_length > available)
        return false;
    out.src_port = load_be16(udp);
    out.dst_port = load_be16(udp + 2);
    out.payload = udp + UDP_HEADER_SIZE;
    out.payload_length = udp_length - UDP_HEADER_SIZE;
    return true;
}

} // namespace protocol
} // namespace spead
} // namespace gr
