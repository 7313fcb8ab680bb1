#!/usr/bin/env python3
#
# Copyright 2026 gr-spead authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#

"""spead.source in flowgraphs: the reference captures (values and tags checked against
the captures README), a capture with loss and reordering made here with the heap
encoder, in-process, UDP and TCP transports, and parameter errors."""

import os
import socket
import tempfile
import threading
import time

import numpy as np
import pmt
from gnuradio import blocks, gr, gr_unittest
from gnuradio import spead

import block_test_support as support

SINGLE_40 = 'spead2_64_40_single_packet.pcap'
SINGLE_48 = 'spead2_64_48_single_packet.pcap'
MULTI_40 = 'spead2_64_40_multi_packet.pcap'


def single_packet_data(k):
    """README: column 0 (re) = ((arange(4096) + k) % 256) - 128, column 1 = -re
    clipped to int8."""
    re = ((np.arange(4096) + k) % 256) - 128
    im = np.clip(-re, -128, 127)
    return re, im


class qa_source(gr_unittest.TestCase):
    def setUp(self):
        self.tb = gr.top_block()

    def tearDown(self):
        self.tb = None

    def run_capture(self, name, outputs, sinks, **kwargs):
        src = spead.source(outputs, transport='pcap', pcap_file=support.capture(name),
                           **kwargs)
        for i, sink in enumerate(sinks):
            self.tb.connect((src, i), sink)
        self.assertTrue(support.run_bounded(self.tb), 'the flowgraph did not end by itself')
        return src

    def test_single_packet_int8_pairs_to_complex(self):
        for name, in ((SINGLE_40,), (SINGLE_48,)):
            with self.subTest(capture=name):
                self.tb = gr.top_block()
                sink = blocks.vector_sink_c()
                src = self.run_capture(name, [spead.output_config('data', 'complex')],
                                       [sink], tag_items=['timestamp', 'seq'])
                data = np.array(sink.data())
                self.assertEqual(len(data), 20 * 4096)
                for k in range(20):
                    re, im = single_packet_data(k)
                    np.testing.assert_array_equal(data[4096 * k:4096 * (k + 1)].real, re)
                    np.testing.assert_array_equal(data[4096 * k:4096 * (k + 1)].imag, im)
                expected = []
                for k in range(20):
                    expected += [(4096 * k, 'heap_cnt', k + 2),
                                 (4096 * k, 'timestamp', 1000000 + 8192 * k),
                                 (4096 * k, 'seq', k)]
                self.assertEqual(sorted(support.tags_of(sink)), sorted(expected))
                stats = src.statistics()
                self.assertEqual(stats['heaps'], 21)
                self.assertEqual(stats['packets'], 22)
                self.assertEqual(stats['heaps_emitted'], 20)
                self.assertEqual(stats['heaps_skipped'], 1)  # the descriptor heap
                self.assertEqual(stats['heaps_lost'], 0)
                self.assertEqual(stats['heaps_bad_item'], 0)

    def test_two_outputs_by_name_and_id(self):
        # data as short pairs (vlen 2, widened from int8), seq ('<u8' scalar) as float.
        shorts = blocks.vector_sink_s(2)
        seq = blocks.vector_sink_f()
        self.run_capture(SINGLE_40,
                         [spead.output_config('0x1602', 'short', vlen=2),
                          {'item': 'seq', 'type': 'float'}],
                         [shorts, seq])
        self.assertEqual(list(seq.data()), [float(k) for k in range(20)])
        pairs = np.array(shorts.data()).reshape(-1, 2)
        self.assertEqual(len(pairs), 20 * 4096)
        re, im = single_packet_data(7)
        np.testing.assert_array_equal(pairs[7 * 4096:8 * 4096, 0], re)
        np.testing.assert_array_equal(pairs[7 * 4096:8 * 4096, 1], im)
        # Each output's first sample of heap k carries heap_cnt k + 2.
        self.assertEqual([t for t in support.tags_of(seq) if t[1] == 'heap_cnt'],
                         [(k, 'heap_cnt', k + 2) for k in range(20)])

    def test_explicit_wire_type_and_scale(self):
        sink = blocks.vector_sink_c()
        self.run_capture(SINGLE_40,
                         [spead.output_config('0x1602', 'complex', wire='|i1', scale=128)],
                         [sink])
        data = np.array(sink.data())
        re, im = single_packet_data(0)
        np.testing.assert_array_equal(data[:4096].real, (re / 128).astype(np.float32))
        np.testing.assert_array_equal(data[:4096].imag, (im / 128).astype(np.float32))

    def test_multi_packet_complex64_with_small_output_buffer(self):
        # At most 1000 samples per work() call: each 4096-sample heap spans several
        # calls, so the partly consumed heap must be kept.
        sink = blocks.vector_sink_c()
        src = spead.source([spead.output_config('data')], transport='pcap',
                           pcap_file=support.capture(MULTI_40), tag_items=['timestamp'])
        src.set_max_noutput_items(1000)
        self.tb.connect(src, sink)
        self.assertTrue(support.run_bounded(self.tb))
        data = np.array(sink.data())
        self.assertEqual(len(data), 20 * 4096)
        for k in range(20):
            np.testing.assert_array_equal(data[4096 * k:4096 * (k + 1)],
                                          np.arange(4096) + 1j * k)
        tags = support.tags_of(sink)
        self.assertEqual([t for t in tags if t[1] == 'timestamp'],
                         [(4096 * k, 'timestamp', 1000000 + 8192 * k) for k in range(20)])
        self.assertEqual(src.statistics()['packets'], 462)

    def test_paced_replay_gives_the_same_samples(self):
        # 22 packets at 2000 packets/s: about 11 ms of pacing, same heaps.
        sink = blocks.vector_sink_c()
        src = self.run_capture(SINGLE_40, [spead.output_config('data')], [sink],
                               pcap_rate=2000)
        data = np.array(sink.data())
        self.assertEqual(len(data), 20 * 4096)
        re, im = single_packet_data(19)
        np.testing.assert_array_equal(data[19 * 4096:].real, re)
        self.assertEqual(src.statistics()['packets'], 22)

    def test_memory_and_thread_options(self):
        # A memory pool sized from heap_size, mmap memory, two pinned receive threads,
        # non-temporal copies, a larger window and ring: the same samples.
        sink = blocks.vector_sink_c()
        src = self.run_capture(MULTI_40, [spead.output_config('data')], [sink],
                               heap_size=32768, memory_pool='on', allocator='mmap',
                               threads=2, affinity=[0], memcpy_nontemporal=True,
                               max_heaps=8, ring_heaps=2, substreams=1, ring_max_spin_us=0)
        data = np.array(sink.data())
        self.assertEqual(len(data), 20 * 4096)
        np.testing.assert_array_equal(data[5 * 4096:6 * 4096], np.arange(4096) + 5j)
        self.assertEqual(src.statistics()['heaps_dropped_allocation_failed'], 0)

    def test_output_buffers_hold_two_heaps(self):
        # Each output asks for two heaps' samples (1 to 16 MiB), reckoned from
        # heap_size and the narrowest wire type the output can take.
        MiB = 1 << 20

        def buffers(outputs, **kw):
            src = spead.source(outputs, transport='pcap',
                               pcap_file=support.capture(SINGLE_40), **kw)
            return [src.min_output_buffer(i) for i in range(len(outputs))]

        # 1 MiB heaps of bytes: 2 MiB of bytes.
        self.assertEqual(buffers([spead.output_config('data', 'byte', wire='|u1')],
                                 heap_size=MiB), [2 * MiB])
        # As complex from int8 pairs (given, or the narrowest when auto): 512 Ki
        # samples a heap, 1 Mi samples (8 MiB) for two.
        self.assertEqual(buffers([spead.output_config('data', 'complex', wire='|i1'),
                                  spead.output_config('data', 'complex')],
                                 heap_size=MiB), [MiB, MiB])
        # Floats from 4-byte floats, vectors of 2: 128 Ki vectors a heap.
        self.assertEqual(buffers([spead.output_config('data', 'float', wire='<f4',
                                                      vlen=2)],
                                 heap_size=MiB), [256 * 1024])
        # Heap size unknown: a MiB; huge heaps: at most 16 MiB.
        self.assertEqual(buffers([spead.output_config('data', 'byte'),
                                  spead.output_config('data', 'complex')]),
                         [MiB, MiB // 8])
        self.assertEqual(buffers([spead.output_config('data', 'byte')],
                                 heap_size=64 * MiB),
                         [16 * MiB])

    def test_output_buffer_holds_the_heaps_received_into_it(self):
        # A single output emitted without conversion receives heaps into its buffer:
        # two heaps as before and one item more (GNU Radio leaves one item unused), so
        # that two heaps fit once the next block has read everything.
        MiB = 1 << 20

        def buffer(output, **kw):
            src = spead.source([output], transport='pcap', receive_into_output=True,
                               pcap_file=support.capture(SINGLE_40), **kw)
            return src.min_output_buffer(0)

        self.assertEqual(buffer(spead.output_config('data', 'byte', wire='|u1'),
                                heap_size=MiB), 2 * MiB + 1)
        self.assertEqual(buffer(spead.output_config('data', 'float', wire='<f4', vlen=2),
                                heap_size=MiB), 256 * 1024 + 1)
        # Converted samples are copied: two heaps as before.
        self.assertEqual(buffer(spead.output_config('data', 'complex', wire='|i1'),
                                heap_size=MiB), MiB)

    def test_flowgraph_runs_twice(self):
        # Started again, the source reads the capture again as a new stream: its heap
        # counters start afresh (no late or lost heaps), and so do the statistics.
        sink = blocks.vector_sink_c()
        src = self.run_capture(SINGLE_40, [spead.output_config('data')], [sink])
        self.assertTrue(support.run_bounded(self.tb))
        self.assertEqual(len(sink.data()), 2 * 20 * 4096)
        stats = src.statistics()
        self.assertEqual((stats['heaps_emitted'], stats['heaps_late'], stats['heaps_lost']),
                         (20, 0, 0))

    def test_wrong_size_is_counted_and_never_emitted(self):
        # 8192 int8 per heap do not make whole vectors of 3 complex samples (6 bytes).
        sink = blocks.vector_sink_c(3)
        src = self.run_capture(SINGLE_40, [spead.output_config('data', vlen=3)], [sink])
        self.assertEqual(len(sink.data()), 0)
        self.assertEqual(src.statistics()['heaps_bad_item'], 20)

    def test_wrong_size_zero_filled_when_asked(self):
        # seq is 8 bytes: as complex from '<c16' (16 bytes per sample) it cannot fit,
        # and with zero_fill nothing is known of its length: still nothing emitted.
        sink = blocks.vector_sink_c()
        src = self.run_capture(SINGLE_40,
                               [spead.output_config('seq', wire='<c16')], [sink],
                               zero_fill=True)
        self.assertEqual(len(sink.data()), 0)
        self.assertEqual(src.statistics()['heaps_bad_item'], 20)

    def lossy_run(self, **kwargs):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, 'lossy.pcap')
            n_packets, dropped = support.make_lossy_capture(path)
            sink = blocks.vector_sink_c()
            src = spead.source([spead.output_config('0x1602', wire='|i1')],
                               transport='pcap', pcap_file=path, tag_items=['0x1600'],
                               max_heaps=1, allow_out_of_order=True, **kwargs)
            self.tb.connect(src, sink)
            self.assertTrue(support.run_bounded(self.tb))
        return src, sink, n_packets, dropped

    def check_lossy_zero_filled(self, src, sink, n_packets, dropped, lost_heaps):
        n = support.LOSSY_SAMPLES
        data = np.array(sink.data())
        self.assertEqual(len(data), 10 * n)  # the timeline stays aligned
        for cnt in support.LOSSY_HEAPS:
            chunk = data[(cnt - 1) * n:cnt * n]
            if cnt in lost_heaps:
                np.testing.assert_array_equal(chunk, np.zeros(n))
            elif cnt == support.INCOMPLETE_HEAP:
                np.testing.assert_array_equal(
                    chunk, support.lossy_expected_samples(cnt, dropped))
            else:
                np.testing.assert_array_equal(chunk, support.lossy_expected_samples(cnt))
        tags = support.tags_of(sink)
        for cnt in support.LOSSY_HEAPS:
            at = [(key, value) for offset, key, value in tags if offset == (cnt - 1) * n]
            if cnt in lost_heaps:
                # each lost heap is a gap of its own here, filled where it starts
                self.assertEqual(sorted(at), [('lost_heaps', 1), ('zero_fill', 1)])
            else:
                self.assertIn(('heap_cnt', cnt), at)
                self.assertIn(('0x1600', support.lossy_timestamp(cnt)), at)
        stats = src.statistics()
        self.assertEqual(stats['packets'], n_packets)
        self.assertEqual(stats['packets_rejected'], 0)
        self.assertEqual(stats['incomplete_heaps_evicted'], 1)
        self.assertEqual(stats['heaps_lost'], len(lost_heaps))
        self.assertEqual(stats['heaps_zero_filled'], len(lost_heaps))
        return tags

    def test_loss_reorder_zero_fill_keeping_incomplete(self):
        src, sink, n_packets, dropped = self.lossy_run(zero_fill=True,
                                                       contiguous_only=False)
        tags = self.check_lossy_zero_filled(src, sink, n_packets, dropped,
                                            [support.LOST_HEAP])
        n = support.LOSSY_SAMPLES
        at6 = {key: value for offset, key, value in tags
               if offset == (support.INCOMPLETE_HEAP - 1) * n}
        self.assertEqual(at6['incomplete_heap'],
                         {'heap_cnt': 6, 'heap_length': 1024,
                          'received_length': 1024 - dropped[1]})
        self.assertEqual(at6['zero_filled_bytes'], dropped[1])
        stats = src.statistics()
        self.assertEqual(stats['heaps_incomplete'], 1)
        self.assertEqual(stats['heaps_emitted'], 9)

    def test_loss_zero_fill_dropping_incomplete(self):
        # contiguous_only (the default): the ring drops incomplete heap 6, which then
        # counts as lost and is zero-filled like heap 4.
        src, sink, n_packets, dropped = self.lossy_run(zero_fill=True)
        self.check_lossy_zero_filled(src, sink, n_packets, dropped,
                                     [support.LOST_HEAP, support.INCOMPLETE_HEAP])
        self.assertEqual(src.statistics()['heaps_dropped_incomplete'], 1)

    def test_loss_by_timestamp_step(self):
        src, sink, n_packets, dropped = self.lossy_run(
            zero_fill=True, contiguous_only=False, heap_cnt_step=0,
            timestamp_item='0x1600', timestamp_step=support.LOSSY_TS_STEP)
        self.check_lossy_zero_filled(src, sink, n_packets, dropped, [support.LOST_HEAP])

    def test_incomplete_heap_arriving_late_is_dropped_with_zero_fill(self):
        # max_heaps 2: incomplete heap 6 stays in the window until the second new heap
        # after it takes its slot again (the window is a ring, as in spead2) and evicts
        # it. Its place was zero-filled as lost when heap 7 came, so it is dropped as
        # late: the timeline keeps its length.
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, 'lossy.pcap')
            support.make_lossy_capture(path)
            sink = blocks.vector_sink_c()
            src = spead.source([spead.output_config('0x1602', wire='|i1')],
                               transport='pcap', pcap_file=path, max_heaps=2,
                               allow_out_of_order=True, contiguous_only=False,
                               zero_fill=True)
            self.tb.connect(src, sink)
            self.assertTrue(support.run_bounded(self.tb))
        n = support.LOSSY_SAMPLES
        data = np.array(sink.data())
        self.assertEqual(len(data), 10 * n)
        np.testing.assert_array_equal(data[5 * n:6 * n], np.zeros(n))
        np.testing.assert_array_equal(data[6 * n:7 * n], support.lossy_expected_samples(7))
        stats = src.statistics()
        self.assertEqual((stats['incomplete_heaps_evicted'], stats['heaps_late'],
                          stats['heaps_lost'], stats['heaps_zero_filled']), (1, 1, 2, 2))

    def test_fill_cap(self):
        src, sink, _, _ = self.lossy_run(zero_fill=True, contiguous_only=False,
                                         max_fill_heaps=0)
        self.assertEqual(len(sink.data()), 9 * support.LOSSY_SAMPLES)
        self.assertEqual(src.statistics()['heaps_lost'], 1)
        self.assertEqual(src.statistics()['heaps_zero_filled'], 0)

    def test_loss_without_zero_fill(self):
        src, sink, n_packets, dropped = self.lossy_run(contiguous_only=False)
        n = support.LOSSY_SAMPLES
        emitted = [1, 2, 3, 5, 7, 8, 9, 10]
        data = np.array(sink.data())
        self.assertEqual(len(data), len(emitted) * n)
        for i, cnt in enumerate(emitted):
            np.testing.assert_array_equal(data[i * n:(i + 1) * n],
                                          support.lossy_expected_samples(cnt))
        tags = support.tags_of(sink)
        self.assertEqual([(o, v) for o, k, v in tags if k == 'heap_cnt'],
                         [(i * n, cnt) for i, cnt in enumerate(emitted)])
        # Markers of what was not emitted sit on the next heap's first sample.
        self.assertEqual([(o, k, v) for o, k, v in tags
                          if k in ('lost_heaps', 'incomplete_heap')],
                         [(3 * n, 'lost_heaps', 1),
                          (4 * n, 'incomplete_heap',
                           {'heap_cnt': 6, 'heap_length': 1024,
                            'received_length': 1024 - dropped[1]})])
        stats = src.statistics()
        self.assertEqual(stats['heaps_emitted'], 8)
        self.assertEqual(stats['heaps_zero_filled'], 0)

    def test_stats_port(self):
        sink = blocks.vector_sink_c()
        debug = blocks.message_debug()
        src = spead.source([spead.output_config('data')], transport='pcap',
                           pcap_file=support.capture(SINGLE_40), stats_interval=0)
        self.tb.connect(src, sink)
        self.tb.msg_connect((src, 'stats'), (debug, 'store'))
        self.assertTrue(support.run_bounded(self.tb))
        # stats_interval 0: one message, at the end of the stream.
        self.assertEqual(debug.num_messages(), 1)
        stats = pmt.to_python(debug.get_message(0))
        self.assertEqual(stats['heaps'], 21)
        self.assertEqual(stats['packets'], 22)
        self.assertEqual(stats['incomplete_heaps_evicted'], 0)
        self.assertEqual(stats['heaps_emitted'], 20)
        self.assertEqual(stats['packets_rejected'], 0)

    def inproc_packets(self, heaps):
        packets = []
        for cnt in heaps:
            packets += spead.encode_heap(cnt, [(0x1600, cnt),
                                               (0x1602, np.full(256, cnt, np.int16).astype('>i2').tobytes())])
        return packets

    def test_inproc_and_stats_request(self):
        queue = spead.InprocQueue()
        sink = blocks.vector_sink_s()
        debug = blocks.message_debug()
        src = spead.source([spead.output_config('0x1602', 'short', wire='>i2')],
                           transport='inproc', queue=queue, stats_interval=0)
        self.tb.connect(src, sink)
        self.tb.msg_connect((src, 'stats'), (debug, 'store'))
        fired = []
        timer = threading.Timer(30, lambda: (fired.append(1), self.tb.stop()))
        self.tb.start()
        timer.start()
        for p in self.inproc_packets([1, 2, 3]):
            queue.add_packet(p)
        # A request is answered at once, from the block's statistics thread.
        src._post(pmt.intern('stats_request'), pmt.PMT_T)
        deadline = time.monotonic() + 20
        while debug.num_messages() < 1 and time.monotonic() < deadline:
            time.sleep(0.01)
        self.assertEqual(debug.num_messages(), 1)
        queue.stop()
        self.tb.wait()
        timer.cancel()
        self.assertFalse(fired)
        self.assertEqual(list(sink.data()), [1] * 256 + [2] * 256 + [3] * 256)
        self.assertEqual(debug.num_messages(), 2)  # the request, then the end
        self.assertEqual(pmt.to_python(debug.get_message(1))['heaps'], 3)

    def test_udp_loopback_ends_on_stop_item(self):
        self.check_udp_loopback()

    def test_udp_loopback_busy_polling(self):
        # The reader keeps reading 0.1 s after each datagram: the same samples.
        self.check_udp_loopback(busy_poll_us=100000)

    def check_udp_loopback(self, **options):
        sink = blocks.vector_sink_s()
        src = spead.source([spead.output_config('0x1602', 'short', wire='>i2')],
                           transport='udp', address='127.0.0.1', port=0, ring_heaps=16,
                           **options)
        self.tb.connect(src, sink)
        fired = []
        timer = threading.Timer(30, lambda: (fired.append(1), self.tb.stop()))
        self.tb.start()
        timer.start()
        port = src.local_port()
        self.assertGreater(port, 0)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            for p in self.inproc_packets([1, 2]) + spead.encode_stop_heap(3):
                s.sendto(p, ('127.0.0.1', port))
        self.tb.wait()
        timer.cancel()
        self.assertFalse(fired)
        self.assertEqual(list(sink.data()), [1] * 256 + [2] * 256)

    def test_udp_ipv4_multicast_on_loopback(self):
        # Joins a group on the loopback interface (by its address) and receives what is
        # sent to the group there.
        group = '239.255.91.9'
        sink = blocks.vector_sink_s()
        src = spead.source([spead.output_config('0x1602', 'short', wire='>i2')],
                           transport='udp', address=group, port=0,
                           interface_address='127.0.0.1')
        self.tb.connect(src, sink)
        fired = []
        timer = threading.Timer(30, lambda: (fired.append(1), self.tb.stop()))
        self.tb.start()
        timer.start()
        if src.local_port() < 0:  # start() could not join: logged, the source ended
            self.tb.wait()
            timer.cancel()
            self.skipTest('cannot join an IPv4 multicast group on loopback here')
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF,
                         socket.inet_aton('127.0.0.1'))
            s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 0)
            s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 1)
            for p in self.inproc_packets([4, 5]) + spead.encode_stop_heap(6):
                s.sendto(p, (group, src.local_port()))
        self.tb.wait()
        timer.cancel()
        self.assertFalse(fired)
        self.assertEqual(list(sink.data()), [4] * 256 + [5] * 256)

    def test_tcp_loopback_ends_when_closed(self):
        sink = blocks.vector_sink_s()
        src = spead.source([spead.output_config('0x1602', 'short', wire='>i2')],
                           transport='tcp', address='127.0.0.1', port=0)
        self.tb.connect(src, sink)
        fired = []
        timer = threading.Timer(30, lambda: (fired.append(1), self.tb.stop()))
        self.tb.start()
        timer.start()
        with socket.create_connection(('127.0.0.1', src.local_port())) as s:
            s.sendall(b''.join(self.inproc_packets([5, 6, 7])))
        self.tb.wait()
        timer.cancel()
        self.assertFalse(fired)
        self.assertEqual(list(sink.data()), [5] * 256 + [6] * 256 + [7] * 256)

    def test_stop_is_prompt_while_idle(self):
        # A UDP source with no traffic: stop() ends the flowgraph (no spinning, no hang).
        src = spead.source([spead.output_config('0x1602', 'short', wire='>i2')],
                           transport='udp', address='127.0.0.1', port=0)
        self.tb.connect(src, blocks.null_sink(gr.sizeof_short))
        self.tb.start()
        time.sleep(0.3)
        done = threading.Event()
        threading.Thread(target=lambda: (self.tb.stop(), self.tb.wait(), done.set()),
                         daemon=True).start()
        self.assertTrue(done.wait(20))

    def test_invalid_parameters_name_themselves(self):
        out = [spead.output_config('data')]
        cases = [
            (dict(outputs=out, port=70000), 'port must be 0..65535'),
            (dict(outputs=out, transport='pcap'), 'pcap_file'),
            (dict(outputs=out, transport='sctp'), 'transport must be one of'),
            (dict(outputs=out, max_heaps=0), 'max_heaps must be 1..'),
            (dict(outputs=out, ring_max_spin_us=-1), 'ring_max_spin_us must be 0..1000000'),
            (dict(outputs=out, busy_poll_us=1000001), 'busy_poll_us must be 0..1000000'),
            (dict(outputs=out, threads=0), 'threads must be 1..256'),
            (dict(outputs=out, stats_interval=-1), 'stats_interval'),
            (dict(outputs=[spead.output_config('data', 'double')]), 'outputs[0].type'),
            (dict(outputs=[spead.output_config('data', vlen=0)]), 'outputs[0].vlen'),
            (dict(outputs=[spead.output_config('data', wire='int8')]), 'outputs[0].wire'),
            (dict(outputs=[spead.output_config('data', 'int', wire='<f4')]),
             'outputs[0].wire'),
            (dict(outputs=[spead.output_config('')]), 'outputs[0].item'),
            (dict(outputs=[]), 'outputs must list'),
            (dict(outputs=out, timestamp_item='timestamp'), 'timestamp_step'),
            (dict(outputs=out, max_fill_heaps=-1), 'max_fill_heaps'),
            (dict(outputs=out, pool_initial=9, pool_max_free=8), 'pool_initial'),
            (dict(outputs=out, heap_size=100, pool_lower=200), 'pool_lower'),
            (dict(outputs=out, memory_pool='on'), 'memory_pool'),
            (dict(outputs=out, allocator='malloc'), 'allocator'),
            (dict(outputs=out, bug_compat=8), 'bug_compat must be 0..7'),
        ]
        for kwargs, text in cases:
            with self.subTest(expected=text):
                with self.assertRaises(ValueError) as ctx:
                    spead.source(**kwargs)
                self.assertIn(text, str(ctx.exception))
        with self.assertRaises(TypeError) as ctx:
            spead.source(out, no_such_parameter=1)
        self.assertIn('no_such_parameter', str(ctx.exception))

    def test_missing_capture_is_reported_when_made(self):
        with self.assertRaises(ValueError) as ctx:
            spead.source([spead.output_config('data')], transport='pcap',
                         pcap_file='/nonexistent/x.pcap')
        self.assertIn("pcap_file: cannot open '/nonexistent/x.pcap'", str(ctx.exception))

    def test_unusable_endpoint_ends_the_flowgraph(self):
        # A TCP port already listened on: start() cannot bind; the error is logged and
        # the source ends instead of hanging the flowgraph.
        with socket.socket() as busy:
            busy.bind(('127.0.0.1', 0))
            busy.listen()
            src = spead.source([spead.output_config('0x1602', 'short', wire='>i2')],
                               transport='tcp', address='127.0.0.1',
                               port=busy.getsockname()[1])
            sink = blocks.vector_sink_s()
            self.tb.connect(src, sink)
            self.assertTrue(support.run_bounded(self.tb))
            self.assertEqual(len(sink.data()), 0)

if __name__ == '__main__':
    gr_unittest.run(qa_source)
