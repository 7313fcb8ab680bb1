#!/usr/bin/env python3
#
# Copyright 2026 gr-spead authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#

"""spead2.recv.Stream, Heap and IncompleteHeap: the heap API, heap assembly options,
stop semantics, the ring, Ctrl-C and malformed-packet logging."""

import logging
import os
import select
import signal
import threading
import time

from gnuradio import gr_unittest

import gnuradio.spead as spead2
from gnuradio.spead import recv
from recv_test_support import PATIENCE, descriptor, fragment, get_heaps, packet, \
    stop_packet, wait_for

ID = 0x1000


def buffer_stream(data, config=None, ring_config=None, pool=None):
    stream = recv.Stream(pool or spead2.ThreadPool(), config or recv.StreamConfig(),
                         ring_config or recv.RingStreamConfig())
    stream.add_buffer_reader(data)
    return stream


def inproc_stream(config=None, ring_config=None):
    queue = spead2.InprocQueue()
    stream = recv.Stream(spead2.ThreadPool(), config or recv.StreamConfig(),
                         ring_config or recv.RingStreamConfig())
    stream.add_inproc_reader(queue)
    return stream, queue


class qa_recv_stream(gr_unittest.TestCase):
    # --- heaps -----------------------------------------------------------------------

    def test_heap_items_and_descriptors(self):
        desc = descriptor(ID, 'x', 'doc', format=[('u', 8), ('i', 12)], shape=(None, 3))
        desc2 = descriptor(ID + 1, 'y', numpy_header="{'descr': '<f4', 'fortran_order': "
                                                      "False, 'shape': (2,)}")
        stream = buffer_stream(packet(7, [(0x05, desc), (0x05, desc2), (ID, 0x2a),
                                          (ID + 1, b'\x01\x02\x03')]),
                               recv.StreamConfig(bug_compat=spead2.BUG_COMPAT_SWAP_ENDIAN))
        heaps = get_heaps(stream)
        self.assertEqual(len(heaps), 1)
        heap = heaps[0]
        self.assertIsInstance(heap, recv.Heap)
        self.assertNotIsInstance(heap, recv.IncompleteHeap)
        self.assertEqual(heap.cnt, 7)
        self.assertEqual(heap.flavour, spead2.Flavour(4, 64, 40, spead2.BUG_COMPAT_SWAP_ENDIAN))
        self.assertFalse(heap.is_start_of_stream())
        self.assertFalse(heap.is_end_of_stream())
        # As spead2: descriptors come from get_descriptors() only, and the addressed
        # item comes before the immediate one.
        self.assertEqual([item.id for item in heap.get_items()], [ID + 1, ID])
        items = {item.id: item for item in heap.get_items()}
        self.assertTrue(items[ID].is_immediate)
        self.assertEqual(items[ID].immediate_value, 0x2a)
        # An immediate's bytes: the 5-byte (64-40) value field, big-endian.
        self.assertEqual(bytes(items[ID]), b'\x00\x00\x00\x00\x2a')
        self.assertFalse(items[ID + 1].is_immediate)
        self.assertEqual(bytes(items[ID + 1]), b'\x01\x02\x03')
        self.assertEqual(memoryview(items[ID + 1]).nbytes, 3)
        descs = {d.id: d for d in heap.get_descriptors()}
        self.assertEqual(descs[ID].name, b'x')
        self.assertEqual(descs[ID].description, b'doc')
        self.assertEqual(descs[ID].format, [('u', 8), ('i', 12)])
        self.assertEqual(descs[ID].shape, [None, 3])
        self.assertEqual(descs[ID].numpy_header, b'')
        self.assertEqual(descs[ID + 1].numpy_header,
                         b"{'descr': '<f4', 'fortran_order': False, 'shape': (2,)}")

    def test_start_and_end_of_stream_flags(self):
        stream = buffer_stream(packet(1, [(ID, 1)], ctrl=0) + stop_packet(2) + packet(3, [(ID, 3)]),
                               recv.StreamConfig(stop_on_stop_item=False))
        heaps = get_heaps(stream)
        self.assertEqual([h.cnt for h in heaps], [1, 2, 3])
        self.assertTrue(heaps[0].is_start_of_stream())
        self.assertTrue(heaps[1].is_end_of_stream())
        self.assertFalse(heaps[2].is_end_of_stream())

    def test_incomplete_heap_delivered_with_its_ranges(self):
        data = fragment(5, 20, 0, b'A' * 8, [(False, ID, 0)]) + fragment(5, 20, 12, b'B' * 4)
        stream = buffer_stream(data, recv.StreamConfig(allow_out_of_order=True),
                               recv.RingStreamConfig(contiguous_only=False,
                                                     incomplete_keep_payload_ranges=True))
        heaps = get_heaps(stream)
        self.assertEqual(len(heaps), 1)
        heap = heaps[0]
        self.assertIsInstance(heap, recv.IncompleteHeap)
        self.assertNotIsInstance(heap, recv.Heap)
        self.assertEqual((heap.cnt, heap.heap_length, heap.received_length), (5, 20, 12))
        self.assertEqual(heap.payload_ranges, [(0, 8), (12, 16)])
        self.assertEqual(stream.stats['incomplete_heaps_flushed'], 1)

    def test_incomplete_heap_dropped_when_contiguous_only(self):
        stream = buffer_stream(fragment(5, 20, 0, b'A' * 8) + packet(6, [(ID, 1)]))
        self.assertEqual([h.cnt for h in get_heaps(stream)], [6])
        stats = stream.stats
        self.assertEqual(stats['incomplete_heaps_flushed'], 1)
        self.assertEqual(stream.reject_stats['heaps_dropped_incomplete'], 1)

    def test_max_heaps_window_evicts_the_oldest(self):
        # Heaps 1 and 2 arrive interleaved in two packets each. With max_heaps=1 heap 2
        # evicts heap 1, whose second packet then starts a heap that cannot begin at
        # offset 4 (in-order mode); with the default window of 4 both complete.
        data = (fragment(1, 8, 0, b'a' * 4) + fragment(2, 8, 0, b'b' * 4)
                + fragment(2, 8, 4, b'b' * 4) + fragment(1, 8, 4, b'a' * 4))
        narrow = buffer_stream(data, recv.StreamConfig(max_heaps=1))
        self.assertEqual([h.cnt for h in get_heaps(narrow)], [2])
        stats = narrow.stats
        self.assertEqual(stats['incomplete_heaps_evicted'], 1)
        self.assertEqual(narrow.reject_stats['packets_rejected_out_of_order'], 1)
        wide = buffer_stream(data)
        self.assertEqual(sorted(h.cnt for h in get_heaps(wide)), [1, 2])

    def test_out_of_order_and_unsized_options(self):
        shuffled = fragment(1, 8, 4, b'2222') + fragment(1, 8, 0, b'1111', [(False, ID, 0)])
        self.assertEqual(get_heaps(buffer_stream(shuffled)), [])
        heaps = get_heaps(buffer_stream(shuffled, recv.StreamConfig(allow_out_of_order=True)))
        self.assertEqual(bytes([i for i in heaps[0].get_items() if i.id == ID][0]), b'11112222')
        unsized = fragment(1, None, 0, b'xy', [(False, ID, 0)])
        self.assertEqual(len(get_heaps(buffer_stream(unsized))), 1)
        refused = buffer_stream(unsized, recv.StreamConfig(allow_unsized_heaps=False))
        self.assertEqual(get_heaps(refused), [])
        self.assertEqual(refused.reject_stats['packets_rejected_unsized'], 1)

    def test_substreams(self):
        # Two interleaved senders (even and odd heap counters) each leave a heap
        # unfinished; with substreams=2 and max_heaps=1 each has its own window.
        data = (fragment(2, 8, 0, b'e' * 4) + fragment(3, 8, 0, b'o' * 4)
                + fragment(2, 8, 4, b'e' * 4) + fragment(3, 8, 4, b'o' * 4))
        shared = buffer_stream(data, recv.StreamConfig(max_heaps=1))
        self.assertEqual([h.cnt for h in get_heaps(shared)], [3])  # heap 3 evicted heap 2
        split = buffer_stream(data, recv.StreamConfig(max_heaps=1, substreams=2))
        self.assertEqual([h.cnt for h in get_heaps(split)], [2, 3])

    # --- stopping --------------------------------------------------------------------

    def test_stop_item_ends_the_stream_and_is_not_delivered(self):
        stream = buffer_stream(packet(1, [(ID, 1)]) + stop_packet(2) + packet(3, [(ID, 3)]))
        self.assertEqual([h.cnt for h in stream], [1])
        with self.assertRaises(spead2.Stopped):
            stream.get()
        with self.assertRaises(spead2.Stopped):
            stream.get_nowait()

    def test_stop_delivers_queued_heaps_then_raises_stopped(self):
        stream, queue = inproc_stream()
        for cnt in (1, 2):
            queue.add_packet(packet(cnt, [(ID, cnt)]))
        self.assertTrue(wait_for(lambda: stream.ringbuffer.size() == 2))
        stream.stop()
        self.assertEqual([h.cnt for h in stream], [1, 2])
        with self.assertRaises(spead2.Stopped):
            stream.get()
        stream.stop()  # idempotent

    def test_stop_from_another_thread_wakes_get(self):
        stream, _ = inproc_stream()
        outcome = []

        def consume():
            try:
                stream.get()
                outcome.append('heap')
            except spead2.Stopped:
                outcome.append('stopped')

        consumer = threading.Thread(target=consume)
        consumer.start()
        stream.stop()
        consumer.join(PATIENCE)
        self.assertFalse(consumer.is_alive())
        self.assertEqual(outcome, ['stopped'])

    def test_inproc_queue_stop_ends_stream_and_refuses_packets(self):
        stream, queue = inproc_stream()
        queue.add_packet(packet(1, [(ID, 1)]))
        queue.stop()
        self.assertEqual([h.cnt for h in get_heaps(stream)], [1])
        with self.assertRaises(spead2.Stopped):
            queue.add_packet(packet(2, [(ID, 2)]))

    # --- ring, fd, explicit start ------------------------------------------------------

    def test_get_nowait_fd_and_ringbuffer(self):
        stream, queue = inproc_stream(ring_config=recv.RingStreamConfig(heaps=3))
        self.assertIsInstance(stream.ringbuffer, recv.Stream.Ringbuffer)
        self.assertEqual(stream.ringbuffer.capacity(), 3)
        self.assertEqual(stream.ringbuffer.size(), 0)
        with self.assertRaises(spead2.Empty):
            stream.get_nowait()
        readable, _, _ = select.select([stream.fd], [], [], 0)
        self.assertEqual(readable, [])
        queue.add_packet(packet(1, [(ID, 1)]))
        readable, _, _ = select.select([stream.fd], [], [], PATIENCE)
        self.assertEqual(readable, [stream.fd])
        self.assertEqual(stream.ringbuffer.size(), 1)
        self.assertEqual(stream.get_nowait().cnt, 1)
        self.assertEqual(stream.config.max_heaps, 4)
        self.assertEqual(stream.ring_config.heaps, 3)
        stream.stop()

    def test_explicit_start(self):
        stream = recv.Stream(spead2.ThreadPool(), recv.StreamConfig(explicit_start=True))
        stream.add_buffer_reader(packet(1, [(ID, 1)]))
        time.sleep(0.05)
        with self.assertRaises(spead2.Empty):
            stream.get_nowait()
        self.assertEqual(stream.stats['packets'], 0)
        stream.start()
        self.assertEqual([h.cnt for h in get_heaps(stream)], [1])

    def test_thread_pool_may_be_dropped_after_making_the_stream(self):
        stream = recv.Stream(spead2.ThreadPool())
        stream.add_buffer_reader(packet(1, [(ID, 1)]))
        self.assertEqual([h.cnt for h in get_heaps(stream)], [1])

    def test_reader_errors(self):
        stream = recv.Stream(spead2.ThreadPool())
        with self.assertRaises(TypeError):  # as spead2: 70000 is no 16-bit port
            stream.add_udp_reader(70000)
        with self.assertRaises(TypeError):
            recv.Stream(None)
        stream.stop()
        with self.assertRaisesRegex(RuntimeError, 'stopped'):
            stream.add_buffer_reader(packet(1, [(ID, 1)]))

    # --- Ctrl-C and logging ------------------------------------------------------------

    def test_blocking_get_is_interrupted_by_ctrl_c(self):
        # Also shows that get() releases the GIL: the interrupter is a Python thread that
        # must run while the main thread waits.
        stream, _ = inproc_stream()
        watchdog = threading.Timer(PATIENCE, stream.stop)  # never hang: fail instead
        watchdog.start()
        interrupter = threading.Timer(0.1, os.kill, (os.getpid(), signal.SIGINT))
        interrupter.start()
        try:
            with self.assertRaises(KeyboardInterrupt):
                stream.get()
        finally:
            watchdog.cancel()
            interrupter.join()
            stream.stop()

    def test_malformed_packets_logged_rate_limited(self):
        stream, queue = inproc_stream()
        with self.assertLogs('gnuradio.spead', logging.WARNING) as logs:
            for _ in range(200):
                queue.add_packet(b'\x00' * 64)
            queue.stop()
            get_heaps(stream)
        self.assertEqual(stream.reject_stats['packets_rejected_bad_magic'], 200)
        about_packets = [line for line in logs.output if 'bad_magic' in line]
        self.assertGreaterEqual(len(about_packets), 1)
        # The engine's budget: 10 messages per second per stream (then one summary).
        self.assertLessEqual(len(about_packets), 10)


if __name__ == '__main__':
    gr_unittest.run(qa_recv_stream)
