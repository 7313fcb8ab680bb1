#!/usr/bin/env python3
#
# Copyright 2026 gr-spead authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#

"""spead.chunk_source: an F-engine-like stream (each heap one channel range of one time
step, the ranges sent out of order, one heap lost, every heap of one chunk lost) is
assembled by timestamp and channel offset into chunks; the samples come out in chunk
order or as whole spectra (a layout), zeros where heaps are missing (a chunk the window
passed over comes out all zeros, as spead2 hands it over), with chunk and gap tags."""

import os
import socket
import subprocess
import tempfile
import threading
import time

import numpy as np
import pmt
import yaml
from gnuradio import blocks, gr, gr_unittest
from gnuradio import spead

import block_test_support as support
from qa_grc_outputs import block, environment

CHANS, GROUPS, SPECTRA, POLS = 64, 4, 2, 2   # 16 channels per heap
CPH = CHANS // GROUPS
STEP = 2 * CHANS * SPECTRA                   # timestamp ticks per time step
TIME_STEPS, PER_CHUNK = 12, 3                # 4 chunks of 3 time steps
HEAP_BYTES = CPH * SPECTRA * POLS * 2
LOST_HEAP = (4, 1)                           # time step 4, group 1
LOST_CHUNK = 2                               # time steps 6..8: nothing sent
SYNC = 1700000000
RATE = 1e6


def heap_values(t, g):
    """int8 (channel, spectrum, pol, re/im) of time step t, group g."""
    c = np.arange(CPH)[:, None, None, None] + g * CPH
    s = np.arange(SPECTRA)[None, :, None, None]
    p = np.arange(POLS)[None, None, :, None]
    ri = np.arange(2)[None, None, None, :]
    return ((c * 3 + s * 7 + p * 11 + ri * 13 + t * 17) % 251 - 125).astype(np.int8)


def sent(t, g, lost_heap=LOST_HEAP):
    return (t, g) != lost_heap and t // PER_CHUNK != LOST_CHUNK


def heap_packets(cnt, t, g, first_time_step=0):
    return spead.encode_heap(
        cnt, [(0x1600, (first_time_step + t) * STEP), (0x4103, int(g) * CPH),
              (0x4300, heap_values(t, g).tobytes())],
        flavour=spead.Flavour(4, 64, 48, 0), max_packet_size=1472)


def stream_packets(lost_heap=LOST_HEAP, time_steps=TIME_STEPS, first_time_step=0):
    packets = []
    rng = np.random.default_rng(1)
    cnt = 1
    for t in range(time_steps):
        for g in rng.permutation(GROUPS):  # channel ranges in any order
            if not sent(t, g, lost_heap):
                continue
            packets += heap_packets(cnt, t, g, first_time_step)
            cnt += 1
    return packets


def write_stream(path, lost_heap=LOST_HEAP, time_steps=TIME_STEPS, first_time_step=0):
    support.write_pcap(path, stream_packets(lost_heap, time_steps, first_time_step))


def expected_complex(t, g):
    v = heap_values(t, g).astype(np.float32) if sent(t, g) else \
        np.zeros((CPH, SPECTRA, POLS, 2), np.float32)
    return v[..., 0] + 1j * v[..., 1]    # (channel, spectrum, pol)


def chunk_order(time_steps, dropped=()):
    """The samples of time steps 0..time_steps-1 in chunk order (each time step's groups
    side by side), zeros for the (t, g) in dropped."""
    out = []
    for t in range(time_steps):
        for g in range(GROUPS):
            v = heap_values(t, g).astype(np.float32)
            c = (v[..., 0] + 1j * v[..., 1]).ravel()
            out.append(np.zeros_like(c) if (t, g) in dropped else c)
    return np.concatenate(out)


def skewed_packets(time_steps, delay):
    """Every group's heaps in order, but group 3's sent `delay` time steps late (a
    multicast group on a slower path)."""
    out, cnt = [], 1
    for t in range(time_steps + delay):
        for g in range(GROUPS):
            if t < time_steps and g != GROUPS - 1:
                out += heap_packets(cnt, t, g)
            if g == GROUPS - 1 and t >= delay:
                out += heap_packets(cnt, t - delay, g)
            cnt += 1
    return out


