#!/usr/bin/env python3
#
# Copyright 2026 gr-spead authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#

"""The chunk path against the heap path over UDP loopback, gr-spead and spead2 side by side.

  compare_chunk_loopback.py BUILD_DIR [--rates 2,4,8,0] [--seconds S] [--repeats R]
                            [--heap-size B] [--groups G] [--chunk-spectra S]

The sender is spead_send in a process of its own: F-engine-like heaps (an immediate
timestamp stepping by G per spectrum and a first channel stepping by B/2 per channel
range, B bytes of data, one packet each, G channel ranges per spectrum, no descriptors,
a stop heap at the end), the stream of `spead_bench chunk`. Each receiver is a process of
its own on 127.0.0.1 (one worker thread, the pool, ring and chunk sizes of `spead_bench
chunk`):

  gr-spead chunk / heap:  spead_bench chunk --udp PORT --only chunk|heap
  spead2 chunk / heap:    bench/spead2_chunk_bench.cpp built against spead2 (the
                          environment variables SPEAD2_SRC and SPEAD2_BUILD, as for
                          bench/compare_chunk_spead2.sh); left out when they are unset

At each rate the receivers take turns (the order rotates between repetitions) so that
the machine's drift hits all of them. Prints heaps taken of heaps sent (complete heaps,
or heaps present in chunks) per receiver and rate, the highest rate up to which every trial
took every heap, the fraction taken from an unlimited sender (rate 0) and each
receiver's CPU seconds per GB. It judges nothing: the exit status is 0 unless a tool
fails.
"""

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
# The loss-free summary is the one compare-spead2.sh prints, on the same trial records.
sys.path.insert(0, os.path.join(HERE, '..', 'scripts'))
from compare_spead2 import rate_label, summarize  # noqa: E402
TIMESTAMP_ID, FREQUENCY_ID, DATA_ID = 0x1600, 0x4103, 0x4300
# An unlimited spead_send of small heaps on loopback reaches about this; it sizes a trial.
UNLIMITED_GUESS_GBPS = 20.0


def spead2_program(build):
    """Builds bench/spead2_chunk_bench.cpp against spead2 if needed; None without spead2."""
    src, lib = os.environ.get('SPEAD2_SRC'), os.environ.get('SPEAD2_BUILD')
    if not src or not lib or not os.path.exists(os.path.join(lib, 'src', 'libspead2.a')):
        return None
    program = os.path.join(build, 'bench', 'spead2_chunk_bench')
    source = os.path.join(HERE, 'spead2_chunk_bench.cpp')
    if not os.path.exists(program) or os.path.getmtime(source) > os.path.getmtime(program):
        subprocess.run(['c++', '-std=c++17', '-O3', '-DNDEBUG', '-pthread',
                        '-I' + os.path.join(src, 'include'), '-I' + os.path.join(lib, 'include'),
                        source, '-o', program, os.path.join(lib, 'src', 'libspead2.a'),
                        '-lpcap', '-ldl'], check=True)
    return program


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def receiver_argv(name, port, args, build, spead2):
    lib, path = name.split()
    if lib == 'gr-spead':
        return [os.path.join(build, 'bench', 'spead_bench'), 'chunk', '--udp', str(port),
                '--only', path, '--heap-size', str(args.heap_size), '--groups',
                str(args.groups), '--chunk-spectra', str(args.chunk_spectra)]
    per_chunk = args.groups * args.chunk_spectra
    # HEAPS and PASSES do not matter on UDP; MAX_CHUNKS 2 and RING_CHUNKS 4 as ours.
    return [spead2, 'udp:%d:%s' % (port, path), str(per_chunk), str(args.heap_size),
            str(args.groups), str(args.chunk_spectra), '2', '4', '1']


