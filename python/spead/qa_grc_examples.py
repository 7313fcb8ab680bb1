#!/usr/bin/env python3
#
# Copyright 2026 gr-spead authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#

"""Every examples/*.grc compiles with grcc, and each runs headless (Qt offscreen) to its
own end: the capture flowgraphs at the end of the file, the UDP receiver at the stop
heap of a reference capture replayed to it on loopback. The F-engine examples read the
shipped F-engine capture: one antenna's spectra, and their rx_time in File Meta Sink
headers read back exactly. Each run is a subprocess with a time limit."""

import glob
import json
import os
import socket
import subprocess
import sys
import tempfile
import textwrap

from gnuradio import gr_unittest

import block_test_support as support

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.normpath(os.path.join(HERE, '..', '..'))
EXAMPLES = sorted(glob.glob(os.path.join(TOP, 'examples', '*.grc')))
PYTHON = '/usr/bin/python3'
CAPTURE = support.capture('spead2_64_40_single_packet.pcap')


def environment():
    env = dict(os.environ)
    env['GRC_BLOCKS_PATH'] = os.path.join(TOP, 'grc')
    env['QT_QPA_PLATFORM'] = 'offscreen'
    env.setdefault('XDG_RUNTIME_DIR', tempfile.gettempdir())
    return env


