#!/usr/bin/env python3
#
# Copyright 2026 gr-spead authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#

"""A telescope-shaped stream end to end: an F-engine-like stream (4 antennas, 1024
channels over 4 IPv4 multicast groups on loopback, two polarisations, 48-bit
timestamps) sent over UDP by this test, received by one spead.source joining all four
groups and selecting antenna 2: exactly the expected samples, heap tags and rx_time
tags, zeros where heaps were dropped on purpose. The same stream into one
spead.chunk_source gives antenna 2's whole spectra, one per polarisation. Also
add_udp_readers, the same list of readers on a gnuradio.spead.recv.Stream."""

import socket
import threading

import numpy as np
from gnuradio import blocks, gr, gr_unittest
from gnuradio import spead

import block_test_support as support
from fengine_test_stream import FEngineStream, rx_time
from recv_test_support import free_port, get_heaps, wait_for

GROUPS = '239.255.120.0+3'
SAMPLE_RATE = 1712e6          # ADC samples per second (MeerKAT L-band)
SYNC_TIME = 1700000000.25     # UNIX time of timestamp 0
ANTENNA = 2
FRAMES = 6
# (frame, group, antenna) of the heaps never sent: two of antenna 2, one of another.
DROPPED = {(2, 1, ANTENNA), (4, 3, ANTENNA), (3, 0, 1)}


def group_addresses(first, count):
    base = [int(x) for x in first.split('.')]
    return ['{}.{}.{}.{}'.format(*base[:3], base[3] + i) for i in range(count)]


def multicast_sender():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton('127.0.0.1'))
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 0)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 1)
    return s


