#
# Copyright 2026 gr-spead authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#

"""One trial of each kind behind bench/bench_flowgraph.py.

- spead_trial: spead_send -> loopback UDP -> spead.source -> null sink; the stop heap
  ends the flowgraph. Outputs: 'byte' (the data item's bytes), 'complex' (int8 (re, im)
  pairs to gr_complex), 'transposed' (the same pairs read as an F-engine item
  (channels, spectra, 2 pols) and emitted as (pols, spectra, channels), i.e. spectra
  of TRANSPOSE_CHANNELS channels through a blocked transpose).
- udp_source_trial: the same packets into GNU Radio's own network.udp_source taking
  them as raw bytes (no header, the packet size as its payload size), out of the box.
- ceiling_trial: null_source -> null_sink of one item type, the most a flowgraph of
  this machine moves through one connection.

Every trial returns a dict of plain numbers; none judges anything.
"""

import json
import os
import socket
import subprocess
import sys
import threading
import time

from gnuradio import blocks, gr, network, spead

# Bytes emitted per payload byte: complex turns each int8 (re, im) pair into a gr_complex.
OUTPUT_EXPANSION = {'byte': 1, 'complex': gr.sizeof_gr_complex // 2,
                    'transposed': gr.sizeof_gr_complex // 2}
# The transposed output's item shape: channels x spectra x 2 polarisations x (re, im).
TRANSPOSE_CHANNELS, TRANSPOSE_POLS = 1024, 2


def transposed_output(heap_size):
    """The 'transposed' output: spead_send's flat data item read as (channels, spectra,
    pols) int8 pairs (the sizes given in the layout, since its descriptor is flat)."""
    per_spectrum = TRANSPOSE_CHANNELS * TRANSPOSE_POLS * 2
    if heap_size % per_spectrum:
        sys.exit('the transposed output needs a heap size that is a multiple of %d'
                 % per_spectrum)
    layout = 'channels:{} spectra:{} pols:{} -> pols spectra channels'.format(
        TRANSPOSE_CHANNELS, heap_size // per_spectrum, TRANSPOSE_POLS)
    return spead.output_config('data', 'complex', TRANSPOSE_CHANNELS, wire='|i1',
                               scale=128, layout=layout)


def heaps_for(rate_gbps, duration, heap_size, minimum=50):
    """Data heaps that keep a sender at rate_gbps busy for about duration seconds."""
    if rate_gbps <= 0:
        return None
    return max(minimum, int(rate_gbps * 1e9 / 8 * duration / heap_size))


def run_spead_send(spead_send, port, rate, heaps, heap_size, packet_size):
    """Runs spead_send to 127.0.0.1:port and returns its JSON summary."""
    sender = subprocess.run(
        [spead_send, '--host', '127.0.0.1', '--port', str(port), '--heaps', str(heaps),
         '--heap-size', str(heap_size), '--packet-size', str(packet_size),
         '--rate', str(rate), '--json'],
        capture_output=True, text=True, timeout=600)
    if sender.returncode != 0:
        sys.exit('spead_send failed: ' + sender.stderr)
    return json.loads(sender.stdout.strip().splitlines()[-1])


def spead_trial(spead_send, rate, heaps, heap_size, packet_size, output, grace=5.0):
    tb = gr.top_block()
    if output == 'byte':
        out = spead.output_config('data', 'byte')
        itemsize = 1
    elif output == 'transposed':
        out = transposed_output(heap_size)
        itemsize = gr.sizeof_gr_complex * TRANSPOSE_CHANNELS
    else:
        out = spead.output_config('data', 'complex', wire='|i1', scale=128)
        itemsize = gr.sizeof_gr_complex
    sink = blocks.null_sink(itemsize)
    src = spead.source([out], transport='udp', address='127.0.0.1', port=0,
                       heap_size=heap_size, max_heaps=4, ring_heaps=8, stats_interval=0)
    tb.connect(src, sink)
    tb.start()
    cpu0, wall0 = os.times(), time.monotonic()
    sent = run_spead_send(spead_send, src.local_port(), rate, heaps, heap_size,
                          packet_size)
    # The stop heap ends the flowgraph; if it was lost, stop after a grace period.
    timer = threading.Timer(grace, tb.stop)
    timer.start()
    tb.wait()
    timer.cancel()
    wall, cpu1 = time.monotonic() - wall0, os.times()
    stats = src.statistics()
    # This process only (the flowgraph's threads); spead_send is a child, counted apart.
    cpu = (cpu1.user - cpu0.user) + (cpu1.system - cpu0.system)
    emitted_bytes = stats['heaps_emitted'] * heap_size
    output_bytes = sink.nitems_read(0) * itemsize
    incomplete = stats['incomplete_heaps_evicted'] + stats['incomplete_heaps_flushed']
    missing = sent['data_heaps'] - stats['heaps_emitted']
    return {
        'source': 'spead.source ' + output,
        'rate_offered_gbps': rate,
        'sender_gbps': sent['gbps'],
        'sender_seconds': sent['seconds'],
        'heaps_sent': sent['data_heaps'],
        'heaps_emitted': stats['heaps_emitted'],
        'heaps_missing': missing,
        'incomplete_heaps': incomplete,
        'worker_blocked': stats['worker_blocked'],
        'loss_free': missing == 0 and incomplete == 0,
        'emitted_payload_gbps': emitted_bytes * 8 / sent['seconds'] / 1e9,
        'output_bytes': output_bytes,
        'output_gbytes_per_s': output_bytes / sent['seconds'] / 1e9,
        'receiver_cpu_s_per_gb': cpu / (emitted_bytes / 1e9) if emitted_bytes else None,
        'wall_seconds': wall,
        'load_average': os.getloadavg()[0],
    }


def free_udp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(('0.0.0.0', 0))
        return s.getsockname()[1]


def udp_source_trial(spead_send, rate, heaps, heap_size, packet_size, settle=0.5):
    """network.udp_source as a user sets it up: raw bytes, no header, payload size = the
    packet size, no zeros when idle. Loss-free means every byte spead_send sent came out."""
    port = free_udp_port()
    tb = gr.top_block()
    src = network.udp_source(1, 1, port, 0, packet_size, False, False, False)
    sink = blocks.null_sink(1)
    tb.connect(src, sink)
    tb.start()
    time.sleep(0.2)  # the block opens its socket in start(); let it bind first
    sent = run_spead_send(spead_send, port, rate, heaps, heap_size, packet_size)
    # No end-of-stream marker: wait until the count stops moving.
    received, still_since = -1, time.monotonic()
    while time.monotonic() - still_since < settle:
        now = sink.nitems_read(0)
        if now != received:
            received, still_since = now, time.monotonic()
        if received >= sent['bytes']:
            break
        time.sleep(0.05)
    tb.stop()
    tb.wait()
    return {
        'source': 'network.udp_source',
        'rate_offered_gbps': rate,
        'sender_gbps': sent['gbps'],
        'sender_seconds': sent['seconds'],
        'bytes_sent': sent['bytes'],
        'bytes_received': received,
        'received_fraction': received / sent['bytes'],
        'loss_free': received == sent['bytes'],
        'output_bytes': received,
        'output_gbytes_per_s': received / sent['seconds'] / 1e9,
        'load_average': os.getloadavg()[0],
    }


def ceiling_trial(itemsize, seconds, buffer_bytes=None):
    """Bytes per second a null_source -> null_sink flowgraph of this item size moves, with
    GNU Radio's default buffers or, given buffer_bytes, buffers of that size (what
    spead.source asks for: 1 MiB per output)."""
    tb = gr.top_block()
    src = blocks.null_source(itemsize)
    if buffer_bytes:
        src.set_min_output_buffer(buffer_bytes // itemsize)
    sink = blocks.null_sink(itemsize)
    tb.connect(src, sink)
    tb.start()
    time.sleep(0.2)  # past start-up
    n0, t0 = sink.nitems_read(0), time.monotonic()
    time.sleep(seconds)
    n1, t1 = sink.nitems_read(0), time.monotonic()
    tb.stop()
    tb.wait()
    return (n1 - n0) * itemsize / (t1 - t0)
