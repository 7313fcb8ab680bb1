#!/usr/bin/env python3
#
# Copyright 2026 gr-spead authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#

"""spead.heap_source's tagged-stream output (tagged_stream=True): one item per heap, one
heap after another, with packet_len and the PDU's metadata as tags on each heap's first
sample; heap selection; a GNU Radio tagged-stream block downstream; bad parameters; the
GRC block's stream port (typed by the payload type) compiled and run, and in C++."""

import os
import subprocess
import tempfile
import threading

import numpy as np
import pmt
from gnuradio import blocks, gr, gr_unittest
from gnuradio import spead

import block_test_support as support
from qa_grc_outputs import PYTHON, block, environment

MULTI = 'spead2_64_40_multi_packet.pcap'    # 'data' = arange(4096) + 1j k, '<c8'
SINGLE = 'spead2_64_40_single_packet.pcap'  # 'data' = (4096, 2) int8 pairs
SAMPLE_RATE = 1e6                             # timestamp ticks per second
SYNC_TIME = 1700000000.5


def timestamp(k):
    return 1000000 + 8192 * k


def tags_by_offset(sink):
    out = {}
    for t in sink.tags():
        out.setdefault(t.offset, {})[pmt.symbol_to_string(t.key)] = pmt.to_python(t.value)
    return out


