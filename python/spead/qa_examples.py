#!/usr/bin/env python3
#
# Copyright 2026 gr-spead authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#

"""The examples of examples/python run as they are: the receive loops (spead2's
documented blocking and asyncio loops) against heaps sent on loopback, and the heap
source's PDUs in a Python block on the shipped F-engine capture."""

import os
import subprocess
import sys
import threading

import numpy as np
from gnuradio import gr_unittest

from recv_test_support import PATIENCE, UdpSender, descriptor, free_port, packet, \
    stop_packet

HERE = os.path.dirname(os.path.abspath(__file__))
FENGINE_DIR = os.path.join(HERE, '..', '..', 'tests', 'data', 'fengine')
EXAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'examples',
                        'python')
HEADER = "{'descr': '<i2', 'fortran_order': False, 'shape': (4,)}"


def data_heap(cnt):
    """A heap carrying its own descriptors (so a late receiver still decodes it)."""
    return packet(cnt, [
        (0x05, descriptor(0x1600, 'timestamp', 'sample count', format=[('u', 40)])),
        (0x05, descriptor(0x1601, 'samples', 'four int16', numpy_header=HEADER)),
        (0x1600, 1000 + cnt),
        (0x1601, b''.join(int(v).to_bytes(2, 'little', signed=True)
                          for v in (cnt, -cnt, 2 * cnt, 300))),
    ])


class qa_examples(gr_unittest.TestCase):
    def run_example(self, name):
        path = os.path.join(EXAMPLES, name)
        with open(path) as f:
            source = f.read()
        # A spead2 program but for its import: gnuradio appears on that line only.
        lines = [line for line in source.splitlines() if 'gnuradio' in line]
        self.assertEqual(lines, ['import gnuradio.spead as spead2'])

        port = free_port()
        child = subprocess.Popen([sys.executable, path, str(port)], stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True)
        seen_heap = threading.Event()
        output = []

        def read_stdout():
            for line in child.stdout:
                output.append(line.rstrip('\n'))
                if line.startswith('Got heap'):
                    seen_heap.set()

        reader = threading.Thread(target=read_stdout)
        reader.start()
        sender = UdpSender(port)
        try:
            # The child binds its port a moment after it starts: send until it has a heap.
            cnt = 2
            while not seen_heap.wait(0.05) and cnt < 2 + int(PATIENCE / 0.05):
                sender.send([data_heap(cnt)])
                cnt += 1
            self.assertTrue(seen_heap.is_set(), 'the example received nothing')
            last = cnt + 3
            sender.send([data_heap(c) for c in range(cnt, last)])
            sender.send([stop_packet(last)])
            child.wait(PATIENCE)
        finally:
            sender.close()
            if child.poll() is None:
                child.kill()
                child.wait()
            reader.join(PATIENCE)
            stderr = child.stderr.read()
            child.stderr.close()
        self.assertEqual(child.returncode, 0, stderr)
        received = [int(line.split()[2]) for line in output if line.startswith('Got heap')]
        self.assertGreaterEqual(len(received), 4)
        self.assertEqual(output[-1], 'Received {} heaps'.format(len(received)))
        for c in received:
            self.assertIn('{} timestamp {}'.format(c, 1000 + c), output)
            # numpy pads the printed elements: compare the numbers.
            samples = [line for line in output if line.startswith('{} samples ['.format(c))]
            self.assertEqual(len(samples), 1)
            numbers = samples[0].split('[', 1)[1].rstrip(']').split()
            self.assertEqual([int(n) for n in numbers], [c, -c, 2 * c, 300])

    def test_blocking_example(self):
        self.run_example('recv_blocking.py')

    def test_asyncio_example(self):
        self.run_example('recv_asyncio.py')

    def test_heap_pdus_example(self):
        # Every heap of antenna 1, in order, with its rx_time and its power per
        # polarisation worked out here from the values the capture was made from.
        sys.path.insert(0, FENGINE_DIR)
        try:
            from make_capture import FRAMES, SpectralFEngine
        finally:
            sys.path.remove(FENGINE_DIR)
        from fengine_test_stream import rx_time
        f = SpectralFEngine()
        env = dict(os.environ)
        env.pop('SPEAD_CAPTURES_DIR', None)  # the example finds the capture by itself
        result = subprocess.run([sys.executable, os.path.join(EXAMPLES, 'heap_pdus.py'),
                                 '--antenna', '1'], env=env, capture_output=True,
                                text=True, timeout=PATIENCE * 6)
        self.assertEqual(result.returncode, 0, result.stderr[-2000:])
        expected = []
        for t in range(FRAMES):
            pairs = f.data(t, 0, 1).astype(np.float64).reshape(-1, 2, 2)
            power = (pairs ** 2).sum(axis=2).mean(axis=0)
            seconds, fraction = rx_time(f.timestamp(t), 1712e6, 1700000000.0)
            expected.append('heap {} feng_id 1 rx_time {}+{:.12f} power {:.4f} {:.4f}'.format(
                f.heap_cnt(t, 0, 1), seconds, fraction, *power))
        expected.append('heaps_published {} heaps_skipped_by_selection {}'.format(
            FRAMES, 1 + 3 * FRAMES))
        self.assertEqual(result.stdout.splitlines(), expected)


if __name__ == '__main__':
    gr_unittest.run(qa_examples)
