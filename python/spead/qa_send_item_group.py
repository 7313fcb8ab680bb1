#!/usr/bin/env python3
#
# Copyright 2026 gr-spead authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#

"""HeapGenerator and send.ItemGroup: which descriptors and values each heap carries.

A recording heap stands in for send.Heap where only the calls matter; the sequences
expected are written out from spead2.send's documented rules (first heap: everything;
then only what changed; descriptors again every descriptor_frequency heaps or when an
item is replaced). Every test here, run with spead2 4.4.1's HeapGenerator, ItemGroup,
Heap and streams in place of ours, passes as well (checked).
"""

import gc
import weakref

import numpy as np
import unittest

from gnuradio import gr_unittest

import gnuradio.spead as spead2
from gnuradio.spead.send.item_group import HeapGenerator, ItemGroup

try:
    from gnuradio.spead.send import Heap
except ImportError:
    Heap = None


class RecordingHeap:
    """Records what a HeapGenerator adds, using the item the way send.Heap does
    (to_raw for a descriptor; to_buffer and allow_immediate for a value)."""

    def __init__(self, flavour=spead2.Flavour()):
        self.flavour = flavour
        self.calls = []

    def add_descriptor(self, descriptor):
        raw = descriptor.to_raw(self.flavour)
        self.calls.append(('d', raw.id))

    def add_item(self, item):
        item.to_buffer()
        item.allow_immediate()
        self.calls.append(('v', item.id))


def calls(generator, **kwargs):
    return generator.add_to_heap(RecordingHeap(), **kwargs).calls


def u8_group(group, names=('a', 'b', 'c')):
    """Items a, b, c (IDs 0x1000...) of which a and b have values."""
    for number, name in enumerate(names):
        group.add_item(None, name, '', (), format=[('u', 8)],
                       value=number if number < 2 else None)
    return group


