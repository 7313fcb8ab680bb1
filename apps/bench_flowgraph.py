#!/usr/bin/env python3
#
# Copyright 2026 gr-spead authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#

"""The flowgraph benchmark: spead_send -> loopback UDP -> spead.source -> null sink.

For each offered rate, a flowgraph receives what spead_send sends (descriptors, data
heaps, a stop heap that ends the flowgraph) and the figures printed are: the rate the
sender reached, the payload rate emitted as samples, heaps sent / emitted / lost
(incomplete or missing), kernel drops are not visible here (see spead_bench udp), and
the process CPU time per gigabyte of payload. It prints figures; it judges nothing.

    bench_flowgraph.py [--spead-send PATH] [--heap-size 1M] [--packet-size 8972]
                       [--heaps N] [--rates 0,2,4] [--output byte|complex] [--json]

--output byte emits the data item's bytes as they are (a copy); complex reads them as
int8 (re, im) pairs and converts them with VOLK (the usual conversion for digitiser
samples). Rate 0 means as fast as spead_send goes.
"""

import argparse
import json
import os
import subprocess
import sys
import threading
import time

from gnuradio import blocks, gr, spead


def size(text):
    units = {'K': 1 << 10, 'M': 1 << 20, 'G': 1 << 30}
    return int(text[:-1]) * units[text[-1].upper()] if text[-1].upper() in units \
        else int(text)


def default_spead_send():
    # From a build tree: build/test_modules/gnuradio/spead/__init__.py -> build/apps.
    here = os.path.dirname(os.path.abspath(spead.__file__))
    candidate = os.path.normpath(os.path.join(here, '..', '..', '..', 'apps', 'spead_send'))
    return candidate if os.path.exists(candidate) else 'spead_send'


def trial(args, rate):
    tb = gr.top_block()
    if args.output == 'byte':
        out = spead.output_config('data', 'byte')
        sink = blocks.null_sink(1)
    else:
        out = spead.output_config('data', 'complex', wire='|i1', scale=128)
        sink = blocks.null_sink(gr.sizeof_gr_complex)
    src = spead.source([out], transport='udp', address='127.0.0.1', port=0,
                       heap_size=args.heap_size, max_heaps=4, ring_heaps=8,
                       stats_interval=0)
    tb.connect(src, sink)
    tb.start()
    port = src.local_port()
    cpu0, wall0 = os.times(), time.monotonic()
    sender = subprocess.run(
        [args.spead_send, '--host', '127.0.0.1', '--port', str(port),
         '--heaps', str(args.heaps), '--heap-size', str(args.heap_size),
         '--packet-size', str(args.packet_size), '--rate', str(rate), '--json'],
        capture_output=True, text=True, timeout=600)
    # The stop heap ends the flowgraph; if it was lost, stop after a grace period.
    timer = threading.Timer(5.0, tb.stop)
    timer.start()
    tb.wait()
    timer.cancel()
    wall, cpu1 = time.monotonic() - wall0, os.times()
    if sender.returncode != 0:
        sys.exit('spead_send failed: ' + sender.stderr)
    sent = json.loads(sender.stdout.strip().splitlines()[-1])
    stats = src.statistics()
    # This process only (the flowgraph's threads); spead_send is a child, counted apart.
    cpu = (cpu1.user - cpu0.user) + (cpu1.system - cpu0.system)
    emitted_bytes = stats['heaps_emitted'] * args.heap_size
    return {
        'rate_offered_gbps': rate,
        'sender_gbps': sent['gbps'],
        'sender_seconds': sent['seconds'],
        'heaps_sent': sent['data_heaps'],
        'heaps_emitted': stats['heaps_emitted'],
        'heaps_missing': sent['data_heaps'] - stats['heaps_emitted'],
        'incomplete_heaps': stats['incomplete_heaps_evicted'] +
        stats['incomplete_heaps_flushed'],
        'worker_blocked': stats['worker_blocked'],
        'emitted_payload_gbps': emitted_bytes * 8 / sent['seconds'] / 1e9,
        'receiver_cpu_s_per_gb': cpu / (emitted_bytes / 1e9) if emitted_bytes else None,
        'wall_seconds': wall,
        'load_average': os.getloadavg()[0],
    }


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--spead-send', default=default_spead_send())
    p.add_argument('--heap-size', type=size, default=size('1M'))
    p.add_argument('--packet-size', type=int, default=8972)
    p.add_argument('--heaps', type=int, default=2000)
    p.add_argument('--rates', default='0', help='comma-separated Gb/s, 0 = unlimited')
    p.add_argument('--output', choices=['byte', 'complex'], default='complex')
    p.add_argument('--json', action='store_true')
    args = p.parse_args()
    for rate in [float(r) for r in args.rates.split(',')]:
        r = trial(args, rate)
        if args.json:
            print(json.dumps(r), flush=True)
        else:
            print('offered {rate_offered_gbps:g} Gb/s: sender {sender_gbps:.2f} Gb/s, '
                  'emitted {emitted_payload_gbps:.2f} Gb/s, heaps {heaps_emitted}/'
                  '{heaps_sent} ({heaps_missing} missing, {incomplete_heaps} incomplete), '
                  'receiver CPU {receiver_cpu_s_per_gb:.3f} s/GB, load {load_average:.1f}'
                  .format(**r), flush=True)


if __name__ == '__main__':
    main()
