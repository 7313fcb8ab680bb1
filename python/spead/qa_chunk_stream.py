#!/usr/bin/env python3
#
# Copyright 2026 gr-spead authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#

"""spead2.recv's chunk API: ChunkStreamConfig, Chunk, ChunkRingbuffer, ChunkRingStream,
place callbacks (numba cfuncs through scipy.LowLevelCallable, and the built-in
TimestampPlacement), packet presence, too-old and rejected heaps, custom statistics,
stopping during receive and the asyncio ChunkRingbuffer.

Where spead2 is built (SPEAD2_PYTHONPATH names its Python package), test_same_as_spead2 runs
the same packets through spead2's ChunkRingStream and compares every chunk and the
statistics: the expectations written below were checked that way."""

import asyncio
import ctypes
import os
import sys
import threading
import unittest

import numpy as np
from gnuradio import gr_unittest

import gnuradio.spead as spead
from gnuradio.spead import recv
from recv_test_support import PATIENCE, fragment, wait_for

# This script's folder is gnuradio.spead's source, whose numba.py would shadow numba's
# package: numba is imported with the folder off the path.
_script_dir = os.path.dirname(os.path.abspath(__file__))
_saved_path = list(sys.path)
sys.path[:] = [p for p in sys.path if os.path.abspath(p or '.') != _script_dir]
try:
    import numba
    import scipy
    from numba import types
    from gnuradio.spead.numba import intp_to_voidptr
    from gnuradio.spead.recv.numba import chunk_place_data
    HAVE_NUMBA = True
except ImportError:
    HAVE_NUMBA = False
finally:
    sys.path[:] = _saved_path
NUMBA_MISSING = 'numba and scipy are needed (Debian: python3-numba python3-scipy)'

TIMESTAMP_ID = 0x1600
EXTRA_ID = 0x1602
HEAP_SIZE = 64
HEAPS_PER_CHUNK = 4
FILL = 0xEE


def payload(ts, size=HEAP_SIZE):
    return bytes((ts * 7 + i) % 251 for i in range(size))


def heap_packets(cnt, ts, *, split=None, extra=None, timestamp=True, only=None):
    """A heap of HEAP_SIZE bytes carrying ``payload(ts)``, cut into packets of ``split``
    bytes (one packet by default), each with the timestamp (and EXTRA_ID) immediate;
    ``only`` keeps just those packet indices."""
    split = split or HEAP_SIZE
    items = []
    if timestamp:
        items.append((True, TIMESTAMP_ID, ts))
    if extra is not None:
        items.append((True, EXTRA_ID, extra))
    data = payload(ts)
    out = [fragment(cnt, HEAP_SIZE, off, data[off:off + split], items)
           for off in range(0, HEAP_SIZE, split)]
    return [p for i, p in enumerate(out) if only is None or i in only]


def make_chunk(heaps=HEAPS_PER_CHUNK, present=None, extra=False):
    return recv.Chunk(present=np.zeros(present or heaps, np.uint8),
                      data=np.full(heaps * HEAP_SIZE, FILL, np.uint8),
                      extra=np.full(heaps, -2, np.int64) if extra else None)


def run(module, packets, chunk_config, *, chunks=4, stream_config=None, extra=False,
        present=None):
    """Feeds ``packets`` from memory through ``module``'s ChunkRingStream; returns the
    chunks (chunk_id, present, data, extra) and the statistics by name."""
    data_ring = module.recv.ChunkRingbuffer(chunks)
    free_ring = module.recv.ChunkRingbuffer(chunks)
    stream = module.recv.ChunkRingStream(
        module.ThreadPool(), stream_config or module.recv.StreamConfig(), chunk_config,
        data_ring, free_ring)
    for _ in range(chunks):
        stream.add_free_chunk(module.recv.Chunk(
            present=np.zeros(present or HEAPS_PER_CHUNK, np.uint8),
            data=np.full(HEAPS_PER_CHUNK * HEAP_SIZE, FILL, np.uint8),
            extra=np.full(HEAPS_PER_CHUNK, -2, np.int64) if extra else None))
    stream.add_buffer_reader(b''.join(packets))
    out = []
    for chunk in data_ring:
        out.append((chunk.chunk_id, chunk.present.tolist(), bytes(chunk.data),
                    None if chunk.extra is None else chunk.extra.tolist()))
        stream.add_free_chunk(chunk)
    stats = stream.stats
    names = ['heaps', 'incomplete_heaps_evicted', 'incomplete_heaps_flushed',
             'too_old_heaps', 'rejected_heaps']
    result = {name: stats[name] for name in names}
    stream.stop()
    return out, result


