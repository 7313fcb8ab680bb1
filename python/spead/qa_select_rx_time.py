#!/usr/bin/env python3
#
# Copyright 2026 gr-spead authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#

"""Heap selection (select_item, select_values) and rx_time (timestamp_item,
sample_rate, sync_time) in both blocks, on an in-process stream of four interleaved
antennas, plus the parameter errors of endpoints, selection and time."""

import numpy as np
import pmt
from gnuradio import blocks, gr, gr_unittest
from gnuradio import spead

import block_test_support as support
from fengine_test_stream import rx_time
from recv_test_support import descriptor

FLAVOUR = spead.Flavour(4, 64, 48)
TS_ID, FENG_ID, DATA_ID = 0x1600, 0x4101, 0x1602
ANTENNAS, FRAMES, VALUES = 4, 5, 8
TS0, STEP = (1 << 48) - 100000, 16384
RATE, SYNC = 1712e6, 1700000000.75
DROPPED = {(2, 1), (3, 0)}   # (frame, antenna) never sent
# spead2's own statistics that do not depend on timing (worker_blocked, batches and
# max_batch do): selection must leave them as they are.
SPEAD2_STATS = ('heaps', 'incomplete_heaps_evicted', 'incomplete_heaps_flushed', 'packets',
                'single_packet_heaps', 'search_dist')


def cnt_of(t, a):
    return 2 + ANTENNAS * t + a


def ts_of(t):
    return TS0 + STEP * t


def stream_queue():
    """A filled and stopped InprocQueue: descriptors, then frames of every antenna's
    heap (data: VALUES big-endian int16 equal to the heap counter)."""
    queue = spead.InprocQueue()
    packets = spead.encode_heap(1, [
        (0x05, descriptor(TS_ID, 'timestamp', format=[('u', 48)], address_bits=48)),
        (0x05, descriptor(FENG_ID, 'feng_id', format=[('u', 48)], address_bits=48))],
        flavour=FLAVOUR)
    for t in range(FRAMES):
        for a in range(ANTENNAS):
            if (t, a) not in DROPPED:
                data = np.full(VALUES, cnt_of(t, a), '>i2').tobytes()
                packets += spead.encode_heap(cnt_of(t, a), [(TS_ID, ts_of(t)), (FENG_ID, a),
                                                            (DATA_ID, data)], flavour=FLAVOUR)
    for p in packets:
        queue.add_packet(p)
    queue.stop()
    return queue


