#!/usr/bin/env python3
#
# Copyright 2026 gr-spead authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#

"""GRC's SPEAD Source beyond four outputs: a flowgraph made here (4 polarisations x 2
items, each output one polarisation's spectra) is compiled with grcc and run headless
on a capture of an F-engine-like stream; every output's file holds exactly the numpy
slice of the arrays sent. Also: old one-output flowgraphs keep their parameters, the
heap source's ports follow the message format, and C++ output is generated."""

import os
import subprocess
import sys
import tempfile

import numpy as np
import yaml
from gnuradio import gr_unittest
from gnuradio import spead

import block_test_support as support
from recv_test_support import descriptor

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.normpath(os.path.join(HERE, '..', '..'))
PYTHON = '/usr/bin/python3'
CHANNELS, SPECTRA, POLS, HEAPS = 32, 2, 4, 3
ITEMS = {'fx': 0x1800, 'fy': 0x1801}


def values(name, cnt):
    """(channels, spectra, pols, 2) int8, distinct per item and heap."""
    i = np.arange(CHANNELS * SPECTRA * POLS * 2).reshape(CHANNELS, SPECTRA, POLS, 2)
    return ((i * 5 + cnt * 11 + ITEMS[name]) % 241 - 120).astype(np.int8)


def write_capture(path):
    shape = (CHANNELS, SPECTRA, POLS, 2)
    header = "{'descr': '|i1', 'fortran_order': False, 'shape': %r}" % (shape,)
    descs = [(spead.DESCRIPTOR_ID, descriptor(id, name, shape=shape, numpy_header=header))
             for name, id in ITEMS.items()]
    packets = []
    for cnt in range(1, HEAPS + 1):
        items = [(id, values(name, cnt).tobytes()) for name, id in ITEMS.items()]
        packets += spead.encode_heap(cnt, (descs if cnt == 1 else []) + items)
    packets += spead.encode_stop_heap(HEAPS + 1)
    support.write_pcap(path, packets)


def environment():
    env = dict(os.environ)
    env['GRC_BLOCKS_PATH'] = os.path.join(TOP, 'grc')
    env['QT_QPA_PLATFORM'] = 'offscreen'
    return env


def block(name, key, params, x):
    return {'name': name, 'id': key, 'parameters': params,
            'states': {'coordinate': [x, 8 + 0 * x], 'rotation': 0, 'state': 'enabled'}}


def flowgraph(fg_id, capture, out_dir, language='python'):
    blocks = [block('src', 'spead_source', {
        'transport': 'pcap', 'pcap_file': repr(capture), 'num_outputs': '8',
        'item0': 'fx, fx, fx, fx, fy, fy, fy, fy', 'type0': 'complex',
        'vlen0': str(CHANNELS), 'wire0': 'auto', 'scale0': '1',
        'layout': 'channels spectra pols -> spectra channels',
        'select': ', '.join('pols=%d' % (i % POLS) for i in range(8)),
    }, 8)]
    connections = []
    for i in range(8):
        blocks.append(block('sink%d' % i, 'blocks_file_sink', {
            'type': 'complex', 'vlen': str(CHANNELS), 'append': 'False', 'unbuffered': 'False',
            'file': repr(os.path.join(out_dir, 'out%d.c64' % i))}, 300))
        connections.append(['src', str(i), 'sink%d' % i, '0'])
    return {'options': {'parameters': {'id': fg_id, 'generate_options': 'no_gui',
                                       'output_language': language, 'run_options': 'run',
                                       'title': fg_id},
                        'states': {'coordinate': [8, 8], 'rotation': 0, 'state': 'enabled'}},
            'blocks': blocks, 'connections': connections, 'metadata': {'file_format': 1}}


class qa_grc_outputs(gr_unittest.TestCase):
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

    def test_eight_outputs_four_polarisations_of_two_items(self):
        capture = os.path.join(self.dir, 'fengine.pcap')
        write_capture(capture)
        result = self.grcc(flowgraph('eight_outputs', capture, self.dir))
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        script = os.path.join(self.dir, 'eight_outputs.py')
        run = subprocess.run([PYTHON, script], env=environment(), cwd=self.dir,
                             stdin=subprocess.DEVNULL, capture_output=True, text=True,
                             timeout=120)
        self.assertEqual(run.returncode, 0, run.stderr)
        for i in range(8):
            name, pol = ('fx', 'fy')[i // POLS], i % POLS
            got = np.fromfile(os.path.join(self.dir, 'out%d.c64' % i), np.complex64)
            expected = np.concatenate([
                (lambda v: v[..., 0] + 1j * v[..., 1])(
                    values(name, cnt).astype(np.float32))[:, :, pol].T.ravel()
                for cnt in range(1, HEAPS + 1)])
            with self.subTest(output=i):
                np.testing.assert_array_equal(got, expected.astype(np.complex64))

    def test_list_of_the_wrong_length_is_refused(self):
        fg = flowgraph('bad_list', '/x.pcap', self.dir)
        fg['blocks'][0]['parameters']['select'] = 'pols=0, pols=1'
        result = self.grcc(fg)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("len(str(select).split(',')) in (1, num_outputs)",
                      result.stdout + result.stderr)

    def test_cpp_flowgraph_is_generated(self):
        # C++ output (flags: cpp): the source, its receiver_config and output lists.
        result = self.grcc(flowgraph('eight_cpp', '/x.pcap', self.dir, 'cpp'))
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        with open(os.path.join(self.dir, 'eight_cpp', 'eight_cpp.cpp')) as f:
            code = f.read()
        self.assertIn('gr::spead::source::make(', code)
        self.assertIn('config.transport = "pcap";', code)
        self.assertIn('"fx, fx, fx, fx, fy, fy, fy, fy"', code)
        self.assertIn('config.socket_buffer_size = -1;', code)
        self.assertIn(' 1, "", 0,', code)  # an empty timestamp item is an empty string
        with open(os.path.join(self.dir, 'eight_cpp', 'CMakeLists.txt')) as f:
            self.assertIn('gnuradio::gnuradio-spead', f.read())


if __name__ == '__main__':
    gr_unittest.run(qa_grc_outputs)