class qa_heap_source_stream(gr_unittest.TestCase):
    def setUp(self):
        self.tb = gr.top_block()

    def tearDown(self):
        self.tb = None

    def run_stream(self, sink, capture=MULTI, **kwargs):
        src = spead.heap_source(transport='pcap', pcap_file=support.capture(capture),
                                payload_item='data', tagged_stream=True,
                                stats_interval=0, **kwargs)
        pdus = blocks.message_debug()
        self.tb.connect(src, sink)
        self.tb.msg_connect((src, 'pdus'), (pdus, 'store'))
        # The stream output ends the flowgraph by itself at the end of the capture.
        self.assertTrue(support.run_bounded(self.tb), 'the flowgraph did not end by itself')
        return src, [pdus.get_message(i) for i in range(pdus.num_messages())]

    def test_samples_and_tags_of_every_heap(self):
        sink = blocks.vector_sink_c()
        src, pdus = self.run_stream(sink, payload_type='<c8', timestamp_item='timestamp',
                                    sample_rate=SAMPLE_RATE, sync_time=SYNC_TIME)
        # The descriptor heap has no 'data': a PDU with an empty vector, no samples.
        self.assertEqual(len(pdus), 21)
        expected = np.concatenate([np.arange(4096) + 1j * k for k in range(20)])
        np.testing.assert_array_equal(np.array(sink.data()), expected)
        tags = tags_by_offset(sink)
        self.assertEqual(sorted(tags), [4096 * k for k in range(20)])
        for k in range(20):
            t = tags[4096 * k]
            self.assertEqual(t['packet_len'], 4096)
            self.assertEqual(t['heap_cnt'], k + 2)
            self.assertEqual(t['timestamp'], timestamp(k))
            self.assertIs(t['complete'], True)
            self.assertEqual(t['heap_length'], 32768 + 0)
            # sync_time's half second plus timestamp / 1 MHz (exact in doubles here).
            whole, frac = divmod(timestamp(k), 1000000)
            self.assertEqual(t['rx_time'], (1700000000 + whole, 0.5 + frac / 1e6))
            # The tags are the PDU's metadata, plus packet_len.
            meta = pmt.to_python(pmt.car(pdus[k + 1]))
            self.assertEqual({key: v for key, v in t.items() if key != 'packet_len'}, meta)
        self.assertEqual(src.statistics()['heaps_published'], 21)

    def test_selected_heaps_only_and_a_custom_length_key(self):
        sink = blocks.vector_sink_c()
        chosen = (3, 7, 8)
        src, _ = self.run_stream(sink, payload_type='<c8', select_item='timestamp',
                                 select_values=[timestamp(k) for k in chosen],
                                 length_tag_key='burst')
        expected = np.concatenate([np.arange(4096) + 1j * k for k in chosen])
        np.testing.assert_array_equal(np.array(sink.data()), expected)
        tags = tags_by_offset(sink)
        self.assertEqual(sorted(tags), [0, 4096, 8192])
        self.assertEqual([tags[o]['heap_cnt'] for o in (0, 4096, 8192)],
                         [k + 2 for k in chosen])
        self.assertEqual({tags[o]['burst'] for o in tags}, {4096})
        self.assertNotIn('packet_len', tags[0])
        self.assertEqual(src.statistics()['heaps_skipped_by_selection'], 21 - 3)

    def test_int8_pairs_through_a_tagged_stream_block(self):
        # GNU Radio's Tagged Stream to PDU rebuilds one PDU per heap from packet_len:
        # the bytes of each heap's (re, im) int8 pairs, as they are on the wire.
        to_pdu = blocks.tagged_stream_to_pdu(gr.types.byte_t, 'packet_len')
        rebuilt = blocks.message_debug()
        self.tb.msg_connect((to_pdu, 'pdus'), (rebuilt, 'store'))
        self.run_stream(to_pdu, capture=SINGLE, payload_type='|i1')
        self.assertEqual(rebuilt.num_messages(), 20)
        for k in range(20):
            msg = rebuilt.get_message(k)
            values = np.array(pmt.u8vector_elements(pmt.cdr(msg)), dtype=np.uint8)
            pairs = values.view(np.int8).reshape(4096, 2)
            re = ((np.arange(4096) + k) % 256) - 128
            np.testing.assert_array_equal(pairs[:, 0], re)
            np.testing.assert_array_equal(pairs[:, 1], np.clip(-re, -128, 127))
            meta = pmt.to_python(pmt.car(msg))
            self.assertEqual(meta['heap_cnt'], k + 2)
            self.assertEqual(meta['seq'], k)

    def test_stop_while_waiting_for_heaps(self):
        # Nothing arrives on the UDP port: stop() still ends the flowgraph.
        src = spead.heap_source(transport='udp', address='127.0.0.1', port=0,
                                payload_item='data', payload_type='<c8',
                                tagged_stream=True, stats_interval=0)
        sink = blocks.vector_sink_c()
        self.tb.connect(src, sink)
        self.tb.start()
        self.assertGreater(src.local_port(), 0)
        stopper = threading.Timer(0.2, self.tb.stop)
        stopper.start()
        self.tb.wait()
        stopper.join()
        self.assertEqual(len(sink.data()), 0)

    def test_output_item_size_follows_the_payload_type(self):
        for payload_type, size in (('|i1', 1), ('<i2', 2), ('>f4', 4), ('<c8', 8),
                                   ('<c16', 16)):
            src = spead.heap_source(transport='pcap', payload_item='data',
                                    payload_type=payload_type, tagged_stream=True,
                                    pcap_file=support.capture(SINGLE))
            self.assertEqual(src.output_signature().sizeof_stream_item(0), size)
        plain = spead.heap_source(transport='pcap', pcap_file=support.capture(SINGLE))
        self.assertEqual(plain.output_signature().max_streams(), 0)

    def test_invalid_parameters(self):
        capture = support.capture(SINGLE)
        for kwargs, words in (({'payload_item': 'data'}, "not 'auto'"),
                              ({'payload_type': '<c8'}, 'payload_item must name'),
                              ({'payload_item': 'data', 'payload_type': 'complex'},
                               'payload_type'),
                              ({'payload_item': 'data', 'payload_type': '<c8',
                                'length_tag_key': ''}, 'length_tag_key')):
            with self.subTest(**kwargs):
                with self.assertRaises(ValueError) as ctx:
                    spead.heap_source(transport='pcap', pcap_file=capture,
                                      tagged_stream=True, **kwargs)
                self.assertIn(words, str(ctx.exception))

    def grc_flowgraph(self, fg_id, out, language='python', **extra):
        params = {'transport': 'pcap', 'pcap_file': repr(support.capture(MULTI)),
                  'payload_item': 'data', 'payload_type': '<c8', 'tagged_stream': 'True',
                  'stats_interval': '0'}
        params.update(extra)
        return {'options': {'parameters': {'id': fg_id, 'generate_options': 'no_gui',
                                           'output_language': language,
                                           'run_options': 'run', 'title': fg_id},
                            'states': {'coordinate': [8, 8], 'rotation': 0,
                                       'state': 'enabled'}},
                'blocks': [block('src', 'spead_heap_source', params, 8),
                           block('sink', 'blocks_file_sink', {
                               'type': 'complex', 'vlen': '1', 'append': 'False',
                               'unbuffered': 'False', 'file': repr(out)}, 300)],
                'connections': [['src', '0', 'sink', '0']],
                'metadata': {'file_format': 1}}

    def grcc(self, tmp, fg):
        import yaml
        path = os.path.join(tmp, fg['options']['parameters']['id'] + '.grc')
        with open(path, 'w') as f:
            yaml.safe_dump(fg, f)
        return subprocess.run(['grcc', '-o', tmp, path], env=environment(),
                              capture_output=True, text=True, timeout=120)

    def test_grc_stream_port_compiles_and_runs(self):
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, 'data.c64')
            result = self.grcc(tmp, self.grc_flowgraph('heap_stream', out))
            self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
            with open(os.path.join(tmp, 'heap_stream.py')) as f:
                code = f.read()
            self.assertIn('tagged_stream=True,', code)
            self.assertIn("length_tag_key='packet_len',", code)
            run = subprocess.run([PYTHON, os.path.join(tmp, 'heap_stream.py')],
                                 env=environment(), cwd=tmp, capture_output=True,
                                 text=True, timeout=120)
            self.assertEqual(run.returncode, 0, run.stderr)
            expected = np.concatenate([np.arange(4096) + 1j * k for k in range(20)])
            np.testing.assert_array_equal(np.fromfile(out, np.complex64), expected)
            # A byte port for '|i1': a complex file sink no longer fits it.
            result = self.grcc(tmp, self.grc_flowgraph('heap_bytes', out,
                                                       payload_type='|i1'))
            self.assertNotEqual(result.returncode, 0)
            # 'auto' cannot size the port: the block's assertion refuses it.
            result = self.grcc(tmp, self.grc_flowgraph('heap_auto', out,
                                                       payload_type='auto'))
            self.assertNotEqual(result.returncode, 0)
            self.assertIn("payload_type != 'auto'", result.stdout + result.stderr)
            result = self.grcc(tmp, self.grc_flowgraph('heap_cpp', out, 'cpp'))
            self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
            with open(os.path.join(tmp, 'heap_cpp', 'heap_cpp.cpp')) as f:
                self.assertIn('true, "packet_len");', f.read())


if __name__ == '__main__':
    gr_unittest.run(qa_heap_source_stream)
