/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// The pcap reader on files made here: frames that are not UDP skipped, Linux cooked
// captures, VLAN-tagged and IPv6 frames (read only with extended_frames), a file cut
// short, a stop item in the middle of a file, errors named by the
// constructor, and stop() at any moment. Files are written with pcap_udp_writer and
// then rearranged record by record (the pcap format is a 24-byte file header and a
// 16-byte header per record), so the frames added by hand are known byte for byte.

#include "qa_log_recorder.h"
#include "qa_stream_support.h"
#include "qa_wait.h"
#include <gnuradio/spead/protocol/pcap_file.h>
#include <gnuradio/spead/recv/pcap_reader.h>
#include <cppunit/extensions/HelperMacros.h>
#include <sys/stat.h>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>

using namespace gr::spead::protocol;
using namespace gr::spead::recv;
using namespace gr::spead::qa;

namespace {

constexpr std::chrono::seconds TEST_LIMIT{ 120 };

using bytes = std::vector<std::uint8_t>;

// LINKTYPE_* values as the file header stores them (tcpdump.org/linktypes.html).
constexpr std::uint32_t LINKTYPE_LINUX_SLL = 113;
constexpr std::uint32_t LINKTYPE_LINUX_SLL2 = 276;
constexpr std::size_t FILE_HEADER = 24;
constexpr std::size_t RECORD_HEADER = 16;
constexpr std::size_t ETHERNET_HEADER = 14;

std::string tmp_path(const std::string& name)
{
    ::mkdir(SPEAD_TEST_TMPDIR, 0755);
    return std::string(SPEAD_TEST_TMPDIR) + "/qa_pcap_reader_" + name;
}

bytes read_all(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    return bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void write_all(const std::string& path, const bytes& data)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data.data()), std::streamsize(data.size()));
}

std::uint32_t get_le32(const bytes& in, std::size_t pos)
{
    return std::uint32_t(in[pos]) | std::uint32_t(in[pos + 1]) << 8 |
           std::uint32_t(in[pos + 2]) << 16 | std::uint32_t(in[pos + 3]) << 24;
}

void put_le32(bytes& out, std::uint32_t v)
{
    for (int i = 0; i < 4; i++)
        out.push_back(std::uint8_t(v >> (8 * i)));
}

void append(bytes& out, const bytes& more)
{
    out.insert(out.end(), more.begin(), more.end());
}

/// A capture file taken apart: its header and the frames of its records.
struct capture {
    bytes header;
    std::vector<bytes> frames;
};

/// Writes \p packets with pcap_udp_writer (one Ethernet frame each) and reads the
/// records back. The writer uses this machine's byte order: little-endian here.
capture written_capture(const packet_list& packets, const std::string& name)
{
    const std::string path = tmp_path(name);
    {
        pcap_udp_writer writer(path, 7148);
        for (const auto& p : packets)
            writer.write(p);
    }
    const bytes file = read_all(path);
    CPPUNIT_ASSERT(file.size() >= FILE_HEADER);
    CPPUNIT_ASSERT_EQUAL(std::uint32_t(0xa1b2c3d4), get_le32(file, 0));
    capture out;
    out.header.assign(file.begin(), file.begin() + FILE_HEADER);
    for (std::size_t pos = FILE_HEADER; pos < file.size();) {
        const std::size_t caplen = get_le32(file, pos + 8);
        pos += RECORD_HEADER;
        CPPUNIT_ASSERT(pos + caplen <= file.size());
        out.frames.emplace_back(file.begin() + pos, file.begin() + pos + caplen);
        pos += caplen;
    }
    CPPUNIT_ASSERT_EQUAL(packets.size(), out.frames.size());
    return out;
}

/// A record (timestamp \p usec) holding all of \p frame.
bytes record(const bytes& frame, std::uint32_t usec)
{
    bytes out;
    put_le32(out, 1767225600);
    put_le32(out, usec);
    put_le32(out, std::uint32_t(frame.size()));
    put_le32(out, std::uint32_t(frame.size()));
    append(out, frame);
    return out;
}