if HAVE_NUMBA:
    @numba.cfunc(types.void(types.CPointer(chunk_place_data), types.uintp), nopython=True)
    def place_plain(data_ptr, data_size):
        data = numba.carray(data_ptr, 1)
        items = numba.carray(intp_to_voidptr(data[0].items), 1, dtype=np.int64)
        ts = items[0]
        if ts >= 0:
            data[0].chunk_id = ts // HEAPS_PER_CHUNK
            data[0].heap_index = ts % HEAPS_PER_CHUNK
            data[0].heap_offset = data[0].heap_index * HEAP_SIZE

    user_data_type = types.Record.make_c_struct([('stat_index', types.uintp)])

    @numba.cfunc(types.void(types.CPointer(chunk_place_data), types.uintp,
                            types.CPointer(user_data_type)), nopython=True)
    def place_bind(data_ptr, data_size, user_data_ptr):
        # Also writes the EXTRA item to chunk.extra and counts a custom statistic.
        data = numba.carray(data_ptr, 1)
        user = numba.carray(user_data_ptr, 1)
        items = numba.carray(intp_to_voidptr(data[0].items), 2, dtype=np.int64)
        ts = items[0]
        if ts >= 0:
            data[0].chunk_id = ts // HEAPS_PER_CHUNK
            data[0].heap_index = ts % HEAPS_PER_CHUNK
            data[0].heap_offset = data[0].heap_index * HEAP_SIZE
            extra = numba.carray(intp_to_voidptr(data[0].extra), 1, dtype=np.int64)
            extra[0] = items[1]
            data[0].extra_offset = data[0].heap_index * 8
            data[0].extra_size = 8
            stats = numba.carray(intp_to_voidptr(data[0].batch_stats),
                                 user[0].stat_index + 1, dtype=np.uint64)
            stats[user[0].stat_index] += 1

    @numba.cfunc(types.void(types.CPointer(chunk_place_data), types.uintp), nopython=True)
    def place_presence(data_ptr, data_size):
        # Packet presence: the heap index counts packets (4 per heap).
        data = numba.carray(data_ptr, 1)
        items = numba.carray(intp_to_voidptr(data[0].items), 1, dtype=np.int64)
        ts = items[0]
        if ts >= 0:
            data[0].chunk_id = ts // HEAPS_PER_CHUNK
            data[0].heap_index = (ts % HEAPS_PER_CHUNK) * 4
            data[0].heap_offset = (ts % HEAPS_PER_CHUNK) * HEAP_SIZE

    PLACE_PLAIN = scipy.LowLevelCallable(place_plain.ctypes, signature='void (void *, size_t)')
    PLACE_PRESENCE = scipy.LowLevelCallable(place_presence.ctypes,
                                            signature='void (void *, size_t)')


def plain_config(module, **kwargs):
    return module.recv.ChunkStreamConfig(items=[TIMESTAMP_ID], place=PLACE_PLAIN, **kwargs)


def reference_spead2():
    """spead2 itself, when SPEAD2_PYTHONPATH names a spead2 build's package; else None."""
    path = os.environ.get('SPEAD2_PYTHONPATH', '')
    if not path or not os.path.isdir(path):
        return None
    if path not in sys.path:
        sys.path.append(path)
    try:
        import spead2
        import spead2.recv  # noqa: F401
        return spead2
    except ImportError:
        return None


# Scenarios compared with spead2 (module -> (chunks, stats)), expected values below.
def scenario_in_order(module):
    packets = [p for ts in range(10) for p in heap_packets(ts + 1, ts)]
    return run(module, packets, plain_config(module))


