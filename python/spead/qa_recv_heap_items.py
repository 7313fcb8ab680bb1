#!/usr/bin/env python3
#
# Copyright 2026 gr-spead authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#

"""What recv.Heap and recv.IncompleteHeap hand out: exactly which raw items, in which
order, with which values, for streams made here. Every expectation was checked against
spead2 4.4.1 on the same bytes (the module names ``spead2`` and ``recv`` below can be
pointed at spead2 itself to repeat that)."""

from gnuradio import gr_unittest

import gnuradio.spead as spead2
from gnuradio.spead import recv
from recv_test_support import descriptor, fragment, get_heaps, packet

DESC = descriptor(0x1001, 'first', 'the first item', format=[('u', 8)], shape=(4,))
# One heap's payload: items 0x1001 (4 bytes), a descriptor, 0x1002 (6), 0x1003 (3).
PAYLOAD = b'AAAA' + DESC + b'BBBBBB' + b'CCC'
OFFSETS = {0x1001: 0, 0x05: 4, 0x1002: 4 + len(DESC), 0x1003: 10 + len(DESC)}
SPLIT = 8  # the heap goes out in two packets, this many payload bytes in the first
# Its pointers, half in each packet, addressed ones out of offset order and immediates
# (0x1010-0x1013) with repeated values.
FIRST_POINTERS = [(True, 0x1010, 5), (False, 0x1003, OFFSETS[0x1003]),
                  (True, 0x1011, 2), (False, 0x05, OFFSETS[0x05])]
SECOND_POINTERS = [(True, 0x1012, 5), (False, 0x1002, OFFSETS[0x1002]),
                   (False, 0x1001, OFFSETS[0x1001]), (True, 0x1013, 2)]


def first_packet(cnt=1):
    return fragment(cnt, len(PAYLOAD), 0, PAYLOAD[:SPLIT], FIRST_POINTERS)


def second_packet(cnt=1):
    return fragment(cnt, len(PAYLOAD), SPLIT, PAYLOAD[SPLIT:], SECOND_POINTERS)


def items_of(heap):
    """(id, is_immediate, value): the immediate value, or the bytes."""
    return [(item.id, item.is_immediate,
             item.immediate_value if item.is_immediate else bytes(item))
            for item in heap.get_items()]


def heaps_of(data, config=None, ring_config=None):
    stream = recv.Stream(spead2.ThreadPool(), config or recv.StreamConfig(),
                         ring_config or recv.RingStreamConfig())
    stream.add_buffer_reader(data)
    return get_heaps(stream)


class qa_recv_heap_items(gr_unittest.TestCase):

    def test_complete_heap_items_in_order(self):
        # Addressed items by offset, the descriptor left out; then immediates by value,
        # 0x1011 before 0x1013 (both 2) and 0x1010 before 0x1012 (both 5) as they came.
        heaps = heaps_of(first_packet() + second_packet())
        self.assertEqual(len(heaps), 1)
        self.assertIsInstance(heaps[0], recv.Heap)
        self.assertEqual(items_of(heaps[0]), [
            (0x1001, False, b'AAAA'),
            (0x1002, False, b'BBBBBB'),
            (0x1003, False, b'CCC'),
            (0x1011, True, 2),
            (0x1013, True, 2),
            (0x1010, True, 5),
            (0x1012, True, 5),
        ])
        descriptors = heaps[0].get_descriptors()
        self.assertEqual([(d.id, d.name, d.shape) for d in descriptors],
                         [(0x1001, b'first', [4])])

    def test_ties_follow_arrival_order(self):
        # The second packet first (out of order allowed): its pointers arrive first, so
        # of equal immediate values 0x1013 and 0x1012 now come first.
        heaps = heaps_of(second_packet() + first_packet(),
                         recv.StreamConfig(allow_out_of_order=True))
        self.assertEqual(len(heaps), 1)
        self.assertEqual([item_id for item_id, _, _ in items_of(heaps[0])],
                         [0x1001, 0x1002, 0x1003, 0x1013, 0x1011, 0x1012, 0x1010])

    def test_descriptor_only_heap_has_no_items(self):
        heaps = heaps_of(packet(3, [(0x05, DESC)]))
        self.assertEqual(items_of(heaps[0]), [])
        self.assertEqual([d.id for d in heaps[0].get_descriptors()], [0x1001])

    def test_incomplete_heap_gives_immediates_only(self):
        # The second packet is lost: the heap is flushed incomplete, and only the
        # immediates of the first packet come out (never the addressed items, whose
        # bytes did not all arrive).
        for keep_ranges in (False, True):
            heaps = heaps_of(first_packet(), recv.StreamConfig(),
                             recv.RingStreamConfig(contiguous_only=False,
                                                   incomplete_keep_payload_ranges=keep_ranges))
            self.assertEqual(len(heaps), 1)
            heap = heaps[0]
            self.assertIsInstance(heap, recv.IncompleteHeap)
            self.assertEqual(items_of(heap), [(0x1011, True, 2), (0x1010, True, 5)])
            self.assertEqual(heap.heap_length, len(PAYLOAD))
            self.assertEqual(heap.received_length, SPLIT)
            self.assertEqual(heap.payload_ranges, [(0, SPLIT)] if keep_ranges else [])
            self.assertFalse(hasattr(heap, 'get_descriptors'))

    def test_incomplete_heap_with_a_hole(self):
        # Packets 1 and 3 of three arrive (out of order allowed): the immediates of both,
        # by value, and the two received ranges.
        third = len(PAYLOAD) - 4
        data = (fragment(2, len(PAYLOAD), 0, PAYLOAD[:SPLIT], FIRST_POINTERS)
                + fragment(2, len(PAYLOAD), third, PAYLOAD[third:], SECOND_POINTERS))
        heaps = heaps_of(data, recv.StreamConfig(allow_out_of_order=True),
                         recv.RingStreamConfig(contiguous_only=False,
                                               incomplete_keep_payload_ranges=True))
        self.assertEqual(len(heaps), 1)
        heap = heaps[0]
        self.assertIsInstance(heap, recv.IncompleteHeap)
        self.assertEqual(items_of(heap), [(0x1011, True, 2), (0x1013, True, 2),
                                          (0x1010, True, 5), (0x1012, True, 5)])
        self.assertEqual((heap.cnt, heap.heap_length, heap.received_length),
                         (2, len(PAYLOAD), SPLIT + 4))
        self.assertEqual(heap.payload_ranges, [(0, SPLIT), (third, len(PAYLOAD))])

    def test_class_constants(self):
        self.assertEqual(recv.StreamConfig.DEFAULT_MAX_HEAPS, 4)
        self.assertEqual(recv.RingStreamConfig.DEFAULT_HEAPS, 4)
        self.assertEqual(recv.StreamConfig().max_heaps, recv.StreamConfig.DEFAULT_MAX_HEAPS)
        self.assertEqual(recv.RingStreamConfig().heaps, recv.RingStreamConfig.DEFAULT_HEAPS)


if __name__ == '__main__':
    gr_unittest.run(qa_recv_heap_items)