/// Ethernet frame (zero MACs) of \p ethertype around \p network.
bytes ethernet(std::uint16_t ethertype, const bytes& network)
{
    bytes out(12, 0);
    out.push_back(std::uint8_t(ethertype >> 8));
    out.push_back(std::uint8_t(ethertype));
    append(out, network);
    return out;
}

/// A minimal IPv4 header (no options) for \p protocol around \p payload.
bytes ipv4(std::uint8_t protocol, const bytes& payload, std::uint16_t flags_fragment = 0)
{
    const std::size_t total = 20 + payload.size();
    bytes out = { 0x45,
                  0,
                  std::uint8_t(total >> 8),
                  std::uint8_t(total),
                  0,
                  1,
                  std::uint8_t(flags_fragment >> 8),
                  std::uint8_t(flags_fragment),
                  64,
                  protocol,
                  0,
                  0,
                  127,
                  0,
                  0,
                  1,
                  127,
                  0,
                  0,
                  1 };
    append(out, payload);
    return out;
}

/// Frames that carry no whole UDP datagram, each with SPEAD-looking bytes inside so
/// that reading one as a datagram would show in the statistics.
std::vector<bytes> non_udp_frames(const bytes& spead_packet)
{
    bytes tcp_segment(20, 0);
    tcp_segment[12] = 0x50; // data offset: 5 words
    append(tcp_segment, spead_packet);
    bytes udp_fragment = { 0x1b, 0xec, 0x1b, 0xec, 0, 0, 0, 0 };
    udp_fragment[5] = std::uint8_t(8 + spead_packet.size());
    append(udp_fragment, spead_packet);
    bytes icmpv6 = { 0x60, 0, 0, 0, 0, 8, 58, 64 }; // next header 58: ICMPv6
    icmpv6.resize(40, 0);
    append(icmpv6, bytes{ 128, 0, 0, 0, 0, 1, 0, 1 }); // echo request
    return {
        ethernet(0x0806, bytes(28, 0x53)),                // ARP
        ethernet(0x0800, ipv4(6, tcp_segment)),           // TCP
        ethernet(0x0800, ipv4(17, udp_fragment, 0x2000)), // first UDP fragment
        ethernet(0x86dd, icmpv6),                         // ICMPv6
        ethernet(0x0800, ipv4(17, { 0x1b, 0xec })),       // UDP header cut short
    };
}

/// Heaps 1 .. count, each one 72-byte packet.
packet_list single_packet_heaps(std::uint64_t count)
{
    packet_list packets;
    for (std::uint64_t cnt = 1; cnt <= count; cnt++)
        packets = packets + data_heap(cnt, ONE_PACKET_HEAP);
    return packets;
}

run_result read_file_through_stream(const std::string& path,
                                    const std::string& filter = "",
                                    bool extended_frames = false)
{
    thread_pool pool(1);
    ring_stream s(pool, stream_config(), ring_stream_config().set_heaps(1024));
    s.emplace_reader<pcap_reader>(path, filter, extended_frames);
    run_result result;
    result.heaps = drain(s);
    result.stats = s.get_all_stats();
    return result;
}

void check_heaps(const std::vector<heap>& heaps, std::uint64_t first, std::uint64_t last)
{
    CPPUNIT_ASSERT_EQUAL(std::size_t(last - first + 1), heaps.size());
    for (std::uint64_t cnt = first; cnt <= last; cnt++)
        check_data_heap(heaps[cnt - first], cnt, ONE_PACKET_HEAP);
}

/// The file header of \p c with another link type.
bytes header_with_link_type(const capture& c, std::uint32_t link_type)
{
    bytes header(c.header.begin(), c.header.begin() + 20);
    put_le32(header, link_type);
    return header;
}

} // namespace