class qa_grc_examples(gr_unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.out = cls.tmp.name
        cls.compiled = {}
        for grc in EXAMPLES:
            result = subprocess.run(['grcc', '-o', cls.out, grc], env=environment(),
                                    capture_output=True, text=True, timeout=120)
            cls.compiled[os.path.basename(grc)] = result

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def run_python(self, code, *args):
        return subprocess.run([PYTHON, '-c', textwrap.dedent(code), *args], cwd=self.out,
                              env=environment(), capture_output=True, text=True,
                              timeout=120)

    def test_every_example_compiles(self):
        self.assertEqual(len(EXAMPLES), 5)
        for name, result in self.compiled.items():
            with self.subTest(example=name):
                self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
                script = os.path.join(self.out, name.replace('.grc', '.py'))
                self.assertTrue(os.path.exists(script))

    def test_grc_asserts_reject_invalid_parameters(self):
        # The heap example turned into a UDP receiver on port 70000: grcc refuses it
        # with the block's assertion.
        with open(os.path.join(TOP, 'examples', 'heap_messages.grc')) as f:
            text = f.read()
        text = text.replace("transport: pcap", "transport: udp\n    port: '70000'")
        path = os.path.join(self.out, 'bad_port.grc')
        with open(path, 'w') as f:
            f.write(text.replace('id: heap_messages', 'id: bad_port'))
        result = subprocess.run(['grcc', '-o', self.out, path], env=environment(),
                                capture_output=True, text=True, timeout=120)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn('Assertion "0 <= port <= 65535" failed', result.stdout + result.stderr)

    def test_parameters_hidden_by_transport(self):
        # GRC's own model of the heap example: parameters of other transports are hidden.
        result = self.run_python('''
            import json, sys
            from gnuradio import gr
            from gnuradio.grc.core.platform import Platform
            platform = Platform(version=gr.version(),
                                version_parts=(gr.major_version(), gr.api_version(),
                                               gr.minor_version()),
                                prefs=gr.prefs())
            platform.build_library()
            fg = platform.make_flow_graph(sys.argv[1])
            fg.rewrite()
            block = [b for b in fg.blocks if b.key == 'spead_heap_source'][0]
            names = ('address', 'port', 'interface_address', 'pcap_file', 'queue')
            shown = {}
            for transport in ('pcap', 'udp', 'tcp', 'inproc'):
                block.params['transport'].set_value(transport)
                fg.rewrite()
                shown[transport] = [n for n in names if block.params[n].hide != 'all']
            print(json.dumps(shown))
            ''', os.path.join(TOP, 'examples', 'heap_messages.grc'))
        self.assertEqual(result.returncode, 0, result.stderr)
        shown = json.loads(result.stdout.strip().splitlines()[-1])
        self.assertEqual(shown, {'pcap': ['pcap_file'],
                                 'udp': ['address', 'port', 'interface_address'],
                                 'tcp': ['address', 'port'],
                                 'inproc': ['queue']})

    def test_heap_messages_runs_to_the_end_of_the_capture(self):
        result = subprocess.run([PYTHON, os.path.join(self.out, 'heap_messages.py'),
                                 '--capture', CAPTURE], env=environment(),
                                capture_output=True, text=True, timeout=120)
        self.assertEqual(result.returncode, 0, result.stderr)
        # 21 heaps printed as PDUs (metadata dicts), then the final statistics.
        self.assertEqual(result.stdout.count('(heap_cnt . '), 21)
        self.assertIn('(heaps_published . 21)', result.stdout)

    def test_heap_messages_finds_the_shipped_capture_by_itself(self):
        # No -c and no SPEAD_CAPTURES_DIR: the example's default is the reference capture
        # that ships with gr-spead (found through the paths CMake configured).
        env = environment()
        env.pop('SPEAD_CAPTURES_DIR', None)
        result = subprocess.run([PYTHON, os.path.join(self.out, 'heap_messages.py')],
                                env=env, cwd=self.out, capture_output=True, text=True,
                                timeout=120)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout.count('(heap_cnt . '), 21)

    def test_pcap_spectrum_runs_headless(self):
        result = self.run_python('''
            import sys
            from PyQt5 import Qt
            app = Qt.QApplication([])
            import pcap_spectrum
            tb = pcap_spectrum.pcap_spectrum(capture=sys.argv[1])
            tb.start()
            tb.wait()
            print('heaps_emitted', tb.spead_source_0.statistics()['heaps_emitted'])
            ''', CAPTURE)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn('heaps_emitted 20', result.stdout)

    def test_fengine_waterfall_runs_headless(self):
        # Unpaced (rate 0): antenna 3's 16 heaps out, the other antennas' 48 skipped
        # (the source does not count the descriptor heap as skipped).
        result = self.run_python('''
            import numpy as np
            from PyQt5 import Qt
            app = Qt.QApplication([])
            import fengine_waterfall
            tb = fengine_waterfall.fengine_waterfall(antenna=3, rate=0)
            tb.start()
            tb.wait()
            stats = tb.spead_source_0.statistics()
            print('heaps_emitted', stats['heaps_emitted'], 'skipped',
                  stats['heaps_skipped_by_selection'])
            ''')
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn('heaps_emitted 16 skipped 48', result.stdout)

    def test_rx_time_file_meta_records_exact_times_and_spectra(self):
        sys.path.insert(0, os.path.join(TOP, 'tests', 'data', 'fengine'))
        sys.path.insert(0, os.path.join(TOP, 'examples', 'python'))
        try:
            from make_capture import FRAMES, N_CHANS, SPECTRA_PER_HEAP, SpectralFEngine
            from read_file_meta import read_segments, segments
        finally:
            del sys.path[:2]
        from fengine_test_stream import rx_time
        out = os.path.join(self.out, 'spectra.meta')
        env = environment()
        env.pop('SPEAD_CAPTURES_DIR', None)  # the example finds the capture by itself
        result = subprocess.run([PYTHON, os.path.join(self.out, 'rx_time_file_meta.py'),
                                 '-o', out, '-a', '1'], env=env, cwd=self.out,
                                capture_output=True, text=True, timeout=120)
        self.assertEqual(result.returncode, 0, result.stderr)
        f = SpectralFEngine()
        # One segment per heap: its rx_time, the spectrum rate, 8 spectra.
        expected = [rx_time(f.timestamp(t), 1712e6, 1700000000.0) + (1712e6 / 512,
                    SPECTRA_PER_HEAP) for t in range(FRAMES)]
        self.assertEqual(segments(out), expected)
        # The data of each segment: polarisation 0 of antenna 1, spectrum by spectrum.
        import numpy as np
        for t, (_, data) in enumerate(read_segments(out)):
            pairs = f.data(t, 0, 1)[:, :, 0, :].astype(np.float32)  # (chans, spectra, 2)
            want = (pairs[..., 0] + 1j * pairs[..., 1]).T.ravel()
            np.testing.assert_array_equal(np.frombuffer(data, dtype=np.complex64), want)

    def test_udp_receiver_runs_headless(self):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.bind(('127.0.0.1', 0))
            port = s.getsockname()[1]
        result = self.run_python('''
            import socket, sys
            from PyQt5 import Qt
            app = Qt.QApplication([])
            sys.path.insert(0, sys.argv[3])
            import block_test_support as support
            import udp_multicast_receiver as example
            port = int(sys.argv[2])
            tb = example.udp_multicast_receiver(group='127.0.0.1', port=port)
            tb.start()
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                for payload in support.capture_udp_payloads(sys.argv[1]):
                    s.sendto(payload, ('127.0.0.1', port))
            tb.wait()  # the capture's stop heap ends the stream
            stats = tb.spead_source_0.statistics()
            print('heaps_emitted', stats['heaps_emitted'], 'heaps_lost', stats['heaps_lost'])
            ''', CAPTURE, str(port), HERE)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn('heaps_emitted 20 heaps_lost 0', result.stdout)
        self.assertIn('(heaps_emitted . 20)', result.stdout)  # the statistics display


if __name__ == '__main__':
    gr_unittest.run(qa_grc_examples)
