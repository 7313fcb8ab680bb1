#!/usr/bin/env python3
#
# Copyright 2026 gr-spead authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#

"""spead.sink: samples packed into heaps, round trips into spead.source over UDP and
TCP on loopback (samples and tags back exactly), pcap output read with the
spead2-compatible receive API (descriptors, shapes, values), statistics and parameter
errors."""

import os
import tempfile
import threading

import numpy as np
import pmt
from gnuradio import blocks, gr, gr_unittest
from gnuradio import spead

import block_test_support as support

SYNC = 1700000000


def int8_complex_samples(n, seed=3):
    """Complex values that int8 at scale 128 holds exactly: k / 128, k in -128..127."""
    rng = np.random.default_rng(seed)
    k = rng.integers(-128, 128, size=(n, 2))
    return ((k[:, 0] + 1j * k[:, 1]) / 128).astype(np.complex64)


def rx_time_tag(offset, seconds, fraction):
    tag = gr.tag_t()
    tag.offset = offset
    tag.key = pmt.intern('rx_time')
    tag.value = pmt.make_tuple(pmt.from_uint64(seconds), pmt.from_double(fraction))
    return tag


class qa_sink(gr_unittest.TestCase):
    def setUp(self):
        self.tb = gr.top_block()
        self.rx = gr.top_block()
        self.tmp = tempfile.TemporaryDirectory()

    def tearDown(self):
        self.tb = self.rx = None
        self.tmp.cleanup()

    def round_trip(self, samples, source_kwargs, sink_kwargs, tags=(), transport='udp',
                   address='127.0.0.1'):
        """samples -> spead.sink -> loopback -> spead.source; returns the vector sink,
        or None when the source could not start (a multicast group not joined)."""
        out = blocks.vector_sink_c()
        src = spead.source([spead.output_config('data', 'complex', scale=128)],
                           transport=transport, address=address, port=0,
                           ring_heaps=64, **source_kwargs)
        self.rx.connect(src, out)
        fired = []
        timer = threading.Timer(30, lambda: (fired.append(1), self.rx.stop()))
        self.rx.start()
        timer.start()
        if src.local_port() < 0:  # start() could not bind or join: logged, rx ended
            self.rx.wait()
            timer.cancel()
            return None
        feed = blocks.vector_source_c(samples.tolist(), False, 1, list(tags))
        sink = spead.sink([spead.input_config('data', 0x4300, 'complex', wire='int8',
                                              scale=128)],
                          transport=transport, address=address,
                          port=src.local_port(), **sink_kwargs)
        self.tb.connect(feed, sink)
        self.assertTrue(support.run_bounded(self.tb), 'the sending flowgraph hung')
        self.rx.wait()  # the stop heap ends the source
        timer.cancel()
        self.assertFalse(fired, 'the receiving flowgraph did not see the stop heap')
        self.last_sink, self.last_source = sink, src
        return out

    def test_udp_round_trip_gives_back_samples_and_timestamps(self):
        samples = int8_complex_samples(256 * 40)
        out = self.round_trip(samples, dict(tag_items=['timestamp']),
                              dict(items_per_heap=256, timestamp_step=2,
                                   rate_gbps=0.2, max_packet_size=1472))
        np.testing.assert_array_equal(np.array(out.data(), np.complex64), samples)
        stamps = [(t[0], t[2]) for t in support.tags_of(out) if t[1] == 'timestamp']
        self.assertEqual(stamps, [(256 * k, 512 * k) for k in range(40)])
        self.assertEqual(self.last_sink.statistics()['heaps_sent'], 40 + 1)  # + stop
        # Several packets per heap (512 bytes, 1472-byte packets, 0.2 Gb/s): the
        # receiver counts as many as the sink says it sent.
        self.assertEqual(self.last_sink.statistics()['packets_sent'],
                         self.last_source.statistics()['packets'])

    def test_constant_items_in_every_heap(self):
        # Constant items (an F-engine's feng_id and frequency) come back as tags of
        # every heap, with the timestamp.
        samples = int8_complex_samples(64 * 5, seed=9)
        out = self.round_trip(samples, dict(tag_items=['timestamp', 'feng_id', 'frequency']),
                              dict(items_per_heap=64, timestamp_step=2,
                                   constant_items={'feng_id': (0x4101, 3),
                                                   'frequency': (0x4103, 2 ** 40 - 1)}))
        np.testing.assert_array_equal(np.array(out.data(), np.complex64), samples)
        # Small heaps (128 bytes each, 1472-byte packets): one packet per heap.
        self.assertEqual(self.last_sink.statistics()['packets_sent'], 5 + 1)
        tags = [t for t in support.tags_of(out) if t[1] in ('feng_id', 'frequency')]
        self.assertEqual(tags, [(64 * k, name, value) for k in range(5)
                                for name, value in (('feng_id', 3),
                                                    ('frequency', 2 ** 40 - 1))])

    def test_udp_ipv4_multicast_on_loopback(self):
        # The sink sends to a group from the loopback interface; a source that joined
        # the group there receives every heap.
        samples = int8_complex_samples(128 * 6, seed=11)
        out = self.round_trip(samples, dict(interface_address='127.0.0.1'),
                              dict(items_per_heap=128, ttl=1,
                                   interface_address='127.0.0.1'),
                              address='239.255.91.12')
        if out is None:
            self.skipTest('cannot join an IPv4 multicast group on loopback here')
        np.testing.assert_array_equal(np.array(out.data(), np.complex64), samples)

    def test_inproc_round_trip_in_one_flowgraph(self):
        # Sink and source in one flowgraph, joined by an in-process queue: the sink's
        # stop heap (sent when its input ends) ends the source and the flowgraph.
        samples = int8_complex_samples(200 * 6, seed=13)
        queue = spead.InprocQueue()
        sink = spead.sink([spead.input_config('data', 0x4300, 'complex', wire='int8',
                                              scale=128)],
                          items_per_heap=200, transport='inproc', queue=queue)
        src = spead.source([spead.output_config('data', 'complex', scale=128)],
                           transport='inproc', queue=queue, tag_items=['timestamp'])
        out = blocks.vector_sink_c()
        self.tb.connect(blocks.vector_source_c(samples.tolist()), sink)
        self.tb.connect(src, out)
        self.assertTrue(support.run_bounded(self.tb), 'the flowgraph did not end')
        np.testing.assert_array_equal(np.array(out.data(), np.complex64), samples)
        stamps = [(t[0], t[2]) for t in support.tags_of(out) if t[1] == 'timestamp']
        self.assertEqual(stamps, [(200 * k, 200 * k) for k in range(6)])
        self.assertEqual(sink.statistics()['packets_sent'], src.statistics()['packets'])

    def test_big_endian_int16_round_trip(self):
        # int16_be: the descriptor says '>i2' and the source converts back from it.
        samples = int8_complex_samples(128 * 4, seed=19)
        out = blocks.vector_sink_c()
        src = spead.source([spead.output_config('data', 'complex', scale=128)],
                           transport='inproc', queue=(queue := spead.InprocQueue()))
        sink = spead.sink([spead.input_config('data', 0x4300, 'complex', wire='int16_be',
                                              scale=128)],
                          items_per_heap=128, transport='inproc', queue=queue)
        self.tb.connect(blocks.vector_source_c(samples.tolist()), sink)
        self.tb.connect(src, out)
        self.assertTrue(support.run_bounded(self.tb), 'the flowgraph did not end')
        np.testing.assert_array_equal(np.array(out.data(), np.complex64), samples)

    def test_tcp_round_trip(self):
        samples = int8_complex_samples(100 * 7, seed=5)
        out = self.round_trip(samples, {}, dict(items_per_heap=100), transport='tcp')
        np.testing.assert_array_equal(np.array(out.data(), np.complex64), samples)

    def test_rx_time_round_trip(self):
        # An rx_time tag at sample 0 and another at 3000 (a jump): the sink turns them
        # into timestamps at 1 MHz, the source back into rx_time tags on each heap.
        samples = int8_complex_samples(1000 * 5, seed=7)
        tags = [rx_time_tag(0, SYNC + 2, 0.25), rx_time_tag(3000, SYNC + 9, 0.5)]
        out = self.round_trip(
            samples,
            dict(timestamp_item='timestamp', sample_rate=1e6, sync_time=SYNC),
            dict(items_per_heap=1000, timestamp_source='rx_time', sample_rate=1e6,
                 sync_time=SYNC),
            tags=tags)
        np.testing.assert_array_equal(np.array(out.data(), np.complex64), samples)
        times = [(t[0], t[2]) for t in support.tags_of(out) if t[1] == 'rx_time']
        self.assertEqual(times, [(0, (SYNC + 2, 0.25)), (1000, (SYNC + 2, 0.25 + 0.001)),
                                 (2000, (SYNC + 2, 0.25 + 0.002)),
                                 (3000, (SYNC + 9, 0.5)), (4000, (SYNC + 9, 0.501))])

    def test_malformed_rx_time_tags_are_counted_and_left_out(self):
        # Tags that are not (whole seconds >= 0, fraction in [0, 1)) never re-anchor
        # the timestamp nor stop the flowgraph.
        samples = int8_complex_samples(1000 * 3, seed=17)

        def tag(offset, value):
            t = gr.tag_t()
            t.offset, t.key, t.value = offset, pmt.intern('rx_time'), value
            return t

        bad = [tag(500, pmt.make_tuple(pmt.from_long(-5), pmt.from_double(0.5))),
               tag(600, pmt.make_tuple(pmt.from_uint64(SYNC + 1), pmt.from_double(1.5))),
               tag(700, pmt.make_tuple(pmt.from_uint64(SYNC + 1),
                                       pmt.from_double(float('nan')))),
               tag(800, pmt.intern('noon')),
               tag(900, pmt.make_tuple(pmt.from_uint64(SYNC + 1), pmt.from_double(0.0),
                                       pmt.from_double(0.0)))]
        out = self.round_trip(
            samples,
            dict(timestamp_item='timestamp', sample_rate=1e6, sync_time=SYNC),
            dict(items_per_heap=1000, timestamp_source='rx_time', sample_rate=1e6,
                 sync_time=SYNC),
            tags=[rx_time_tag(0, SYNC + 2, 0.25)] + bad)
        np.testing.assert_array_equal(np.array(out.data(), np.complex64), samples)
        times = [(t[0], t[2]) for t in support.tags_of(out) if t[1] == 'rx_time']
        self.assertEqual(times, [(0, (SYNC + 2, 0.25)), (1000, (SYNC + 2, 0.251)),
                                 (2000, (SYNC + 2, 0.252))])
        self.assertEqual(self.last_sink.statistics()['rx_time_tags_ignored'], 5)

    def read_pcap(self, path, port=7148):
        """Every data heap of a capture as ItemGroup values (spead2's receive API)."""
        stream = spead.recv.Stream(spead.ThreadPool(), spead.recv.StreamConfig())
        stream.add_udp_pcap_file_reader(path)
        ig = spead.ItemGroup()
        heaps = []
        for heap in stream:
            if ig.update(heap):  # a data heap (not the start or stop heap)
                heaps.append({name: ig[name].value for name in ig.keys()})
        return ig, heaps

    def test_pcap_output_read_with_the_receive_api(self):
        path = os.path.join(self.tmp.name, 'sink.pcap')
        floats = np.arange(64 * 4 * 3, dtype=np.float32) / 8
        shorts = np.arange(64 * 3, dtype=np.int16) - 100
        self.tb.connect(blocks.vector_source_f(floats.tolist(), False, 4), (
            sink := spead.sink(
                [spead.input_config('power', 0x5000, 'float', vlen=4,
                                    description='four beams'),
                 spead.input_config('flags', 0x5001, 'short')],
                items_per_heap=64, transport='pcap', filename=path,
                heap_address_bits=48, timestamp_step=64, start_heap=True), 0))
        self.tb.connect(blocks.vector_source_s(shorts.tolist()), (sink, 1))
        self.assertTrue(support.run_bounded(self.tb))
        ig, heaps = self.read_pcap(path)
        self.assertEqual(ig['power'].description, 'four beams')
        self.assertEqual(ig['power'].shape, (64, 4))
        self.assertEqual(ig['power'].dtype, np.dtype('<f4'))
        self.assertEqual(ig['flags'].shape, (64,))
        self.assertEqual(ig['timestamp'].format, [('u', 48)])
        self.assertEqual(len(heaps), 3)
        for k, values in enumerate(heaps):
            np.testing.assert_array_equal(values['power'],
                                          floats.reshape(-1, 4)[64 * k:64 * (k + 1)])
            np.testing.assert_array_equal(values['flags'], shorts[64 * k:64 * (k + 1)])
            self.assertEqual(values['timestamp'], 64 * 64 * k)

    def count_descriptor_heaps(self, path):
        stream = spead.recv.Stream(spead.ThreadPool(), spead.recv.StreamConfig())
        stream.add_udp_pcap_file_reader(path)
        return [bool(heap.get_descriptors()) for heap in stream if heap.get_items()]

    def test_descriptors_every_n_heaps(self):
        path = os.path.join(self.tmp.name, 'every.pcap')
        self.tb.connect(blocks.vector_source_b(list(range(250)) * 4),
                        spead.sink([spead.input_config('raw', 0x6000, 'byte')],
                                   items_per_heap=100, transport='pcap', filename=path,
                                   descriptors_every=3))
        self.assertTrue(support.run_bounded(self.tb))
        self.assertEqual(self.count_descriptor_heaps(path),
                         [True, False, False, True, False, False, True, False, False, True])

    def test_tail_is_counted(self):
        path = os.path.join(self.tmp.name, 'tail.pcap')
        sink = spead.sink([spead.input_config('raw', 0x6000, 'byte')], items_per_heap=100,
                          transport='pcap', filename=path, timestamp_item='')
        self.tb.connect(blocks.vector_source_b([7] * 250), sink)
        self.assertTrue(support.run_bounded(self.tb))
        stats = sink.statistics()
        self.assertEqual(stats['heaps_sent'], 3)  # two data heaps and the stop heap
        self.assertEqual(stats['items_discarded'], 50)
        self.assertEqual(stats['heaps_failed'], 0)
        _, heaps = self.read_pcap(path)
        self.assertEqual([sorted(h) for h in heaps], [['raw'], ['raw']])

    def test_stats_port_publishes_while_running(self):
        sink = spead.sink([spead.input_config('raw', 0x6000, 'byte')], items_per_heap=100,
                          transport='pcap', filename=os.path.join(self.tmp.name, 's.pcap'),
                          stats_interval=0.05)
        debug = blocks.message_debug()
        self.tb.connect(blocks.vector_source_b([1] * 1000, True),
                        blocks.throttle(1, 20000), sink)
        self.tb.msg_connect(sink, 'stats', debug, 'store')
        self.tb.start()
        deadline = threading.Event()
        for _ in range(200):  # at most 10 s
            if debug.num_messages() >= 3:
                break
            deadline.wait(0.05)
        self.tb.stop()
        self.tb.wait()
        self.assertGreaterEqual(debug.num_messages(), 3)
        counts = [pmt.to_python(debug.get_message(i))['heaps_sent'] for i in range(3)]
        self.assertEqual(counts, sorted(counts))  # counters only grow
        self.assertEqual(set(pmt.to_python(debug.get_message(0))),
                         {'heaps_sent', 'packets_sent', 'bytes_sent', 'heaps_failed',
                          'items_discarded', 'rx_time_tags_ignored'})

    def test_bad_parameters_name_themselves(self):
        data = [spead.input_config('x', 0x1000, 'complex')]
        cases = [
            (dict(inputs=[], items_per_heap=1), 'inputs'),
            (dict(inputs=data, items_per_heap=0), 'items_per_heap'),
            (dict(inputs=[spead.input_config('x', 0x1000, 'double')], items_per_heap=1),
             'inputs[0].type'),
            (dict(inputs=[spead.input_config('x', 0x1000, 'short', wire='int8')],
                  items_per_heap=1), 'inputs[0]'),
            (dict(inputs=[spead.input_config('x', 0x10, 'byte')], items_per_heap=1),
             'inputs[0].id'),
            (dict(inputs=data, items_per_heap=1, transport='sctp'), 'transport'),
            (dict(inputs=data, items_per_heap=1, port=70000), 'port'),
            (dict(inputs=data, items_per_heap=1, transport='pcap'), 'filename'),
            (dict(inputs=data, items_per_heap=1, max_packet_size=10), 'max_packet_size'),
            (dict(inputs=data, items_per_heap=1, heap_address_bits=44),
             'heap_address_bits'),
            (dict(inputs=data, items_per_heap=1, timestamp_source='gps'),
             'timestamp_source'),
            (dict(inputs=data, items_per_heap=1, timestamp_source='rx_time'),
             'sample_rate'),
            (dict(inputs=data, items_per_heap=1, rate_gbps=-1), 'rate_gbps'),
            (dict(inputs=data, items_per_heap=1, transport='inproc'), 'queue'),
            (dict(inputs=[spead.input_config('x', 0x1000, 'byte'),
                          spead.input_config('y', 0x1000, 'byte')], items_per_heap=1),
             'inputs[1].id (4096) is the ID of another item'),
            (dict(inputs=[spead.input_config('x', 0x1000, 'byte'),
                          spead.input_config('x', 0x1001, 'byte')], items_per_heap=1),
             "inputs[1].id: the name 'x' is another item's"),
            (dict(inputs=[spead.input_config('x', 0x1600, 'byte')], items_per_heap=1),
             'inputs[0].id (5632) is the ID of another item'),  # the timestamp's
            (dict(inputs=data, items_per_heap=1, constant_items={'f': (0x1600, 1)}),
             "constant_items['f'] ID (5632) is the ID of another item"),  # timestamp's
            (dict(inputs=data, items_per_heap=1, constant_items={'f': (0x10, 1)}),
             "constant_items['f'] ID must be 0x400.."),
            (dict(inputs=data, items_per_heap=1, constant_items={'f': (0x4101, 2 ** 40)}),
             "constant_items['f'] value must be 0..1099511627775"),
        ]
        for kwargs, name in cases:
            with self.assertRaises(ValueError, msg=name) as cm:
                spead.sink(**kwargs)
            self.assertTrue(str(cm.exception).startswith(name), str(cm.exception))
        with self.assertRaises(TypeError):
            spead.sink(data, 1, no_such_parameter=1)


if __name__ == '__main__':
    gr_unittest.run(qa_sink)
