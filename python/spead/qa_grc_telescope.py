#!/usr/bin/env python3
#
# Copyright 2026 gr-spead authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#

"""GRC and the telescope parameters: a SPEAD Source selecting one antenna of an
F-engine-like capture (select_item, select_values, rx_time's sample_rate and sync_time),
compiled with grcc and run headless, writes exactly that antenna's samples; the C++
output passes the same parameters; grcc refuses rx_time without a timestamp item."""

import os
import subprocess

import numpy as np
from gnuradio import gr_unittest

import block_test_support as support
from fengine_test_stream import FEngineStream
import qa_grc_outputs as grc_outputs
from qa_grc_outputs import PYTHON, block, environment

ANTENNA = 2


def write_capture(path, f, frames):
    packets = f.descriptor_packets()
    for t in range(frames):
        for g in range(f.n_groups):
            for a in range(f.n_ants):
                packets += f.heap_packets(t, g, a)
    packets += f.stop_packets(1 << 20)
    support.write_pcap(path, packets)


def flowgraph(fg_id, capture, out, language='python', **extra):
    params = {'transport': 'pcap', 'pcap_file': repr(capture), 'num_outputs': '1',
              'item0': 'feng_raw', 'type0': 'complex', 'vlen0': '1', 'wire0': 'auto',
              'scale0': '1', 'select_item': 'feng_id', 'select_values': '[%d]' % ANTENNA,
              'timestamp_item': 'timestamp', 'sample_rate': '1712e6',
              'sync_time': '1700000000.25', 'address': '239.10.0.0+3:7148'}
    params.update(extra)
    blocks = [block('src', 'spead_source', params, 8),
              block('sink', 'blocks_file_sink', {
                  'type': 'complex', 'vlen': '1', 'append': 'False', 'unbuffered': 'False',
                  'file': repr(out)}, 300)]
    return {'options': {'parameters': {'id': fg_id, 'generate_options': 'no_gui',
                                       'output_language': language, 'run_options': 'run',
                                       'title': fg_id},
                        'states': {'coordinate': [8, 8], 'rotation': 0, 'state': 'enabled'}},
            'blocks': blocks, 'connections': [['src', '0', 'sink', '0']],
            'metadata': {'file_format': 1}}


class qa_grc_telescope(gr_unittest.TestCase):
    # A scratch directory per test and grcc on a flowgraph dict, as qa_grc_outputs has.
    setUp = grc_outputs.qa_grc_outputs.setUp
    tearDown = grc_outputs.qa_grc_outputs.tearDown
    grcc = grc_outputs.qa_grc_outputs.grcc

    def test_selecting_flowgraph_runs_headless(self):
        f = FEngineStream(n_ants=4, n_chans=64, n_groups=4, spectra_per_heap=2)
        frames = 3
        capture = os.path.join(self.dir, 'fengine.pcap')
        out = os.path.join(self.dir, 'antenna.c64')
        write_capture(capture, f, frames)
        result = self.grcc(flowgraph('telescope', capture, out))
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        script = os.path.join(self.dir, 'telescope.py')
        with open(script) as fg:
            code = fg.read()
        self.assertIn("select_item='feng_id', select_values=list([2])", code)
        self.assertIn('sample_rate=1712e6, sync_time=1700000000.25', code)
        # A capture is one endpoint whatever the address says; run it to its end.
        run = subprocess.run([PYTHON, script], env=environment(), capture_output=True,
                             text=True, timeout=120, cwd=self.dir)
        self.assertEqual(run.returncode, 0, run.stderr)
        data = np.fromfile(out, dtype=np.complex64)
        expected = np.concatenate([f.samples(t, g, ANTENNA) for t in range(frames)
                                   for g in range(f.n_groups)])
        np.testing.assert_array_equal(data, expected)

    def test_cpp_output_passes_the_parameters(self):
        result = self.grcc(flowgraph('telescope_cpp', '/x.pcap', '/dev/null', 'cpp'))
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        with open(os.path.join(self.dir, 'telescope_cpp', 'telescope_cpp.cpp')) as f:
            code = ' '.join(f.read().split())
        self.assertIn('config.address = "239.10.0.0+3:7148";', code)
        self.assertIn('"feng_id", { 2 }, 1712e6, 1700000000.25);', code)

    def test_grcc_refuses_rx_time_without_a_timestamp_item(self):
        result = self.grcc(flowgraph('bad_time', '/x.pcap', '/dev/null', timestamp_item=''))
        self.assertNotEqual(result.returncode, 0)
        self.assertIn('sample_rate == 0 or len(timestamp_item) > 0',
                      result.stdout + result.stderr)


if __name__ == '__main__':
    gr_unittest.run(qa_grc_telescope)
