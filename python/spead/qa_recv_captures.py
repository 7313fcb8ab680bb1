#!/usr/bin/env python3
#
# Copyright 2026 gr-spead authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#

"""The three reference captures made by spead2 4.4.1, decoded through
add_udp_pcap_file_reader and ItemGroup; every value checked as
tests/data/captures/README.md states it."""

import os

import numpy as np
from gnuradio import gr_unittest

import gnuradio.spead as spead2
from recv_test_support import captures_dir, get_heaps

SINGLE_DATA_DESCRIPTION = '4096 complex int8 samples as (re, im) pairs'


def read_capture(name):
    stream = spead2.recv.Stream(spead2.ThreadPool())
    stream.add_udp_pcap_file_reader(os.path.join(captures_dir(), name))
    heaps = get_heaps(stream)
    return stream, heaps


class qa_recv_captures(gr_unittest.TestCase):
    def check_common(self, name, address_bits, packets, items):
        stream, heaps = read_capture(name)
        self.assertEqual(len(heaps), 21)
        self.assertEqual([h.cnt for h in heaps], list(range(1, 22)))
        stats = stream.stats
        self.assertEqual(stats['heaps'], 21)
        self.assertEqual(stats['packets'], packets)
        self.assertEqual(stats['incomplete_heaps_evicted'], 0)
        self.assertEqual(stats['incomplete_heaps_flushed'], 0)
        self.assertEqual(stream.reject_stats['packets_rejected'], 0)
        for heap in heaps:
            self.assertIsInstance(heap, spead2.recv.Heap)
            self.assertEqual(heap.flavour.heap_address_bits, address_bits)
        ig = spead2.ItemGroup()
        # Heap 1 carries one descriptor per data item and no values. (The README's
        # common layout says three DESCRIPTOR items; the multi-packet file, which has
        # two data items, carries two: its first packet has two pointers of ID 5.)
        self.assertEqual(len(heaps[0].get_descriptors()), items)
        self.assertEqual(ig.update(heaps[0]), {})
        timestamp = ig['timestamp']
        self.assertEqual((timestamp.id, timestamp.format, timestamp.shape, timestamp.dtype),
                         (0x1600, [('u', 40)], (), None))
        self.assertEqual(timestamp.description, 'ADC sample count of first sample (immediate)')
        self.assertEqual(ig['data'].id, 0x1602)
        return ig, heaps

    def check_timestamp(self, heap, updated, k):
        self.assertEqual(updated['timestamp'].value, 1000000 + 8192 * k)
        raw = [item for item in heap.get_items() if item.id == 0x1600][0]
        self.assertTrue(raw.is_immediate)
        self.assertEqual(raw.immediate_value, 1000000 + 8192 * k)

    def check_single_packet(self, name, address_bits):
        ig, heaps = self.check_common(name, address_bits, 22, 3)
        seq, data = ig['seq'], ig['data']
        self.assertEqual((seq.id, seq.dtype, seq.shape), (0x1601, np.dtype('<u8'), ()))
        self.assertEqual(seq.description, 'Heap sequence number (8-byte payload scalar)')
        self.assertEqual((data.dtype, data.shape), (np.dtype('|i1'), (4096, 2)))
        self.assertEqual(data.description, SINGLE_DATA_DESCRIPTION)
        for heap in heaps[1:]:
            k = heap.cnt - 2
            updated = ig.update(heap)
            self.assertEqual(sorted(updated), ['data', 'seq', 'timestamp'])
            self.check_timestamp(heap, updated, k)
            self.assertEqual(updated['seq'].value, k)
            self.assertIsInstance(updated['seq'].value, np.uint64)
            value = updated['data'].value
            self.assertEqual((value.dtype, value.shape), (np.dtype(np.int8), (4096, 2)))
            re = ((np.arange(4096) + k) % 256) - 128
            im = np.clip(-re, -128, 127)
            np.testing.assert_array_equal(value[:, 0], re)
            np.testing.assert_array_equal(value[:, 1], im)

    def test_spead2_64_40_single_packet(self):
        self.check_single_packet('spead2_64_40_single_packet.pcap', 40)

    def test_spead2_64_48_single_packet(self):
        self.check_single_packet('spead2_64_48_single_packet.pcap', 48)

    def test_spead2_64_40_multi_packet(self):
        ig, heaps = self.check_common('spead2_64_40_multi_packet.pcap', 40, 462, 2)
        data = ig['data']
        self.assertEqual((data.dtype, data.shape), (np.dtype('<c8'), (4096,)))
        self.assertEqual(data.description, '4096 complex64 samples')
        self.assertNotIn('seq', ig)
        for heap in heaps[1:]:
            k = heap.cnt - 2
            updated = ig.update(heap)
            self.assertEqual(sorted(updated), ['data', 'timestamp'])
            self.check_timestamp(heap, updated, k)
            value = updated['data'].value
            self.assertEqual((value.dtype, value.shape), (np.dtype(np.complex64), (4096,)))
            np.testing.assert_array_equal(value, np.arange(4096) + 1j * k)


if __name__ == '__main__':
    gr_unittest.run(qa_recv_captures)