def sender_argv(port, heaps, rate, args, build):
    argv = [os.path.join(build, 'apps', 'spead_send'), '--host', '127.0.0.1', '--port',
            str(port), '--no-descriptors', '--substreams', str(args.groups), '--heaps',
            str(heaps), '--json',
            '--item', 'name=timestamp,id=%#x,immediate,step_per_frame=%d'
            % (TIMESTAMP_ID, args.groups),
            '--item', 'name=frequency,id=%#x,immediate,step_per_substream=%d'
            % (FREQUENCY_ID, args.heap_size // 2),
            '--item', 'name=data,id=%#x,shape=%d,dtype=u1,fill=ramp'
            % (DATA_ID, args.heap_size)]
    if rate > 0:
        argv += ['--rate', str(rate)]
    return argv


def heaps_for(rate, args):
    gbps = rate if rate > 0 else UNLIMITED_GUESS_GBPS
    heaps = int(gbps * 1e9 / 8 * args.seconds / args.heap_size)
    per_chunk = args.groups * args.chunk_spectra
    return max(per_chunk, heaps - heaps % per_chunk)  # whole chunks


def trial(name, rate, args, build, spead2):
    port = free_port()
    heaps = heaps_for(rate, args)
    rx = subprocess.Popen(receiver_argv(name, port, args, build, spead2),
                          stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL, text=True)
    try:
        if rx.stdout.readline().strip() != 'ready':
            sys.exit('compare_chunk_loopback: %s did not start' % name)
        tx = subprocess.run(sender_argv(port, heaps, rate, args, build),
                            capture_output=True, text=True, timeout=600)
        if tx.returncode != 0:
            sys.exit('compare_chunk_loopback: spead_send failed:\n' + tx.stderr)
        sent = json.loads(tx.stdout)
        # The stop heap ends the receiver; if the kernel dropped it, a line does.
        try:
            out = rx.communicate(timeout=3)[0]
        except subprocess.TimeoutExpired:
            out = rx.communicate(input='stop\n', timeout=30)[0]
    finally:
        if rx.poll() is None:
            rx.kill()
    result = json.loads(out.strip().splitlines()[-1])
    return {'receiver': name, 'rate': rate, 'sent': heaps, 'received': result['heaps'],
            'cpu_seconds': result['cpu_seconds'],
            'sender_gbps': sent.get('gbps', sent.get('rate_gbps'))}


def report(trials, receivers, rates, args):
    summary = summarize(trials, receivers, rates)
    print('\n| receiver | ' + ' | '.join(rate_label(r) for r in rates) +
          ' | highest loss-free | taken at unlimited | CPU s/GB |')
    print('|---' * (len(rates) + 4) + '|')
    for rcv in receivers:
        cells = []
        for rate in rates:
            mine = [t for t in trials if t['receiver'] == rcv and t['rate'] == rate]
            # Two decimals, so that a few heaps lost do not read as 100 %.
            fr = sorted(set('100 %' if t['received'] == t['sent'] else
                            '%.2f %%' % (100.0 * t['received'] / t['sent']) for t in mine),
                        key=lambda x: float(x.split()[0]))
            cells.append(fr[0] if len(fr) == 1 else fr[0][:-2] + '-' + fr[-1])
        cpu = [t['cpu_seconds'] / (t['received'] * args.heap_size / 1e9)
               for t in trials if t['receiver'] == rcv and t['received']]
        best = summary[rcv]['loss_free_gbps']
        full = summary[rcv]['full_rate_fraction']
        print('| %s | %s | %s | %s | %s |' % (
            rcv, ' | '.join(cells), rate_label(best) if best else 'none',
            '%.1f %%' % (100 * full) if full is not None else '-',
            '%.2f' % statistics.median(cpu) if cpu else '-'))
    return summary


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('build', help='gr-spead build folder')
    p.add_argument('--rates', default='2,4,8,0', help='comma-separated Gb/s, 0 = unlimited')
    p.add_argument('--seconds', type=float, default=2.0, help='seconds of sending per trial')
    p.add_argument('--repeats', type=int, default=2, help='trials per receiver and rate')
    p.add_argument('--heap-size', type=int, default=4096)
    p.add_argument('--groups', type=int, default=4)
    p.add_argument('--chunk-spectra', type=int, default=32)
    p.add_argument('--receivers', help='comma-separated subset of: gr-spead chunk, '
                   'spead2 chunk, gr-spead heap, spead2 heap')
    p.add_argument('--json', metavar='FILE', help='write every trial to FILE')
    args = p.parse_args()
    build = os.path.abspath(args.build)
    spead2 = spead2_program(build)
    receivers = ['gr-spead chunk', 'spead2 chunk', 'gr-spead heap', 'spead2 heap']
    if args.receivers:
        receivers = [r.strip() for r in args.receivers.split(',')]
    if spead2 is None:
        print('spead2 not built (SPEAD2_SRC, SPEAD2_BUILD): its receivers are left out')
        receivers = [r for r in receivers if not r.startswith('spead2')]
    rates = [float(r) for r in args.rates.split(',')]
    trials = []
    for rep in range(args.repeats):
        for rate in rates:
            shift = (rep + rates.index(rate)) % len(receivers)
            for name in receivers[shift:] + receivers[:shift]:
                t = trial(name, rate, args, build, spead2)
                trials.append(t)
                print('%-15s %-10s %8d of %8d heaps, sender %s Gb/s, load %.1f' % (
                    name, rate_label(rate), t['received'], t['sent'], t['sender_gbps'],
                    os.getloadavg()[0]), flush=True)
                time.sleep(0.2)
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(trials, f, indent=1)
    report(trials, receivers, rates, args)


if __name__ == '__main__':
    main()
