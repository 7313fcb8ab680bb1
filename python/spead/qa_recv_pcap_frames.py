#!/usr/bin/env python3
#
# Copyright 2026 gr-spead authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#

"""Which frames of a capture file add_udp_pcap_file_reader reads: by default exactly
spead2's (untagged IPv4 in Ethernet or Linux cooked capture files; checked against
spead2 4.4.1 on the same files), and with extended_frames=True (a gr-spead extension)
also VLAN-tagged and IPv6 frames and Linux cooked v2 and raw IP files. The files are
written here byte by byte."""

import os
import struct
import tempfile

from gnuradio import gr_unittest

import gnuradio.spead as spead2
from gnuradio.spead import recv
from recv_test_support import get_heaps, packet

ID = 0x1000
LINKTYPE_ETHERNET, LINKTYPE_RAW, LINKTYPE_LINUX_SLL, LINKTYPE_LINUX_SLL2 = 1, 101, 113, 276


def udp(payload, port=7148):
    return struct.pack('>HHHH', 40000, port, 8 + len(payload), 0) + payload


def ipv4(segment, protocol=17, flags_fragment=0x4000, extra_length=0):
    header = struct.pack('>BBHHHBBH4s4s', 0x45, 0, 20 + len(segment) + extra_length, 1,
                         flags_fragment, 64, protocol, 0, bytes([127, 0, 0, 1]),
                         bytes([127, 0, 0, 1]))
    return header + segment


def ipv6(segment):
    return struct.pack('>IHBB', 0x60000000, len(segment), 17, 64) + bytes(15) + b'\x01' \
        + bytes(15) + b'\x01' + segment


def ethernet(network, ethertype, vlan=None):
    tag = b'' if vlan is None else struct.pack('>HH', 0x8100, vlan)
    return bytes(12) + tag + struct.pack('>H', ethertype) + network


def linux_sll(network, protocol):
    return struct.pack('>HHH8sH', 0, 772, 0, bytes(8), protocol) + network


def linux_sll2(network, protocol):
    return struct.pack('>HHIHBB8s', protocol, 0, 1, 772, 0, 0, bytes(8)) + network


def heap(cnt):
    return packet(cnt, [(ID, cnt)])


def write_pcap(path, link_type, frames):
    """``frames`` are bytes, or (bytes, original length) for a frame cut short."""
    with open(path, 'wb') as f:
        f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 262144, link_type))
        for i, frame in enumerate(frames):
            data, length = frame if isinstance(frame, tuple) else (frame, len(frame))
            f.write(struct.pack('<IIII', 1767225600, i, len(data), length) + data)


def read_cnts(path, **kwargs):
    stream = recv.Stream(spead2.ThreadPool(), recv.StreamConfig(max_heaps=8))
    stream.add_udp_pcap_file_reader(path, **kwargs)
    return [h.cnt for h in get_heaps(stream)]


class qa_recv_pcap_frames(gr_unittest.TestCase):

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()

    def tearDown(self):
        self.tmp.cleanup()

    def path(self, name):
        return os.path.join(self.tmp.name, name)

    def ethernet_file(self):
        """Heaps 1-9 in Ethernet frames of every kind, 10 in an ARP-typed frame."""
        path = self.path('ethernet.pcap')
        write_pcap(path, LINKTYPE_ETHERNET, [
            ethernet(ipv4(udp(heap(1))), 0x0800),
            ethernet(ipv4(udp(heap(2))), 0x0800, vlan=100),                 # 802.1Q
            ethernet(ipv6(udp(heap(3))), 0x86dd),
            ethernet(ipv4(udp(heap(4)), flags_fragment=0x2000), 0x0800),     # fragment
            ethernet(ipv4(udp(heap(5)), protocol=6), 0x0800),                # "TCP"
            (ethernet(ipv4(udp(heap(6))), 0x0800), 70 + len(heap(6))),      # cut short
            ethernet(ipv4(udp(heap(7)), extra_length=2), 0x0800),            # IP too long
            ethernet(ipv6(udp(heap(8))), 0x86dd, vlan=7),
            ethernet(ipv4(udp(heap(9))), 0x0800),
            ethernet(ipv4(udp(heap(10))), 0x0806),
        ])
        return path

    def test_ethernet_as_spead2(self):
        self.assertEqual(read_cnts(self.ethernet_file()), [1, 9])

    def test_ethernet_extended(self):
        path = self.ethernet_file()
        self.assertEqual(read_cnts(path, extended_frames=True), [1, 2, 3, 6, 7, 8, 9])
        self.assertEqual(read_cnts(path, filter='vlan', extended_frames=True), [2, 8])

    def test_filter_as_spead2(self):
        path = self.ethernet_file()
        self.assertEqual(read_cnts(path, filter='udp dst port 7148'), [1, 9])
        self.assertEqual(read_cnts(path, filter='udp dst port 7149'), [])

    def linux_sll_file(self):
        path = self.path('sll.pcap')
        write_pcap(path, LINKTYPE_LINUX_SLL, [
            linux_sll(ipv4(udp(heap(1))), 0x0800),
            linux_sll(ipv6(udp(heap(2))), 0x86dd),
            linux_sll(ipv4(udp(heap(3))), 0x0800),
        ])
        return path

    def test_linux_sll_as_spead2(self):
        self.assertEqual(read_cnts(self.linux_sll_file()), [1, 3])

    def test_linux_sll_extended(self):
        self.assertEqual(read_cnts(self.linux_sll_file(), extended_frames=True), [1, 2, 3])

    def other_link_files(self):
        sll2 = self.path('sll2.pcap')
        write_pcap(sll2, LINKTYPE_LINUX_SLL2, [linux_sll2(ipv4(udp(heap(1))), 0x0800),
                                               linux_sll2(ipv6(udp(heap(2))), 0x86dd)])
        raw = self.path('raw.pcap')
        write_pcap(raw, LINKTYPE_RAW, [ipv4(udp(heap(1))), ipv6(udp(heap(2)))])
        return sll2, raw

    def test_other_link_types_refused_as_spead2(self):
        # spead2 raises RuntimeError for any link type but Ethernet and Linux SLL.
        for path in self.other_link_files():
            stream = recv.Stream(spead2.ThreadPool())
            with self.assertRaises(RuntimeError):
                stream.add_udp_pcap_file_reader(path)
            stream.stop()

    def test_other_link_types_extended(self):
        for path in self.other_link_files():
            self.assertEqual(read_cnts(path, extended_frames=True), [1, 2])

    def test_extension_is_keyword_only(self):
        stream = recv.Stream(spead2.ThreadPool())
        with self.assertRaises(TypeError):
            stream.add_udp_pcap_file_reader(self.ethernet_file(), '', True)
        stream.stop()


if __name__ == '__main__':
    gr_unittest.run(qa_recv_pcap_frames)
