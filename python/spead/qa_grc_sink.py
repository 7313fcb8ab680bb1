#!/usr/bin/env python3
#
# Copyright 2026 gr-spead authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#

"""GRC's SPEAD Sink: a flowgraph made here (complex samples as int8 pairs and a short
input, two items per heap) is compiled with grcc and run headless into a pcap file,
which the spead2-compatible receive API reads back value for value; C++ output is
generated too."""

import os
import subprocess
import tempfile

import numpy as np
import yaml
from gnuradio import gr_unittest
from gnuradio import spead

from qa_grc_outputs import block, environment

PYTHON = '/usr/bin/python3'
N = 128  # input items per heap
HEAPS = 5


def flowgraph(fg_id, capture, language='python'):
    k = np.arange(N * HEAPS)
    complex_values = ', '.join('complex(%d, %d) / 128' % (v % 256 - 128, 127 - v % 256)
                               for v in k)
    blocks = [
        block('iq', 'blocks_vector_source_x', {
            'type': 'complex', 'vector': '[%s]' % complex_values, 'repeat': 'False',
            'tags': '[]', 'vlen': '1'}, 8),
        block('flags', 'blocks_vector_source_x', {
            'type': 'short', 'vector': 'list(range(%d))' % (N * HEAPS), 'repeat': 'False',
            'tags': '[]', 'vlen': '1'}, 8),
        block('snk', 'spead_sink', {
            'transport': 'pcap', 'filename': repr(capture), 'num_inputs': '2',
            'names': 'iq, flags', 'ids': '[0x4300, 0x4301]', 'types': 'complex, short',
            'vlens': '1', 'wires': 'int8, native', 'scales': '128',
            'items_per_heap': str(N), 'timestamp_step': '2', 'heap_address_bits': '48',
            'constant_items': "{'feng_id': (0x4101, 3)}"},
            300),
    ]
    return {'options': {'parameters': {'id': fg_id, 'generate_options': 'no_gui',
                                       'output_language': language, 'run_options': 'run',
                                       'title': fg_id},
                        'states': {'coordinate': [8, 8], 'rotation': 0, 'state': 'enabled'}},
            'blocks': blocks,
            'connections': [['iq', '0', 'snk', '0'], ['flags', '0', 'snk', '1']],
            'metadata': {'file_format': 1}}


def pdu_flowgraph(fg_id, capture, language='python'):
    blocks = [
        block('strobe', 'blocks_message_strobe', {
            'msg': 'pmt.cons(pmt.to_pmt({"timestamp": 5}), pmt.init_u8vector(3, [1, 2, 3]))',
            'period': '100'}, 8),
        block('snk', 'spead_pdu_sink', {
            'transport': 'pcap', 'filename': repr(capture),
            'meta_items': "{'timestamp': 0x1600}"}, 300),
    ]
    connections = [['strobe', 'strobe', 'snk', 'pdus']]
    if language == 'cpp':  # Message Strobe has no C++ form: relay a heap source
        blocks[0] = block('strobe', 'spead_heap_source', {
            'transport': 'pcap', 'pcap_file': repr('/x.pcap'), 'payload_item': 'data'}, 8)
        connections = [['strobe', 'pdus', 'snk', 'pdus']]
    return {'options': {'parameters': {'id': fg_id, 'generate_options': 'no_gui',
                                       'output_language': language, 'run_options': 'run',
                                       'title': fg_id},
                        'states': {'coordinate': [8, 8], 'rotation': 0, 'state': 'enabled'}},
            'blocks': blocks,
            'connections': connections,
            'metadata': {'file_format': 1}}


class qa_grc_sink(gr_unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()

    def grcc(self, fg):
        path = os.path.join(self.dir, fg['options']['parameters']['id'] + '.grc')
        with open(path, 'w') as f:
            yaml.safe_dump(fg, f)
        return subprocess.run(['grcc', '-o', self.dir, path], env=environment(),
                              capture_output=True, text=True, timeout=120)

    def test_flowgraph_writes_what_the_receive_api_reads(self):
        capture = os.path.join(self.dir, 'sink.pcap')
        result = self.grcc(flowgraph('sink_fg', capture))
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        run = subprocess.run([PYTHON, os.path.join(self.dir, 'sink_fg.py')],
                             env=environment(), cwd=self.dir, stdin=subprocess.DEVNULL,
                             capture_output=True, text=True, timeout=120)
        self.assertEqual(run.returncode, 0, run.stderr)
        stream = spead.recv.Stream(spead.ThreadPool(), spead.recv.StreamConfig())
        stream.add_udp_pcap_file_reader(capture)
        ig = spead.ItemGroup()
        got = []
        for heap in stream:
            if ig.update(heap):
                got.append((ig['timestamp'].value, ig['iq'].value.copy(),
                            ig['flags'].value.copy()))
                self.assertEqual(ig['feng_id'].value, 3)
        self.assertEqual(len(got), HEAPS)
        k = np.arange(N * HEAPS)
        re, im = k % 256 - 128, 127 - k % 256
        for h, (timestamp, iq, flags) in enumerate(got):
            part = slice(N * h, N * (h + 1))
            self.assertEqual(timestamp, 2 * N * h)
            self.assertEqual(iq.dtype, np.int8)
            np.testing.assert_array_equal(iq, np.stack([re[part], im[part]], axis=1))
            np.testing.assert_array_equal(flags, k[part])

    def test_list_of_the_wrong_length_is_refused(self):
        fg = flowgraph('bad_list', '/x.pcap')
        fg['blocks'][2]['parameters']['names'] = 'a, b, c'
        result = self.grcc(fg)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("len(str(names).split(',')) in (1, num_inputs)",
                      result.stdout + result.stderr)

    def test_cpp_flowgraph_is_generated(self):
        result = self.grcc(flowgraph('sink_cpp', '/x.pcap', 'cpp'))
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        with open(os.path.join(self.dir, 'sink_cpp', 'sink_cpp.cpp')) as f:
            code = f.read()
        self.assertIn('gr::spead::sink::make(', code)
        self.assertIn('config.transport = "pcap";', code)
        self.assertIn('{ 17152, 17153 }', code)
        self.assertIn('"int8, native"', code)
        self.assertIn('{ { "feng_id", { 16641, 3 } } }', code)


    def test_pdu_sink_flowgraphs_are_generated(self):
        capture = os.path.join(self.dir, 'pdus.pcap')
        result = self.grcc(pdu_flowgraph('pdu_fg', capture))
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        # The generated flowgraph builds (the strobe never ends: it is not run).
        build = subprocess.run(
            [PYTHON, '-c', 'import pdu_fg; tb = pdu_fg.pdu_fg(); print(tb.snk.statistics())'],
            env=environment(), cwd=self.dir, capture_output=True, text=True, timeout=120)
        self.assertEqual(build.returncode, 0, build.stderr)
        self.assertIn("'messages_dropped': 0", build.stdout)
        result = self.grcc(pdu_flowgraph('pdu_cpp', capture, 'cpp'))
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        with open(os.path.join(self.dir, 'pdu_cpp', 'pdu_cpp.cpp')) as f:
            code = f.read()
        self.assertIn('gr::spead::pdu_sink::make(', code)
        self.assertIn('{"timestamp", 5632}', code)


if __name__ == '__main__':
    gr_unittest.run(qa_grc_sink)
