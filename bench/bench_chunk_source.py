#!/usr/bin/env python3
#
# Copyright 2026 gr-spead authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#

"""The chunk path against the heap path in a flowgraph, on the same traffic.

  bench_chunk_source.py [--heaps N] [--heap-bytes B] [--groups G] [--repeat R]

An F-engine-like stream (G channel ranges per spectrum, one heap each: an immediate
timestamp and first channel, B bytes of (re, im) int8 pairs as payload, one packet per
heap) is encoded once and put into an in-process queue before the flowgraph starts, so
that the receiver, not a sender, sets the pace. Each trial runs one flowgraph to the end
of the queue:

  heap path:  spead.source (one output, complex from '|i1') -> null sink
  chunk path: spead.chunk_source (the same conversion; heaps placed by timestamp and
              channel, --chunk-spectra spectra per chunk) -> null sink

It prints, per path, the best of --repeat trials: heaps per second, payload gigabytes
per second, and the process's CPU seconds per gigabyte of payload. It judges no figure;
it exits 1 when a path did not emit every sample.
"""

import argparse
import resource
import sys
import time

from gnuradio import blocks, gr, spead

TIMESTAMP_ID, FREQUENCY_ID, DATA_ID = 0x1600, 0x4103, 0x4300


def encode(args):
    chans = args.heap_bytes // 2
    payload = bytes((i * 7) % 251 for i in range(args.heap_bytes))
    packets = []
    for n in range(args.heaps):
        t, g = divmod(n, args.groups)
        packets.extend(spead.encode_heap(
            n + 1, [(TIMESTAMP_ID, t * 2 * chans * args.groups), (FREQUENCY_ID, g * chans),
                    (DATA_ID, payload)], max_packet_size=args.heap_bytes + 128))
    packets.extend(spead.encode_stop_heap(args.heaps + 1))
    return packets


def cpu_seconds():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def trial(path, packets, args):
    queue = spead.InprocQueue()
    for p in packets:
        queue.add_packet(p)
    queue.stop()
    chans = args.heap_bytes // 2
    receiver = dict(transport='inproc', queue=queue, stats_interval=0)
    if path == 'heap':
        src = spead.source([spead.output_config(hex(DATA_ID), 'complex', wire='|i1')],
                           ring_heaps=16, **receiver)
    else:
        src = spead.chunk_source(
            args.heap_bytes, 2 * chans * args.groups, args.chunk_spectra, wire='|i1',
            timestamp_id=TIMESTAMP_ID, index_id=FREQUENCY_ID, index_step=chans,
            index_count=args.groups, max_chunks=2, ring_chunks=6, **receiver)
    tb = gr.top_block()
    tb.connect(src, blocks.null_sink(gr.sizeof_gr_complex))
    cpu0, t0 = cpu_seconds(), time.perf_counter()
    tb.run()
    elapsed, cpu = time.perf_counter() - t0, cpu_seconds() - cpu0
    return elapsed, cpu, src.nitems_written(0), src.statistics()


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--heaps', type=int, default=8192)
    parser.add_argument('--heap-bytes', type=int, default=4096)
    parser.add_argument('--groups', type=int, default=4)
    parser.add_argument('--chunk-spectra', type=int, default=32)
    parser.add_argument('--repeat', type=int, default=3)
    args = parser.parse_args()
    if args.heaps % (args.groups * args.chunk_spectra):
        sys.exit('--heaps must be a multiple of --groups x --chunk-spectra')
    packets = encode(args)
    gigabytes = args.heaps * args.heap_bytes / 1e9
    print('%d heaps of %d bytes (%d channel ranges, %d spectra per chunk), '
          '%.3f GB of payload, best of %d' % (args.heaps, args.heap_bytes, args.groups,
                                             args.chunk_spectra, gigabytes, args.repeat))
    status = 0
    for path in ('heap', 'chunk'):
        best = None
        for _ in range(args.repeat):
            r = trial(path, packets, args)
            if best is None or r[0] < best[0]:
                best = r
        elapsed, cpu, samples, stats = best
        complete = samples == args.heaps * args.heap_bytes // 2
        status |= 0 if complete else 1
        print('%-5s path: %9.0f heaps/s  %6.3f GB/s  %6.2f CPU s/GB  samples %s' % (
            path, args.heaps / elapsed, gigabytes / elapsed, cpu / gigabytes,
            'all' if complete else '%d of %d' % (samples, args.heaps * args.heap_bytes // 2)))
    return status


if __name__ == '__main__':
    sys.exit(main())
