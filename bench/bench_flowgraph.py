#!/usr/bin/env python3
#
# Copyright 2026 gr-spead authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#

"""The flowgraph benchmark: spead_send -> loopback UDP -> a GNU Radio source -> null sink.

Two ways to run it:

  bench_flowgraph.py [--rates 0,2,4] [--heaps N] [--output byte|complex] ...
      One spead.source trial per offered rate: the rate the sender reached, the payload
      rate emitted as samples, heaps sent / emitted / lost (incomplete or missing) and
      the flowgraph process's CPU time per gigabyte of payload.

  bench_flowgraph.py --compare [--duration S] [--confirm N] ...
      In one run: the flowgraph ceiling of this machine (null_source -> null_sink of
      gr_complex and of bytes, with default buffers and with the 1 MiB buffers
      spead.source asks for), then the highest loss-free input rate of spead.source
      (int8 pairs to complex float; the same pairs transposed from (channels, spectra,
      pols) to per-polarisation spectra; bytes passed through) and of GNU Radio's own
      network.udp_source taking the same packets as raw bytes. For each it prints the
      output rate at that input rate and its fraction of the ceiling of its item type.

A rate search doubles the offered rate from --start until a trial loses anything (or the
sender cannot go faster), then bisects --steps times; the best rate must then pass
--confirm more trials (stepping down when one fails). Loss-free means every data heap
emitted complete (spead.source) or every byte sent delivered (udp_source). The sender
shares this machine's CPUs. It prints figures; it judges nothing. Rate 0 = unlimited.
"""

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from gnuradio import gr, spead  # noqa: E402

import flowgraph_trials as trials  # noqa: E402


def size(text):
    units = {'K': 1 << 10, 'M': 1 << 20, 'G': 1 << 30}
    return int(text[:-1]) * units[text[-1].upper()] if text[-1].upper() in units \
        else int(text)


def default_spead_send():
    # From a build tree: build/test_modules/gnuradio/spead/__init__.py -> build/apps.
    here = os.path.dirname(os.path.abspath(spead.__file__))
    candidate = os.path.normpath(os.path.join(here, '..', '..', '..', 'apps', 'spead_send'))
    return candidate if os.path.exists(candidate) else 'spead_send'


def describe(r):
    if 'heaps_sent' in r:
        lost = '{heaps_emitted}/{heaps_sent} heaps ({heaps_missing} missing, ' \
               '{incomplete_heaps} incomplete)'.format(**r)
    else:
        lost = '{:.2%} of the bytes'.format(r['received_fraction'])
    return ('{source}: offered {rate_offered_gbps:g} Gb/s, sender {sender_gbps:.2f} Gb/s, '
            'output {output_gbytes_per_s:.3f} GB/s, '.format(**r) + lost +
            ', load {:.1f}'.format(r['load_average']))


def search(run, args, log):
    """Highest offered rate (Gb/s) at which run(rate) is loss-free: ((rate, trial), how)."""
    def trial(rate):
        r = run(rate)
        log(r)
        return r

    best, worst, how = None, None, 'searched'
    rate = args.start
    while rate <= args.max_rate:
        r = trial(rate)
        if not r['loss_free']:
            worst = rate
            break
        best = (rate, r)
        if r['sender_gbps'] < 0.9 * rate:
            # The sender is the limit: a higher offered rate would not change anything.
            how = 'sender-limited'
            break
        rate *= 2
    while best is None and rate / 2 >= args.min_rate:
        # Lost at the starting rate: walk down.
        rate /= 2
        r = trial(rate)
        if r['loss_free']:
            best = (rate, r)
        else:
            worst = rate
    if best is None:
        return None, 'lossy at every rate tried'
    if worst is not None and how == 'searched':
        for _ in range(args.steps):
            middle = (best[0] + worst) / 2
            r = trial(middle)
            if r['loss_free']:
                best = (middle, r)
            else:
                worst = middle
    # Confirm: the best rate must hold up again; step down a notch each time it does not.
    step = (worst - best[0]) if worst is not None else best[0] / 4
    rate, passed = best[0], 0
    while passed < args.confirm:
        r = trial(rate)
        if r['loss_free']:
            best, passed = (rate, r), passed + 1
            continue
        rate, passed = rate - step, -1  # a new rate needs one pass more than a confirm
        if rate <= 0:
            return None, 'lossy at every rate tried'
    return best, how


