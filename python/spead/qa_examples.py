#!/usr/bin/env python3
#
# Copyright 2026 gr-spead authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#

"""The receive examples of examples/python (spead2's documented blocking and asyncio
loops) run as they are, against heaps sent on loopback."""

import os
import subprocess
import sys
import threading

from gnuradio import gr_unittest

from recv_test_support import PATIENCE, UdpSender, descriptor, free_port, packet, \
    stop_packet

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


if __name__ == '__main__':
    gr_unittest.run(qa_examples)