def scenario_window_jump_and_too_old(module):
    # Chunk 0, then chunk 5 (0 readied, 4 back-filled), then chunk 0 again: too old.
    packets = heap_packets(1, 0) + heap_packets(2, 21) + heap_packets(3, 1)
    return run(module, packets, plain_config(module))


def scenario_rejected(module):
    packets = heap_packets(1, 0) + heap_packets(2, 9, timestamp=False) + heap_packets(3, 1)
    return run(module, packets, plain_config(module))


def scenario_completes_after_chunk_left(module):
    # Heap 1's first half, a heap of chunk 1 (max_chunks 1: chunk 0 leaves), its rest.
    first, second = heap_packets(1, 0, split=32)
    packets = [first] + heap_packets(2, 4) + [second]
    return run(module, packets, plain_config(module, max_chunks=1),
               stream_config=module.recv.StreamConfig(max_heaps=8))


def scenario_packet_presence(module):
    # Four 16-byte packets per heap; heap 2 loses packets 1 and 3.
    packets = heap_packets(1, 0, split=16) + heap_packets(2, 1, split=16, only=(0, 2))
    config = module.recv.ChunkStreamConfig(items=[TIMESTAMP_ID], place=PLACE_PRESENCE)
    config.enable_packet_presence(16)
    return run(module, packets, config, present=HEAPS_PER_CHUNK * 4,
               stream_config=module.recv.StreamConfig(allow_out_of_order=True))


def fill_heap(ts, kept):
    """payload(ts) where ``kept`` byte ranges arrived, FILL elsewhere."""
    data = bytearray([FILL] * HEAP_SIZE)
    for start, end in kept:
        data[start:end] = payload(ts)[start:end]
    return bytes(data)


def chunk_data(heaps):
    """A chunk's data from per-heap bytes (None: never written)."""
    return b''.join(h if h is not None else bytes([FILL] * HEAP_SIZE) for h in heaps)


