#!/usr/bin/env python3
#
# Copyright 2026 gr-spead authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#

"""How long a heap sent to an idle spead.source takes to come out of it.

Twenty single-packet heaps are sent over loopback UDP, each after an idle pause of a
different length (so they arrive at different phases of the block's wait), and the time
from sending to the heap's samples reaching a vector sink is measured (polled every
0.5 ms). Prints the median and the maximum; it judges nothing.

    PYTHONPATH=build/test_modules /usr/bin/python3 bench/bench_idle_latency.py
"""

import socket
import time

from gnuradio import blocks, gr, spead


def main():
    tb = gr.top_block()
    src = spead.source([spead.output_config('0x1602', 'short', wire='>i2')],
                       transport='udp', address='127.0.0.1', port=0)
    sink = blocks.vector_sink_s()
    tb.connect(src, sink)
    tb.start()
    port = src.local_port()
    latencies = []
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        for cnt in range(1, 21):
            time.sleep(0.137 + 0.011 * cnt)
            before = len(sink.data())
            packets = spead.encode_heap(cnt, [(0x1602, bytes(512))])
            start = time.monotonic()
            for p in packets:
                s.sendto(p, ('127.0.0.1', port))
            while len(sink.data()) == before and time.monotonic() - start < 5:
                time.sleep(0.0005)
            latencies.append(time.monotonic() - start)
    tb.stop()
    tb.wait()
    latencies.sort()
    print('idle source, heap sent -> samples out: median %.1f ms, max %.1f ms (%d heaps)'
          % (1000 * latencies[len(latencies) // 2], 1000 * latencies[-1], len(latencies)))


if __name__ == '__main__':
    main()
