#!/usr/bin/env python3
#
# Copyright 2026 gr-spead authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#

"""spead.pdu_sink: PDUs and dicts of items become heaps; a round trip into
spead.heap_source over UDP gives back the vectors and the metadata items; descriptors
follow changes of type and length; bad messages are dropped and counted."""

import os
import tempfile
import threading
import time

import numpy as np
import pmt
from gnuradio import blocks, gr, gr_unittest
from gnuradio import spead

import block_test_support as support


def pdu(meta, vector):
    return pmt.cons(pmt.to_pmt(meta), vector)


class qa_pdu_sink(gr_unittest.TestCase):
    def setUp(self):
        self.tb = gr.top_block()
        self.rx = gr.top_block()
        self.tmp = tempfile.TemporaryDirectory()

    def tearDown(self):
        self.tb = self.rx = None
        self.tmp.cleanup()

    def send_all(self, sink, messages, expect_heaps):
        """Posts messages to a running sink and waits until it sent expect_heaps."""
        # A block takes part in a flowgraph only when connected: a strobe asking for
        # statistics (harmless) connects the sink.
        self.tb.msg_connect(blocks.message_strobe(pmt.PMT_NIL, 50), 'strobe',
                            sink, 'stats_request')
        self.tb.start()
        for m in messages:
            sink._post(pmt.intern('pdus'), m)
        deadline = time.monotonic() + 20
        while sink.statistics()['heaps_sent'] + sink.statistics()['messages_dropped'] \
                < expect_heaps and time.monotonic() < deadline:
            time.sleep(0.01)
        self.tb.stop()
        self.tb.wait()

    def test_udp_round_trip_into_heap_source(self):
        debug = blocks.message_debug()
        src = spead.heap_source(payload_item='data', transport='udp',
                                address='127.0.0.1', port=0)
        self.rx.msg_connect(src, 'pdus', debug, 'store')
        fired = []
        timer = threading.Timer(30, lambda: (fired.append(1), self.rx.stop()))
        self.rx.start()
        timer.start()
        sink = spead.pdu_sink(meta_items={'timestamp': 0x1600, 'feng_id': 0x4101,
                                          'gain': 0x4102},
                              address='127.0.0.1', port=src.local_port(),
                              heap_address_bits=48)
        vectors = [np.arange(100, dtype=np.float32) * k for k in range(5)]
        messages = [pdu({'timestamp': 1000 * k, 'feng_id': 3, 'gain': 0.5, 'other': 7},
                        pmt.init_f32vector(100, v.tolist())) for k, v in enumerate(vectors)]
        self.send_all(sink, messages, 5)
        self.rx.wait()  # the stop heap ends the heap source
        timer.cancel()
        self.assertFalse(fired, 'the heap source did not see the stop heap')
        got = []
        for i in range(debug.num_messages()):
            msg = debug.get_message(i)
            meta = pmt.to_python(pmt.car(msg))
            if 'timestamp' in meta:
                got.append((meta, np.array(pmt.f32vector_elements(pmt.cdr(msg)))))
        self.assertEqual(len(got), 5)
        for k, (meta, vector) in enumerate(got):
            self.assertEqual(meta['timestamp'], 1000 * k)
            self.assertEqual(meta['feng_id'], 3)
            self.assertEqual(meta['gain'], 0.5)
            self.assertNotIn('other', meta)  # not in meta_items
            np.testing.assert_array_equal(vector, vectors[k])
        self.assertEqual(sink.statistics()['heaps_sent'], 6)  # and the stop heap
        self.assertEqual(sink.statistics()['packets_sent'], 6)  # one packet each

    def test_inproc_round_trip_into_heap_source(self):
        queue = spead.InprocQueue()
        debug = blocks.message_debug()
        src = spead.heap_source(payload_item='data', transport='inproc', queue=queue)
        self.rx.msg_connect(src, 'pdus', debug, 'store')
        fired = []
        timer = threading.Timer(30, lambda: (fired.append(1), self.rx.stop()))
        self.rx.start()
        timer.start()
        sink = spead.pdu_sink(meta_items={'timestamp': 0x1600, 'label': 0x4104},
                              transport='inproc', queue=queue)
        vectors = [np.arange(10, dtype=np.int16) - k for k in range(3)]
        # A string goes as characters (c8); its length changes, and so its descriptor.
        labels = ['ant%d' % (k * 5) for k in range(3)]
        self.send_all(sink, [pdu({'timestamp': k, 'label': labels[k]},
                                 pmt.init_s16vector(10, v.tolist()))
                             for k, v in enumerate(vectors)], 3)
        self.rx.wait()  # the stop heap ends the heap source
        timer.cancel()
        self.assertFalse(fired, 'the heap source did not see the stop heap')
        got = []
        for i in range(debug.num_messages()):
            meta, vector = pmt.to_python(debug.get_message(i))
            if 'timestamp' in meta:  # not the stop heap
                got.append((meta['timestamp'], meta['label'], list(vector)))
        self.assertEqual(got, [(k, labels[k], v.tolist()) for k, v in enumerate(vectors)])

    def read_pcap(self, path):
        stream = spead.recv.Stream(spead.ThreadPool(), spead.recv.StreamConfig())
        stream.add_udp_pcap_file_reader(path)
        ig = spead.ItemGroup()
        out = []
        for heap in stream:
            if ig.update(heap):
                out.append((bool(heap.get_descriptors()),
                            {name: ig[name].value for name in ig.keys()}))
        return out

    def test_dicts_and_descriptors_follow_changes(self):
        path = os.path.join(self.tmp.name, 'pdus.pcap')
        sink = spead.pdu_sink(data_item='samples', data_id=0x5000,
                              meta_items={'seq': 0x5001}, transport='pcap', filename=path)
        messages = [
            pmt.to_pmt({'samples': np.arange(4, dtype=np.int16), 'seq': 1}),
            pmt.to_pmt({'samples': np.arange(4, dtype=np.int16) + 10, 'seq': 2}),
            pmt.to_pmt({'samples': np.arange(6, dtype=np.int16), 'seq': 3}),  # longer
            pmt.to_pmt({'samples': np.ones(6, dtype=np.complex64), 'seq': 4}),  # type
            pmt.to_pmt({'samples': np.ones(6, dtype=np.complex64) * 2, 'seq': 5}),
        ]
        self.send_all(sink, messages, 5)
        heaps = self.read_pcap(path)
        self.assertEqual([described for described, _ in heaps],
                         [True, False, True, True, False])
        self.assertEqual([values['seq'] for _, values in heaps], [1, 2, 3, 4, 5])
        np.testing.assert_array_equal(heaps[1][1]['samples'], np.arange(4) + 10)
        np.testing.assert_array_equal(heaps[2][1]['samples'], np.arange(6))
        np.testing.assert_array_equal(heaps[4][1]['samples'], np.ones(6) * 2)
        self.assertEqual(heaps[4][1]['samples'].dtype, np.complex64)

    def test_bad_messages_are_dropped_and_counted(self):
        path = os.path.join(self.tmp.name, 'bad.pcap')
        sink = spead.pdu_sink(transport='pcap', filename=path)
        messages = [pmt.intern('hello'),
                    pmt.cons(pmt.make_dict(), pmt.intern('not a vector')),
                    pmt.cons(pmt.make_dict(), pmt.init_u8vector(3, [1, 2, 3]))]
        self.send_all(sink, messages, 3)
        stats = sink.statistics()
        self.assertEqual(stats['messages_dropped'], 2)
        self.assertEqual(stats['heaps_sent'], 2)  # the good PDU and the stop heap
        heaps = self.read_pcap(path)
        self.assertEqual(len(heaps), 1)
        np.testing.assert_array_equal(heaps[0][1]['data'], [1, 2, 3])

    def test_bad_parameters_name_themselves(self):
        cases = [(dict(data_item=''), 'data_item'), (dict(data_id=5), 'data_id'),
                 (dict(meta_items={'t': 0x10}), "meta_items['t']"),
                 (dict(meta_items={'data': 0x2000}), "meta_items['data']"),
                 (dict(transport='pcap'), 'filename'), (dict(ttl=0), 'ttl'),
                 (dict(descriptors_every=-1), 'descriptors_every')]
        for kwargs, name in cases:
            with self.assertRaises(ValueError, msg=name) as cm:
                spead.pdu_sink(**kwargs)
            self.assertTrue(str(cm.exception).startswith(name), str(cm.exception))


if __name__ == '__main__':
    gr_unittest.run(qa_pdu_sink)
