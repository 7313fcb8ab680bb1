#!/usr/bin/env python3
# Copyright 2026 gr-spead authors
# SPDX-License-Identifier: GPL-3.0-or-later
"""Runs the same generated SPEAD streams through gnuradio.spead and through spead2 and
prints every difference: heaps yielded, raw items, descriptors, ItemGroup contents and
stream statistics.

    /usr/bin/python3 scripts/compare-with-spead2.py --spead2-path DIR [--gr-spead-path DIR]

DIR for spead2 is the directory that holds its Python package (the one put on PYTHONPATH
to import spead2); --gr-spead-path is the same for gnuradio.spead (a build's test_modules).
Each library runs in a subprocess of its own, one per stream, and hands its results back
as a pickle of plain Python values. The streams are made with gr-spead's encoder and by
hand where the encoder cannot make the case, from a fixed seed. --list shows them.
Exit status: 0 when nothing differs, 1 when something does, 2 when a library is missing.
"""

import argparse
import collections
import difflib
import fnmatch
import importlib
import logging
import os
import pickle
import random
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import zlib

# ---------------------------------------------------------------------------------------
# SPEAD constants (the wire format, SPEAD-PROTOCOL.md)

NULL_ID, HEAP_CNT, HEAP_LENGTH, PAYLOAD_OFFSET, PAYLOAD_LENGTH = 0, 1, 2, 3, 4
DESCRIPTOR = 5
D_NAME, D_DESCRIPTION, D_SHAPE, D_FORMAT, D_ID, D_DTYPE = 0x10, 0x11, 0x12, 0x13, 0x14, 0x15
CTRL_START, CTRL_STOP = 0, 2
MAX_PACKET = 1024

# ---------------------------------------------------------------------------------------
# Packet and heap building


