#!/usr/bin/env python3
#
# Copyright 2026 gr-spead authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#

"""The heap encoder and packet decoder as Python sees them.

Expected bytes are written out here from the protocol document (header bytes, pointer
bit layout built with int.to_bytes) and from spead2's packets in the reference captures.
"""

import os
import struct

import numpy as np
from gnuradio import gr_unittest
from gnuradio import spead

IMMEDIATE = 1 << 63


def pointer(immediate, item_id, value, address_bits=40):
    """One item pointer as on the wire, built from SPEAD-PROTOCOL.md section 2."""
    word = (IMMEDIATE if immediate else 0) | (item_id << address_bits) | value
    return word.to_bytes(8, 'big')


def header(n_pointers, address_bits=40):
    return bytes([0x53, 0x04, (64 - address_bits) // 8, address_bits // 8, 0, 0]) + \
        n_pointers.to_bytes(2, 'big')


def capture_udp_payloads(name):
    """UDP payloads of a classic pcap of Ethernet/IPv4/UDP frames, read by hand."""
    path = os.path.join(os.environ.get('SPEAD_CAPTURES_DIR',
                                       os.path.join(os.path.dirname(__file__),
                                                    '../../tests/data/captures')), name)
    with open(path, 'rb') as f:
        data = f.read()
    assert struct.unpack_from('<I', data, 0)[0] == 0xa1b2c3d4
    at, out = 24, []
    while at + 16 <= len(data):
        captured = struct.unpack_from('<I', data, at + 8)[0]
        frame = data[at + 16:at + 16 + captured]
        udp = 14 + (frame[14] & 0x0f) * 4
        udp_length = struct.unpack_from('>H', frame, udp + 4)[0]
        out.append(frame[udp + 8:udp + udp_length])
        at += 16 + captured
    return out


class qa_heap_encoder(gr_unittest.TestCase):
    def test_single_packet_heap_bytes(self):
        packets = spead.encode_heap(7, [(0x1600, 1000000), (0x1601, b'\x01\x02\x03')])
        self.assertEqual(len(packets), 1)
        expected = (header(6)
                    + pointer(True, 0x01, 7) + pointer(True, 0x02, 3)
                    + pointer(True, 0x03, 0) + pointer(True, 0x04, 3)
                    + pointer(True, 0x1600, 1000000) + pointer(False, 0x1601, 0)
                    + b'\x01\x02\x03')
        self.assertEqual(packets[0], expected)
        self.assertEqual(packets[0][:4], bytes([0x53, 0x04, 0x03, 0x05]))

    def test_flavour_64_48(self):
        packets = spead.encode_heap(7, [(0x1000, b'abc')], flavour=spead.Flavour(4, 64, 48))
        p = packets[0]
        self.assertEqual(p[:4], bytes([0x53, 0x04, 0x02, 0x06]))
        # Examples straight from the protocol document.
        self.assertEqual(p[8:16], bytes.fromhex('8001000000000007'))
        self.assertEqual(p[40:48], bytes.fromhex('1000000000000000'))

    def test_multi_packet_layout_of_capture(self):
        # 32768-byte item plus an immediate timestamp at 1472 bytes (captures README).
        data = np.arange(4096, dtype='<f4').astype('<c8').tobytes()
        packets = spead.encode_heap(2, [(0x1600, 1000000), (0x1602, data)])
        self.assertEqual([len(p) for p in packets], [1472] * 22 + [1320])
        first = spead.decode_packet(packets[0])
        self.assertEqual(len(first['items']), 6)
        self.assertEqual(first['payload_length'], 1416)
        later = spead.decode_packet(packets[1])
        self.assertEqual(len(later['items']), 4)
        self.assertEqual((later['payload_offset'], later['payload_length']), (1416, 1432))
        self.assertEqual(b''.join(spead.decode_packet(p)['payload'] for p in packets), data)

    def test_identical_to_spead2_capture(self):
        captured = capture_udp_payloads('spead2_64_40_single_packet.pcap')
        for k in (0, 7):
            re = ((np.arange(4096) + k) % 256) - 128
            im = np.clip(-re, -128, 127)
            data = np.stack([re, im], axis=1).astype('i1').tobytes()
            seq = np.array(k, dtype='<u8').tobytes()
            packets = spead.encode_heap(k + 2, [(0x1600, 1000000 + 8192 * k), (0x1601, seq),
                                                (0x1602, data)], max_packet_size=8972)
            self.assertEqual(packets, [captured[1 + k]])
        self.assertEqual(len(captured[1]), 8264)

    def test_without_heap_length(self):
        packets = spead.encode_heap(3, [(0x1602, bytes(3000))], include_heap_length=False)
        ids = [[item_id for _, item_id, _ in spead.decode_packet(p)['items']] for p in packets]
        self.assertTrue(all(spead.HEAP_LENGTH_ID not in i for i in ids))
        # 1472 - 8 - 3 * 8 - 8 = 1432, then 1472 - 32 = 1440 per packet.
        self.assertEqual([len(p) for p in packets], [1472, 1472, 32 + 3000 - 1432 - 1440])
        self.assertEqual(spead.decode_packet(packets[0])['heap_length'], -1)

    def test_stream_ctrl_and_stop_heap(self):
        start = spead.decode_packet(
            spead.encode_heap(1, [(0x1000, 5)], stream_ctrl=spead.CTRL_STREAM_START)[0])
        self.assertEqual(start['items'][4:], [(True, spead.STREAM_CTRL_ID, 0),
                                              (True, 0x1000, 5)])
        stop = spead.encode_stop_heap(22)
        self.assertEqual(stop, [header(5) + pointer(True, 1, 22) + pointer(True, 2, 0)
                                + pointer(True, 3, 0) + pointer(True, 4, 0)
                                + pointer(True, 6, 2)])

    def test_buffer_kinds(self):
        for value in (b'abcd', bytearray(b'abcd'), memoryview(b'abcd'),
                      np.frombuffer(b'abcd', dtype=np.uint8)):
            p = spead.decode_packet(spead.encode_heap(1, [(0x1000, value)])[0])
            self.assertEqual(p['payload'], b'abcd')
            self.assertEqual(p['items'][4], (False, 0x1000, 0))
        # Empty items keep their pointer.
        p = spead.decode_packet(spead.encode_heap(1, [(0x1000, b''), (0x1001, b'x')])[0])
        self.assertEqual(p['items'][4:], [(False, 0x1000, 0), (False, 0x1001, 0)])

    def test_decode_packet_fields(self):
        packet = (header(5, 48) + pointer(True, 1, 9, 48) + pointer(True, 3, 4, 48)
                  + pointer(True, 4, 2, 48) + pointer(True, 0x1234, 77, 48)
                  + pointer(False, 0x1235, 4, 48) + b'xy')
        d = spead.decode_packet(packet)
        self.assertEqual(d['heap_cnt'], 9)
        self.assertEqual(d['heap_length'], -1)
        self.assertEqual((d['payload_offset'], d['payload_length']), (4, 2))
        self.assertEqual(d['heap_address_bits'], 48)
        self.assertEqual(d['items'][3:], [(True, 0x1234, 77), (False, 0x1235, 4)])
        self.assertEqual(d['payload'], b'xy')

    def test_decode_packet_errors_name_the_status(self):
        good = spead.encode_heap(1, [(0x1000, b'abc')])[0]
        cases = [
            (b'\x53\x04', 'too_short'),
            (b'\x54' + good[1:], 'bad_magic'),
            (good[:1] + b'\x03' + good[2:], 'bad_version'),
            (good[:2] + b'\x04\x05' + good[4:], 'bad_widths'),
            (good + b'\x00', 'length_mismatch'),
            (header(3) + pointer(True, 3, 0) + pointer(True, 4, 0) + pointer(True, 0x10, 1),
             'missing_heap_cnt'),
        ]
        for data, name in cases:
            with self.assertRaises(ValueError) as cm:
                spead.decode_packet(data)
            self.assertEqual(str(cm.exception), name)

    def test_encode_errors(self):
        with self.assertRaisesRegex(ValueError, '0x800000'):
            spead.encode_heap(1, [(0x800000, 1)])
        with self.assertRaisesRegex(ValueError, '0x8000'):
            spead.encode_heap(1, [(0x8000, b'x')], flavour=spead.Flavour(4, 64, 48))
        with self.assertRaisesRegex(ValueError, '0x1600'):
            spead.encode_heap(1, [(0x1600, 1 << 40)])
        with self.assertRaisesRegex(ValueError, '0x1600'):
            spead.encode_heap(1, [(0x1600, -1)])
        with self.assertRaisesRegex(ValueError, '0x2'):
            spead.encode_heap(1, [(spead.HEAP_LENGTH_ID, 5)])
        with self.assertRaisesRegex(ValueError, 'max_packet_size.*55.*56'):
            spead.encode_heap(1, [(0x1000, b'x')], max_packet_size=55)
        with self.assertRaisesRegex(ValueError, 'max_packet_size'):
            spead.encode_stop_heap(1, max_packet_size=40)
        with self.assertRaisesRegex(TypeError, 'str'):
            spead.encode_heap(1, [(0x1000, 'text')])
        with self.assertRaises(TypeError):
            spead.encode_heap(1, [(0x1000, 1, 2)])
        with self.assertRaisesRegex(ValueError, 'heap cnt'):
            spead.encode_heap(1 << 40, [])


if __name__ == '__main__':
    gr_unittest.run(qa_heap_encoder)
