#!/usr/bin/env python3
#
# Copyright 2026 gr-spead authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#

"""gnuradio.spead.send's Heap, PacketGenerator, HeapReference(List), StreamConfig,
RateMethod and GroupMode. Packets are compared with bytes built here from
SPEAD-PROTOCOL.md; the layouts were also checked against spead2 4.4's PacketGenerator."""

import gc
import struct
import weakref

import numpy as np
from gnuradio import gr_unittest

import gnuradio.spead as spead2
from gnuradio.spead import send

BITS = 48
FLAVOUR = spead2.Flavour(4, 64, BITS, 0)


def header(n_pointers):
    return struct.pack('>Q', 0x5304_0206_0000_0000 | n_pointers)


def imm(item_id, value):
    return struct.pack('>Q', 1 << 63 | item_id << BITS | value)


def addr(item_id, address):
    return struct.pack('>Q', item_id << BITS | address)


def packet(cnt, heap_length, offset, payload, pointers):
    return b''.join([header(4 + len(pointers)), imm(1, cnt), imm(2, heap_length),
                     imm(3, offset), imm(4, len(payload))] + pointers + [payload])


class FakeItem:
    """What Heap.add_item reads of an item: id, to_buffer(), allow_immediate()."""

    def __init__(self, item_id, value, allow_immediate=False):
        self.id = item_id
        self.value = value
        self._allow = allow_immediate

    def to_buffer(self):
        return self.value

    def allow_immediate(self):
        return self._allow


class FakeDescriptor:
    def __init__(self, item_id):
        self.id = item_id
        self.flavours = []

    def to_raw(self, flavour):
        self.flavours.append(flavour)
        raw = spead2.RawDescriptor()
        raw.id = self.id
        raw.name = b'name'
        raw.description = b'description'
        raw.format = [('u', 8)]
        raw.shape = [2]
        return raw


def packets(heap, cnt=1, size=1500):
    return list(send.PacketGenerator(heap, cnt, size))