def compare(args):
    tried = []

    def log(r):
        tried.append(r)
        if not args.json:
            print('  ' + describe(r), flush=True)

    sizes = {'complex': gr.sizeof_gr_complex, 'byte': 1}
    ceilings = {kind: trials.ceiling_trial(itemsize, args.ceiling_seconds)
                for kind, itemsize in sizes.items()}
    # The same with the 1 MiB output buffers spead.source asks for: the figure to compare
    # with when per-call overhead, not bytes, limits the default-buffer ceiling.
    big_ceilings = {kind: trials.ceiling_trial(itemsize, args.ceiling_seconds, 1 << 20)
                    for kind, itemsize in sizes.items()}
    if not args.json:
        for kind in sizes:
            print('flowgraph ceiling (null_source -> null_sink) {}: {:.3f} GB/s with '
                  'default buffers, {:.3f} GB/s with 1 MiB buffers'.format(
                      kind, ceilings[kind] / 1e9, big_ceilings[kind] / 1e9), flush=True)

    def heaps(rate):
        return trials.heaps_for(rate, args.duration, args.heap_size)

    contenders = {
        'spead.source complex': ('complex', lambda rate: trials.spead_trial(
            args.spead_send, rate, heaps(rate), args.heap_size, args.packet_size, 'complex',
            grace=2.0)),
        'spead.source transposed': ('complex', lambda rate: trials.spead_trial(
            args.spead_send, rate, heaps(rate), args.heap_size, args.packet_size,
            'transposed', grace=2.0)),
        'spead.source byte': ('byte', lambda rate: trials.spead_trial(
            args.spead_send, rate, heaps(rate), args.heap_size, args.packet_size, 'byte',
            grace=2.0)),
        'network.udp_source': ('byte', lambda rate: trials.udp_source_trial(
            args.spead_send, rate, heaps(rate), args.heap_size, args.packet_size)),
    }
    results = []
    for name in args.sources.split(','):
        kind, run = contenders[name]
        if not args.json:
            print(name + ':', flush=True)
        del tried[:]
        best, how = search(run, args, log)
        result = {'source': name, 'ceiling_gbytes_per_s': ceilings[kind] / 1e9,
                  'ceiling_1mib_buffers_gbytes_per_s': big_ceilings[kind] / 1e9,
                  'search': how, 'trials': list(tried)}
        if best is not None:
            rate, r = best
            result.update({
                'loss_free_input_gbps': rate,
                'sender_gbps': r['sender_gbps'],
                'output_gbytes_per_s': r['output_gbytes_per_s'],
                'fraction_of_ceiling': r['output_gbytes_per_s'] * 1e9 / ceilings[kind],
                'fraction_of_ceiling_1mib_buffers':
                    r['output_gbytes_per_s'] * 1e9 / big_ceilings[kind],
            })
        results.append(result)
        if args.json:
            print(json.dumps(result), flush=True)
        elif best is None:
            print('  => {}: no loss-free rate found ({})'.format(name, how), flush=True)
        else:
            print('  => {source}: loss-free up to {loss_free_input_gbps:.2f} Gb/s offered '
                  '({sender_gbps:.2f} sent), output {output_gbytes_per_s:.3f} GB/s = '
                  '{fraction_of_ceiling:.2f}x the ceiling, {fraction_of_ceiling_1mib_buffers:.2f}x '
                  'with 1 MiB buffers ({search})'.format(**result),
                  flush=True)
    return results


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--spead-send', default=default_spead_send())
    p.add_argument('--heap-size', type=size, default=size('1M'))
    p.add_argument('--packet-size', type=int, default=8972)
    p.add_argument('--json', action='store_true')
    single = p.add_argument_group('single trials')
    single.add_argument('--heaps', type=int, default=2000)
    single.add_argument('--rates', default='0', help='comma-separated Gb/s, 0 = unlimited')
    single.add_argument('--output', choices=['byte', 'complex', 'transposed'],
                        default='complex')
    comparison = p.add_argument_group('--compare')
    comparison.add_argument('--compare', action='store_true')
    comparison.add_argument('--sources',
                            default='spead.source complex,spead.source transposed,'
                                    'spead.source byte,network.udp_source')
    comparison.add_argument('--duration', type=float, default=2.0,
                            help='seconds of sending per trial (at least 50 heaps)')
    comparison.add_argument('--start', type=float, default=1.0, help='first rate, Gb/s')
    comparison.add_argument('--max-rate', type=float, default=40.0)
    comparison.add_argument('--min-rate', type=float, default=0.05,
                            help='lowest rate tried when the first one loses')
    comparison.add_argument('--steps', type=int, default=3, help='bisection steps')
    comparison.add_argument('--confirm', type=int, default=2,
                            help='extra loss-free trials the best rate must pass')
    comparison.add_argument('--ceiling-seconds', type=float, default=3.0)
    args = p.parse_args()
    if args.compare:
        compare(args)
        return
    for rate in [float(r) for r in args.rates.split(',')]:
        r = trials.spead_trial(args.spead_send, rate, args.heaps, args.heap_size,
                               args.packet_size, args.output)
        print(json.dumps(r) if args.json else describe(r), flush=True)


if __name__ == '__main__':
    main()
