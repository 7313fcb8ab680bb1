#!/usr/bin/env python3
#
# Copyright 2026 gr-spead authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#

"""spead.source with receive_into_output: heaps received into the output buffer are
emitted where they lie, and the samples are those of the copying source: complete
heaps in the order they completed, on captures where heaps interleave (a later heap
completes first) and lose packets (an earlier heap never completes)."""

import os
import tempfile
import threading
import time

import numpy as np
from gnuradio import blocks, gr, gr_unittest
from gnuradio import spead

import block_test_support as support

HEAP_BYTES = 2400
N_HEAPS = 240


def heap_bytes(cnt):
    return ((np.arange(HEAP_BYTES) * 7 + cnt * 13) % 251).astype(np.uint8).tobytes()


def make_capture(path, seed):
    """Heaps of one item that is the whole payload, in pairs whose packets interleave
    (so the second of a pair may complete first), some losing a packet. Returns the
    payloads of the complete heaps in the order they complete."""
    rng = np.random.default_rng(seed)
    out, last_packet = [], {}
    for first in range(1, N_HEAPS + 1, 2):
        pair = []
        for cnt in (first, first + 1):
            packets = spead.encode_heap(cnt, [(0x1600, cnt), (0x1602, heap_bytes(cnt))],
                                        max_packet_size=400)
            if rng.random() < 0.15:
                del packets[int(rng.integers(0, len(packets)))]
                cnt = -cnt  # never completes
            pair.append((cnt, packets))
        # Interleave from a random point: the second heap's tail may come first.
        (a_cnt, a), (b_cnt, b) = pair
        split = int(rng.integers(1, len(a)))
        order = [(a_cnt, p) for p in a[:split]]
        rest_a, rest_b = list(a[split:]), list(b)
        while rest_a or rest_b:
            if rest_b and (not rest_a or rng.random() < 0.6):
                order.append((b_cnt, rest_b.pop(0)))
            else:
                order.append((a_cnt, rest_a.pop(0)))
        for cnt, p in order:
            last_packet[cnt] = len(out)
            out.append(p)
    out.extend(spead.encode_stop_heap(N_HEAPS + 1))
    support.write_pcap(path, out)
    complete = sorted((pos, cnt) for cnt, pos in last_packet.items() if cnt > 0)
    return b''.join(heap_bytes(cnt) for _, cnt in complete)


def connect_source(tb, output, sink, **kwargs):
    """A source of heaps of HEAP_BYTES with the one output, into sink."""
    src = spead.source([output], heap_size=HEAP_BYTES, stats_interval=0, **kwargs)
    tb.connect(src, sink)
    return src


BYTES = spead.output_config('0x1602', 'byte', wire='|u1')


class qa_source_into_output(gr_unittest.TestCase):
    def run_capture(self, path, **kwargs):
        tb = gr.top_block()
        sink = blocks.vector_sink_b()
        src = connect_source(tb, BYTES, sink, transport='pcap', pcap_file=path,
                             tag_items=['0x1600'], pcap_rate=20000, **kwargs)
        self.assertTrue(support.run_bounded(tb))
        return bytes(sink.data()), support.tags_of(sink), src.statistics()

    def test_same_samples_and_tags_as_copying(self):
        in_place = 0
        with tempfile.TemporaryDirectory() as tmp:
            for seed in range(6):
                path = os.path.join(tmp, 'interleaved_%d.pcap' % seed)
                expected = make_capture(path, seed)
                copied, copied_tags, copied_stats = self.run_capture(path)
                into, into_tags, into_stats = self.run_capture(
                    path, receive_into_output=True)
                self.assertEqual(copied, expected)
                self.assertEqual(into, expected)
                self.assertEqual(into_tags, copied_tags)
                self.assertEqual(copied_stats['heaps_emitted_in_place'], 0)
                for key in ('heaps_emitted', 'heaps_incomplete', 'heaps_lost',
                            'heaps', 'incomplete_heaps_evicted'):
                    self.assertEqual(into_stats[key], copied_stats[key], key)
                in_place += into_stats['heaps_emitted_in_place']
        # Paced, the block takes heaps as they come: how many go out in place varies
        # with timing, but some do.
        self.assertGreater(in_place, 0)

    def test_a_heap_behind_an_incomplete_one_is_not_held_back(self):
        # Heap 2 (in the output buffer) misses its last packet and the stream goes
        # quiet; heap 3, complete, needs heap 2's place. It goes out within
        # milliseconds (heap 2 moves to memory of its own), and heap 2, completed
        # later, after it: the order in which they completed.
        queue = spead.InprocQueue()
        tb = gr.top_block()
        sink = blocks.vector_sink_b()
        src = connect_source(tb, BYTES, sink, transport='inproc', queue=queue,
                             receive_into_output=True)
        packets = {cnt: spead.encode_heap(cnt, [(0x1600, cnt), (0x1602, heap_bytes(cnt))],
                                          max_packet_size=400) for cnt in (1, 2, 3)}
        fired = []
        timer = threading.Timer(30, lambda: (fired.append(1), tb.stop()))
        tb.start()
        timer.start()

        def wait_for_bytes(n):
            deadline = time.monotonic() + 10
            while len(sink.data()) < n and time.monotonic() < deadline:
                time.sleep(0.002)
            return len(sink.data())

        for p in packets[1]:
            queue.add_packet(p)
        self.assertEqual(wait_for_bytes(HEAP_BYTES), HEAP_BYTES)
        time.sleep(0.01)
        for p in packets[2][:-1] + packets[3]:
            queue.add_packet(p)
        started = time.monotonic()
        self.assertEqual(wait_for_bytes(2 * HEAP_BYTES), 2 * HEAP_BYTES)
        self.assertLess(time.monotonic() - started, 2.0)
        queue.add_packet(packets[2][-1])
        self.assertEqual(wait_for_bytes(3 * HEAP_BYTES), 3 * HEAP_BYTES)
        queue.stop()
        tb.wait()
        timer.cancel()
        self.assertFalse(fired)
        self.assertEqual(bytes(sink.data()), heap_bytes(1) + heap_bytes(3) + heap_bytes(2))
        self.assertEqual(src.statistics()['heaps_emitted'], 3)

    def test_converted_samples_are_copied(self):
        # Complex samples from bytes: nothing is lent, the buffer stays at two heaps.
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, 'interleaved.pcap')
            make_capture(path, 0)
            tb = gr.top_block()
            sink = blocks.vector_sink_c()
            src = connect_source(tb, spead.output_config('0x1602', 'complex', wire='|i1'),
                                 sink, transport='pcap', pcap_file=path,
                                 receive_into_output=True)
            self.assertTrue(support.run_bounded(tb))
            self.assertEqual(src.statistics()['heaps_emitted_in_place'], 0)
            self.assertGreater(len(sink.data()), 0)


if __name__ == '__main__':
    gr_unittest.run(qa_source_into_output)
