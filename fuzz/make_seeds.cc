/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// Writes the seed corpora of the harnesses into OUT_DIR/<harness>/, from the shared
// reference captures (spead2's own packets) and from the protocol encoder (every
// flavour, sized and unsized heaps, stream control, descriptors). The fuzzers start
// from these instead of from nothing, so that the first minutes already reach heap
// assembly rather than the magic-byte check. Built and run by the build (fuzz/
// CMakeLists.txt); nothing large is committed.
//
//   make_seeds OUT_DIR CAPTURES_DIR

#include "fuzz_support.h"
#include <gnuradio/spead/protocol/descriptor.h>
#include <gnuradio/spead/protocol/heap_encoder.h>
#include <gnuradio/spead/protocol/item_ids.h>
#include <gnuradio/spead/protocol/packet.h>
#include <gnuradio/spead/protocol/pcap_file.h>
#include <gnuradio/spead/protocol/simple_heap.h>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

using namespace gr::spead;
using namespace gr::spead::protocol;
using fuzz::bytes;
using packets = std::vector<bytes>;

namespace {

std::filesystem::path out_dir;
std::size_t written = 0;

void write_seed(const std::string& harness, const std::string& name, const bytes& data)
{
    const auto dir = out_dir / harness;
    std::filesystem::create_directories(dir);
    std::ofstream f(dir / name, std::ios::binary);
    f.write(reinterpret_cast<const char*>(data.data()), std::streamsize(data.size()));
    if (!f)
        throw std::runtime_error("cannot write " + (dir / name).string());
    written++;
}

bytes text(const std::string& s) { return bytes(s.begin(), s.end()); }

encoder_options opts(int address_bits, std::size_t packet_size, bool heap_length = true)
{
    encoder_options o;
    o.flav = flavour(4, 64, address_bits);
    o.max_packet_size = packet_size;
    o.include_heap_length = heap_length;
    return o;
}

/// A heap with an immediate item and an addressed one of \p size bytes.
packets data_heap(std::uint64_t cnt, std::size_t size, const encoder_options& o)
{
    heap_contents h;
    h.cnt = cnt;
    h.items.push_back(encoder_item::make_immediate(0x1001, 5000 + cnt));
    bytes payload(size);
    for (std::size_t i = 0; i < size; i++)
        payload[i] = std::uint8_t(cnt * 37 + i * 7 + 1);
    h.items.push_back(encoder_item::make_addressed(0x1000, payload));
    return encode_heap(h, o);
}

packets operator+(packets a, const packets& b)
{
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

/// Descriptors like those of the captures, and a few other shapes of descriptor.
std::vector<descriptor> sample_descriptors()
{
    std::vector<descriptor> out;
    descriptor timestamp;
    timestamp.id = 0x1600;
    timestamp.name = "timestamp";
    timestamp.description = "ADC sample count";
    timestamp.format = { { 'u', 40 } };
    out.push_back(timestamp);
    descriptor data;
    data.id = 0x1602;
    data.name = "data";
    data.description = "4096 complex int8 samples";
    data.shape = { 4096, 2 };
    data.numpy_header = "{'descr': '|i1', 'fortran_order': False, 'shape': (4096, 2)}";
    out.push_back(data);
    descriptor text_item;
    text_item.id = 0x1003;
    text_item.name = "name";
    text_item.format = { { 'c', 8 } };
    text_item.shape = { -1 };
    out.push_back(text_item);
    descriptor record;
    record.id = 0x1004;
    record.name = "record";
    record.format = { { 'u', 12 }, { 'i', 20 }, { 'f', 32 }, { 'b', 8 } };
    record.shape = { 3 };
    out.push_back(record);
    return out;
}

void packet_seeds(const std::vector<packets>& captures)
{
    std::size_t n = 0;
    for (const auto& capture : captures)
        for (std::size_t i = 0; i < capture.size() && i < 25; i++)
            write_seed("packet", "capture-" + std::to_string(n++), capture[i]);
    for (int bits : { 40, 48, 24, 16 }) {
        for (bool sized : { true, false }) {
            const packets p = data_heap(3, 200, opts(bits, 96, sized));
            for (std::size_t i = 0; i < p.size(); i++)
                write_seed("packet",
                           "encoder-" + std::to_string(bits) +
                               (sized ? "-sized-" : "-unsized-") + std::to_string(i),
                           p[i]);
        }
        write_seed("packet",
                   "stop-" + std::to_string(bits),
                   encode_stop_heap(9, opts(bits, 96))[0]);
    }
}

void descriptor_seeds(const std::vector<packets>& captures)
{
    // DESCRIPTOR values exactly as spead2 sent them, from the captures' first heap.
    std::size_t n = 0;
    for (const auto& capture : captures) {
        if (capture.empty())
            continue;
        for (const simple_heap& h :
             assemble_packet_stream(capture[0].data(), capture[0].size())) {
            for (const heap_item& item : h.items()) {
                if (item.id != DESCRIPTOR_ID || item.immediate)
                    continue;
                bytes seed{ 0 };
                seed.insert(seed.end(),
                            h.payload.begin() + item.offset,
                            h.payload.begin() + item.offset + item.length);
                write_seed("descriptor", "capture-" + std::to_string(n++), seed);
            }
        }
    }
    for (const descriptor& d : sample_descriptors()) {
        for (int bits : { 40, 48 }) {
            for (int bug_compat : { 0, BUG_COMPAT_PYSPEAD_0_5_2 }) {
                bytes seed{ std::uint8_t(bug_compat) };
                const bytes value =
                    encode_descriptor(d, flavour(4, 64, bits, bug_compat));
                seed.insert(seed.end(), value.begin(), value.end());
                write_seed("descriptor", "encoder-" + std::to_string(n++), seed);
            }
        }
    }
}

void numpy_header_seeds()
{
    const char* headers[] = {
        "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2)}",
        "{'descr': '|i1', 'fortran_order': False, 'shape': (4096, 2), }   \n",
        "{\"shape\": (), \"fortran_order\": True, \"descr\": \">c16\"}",
        "{'descr': [('re', '<i2'), ('im', '<i2')], 'fortran_order': False, 'shape': "
        "(8,)}",
        "{'descr': [('a', [('x', '>u4'), ('', '|V4')]), ('b', '?')], 'fortran_order': "
        "False, 'shape': (1, 0, 3)}",
        "{'descr': '|S1', 'fortran_order': False, 'shape': (16,)}",
        "<u8",
        "|b1",
    };
    std::size_t n = 0;
    for (const char* h : headers)
        write_seed("numpy_header", "header-" + std::to_string(n++), text(h));
}

/// An item_type input (see fuzz_item_type.cc) with a format.
bytes format_value(std::uint8_t flags,
                   const std::vector<format_field>& fields,
                   const std::vector<std::uint8_t>& dims,
                   const bytes& value)
{
    bytes seed{ flags, std::uint8_t(fields.size()) };
    for (const auto& f : fields) {
        seed.push_back(std::uint8_t(f.code));
        seed.push_back(std::uint8_t(f.bits));
    }
    seed.push_back(std::uint8_t(dims.size()));
    seed.insert(seed.end(), dims.begin(), dims.end());
    seed.insert(seed.end(), value.begin(), value.end());
    return seed;
}

/// An item_type input with a numpy header.
bytes numpy_value(std::uint8_t flags, const std::string& header, const bytes& value)
{
    bytes seed{ std::uint8_t(flags | 0x10), std::uint8_t(header.size()) };
    seed.insert(seed.end(), header.begin(), header.end());
    seed.insert(seed.end(), value.begin(), value.end());
    return seed;
}

void item_type_seeds()
{
    bytes ramp(64);
    for (std::size_t i = 0; i < ramp.size(); i++)
        ramp[i] = std::uint8_t(i * 13 + 5);
    const bytes seeds[] = {
        format_value(0x08, { { 'u', 40 } }, {}, { 0, 0, 0x0f, 0x42, 0x40, 0, 0 }),
        format_value(0x08, { { 'u', 12 } }, {}, { 0, 0, 0, 0, 0xab, 0xc0, 0 }),
        format_value(0, { { 'u', 12 } }, { 0xff }, ramp),
        format_value(0, { { 'i', 20 }, { 'u', 4 } }, { 2, 0xff }, ramp),
        format_value(0, { { 'c', 8 } }, { 0xff }, text("hello, telescope")),
        format_value(0, { { 'f', 32 }, { 'f', 64 }, { 'b', 8 } }, { 2 }, ramp),
        format_value(0, { { 'u', 64 } }, { 3, 2 }, ramp),
        numpy_value(0, "{'descr': '<u8', 'fortran_order': False, 'shape': ()}", ramp),
        numpy_value(BUG_COMPAT_SWAP_ENDIAN,
                    "{'descr': '>c8', 'fortran_order': True, 'shape': (2, 3)}",
                    ramp),
        numpy_value(0,
                    "{'descr': [('re', '<i2'), ('', '|V2'), ('im', '>f4')], "
                    "'fortran_order': False, 'shape': (4,)}",
                    ramp),
    };
    std::size_t n = 0;
    for (const bytes& s : seeds)
        write_seed("item_type", "value-" + std::to_string(n++), s);
}

/// The packet sequences both stream harnesses start from.
std::vector<std::pair<std::string, packets>>
sequences(const std::vector<packets>& captures)
{
    std::vector<std::pair<std::string, packets>> out;
    const encoder_options sized = opts(40, 96);
    const encoder_options unsized = opts(40, 96, false);
    const packets a = data_heap(1, 152, sized), b = data_heap(2, 152, sized),
                  c = data_heap(3, 16, sized);
    out.emplace_back("in-order", a + b + c + encode_stop_heap(4, sized));
    out.emplace_back("reordered", packets{ a[2], a[0], a[1] } + b);
    out.emplace_back("duplicated", packets{ a[0], a[1], a[1], a[2], a[0] });
    out.emplace_back("lost", packets{ a[0], a[2] } + packets{ b[1], b[2] } + c);
    out.emplace_back("interleaved", packets{ a[0], b[0], a[1], b[1], c[0], a[2], b[2] });
    out.emplace_back("unsized", data_heap(5, 152, unsized) + data_heap(6, 300, unsized));
    out.emplace_back("spead-64-48",
                     data_heap(7, 400, opts(48, 128)) +
                         encode_stop_heap(8, opts(48, 128)));
    heap_contents with_descriptors;
    with_descriptors.cnt = 1;
    with_descriptors.descriptors = sample_descriptors();
    with_descriptors.stream_ctrl = CTRL_STREAM_START;
    out.emplace_back("descriptors", encode_heap(with_descriptors, opts(40, 256)) + b);
    for (std::size_t i = 0; i < captures.size(); i++) {
        const packets& capture = captures[i];
        // Small enough to keep the fuzzers fast: the first packets of each capture.
        const std::size_t count = capture.size() > 30 ? 6 : 3;
        out.emplace_back(
            "capture-" + std::to_string(i),
            packets(capture.begin(), capture.begin() + std::min(count, capture.size())));
    }
    return out;
}

/// The first \p max frames of a pcap file, read by hand (the file format is simple and
/// the seeds want the frames as captured, link headers included).
std::vector<bytes> raw_frames(const std::filesystem::path& path, std::size_t max)
{
    std::ifstream f(path, std::ios::binary);
    bytes file((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    std::vector<bytes> frames;
    if (file.size() < 24)
        return frames;
    // The magic number tells the byte order of every header field.
    const bool swapped = file[0] == 0xd4 || file[0] == 0x4d;
    auto u32 = [&](std::size_t at) {
        std::uint32_t v = 0;
        for (int i = 0; i < 4; i++)
            v |= std::uint32_t(file[at + (swapped ? i : 3 - i)]) << (8 * i);
        return v;
    };
    std::size_t pos = 24;
    while (pos + 16 <= file.size() && frames.size() < max) {
        const std::size_t length = u32(pos + 8);
        pos += 16;
        if (pos + length > file.size())
            break;
        frames.emplace_back(file.begin() + pos, file.begin() + pos + length);
        pos += length;
    }
    return frames;
}

/// pcap_frame inputs: a link-type choice (0 Ethernet, 3 raw IP; see
/// fuzz_pcap_frame.cc) and a frame. Each capture frame also goes in with a VLAN tag and
/// without its Ethernet header.
void pcap_frame_seeds(const std::filesystem::path& captures)
{
    std::size_t n = 0;
    for (const char* file :
         { "spead2_64_40_single_packet.pcap", "spead2_64_40_multi_packet.pcap" }) {
        for (const bytes& frame : raw_frames(captures / file, 3)) {
            if (frame.size() < 14)
                continue;
            bytes ethernet{ 0 };
            ethernet.insert(ethernet.end(), frame.begin(), frame.end());
            write_seed("pcap_frame", "ethernet-" + std::to_string(n), ethernet);
            bytes vlan{ 0 };
            vlan.insert(vlan.end(), frame.begin(), frame.begin() + 12);
            vlan.insert(vlan.end(), { 0x81, 0x00, 0x00, 0x05 });
            vlan.insert(vlan.end(), frame.begin() + 12, frame.end());
            write_seed("pcap_frame", "vlan-" + std::to_string(n), vlan);
            bytes raw{ 3 };
            raw.insert(raw.end(), frame.begin() + 14, frame.end());
            write_seed("pcap_frame", "raw-ip-" + std::to_string(n), raw);
            n++;
        }
    }
}

void stream_seeds(const std::vector<packets>& captures)
{
    std::uint8_t config = 0;
    for (const auto& [name, seq] : sequences(captures)) {
        bytes assembly{ config, 3 };
        fuzz::join_packets(seq, assembly);
        write_seed("heap_assembly", name, assembly);
        bytes tcp{ std::uint8_t(config & 3), std::uint8_t(config * 5) };
        const bytes joined = concatenate_packets(seq);
        tcp.insert(tcp.end(), joined.begin(), joined.end());
        write_seed("tcp_stream", name, tcp);
        // Groups of 2 and of 5 datagrams, so that batches begin inside heaps.
        for (const std::uint8_t udp_config : { 0x0b, 0x27 }) {
            bytes udp{ udp_config };
            fuzz::join_packets(seq, udp);
            write_seed("udp_stream", name + "-" + std::to_string(udp_config), udp);
        }
        config = std::uint8_t(config * 7 + 0x25);
    }
    // One long heap (36 packets), for plans of several datagrams; 0x7b also sends runs
    // of equal-sized datagrams as GSO trains (coalesced for the GRO reader).
    const encoder_options sized = opts(40, 96);
    for (const std::uint8_t udp_config : { 0x13, 0x3b, 0x7b }) {
        bytes udp{ udp_config };
        fuzz::join_packets(data_heap(9, 2000, sized) + encode_stop_heap(10, sized), udp);
        write_seed("udp_stream", "long-heap-" + std::to_string(udp_config), udp);
    }
}

} // namespace

int main(int argc, char** argv)
{
    if (argc != 3) {
        std::fprintf(stderr, "usage: %s OUT_DIR CAPTURES_DIR\n", argv[0]);
        return 2;
    }
    try {
        out_dir = argv[1];
        std::vector<packets> captures;
        for (const char* file : { "spead2_64_40_single_packet.pcap",
                                  "spead2_64_48_single_packet.pcap",
                                  "spead2_64_40_multi_packet.pcap" }) {
            const auto path = std::filesystem::path(argv[2]) / file;
            packets capture;
            if (std::filesystem::exists(path)) {
                for (auto& d : read_pcap_udp(path.string()))
                    capture.push_back(std::move(d.payload));
            } else {
                std::fprintf(stderr, "make_seeds: %s not found; skipped\n", path.c_str());
            }
            captures.push_back(std::move(capture));
        }
        packet_seeds(captures);
        descriptor_seeds(captures);
        numpy_header_seeds();
        item_type_seeds();
        stream_seeds(captures);
        pcap_frame_seeds(argv[2]);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "make_seeds: %s\n", e.what());
        return 1;
    }
    std::printf("make_seeds: %zu seed files in %s\n", written, argv[1]);
    return 0;
}