class Builder:
    """Packets of one flavour: through gr-spead's encoder, or by hand for broken cases."""

    def __init__(self, spead, address_bits=40):
        self.spead = spead
        self.bits = address_bits
        self.flavour = spead.Flavour(4, 64, address_bits, 0)

    def heap(self, cnt, items, max_packet_size=MAX_PACKET, sized=True, ctrl=-1):
        """One heap as a list of packets (gr-spead's encoder lays them out as spead2)."""
        return self.spead.encode_heap(cnt, items, flavour=self.flavour,
                                      max_packet_size=max_packet_size,
                                      include_heap_length=sized, stream_ctrl=ctrl)

    def stop(self, cnt):
        return self.spead.encode_stop_heap(cnt, flavour=self.flavour)

    def pointer(self, immediate, item_id, value):
        word = (int(immediate) << 63) | (item_id << self.bits) | (value & ((1 << self.bits) - 1))
        return word.to_bytes(8, 'big')

    def raw(self, pointers, payload=b''):
        """A hand-made packet: pointers are (immediate, id, value) triples."""
        header = bytes([0x53, 4, (64 - self.bits) // 8, self.bits // 8, 0, 0])
        header += len(pointers).to_bytes(2, 'big')
        return header + b''.join(self.pointer(*p) for p in pointers) + payload

    def raw_heap_packet(self, cnt, offset, payload, heap_length=None, extra=()):
        pointers = [(1, HEAP_CNT, cnt)]
        if heap_length is not None:
            pointers.append((1, HEAP_LENGTH, heap_length))
        pointers += [(1, PAYLOAD_OFFSET, offset), (1, PAYLOAD_LENGTH, len(payload))]
        return self.raw(pointers + list(extra), payload)

    def descriptor(self, item_id, name, fmt=(), shape=(), dtype=None, description='',
                   bug_compat=0):
        """A DESCRIPTOR item's value; bug_compat writes PySPEAD 0.5.2's field layout."""
        format_width = 4 if bug_compat & 1 else 1 + (64 - self.bits) // 8
        shape_width = 8 if bug_compat & 1 else 1 + self.bits // 8
        variable_flag = 2 if bug_compat & 2 else 1
        fmt_bytes = b''.join(code.encode() + bits.to_bytes(format_width - 1, 'big')
                             for code, bits in fmt)
        shape_bytes = b''.join(
            bytes([variable_flag if dim is None else 0]) +
            (dim or 0).to_bytes(shape_width - 1, 'big') for dim in shape)
        items = [(D_ID, item_id), (D_NAME, name.encode()),
                 (D_DESCRIPTION, description.encode()),
                 (D_SHAPE, shape_bytes), (D_FORMAT, fmt_bytes)]
        if dtype is not None:
            items.append((D_DTYPE, dtype.encode()))
        return b''.join(self.heap(1, items, max_packet_size=65536))


def numpy_header(descr, shape, fortran=False):
    return "{'descr': %r, 'fortran_order': %s, 'shape': %r, }" % (descr, fortran, shape)


def pack_bits(values, widths):
    """Big-endian bit packing, MSB first, padded to whole bytes (SPEAD's odd widths)."""
    word, nbits = 0, 0
    for value, width in zip(values, widths):
        word = (word << width) | (value & ((1 << width) - 1))
        nbits += width
    pad = -nbits % 8
    return (word << pad).to_bytes((nbits + pad) // 8, 'big')


def interleave(heaps):
    """Packets of several heaps in round-robin order."""
    out = []
    for i in range(max(len(h) for h in heaps)):
        out += [h[i] for h in heaps if i < len(h)]
    return out


# ---------------------------------------------------------------------------------------
# The streams. Each build function gets (builder, rng) and returns the packets; an entry may
# be ('vlan' | 'ipv6', packet) for the pcap framing stream.

BASIC_ITEMS = (0x1000, 'index', [('u', 32)], ()), (0x1001, 'data', [('u', 8)], (None,))


def basic_descriptors(b):
    return [(DESCRIPTOR, b.descriptor(i, n, fmt, shape)) for i, n, fmt, shape in BASIC_ITEMS]


def basic_heaps(b, rng, count, first_cnt=1, size=2500, sized=True, step=1):
    """count multi-packet heaps: descriptors in the first, an index and random data."""
    heaps = []
    for k in range(count):
        cnt = first_cnt + k * step
        items = basic_descriptors(b) if k == 0 else []
        items += [(0x1000, cnt.to_bytes(4, 'big')),
                  (0x1001, rng.randbytes(rng.randrange(size // 2, size)))]
        heaps.append(b.heap(cnt, items, sized=sized))
    return heaps


def flat(heaps):
    return [p for h in heaps for p in h]


def build_in_order(b, rng):
    """8 multi-packet heaps in order, descriptors in the first"""
    return flat(basic_heaps(b, rng, 8))


def build_loss(b, rng):
    """30 heaps, 12% of the packets dropped"""
    return [p for p in flat(basic_heaps(b, rng, 30)) if rng.random() > 0.12]


def build_duplication(b, rng):
    """20 heaps, 20% of the packets sent twice"""
    out = []
    for p in flat(basic_heaps(b, rng, 20)):
        out += [p] * (2 if rng.random() < 0.2 else 1)
    return out


def build_reorder_within(b, rng):
    """12 heaps, each heap's packets shuffled"""
    heaps = basic_heaps(b, rng, 12)
    for h in heaps:
        rng.shuffle(h)
    return flat(heaps)


def build_reorder_across(b, rng):
    """16 heaps, packets swapped with one up to 6 places later"""
    packets = flat(basic_heaps(b, rng, 16))
    for i in range(0, len(packets) - 1, 2):
        j = min(len(packets) - 1, i + rng.randrange(1, 7))
        packets[i], packets[j] = packets[j], packets[i]
    return packets


def interleaved(width, step=1):
    def build(b, rng):
        heaps = basic_heaps(b, rng, 2 * width + 1, step=step)
        return flat([interleave(heaps[i:i + width]) for i in range(0, len(heaps), width)])
    build.__doc__ = '%d heaps at a time, packets round-robin' % width
    return build


def build_single_among_multi(b, rng):
    """single-packet heaps inside multi-packet ones"""
    heaps = basic_heaps(b, rng, 6, first_cnt=1, step=2)
    singles = [b.heap(2 * k + 2, [(0x1000, k.to_bytes(4, 'big'))]) for k in range(6)]
    out = []
    for heap, single in zip(heaps, singles):
        out += heap[:1] + single + heap[1:]
    return out


def build_stop_complete(b, rng):
    """a complete stop heap between heaps"""
    heaps = basic_heaps(b, rng, 6)
    return flat(heaps[:3]) + b.stop(100) + flat(heaps[3:])


def build_stop_split_lost(b, rng):
    """a 3-packet stop heap with its second packet lost, between heaps"""
    heaps = basic_heaps(b, rng, 6)
    stop = b.heap(100, [(0x1001, rng.randbytes(2500))], ctrl=CTRL_STOP)
    del stop[1]
    return flat(heaps[:3]) + stop + flat(heaps[3:])


def build_stop_split_interleaved(b, rng):
    """a 3-packet stop heap interleaved with a data heap"""
    heaps = basic_heaps(b, rng, 4)
    stop = b.heap(100, [(0x1001, rng.randbytes(2500))], ctrl=CTRL_STOP)
    return flat(heaps[:2]) + interleave([heaps[2], stop]) + flat(heaps[3:])


def build_pointer_beyond_length(b, rng):
    """a heap with an item pointer beyond its HEAP_LENGTH"""
    heaps = basic_heaps(b, rng, 3)
    beyond = b.raw_heap_packet(10, 0, rng.randbytes(64), heap_length=64,
                               extra=[(0, 0x1001, 32), (0, 0x1002, 200)])
    return flat(heaps[:2]) + [beyond] + flat(heaps[2:])


def corrupt(kind):
    """A stream with one malformed packet (of the given kind) in its middle."""
    def build(b, rng):
        heaps = basic_heaps(b, rng, 6)
        good = heaps[3][0]
        bad = {
            'bad-magic': lambda: b'\x54' + good[1:],
            'bad-version': lambda: good[:1] + b'\x03' + good[2:],
            'bad-widths': lambda: good[:2] + b'\x04\x05' + good[4:],
            'too-many-pointers': lambda: good[:6] + b'\xff\xff' + good[8:],
            'truncated': lambda: good[:5],
            'missing-payload-length': lambda: b.raw(
                [(1, HEAP_CNT, 50), (1, HEAP_LENGTH, 8), (1, PAYLOAD_OFFSET, 0)], bytes(8)),
            'addressed-heap-cnt': lambda: b.raw(
                [(0, HEAP_CNT, 0), (1, HEAP_LENGTH, 8), (1, PAYLOAD_OFFSET, 0),
                 (1, PAYLOAD_LENGTH, 8)], bytes(8)),
            'payload-beyond-heap-length': lambda: b.raw_heap_packet(
                50, 4, bytes(8), heap_length=8),
            'short-payload-length': lambda: b.raw(
                [(1, HEAP_CNT, 50), (1, HEAP_LENGTH, 16), (1, PAYLOAD_OFFSET, 0),
                 (1, PAYLOAD_LENGTH, 8)], bytes(16)),
        }[kind]()
        return flat(heaps[:3]) + [bad] + flat(heaps[3:])
    build.__doc__ = 'a %s packet between heaps' % kind
    return build


def build_garbage(b, rng):
    """13 random bytes between two heaps"""
    heaps = basic_heaps(b, rng, 5)
    return flat(heaps[:2]) + [rng.randbytes(13)] + flat(heaps[2:])


def build_unsized(b, rng):
    """8 heaps without HEAP_LENGTH"""
    return flat(basic_heaps(b, rng, 8, sized=False))


def build_unsized_loss(b, rng):
    """16 heaps without HEAP_LENGTH, 12% of the packets dropped"""
    return [p for p in flat(basic_heaps(b, rng, 16, sized=False)) if rng.random() > 0.12]


def build_start_of_stream(b, rng):
    """a stream-start heap (STREAM_CTRL 0), then data"""
    start = b.heap(1, basic_descriptors(b), ctrl=CTRL_START)
    return start + flat(basic_heaps(b, rng, 3, first_cnt=2))


def values_heaps(b, specs):
    """For each (id, name, descriptor keywords, value) of specs, a heap with its descriptor
    then one with its value: a descriptor that a library refuses (ItemGroup.update raises)
    spoils only its own heaps. Then one heap with every value again."""
    packets = []
    for k, (item_id, name, kw, value) in enumerate(specs):
        packets += b.heap(2 * k + 1, [(DESCRIPTOR, b.descriptor(item_id, name, **kw))])
        packets += b.heap(2 * k + 2, [(item_id, value)])
    return packets + b.heap(2 * len(specs) + 1, [(i, value) for i, _, _, value in specs])


def build_numpy_descriptors(b, rng):
    """descriptors with numpy headers (orders, records, Fortran)"""
    floats = struct.pack('<3f', 1.5, -2.25, 1e10)
    specs = [
        (0x1100, 'f4', dict(dtype=numpy_header('<f4', (3,))), floats),
        (0x1101, 'i2be', dict(dtype=numpy_header('>i2', (2, 3))),
         struct.pack('>6h', 1, -2, 3, -4, 5, -6)),
        (0x1102, 'u8fortran', dict(dtype=numpy_header('<u8', (2, 3), True)),
         struct.pack('<6Q', *range(6))),
        (0x1103, 'bytes', dict(dtype=numpy_header('|u1', (5,))), b'hello'),
        (0x1104, 'complex', dict(dtype=numpy_header('<c8', (2,))), struct.pack('<4f', 1, 2, 3, 4)),
        (0x1105, 'scalar', dict(dtype=numpy_header('>f8', ())), struct.pack('>d', 3.25)),
        (0x1106, 'record', dict(dtype=numpy_header([('a', '<u2'), ('b', '>f4')], (2,))),
         struct.pack('<H', 7) + struct.pack('>f', 0.5) + struct.pack('<H', 9) +
         struct.pack('>f', -1)),
        (0x1107, 'bool', dict(dtype=numpy_header('|b1', (4,))), bytes([0, 1, 1, 0])),
        (0x1108, 'short', dict(dtype=numpy_header('<u4', (4,))), bytes(6)),
        (0x1109, 'overriding', dict(fmt=[('u', 8)], shape=(9,),
                                    dtype=numpy_header('>u2', (2,))), b'\x01\x02\x03\x04'),
    ]
    return values_heaps(b, specs)


def build_format_descriptors(b, rng):
    """format descriptors: odd widths (u40 u48 u12 i12 b1 c7), records"""
    i12 = [-5, 2047, -2048, 0, 17]
    specs = [
        (0x1200, 'u40', dict(fmt=[('u', 40)]), 0x123456789a),
        (0x1201, 'u48', dict(fmt=[('u', 48)]), (0x123456789abc).to_bytes(6, 'big')),
        (0x1202, 'u12', dict(fmt=[('u', 12)], shape=(5,)),
         pack_bits([1, 4095, 2048, 0, 77], [12] * 5)),
        (0x1203, 'i12', dict(fmt=[('i', 12)], shape=(5,)), pack_bits(i12, [12] * 5)),
        (0x1204, 'b1', dict(fmt=[('b', 1)], shape=(10,)),
         pack_bits([1, 0, 1, 1, 0, 0, 0, 1, 1, 0], [1] * 10)),
        (0x1205, 'c7', dict(fmt=[('c', 7)], shape=(None,)), pack_bits(b'spead', [7] * 5)),
        (0x1206, 'c8', dict(fmt=[('c', 8)], shape=(None,)), b'a string'),
        (0x1207, 'mixed', dict(fmt=[('u', 4), ('i', 12), ('b', 8), ('f', 32)], shape=(2,)),
         pack_bits([3, -7, 1, 0x3fc00000, 15, 100, 0, 0xc0000000], [4, 12, 8, 32] * 2)),
        (0x1208, 'record', dict(fmt=[('u', 8), ('i', 16), ('f', 64)], shape=(2,)),
         struct.pack('>Bhd', 1, -2, 0.5) + struct.pack('>Bhd', 3, 4, -1.5)),
        (0x1209, 'u64', dict(fmt=[('u', 64)]), (2 ** 63 + 5).to_bytes(8, 'big')),
        (0x120a, 'i8s', dict(fmt=[('i', 8)], shape=(3,)), bytes([0xff, 0x7f, 0x80])),
        (0x120b, 'f32', dict(fmt=[('f', 32)]), struct.pack('>f', 2.5)),
        (0x120c, 'u24imm', dict(fmt=[('u', 24)]), 0xabcdef),
        (0x120d, 'b8', dict(fmt=[('b', 8)], shape=(3,)), bytes([0, 1, 2])),
        (0x120e, 'u1', dict(fmt=[('u', 1)]), 1),
        (0x120f, 'i40imm', dict(fmt=[('i', 40)]), (1 << 40) - 3),
    ]
    return values_heaps(b, specs)


def build_variable_shapes(b, rng):
    """variable dimensions, exact and with surplus bytes"""
    specs = [
        (0x1300, 'var1', dict(fmt=[('u', 16)], shape=(None,)), bytes(range(11))),
        (0x1301, 'var2', dict(fmt=[('u', 8)], shape=(2, None)), bytes(range(7))),
        (0x1302, 'var3', dict(fmt=[('i', 32)], shape=(None, 3)), bytes(range(30))),
        (0x1303, 'varimm', dict(fmt=[('u', 8)], shape=(None,)), 0x0102030405),
        (0x1304, 'varempty', dict(fmt=[('u', 32)], shape=(None,)), b'\x01'),
        (0x1305, 'var12', dict(fmt=[('u', 12)], shape=(None,)),
         pack_bits([1, 2, 3, 4, 5], [12] * 5)),
    ]
    return values_heaps(b, specs)


def build_pyspead_descriptors(b, rng):
    """Descriptors laid out as PySPEAD 0.5.2 sends them; numpy-header values byte-swapped."""
    def d(**kw):
        return dict(kw, bug_compat=7)
    specs = [
        (0x1400, 'u32', d(fmt=[('u', 32)]), (77).to_bytes(4, 'big')),
        (0x1401, 'u8var', d(fmt=[('u', 8)], shape=(None,)), b'abcdef'),
        (0x1402, 'f64x2', d(fmt=[('f', 64)], shape=(2,)), struct.pack('>2d', 1.5, 2)),
        (0x1403, 'np_f4', d(shape=(3,), dtype=numpy_header('<f4', (3,))),
         struct.pack('>3f', 1, 2, 3)),
        (0x1404, 'np_i2', d(shape=(2, 2), dtype=numpy_header('>i2', (2, 2))),
         struct.pack('<4h', 1, -1, 2, -2)),
        (0x1405, 'u48', d(fmt=[('u', 48)]), (123456789).to_bytes(6, 'big')),
        (0x1406, 'c8', d(fmt=[('c', 8)], shape=(None,)), b'pyspead'),
        (0x1407, 'rec', d(fmt=[('u', 16), ('i', 16)], shape=(2,)),
         struct.pack('>HhHh', 1, -1, 2, -2)),
        (0x1408, 'u12', d(fmt=[('u', 12)], shape=(2,)), pack_bits([5, 6], [12, 12])),
    ]
    return values_heaps(b, specs)


def build_descriptor_replacement(b, rng):
    """a descriptor resent, replaced by ID and by name; versions"""
    counter = dict(fmt=[('u', 32)])
    out = b.heap(1, [(DESCRIPTOR, b.descriptor(0x1500, 'a', **counter)),
                     (DESCRIPTOR, b.descriptor(0x1501, 'b', **counter)),
                     (0x1500, (1).to_bytes(4, 'big')), (0x1501, (2).to_bytes(4, 'big'))])
    out += b.heap(2, [(0x1500, (3).to_bytes(4, 'big'))])
    # The same descriptor again, then another one for the same ID, then for the same name.
    out += b.heap(3, [(DESCRIPTOR, b.descriptor(0x1500, 'a', **counter))])
    out += b.heap(4, [(DESCRIPTOR, b.descriptor(0x1500, 'a', fmt=[('u', 16)])),
                      (0x1500, (5).to_bytes(2, 'big'))])
    out += b.heap(5, [(DESCRIPTOR, b.descriptor(0x1502, 'b', **counter))])
    out += b.heap(6, [(0x1501, (6).to_bytes(4, 'big')), (0x1502, (7).to_bytes(4, 'big')),
                      (0x1600, b'no descriptor')])
    out += b.heap(7, [(0x1502, (8).to_bytes(4, 'big')), (0x1502, (9).to_bytes(4, 'big'))])
    return out


def build_item_order(b, rng):
    """Immediates with equal values and addressed pointers out of offset order."""
    payload = rng.randbytes(96)
    pointers = [(1, 0x1706, 5), (0, 0x1702, 64), (1, 0x1705, 5), (0, 0x1701, 32),
                (1, 0x1704, 1), (1, 0x1703, 9), (0, 0x1700, 0), (1, 0x1707, 5)]
    split = [b.raw_heap_packet(3, 0, payload[:40], 96, pointers[:4]),
             b.raw_heap_packet(3, 40, payload[40:], 96, pointers[4:])]
    desc = b.heap(1, [(DESCRIPTOR, b.descriptor(i, 'item%x' % i, [('u', 8)], (None,)))
                      for i in range(0x1700, 0x1708)])
    equal = b.heap(2, [(0x1703, 4), (0x1704, 4), (0x1705, 4), (0x1700, b'abc')])
    return desc + equal + split + b.heap(4, [(NULL_ID, b'pad'), (0x1706, 1)])


def flavour_stream(bits):
    def build(b, rng):
        b = Builder(b.spead, bits)
        heaps = basic_heaps(b, rng, 6, size=1800)
        ts = b.heap(20, [(DESCRIPTOR, b.descriptor(0x1800, 'ts', [('u', bits)])),
                         (0x1800, (1 << bits) - 2)])
        packets = flat(heaps[:3]) + ts + flat(heaps[3:])
        del packets[len(packets) // 3]
        return packets
    build.__doc__ = 'SPEAD-64-%d heaps, one packet lost' % bits
    return build


def build_pcap_framing(b, rng):
    """Untagged IPv4, 802.1Q-tagged and IPv6 frames (pcap only)"""
    heaps = basic_heaps(b, rng, 6)
    return flat(heaps[:2]) + [('vlan', p) for p in heaps[2]] + \
        [('ipv6', p) for p in heaps[3]] + flat(heaps[4:])


# Receive configurations: (StreamConfig keywords, RingStreamConfig keywords). 'stats' adds
# custom statistics. The ring is large enough that the reader never waits for the consumer.
KEEP = {'contiguous_only': False, 'incomplete_keep_payload_ranges': True}
CONFIGS = {
    'default': ({}, {}),
    'incomplete': ({}, KEEP),
    'custom-stats': ({'stats': [('custom_counter', 'COUNTER'), ('custom_max', 'MAXIMUM')]},
                     {}),
    'mh1': ({'max_heaps': 1}, KEEP),
    'mh2': ({'max_heaps': 2}, KEEP),
    'mh3-sub2': ({'max_heaps': 3, 'substreams': 2}, KEEP),
    'mh8-sub3': ({'max_heaps': 8, 'substreams': 3}, KEEP),
    'mh2-sub4': ({'max_heaps': 2, 'substreams': 4}, {}),
    'ooo': ({'allow_out_of_order': True}, KEEP),
    'ooo-mh2': ({'allow_out_of_order': True, 'max_heaps': 2}, {}),
    'sized-only': ({'allow_unsized_heaps': False}, KEEP),
    'no-stop': ({'stop_on_stop_item': False}, KEEP),
    'pyspead': ({'bug_compat': 7}, {}),
}
WINDOW = ['default', 'incomplete', 'mh1', 'mh2', 'mh3-sub2', 'mh8-sub3', 'mh2-sub4', 'ooo',
          'ooo-mh2']
ALL_READERS = ('buffer', 'pcap', 'tcp')

Stream = collections.namedtuple('Stream', 'name build configs readers')
STREAMS = [
    Stream('in-order', build_in_order, ['default', 'incomplete', 'custom-stats', 'mh1'],
           ALL_READERS),
    Stream('loss', build_loss, WINDOW, ('buffer', 'pcap')),
    Stream('duplication', build_duplication, WINDOW, ('buffer',)),
    Stream('reorder-within', build_reorder_within, WINDOW, ('buffer',)),
    Stream('reorder-across', build_reorder_across, WINDOW, ('buffer',)),
    Stream('interleave-2', interleaved(2), WINDOW, ('buffer',)),
    Stream('interleave-5', interleaved(5), WINDOW, ('buffer',)),
    Stream('interleave-9', interleaved(9), WINDOW, ('buffer',)),
    Stream('interleave-4-same-substream', interleaved(4, step=12), WINDOW, ('buffer',)),
    Stream('single-among-multi', build_single_among_multi, WINDOW, ('buffer',)),
    Stream('start-of-stream', build_start_of_stream, ['default'], ('buffer',)),
    Stream('stop-complete', build_stop_complete, ['default', 'incomplete', 'no-stop'],
           ALL_READERS),
    Stream('stop-split-lost', build_stop_split_lost,
           ['default', 'incomplete', 'no-stop', 'mh1'], ('buffer',)),
    Stream('stop-split-interleaved', build_stop_split_interleaved,
           ['default', 'incomplete', 'no-stop', 'mh1'], ('buffer',)),
    Stream('pointer-beyond-length', build_pointer_beyond_length, ['default', 'incomplete'],
           ('buffer',)),
] + [
    Stream('malformed-' + kind, corrupt(kind), ['default'], ALL_READERS)
    for kind in ('bad-magic', 'bad-version', 'bad-widths', 'too-many-pointers', 'truncated',
                 'missing-payload-length', 'addressed-heap-cnt',
                 'payload-beyond-heap-length', 'short-payload-length')
] + [
    Stream('garbage-between-packets', build_garbage, ['default'], ('buffer', 'tcp')),
    Stream('unsized', build_unsized, ['default', 'incomplete', 'sized-only', 'mh1'],
           ('buffer',)),
    Stream('unsized-loss', build_unsized_loss, ['default', 'incomplete', 'mh2'], ('buffer',)),
    Stream('descriptors-numpy', build_numpy_descriptors, ['default'], ('buffer',)),
    Stream('descriptors-formats', build_format_descriptors, ['default'], ('buffer',)),
    Stream('descriptors-variable', build_variable_shapes, ['default'], ('buffer',)),
    Stream('descriptors-pyspead', build_pyspead_descriptors, ['default', 'pyspead'],
           ('buffer',)),
    Stream('descriptor-replacement', build_descriptor_replacement, ['default'], ('buffer',)),
    Stream('item-order', build_item_order, ['default'], ('buffer',)),
    Stream('pcap-framing', build_pcap_framing, ['default'], ('pcap',)),
] + [
    Stream('flavour-64-%d' % bits, flavour_stream(bits), ['default', 'incomplete'],
           ('buffer',))
    for bits in (16, 24, 32, 40, 48)
]

# ---------------------------------------------------------------------------------------
# Input files: a buffer of packets (also the TCP byte stream) and a pcap capture


def write_pcap(path, packets):
    """One Ethernet frame per packet: IPv4/UDP, or 802.1Q-tagged or IPv6 when asked."""
    with open(path, 'wb') as f:
        f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for i, entry in enumerate(packets):
            kind, packet = entry if isinstance(entry, tuple) else ('ipv4', entry)
            frame = ethernet_frame(kind, packet, i)
            f.write(struct.pack('<IIII', i, 0, len(frame), len(frame)) + frame)


def ethernet_frame(kind, payload, ident):
    udp = struct.pack('>HHHH', 7148, 7148, 8 + len(payload), 0) + payload
    macs = b'\x02\x00\x00\x00\x00\x01\x02\x00\x00\x00\x00\x02'
    if kind == 'ipv6':
        ip = struct.pack('>IHBB', 6 << 28, len(udp), 17, 64) + bytes(15) + b'\x01' + \
            bytes(15) + b'\x02'
        return macs + b'\x86\xdd' + ip + udp
    ip = struct.pack('>BBHHHBBH4s4s', 0x45, 0, 20 + len(udp), ident & 0xffff, 0x4000, 64,
                     17, 0, bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2]))
    ip = ip[:10] + struct.pack('>H', ipv4_checksum(ip)) + ip[12:]
    vlan = b'\x81\x00\x00\x05' if kind == 'vlan' else b''
    return macs + vlan + b'\x08\x00' + ip + udp


def ipv4_checksum(header):
    total = sum(struct.unpack('>10H', header))
    while total >> 16:
        total = (total & 0xffff) + (total >> 16)
    return ~total & 0xffff


def generate(stream, directory, spead, seed):
    """Writes the stream's buffer and pcap files; returns their paths by reader."""
    rng = random.Random('%d:%s' % (seed, stream.name))
    packets = stream.build(Builder(spead), rng)
    data = b''.join(p[1] if isinstance(p, tuple) else p for p in packets)
    base = os.path.join(directory, stream.name)
    with open(base + '.bin', 'wb') as f:
        f.write(data)
    write_pcap(base + '.pcap', packets)
    return {'buffer': base + '.bin', 'tcp': base + '.bin', 'pcap': base + '.pcap'}


# ---------------------------------------------------------------------------------------
# Worker: runs inside a subprocess with one library imported, records plain values


def import_library(module, path):
    if path:
        sys.path.insert(0, path)
    lib = importlib.import_module(module)
    importlib.import_module(module + '.recv')
    return lib


def make_config(lib, stream_kwargs, ring_kwargs):
    kwargs = dict(stream_kwargs)
    custom = kwargs.pop('stats', [])
    config = lib.recv.StreamConfig(**kwargs)
    for name, mode in custom:
        config.add_stat(name, getattr(lib.recv.StreamStatConfig.Mode, mode))
    ring = lib.recv.RingStreamConfig(**dict({'heaps': 1024}, **ring_kwargs))
    return config, ring


def add_reader(stream, reader, path):
    """Attaches the reader; for TCP returns the thread that sends the bytes."""
    if reader == 'buffer':
        with open(path, 'rb') as f:
            stream.add_buffer_reader(f.read())
    elif reader == 'pcap':
        stream.add_udp_pcap_file_reader(path)
    else:
        acceptor = socket.socket()
        acceptor.bind(('127.0.0.1', 0))
        acceptor.listen(1)
        stream.add_tcp_reader(acceptor)
        sender = threading.Thread(target=send_tcp, args=(acceptor.getsockname(), path),
                                  daemon=True)
        sender.start()
        acceptor.close()
        return sender
    return None


def send_tcp(address, path):
    with open(path, 'rb') as f, socket.create_connection(address) as sock:
        sock.sendall(f.read())


def run_case(lib, case):
    config, ring = make_config(lib, case['stream_config'], case['ring_config'])
    stream = lib.recv.Stream(lib.ThreadPool(), config, ring)
    sender = add_reader(stream, case['reader'], case['path'])
    group = lib.ItemGroup()
    heaps = [record_heap(lib, heap, group) for heap in stream]
    if sender:
        sender.join()
    stats = stream.stats
    result = {
        'heaps': heaps,
        'stats': [(name, int(value)) for name, value in stats.items()],
        'stat_indices': {name: config.get_stat_index(name)
                         for name, _ in case['stream_config'].get('stats', [])},
        'next_stat_index': config.next_stat_index(),
    }
    stream.stop()
    return result


def record_heap(lib, heap, group):
    incomplete = isinstance(heap, lib.recv.IncompleteHeap)
    out = {
        'kind': type(heap).__name__,
        'cnt': heap.cnt,
        'start': heap.is_start_of_stream(),
        'end': heap.is_end_of_stream(),
        'flavour': (heap.flavour.version, heap.flavour.item_pointer_bits,
                    heap.flavour.heap_address_bits, heap.flavour.bug_compat),
        'items': [record_raw_item(item) for item in heap.get_items()],
    }
    if incomplete:
        out['heap_length'] = heap.heap_length
        out['received_length'] = heap.received_length
        out['payload_ranges'] = [tuple(r) for r in heap.payload_ranges]
    else:
        out['descriptors'] = [record_descriptor(d) for d in heap.get_descriptors()]
        out['update'] = record_update(group, heap)
    return out


def record_raw_item(item):
    try:
        data = bytes(memoryview(item))
    except (TypeError, ValueError, BufferError) as e:
        data = 'no buffer: %s' % type(e).__name__
    value = item.immediate_value if item.is_immediate else None
    return (item.id, bool(item.is_immediate), value, data)


def record_descriptor(d):
    return {'id': d.id, 'name': describe(d.name), 'description': describe(d.description),
            'format': describe(d.format), 'shape': describe(d.shape),
            'numpy_header': describe(d.numpy_header)}


def record_update(group, heap):
    try:
        updated = sorted(group.update(heap).keys())
        error = message = None
    except Exception as e:
        updated, error, message = None, type(e).__name__, str(e)
    return {'updated': updated, 'error': error, 'message': message,
            'group': [record_item(name, item) for name, item in group.items()]}


def record_item(name, item):
    dtype = describe(item.dtype)
    return {'name': name, 'id': item.id, 'description': item.description,
            'shape': describe(item.shape), 'format': describe(item.format), 'dtype': dtype,
            'order': item.order, 'version': item.version, 'value': describe(item.value)}


def describe(value):
    """A plain, comparable form of a value: numpy arrays by dtype, shape and bytes (object
    elements one by one), scalars by type and value."""
    import numpy as np
    if isinstance(value, np.dtype):
        return ('dtype', str(value.descr) if value.names else value.str)
    if isinstance(value, np.ndarray):
        head = ('ndarray', describe(value.dtype)[1], value.shape)
        if value.dtype.hasobject:
            return head + (tuple(describe(x) for x in value.ravel().tolist()),)
        return head + (value.tobytes(),)
    if isinstance(value, np.generic):
        if value.dtype.hasobject:
            return ('numpy ' + type(value).__name__, describe(value.item()))
        return ('numpy ' + type(value).__name__, describe(value.dtype)[1], value.tobytes(),
                repr(value.item()))
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, tuple(describe(x) for x in value))
    if isinstance(value, float):
        return ('float', repr(value))
    if value is None or isinstance(value, (bool, int, bytes, str)):
        return (type(value).__name__, value)
    return (type(value).__name__, repr(value))


def worker_main(args):
    logging.disable(logging.CRITICAL)
    try:
        lib = import_library(args.worker, args.path)
    except Exception as e:
        print('cannot import %s%s: %s' % (args.worker, ' from ' + args.path if args.path else '',
                                          e), file=sys.stderr)
        return 3
    with open(args.input, 'rb') as f:
        cases = pickle.load(f)
    results = []
    for case in cases:
        try:
            results.append(run_case(lib, case))
        except Exception as e:
            results.append({'error': '%s: %s' % (type(e).__name__, e)})
    with open(args.output, 'wb') as f:
        pickle.dump(results, f)
    return 0


# ---------------------------------------------------------------------------------------
# Comparison: each function returns a list of differences, (category, text) pairs; the
# category ('item version', 'stat packets', ...) groups repeats in the output and summary

# Over TCP, how many packets one read returns depends on timing.
VOLATILE_STATS = {'tcp': {'batches', 'max_batch'}}


NAMES = ['spead2', 'gr-spead']


def versus(a, b):
    return '%s %s, %s %s' % (NAMES[0], a, NAMES[1], b)


def compact(value):
    """value for display: long byte strings become their length and CRC."""
    if isinstance(value, bytes) and len(value) > 24:
        return '<%d bytes, crc %08x>' % (len(value), zlib.crc32(value))
    if isinstance(value, (tuple, list)):
        return type(value)(compact(x) for x in value)
    if isinstance(value, dict):
        return {k: compact(v) for k, v in value.items()}
    return value


def short(value, limit=160):
    text = repr(compact(value))
    return text if len(text) <= limit else text[:limit - 5] + '...' + text[-2:]


def heap_label(h):
    return '%d%s%s' % (h['cnt'], 'i' if h['kind'] == 'IncompleteHeap' else '',
                       's' if h['end'] else '')


def render(d):
    """A value described by describe() as text: type names only where they matter."""
    kind = d[0]
    if kind in ('list', 'tuple'):
        inner = ', '.join(render(x) for x in d[1])
        return '[%s]' % inner if kind == 'list' else '(%s%s)' % (inner, ',' * (len(d[1]) == 1))
    if kind == 'ndarray':
        elements = d[3] if isinstance(d[3], bytes) else '[%s]' % ', '.join(map(render, d[3]))
        return 'ndarray(%s, shape %s, %s)' % (d[1], d[2], short(elements, 120))
    if kind.startswith('numpy '):
        return '%s(%s)' % (kind, d[-1] if len(d) == 4 else render(d[1]))
    if kind == 'dtype':
        return 'dtype(%s)' % d[1]
    return short(d[1], 120) if kind in ('int', 'str', 'bytes', 'NoneType') else \
        '%s %s' % (kind, d[1])


def show_value(d):
    return '%s %s' % (d[0], render(d)) if d[0] in ('int', 'str', 'bytes') else render(d)


def compare_fields(where, a, b, fields, category, show=short):
    return [('%s %s' % (category, f),
             '%s %s: %s' % (where, f, versus(show(a.get(f)), show(b.get(f)))))
            for f in fields if a.get(f) != b.get(f)]


def show_raw_item(item):
    item_id, immediate, value, data = item
    if immediate:
        return '0x%x immediate %d (bytes %s)' % (item_id, value, short(data))
    return '0x%x addressed %s' % (item_id, short(data))


def show_descriptor(d):
    return '0x%x %s' % (d['id'], ', '.join('%s %s' % (k, render(v)) for k, v in d.items()
                                           if k != 'id'))


def compare_lists(where, what, a, b, show):
    """Both lists when they are short, their unified diff when they are long."""
    if a == b:
        return []
    lines_a, lines_b = [show(x) for x in a], [show(x) for x in b]
    text = '%s %s differ' % (where, what)
    if len(a) + len(b) <= 16:
        for name, lines in zip(NAMES, (lines_a, lines_b)):
            text += ''.join('\n    %-8s %s' % (name, line) for line in lines)
    else:
        text += ' (-%s +%s)' % tuple(NAMES)
        for line in difflib.unified_diff(lines_a, lines_b, lineterm='', n=1):
            if not line.startswith(('---', '+++')):
                text += '\n      ' + line
    return [(what, text)]


def compare_group(where, a, b, before_a, before_b):
    """The ItemGroup after update(): only what changed in this heap on either side, so that
    a difference shows where it arises rather than again at every later heap."""
    if a['error'] != b['error']:
        out = [('ItemGroup.update error', '%s ItemGroup.update raised: %s' % (
            where, versus('%s(%r)' % (a['error'], a['message']),
                          '%s(%r)' % (b['error'], b['message']))))]
    else:
        out = compare_fields(where, a, b, ('updated',), 'ItemGroup.update')
    names = name_differences([i['name'] for i in a['group']], [i['name'] for i in b['group']])
    if names and names != name_differences(list(before_a), list(before_b)):
        out.append(('ItemGroup names', '%s ItemGroup %s' % (where, names)))
    items_b = {i['name']: i for i in b['group']}
    for item in a['group']:
        other = items_b.get(item['name'])
        if other is None or (before_a.get(item['name']) == item and
                             before_b.get(item['name']) == other):
            continue
        label = '%s item %r' % (where, item['name'])
        out += compare_fields(label, item, other, ('id', 'description', 'order', 'version'),
                              'item')
        out += compare_fields(label, item, other, ('shape', 'format', 'dtype', 'value'),
                              'item', show_value)
    return out


def name_differences(names_a, names_b):
    """How two lists of ItemGroup names differ, as text ('' when they are equal)."""
    if names_a == names_b:
        return ''
    only_a = [n for n in names_a if n not in names_b]
    only_b = [n for n in names_b if n not in names_a]
    if not only_a and not only_b:
        return 'names in another order: ' + versus(names_a, names_b)
    return 'names only in %s %s, only in %s %s' % (NAMES[0], only_a, NAMES[1], only_b)


def compare_heap(a, b, before_a, before_b):
    where = 'heap %s:' % heap_label(a)
    out = compare_fields(where, a, b, ('start', 'end', 'flavour', 'heap_length',
                                       'received_length', 'payload_ranges'), 'heap')
    out += compare_lists(where, 'raw items', a['items'], b['items'], show_raw_item)
    if a['kind'] == 'Heap' and b['kind'] == 'Heap':
        out += compare_lists(where, 'descriptors', a['descriptors'], b['descriptors'],
                             show_descriptor)
        out += compare_group(where, a['update'], b['update'], before_a, before_b)
    return out


def groups_before(heaps):
    """For each heap, the ItemGroup (name to item) as the previous complete heap left it."""
    group, out = {}, []
    for h in heaps:
        out.append(group)
        if 'update' in h:
            group = {i['name']: i for i in h['update']['group']}
    return out


def compare_heaps(a, b):
    """Aligns the two heap sequences by (cnt, kind) and compares the heaps that match."""
    keys_a = [heap_label(h) for h in a]
    keys_b = [heap_label(h) for h in b]
    out = []
    if keys_a != keys_b:
        out.append(('heaps yielded', 'heaps yielded: ' + versus(
            '[%s]' % ' '.join(keys_a), '[%s]' % ' '.join(keys_b))))
    before_a, before_b = groups_before(a), groups_before(b)
    matcher = difflib.SequenceMatcher(None, keys_a, keys_b, autojunk=False)
    for block in matcher.get_matching_blocks():
        for i, j in zip(range(block.a, block.a + block.size),
                        range(block.b, block.b + block.size)):
            out += compare_heap(a[i], b[j], before_a[i], before_b[j])
    return out


def compare_stats(a, b, reader):
    out = []
    names_a = [n for n, _ in a['stats']]
    names_b = [n for n, _ in b['stats']]
    for label, names, others in ((NAMES[0], names_a, names_b), (NAMES[1], names_b, names_a)):
        only = [n for n in names if n not in others]
        if only:
            out.append(('stat names', 'statistics only in %s (%d): %s%s'
                        % (label, len(only), ' '.join(only[:5]),
                           ' ...' if len(only) > 5 else '')))
    common = [n for n in names_a if n in names_b]
    if common != [n for n in names_b if n in names_a]:
        out.append(('stat names', 'statistics in another order: '
                    + versus(names_a, names_b)))
    values_b = dict(b['stats'])
    volatile = VOLATILE_STATS.get(reader, set())
    for name, value in a['stats']:
        if name in values_b and name not in volatile and values_b[name] != value:
            out.append(('stat ' + name, 'stat %s: %s' % (name, versus(value, values_b[name]))))
    out += compare_fields('StreamConfig', a, b, ('stat_indices', 'next_stat_index'), 'config')
    return out


def compare_run(a, b, reader):
    if 'error' in a or 'error' in b:
        # Two failures of the same exception type agree; their messages are each library's.
        if str(a.get('error')).split(':')[0] == str(b.get('error')).split(':')[0]:
            return []
        return [('run failed', 'run failed: ' + versus(a.get('error'), b.get('error')))]
    return compare_heaps(a['heaps'], b['heaps']) + compare_stats(a, b, reader)


def print_differences(diffs, examples):
    """Prints the differences by category, the first few of each unless examples is 0."""
    by_category = collections.OrderedDict()
    for category, text in diffs:
        by_category.setdefault(category, []).append(text)
    for category, texts in by_category.items():
        shown = texts if not examples else texts[:examples]
        for text in shown:
            print('  ' + text)
        if len(texts) > len(shown):
            print('  ... %d more %r differences' % (len(texts) - len(shown), category))


# ---------------------------------------------------------------------------------------
# Driver


class LibraryMissing(Exception):
    def __init__(self, module, message):
        super().__init__(message)
        self.module = module


def run_worker(module, path, cases, directory, tag, timeout):
    """Runs the cases in a subprocess with module imported; returns its results."""
    inp = os.path.join(directory, tag + '.in')
    outp = os.path.join(directory, tag + '.out')
    with open(inp, 'wb') as f:
        pickle.dump(cases, f)
    command = [sys.executable, os.path.abspath(__file__), '--worker', module,
               '--input', inp, '--output', outp] + (['--path', path] if path else [])
    env = dict(os.environ, HOME=directory)
    try:
        proc = subprocess.run(command, env=env, stderr=subprocess.PIPE, text=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        return [{'error': 'timed out after %d s' % timeout}] * len(cases)
    if proc.returncode == 3:
        raise LibraryMissing(module, proc.stderr.strip())
    if proc.returncode != 0:
        reason = 'worker exited with %d: %s' % (proc.returncode, proc.stderr.strip()[-300:])
        return [{'error': reason}] * len(cases)
    with open(outp, 'rb') as f:
        return pickle.load(f)


def cases_for(stream, paths, args):
    cases = []
    for config in stream.configs:
        if args.configs and not any(fnmatch.fnmatch(config, c) for c in args.configs):
            continue
        for reader in stream.readers:
            if args.readers and reader not in args.readers:
                continue
            stream_config, ring_config = CONFIGS[config]
            cases.append({'config': config, 'reader': reader, 'path': paths[reader],
                          'stream_config': stream_config, 'ring_config': ring_config})
    return cases


def print_heaps(label, result):
    heaps = result.get('heaps')
    if heaps is not None:
        print('    %-8s heaps: %s' % (label, ' '.join(heap_label(h) for h in heaps)))


def compare_stream(stream, paths, args, directory):
    """Runs one stream through both libraries and prints the runs that differ; returns
    (runs, runs that differ, differences counted by category)."""
    cases = cases_for(stream, paths, args)
    categories = collections.Counter()
    if not cases:
        return 0, 0, categories
    libraries = {'spead2': ('spead2', args.spead2_path),
                 'gr-spead': ('gnuradio.spead', args.gr_spead_path)}
    first, second = (args.self_check,) * 2 if args.self_check else NAMES
    theirs = run_worker(*libraries[first], cases, directory, stream.name + '.1', args.timeout)
    ours = run_worker(*libraries[second], cases, directory, stream.name + '.2', args.timeout)
    differing = 0
    for case, a, b in zip(cases, theirs, ours):
        diffs = compare_run(a, b, case['reader'])
        if diffs or args.verbose:
            print('== %s [%s, %s]: %s' % (stream.name, case['config'], case['reader'],
                                          '%d differences' % len(diffs) if diffs else 'same'))
        if args.verbose:
            print_heaps(NAMES[0], a)
            print_heaps(NAMES[1], b)
        print_differences(diffs, 0 if args.verbose else args.examples)
        differing += bool(diffs)
        categories.update(category for category, _ in diffs)
    return len(cases), differing, categories


def selected_streams(patterns):
    if not patterns:
        return STREAMS
    return [s for s in STREAMS if any(fnmatch.fnmatch(s.name, p) for p in patterns)]


def list_streams():
    for s in STREAMS:
        doc = (s.build.__doc__ or '').strip().split('\n')[0]
        print('%-30s %s' % (s.name, doc))
        print('%-30s readers %s; configurations %s' % ('', ' '.join(s.readers),
                                                        ' '.join(s.configs)))
    print('\nconfigurations:')
    for name, (stream_config, ring_config) in CONFIGS.items():
        print('  %-14s StreamConfig%s RingStreamConfig%s' % (name, stream_config, ring_config))


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--spead2-path', help='directory holding the spead2 package')
    p.add_argument('--gr-spead-path', help='directory holding gnuradio/spead (e.g. a '
                   "build's test_modules); default: the normal import path")
    p.add_argument('-s', '--streams', nargs='+', metavar='GLOB', help='streams to run')
    p.add_argument('-c', '--configs', nargs='+', metavar='GLOB', help='configurations to run')
    p.add_argument('-r', '--readers', nargs='+', choices=ALL_READERS, help='readers to run')
    p.add_argument('-v', '--verbose', action='store_true',
                   help='show every run, its heaps and every difference')
    p.add_argument('--examples', type=int, default=2, metavar='N',
                   help='differences shown per run and category (0: all; default 2)')
    p.add_argument('--seed', type=int, default=18, help='random seed (default 18)')
    p.add_argument('--timeout', type=int, default=120, help='seconds per library and stream')
    p.add_argument('--keep', metavar='DIR', help='write the generated streams into DIR')
    p.add_argument('--list', action='store_true', help='list streams and configurations')
    p.add_argument('--self-check', choices=('spead2', 'gr-spead'),
                   help='compare a library with itself: shows what varies from run to run')
    p.add_argument('--worker', help=argparse.SUPPRESS)
    p.add_argument('--path', help=argparse.SUPPRESS)
    p.add_argument('--input', help=argparse.SUPPRESS)
    p.add_argument('--output', help=argparse.SUPPRESS)
    return p.parse_args(argv)


def load_encoder(path):
    if path:
        sys.path.insert(0, path)
    try:
        import gnuradio.spead as spead
    except ImportError as e:
        print('cannot import gnuradio.spead (needed to make the streams): %s\n'
              'give --gr-spead-path BUILD/test_modules' % e, file=sys.stderr)
        sys.exit(2)
    return spead


def main(argv):
    args = parse_args(argv)
    if args.worker:
        return worker_main(args)
    if args.list:
        list_streams()
        return 0
    if args.self_check:
        NAMES[:] = [args.self_check + ' (1st run)', args.self_check + ' (2nd run)']
    streams = selected_streams(args.streams)
    if not streams:
        print('no stream matches %s (--list shows them)' % args.streams, file=sys.stderr)
        return 2
    spead = load_encoder(args.gr_spead_path)
    with tempfile.TemporaryDirectory(prefix='compare-spead2-') as tmp:
        directory = args.keep or tmp
        os.makedirs(directory, exist_ok=True)
        summary = []
        try:
            for stream in streams:
                paths = generate(stream, directory, spead, args.seed)
                summary.append((stream.name,) + compare_stream(stream, paths, args, tmp))
        except LibraryMissing as e:
            hint = ('give --spead2-path DIR, the directory that holds the spead2 package of a '
                    'spead2 build' if e.module == 'spead2' else
                    'give --gr-spead-path BUILD/test_modules')
            print('%s\n%s' % (e, hint), file=sys.stderr)
            return 2
    return print_summary(summary)


def print_summary(summary):
    print('\nsummary: stream, runs, result (differences by category)')
    differing = 0
    for name, runs, bad, categories in summary:
        total = sum(categories.values())
        if not total:
            print('  %-34s %3d  same' % (name, runs))
            continue
        differing += 1
        print('  %-34s %3d  %d differences in %d runs' % (name, runs, total, bad))
        print('      ' + ', '.join('%s %d' % kv for kv in categories.most_common()))
    streams_by_category = collections.Counter(c for _, _, _, cats in summary for c in cats)
    if streams_by_category:
        print('categories (streams that show them): ' + ', '.join(
            '%s %d' % kv for kv in streams_by_category.most_common()))
    print('total: %d streams, %d same, %d differ (%d differences)'
          % (len(summary), len(summary) - differing, differing,
             sum(sum(s[3].values()) for s in summary)))
    return 1 if differing else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
