/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// Capture files are built and inspected byte by byte here (the pcap file format is a
// 24-byte file header followed by 16-byte record headers), so the tests do not lean on
// the libpcap calls that the code under test makes.

#include <gnuradio/spead/protocol/pcap_file.h>
#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>
#include <sys/stat.h>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

using namespace gr::spead::protocol;

namespace {

using bytes = std::vector<std::uint8_t>;

// LINKTYPE_* values as stored in the file header (tcpdump.org/linktypes.html).
constexpr std::uint32_t LINKTYPE_ETHERNET = 1;
constexpr std::uint32_t LINKTYPE_RAW = 101;
constexpr std::uint32_t LINKTYPE_LINUX_SLL = 113;
constexpr std::uint32_t LINKTYPE_IEEE802_11 = 105;
constexpr std::uint32_t LINKTYPE_LINUX_SLL2 = 276;

std::string tmp_path(const std::string& name)
{
    ::mkdir(SPEAD_TEST_TMPDIR, 0755);
    return std::string(SPEAD_TEST_TMPDIR) + "/qa_pcap_file_" + name;
}

void put_le32(bytes& out, std::uint32_t v)
{
    for (int i = 0; i < 4; i++)
        out.push_back(std::uint8_t(v >> (8 * i)));
}

void put_be16(bytes& out, std::uint16_t v)
{
    out.push_back(std::uint8_t(v >> 8));
    out.push_back(std::uint8_t(v));
}

std::uint32_t get_le32(const bytes& in, std::size_t pos)
{
    return std::uint32_t(in[pos]) | std::uint32_t(in[pos + 1]) << 8 |
           std::uint32_t(in[pos + 2]) << 16 | std::uint32_t(in[pos + 3]) << 24;
}

std::uint16_t get_be16(const bytes& in, std::size_t pos)
{
    return std::uint16_t(in[pos] << 8 | in[pos + 1]);
}

/// One record: the bytes kept in the file and the original length on the wire.
struct record {
    bytes frame;
    std::size_t original_length;
};

record whole(const bytes& frame) { return { frame, frame.size() }; }

/// Writes a little-endian microsecond pcap file by hand.
void write_capture(const std::string& path,
                   std::uint32_t link_type,
                   const std::vector<record>& records)
{
    bytes file;
    put_le32(file, 0xa1b2c3d4);
    file.push_back(2); // version 2.4
    file.push_back(0);
    file.push_back(4);
    file.push_back(0);
    put_le32(file, 0);      // thiszone
    put_le32(file, 0);      // sigfigs
    put_le32(file, 262144); // snaplen
    put_le32(file, link_type);
    std::uint32_t usec = 0;
    for (const record& r : records) {
        put_le32(file, 1000);
        put_le32(file, usec++);
        put_le32(file, std::uint32_t(r.frame.size()));
        put_le32(file, std::uint32_t(r.original_length));
        file.insert(file.end(), r.frame.begin(), r.frame.end());
    }
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(file.data()), std::streamsize(file.size()));
}