class qa_send_heap(gr_unittest.TestCase):

    def test_empty_heap(self):
        heap = send.Heap(FLAVOUR)
        self.assertEqual(packets(heap, 0x123456),
                         [packet(0x123456, 1, 0, b'\0', [addr(0, 0)])])

    def test_start_and_end(self):
        start, end = send.Heap(FLAVOUR), send.Heap(FLAVOUR)
        start.add_start()
        end.add_end()
        self.assertEqual(packets(start), [packet(1, 1, 0, b'\0', [imm(6, 0), addr(0, 0)])])
        self.assertEqual(packets(end), [packet(1, 1, 0, b'\0', [imm(6, 2), addr(0, 0)])])

    def test_immediate_and_addressed_items(self):
        heap = send.Heap(FLAVOUR)
        heap.add_item(FakeItem(0x1000, bytes(range(10))))
        heap.add_item(FakeItem(0x1001, b'\x76\x54', allow_immediate=True))
        heap.add_item(FakeItem(0x1002, b'\x76\x54', allow_immediate=False))
        payload = bytes(range(10)) + b'\x76\x54'
        self.assertEqual(packets(heap), [packet(1, 12, 0, payload, [
            addr(0x1000, 0), imm(0x1001, 0x7654), addr(0x1002, 10)])])

    def test_payload_split_at_max_packet_size(self):
        value = np.arange(136, dtype=np.uint8)
        heap = send.Heap(FLAVOUR)
        heap.add_item(FakeItem(0x1002, value))
        raw = value.tobytes()
        self.assertEqual(packets(heap, 3, 88), [
            packet(3, 136, 0, raw[:40], [addr(0x1002, 0)]),
            packet(3, 136, 40, raw[40:88], []),
            packet(3, 136, 88, raw[88:], [])])

    def test_repeat_pointers(self):
        value = np.arange(32, dtype=np.uint8)
        heap = send.Heap(FLAVOUR)
        heap.add_item(FakeItem(0x2345, value))
        heap.add_item(FakeItem(0x2346, b'\0\0\xde\xad\xbe\xef', allow_immediate=True))
        self.assertFalse(heap.repeat_pointers)
        heap.repeat_pointers = True
        pointers = [addr(0x2345, 0), imm(0x2346, 0xDEADBEEF)]
        raw = value.tobytes()
        self.assertEqual(packets(heap, 0x123456, 72), [
            packet(0x123456, 32, 0, raw[:16], pointers),
            packet(0x123456, 32, 16, raw[16:], pointers)])

    def test_descriptor(self):
        descriptor = FakeDescriptor(0x2345)
        heap = send.Heap(FLAVOUR)
        heap.add_descriptor(descriptor)
        self.assertEqual(descriptor.flavours, [FLAVOUR])
        dpayload = b'name' + b'description' + b'u\0\x08' + b'\0' + struct.pack('>Q', 2)[2:]
        dpacket = packet(1, len(dpayload), 0, dpayload, [
            imm(0x14, 0x2345), addr(0x10, 0), addr(0x11, 4), addr(0x13, 15), addr(0x12, 18)])
        self.assertEqual(packets(heap), [packet(1, len(dpacket), 0, dpacket, [addr(5, 0)])])

    def test_values_are_referenced(self):
        value = np.zeros(8, np.uint8)
        heap = send.Heap(FLAVOUR)
        heap.add_item(FakeItem(0x10, value))
        value[:] = 7
        self.assertEqual(packets(heap), [packet(1, 8, 0, b'\x07' * 8, [addr(0x10, 0)])])

    def test_heap_holds_its_buffers(self):
        value = np.arange(8, dtype=np.uint8)
        weak = weakref.ref(value)
        heap = send.Heap(FLAVOUR)
        heap.add_item(FakeItem(0x10, value))
        del value
        gc.collect()
        self.assertIsNotNone(weak())
        gen = send.PacketGenerator(heap, 1, 1500)
        del heap
        gc.collect()
        self.assertIsNotNone(weak())  # the generator holds the heap
        self.assertEqual(len(list(gen)), 1)
        del gen
        gc.collect()
        self.assertIsNone(weak())

    def test_non_contiguous_value_is_sent_in_c_order(self):
        store = np.arange(15, dtype=np.uint8).reshape(3, 5)
        heap = send.Heap(FLAVOUR)
        heap.add_item(FakeItem(0x10, store[:2, :3]))
        self.assertEqual(packets(heap), [packet(1, 6, 0, bytes([0, 1, 2, 5, 6, 7]),
                                                [addr(0x10, 0)])])

    def test_flavour_and_default(self):
        self.assertEqual(send.Heap(FLAVOUR).flavour, FLAVOUR)
        self.assertEqual(send.Heap().flavour, spead2.Flavour())

    def test_bad_items_and_sizes(self):
        heap = send.Heap(FLAVOUR)
        with self.assertRaises(ValueError):
            heap.add_item(FakeItem(0, b'x'))
        with self.assertRaises(ValueError):
            heap.add_item(FakeItem(1 << 15, b'x'))
        with self.assertRaises(ValueError):
            send.PacketGenerator(heap, 1, 55)
        with self.assertRaises(ValueError):
            send.PacketGenerator(heap, 1 << 48, 1500)
        with self.assertRaises(TypeError):
            send.PacketGenerator('not a heap', 1, 1500)

    def test_stream_config(self):
        config = send.StreamConfig()
        self.assertEqual(config.max_packet_size, 1472)
        self.assertEqual(send.StreamConfig.DEFAULT_MAX_PACKET_SIZE, 1472)
        self.assertEqual(config.rate, 0.0)
        self.assertEqual(config.burst_size, send.StreamConfig.DEFAULT_BURST_SIZE)
        self.assertEqual(config.burst_size, 65536)
        self.assertEqual(config.max_heaps, 4)
        self.assertEqual(config.burst_rate_ratio, 1.05)
        self.assertEqual(config.rate_method, send.RateMethod.AUTO)
        config = send.StreamConfig(rate=1e9, burst_rate_ratio=1.5, max_heaps=7)
        self.assertEqual(config.burst_rate, 1.5e9)
        self.assertEqual(config.max_heaps, 7)
        for bad in (dict(rate=-1.0), dict(rate=float('nan')), dict(max_heaps=0),
                    dict(burst_rate_ratio=0.5), dict(burst_rate_ratio=float('inf'))):
            with self.assertRaises(ValueError, msg=str(bad)):
                send.StreamConfig(**bad)
        with self.assertRaises(TypeError):
            send.StreamConfig(max_heaps=-1)
        with self.assertRaises(TypeError):
            send.StreamConfig(1472)  # keyword-only

    def test_heap_references(self):
        heap = send.Heap(FLAVOUR)
        ref = send.HeapReference(heap, cnt=5, substream_index=2, rate=1e6)
        self.assertIs(ref.heap, heap)
        self.assertEqual((ref.cnt, ref.substream_index, ref.rate), (5, 2, 1e6))
        ref.cnt = 6
        self.assertEqual(ref.cnt, 6)
        default = send.HeapReference(heap)
        self.assertEqual((default.cnt, default.substream_index, default.rate), (-1, 0, -1.0))
        refs = send.HeapReferenceList([ref, default, ref])
        self.assertEqual(len(refs), 3)
        self.assertEqual(len(refs[1:]), 2)
        self.assertEqual(len(refs[::2]), 2)
        with self.assertRaises(ValueError):
            refs[1:2:0]
        with self.assertRaises(TypeError):
            send.HeapReferenceList(['not a heap reference'])
        with self.assertRaises(TypeError):
            send.HeapReference('not a heap')

    def test_enums(self):
        self.assertEqual({m.name for m in (send.RateMethod.SW, send.RateMethod.HW,
                                            send.RateMethod.AUTO)}, {'SW', 'HW', 'AUTO'})
        self.assertNotEqual(send.GroupMode.ROUND_ROBIN, send.GroupMode.SERIAL)


if __name__ == '__main__':
    gr_unittest.run(qa_send_heap)