class qa_pcap_reader_files : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(qa_pcap_reader_files);
    CPPUNIT_TEST(test_non_udp_frames_skipped);
    CPPUNIT_TEST(test_linux_cooked_captures);
    CPPUNIT_TEST(test_vlan_and_ipv6_frames_need_the_extension);
    CPPUNIT_TEST(test_truncated_file_ends_stream);
    CPPUNIT_TEST(test_stop_item_mid_file);
    CPPUNIT_TEST(test_bad_path_named);
    CPPUNIT_TEST(test_bad_filter_named);
    CPPUNIT_TEST(test_stop_before_start);
    CPPUNIT_TEST(test_stop_while_reading);
    CPPUNIT_TEST_SUITE_END();

public:
    void test_non_udp_frames_skipped()
    {
        watchdog guard("test_non_udp_frames_skipped", TEST_LIMIT);
        const packet_list packets = single_packet_heaps(100);
        const capture c = written_capture(packets, "mixed_src.pcap");
        const std::vector<bytes> others = non_udp_frames(packets[0]);
        bytes file = c.header;
        std::uint32_t usec = 0;
        for (std::size_t i = 0; i < c.frames.size(); i++) {
            append(file, record(others[i % others.size()], usec++));
            append(file, record(c.frames[i], usec++));
        }
        append(file, record(others[0], usec++)); // the file also ends with one
        const std::string path = tmp_path("mixed.pcap");
        write_all(path, file);

        const run_result run = read_file_through_stream(path);
        check_heaps(run.heaps, 1, 100);
        // 201 frames in batches of 64 frames; the frames of each batch that are UDP are
        // its packets: frames 1..64 hold 32, and so on, the last batch (frames 193..201)
        // holds 4.
        check_stats(run.stats,
                    { { "packets", 100 },
                      { "heaps", 100 },
                      { "single_packet_heaps", 100 },
                      { "batches", 4 },
                      { "max_batch", 32 } });
    }

    void test_linux_cooked_captures()
    {
        // The same IPv4 packets behind SLL (protocol in the last 2 of 16 bytes) and SLL2
        // (protocol in the first 2 of 20 bytes) headers instead of Ethernet.
        watchdog guard("test_linux_cooked_captures", TEST_LIMIT);
        const capture c = written_capture(single_packet_heaps(5), "cooked_src.pcap");
        for (std::uint32_t link_type : { LINKTYPE_LINUX_SLL, LINKTYPE_LINUX_SLL2 }) {
            bytes file = header_with_link_type(c, link_type);
            std::uint32_t usec = 0;
            for (const bytes& frame : c.frames) {
                const bytes ip(frame.begin() + ETHERNET_HEADER, frame.end());
                bytes cooked;
                if (link_type == LINKTYPE_LINUX_SLL) {
                    // packet type, ARPHRD_LOOPBACK (772), address length, address
                    cooked = { 0, 0, 772 >> 8, 772 & 0xff, 0, 6, 0,    0,
                               0, 0, 0,        0,          0, 0, 0x08, 0x00 };
                } else {
                    // protocol, reserved, interface index, ARPHRD, packet type, length
                    cooked = { 0x08, 0x00, 0, 0, 0, 0, 0, 1, 772 >> 8, 772 & 0xff,
                               0,    6,    0, 0, 0, 0, 0, 0, 0,        0 };
                }
                append(cooked, ip);
                append(file, record(cooked, usec++));
            }
            // ARP behind a cooked header: skipped.
            bytes arp =
                link_type == LINKTYPE_LINUX_SLL ? bytes(14, 0) : bytes{ 0x08, 0x06 };
            if (link_type == LINKTYPE_LINUX_SLL)
                append(arp, { 0x08, 0x06 });
            else
                arp.resize(20, 0);
            append(arp, bytes(28, 0));
            append(file, record(arp, usec++));
            const std::string path =
                tmp_path("cooked_" + std::to_string(link_type) + ".pcap");
            write_all(path, file);

            // spead2 reads SLL files, not SLL2 ones (checked against spead2 4.4.1).
            const bool sll2 = link_type == LINKTYPE_LINUX_SLL2;
            if (sll2)
                CPPUNIT_ASSERT_THROW(read_file_through_stream(path), std::runtime_error);
            const run_result run = read_file_through_stream(path, "", sll2);
            check_heaps(run.heaps, 1, 5);
            CPPUNIT_ASSERT_EQUAL(std::uint64_t(5), run.stats["packets"]);
            CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), run.stats["packets_rejected"]);
        }
    }

    void test_vlan_and_ipv6_frames_need_the_extension()
    {
        // Heaps 1-3 in untagged IPv4 frames, 4-6 behind an 802.1Q tag, 7-9 in IPv6: by
        // default only the first three, as spead2 (4.4.1, checked) reads them; with
        // extended_frames all nine.
        watchdog guard("test_vlan_and_ipv6_frames_need_the_extension", TEST_LIMIT);
        const capture c = written_capture(single_packet_heaps(9), "vlan_ipv6_src.pcap");
        bytes file = c.header;
        std::uint32_t usec = 0;
        for (std::size_t i = 0; i < c.frames.size(); i++) {
            const bytes& frame = c.frames[i];
            bytes out;
            if (i < 3) {
                out = frame;
            } else if (i < 6) {
                out.assign(frame.begin(), frame.begin() + 12);
                append(out, { 0x81, 0x00, 0x00, 0x64 }); // 802.1Q, VLAN 100
                out.insert(out.end(), frame.begin() + 12, frame.end());
            } else {
                const bytes udp(frame.begin() + ETHERNET_HEADER + 20, frame.end());
                bytes ip6 = { 0x60, 0, 0, 0 };
                append(ip6, { std::uint8_t(udp.size() >> 8), std::uint8_t(udp.size()) });
                append(ip6, { 17, 64 });
                for (int a = 0; a < 32; a++)
                    ip6.push_back(a % 16 == 15 ? 1 : 0); // ::1 to ::1
                append(ip6, udp);
                out = ethernet(0x86dd, ip6);
            }
            append(file, record(out, usec++));
        }
        const std::string path = tmp_path("vlan_ipv6.pcap");
        write_all(path, file);

        const run_result plain = read_file_through_stream(path);
        check_heaps(plain.heaps, 1, 3);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(3), plain.stats["packets"]);
        const run_result extended = read_file_through_stream(path, "", true);
        check_heaps(extended.heaps, 1, 9);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(9), extended.stats["packets"]);
    }

    void test_truncated_file_ends_stream()
    {
        // The last record is cut inside its frame: libpcap reports a read error, which
        // is logged (naming the file) and ends the stream after the whole frames.
        watchdog guard("test_truncated_file_ends_stream", TEST_LIMIT);
        log_recorder log;
        const capture c = written_capture(single_packet_heaps(3), "truncated.pcap");
        bytes file = c.header;
        for (std::size_t i = 0; i < c.frames.size(); i++)
            append(file, record(c.frames[i], std::uint32_t(i)));
        file.resize(file.size() - 10);
        const std::string path = tmp_path("truncated_cut.pcap");
        write_all(path, file);

        const run_result run = read_file_through_stream(path);
        check_heaps(run.heaps, 1, 2);
        check_stats(run.stats,
                    { { "packets", 2 },
                      { "heaps", 2 },
                      { "single_packet_heaps", 2 },
                      { "batches", 1 },
                      { "max_batch", 2 } });
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), log.count(log_level::error, path));
    }

    void test_stop_item_mid_file()
    {
        // A stop heap ends the stream; the reader reads no further frame.
        watchdog guard("test_stop_item_mid_file", TEST_LIMIT);
        const packet_list packets = data_heap(1, ONE_PACKET_HEAP) +
                                    encode_stop_heap(2, options()) +
                                    data_heap(3, ONE_PACKET_HEAP);
        const std::string path = tmp_path("stop_mid.pcap");
        {
            pcap_udp_writer writer(path, 7148);
            for (const auto& p : packets)
                writer.write(p);
        }
        const run_result run = read_file_through_stream(path);
        check_heaps(run.heaps, 1, 1);
        check_stats(run.stats,
                    { { "packets", 2 },
                      { "heaps", 1 },
                      { "single_packet_heaps", 2 }, // the stop heap too
                      { "batches", 1 },
                      { "max_batch", 2 } });
    }

    void test_bad_path_named()
    {
        watchdog guard("test_bad_path_named", TEST_LIMIT);
        const std::string path = tmp_path("no_such_file.pcap");
        thread_pool pool(1);
        ring_stream s(pool);
        try {
            s.emplace_reader<pcap_reader>(path);
            CPPUNIT_FAIL("a missing file did not throw");
        } catch (const std::runtime_error& e) {
            CPPUNIT_ASSERT_MESSAGE(e.what(),
                                   std::string(e.what()).find(path) != std::string::npos);
        }
        // The failed reader was never added: the stream stops cleanly.
        s.stop();
    }

    void test_bad_filter_named()
    {
        watchdog guard("test_bad_filter_named", TEST_LIMIT);
        const std::string path =
            std::string(SPEAD_CAPTURES_DIR) + "/spead2_64_40_single_packet.pcap";
        const std::string filter = "udp dst port banana";
        thread_pool pool(1);
        ring_stream s(pool);
        try {
            s.emplace_reader<pcap_reader>(path, filter);
            CPPUNIT_FAIL("a filter that does not compile did not throw");
        } catch (const std::runtime_error& e) {
            CPPUNIT_ASSERT_MESSAGE(
                e.what(), std::string(e.what()).find(filter) != std::string::npos);
        }
        s.stop();
    }

    void test_stop_before_start()
    {
        watchdog guard("test_stop_before_start", TEST_LIMIT);
        const capture c = written_capture(single_packet_heaps(3), "never_started.pcap");
        (void)c;
        thread_pool pool(1);
        ring_stream s(pool, stream_config().set_explicit_start(true));
        pcap_reader& r = s.emplace_reader<pcap_reader>(tmp_path("never_started.pcap"));
        s.stop();
        CPPUNIT_ASSERT(r.is_finished());
        CPPUNIT_ASSERT_THROW(s.pop(), ringbuffer_stopped);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), s.get_all_stats()["packets"]);
    }

    void test_stop_while_reading()
    {
        // A one-heap ring soon blocks the reader inside a batch; stop() must wake and
        // finish it at once, wherever it is, and destroying a stream without stop()
        // must do the same.
        watchdog guard("test_stop_while_reading", TEST_LIMIT);
        const std::string path =
            std::string(SPEAD_CAPTURES_DIR) + "/spead2_64_40_multi_packet.pcap";
        thread_pool pool(2);
        for (int i = 0; i < 20; i++) {
            auto s = std::make_unique<ring_stream>(
                pool, stream_config(), ring_stream_config().set_heaps(1));
            pcap_reader& r = s->emplace_reader<pcap_reader>(path);
            if (i % 2)
                s->pop_for(POP_TIMEOUT);
            if (i % 4 == 3) {
                s.reset(); // the destructor stops the stream
                continue;
            }
            const auto begin = std::chrono::steady_clock::now();
            s->stop();
            CPPUNIT_ASSERT(std::chrono::steady_clock::now() - begin < WAIT_TIMEOUT);
            CPPUNIT_ASSERT(r.is_finished());
            CPPUNIT_ASSERT(s->is_stopped());
            CPPUNIT_ASSERT(s->get_all_stats()["packets"] <= 462);
        }
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(qa_pcap_reader_files);