class qa_chunk_source(gr_unittest.TestCase):
    def setUp(self):
        self.tb = gr.top_block()
        self.tmp = tempfile.TemporaryDirectory()
        self.capture = os.path.join(self.tmp.name, 'fengine.pcap')
        write_stream(self.capture)

    def tearDown(self):
        self.tb = None
        self.tmp.cleanup()

    def run_source(self, vlen=1, **kwargs):
        src = spead.chunk_source(HEAP_BYTES, STEP, PER_CHUNK, type='complex', vlen=vlen,
                                 wire='|i1', index_id=0x4103, index_step=CPH,
                                 index_count=GROUPS, transport='pcap',
                                 pcap_file=self.capture, **kwargs)
        sink = blocks.vector_sink_c(vlen)
        self.tb.connect(src, sink)
        self.assertTrue(support.run_bounded(self.tb), 'the flowgraph did not end')
        return src, sink

    def test_heaps_in_chunk_order_with_gaps_zeroed(self):
        src, sink = self.run_source()
        chunks = list(range(TIME_STEPS // PER_CHUNK))
        expected = np.concatenate([
            expected_complex(t, g).ravel()
            for c in chunks for t in range(c * PER_CHUNK, (c + 1) * PER_CHUNK)
            for g in range(GROUPS)])
        np.testing.assert_array_equal(np.array(sink.data()), expected)
        per_chunk = PER_CHUNK * GROUPS * HEAP_BYTES // 2
        tags = support.tags_of(sink)
        self.assertEqual([(o, v) for o, k, v in tags if k == 'chunk_id'],
                         [(i * per_chunk, c) for i, c in enumerate(chunks)])
        self.assertEqual([(o, v) for o, k, v in tags if k == 'timestamp'],
                         [(i * per_chunk, c * PER_CHUNK * STEP) for i, c in enumerate(chunks)])
        # The lost heap: chunk 1, its time step 1, group 1.
        heap_samples = HEAP_BYTES // 2
        gap_at = per_chunk + (1 * GROUPS + 1) * heap_samples
        chunk_heaps = PER_CHUNK * GROUPS
        self.assertEqual([(o, v) for o, k, v in tags if k == 'gap'],
                         [(gap_at, heap_samples),
                          (LOST_CHUNK * per_chunk, chunk_heaps * heap_samples)])
        self.assertEqual([(o, v) for o, k, v in tags if k == 'missing_heaps'],
                         [(per_chunk, 1), (LOST_CHUNK * per_chunk, chunk_heaps)])
        present = [list(v) for o, k, v in tags if k == 'present']
        self.assertEqual(present, [[1] * 5 + [0] + [1] * 6, [0] * chunk_heaps])
        self.assertEqual([k for o, k, v in tags if k == 'chunks_lost'], [])
        stats = src.statistics()
        self.assertEqual(stats['chunks_emitted'], 4)
        self.assertEqual(stats['heaps_missing'], 1 + chunk_heaps)
        self.assertEqual(stats['chunks_lost'], 0)
        self.assertEqual(stats['too_old_heaps'], 0)
        self.assertEqual(stats['rejected_heaps'], 0)

    def test_layout_gives_whole_spectra_per_polarisation(self):
        src, sink = self.run_source(
            vlen=CHANS, layout='time index chans:%d spectra:%d pols:%d -> '
                               'time spectra pols index chans' % (CPH, SPECTRA, POLS),
            sample_rate=RATE, sync_time=SYNC)
        chunks = list(range(TIME_STEPS // PER_CHUNK))
        rows = []
        for c in chunks:
            for t in range(c * PER_CHUNK, (c + 1) * PER_CHUNK):
                # (group, channel, spectrum, pol) -> (spectrum, pol, group x channel)
                v = np.stack([expected_complex(t, g) for g in range(GROUPS)])
                rows.append(v.transpose(2, 3, 0, 1).reshape(SPECTRA * POLS, CHANS))
        got = np.array(sink.data()).reshape(-1, CHANS)
        np.testing.assert_array_equal(got, np.concatenate(rows))
        tags = support.tags_of(sink)
        per_chunk = PER_CHUNK * SPECTRA * POLS
        times = [(o, v) for o, k, v in tags if k == 'rx_time']
        self.assertEqual(times, [(i * per_chunk, (SYNC, c * PER_CHUNK * STEP / RATE))
                                 for i, c in enumerate(chunks)])
        self.assertEqual([k for o, k, v in tags if k == 'gap'], [])  # no gaps in a layout

    def test_one_polarisation_selected(self):
        _, sink = self.run_source(
            vlen=CHANS, layout='time index chans:%d spectra:%d pols:%d -> '
                               'time spectra index chans' % (CPH, SPECTRA, POLS),
            select='pols=1')
        first = np.stack([expected_complex(0, g) for g in range(GROUPS)])
        got = np.array(sink.data()).reshape(-1, CHANS)
        self.assertEqual(len(got), TIME_STEPS * SPECTRA)
        np.testing.assert_array_equal(got[:SPECTRA],
                                      first[:, :, :, 1].transpose(2, 0, 1).reshape(SPECTRA, CHANS))

    def test_reused_chunk_memory_does_not_show_through(self):
        # Eight chunks through three chunks of memory: chunk 7 reuses an earlier chunk's
        # memory, and its lost heap must be zeros, not what that chunk held. With a
        # window of one chunk, chunk 2 (nothing sent) is passed over: chunks_lost.
        write_stream(self.capture, lost_heap=(22, 2), time_steps=24)
        _, sink = self.run_source(max_chunks=1, ring_chunks=3)
        heap_samples = HEAP_BYTES // 2
        per_chunk = PER_CHUNK * GROUPS * heap_samples
        got = np.array(sink.data())
        self.assertEqual(len(got), 7 * per_chunk)
        self.assertEqual([(o, k, v) for o, k, v in support.tags_of(sink)
                          if k in ('chunk_id', 'chunks_lost')][:5],
                         [(0, 'chunk_id', 0), (per_chunk, 'chunk_id', 1),
                          (2 * per_chunk, 'chunk_id', 3), (2 * per_chunk, 'chunks_lost', 1),
                          (3 * per_chunk, 'chunk_id', 4)])
        at = 6 * per_chunk + (1 * GROUPS + 2) * heap_samples
        np.testing.assert_array_equal(got[at:at + heap_samples], 0)
        np.testing.assert_array_equal(got[at - heap_samples:at],
                                      expected_complex(22, 1).ravel())

    def test_grc_flowgraph(self):
        out = os.path.join(self.tmp.name, 'spectra.c64')
        fg = {'options': {'parameters': {'id': 'chunks', 'generate_options': 'no_gui',
                                         'output_language': 'python', 'run_options': 'run',
                                         'title': 'chunks'},
                          'states': {'coordinate': [8, 8], 'rotation': 0, 'state': 'enabled'}},
              'blocks': [
                  block('src', 'spead_chunk_source', {
                      'transport': 'pcap', 'pcap_file': repr(self.capture),
                      'type': 'complex', 'vlen': str(CHANS), 'wire': "'|i1'",
                      'heap_size': str(HEAP_BYTES), 'heap_timestamp_step': str(STEP),
                      'heaps_per_chunk': str(PER_CHUNK), 'index_id': '0x4103',
                      'index_step': str(CPH), 'index_count': str(GROUPS),
                      'layout': 'time index chans:%d spectra:%d pols:%d -> '
                                'time spectra pols index chans' % (CPH, SPECTRA, POLS)}, 8),
                  block('sink', 'blocks_file_sink', {
                      'type': 'complex', 'vlen': str(CHANS), 'append': 'False',
                      'unbuffered': 'False', 'file': repr(out)}, 300)],
              'connections': [['src', '0', 'sink', '0']], 'metadata': {'file_format': 1}}
        path = os.path.join(self.tmp.name, 'chunks.grc')
        with open(path, 'w') as f:
            yaml.safe_dump(fg, f)
        result = subprocess.run(['grcc', '-o', self.tmp.name, path], env=environment(),
                                capture_output=True, text=True, timeout=120)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        run = subprocess.run(['/usr/bin/python3', os.path.join(self.tmp.name, 'chunks.py')],
                             env=environment(), stdin=subprocess.DEVNULL,
                             capture_output=True, text=True, timeout=120)
        self.assertEqual(run.returncode, 0, run.stderr)
        got = np.fromfile(out, np.complex64).reshape(-1, CHANS)
        self.assertEqual(len(got), TIME_STEPS * SPECTRA * POLS)
        first = np.stack([expected_complex(0, g) for g in range(GROUPS)])
        np.testing.assert_array_equal(got[0], first[:, :, 0, 0].ravel())
    def test_stream_starting_late_begins_at_its_first_chunk(self):
        # The stream starts at time step 30 (chunk 10): the window opens on chunk 9 too
        # (as spead2's does), but a chunk before the first that received anything is
        # not part of the stream and does not come out.
        write_stream(self.capture, lost_heap=None, time_steps=6, first_time_step=30)
        src, sink = self.run_source(max_chunks=2)
        tags = support.tags_of(sink)
        self.assertEqual([v for o, k, v in tags if k == 'chunk_id'], [10, 11])
        self.assertEqual([k for o, k, v in tags if k in ('gap', 'missing_heaps')], [])
        self.assertEqual(src.statistics()['chunks_emitted'], 2)

    def test_gap_in_long_vectors(self):
        # Items of two heaps each: the lost heap (chunk 1, slot 5) makes item 2 of
        # chunk 1 partly zeros; the gap tag is on it and counts it.
        heap_samples = HEAP_BYTES // 2
        _, sink = self.run_source(vlen=2 * heap_samples)
        items_per_chunk = PER_CHUNK * GROUPS // 2
        gaps = [(o, v) for o, k, v in support.tags_of(sink) if k == 'gap']
        self.assertEqual(gaps, [(items_per_chunk + 2, 1),
                                (LOST_CHUNK * items_per_chunk, items_per_chunk)])

    def test_stats_request_answered_while_idle(self):
        # No packet ever arrives: work() must still return to the scheduler, which
        # handles the stats_request message (the block's thread runs its handlers).
        src = spead.chunk_source(HEAP_BYTES, STEP, PER_CHUNK, wire='|i1',
                                 transport='udp', address='127.0.0.1', port=0,
                                 stats_interval=0)
        stats = blocks.message_debug()
        strobe = blocks.message_strobe(pmt.intern('now'), 50)
        self.tb.connect(src, blocks.null_sink(gr.sizeof_gr_complex))
        self.tb.msg_connect(strobe, 'strobe', src, 'stats_request')
        self.tb.msg_connect(src, 'stats', stats, 'store')
        self.tb.start()
        try:
            deadline = time.monotonic() + 10
            while stats.num_messages() == 0 and time.monotonic() < deadline:
                time.sleep(0.02)
        finally:
            self.tb.stop()
            self.tb.wait()
        self.assertGreater(stats.num_messages(), 0)

    def test_skewed_group_within_the_window(self):
        # Group 3 arrives a chunk late: with a window of 2 chunks its heaps still find
        # their chunk, and every chunk comes out whole.
        support.write_pcap(self.capture, skewed_packets(9, PER_CHUNK))
        src, sink = self.run_source(max_chunks=2)
        np.testing.assert_array_equal(np.array(sink.data()), chunk_order(9))
        self.assertEqual([k for o, k, v in support.tags_of(sink) if k == 'gap'], [])
        self.assertEqual(src.statistics()['too_old_heaps'], 0)

    def test_skewed_group_beyond_the_window(self):
        # With a window of 1 chunk, group 3's heaps come after the next chunk has begun,
        # their own gone: dropped and counted (too_old_heaps), their channels zeros, each
        # time step's gap tagged. The last chunk's come after every other heap, while
        # their chunk is still open: they are placed.
        support.write_pcap(self.capture, skewed_packets(9, PER_CHUNK))
        src, sink = self.run_source(max_chunks=1, ring_chunks=3)
        dropped = {(t, GROUPS - 1) for t in range(6)}
        np.testing.assert_array_equal(np.array(sink.data()), chunk_order(9, dropped))
        heap_samples = HEAP_BYTES // 2
        self.assertEqual([o for o, k, v in support.tags_of(sink) if k == 'gap'],
                         [(t * GROUPS + GROUPS - 1) * heap_samples for t in range(6)])
        self.assertEqual(src.statistics()['too_old_heaps'], 6)

    def test_unplaceable_heaps_are_rejected(self):
        # A heap of another size and a heap without the index item are dropped and
        # counted (rejected_heaps); the slot of the heap they did not replace is zeros.
        wrong_size = spead.encode_heap(
            500, [(0x1600, 1 * STEP), (0x4103, 0), (0x4300, bytes(HEAP_BYTES + 2))])
        no_index = spead.encode_heap(501, [(0x1600, 1 * STEP), (0x4300, bytes(HEAP_BYTES))])
        packets = []
        for t in range(3):
            for g in range(GROUPS):
                if (t, g) == (1, 0):
                    packets += wrong_size + no_index
                else:
                    packets += heap_packets(1 + t * GROUPS + g, t, g)
        support.write_pcap(self.capture, packets)
        src, sink = self.run_source()
        np.testing.assert_array_equal(np.array(sink.data()), chunk_order(3, {(1, 0)}))
        self.assertEqual(src.statistics()['rejected_heaps'], 2)

    def test_flowgraph_ends_while_the_stream_waits_for_chunks(self):
        # The consumer stops taking chunks (Head ends the flowgraph after one chunk)
        # while the stream has no free chunk and waits: the flowgraph still ends.
        write_stream(self.capture, lost_heap=None, time_steps=60)
        src = spead.chunk_source(HEAP_BYTES, STEP, PER_CHUNK, wire='|i1', index_id=0x4103,
                                 index_step=CPH, index_count=GROUPS, max_chunks=1,
                                 ring_chunks=3, transport='pcap', pcap_file=self.capture)
        per_chunk = PER_CHUNK * GROUPS * HEAP_BYTES // 2
        sink = blocks.vector_sink_c()
        self.tb.connect(src, blocks.head(gr.sizeof_gr_complex, per_chunk), sink)
        self.assertTrue(support.run_bounded(self.tb), 'the flowgraph did not end')
        self.assertEqual(len(sink.data()), per_chunk)

    def test_udp_loopback(self):
        # The stream over UDP on loopback, from a plain socket, then a stop heap: both
        # chunks come out whole.
        src = spead.chunk_source(HEAP_BYTES, STEP, PER_CHUNK, wire='|i1', index_id=0x4103,
                                 index_step=CPH, index_count=GROUPS, transport='udp',
                                 address='127.0.0.1', port=0)
        sink = blocks.vector_sink_c()
        self.tb.connect(src, sink)
        self.tb.start()
        per_chunk = PER_CHUNK * GROUPS * HEAP_BYTES // 2
        try:
            port = src.local_port()
            self.assertGreater(port, 0)
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                for p in stream_packets(lost_heap=None, time_steps=6) + \
                        spead.encode_stop_heap(1000):
                    s.sendto(p, ('127.0.0.1', port))
            deadline = time.monotonic() + 20
            while len(sink.data()) < 2 * per_chunk and time.monotonic() < deadline:
                time.sleep(0.02)
        finally:
            self.tb.stop()
            self.tb.wait()
        np.testing.assert_array_equal(np.array(sink.data()), chunk_order(6))

    def run_group(self, mode, send, chunks, endpoints=2, threads=2):
        """A chunk source with one member stream per endpoint (loopback ports):
        \p send(socket, ports) sends; returns the source and its samples once \p chunks
        chunks came out (or 20 s passed)."""
        socks = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(endpoints)]
        for s in socks:
            s.bind(('127.0.0.1', 0))
        ports = [s.getsockname()[1] for s in socks]
        for s in socks:
            s.close()
        src = spead.chunk_source(HEAP_BYTES, STEP, PER_CHUNK, wire='|i1', index_id=0x4103,
                                 index_step=CPH, index_count=GROUPS, transport='udp',
                                 address=','.join('127.0.0.1:%d' % p for p in ports),
                                 group_mode=mode, threads=threads)
        sink = blocks.vector_sink_c()
        self.tb.connect(src, sink)
        self.tb.start()
        per_chunk = PER_CHUNK * GROUPS * HEAP_BYTES // 2
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                send(s, ports)
            deadline = time.monotonic() + 20
            while len(sink.data()) < chunks * per_chunk and time.monotonic() < deadline:
                time.sleep(0.02)
        finally:
            self.tb.stop()
            self.tb.wait()
        return src, np.array(sink.data())

    @staticmethod
    def send_heaps(s, ports, time_steps, parts):
        """Time steps 0..time_steps-1 of the channel ranges that go to the ports of index
        in \p parts (the ranges split evenly over the ports, in order)."""
        for t in range(time_steps):
            for g in range(GROUPS):
                part = g * len(ports) // GROUPS
                if part in parts:
                    for p in heap_packets(1 + t * GROUPS + g, t, g):
                        s.sendto(p, ('127.0.0.1', ports[part]))
                    time.sleep(0.001)  # no loss on loopback with a small buffer

    @staticmethod
    def send_stop(s, port):
        for p in spead.encode_stop_heap(1000):
            s.sendto(p, ('127.0.0.1', port))

    def check_group_mode(self, mode):
        # Two endpoints, one member stream each: channel ranges 0-1 arrive on the first
        # port and 2-3 on the second, the first endpoint's heaps and stop heap before
        # the second's. A member's stop heap ends only that member (one stream for both
        # would end at the first and lose half of every spectrum); the chunks come out
        # whole and the statistics add up the members'.
        def send(s, ports):
            for half, port in enumerate(ports):
                self.send_heaps(s, ports, 6, (half,))
                self.send_stop(s, port)
                time.sleep(0.1)
        src, data = self.run_group(mode, send, 2)
        np.testing.assert_array_equal(data, chunk_order(6))
        stats = src.statistics()
        self.assertEqual(stats['heaps'], 6 * GROUPS)
        self.assertEqual(stats['chunks_emitted'], 2)

    def test_group_mode_lossy(self):
        self.check_group_mode('lossy')

    def test_group_mode_lossless(self):
        self.check_group_mode('lossless')

    def test_group_mode_window_moves_on(self):
        # Four chunks through a window of two, the endpoints' heaps interleaved: the
        # members keep asking each other to let go of old chunks (lossy eviction) on the
        # block's one thread pool, and every chunk comes out whole.
        def send(s, ports):
            self.send_heaps(s, ports, TIME_STEPS, (0, 1))
            time.sleep(0.1)
            for port in ports:
                self.send_stop(s, port)
        src, data = self.run_group('lossy', send, 4)
        np.testing.assert_array_equal(data, chunk_order(TIME_STEPS))

    def test_group_mode_more_endpoints_than_threads(self):
        # Four endpoints (a channel range each) and the default single thread: each
        # member still gets a thread of its own, so that members waiting for room in
        # the window never keep the others from running, in either eviction mode.
        for mode in ('lossless', 'lossy'):
            self.tb = gr.top_block()

            def send(s, ports):
                self.send_heaps(s, ports, TIME_STEPS, range(len(ports)))
                time.sleep(0.1)
                for port in ports:
                    self.send_stop(s, port)
            src, data = self.run_group(mode, send, 4, endpoints=4, threads=1)
            np.testing.assert_array_equal(data, chunk_order(TIME_STEPS), err_msg=mode)

    def test_group_mode_errors_name_the_parameter(self):
        with self.assertRaisesRegex(ValueError, 'group_mode'):
            spead.chunk_source(HEAP_BYTES, STEP, PER_CHUNK, transport='udp',
                               address='127.0.0.1', port=0, group_mode='fast')
        with self.assertRaisesRegex(ValueError, "group_mode.*'udp'"):
            spead.chunk_source(HEAP_BYTES, STEP, PER_CHUNK, transport='pcap',
                               pcap_file=self.capture, group_mode='lossy')

    def test_stop_while_waiting(self):
        # A flowgraph stopped while the block waits for packets stops at once.
        src = spead.chunk_source(HEAP_BYTES, STEP, PER_CHUNK, wire='|i1',
                                 transport='udp', address='127.0.0.1', port=0)
        self.tb.connect(src, blocks.null_sink(gr.sizeof_gr_complex))
        self.tb.start()
        time.sleep(0.2)
        done = threading.Event()

        def stop():
            self.tb.stop()
            self.tb.wait()
            done.set()
        threading.Thread(target=stop, daemon=True).start()
        self.assertTrue(done.wait(10), 'the flowgraph did not stop')
        self.assertEqual(src.statistics()['chunks_emitted'], 0)

    def grc_flowgraph(self, fg_id, language, **changes):
        """A flowgraph of GRC's SPEAD Chunk Source (whole spectra by a layout) into a
        file sink, compiled with grcc; \p changes replace block parameters."""
        src = block('src', 'spead_chunk_source', dict({
            'transport': 'pcap', 'pcap_file': repr(self.capture), 'type': 'complex',
            'vlen': str(CHANS), 'wire': repr('|i1'), 'heap_size': str(HEAP_BYTES),
            'timestamp_id': '0x1600', 'heap_timestamp_step': str(STEP),
            'heaps_per_chunk': str(PER_CHUNK), 'index_id': '0x4103',
            'index_step': str(CPH), 'index_count': str(GROUPS),
            'layout': repr('time index chans:%d spectra:%d pols:%d -> '
                           'time spectra pols index chans' % (CPH, SPECTRA, POLS))},
            **changes), 8)
        sink = block('sink', 'blocks_file_sink', {
            'type': 'complex', 'vlen': str(CHANS), 'append': 'False',
            'unbuffered': 'False', 'file': repr(os.path.join(self.tmp.name, 'out.c64'))},
            300)
        fg = {'options': {'parameters': {'id': fg_id, 'generate_options': 'no_gui',
                                         'output_language': language,
                                         'run_options': 'run', 'title': fg_id},
                          'states': {'coordinate': [8, 8], 'rotation': 0,
                                     'state': 'enabled'}},
              'blocks': [src, sink], 'connections': [['src', '0', 'sink', '0']],
              'metadata': {'file_format': 1}}
        path = os.path.join(self.tmp.name, fg_id + '.grc')
        with open(path, 'w') as f:
            yaml.safe_dump(fg, f)
        result = subprocess.run(['grcc', '-o', self.tmp.name, path], env=environment(),
                                capture_output=True, text=True, timeout=120)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)

    def test_grc_cpp_flowgraph_is_generated(self):
        # C++ output (flags: cpp): the block's make() with its receiver_config.
        self.grc_flowgraph('chunk_cpp', 'cpp')
        with open(os.path.join(self.tmp.name, 'chunk_cpp', 'chunk_cpp.cpp')) as f:
            code = f.read()
        self.assertIn('gr::spead::chunk_source::make(', code)
        self.assertIn('config.transport = "pcap";', code)
        self.assertIn('"complex", %d, "|i1", 1.0, %d,' % (CHANS, HEAP_BYTES), code)
        self.assertIn('0x1600, %d, %d,' % (STEP, PER_CHUNK), code)
        self.assertIn('0x4103, %d, %d, "time index' % (CPH, GROUPS), code)

    def test_grc_group_mode_is_generated(self):
        # "Stream per Endpoint" reaches make() in both languages.
        group = dict(transport='udp', address=repr('127.0.0.1:7148,127.0.0.1:7149'),
                     group_mode='lossless', threads='2')
        self.grc_flowgraph('chunk_group_py', 'python', **group)
        with open(os.path.join(self.tmp.name, 'chunk_group_py.py')) as f:
            self.assertIn("group_mode='lossless'", f.read())
        self.grc_flowgraph('chunk_group_cpp', 'cpp', **group)
        with open(os.path.join(self.tmp.name, 'chunk_group_cpp', 'chunk_group_cpp.cpp')) as f:
            self.assertRegex(f.read(), r'\{\s*\},\s*"lossless"\);')

    def test_bad_parameters_name_themselves(self):
        base = dict(heap_size=HEAP_BYTES, heap_timestamp_step=STEP, heaps_per_chunk=3,
                    transport='pcap', pcap_file=self.capture)
        cases = [(dict(heap_size=0), 'heap_size'),
                 (dict(heap_timestamp_step=0), 'heap_timestamp_step'),
                 (dict(heaps_per_chunk=0), 'heaps_per_chunk'),
                 (dict(index_id=0x4103, index_count=0), 'index_count'),
                 (dict(type='double'), 'type'), (dict(wire='int8'), 'wire'),
                 (dict(vlen=7), 'vlen'), (dict(max_chunks=0), 'max_chunks'),
                 (dict(ring_chunks=3), 'ring_chunks'),
                 (dict(layout='a b -> b a'), 'layout'),
                 (dict(layout='time x:5 -> x time'), 'layout')]
        for change, name in cases:
            with self.assertRaises(ValueError, msg=name) as cm:
                spead.chunk_source(**dict(base, **change))
            self.assertTrue(str(cm.exception).startswith(name), str(cm.exception))


if __name__ == '__main__':
    gr_unittest.run(qa_chunk_source)