class qa_chunk_stream(gr_unittest.TestCase):
    # --- configuration --------------------------------------------------------------

    def test_config_defaults_and_errors(self):
        config = recv.ChunkStreamConfig()
        self.assertEqual(config.items, [])
        self.assertEqual(config.max_chunks, recv.ChunkStreamConfig.DEFAULT_MAX_CHUNKS)
        self.assertEqual(config.DEFAULT_MAX_CHUNKS, 2)
        self.assertIsNone(config.place)
        self.assertEqual(config.packet_presence_payload_size, 0)
        self.assertEqual(config.max_heap_extra, 0)
        with self.assertRaises(ValueError):
            config.max_chunks = 0
        with self.assertRaises(ValueError):
            config.enable_packet_presence(0)
        # Both return the configuration itself (spead2 chains them into constructors).
        self.assertIs(config.enable_packet_presence(100), config)
        self.assertEqual(config.packet_presence_payload_size, 100)
        self.assertIs(config.disable_packet_presence(), config)
        self.assertEqual(config.packet_presence_payload_size, 0)
        chained = recv.ChunkStreamConfig(max_chunks=3).enable_packet_presence(7)
        self.assertEqual((chained.max_chunks, chained.packet_presence_payload_size), (3, 7))
        with self.assertRaises(IndexError):
            recv.ChunkStreamConfig(place=())
        with self.assertRaises(TypeError):
            recv.ChunkStreamConfig(place=1)
        with self.assertRaises(TypeError):
            recv.ChunkStreamConfig(place=(1,))
        with self.assertRaises(TypeError):
            recv.ChunkStreamConfig(bogus=1)
        config = recv.ChunkStreamConfig(items=[1, 2], max_chunks=5, max_heap_extra=8)
        self.assertEqual((config.items, config.max_chunks, config.max_heap_extra),
                         ([1, 2], 5, 8))

    def test_missing_place_or_buffers(self):
        data_ring, free_ring = recv.ChunkRingbuffer(2), recv.ChunkRingbuffer(2)
        with self.assertRaises(ValueError):
            recv.ChunkRingStream(spead.ThreadPool(), recv.StreamConfig(),
                                 recv.ChunkStreamConfig(), data_ring, free_ring)
        with self.assertRaises(ValueError):
            free_ring.put(recv.Chunk(present=np.zeros(4, np.uint8)))
        with self.assertRaises(ValueError):
            free_ring.put(recv.Chunk(data=np.zeros(4, np.uint8)))
        with self.assertRaises(TypeError):
            free_ring.put(recv.Chunk(data=b'read-only', present=np.zeros(4, np.uint8)))

    # --- the ring ---------------------------------------------------------------------

    def test_chunk_ringbuffer(self):
        ring = recv.ChunkRingbuffer(2)
        self.assertEqual((ring.maxsize, ring.qsize(), ring.empty(), ring.full()),
                         (2, 0, True, False))
        with self.assertRaises(spead.Empty):
            ring.get_nowait()
        first = make_chunk()
        first.chunk_id = 12
        ring.put(first)
        ring.put_nowait(make_chunk())
        self.assertTrue(ring.full())
        with self.assertRaises(spead.Full):
            ring.put_nowait(make_chunk())
        back = ring.get()
        self.assertIs(back, first)
        self.assertEqual(back.chunk_id, 12)
        self.assertEqual(ring.qsize(), 1)
        ring.stop()
        with self.assertRaises(spead.Stopped):
            ring.put(make_chunk())
        self.assertEqual(len(list(ring)), 1)
        with self.assertRaises(spead.Stopped):
            ring.get()
        producers = recv.ChunkRingbuffer(1)
        producers.add_producer()
        producers.add_producer()
        self.assertFalse(producers.remove_producer())
        self.assertTrue(producers.remove_producer())
        with self.assertRaises(spead.Stopped):
            producers.get_nowait()

    def test_asyncio_chunk_ringbuffer(self):
        from gnuradio.spead.recv.asyncio import ChunkRingbuffer

        async def main():
            ring = ChunkRingbuffer(1)
            await ring.put(make_chunk())
            # Full: the second put waits until get() makes room.
            second = asyncio.ensure_future(ring.put(make_chunk()))
            await asyncio.sleep(0.01)
            self.assertFalse(second.done())
            await ring.get()
            await asyncio.wait_for(second, PATIENCE)
            getter = asyncio.ensure_future(ring.get())
            got = await asyncio.wait_for(getter, PATIENCE)
            self.assertIsInstance(got, recv.Chunk)
            await ring.put(make_chunk())
            ring.stop()
            return [c async for c in ring]

        self.assertEqual(len(asyncio.run(asyncio.wait_for(main(), PATIENCE))), 1)

    # --- the built-in placement --------------------------------------------------------

    def test_timestamp_placement(self):
        # Timestamps step by 10, 2 steps per chunk, two channel groups of 256
        # (frequency item 0x1603), the timestamp copied to extra.
        placement = recv.TimestampPlacement(TIMESTAMP_ID, 10, 2, HEAP_SIZE,
                                            index_id=0x1603, index_step=256,
                                            index_count=2, extra_items=[TIMESTAMP_ID])
        self.assertEqual((placement.chunk_heaps, placement.chunk_data_size,
                          placement.heap_extra_size), (4, 4 * HEAP_SIZE, 8))
        config = recv.ChunkStreamConfig(place=placement, max_chunks=2)
        self.assertIs(config.place, placement)
        self.assertEqual(config.max_heap_extra, 8)
        packets = []
        cnt = 1
        for step in range(3):
            for freq in (256, 0):
                packets += [spead.encode_heap(cnt, [(TIMESTAMP_ID, 10 * step),
                                                    (0x1603, freq),
                                                    (0x1601, payload(step * 2 + freq // 256))],
                                              flavour=spead.Flavour(4, 64, 48))[0]]
                cnt += 1
        # A heap of another size and one with a frequency beyond the groups: rejected.
        packets += spead.encode_heap(cnt, [(TIMESTAMP_ID, 0), (0x1603, 0), (0x1601, b'x')],
                                     flavour=spead.Flavour(4, 64, 48))
        packets += spead.encode_heap(cnt + 1, [(TIMESTAMP_ID, 0), (0x1603, 512),
                                               (0x1601, payload(0))],
                                     flavour=spead.Flavour(4, 64, 48))
        data_ring, free_ring = recv.ChunkRingbuffer(4), recv.ChunkRingbuffer(4)
        stream = recv.ChunkRingStream(spead.ThreadPool(), recv.StreamConfig(max_heaps=2),
                                      config, data_ring, free_ring)
        for _ in range(3):
            stream.add_free_chunk(placement.make_chunk())
        stream.add_buffer_reader(b''.join(packets))
        chunks = list(data_ring)
        self.assertEqual([c.chunk_id for c in chunks], [0, 1])
        np.testing.assert_equal(chunks[0].present, [1, 1, 1, 1])
        np.testing.assert_equal(chunks[1].present, [1, 1, 0, 0])
        for chunk in chunks:
            for index in range(4):
                if chunk.present[index]:
                    step = chunk.chunk_id * 2 + index // 2
                    self.assertEqual(bytes(chunk.data[index * HEAP_SIZE:(index + 1) * HEAP_SIZE]),
                                     payload(step * 2 + index % 2))
                    self.assertEqual(chunk.extra[index, 0], 10 * step)
        self.assertEqual(stream.stats['rejected_heaps'], 2)
        self.assertEqual(placement.chunk_timestamp(1), 20)
        with self.assertRaises(ValueError):
            recv.TimestampPlacement(TIMESTAMP_ID, 0, 2, HEAP_SIZE)

    # --- numba place functions ----------------------------------------------------------

    @unittest.skipUnless(HAVE_NUMBA, NUMBA_MISSING)
    def test_place_callback_signatures(self):
        config = recv.ChunkStreamConfig(place=PLACE_PLAIN)
        self.assertIs(config.place, PLACE_PLAIN)
        with self.assertRaises(ValueError):
            recv.ChunkStreamConfig(place=scipy.LowLevelCallable(place_plain.ctypes,
                                                                 signature='void (void)'))

    @unittest.skipUnless(HAVE_NUMBA, NUMBA_MISSING)
    def test_in_order(self):
        chunks, stats = scenario_in_order(spead)
        self.assertEqual([c[0] for c in chunks], [0, 1, 2])
        self.assertEqual([c[1] for c in chunks], [[1] * 4, [1] * 4, [1, 1, 0, 0]])
        for chunk_id, present, data, _ in chunks:
            heaps = [payload(chunk_id * 4 + i) if p else None for i, p in enumerate(present)]
            self.assertEqual(data, chunk_data(heaps))
        self.assertEqual(stats, {'heaps': 10, 'incomplete_heaps_evicted': 0,
                                 'incomplete_heaps_flushed': 0, 'too_old_heaps': 0,
                                 'rejected_heaps': 0})

    @unittest.skipUnless(HAVE_NUMBA, NUMBA_MISSING)
    def test_window_jump_and_too_old(self):
        chunks, stats = scenario_window_jump_and_too_old(spead)
        self.assertEqual([(c[0], c[1]) for c in chunks],
                         [(0, [1, 0, 0, 0]), (4, [0, 0, 0, 0]), (5, [0, 1, 0, 0])])
        self.assertEqual(chunks[0][2], chunk_data([payload(0), None, None, None]))
        self.assertEqual(stats['too_old_heaps'], 1)
        self.assertEqual(stats['heaps'], 3)

    @unittest.skipUnless(HAVE_NUMBA, NUMBA_MISSING)
    def test_rejected(self):
        chunks, stats = scenario_rejected(spead)
        self.assertEqual([(c[0], c[1]) for c in chunks], [(0, [1, 1, 0, 0])])
        self.assertEqual((stats['rejected_heaps'], stats['heaps']), (1, 3))

    @unittest.skipUnless(HAVE_NUMBA, NUMBA_MISSING)
    def test_heap_completing_after_its_chunk_left(self):
        chunks, stats = scenario_completes_after_chunk_left(spead)
        self.assertEqual([(c[0], c[1]) for c in chunks], [(0, [0] * 4), (1, [1, 0, 0, 0])])
        self.assertEqual(chunks[0][2], chunk_data([fill_heap(0, [(0, 32)]), None, None, None]))
        self.assertEqual((stats['too_old_heaps'], stats['heaps']), (1, 2))

    @unittest.skipUnless(HAVE_NUMBA, NUMBA_MISSING)
    def test_packet_presence(self):
        chunks, stats = scenario_packet_presence(spead)
        self.assertEqual([(c[0], c[1]) for c in chunks],
                         [(0, [1, 1, 1, 1, 1, 0, 1, 0] + [0] * 8)])
        self.assertEqual(chunks[0][2], chunk_data([payload(0),
                                                   fill_heap(1, [(0, 16), (32, 48)]),
                                                   None, None]))
        self.assertEqual(stats['incomplete_heaps_flushed'], 1)

    @unittest.skipUnless(HAVE_NUMBA, NUMBA_MISSING)
    def test_extra_and_custom_statistic(self):
        stream_config = recv.StreamConfig()
        index = stream_config.add_stat('placed_heaps')
        user_data = np.zeros(1, dtype=numba.np.numpy_support.as_dtype(user_data_type))
        user_data['stat_index'] = index
        place = scipy.LowLevelCallable(place_bind.ctypes,
                                       user_data=user_data.ctypes.data_as(ctypes.c_void_p),
                                       signature='void (void *, size_t, void *)')
        config = recv.ChunkStreamConfig(items=[TIMESTAMP_ID, EXTRA_ID], max_heap_extra=8,
                                        place=place)
        packets = [p for ts in range(3) for p in heap_packets(ts + 1, ts, extra=100 + ts)]
        data_ring, free_ring = recv.ChunkRingbuffer(2), recv.ChunkRingbuffer(2)
        stream = recv.ChunkRingStream(spead.ThreadPool(), stream_config, config,
                                      data_ring, free_ring)
        stream.add_free_chunk(make_chunk(extra=True))
        stream.add_buffer_reader(b''.join(packets))
        chunk = data_ring.get()
        self.assertEqual(chunk.extra.tolist(), [100, 101, 102, -2])
        with self.assertRaises(spead.Stopped):
            data_ring.get()
        self.assertEqual(stream.stats['placed_heaps'], 3)

    @unittest.skipUnless(HAVE_NUMBA, NUMBA_MISSING)
    def test_stop_during_receive(self):
        # One free chunk: chunk 0 takes it, chunk 1 waits for another until stop().
        queue = spead.InprocQueue()
        data_ring, free_ring = recv.ChunkRingbuffer(2), recv.ChunkRingbuffer(2)
        stream = recv.ChunkRingStream(spead.ThreadPool(), recv.StreamConfig(),
                                      plain_config(spead), data_ring, free_ring)
        stream.add_inproc_reader(queue)
        stream.add_free_chunk(make_chunk())
        got = []
        consumer = threading.Thread(target=lambda: got.extend(data_ring))
        consumer.start()
        for p in heap_packets(1, 0) + heap_packets(2, 4):
            queue.add_packet(p)
        self.assertTrue(wait_for(lambda: free_ring.qsize() == 0))
        stream.stop()
        consumer.join(PATIENCE)
        self.assertFalse(consumer.is_alive())
        # stop() dropped the chunk still in the window.
        self.assertEqual(got, [])
        with self.assertRaises(spead.Stopped):
            free_ring.get_nowait()

    @unittest.skipUnless(HAVE_NUMBA, NUMBA_MISSING)
    def test_same_as_spead2(self):
        spead2 = reference_spead2()
        if spead2 is None:
            self.skipTest('spead2 is not built here')
        for scenario in (scenario_in_order, scenario_window_jump_and_too_old,
                         scenario_rejected, scenario_completes_after_chunk_left,
                         scenario_packet_presence):
            with self.subTest(scenario=scenario.__name__):
                self.assertEqual(scenario(spead), scenario(spead2))


if __name__ == '__main__':
    gr_unittest.run(qa_chunk_stream)
