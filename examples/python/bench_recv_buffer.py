#!/usr/bin/env python3
#
# Copyright 2026 gr-spead authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#

"""How fast Python takes heaps from a stream, with and without ItemGroup.update.

Encodes heaps into one memory buffer (stream framing), then receives them through
add_buffer_reader, iterating in Python; prints heaps/s and payload Gb/s, best of three.
Usage: bench_recv_buffer.py [--heap-size BYTES] [--heaps N] [--packet-size BYTES]
"""

import argparse
import os
import time

import gnuradio.spead as spead2

ITEM_ID = 0x1000


def descriptor_packet(heap_size):
    """A heap carrying the descriptor of a 1-d uint8 item of heap_size bytes."""
    header = "{'descr': '|u1', 'fortran_order': False, 'shape': (%d,)}" % heap_size
    items = [(0x14, ITEM_ID), (0x10, b'payload'), (0x11, b'benchmark item'),
             (0x15, header.encode('ascii'))]
    desc = b''.join(spead2.encode_heap(1, items, max_packet_size=65000))
    return spead2.encode_heap(1, [(spead2.DESCRIPTOR_ID, desc)], max_packet_size=65000)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--heap-size', type=int, default=1 << 20)
    parser.add_argument('--heaps', type=int, default=64)
    parser.add_argument('--packet-size', type=int, default=8972)
    args = parser.parse_args()

    packets = descriptor_packet(args.heap_size)
    payload = bytes(args.heap_size)
    for cnt in range(2, args.heaps + 2):
        packets += spead2.encode_heap(cnt, [(ITEM_ID, payload)],
                                      max_packet_size=args.packet_size)
    data = b''.join(packets)
    pool = spead2.ThreadPool()
    for with_item_group in (False, True):
        best = None
        for _ in range(3):
            # More buffers than the ring and the live heaps hold: the pool never runs dry.
            memory = spead2.MemoryPool(args.heap_size, args.heap_size, 16, 16)
            stream = spead2.recv.Stream(
                pool, spead2.recv.StreamConfig(memory_allocator=memory),
                spead2.recv.RingStreamConfig(heaps=8))
            item_group = spead2.ItemGroup()
            start = time.perf_counter()
            stream.add_buffer_reader(data)
            heaps = 0
            for heap in stream:
                if with_item_group:
                    item_group.update(heap)
                heaps += 1
            elapsed = time.perf_counter() - start
            best = elapsed if best is None else min(best, elapsed)
        print('%-20s %6d heaps of %d B: %9.0f heaps/s %7.2f Gb/s' % (
            'with ItemGroup' if with_item_group else 'heaps only', heaps - 1,
            args.heap_size, (heaps - 1) / best, (heaps - 1) * args.heap_size * 8 / best / 1e9))
    print('load average', ' '.join('%.2f' % x for x in os.getloadavg()))


if __name__ == '__main__':
    main()
