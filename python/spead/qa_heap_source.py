#!/usr/bin/env python3
#
# Copyright 2026 gr-spead authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#

"""spead.heap_source in flowgraphs: heaps of the reference captures as PDUs and dicts
(checked against the captures README), incomplete heaps of a lossy capture, the stats
port, and the end of a message-only flowgraph at the end of a capture."""

import os
import tempfile
import threading
import time

import numpy as np
import pmt
from gnuradio import blocks, gr, gr_unittest
from gnuradio import spead

import block_test_support as support


class qa_heap_source(gr_unittest.TestCase):
    def setUp(self):
        self.tb = gr.top_block()

    def tearDown(self):
        self.tb = None

    def run_messages(self, **kwargs):
        src = spead.heap_source(**kwargs)
        debug = blocks.message_debug()
        stats = blocks.message_debug()
        self.tb.msg_connect((src, 'heaps'), (debug, 'store'))
        self.tb.msg_connect((src, 'stats'), (stats, 'store'))
        # A message-only flowgraph ends through the source's 'done' at end of file.
        self.assertTrue(support.run_bounded(self.tb), 'the flowgraph did not end by itself')
        return src, [debug.get_message(i) for i in range(debug.num_messages())], \
            [pmt.to_python(stats.get_message(i)) for i in range(stats.num_messages())]

    def test_ports_by_message_format(self):
        # GNU Radio 3.10's convention: PDUs on 'pdus'; dicts on 'dicts'; 'heaps' (the old
        # name) carries whichever is in use.
        for as_dict, port, other in ((False, 'pdus', 'dicts'), (True, 'dicts', 'pdus')):
            with self.subTest(port=port):
                self.tb = gr.top_block()
                src = spead.heap_source(
                    transport='pcap', stats_interval=0, as_dict=as_dict,
                    pcap_file=support.capture('spead2_64_40_single_packet.pcap'))
                sinks = {name: blocks.message_debug() for name in ('pdus', 'dicts', 'heaps')}
                for name, sink in sinks.items():
                    self.tb.msg_connect((src, name), (sink, 'store'))
                self.assertTrue(support.run_bounded(self.tb))
                self.assertEqual(sinks[port].num_messages(), 21)
                self.assertEqual(sinks['heaps'].num_messages(), 21)
                self.assertEqual(sinks[other].num_messages(), 0)
                first = sinks[port].get_message(1)
                # A PDU is (metadata . uniform vector); a dict has heap_cnt at its top.
                is_pdu = pmt.is_pair(first) and pmt.is_uniform_vector(pmt.cdr(first))
                self.assertEqual(is_pdu, not as_dict)
                if as_dict:
                    self.assertTrue(pmt.dict_has_key(first, pmt.intern('heap_cnt')))
                self.assertTrue(pmt.equal(first, sinks['heaps'].get_message(1)))

    def test_single_packet_heaps_as_pdus(self):
        src, msgs, stats = self.run_messages(
            transport='pcap', pcap_file=support.capture('spead2_64_40_single_packet.pcap'),
            payload_item='data', stats_interval=0)
        self.assertEqual(len(msgs), 21)  # the descriptor heap and 20 data heaps
        meta0 = pmt.to_python(pmt.car(msgs[0]))
        self.assertEqual(meta0['heap_cnt'], 1)
        self.assertEqual(pmt.length(pmt.cdr(msgs[0])), 0)  # no data item in it
        for k in range(20):
            meta = pmt.to_python(pmt.car(msgs[k + 1]))
            self.assertEqual(meta['heap_cnt'], k + 2)
            self.assertEqual(meta['timestamp'], 1000000 + 8192 * k)
            self.assertEqual(meta['seq'], k)
            self.assertTrue(meta['complete'])
            self.assertEqual(meta['heap_length'], 8200)
            self.assertEqual(meta['received_length'], 8200)
            payload = pmt.cdr(msgs[k + 1])
            self.assertTrue(pmt.is_s8vector(payload))  # '|i1'
            pairs = np.array(pmt.s8vector_elements(payload)).reshape(4096, 2)
            re = ((np.arange(4096) + k) % 256) - 128
            np.testing.assert_array_equal(pairs[:, 0], re)
            np.testing.assert_array_equal(pairs[:, 1], np.clip(-re, -128, 127))
        self.assertEqual(len(stats), 1)  # stats_interval 0: once, at the end
        self.assertEqual(stats[0]['heaps'], 21)
        self.assertEqual(stats[0]['heaps_published'], 21)

    def test_multi_packet_heaps_as_dicts(self):
        _, msgs, _ = self.run_messages(
            transport='pcap', pcap_file=support.capture('spead2_64_40_multi_packet.pcap'),
            as_dict=True)
        self.assertEqual(len(msgs), 21)
        for k in range(20):
            d = pmt.to_python(msgs[k + 1])
            self.assertEqual(d['heap_cnt'], k + 2)
            self.assertEqual(d['timestamp'], 1000000 + 8192 * k)
            np.testing.assert_array_equal(np.array(d['data']), np.arange(4096) + 1j * k)

    def test_explicit_payload_type(self):
        # The 64-48 capture's data read as big-endian int16: bytes (re, im) of sample 0
        # of heap 0 are (-128, 127) = 0x80 0x7f.
        _, msgs, _ = self.run_messages(
            transport='pcap', pcap_file=support.capture('spead2_64_48_single_packet.pcap'),
            payload_item='0x1602', payload_type='>i2')
        payload = pmt.cdr(msgs[1])
        self.assertTrue(pmt.is_s16vector(payload))
        self.assertEqual(pmt.length(payload), 4096)
        self.assertEqual(pmt.s16vector_ref(payload, 0), 0x807f - 0x10000)

    def test_incomplete_heaps_are_published_when_kept(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, 'lossy.pcap')
            _, dropped = support.make_lossy_capture(path)
            src, msgs, _ = self.run_messages(
                transport='pcap', pcap_file=path, payload_item='0x1602',
                payload_type='|i1', contiguous_only=False, max_heaps=1,
                allow_out_of_order=True)
        metas = [pmt.to_python(pmt.car(m)) for m in msgs]
        self.assertEqual([m['heap_cnt'] for m in metas], [1, 2, 3, 5, 6, 7, 8, 9, 10])
        six = metas[4]
        self.assertFalse(six['complete'])
        self.assertEqual(six['heap_length'], 1024)
        self.assertEqual(six['received_length'], 1024 - dropped[1])
        # Missing bytes read as zeros.
        payload = np.array(pmt.s8vector_elements(pmt.cdr(msgs[4])), dtype=np.int8)
        expected = np.frombuffer(support.lossy_heap_bytes(6), dtype=np.int8).copy()
        expected[dropped[0]:dropped[0] + dropped[1]] = 0
        np.testing.assert_array_equal(payload, expected)
        self.assertTrue(all(m['complete'] for i, m in enumerate(metas) if i != 4))
        self.assertEqual(src.statistics()['heaps_incomplete'], 1)

    def test_vlan_frames_read_only_with_pcap_extended_frames(self):
        # Heaps 1-3 behind an 802.1Q tag: spead2 reads none of them; the block does the
        # same unless pcap_extended_frames is set, read directly or paced.
        from qa_recv_pcap_frames import ethernet, heap, ipv4, udp, write_pcap
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, 'vlan.pcap')
            write_pcap(path, 1, [ethernet(ipv4(udp(heap(cnt))), 0x0800, vlan=5)
                                 for cnt in (1, 2, 3)])
            for kwargs, cnts in (({}, []),
                                 ({'pcap_extended_frames': True}, [1, 2, 3]),
                                 ({'pcap_extended_frames': True, 'pcap_rate': 1e5},
                                  [1, 2, 3])):
                self.tb = gr.top_block()
                _, msgs, _ = self.run_messages(transport='pcap', pcap_file=path,
                                               as_dict=True, **kwargs)
                self.assertEqual([pmt.to_python(m)['heap_cnt'] for m in msgs], cnts,
                                 kwargs)

    def test_inproc_stats_request_and_end(self):
        queue = spead.InprocQueue()
        src = spead.heap_source(transport='inproc', queue=queue, payload_item='0x1602',
                                payload_type='<u2', stats_interval=0)
        heaps = blocks.message_debug()
        stats = blocks.message_debug()
        self.tb.msg_connect((src, 'heaps'), (heaps, 'store'))
        self.tb.msg_connect((src, 'stats'), (stats, 'store'))
        fired = []
        timer = threading.Timer(30, lambda: (fired.append(1), self.tb.stop()))
        self.tb.start()
        timer.start()
        for cnt in (1, 2):
            for p in spead.encode_heap(cnt, [(0x1600, 100 * cnt),
                                             (0x1602, np.arange(4, dtype='<u2').tobytes())]):
                queue.add_packet(p)
        deadline = time.monotonic() + 20
        while heaps.num_messages() < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        src._post(pmt.intern('stats_request'), pmt.PMT_T)
        while stats.num_messages() < 1 and time.monotonic() < deadline:
            time.sleep(0.01)
        self.assertEqual(pmt.to_python(stats.get_message(0))['heaps'], 2)
        queue.stop()  # ends the stream: final statistics, then the flowgraph is done
        self.tb.wait()
        timer.cancel()
        self.assertFalse(fired)
        self.assertEqual(stats.num_messages(), 2)
        payload = pmt.cdr(heaps.get_message(1))
        self.assertEqual(list(pmt.u16vector_elements(payload)), [0, 1, 2, 3])
        # No descriptors: items are not named, so the metadata holds the heap's own facts.
        meta = pmt.to_python(pmt.car(heaps.get_message(1)))
        self.assertEqual(meta['heap_cnt'], 2)
        self.assertNotIn('0x1600', meta)

    def test_stats_carry_spead2s_and_reject_counters(self):
        # The stats port and statistics() merge the stream's statistics (spead2's nine)
        # with gr-spead's reject counters (Stream.reject_stats in Python).
        queue = spead.InprocQueue()
        for p in spead.encode_heap(1, [(0x1602, np.arange(4, dtype='<u2').tobytes())]):
            queue.add_packet(p)
        queue.add_packet(b'\x00' * 64)  # bad magic
        queue.stop()
        src, heaps, stats = self.run_messages(transport='inproc', queue=queue,
                                              payload_item='0x1602', payload_type='<u2',
                                              stats_interval=0)
        self.assertEqual(len(heaps), 1)
        final = stats[-1]
        for counters in (final, src.statistics()):
            for name in ('heaps', 'incomplete_heaps_evicted', 'incomplete_heaps_flushed',
                         'packets', 'batches', 'max_batch', 'single_packet_heaps',
                         'search_dist', 'worker_blocked', 'heaps_dropped_ring_stopped'):
                self.assertIn(name, counters)
            self.assertEqual(counters['heaps'], 1)
            self.assertEqual(counters['packets_rejected'], 1)
            self.assertEqual(counters['packets_rejected_bad_magic'], 1)

    def test_invalid_parameters(self):
        with self.assertRaises(ValueError) as ctx:
            spead.heap_source(transport='pcap', pcap_file=support.capture(
                'spead2_64_40_single_packet.pcap'), payload_type='complex')
        self.assertIn('payload_type', str(ctx.exception))
        with self.assertRaises(ValueError) as ctx:
            spead.heap_source(transport='udp', port=-1)
        self.assertIn('port must be 0..65535', str(ctx.exception))
        with self.assertRaises(ValueError) as ctx:
            spead.heap_source(memory_pool='maybe')
        self.assertIn('memory_pool', str(ctx.exception))


if __name__ == '__main__':
    gr_unittest.run(qa_heap_source)
