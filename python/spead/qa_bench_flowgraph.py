#!/usr/bin/env python3
#
# Copyright 2026 gr-spead authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#

"""Smoke test of the flowgraph benchmark (bench/bench_flowgraph.py): one short trial at a
modest rate prints its JSON fields and heaps arrive. It judges no speed."""

import json
import os
import subprocess
import unittest

from gnuradio import gr_unittest
from gnuradio import spead

TOP = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
SPEAD_SEND = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(spead.__file__)),
                                           '..', '..', '..', 'apps', 'spead_send'))


class qa_bench_flowgraph(gr_unittest.TestCase):
    @unittest.skipUnless(os.path.exists(SPEAD_SEND), 'spead_send is not built')
    def test_one_trial(self):
        result = subprocess.run(
            ['/usr/bin/python3', os.path.join(TOP, 'bench', 'bench_flowgraph.py'),
             '--spead-send', SPEAD_SEND, '--heaps', '20', '--heap-size', '64K',
             '--packet-size', '1472', '--rates', '0.2', '--json'],
            capture_output=True, text=True, timeout=120)
        self.assertEqual(result.returncode, 0, result.stderr)
        trial = json.loads(result.stdout.strip().splitlines()[-1])
        for field in ('sender_gbps', 'emitted_payload_gbps', 'heaps_sent', 'heaps_emitted',
                      'heaps_missing', 'incomplete_heaps', 'receiver_cpu_s_per_gb'):
            self.assertIn(field, trial)
        # The whole trial and the benchmark's log in the message, to diagnose a failure.
        self.assertEqual(trial['heaps_sent'], 20, (trial, result.stderr[-2000:]))
        self.assertGreater(trial['heaps_emitted'], 0, (trial, result.stderr[-2000:]))

    @unittest.skipUnless(os.path.exists(SPEAD_SEND), 'spead_send is not built')
    def test_compare_prints_each_source_against_its_ceiling(self):
        result = subprocess.run(
            ['/usr/bin/python3', os.path.join(TOP, 'bench', 'bench_flowgraph.py'),
             '--spead-send', SPEAD_SEND, '--compare', '--json', '--heap-size', '64K',
             '--packet-size', '1472', '--duration', '0.2', '--start', '0.1',
             '--max-rate', '0.1', '--min-rate', '0.1', '--steps', '0', '--confirm', '0',
             '--ceiling-seconds', '0.2'],
            capture_output=True, text=True, timeout=120)
        self.assertEqual(result.returncode, 0, result.stderr)
        # GNU Radio's console log shares stdout; the results are the JSON lines.
        lines = [json.loads(line) for line in result.stdout.splitlines()
                 if line.startswith('{')]
        self.assertEqual([r['source'] for r in lines],
                         ['spead.source complex', 'spead.source transposed',
                          'spead.source byte', 'network.udp_source'])
        for r in lines:
            self.assertGreater(r['ceiling_gbytes_per_s'], 0)
            self.assertGreater(len(r['trials']), 0)
        # At 0.1 Gb/s (about 200 heaps of 64 KiB) our source loses nothing on loopback; its
        # output is 4 bytes of complex float per payload byte, and the fraction follows.
        ours = lines[0]
        self.assertEqual(ours['trials'][0]['heaps_missing'], 0,
                         (ours, result.stderr[-2000:]))
        self.assertAlmostEqual(ours['trials'][0]['output_bytes'],
                               4 * ours['trials'][0]['heaps_sent'] * 65536)
        if 'fraction_of_ceiling' in ours:
            self.assertAlmostEqual(ours['fraction_of_ceiling'],
                                   ours['output_gbytes_per_s'] / ours['ceiling_gbytes_per_s'])
        # The transposed output emits the same samples in another order.
        transposed = lines[1]['trials'][0]
        self.assertEqual(transposed['heaps_missing'], 0, (lines[1], result.stderr[-2000:]))
        self.assertAlmostEqual(transposed['output_bytes'],
                               4 * transposed['heaps_sent'] * 65536)
        udp = lines[3]['trials'][0]
        self.assertLessEqual(udp['bytes_received'], udp['bytes_sent'])


if __name__ == '__main__':
    gr_unittest.run(qa_bench_flowgraph)
