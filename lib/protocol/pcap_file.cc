/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "pcap_capture.h"
#include "pcap_frame.h"
#include <gnuradio/spead/protocol/pcap_file.h>
#include <pcap/pcap.h>
#include <cstring>
#include <stdexcept>
#include <string>

namespace gr {
namespace spead {
namespace protocol {

using namespace frame_layout;

namespace {

/// Largest UDP payload one IPv4 datagram can carry (total length is a 16-bit field).
constexpr std::size_t MAX_IPV4_UDP_PAYLOAD =
    0xffff - IPV4_MIN_HEADER_SIZE - UDP_HEADER_SIZE;
/// Large enough for any IPv4 frame we write, so libpcap never truncates one.
constexpr int WRITER_SNAPLEN = 262144;

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
    const std::uint8_t loopback[4] = { 127, 0, 0, 1 };
    write_to(payload, length, loopback, d_impl->dst_port);
}

void pcap_udp_writer::write_to(const std::uint8_t* payload,
                               std::size_t length,
                               const std::uint8_t (&dst_address)[4],
                               std::uint16_t dst_port)
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
    std::memcpy(ip + 16, dst_address, 4);
    store_be16(ip + 10, ipv4_header_checksum(ip, IPV4_MIN_HEADER_SIZE));

    std::uint8_t* udp = ip + IPV4_MIN_HEADER_SIZE;
    store_be16(udp, d_impl->src_port);
    store_be16(udp + 2, dst_port);
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

std::vector<udp_datagram>
read_pcap_udp(const std::string& path, const std::string& filter, bool extended_frames)
{
    pcap_capture capture(path, filter, extended_frames);
    std::vector<udp_datagram> datagrams;
    udp_frame_view frame;
    pcap_capture::frame_result result;
    while ((result = capture.next(frame)) != pcap_capture::frame_result::end_of_file) {
        if (result != pcap_capture::frame_result::udp)
            continue;
        udp_datagram datagram;
        datagram.src_port = frame.src_port;
        datagram.dst_port = frame.dst_port;
        datagram.payload.assign(frame.payload, frame.payload + frame.payload_length);
        datagrams.push_back(std::move(datagram));
    }
    return datagrams;
}

} // namespace protocol
} // namespace spead
} // namespace gr