class qa_send_item_group(gr_unittest.TestCase):
    def test_first_heap_has_every_descriptor_then_only_changes(self):
        generator = HeapGenerator(u8_group(spead2.ItemGroup()))
        self.assertEqual(calls(generator), [('d', 0x1000), ('v', 0x1000), ('d', 0x1001),
                                            ('v', 0x1001), ('d', 0x1002)])
        self.assertEqual(calls(generator), [])

    def test_assigning_a_value_sends_it_once(self):
        group = u8_group(spead2.ItemGroup())
        generator = HeapGenerator(group)
        calls(generator)
        group['b'].value = 7
        group['c'].value = 8
        self.assertEqual(calls(generator), [('v', 0x1001), ('v', 0x1002)])
        self.assertEqual(calls(generator), [])

    def test_in_place_changes_need_data_all_or_a_version_bump(self):
        group = spead2.ItemGroup()
        group.add_item(0x1500, 'v', '', (2,), dtype='<u2', value=np.zeros(2, '<u2'))
        generator = HeapGenerator(group)
        calls(generator)
        group['v'].value[0] = 5
        self.assertEqual(calls(generator), [])
        self.assertEqual(calls(generator, data='all'), [('v', 0x1500)])
        group['v'].version += 1
        self.assertEqual(calls(generator), [('v', 0x1500)])

    def test_descriptor_frequency_counts_heaps(self):
        generator = HeapGenerator(u8_group(spead2.ItemGroup(), ('a',)),
                                  descriptor_frequency=3)
        sent = [calls(generator) for _ in range(7)]
        self.assertEqual(sent, [[('d', 0x1000), ('v', 0x1000)], [], [], [('d', 0x1000)],
                                [], [], [('d', 0x1000)]])

    def test_descriptor_frequency_counts_each_descriptor_from_its_last_sending(self):
        group = u8_group(spead2.ItemGroup(), ('a',))
        generator = HeapGenerator(group, descriptor_frequency=2)
        calls(generator)                                   # heap 0: a
        group.add_item(None, 'b', '', (), format=[('u', 8)])
        self.assertEqual(calls(generator), [('d', 0x1001)])                 # heap 1
        self.assertEqual(calls(generator), [('d', 0x1000)])                 # heap 2
        self.assertEqual(calls(generator), [('d', 0x1001)])                 # heap 3
        # 'all' resets the count too.
        self.assertEqual(calls(generator, descriptors='all'),
                         [('d', 0x1000), ('d', 0x1001)])                    # heap 4
        self.assertEqual(calls(generator), [])                              # heap 5

    def test_replaced_item_sends_its_descriptor_and_value_again(self):
        group = u8_group(spead2.ItemGroup(), ('a', 'b'))
        generator = HeapGenerator(group)
        calls(generator)
        # A new descriptor under ID 0x1000 replaces 'a' (a new object, no value)...
        group.add_item(0x1000, 'a', '', (2,), format=[('u', 8)])
        self.assertEqual(calls(generator), [('d', 0x1000)])
        group['a'].value = [1, 2]
        self.assertEqual(calls(generator), [('v', 0x1000)])
        # ...and one with a value whose version happens to equal the old one's.
        old_version = group['b'].version
        replacement = group.add_item(0x1001, 'b', 'new', (), format=[('u', 16)], value=9)
        self.assertGreater(replacement.version, old_version)
        self.assertEqual(calls(generator), [('d', 0x1001), ('v', 0x1001)])

    def test_identical_descriptor_keeps_the_item(self):
        group = u8_group(spead2.ItemGroup(), ('a',))
        generator = HeapGenerator(group)
        calls(generator)
        group.add_item(0x1000, 'a', '', (), format=[('u', 8)], value=3)
        self.assertEqual(calls(generator), [('v', 0x1000)])

    def test_all_and_none(self):
        generator = HeapGenerator(u8_group(spead2.ItemGroup()))
        self.assertEqual(calls(generator, descriptors='none', data='none'), [])
        self.assertEqual(calls(generator, descriptors='none'),
                         [('v', 0x1000), ('v', 0x1001)])
        self.assertEqual(calls(generator, data='none'),
                         [('d', 0x1000), ('d', 0x1001), ('d', 0x1002)])
        # Values without a value (c) are never sent, even with 'all'.
        self.assertEqual(calls(generator, descriptors='all', data='all'),
                         [('d', 0x1000), ('v', 0x1000), ('d', 0x1001), ('v', 0x1001),
                          ('d', 0x1002)])

    def test_bad_choices_raise_value_error_naming_the_argument(self):
        generator = HeapGenerator(u8_group(spead2.ItemGroup()))
        with self.assertRaisesRegex(ValueError, 'descriptors'):
            calls(generator, descriptors='some')
        with self.assertRaisesRegex(ValueError, 'data'):
            calls(generator, data=None)
        # Nothing was marked as sent.
        self.assertEqual(len(calls(generator)), 5)

    def test_add_to_heap_returns_the_heap_and_positional_arguments(self):
        generator = HeapGenerator(u8_group(spead2.ItemGroup()))
        heap = RecordingHeap()
        self.assertIs(generator.add_to_heap(heap, 'none', 'all'), heap)
        self.assertEqual(heap.calls, [('v', 0x1000), ('v', 0x1001)])

    def test_generators_of_one_group_are_independent(self):
        group = u8_group(spead2.ItemGroup())
        first, second = HeapGenerator(group), HeapGenerator(group)
        calls(first)
        group['a'].value = 4
        self.assertEqual(calls(first), [('v', 0x1000)])
        self.assertEqual(len(calls(second)), 5)

    def test_send_item_group_is_both(self):
        group = ItemGroup(descriptor_frequency=2)
        self.assertIsInstance(group, spead2.ItemGroup)
        self.assertIsInstance(group, HeapGenerator)
        u8_group(group, ('a',))
        self.assertEqual([calls(group) for _ in range(3)],
                         [[('d', 0x1000), ('v', 0x1000)], [], [('d', 0x1000)]])

    def test_send_item_group_has_no_reference_cycle(self):
        gc.disable()
        try:
            group = u8_group(ItemGroup())
            calls(group)
            ref = weakref.ref(group)
            del group
            self.assertIsNone(ref())
        finally:
            gc.enable()

    def test_generator_does_not_keep_replaced_items_alive(self):
        group = u8_group(spead2.ItemGroup(), ('a',))
        generator = HeapGenerator(group)
        calls(generator)
        ref = weakref.ref(group['a'])
        group.add_item(0x1000, 'a', '', (3,), format=[('u', 8)])
        gc.collect()
        self.assertIsNone(ref())
        self.assertEqual(calls(generator), [('d', 0x1000)])

    def test_sequences_as_spead2(self):
        # A mixed script; checked against spead2 4.4.1's HeapGenerator.
        group = ItemGroup(descriptor_frequency=4)
        group.add_item(None, 'ts', '', (), format=[('u', 48)], value=0)
        group.add_item(None, 'data', '', (4,), dtype='<i2')
        script = []
        for step in range(9):
            if step % 2 == 0:
                group['ts'].value = step
            if step == 3:
                group['data'].value = np.arange(4, dtype='<i2')
            if step == 5:
                group.add_item(0x1001, 'data', '', (2,), dtype='<i2', value=[1, 2])
            if step == 7:
                group.add_item(None, 'late', '', (), format=[('u', 8)], value=1)
            script.append(calls(group))
        self.assertEqual(script, [
            [('d', 0x1000), ('v', 0x1000), ('d', 0x1001)],
            [],
            [('v', 0x1000)],
            [('v', 0x1001)],
            [('d', 0x1000), ('v', 0x1000), ('d', 0x1001)],
            [('d', 0x1001), ('v', 0x1001)],
            [('v', 0x1000)],
            [('d', 0x1002), ('v', 0x1002)],
            [('d', 0x1000), ('v', 0x1000)],
        ])

    @unittest.skipIf(Heap is None, 'gnuradio.spead.send.Heap is not built')
    def test_get_heap_start_and_end_make_heaps_of_the_flavour(self):
        flavour = spead2.Flavour(4, 64, 48, 0)
        group = u8_group(ItemGroup(flavour=flavour))
        for heap in (group.get_heap(), group.get_start(), group.get_end()):
            self.assertIsInstance(heap, Heap)
            self.assertEqual(heap.flavour, flavour)
        with self.assertRaises(ValueError):
            group.get_heap(data='some')


    @unittest.skipIf(Heap is None, 'gnuradio.spead.send.Heap is not built')
    def test_round_trip_through_a_bytes_stream(self):
        """Heaps of a send.ItemGroup, received by a recv.Stream into an ItemGroup, give
        back every value; later heaps carry only what changed."""
        from gnuradio.spead import send
        sender = send.ItemGroup(flavour=spead2.Flavour(4, 64, 48, 0))
        sender.add_item(None, 'timestamp', 'ADC count', (), format=[('u', 48)], value=7)
        sender.add_item(None, 'samples', '', (2, 3), dtype='<i2', order='F',
                        value=np.arange(6, dtype='<i2').reshape(2, 3))
        sender.add_item(None, 'flags', '', (5,), format=[('b', 1)],
                        value=[True, False, True, True, False])
        sender.add_item(None, 'name', '', (None,), format=[('c', 8)], value='antenna 1')
        stream = send.BytesStream(spead2.ThreadPool())
        stream.send_heap(sender.get_heap())
        sender['timestamp'].value = 8
        second = sender.get_heap()
        stream.send_heap(second)
        stream.send_heap(sender.get_end())

        receiver = spead2.recv.Stream(spead2.ThreadPool(), spead2.recv.StreamConfig())
        receiver.add_buffer_reader(stream.getvalue())
        group = spead2.ItemGroup()
        updates = [sorted(group.update(heap)) for heap in receiver]
        self.assertEqual(updates, [['flags', 'name', 'samples', 'timestamp'],
                                   ['timestamp']])
        self.assertEqual(group['timestamp'].value, 8)
        self.assertEqual(group['samples'].value.tolist(), [[0, 1, 2], [3, 4, 5]])
        self.assertEqual(group['flags'].value.tolist(), [True, False, True, True, False])
        self.assertEqual(group['name'].value, 'antenna 1')
        self.assertEqual(group['timestamp'].id, 0x1000)


if __name__ == '__main__':
    gr_unittest.run(qa_send_item_group)