bytes read_file(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    return bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

bytes udp_segment(std::uint16_t src, std::uint16_t dst, const bytes& payload)
{
    bytes out;
    put_be16(out, src);
    put_be16(out, dst);
    put_be16(out, std::uint16_t(8 + payload.size()));
    put_be16(out, 0);
    out.insert(out.end(), payload.begin(), payload.end());
    return out;
}

/// IPv4 packet around \p segment; \p options_words extra header words of NOP options.
bytes ipv4(const bytes& segment,
           std::uint8_t protocol = 17,
           int options_words = 0,
           std::uint16_t flags_fragment = 0x4000)
{
    bytes out;
    out.push_back(std::uint8_t(0x40 | (5 + options_words)));
    out.push_back(0);
    put_be16(out, std::uint16_t(20 + 4 * options_words + segment.size()));
    put_be16(out, 1);
    put_be16(out, flags_fragment);
    out.push_back(64);
    out.push_back(protocol);
    put_be16(out, 0); // checksum: readers do not verify it
    for (int i = 0; i < 2; i++) {
        const std::uint8_t addr[4] = { 10, 0, 0, std::uint8_t(1 + i) };
        out.insert(out.end(), addr, addr + 4);
    }
    for (int i = 0; i < 4 * options_words; i++)
        out.push_back(1); // NOP option
    out.insert(out.end(), segment.begin(), segment.end());
    return out;
}

bytes ipv6(const bytes& segment, std::uint8_t next_header = 17)
{
    bytes out = { 0x60, 0, 0, 0 };
    put_be16(out, std::uint16_t(segment.size()));
    out.push_back(next_header);
    out.push_back(64);
    for (int i = 0; i < 32; i++)
        out.push_back(i % 16 == 15 ? 1 : 0); // ::1 to ::1
    out.insert(out.end(), segment.begin(), segment.end());
    return out;
}

bytes ethernet(const bytes& network, std::uint16_t ethertype, int vlan_tags = 0)
{
    bytes out(12, 0x02);
    for (int i = 0; i < vlan_tags; i++) {
        put_be16(out, i == 0 && vlan_tags > 1 ? 0x88a8 : 0x8100);
        put_be16(out, std::uint16_t(100 + i)); // VLAN id
    }
    put_be16(out, ethertype);
    out.insert(out.end(), network.begin(), network.end());
    return out;
}

bytes linux_sll(const bytes& network, std::uint16_t protocol)
{
    bytes out = { 0, 0, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0 };
    put_be16(out, protocol);
    out.insert(out.end(), network.begin(), network.end());
    return out;
}

bytes linux_sll2(const bytes& network, std::uint16_t protocol)
{
    bytes out;
    put_be16(out, protocol);
    put_be16(out, 0);                      // reserved
    out.insert(out.end(), { 0, 0, 0, 1 }); // interface index
    out.insert(out.end(), { 0, 1, 0, 6 }); // ARPHRD_ETHER, packet type, address length
    out.insert(out.end(), { 1, 2, 3, 4, 5, 6, 0, 0 });
    out.insert(out.end(), network.begin(), network.end());
    return out;
}

const bytes payload_a = { 0x53, 0x04, 0x02, 0x06, 0xde, 0xad };
const bytes payload_b = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };

} // namespace

class qa_pcap_file : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(qa_pcap_file);
    CPPUNIT_TEST(test_write_then_read);
    CPPUNIT_TEST(test_written_frame_layout);
    CPPUNIT_TEST(test_largest_payload);
    CPPUNIT_TEST(test_oversize_payload_rejected);
    CPPUNIT_TEST(test_writer_bad_path);
    CPPUNIT_TEST(test_filter);
    CPPUNIT_TEST(test_bad_path_named);
    CPPUNIT_TEST(test_bad_filter_named);
    CPPUNIT_TEST(test_unsupported_link_type);
    CPPUNIT_TEST(test_vlan_tags);
    CPPUNIT_TEST(test_linux_sll);
    CPPUNIT_TEST(test_linux_sll2);
    CPPUNIT_TEST(test_raw_ip);
    CPPUNIT_TEST(test_ipv6_over_ethernet);
    CPPUNIT_TEST(test_ipv4_options);
    CPPUNIT_TEST(test_udp_length_bounds_payload);
    CPPUNIT_TEST(test_skips_non_udp_and_truncated);
    CPPUNIT_TEST(test_cut_frames_only_with_extension);
    CPPUNIT_TEST_SUITE_END();

