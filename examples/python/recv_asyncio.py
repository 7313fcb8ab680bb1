#!/usr/bin/env python3
#
# Copyright 2026 gr-spead authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#

"""asyncio receive loop, as spead2's documentation shows it: the same as
recv_blocking.py with an ``async for`` over a spead2.recv.asyncio.Stream.

This is a spead2 program; only the import line differs (spead2 itself:
"import spead2" and "import spead2.recv.asyncio").
"""

import asyncio
import logging
import sys

import gnuradio.spead as spead2


async def run_stream(stream):
    item_group = spead2.ItemGroup()
    num_heaps = 0
    async for heap in stream:
        print("Got heap", heap.cnt, flush=True)
        for item in item_group.update(heap).values():
            print(heap.cnt, item.name, item.value, flush=True)
        num_heaps += 1
    stream.stop()
    print("Received", num_heaps, "heaps", flush=True)


def main():
    logging.basicConfig(level=logging.INFO)
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8888
    thread_pool = spead2.ThreadPool()
    stream = spead2.recv.asyncio.Stream(thread_pool, spead2.recv.StreamConfig(max_heaps=2),
                                        spead2.recv.RingStreamConfig(heaps=8))
    stream.add_udp_reader(port)
    asyncio.run(run_stream(stream))


if __name__ == "__main__":
    main()
