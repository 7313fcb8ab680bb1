#!/usr/bin/env python3
#
# Copyright 2026 gr-spead authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#

"""Blocking receive loop, as spead2's documentation shows it: listen on a UDP port
(8888 unless given), apply every heap to an ItemGroup and print the values that
changed, until the sender's stop heap ends the stream.

This is a spead2 program; only the import line differs (spead2 itself:
"import spead2" and "import spead2.recv").
"""

import logging
import sys

import gnuradio.spead as spead2

logging.basicConfig(level=logging.INFO)

port = int(sys.argv[1]) if len(sys.argv) > 1 else 8888

thread_pool = spead2.ThreadPool()
# Heap buffers from a pool: 12 kept free, 8 made up front, for heaps of 16 KiB to 25 MiB.
memory_pool = spead2.MemoryPool(16384, 26214400, 12, 8)
config = spead2.recv.StreamConfig(memory_allocator=memory_pool)
stream = spead2.recv.Stream(thread_pool, config)
del thread_pool  # the stream holds on to it
stream.add_udp_reader(port)

item_group = spead2.ItemGroup()
num_heaps = 0
for heap in stream:
    print("Got heap", heap.cnt, flush=True)
    for item in item_group.update(heap).values():
        print(heap.cnt, item.name, item.value, flush=True)
    num_heaps += 1
stream.stop()
print("Received", num_heaps, "heaps", flush=True)