class qa_fengine_multicast(gr_unittest.TestCase):
    def setUp(self):
        self.tb = gr.top_block()

    def tearDown(self):
        self.tb = None

    def test_one_source_four_groups_select_antenna_rx_time_zero_fill(self):
        f = FEngineStream(n_ants=4, n_chans=1024, n_groups=4)
        port = free_port()
        groups = group_addresses(GROUPS.split('+')[0], 4)
        src = spead.source(
            [spead.output_config('feng_raw', 'complex')],
            transport='udp', address='{}:{}'.format(GROUPS, port),
            interface_address='127.0.0.1', ring_heaps=64, max_heaps=8,
            tag_items=['timestamp', 'frequency'], heap_cnt_step=f.n_ants,
            zero_fill=True, select_item='feng_id', select_values=[ANTENNA],
            timestamp_item='timestamp', sample_rate=SAMPLE_RATE, sync_time=SYNC_TIME,
            stats_interval=0)
        sink = blocks.vector_sink_c()
        self.tb.connect(src, sink)
        fired = []
        timer = threading.Timer(60, lambda: (fired.append(1), self.tb.stop()))
        self.tb.start()
        timer.start()
        try:
            if src.local_port() < 0:  # start() could not join: logged, the source ended
                self.skipTest('cannot join IPv4 multicast groups on loopback here')
            sent = 0
            with multicast_sender() as tx:
                def send(packets, group):
                    for p in packets:
                        tx.sendto(p, (groups[group], port))

                send(f.descriptor_packets(), 0)
                sent += 1
                # One frame's heaps of one group at a time, each burst received before
                # the next: heaps of different groups (sockets) then reach the stream in
                # sending order, which makes the output order exact.
                for t in range(FRAMES):
                    for g in range(f.n_groups):
                        for a in range(f.n_ants):
                            if (t, g, a) not in DROPPED:
                                send(f.heap_packets(t, g, a), g)
                                sent += 1
                        self.assertTrue(
                            wait_for(lambda: src.statistics()['heaps'] >= sent, 20),
                            'heaps of frame {} group {} not received'.format(t, g))
                send(f.stop_packets(2 + FRAMES * f.n_groups * f.n_ants), 0)
            self.tb.wait()
        finally:
            timer.cancel()
            self.tb.stop()
            self.tb.wait()
        self.assertFalse(fired, 'the flowgraph did not end by itself')

        n = f.samples_per_heap
        data = np.array(sink.data())
        order = [(t, g) for t in range(FRAMES) for g in range(f.n_groups)]
        self.assertEqual(len(data), len(order) * n)
        expected_tags = []
        for k, (t, g) in enumerate(order):
            chunk = data[k * n:(k + 1) * n]
            if (t, g, ANTENNA) in DROPPED:
                np.testing.assert_array_equal(chunk, np.zeros(n))
                expected_tags += [(k * n, 'lost_heaps', 1), (k * n, 'zero_fill', 1)]
            else:
                np.testing.assert_array_equal(chunk, f.samples(t, g, ANTENNA))
                ts = f.timestamp(t)
                expected_tags += [(k * n, 'heap_cnt', f.heap_cnt(t, g, ANTENNA)),
                                  (k * n, 'timestamp', ts),
                                  (k * n, 'frequency', g * f.chans_per_group),
                                  (k * n, 'rx_time', rx_time(ts, SAMPLE_RATE, SYNC_TIME))]
        self.assertEqual(sorted(support.tags_of(sink)), sorted(expected_tags))
        # The 48-bit timestamps near 2**48 give times the double sum would get wrong.
        last = f.timestamp(FRAMES - 1)
        self.assertGreater(last, (1 << 48) - (1 << 22))
        self.assertNotEqual(rx_time(last, SAMPLE_RATE, SYNC_TIME)[1],
                            (SYNC_TIME + last / SAMPLE_RATE) % 1)

        stats = src.statistics()
        others = FRAMES * f.n_groups * (f.n_ants - 1) - 1
        self.assertEqual(stats['heaps'], sent)  # spead2's counters see every heap
        self.assertEqual(stats['heaps_skipped_by_selection'], others)
        self.assertEqual(stats['heaps_skipped'], 1)  # the descriptors
        self.assertEqual(stats['heaps_emitted'], len(order) - 2)
        self.assertEqual(stats['heaps_lost'], 2)
        self.assertEqual(stats['heaps_zero_filled'], 2)
        self.assertEqual(stats['packets_rejected'], 0)

    def test_chunk_source_assembles_whole_spectra_of_one_antenna(self):
        # The same stream into one SPEAD Chunk Source joining the four groups: heaps of
        # antenna 2 placed by timestamp and channel offset, transposed to whole spectra
        # (one per polarisation), zeros for the two heaps dropped, rx_time on each chunk.
        self.check_chunk_source('')

    def test_chunk_source_one_member_stream_per_group(self):
        # The same with group_mode: each multicast group joined by a member stream of
        # its own, all filling the same chunks (a stop heap to every group ends them).
        self.check_chunk_source('lossy')

    def check_chunk_source(self, group_mode):
        f = FEngineStream(n_ants=4, n_chans=1024, n_groups=4)
        port = free_port()
        first = '239.255.122.0'
        groups = group_addresses(first, 4)
        per_chunk = 2  # frames
        src = spead.chunk_source(
            f.heap_bytes, f.timestamp_step, per_chunk, type='complex', vlen=f.n_chans,
            wire='|i1', index_id=0x4103, index_step=f.chans_per_group,
            index_count=f.n_groups, select_item=0x4101, select_values=[ANTENNA],
            layout='time index chans:%d spectra:%d pols:%d -> time spectra pols index chans'
                   % (f.chans_per_group, f.spectra_per_heap, f.n_pols),
            sample_rate=SAMPLE_RATE, sync_time=SYNC_TIME, max_chunks=2, ring_chunks=4,
            transport='udp', address='{}+3:{}'.format(first, port),
            interface_address='127.0.0.1', max_heaps=8, stats_interval=0,
            group_mode=group_mode)
        sink = blocks.vector_sink_c(f.n_chans)
        self.tb.connect(src, sink)
        fired = []
        timer = threading.Timer(60, lambda: (fired.append(1), self.tb.stop()))
        self.tb.start()
        timer.start()
        try:
            if src.local_port() < 0:
                self.skipTest('cannot join IPv4 multicast groups on loopback here')
            sent = 0
            with multicast_sender() as tx:
                for t in range(FRAMES):
                    for g in range(f.n_groups):
                        for a in range(f.n_ants):
                            if (t, g, a) not in DROPPED:
                                for p in f.heap_packets(t, g, a):
                                    tx.sendto(p, (groups[g], port))
                                sent += 1
                    self.assertTrue(wait_for(lambda: src.statistics()['heaps'] >= sent, 20),
                                    'heaps of frame {} not received'.format(t))
                for group in groups if group_mode else groups[:1]:
                    for p in f.stop_packets(2 + FRAMES * f.n_groups * f.n_ants):
                        tx.sendto(p, (group, port))
            self.tb.wait()
        finally:
            timer.cancel()
            self.tb.stop()
            self.tb.wait()
        self.assertFalse(fired, 'the flowgraph did not end by itself')

        rows = []
        for t in range(FRAMES):
            v = np.stack([f.samples(t, g, ANTENNA).reshape(
                f.chans_per_group, f.spectra_per_heap, f.n_pols)
                if (t, g, ANTENNA) not in DROPPED else
                np.zeros((f.chans_per_group, f.spectra_per_heap, f.n_pols), np.complex64)
                for g in range(f.n_groups)])
            rows.append(v.transpose(2, 3, 0, 1).reshape(-1, f.n_chans))
        got = np.array(sink.data()).reshape(-1, f.n_chans)
        np.testing.assert_array_equal(got, np.concatenate(rows))
        rows_per_chunk = per_chunk * f.spectra_per_heap * f.n_pols
        tags = support.tags_of(sink)
        self.assertEqual([(o, v) for o, k, v in tags if k == 'rx_time'],
                         [(c * rows_per_chunk,
                           rx_time(f.timestamp(c * per_chunk), SAMPLE_RATE, SYNC_TIME))
                          for c in range(FRAMES // per_chunk)])
        self.assertEqual([(o, v) for o, k, v in tags if k == 'missing_heaps'],
                         [(1 * rows_per_chunk, 1), (2 * rows_per_chunk, 1)])
        stats = src.statistics()
        self.assertEqual(stats['heaps_skipped_by_selection'],
                         FRAMES * f.n_groups * (f.n_ants - 1) - 1)
        self.assertEqual(stats['heaps_missing'], 2)
        self.assertEqual(stats['chunks_emitted'], FRAMES // per_chunk)

    def test_add_udp_readers_joins_every_group(self):
        port = free_port()
        groups = group_addresses('239.255.121.0', 4)
        pool = spead.ThreadPool()
        stream = spead.recv.Stream(pool, spead.recv.StreamConfig(max_heaps=4))
        try:
            added = spead.add_udp_readers(stream, '239.255.121.0+3:{}'.format(port),
                                          buffer_size=0, interface_address='127.0.0.1')
        except Exception as e:
            stream.stop()
            self.skipTest('cannot join IPv4 multicast groups on loopback here: {}'.format(e))
        self.assertEqual(added, [(g, port) for g in groups])
        with multicast_sender() as tx:
            for i, group in enumerate(groups):
                for p in spead.encode_heap(10 + i, [(0x1600, i)]):
                    tx.sendto(p, (group, port))
        heaps = get_heaps(stream, count=4)
        stream.stop()
        self.assertEqual(sorted(h.cnt for h in heaps), [10, 11, 12, 13])

    def test_add_udp_readers_unicast_and_errors(self):
        ports = [free_port(), free_port()]
        pool = spead.ThreadPool()
        stream = spead.recv.Stream(pool, spead.recv.StreamConfig())
        added = spead.add_udp_readers(
            stream, '127.0.0.1:{},127.0.0.1'.format(ports[0]), port=ports[1])
        self.assertEqual(added, [('127.0.0.1', ports[0]), ('127.0.0.1', ports[1])])
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as tx:
            for i, p in enumerate(ports):
                for packet in spead.encode_heap(20 + i, [(0x1600, i)]):
                    tx.sendto(packet, ('127.0.0.1', p))
        heaps = get_heaps(stream, count=2)
        stream.stop()
        self.assertEqual(sorted(h.cnt for h in heaps), [20, 21])
        with self.assertRaises(ValueError) as ctx:
            spead.add_udp_readers(stream, '239.1.1.1+x:7148')
        self.assertEqual(str(ctx.exception),
                         "endpoints: bad endpoint '239.1.1.1+x:7148': the count after '+' "
                         "must be a whole number 0..255, not 'x'")


if __name__ == '__main__':
    gr_unittest.run(qa_fengine_multicast)