public:
    void test_write_then_read()
    {
        const std::string path = tmp_path("roundtrip.pcap");
        {
            pcap_udp_writer writer(path, 7148, 40001);
            writer.write(payload_a);
            writer.write(bytes());
            writer.write(payload_b.data(), payload_b.size());
        } // the destructor closes the file
        const std::vector<udp_datagram> got = read_pcap_udp(path);
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), got.size());
        for (const udp_datagram& d : got) {
            CPPUNIT_ASSERT_EQUAL(std::uint16_t(40001), d.src_port);
            CPPUNIT_ASSERT_EQUAL(std::uint16_t(7148), d.dst_port);
        }
        CPPUNIT_ASSERT(got[0].payload == payload_a);
        CPPUNIT_ASSERT(got[1].payload.empty());
        CPPUNIT_ASSERT(got[2].payload == payload_b);
    }

    void test_written_frame_layout()
    {
        const std::string path = tmp_path("layout.pcap");
        pcap_udp_writer writer(path, 7149);
        writer.write(payload_a);
        writer.write(payload_b);
        writer.close();
        writer.close(); // closing twice is harmless

        const bytes file = read_file(path);
        CPPUNIT_ASSERT(file.size() >= 24);
        CPPUNIT_ASSERT_EQUAL(std::uint32_t(0xa1b2c3d4), get_le32(file, 0));
        CPPUNIT_ASSERT_EQUAL(LINKTYPE_ETHERNET, get_le32(file, 20));

        std::size_t pos = 24;
        std::uint64_t previous_time = 0;
        for (const bytes* payload : { &payload_a, &payload_b }) {
            CPPUNIT_ASSERT(file.size() >= pos + 16);
            const std::uint64_t time =
                std::uint64_t(get_le32(file, pos)) * 1000000 + get_le32(file, pos + 4);
            CPPUNIT_ASSERT(time > previous_time);
            previous_time = time;
            const std::size_t caplen = get_le32(file, pos + 8);
            CPPUNIT_ASSERT_EQUAL(std::size_t(14 + 20 + 8) + payload->size(), caplen);
            CPPUNIT_ASSERT_EQUAL(caplen, std::size_t(get_le32(file, pos + 12)));
            pos += 16;
            const bytes frame(file.begin() + pos, file.begin() + pos + caplen);
            pos += caplen;

            for (int i = 0; i < 12; i++)
                CPPUNIT_ASSERT_EQUAL(0, int(frame[i])); // zero MAC addresses
            CPPUNIT_ASSERT_EQUAL(std::uint16_t(0x0800), get_be16(frame, 12));

            const std::size_t ip = 14;
            CPPUNIT_ASSERT_EQUAL(0x45, int(frame[ip]));
            CPPUNIT_ASSERT_EQUAL(std::uint16_t(20 + 8 + payload->size()),
                                 get_be16(frame, ip + 2));
            CPPUNIT_ASSERT_EQUAL(64, int(frame[ip + 8]));
            CPPUNIT_ASSERT_EQUAL(17, int(frame[ip + 9]));
            const std::uint8_t loopback[4] = { 127, 0, 0, 1 };
            for (int i = 0; i < 4; i++) {
                CPPUNIT_ASSERT_EQUAL(int(loopback[i]), int(frame[ip + 12 + i]));
                CPPUNIT_ASSERT_EQUAL(int(loopback[i]), int(frame[ip + 16 + i]));
            }
            // A correct header checksum makes the one's-complement sum of the header
            // 0xffff.
            std::uint32_t sum = 0;
            for (int i = 0; i < 20; i += 2)
                sum += get_be16(frame, ip + i);
            while (sum >> 16)
                sum = (sum & 0xffff) + (sum >> 16);
            CPPUNIT_ASSERT_EQUAL(std::uint32_t(0xffff), sum);

            const std::size_t udp = ip + 20;
            CPPUNIT_ASSERT_EQUAL(std::uint16_t(40000), get_be16(frame, udp));
            CPPUNIT_ASSERT_EQUAL(std::uint16_t(7149), get_be16(frame, udp + 2));
            CPPUNIT_ASSERT_EQUAL(std::uint16_t(8 + payload->size()),
                                 get_be16(frame, udp + 4));
            CPPUNIT_ASSERT(bytes(frame.begin() + udp + 8, frame.end()) == *payload);
        }
        CPPUNIT_ASSERT_EQUAL(file.size(), pos);
    }

    void test_largest_payload()
    {
        // 65535 (IPv4 total length) - 20 (IP header) - 8 (UDP header)
        const bytes big(65507, 0xab);
        const std::string path = tmp_path("largest.pcap");
        {
            pcap_udp_writer writer(path, 7148);
            writer.write(big);
        }
        const std::vector<udp_datagram> got = read_pcap_udp(path);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), got.size());
        CPPUNIT_ASSERT(got[0].payload == big);
    }

    void test_oversize_payload_rejected()
    {
        pcap_udp_writer writer(tmp_path("oversize.pcap"), 7148);
        const bytes too_big(65508, 0);
        CPPUNIT_ASSERT_THROW(writer.write(too_big), std::invalid_argument);
    }

    void test_writer_bad_path()
    {
        const std::string path = "/nonexistent-dir-for-qa/out.pcap";
        try {
            pcap_udp_writer writer(path, 7148);
            CPPUNIT_FAIL("creating a file in a missing directory did not throw");
        } catch (const std::runtime_error& e) {
            CPPUNIT_ASSERT(std::string(e.what()).find(path) != std::string::npos);
        }
    }

    void test_filter()
    {
        const std::string path = tmp_path("filter.pcap");
        write_capture(path,
                      LINKTYPE_ETHERNET,
                      { whole(ethernet(ipv4(udp_segment(1, 7148, payload_a)), 0x0800)),
                        whole(ethernet(ipv4(udp_segment(2, 7149, payload_b)), 0x0800)),
                        whole(ethernet(ipv4(udp_segment(3, 7148, payload_b)), 0x0800)) });
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), read_pcap_udp(path).size());

        const std::vector<udp_datagram> got = read_pcap_udp(path, "udp dst port 7148");
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), got.size());
        CPPUNIT_ASSERT_EQUAL(std::uint16_t(1), got[0].src_port);
        CPPUNIT_ASSERT_EQUAL(std::uint16_t(3), got[1].src_port);
        CPPUNIT_ASSERT(got[1].payload == payload_b);

        CPPUNIT_ASSERT(read_pcap_udp(path, "udp dst port 9").empty());
    }

    void test_bad_path_named()
    {
        const std::string path = tmp_path("does_not_exist.pcap");
        try {
            read_pcap_udp(path);
            CPPUNIT_FAIL("opening a missing file did not throw");
        } catch (const std::runtime_error& e) {
            CPPUNIT_ASSERT(std::string(e.what()).find(path) != std::string::npos);
        }
    }

    void test_bad_filter_named()
    {
        const std::string path = tmp_path("bad_filter.pcap");
        write_capture(path, LINKTYPE_ETHERNET, {});
        const std::string filter = "udp dst port banana";
        try {
            read_pcap_udp(path, filter);
            CPPUNIT_FAIL("a filter that cannot compile did not throw");
        } catch (const std::runtime_error& e) {
            CPPUNIT_ASSERT(std::string(e.what()).find(filter) != std::string::npos);
        }
    }

    void test_unsupported_link_type()
    {
        const std::string path = tmp_path("wifi.pcap");
        write_capture(path, LINKTYPE_IEEE802_11, { whole(bytes(40, 0)) });
        try {
            read_pcap_udp(path);
            CPPUNIT_FAIL("an 802.11 capture did not throw");
        } catch (const std::runtime_error& e) {
            const std::string what = e.what();
            CPPUNIT_ASSERT(what.find(path) != std::string::npos);
            CPPUNIT_ASSERT(what.find("105") != std::string::npos);
        }
    }

    void test_vlan_tags()
    {
        const std::string path = tmp_path("vlan.pcap");
        write_capture(
            path,
            LINKTYPE_ETHERNET,
            { whole(ethernet(ipv4(udp_segment(5, 7148, payload_a)), 0x0800, 1)),
              whole(ethernet(ipv4(udp_segment(6, 7149, payload_b)), 0x0800, 2)) });
        // spead2 reads untagged frames only (checked against spead2 4.4.1).
        CPPUNIT_ASSERT(read_pcap_udp(path).empty());
        const std::vector<udp_datagram> got = read_pcap_udp(path, "", true);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), got.size());
        CPPUNIT_ASSERT_EQUAL(std::uint16_t(7148), got[0].dst_port);
        CPPUNIT_ASSERT(got[0].payload == payload_a);
        CPPUNIT_ASSERT_EQUAL(std::uint16_t(7149), got[1].dst_port);
        CPPUNIT_ASSERT(got[1].payload == payload_b);
    }

    void test_linux_sll()
    {
        const std::string path = tmp_path("sll.pcap");
        write_capture(path,
                      LINKTYPE_LINUX_SLL,
                      { whole(linux_sll(ipv4(udp_segment(5, 7148, payload_a)), 0x0800)),
                        whole(linux_sll(ipv6(udp_segment(6, 7149, payload_b)), 0x86dd)),
                        whole(linux_sll(bytes(28, 0), 0x0806)) }); // ARP
        // spead2 reads the IPv4 frame only (checked against spead2 4.4.1).
        const std::vector<udp_datagram> ipv4_only = read_pcap_udp(path);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), ipv4_only.size());
        CPPUNIT_ASSERT(ipv4_only[0].payload == payload_a);
        const std::vector<udp_datagram> got = read_pcap_udp(path, "", true);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), got.size());
        CPPUNIT_ASSERT(got[0].payload == payload_a);
        CPPUNIT_ASSERT_EQUAL(std::uint16_t(5), got[0].src_port);
        CPPUNIT_ASSERT(got[1].payload == payload_b);
        CPPUNIT_ASSERT_EQUAL(std::uint16_t(7149), got[1].dst_port);
    }

    void test_linux_sll2()
    {
        const std::string path = tmp_path("sll2.pcap");
        write_capture(
            path,
            LINKTYPE_LINUX_SLL2,
            { whole(linux_sll2(ipv4(udp_segment(5, 7148, payload_a)), 0x0800)),
              whole(linux_sll2(ipv6(udp_segment(6, 7149, payload_b)), 0x86dd)) });
        check_needs_extension(path);
        const std::vector<udp_datagram> got = read_pcap_udp(path, "", true);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), got.size());
        CPPUNIT_ASSERT(got[0].payload == payload_a);
        CPPUNIT_ASSERT_EQUAL(std::uint16_t(7148), got[0].dst_port);
        CPPUNIT_ASSERT(got[1].payload == payload_b);
        CPPUNIT_ASSERT_EQUAL(std::uint16_t(6), got[1].src_port);
    }

    void test_raw_ip()
    {
        const std::string path = tmp_path("raw.pcap");
        write_capture(path,
                      LINKTYPE_RAW,
                      { whole(ipv4(udp_segment(5, 7148, payload_a))),
                        whole(ipv6(udp_segment(6, 7149, payload_b))) });
        check_needs_extension(path);
        const std::vector<udp_datagram> got = read_pcap_udp(path, "", true);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), got.size());
        CPPUNIT_ASSERT(got[0].payload == payload_a);
        CPPUNIT_ASSERT(got[1].payload == payload_b);
        CPPUNIT_ASSERT_EQUAL(std::uint16_t(7149), got[1].dst_port);
    }

    void test_ipv6_over_ethernet()
    {
        const std::string path = tmp_path("ipv6.pcap");
        write_capture(
            path,
            LINKTYPE_ETHERNET,
            { whole(ethernet(ipv6(udp_segment(5, 7148, payload_a)), 0x86dd)),
              // next header 0 (hop-by-hop options): not followed, so skipped
              whole(ethernet(ipv6(udp_segment(6, 7148, payload_b), 0), 0x86dd)) });
        CPPUNIT_ASSERT(read_pcap_udp(path).empty()); // spead2 reads IPv4 only
        const std::vector<udp_datagram> got = read_pcap_udp(path, "", true);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), got.size());
        CPPUNIT_ASSERT(got[0].payload == payload_a);
        CPPUNIT_ASSERT_EQUAL(std::uint16_t(5), got[0].src_port);
    }

    void test_ipv4_options()
    {
        const std::string path = tmp_path("ihl.pcap");
        write_capture(
            path,
            LINKTYPE_ETHERNET,
            { whole(ethernet(ipv4(udp_segment(5, 7148, payload_a), 17, 1), 0x0800)),
              whole(ethernet(ipv4(udp_segment(6, 7149, payload_b), 17, 10), 0x0800)) });
        const std::vector<udp_datagram> got = read_pcap_udp(path);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), got.size());
        CPPUNIT_ASSERT_EQUAL(std::uint16_t(5), got[0].src_port);
        CPPUNIT_ASSERT_EQUAL(std::uint16_t(7148), got[0].dst_port);
        CPPUNIT_ASSERT(got[0].payload == payload_a);
        CPPUNIT_ASSERT_EQUAL(std::uint16_t(6), got[1].src_port);
        CPPUNIT_ASSERT(got[1].payload == payload_b);
    }

    void test_udp_length_bounds_payload()
    {
        // Ethernet pads frames to 60 bytes: trailing bytes must not join the payload.
        bytes padded = ethernet(ipv4(udp_segment(5, 7148, { 0x11, 0x22 })), 0x0800);
        padded.resize(60, 0xee);
        // A UDP length shorter than what the IP packet holds also wins.
        bytes short_udp = udp_segment(6, 7148, payload_b);
        short_udp[5] = 8 + 3;
        const std::string path = tmp_path("padding.pcap");
        write_capture(path,
                      LINKTYPE_ETHERNET,
                      { whole(padded), whole(ethernet(ipv4(short_udp), 0x0800)) });
        const std::vector<udp_datagram> got = read_pcap_udp(path);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), got.size());
        CPPUNIT_ASSERT(got[0].payload == bytes({ 0x11, 0x22 }));
        CPPUNIT_ASSERT(got[1].payload == bytes({ 1, 2, 3 }));
    }

    void test_skips_non_udp_and_truncated()
    {
        const bytes good = ethernet(ipv4(udp_segment(9, 7148, payload_a)), 0x0800);
        bytes cut = ethernet(ipv4(udp_segment(5, 7148, payload_b)), 0x0800);
        const std::size_t cut_original = cut.size();
        cut.resize(cut.size() - 3); // as a small snap length leaves it
        bytes udp_too_long = udp_segment(5, 7148, payload_b);
        udp_too_long[5] = std::uint8_t(udp_too_long[5] + 1);
        bytes udp_too_short = udp_segment(5, 7148, payload_b);
        udp_too_short[4] = 0;
        udp_too_short[5] = 7; // below its own header size
        bytes bad_ihl = ipv4(udp_segment(5, 7148, payload_b));
        bad_ihl[0] = 0x44;

        const std::string path = tmp_path("skips.pcap");
        write_capture(
            path,
            LINKTYPE_ETHERNET,
            { whole(ethernet(bytes(28, 0), 0x0806)),                             // ARP
              whole(ethernet(ipv4(udp_segment(5, 7148, payload_b), 6), 0x0800)), // TCP
              whole(ethernet(ipv4(udp_segment(5, 7148, payload_b), 17, 0, 0x2000),
                             0x0800)), // first fragment (more fragments)
              whole(ethernet(ipv4(udp_segment(5, 7148, payload_b), 17, 0, 0x0010),
                             0x0800)), // later fragment
              { cut, cut_original },
              whole(ethernet(ipv4(udp_too_long), 0x0800)),
              whole(ethernet(ipv4(udp_too_short), 0x0800)),
              whole(ethernet(bad_ihl, 0x0800)),
              whole(bytes(good.begin(), good.begin() + 13)), // shorter than Ethernet
              whole(bytes(good.begin(), good.begin() + 30)), // shorter than IPv4
              whole(bytes(good.begin(), good.begin() + 40)), // shorter than UDP
              whole(ethernet(bytes(good.begin() + 14, good.begin() + 40),
                             0x86dd)), // v4 as v6
              whole(good) });
        for (const bool extended : { false, true }) {
            const std::vector<udp_datagram> got = read_pcap_udp(path, "", extended);
            CPPUNIT_ASSERT_EQUAL(std::size_t(1), got.size());
            CPPUNIT_ASSERT_EQUAL(std::uint16_t(9), got[0].src_port);
            CPPUNIT_ASSERT(got[0].payload == payload_a);
        }
    }

    void test_cut_frames_only_with_extension()
    {
        // Two frames whose UDP datagram is whole although the frame is not: spead2 skips
        // a frame the snap length cut (even in its Ethernet padding) and an IPv4 packet
        // longer than its frame; the extension reads both. Checked against spead2 4.4.1.
        bytes padded = ethernet(ipv4(udp_segment(5, 7148, payload_a)), 0x0800);
        const std::size_t padded_length = padded.size() + 4;
        bytes long_ip = ipv4(udp_segment(6, 7148, payload_b));
        long_ip[3] = std::uint8_t(long_ip[3] + 2); // total length 2 beyond the frame
        const std::string path = tmp_path("cut.pcap");
        write_capture(path,
                      LINKTYPE_ETHERNET,
                      { { padded, padded_length }, whole(ethernet(long_ip, 0x0800)) });
        CPPUNIT_ASSERT(read_pcap_udp(path).empty());
        const std::vector<udp_datagram> got = read_pcap_udp(path, "", true);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), got.size());
        CPPUNIT_ASSERT(got[0].payload == payload_a);
        CPPUNIT_ASSERT(got[1].payload == payload_b);
    }

private:
    /// spead2 refuses the file's link type; the error says how to read it anyway.
    static void check_needs_extension(const std::string& path)
    {
        try {
            read_pcap_udp(path);
            CPPUNIT_FAIL("a capture of a link type spead2 refuses was read");
        } catch (const std::runtime_error& e) {
            const std::string what = e.what();
            CPPUNIT_ASSERT(what.find(path) != std::string::npos);
            CPPUNIT_ASSERT(what.find("extended_frames") != std::string::npos);
        }
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(qa_pcap_file);
