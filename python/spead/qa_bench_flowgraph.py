#!/usr/bin/env python3
#
# Copyright 2026 gr-spead authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#

"""Smoke test of the flowgraph benchmark (apps/bench_flowgraph.py): one short trial at a
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
            ['/usr/bin/python3', os.path.join(TOP, 'apps', 'bench_flowgraph.py'),
             '--spead-send', SPEAD_SEND, '--heaps', '20', '--heap-size', '64K',
             '--packet-size', '1472', '--rates', '0.2', '--json'],
            capture_output=True, text=True, timeout=120)
        self.assertEqual(result.returncode, 0, result.stderr)
        trial = json.loads(result.stdout.strip().splitlines()[-1])
        for field in ('sender_gbps', 'emitted_payload_gbps', 'heaps_sent', 'heaps_emitted',
                      'heaps_missing', 'incomplete_heaps', 'receiver_cpu_s_per_gb'):
            self.assertIn(field, trial)
        self.assertEqual(trial['heaps_sent'], 20)
        self.assertGreater(trial['heaps_emitted'], 0)


if __name__ == '__main__':
    gr_unittest.run(qa_bench_flowgraph)
