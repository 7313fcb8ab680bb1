/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <gnuradio/spead/protocol/pcap_file.h>
#include <pcap/pcap.h>
#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>

namespace gr {
namespace spead {

namespace {

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

/// Largest UDP payload one IPv4 datagram can carry (total length is a 16-bit field).
constexpr std::size_t MAX_IPV4_UDP_PAYLOAD =
    0xffff - IPV4_MIN_HEADER_SIZE - UDP_HEADER_SIZE;
/// Large enough for any IPv4 frame we write, so libpcap never truncates one.
constexpr int WRITER_SNAPLEN = 262144;

std::uint16_t load_be16(const std::uint8_t* p)
{
    return std::uint16_t((p[0] << 8) | p[1]);
}

void store_be16(std::uint8_t* p, std::uint16_t v)
{
    p[0] = std::uint8_t(v >> 8);
    p[1] = std::uint8_t(v);
}

/// RFC 791 header checksum: one's complement of the one's-complement sum of 16-bit words.
std::uint16_t ipv4_header_checksum(const std::uint8_t* header, std::size_t length)
{
    std::uint32_t sum = 0;
    for (std::size_t i = 0; i + 1 < length; i += 2)
        sum += load_be16(header + i);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return std::uint16_t(~sum);
}

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
                      network_layer& out)
{
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
        while (ethertype == ETHERTYPE_VLAN || ethertype == ETHERTYPE_QINQ) {
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
    if (net.ethertype == ETHERTYPE_IPV6) {
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

/// Extracts the UDP datagram of one captured frame; false when it has none or it is cut.
bool extract_udp(int link_type,
                 const std::uint8_t* frame,
                 std::size_t captured,
                 udp_datagram& out)
{
    network_layer net;
    if (!strip_link_layer(link_type, frame, captured, net))
        return false;
    const std::uint8_t* udp = nullptr;
    std::size_t available = 0;
    if (!strip_ip_layer(net, udp, available))
        return false;
    if (available < UDP_HEADER_SIZE)
        return false;
    const std::size_t udp_length = load_be16(udp + 4);
    // The UDP length bounds the payload; a frame cut short by the snap length is skipped.
    if (udp_length < UDP_HEADER_SIZE || udp_length > available)
        return false;
    out.src_port = load_be16(udp);
    out.dst_port = load_be16(udp + 2);
    out.payload.assign(udp + UDP_HEADER_SIZE, udp + udp_length);
    return true;
}

bool link_type_supported(int link_type)
{
    switch (link_type) {
    case DLT_EN10MB:
    case DLT_LINUX_SLL:
    case DLT_LINUX_SLL2:
    case DLT_RAW:
    case DLT_IPV4:
    case DLT_IPV6:
        return true;
    default:
        return false;
    }
}

struct pcap_closer {
    void operator()(pcap_t* p) const { pcap_close(p); }
};
using pcap_handle = std::unique_ptr<pcap_t, pcap_closer>;

void apply_filter(pcap_t* handle, const std::string& path, const std::string& filter)
{
    bpf_program program;
    if (pcap_compile(handle, &program, filter.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0)
        throw std::runtime_error("pcap filter '" + filter + "' does not compile for '" +
                                 path + "': " + pcap_geterr(handle));
    const int rc = pcap_setfilter(handle, &program);
    pcap_freecode(&program);
    if (rc != 0)
        throw std::runtime_error("pcap filter '" + filter + "' cannot be applied to '" +
                                 path + "': " + pcap_geterr(handle));
}

} // namespace

struct pcap_udp_writer::impl {
    std::string path;
    pcap_t* dead = nullptr;
    pcap_dumper_t* dumper = nullptr;
    std::uint16_t src_port;
    std::uint16_t dst_port;
    std::uint16_t ip_id = 0;
    // Fixed start time so that files are reproducible; each frame is 1 us later.
    std::uint64_t next_time_us = std::uint64_t(1767225600) * 1000000; // 2026-01-01
    std::vector<std::uint8_t> frame;

    void close()
    {
        if (dumper) {
            pcap_dump_close(dumper);
            dumper = nullptr;
        }
        if (dead) {
            pcap_close(dead);
            dead = nullptr;
        }
    }
};

pcap_udp_writer::pcap_udp_writer(const std::string& path,
                                 std::uint16_t dst_port,
                                 std::uint16_t src_port)
    : d_impl(std::make_unique<impl>())
{
    d_impl->path = path;
    d_impl->src_port = src_port;
    d_impl->dst_port = dst_port;
    d_impl->dead = pcap_open_dead(DLT_EN10MB, WRITER_SNAPLEN);
    if (!d_impl->dead)
        throw std::runtime_error("cannot create pcap file '" + path +
                                 "': pcap_open_dead failed");
    d_impl->dumper = pcap_dump_open(d_impl->dead, path.c_str());
    if (!d_impl->dumper) {
        const std::string reason = pcap_geterr(d_impl->dead);
        d_impl->close();
        throw std::runtime_error("cannot create pcap file '" + path + "': " + reason);
    }
}

pcap_udp_writer::~pcap_udp_writer() { d_impl->close(); }

void pcap_udp_writer::write(const std::uint8_t* payload, std::size_t length)
{
    if (!d_impl->dumper)
        throw std::logic_error("pcap file '" + d_impl->path + "' is already closed");
    if (length > MAX_IPV4_UDP_PAYLOAD)
        throw std::invalid_argument("UDP payload of " + std::to_string(length) +
                                    " bytes does not fit one IPv4 datagram (max " +
                                    std::to_string(MAX_IPV4_UDP_PAYLOAD) + ")");

    const std::size_t ip_length = IPV4_MIN_HEADER_SIZE + UDP_HEADER_SIZE + length;
    std::vector<std::uint8_t>& frame = d_impl->frame;
    frame.assign(ETHERNET_HEADER_SIZE + ip_length, 0);

    // Ethernet: zero MAC addresses, as on the loopback interface.
    std::uint8_t* eth = frame.data();
    store_be16(eth + 12, ETHERTYPE_IPV4);

    std::uint8_t* ip = eth + ETHERNET_HEADER_SIZE;
    ip[0] = 0x45; // version 4, 5 words of header
    store_be16(ip + 2, std::uint16_t(ip_length));
    store_be16(ip + 4, d_impl->ip_id++);
    store_be16(ip + 6, 0x4000); // don't fragment
    ip[8] = 64;                 // TTL
    ip[9] = IP_PROTOCOL_UDP;
    const std::uint8_t loopback[4] = { 127, 0, 0, 1 };
    std::memcpy(ip + 12, loopback, 4);
    std::memcpy(ip + 16, loopback, 4);
    store_be16(ip + 10, ipv4_header_checksum(ip, IPV4_MIN_HEADER_SIZE));

    std::uint8_t* udp = ip + IPV4_MIN_HEADER_SIZE;
    store_be16(udp, d_impl->src_port);
    store_be16(udp + 2, d_impl->dst_port);
    store_be16(udp + 4, std::uint16_t(UDP_HEADER_SIZE + length));
    // UDP checksum left at 0: "not computed" is valid for IPv4.
    if (length)
        std::memcpy(udp + UDP_HEADER_SIZE, payload, length);

    pcap_pkthdr header;
    std::memset(&header, 0, sizeof(header));
    header.ts.tv_sec = time_t(d_impl->next_time_us / 1000000);
    header.ts.tv_usec = suseconds_t(d_impl->next_time_us % 1000000);
    header.caplen = bpf_u_int32(frame.size());
    header.len = bpf_u_int32(frame.size());
    d_impl->next_time_us++;
    pcap_dump(reinterpret_cast<u_char*>(d_impl->dumper), &header, frame.data());
}

void pcap_udp_writer::close() { d_impl->close(); }

std::vector<udp_datagram> read_pcap_udp(const std::string& path,
                                        const std::string& filter)
{
    char errbuf[PCAP_ERRBUF_SIZE] = "";
    pcap_handle handle(pcap_open_offline(path.c_str(), errbuf));
    if (!handle)
        throw std::runtime_error("cannot open pcap file '" + path + "': " + errbuf);

    const int link_type = pcap_datalink(handle.get());
    if (!link_type_supported(link_type)) {
        const char* name = pcap_datalink_val_to_name(link_type);
        throw std::runtime_error("pcap file '" + path + "' has unsupported link type " +
                                 std::to_string(link_type) + " (" +
                                 (name ? name : "unknown") + ")");
    }
    if (!filter.empty())
        apply_filter(handle.get(), path, filter);

    std::vector<udp_datagram> datagrams;
    pcap_pkthdr* header = nullptr;
    const u_char* frame = nullptr;
    int rc;
    while ((rc = pcap_next_ex(handle.get(), &header, &frame)) == 1) {
        udp_datagram datagram;
        if (extract_udp(link_type, frame, header->caplen, datagram))
            datagrams.push_back(std::move(datagram));
    }
    if (rc == PCAP_ERROR)
        throw std::runtime_error("error reading pcap file '" + path +
                                 "': " + pcap_geterr(handle.get()));
    return datagrams;
}

} // namespace spead
} // namespace gr