class qa_select_rx_time(gr_unittest.TestCase):
    def setUp(self):
        self.tb = gr.top_block()

    def tearDown(self):
        self.tb = None

    def run_source(self, **kwargs):
        src = spead.source([spead.output_config('0x1602', 'short', wire='>i2')],
                           transport='inproc', queue=stream_queue(), **kwargs)
        sink = blocks.vector_sink_s()
        self.tb = gr.top_block()
        self.tb.connect(src, sink)
        self.assertTrue(support.run_bounded(self.tb), 'the flowgraph did not end by itself')
        return src, sink

    def test_source_selects_one_antenna_with_rx_time_and_zero_fill(self):
        src, sink = self.run_source(
            select_item='feng_id', select_values=[1], heap_cnt_step=0,
            timestamp_item='timestamp', timestamp_step=STEP, zero_fill=True,
            sample_rate=RATE, sync_time=SYNC)
        expected, tags = [], []
        for t in range(FRAMES):
            at = t * VALUES
            if (t, 1) in DROPPED:
                # Lost, found from the timestamps of antenna 1 alone; the fill carries the
                # time of the heap it stands for.
                expected += [0] * VALUES
                tags += [(at, 'lost_heaps', 1), (at, 'zero_fill', 1),
                         (at, 'rx_time', rx_time(ts_of(t), RATE, SYNC))]
            else:
                expected += [cnt_of(t, 1)] * VALUES
                tags += [(at, 'heap_cnt', cnt_of(t, 1)),
                         (at, 'rx_time', rx_time(ts_of(t), RATE, SYNC))]
        self.assertEqual(list(sink.data()), expected)
        self.assertEqual(sorted(support.tags_of(sink)), sorted(tags))
        stats = src.statistics()
        sent = FRAMES * ANTENNAS - len(DROPPED)
        self.assertEqual(stats['heaps_skipped_by_selection'], sent - (FRAMES - 1))
        self.assertEqual(stats['heaps_skipped'], 1)  # the descriptors
        self.assertEqual((stats['heaps_emitted'], stats['heaps_lost'],
                          stats['heaps_zero_filled'], stats['heaps_late']),
                         (FRAMES - 1, 1, 1, 0))
        # spead2's statistics are those of the same stream without selection.
        plain, _ = self.run_source()
        for name in SPEAD2_STATS:
            self.assertEqual(stats[name], plain.statistics()[name], name)
        self.assertEqual(plain.statistics()['heaps_skipped_by_selection'], 0)

    def test_source_selects_a_set_by_id_without_loss_detection(self):
        src, sink = self.run_source(select_item='0x4101', select_values=[3, 0],
                                    heap_cnt_step=0, timestamp_item='0x1600',
                                    sample_rate=RATE, sync_time=SYNC)
        kept = [(t, a) for t in range(FRAMES) for a in (0, 3) if (t, a) not in DROPPED]
        expected = []
        for t, a in kept:
            expected += [cnt_of(t, a)] * VALUES
        self.assertEqual(list(sink.data()), expected)
        self.assertEqual([(o, v) for o, k, v in support.tags_of(sink) if k == 'rx_time'],
                         [(i * VALUES, rx_time(ts_of(t), RATE, SYNC))
                          for i, (t, _) in enumerate(kept)])
        self.assertEqual(src.statistics()['heaps_lost'], 0)

    def test_heap_source_selects_and_carries_rx_time(self):
        for as_dict in (False, True):
            with self.subTest(as_dict=as_dict):
                self.tb = gr.top_block()
                src = spead.heap_source(transport='inproc', queue=stream_queue(),
                                        payload_item='0x1602', payload_type='>i2',
                                        as_dict=as_dict, select_item='feng_id',
                                        select_values=[2], timestamp_item='timestamp',
                                        sample_rate=RATE, sync_time=SYNC)
                debug = blocks.message_debug()
                self.tb.msg_connect((src, 'heaps'), (debug, 'store'))
                self.assertTrue(support.run_bounded(self.tb))
                msgs = [debug.get_message(i) for i in range(debug.num_messages())]
                metas = [pmt.to_python(m if as_dict else pmt.car(m)) for m in msgs]
                self.assertEqual([m['heap_cnt'] for m in metas],
                                 [cnt_of(t, 2) for t in range(FRAMES)])
                self.assertEqual([m['rx_time'] for m in metas],
                                 [rx_time(ts_of(t), RATE, SYNC) for t in range(FRAMES)])
                if not as_dict:
                    self.assertEqual(list(pmt.s16vector_elements(pmt.cdr(msgs[0]))),
                                     [cnt_of(0, 2)] * VALUES)
                # Every other heap, the descriptors included, is left out and counted.
                sent = 1 + FRAMES * ANTENNAS - len(DROPPED)
                stats = src.statistics()
                self.assertEqual(stats['heaps_skipped_by_selection'], sent - FRAMES)
                self.assertEqual(stats['heaps_published'], FRAMES)
                self.assertEqual(stats['heaps'], sent)

    def test_parameter_errors_name_themselves(self):
        out = [spead.output_config('data')]
        cases = [
            (dict(address='239.1.1.1,,10.0.0.1'),
             "address: an empty endpoint in the list '239.1.1.1,,10.0.0.1'"),
            (dict(address='239.10.0.0+300:7148'),
             "address: bad endpoint '239.10.0.0+300:7148': the count after '+' must be "
             "a whole number 0..255, not '300'"),
            (dict(address='10.0.0.1:7148,10.0.0.1:7148'),
             "address: endpoint 10.0.0.1:7148 is listed twice"),
            (dict(transport='tcp', address='127.0.0.1:1,127.0.0.1:2'),
             "address must be one address to listen on when transport is 'tcp', not a "
             "list of 2"),
            (dict(interface_address='lo'),
             "interface_address must be empty or the IPv4 address of an interface, not "
             "'lo'"),
            (dict(select_item='feng_id'),
             'select_values must list at least one value when select_item is set'),
            (dict(select_values=[1]), 'select_item must name the item'),
            (dict(select_item='feng_id', select_values=[2, -1]),
             'select_values[1] must be 0 or more, not -1'),
            (dict(timestamp_item='timestamp', sample_rate=-5.0),
             'sample_rate must be 0 (no rx_time) or a positive number'),
            (dict(timestamp_item='timestamp', sample_rate=1e6, sync_time=-1.0),
             'sync_time must be a UNIX time in seconds, 0 or more'),
            (dict(sample_rate=1e6), 'timestamp_item must name the timestamp item'),
            (dict(timestamp_item='timestamp'), 'timestamp_step must be 1 or more'),
        ]
        for kwargs, text in cases:
            with self.subTest(expected=text):
                with self.assertRaises(ValueError) as ctx:
                    spead.source(out, **kwargs)
                self.assertIn(text, str(ctx.exception))
        # rx_time alone (no loss detection by timestamp) is accepted.
        spead.source(out, timestamp_item='timestamp', sample_rate=1e6)
        heap_cases = [
            (dict(timestamp_item='timestamp'), 'sample_rate must be a positive number'),
            (dict(sample_rate=1e6), 'timestamp_item must name the timestamp item'),
            (dict(select_item='x', select_values=[]), 'select_values must list'),
            (dict(address='1.2.3.4+1:99999'), "the port must be a whole number 0..65535"),
        ]
        for kwargs, text in heap_cases:
            with self.subTest(expected=text):
                with self.assertRaises(ValueError) as ctx:
                    spead.heap_source(**kwargs)
                self.assertIn(text, str(ctx.exception))


if __name__ == '__main__':
    gr_unittest.run(qa_select_rx_time)
