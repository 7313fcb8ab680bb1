#!/usr/bin/env python3
#
# Copyright 2026 gr-spead authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#

"""spead2.recv's chunk stream groups: ChunkStreamGroupConfig, ChunkStreamRingGroup as a
sequence of ChunkStreamGroupMember streams, members filling the same chunks in lossless
and lossy modes, eviction of old chunks, and stopping the group while a member waits.

Heaps are placed by the built-in TimestampPlacement (chunk ts // 4, heap ts % 4), so no
numba is needed. Each member has its own thread pool, as groups require."""

import collections.abc
import gc
import threading
import weakref

import numpy as np
from gnuradio import gr_unittest

import gnuradio.spead as spead
from gnuradio.spead import recv
from qa_chunk_stream import HEAP_SIZE, HEAPS_PER_CHUNK, TIMESTAMP_ID, heap_packets, payload
from recv_test_support import PATIENCE, wait_for

EvictionMode = recv.ChunkStreamGroupConfig.EvictionMode
FREE_CHUNKS = 8


def chunk_config(max_chunks=2):
    placement = recv.TimestampPlacement(TIMESTAMP_ID, 1, HEAPS_PER_CHUNK, HEAP_SIZE)
    return recv.ChunkStreamConfig(place=placement, max_chunks=max_chunks)


class Group:
    """A ring group (max_chunks 2) of ``members`` members fed by inproc queues."""

    def __init__(self, mode, members=2):
        self.data_ring = recv.ChunkRingbuffer(FREE_CHUNKS)
        self.free_ring = recv.ChunkRingbuffer(FREE_CHUNKS)
        self.group = recv.ChunkStreamRingGroup(
            recv.ChunkStreamGroupConfig(max_chunks=2, eviction_mode=mode),
            self.data_ring, self.free_ring)
        for _ in range(FREE_CHUNKS):
            self.group.add_free_chunk(recv.Chunk(
                present=np.zeros(HEAPS_PER_CHUNK, np.uint8),
                data=np.zeros(HEAPS_PER_CHUNK * HEAP_SIZE, np.uint8)))
        self.queues = [spead.InprocQueue() for _ in range(members)]
        for i in range(members):
            self.group.emplace_back(spead.ThreadPool(), recv.StreamConfig(stream_id=i),
                                    chunk_config())
        for member, queue in zip(self.group, self.queues):
            member.add_inproc_reader(queue)

    def send(self, member, timestamps):
        for ts in timestamps:
            for p in heap_packets(ts + 1, ts):
                self.queues[member].add_packet(p)

    def finish(self):
        """Ends every member's input; returns (chunk_id, present, data) of every chunk
        until the data ring stops."""
        for queue in self.queues:
            queue.stop()
        out = []
        for chunk in self.data_ring:
            out.append((chunk.chunk_id, chunk.present.tolist(), bytes(chunk.data)))
            self.group.add_free_chunk(chunk)
        return out


def chunk_bytes(chunk_id, present):
    return b''.join(payload(chunk_id * HEAPS_PER_CHUNK + i) if p else bytes(HEAP_SIZE)
                    for i, p in enumerate(present))


class qa_chunk_stream_group(gr_unittest.TestCase):
    def test_config(self):
        config = recv.ChunkStreamGroupConfig()
        self.assertEqual(config.max_chunks, recv.ChunkStreamGroupConfig.DEFAULT_MAX_CHUNKS)
        self.assertEqual(config.DEFAULT_MAX_CHUNKS, 2)
        self.assertEqual(config.eviction_mode, EvictionMode.LOSSY)
        with self.assertRaises(ValueError):
            config.max_chunks = 0
        config = recv.ChunkStreamGroupConfig(max_chunks=5, eviction_mode=EvictionMode.LOSSLESS)
        self.assertEqual((config.max_chunks, config.eviction_mode), (5, EvictionMode.LOSSLESS))
        with self.assertRaises(TypeError):
            recv.ChunkStreamGroupConfig(bogus=1)

    def test_sequence_of_members(self):
        g = Group(EvictionMode.LOSSY, members=3)
        group = g.group
        members = list(group)
        self.assertTrue(isinstance(group, collections.abc.Sequence))
        self.assertEqual(len(group), 3)
        self.assertIs(group[0], members[0])
        self.assertIs(group[-1], members[2])
        self.assertEqual(group[2:0:-1], [members[2], members[1]])
        self.assertEqual(list(reversed(group)), members[::-1])
        self.assertEqual((group.index(members[1]), group.count(members[0])), (1, 1))
        self.assertIn(members[2], group)
        with self.assertRaises(IndexError):
            group[3]
        with self.assertRaises(IndexError):
            group[-4]
        self.assertIsInstance(members[0], recv.ChunkStreamGroupMember)
        self.assertIs(group.data_ringbuffer, g.data_ring)
        self.assertEqual(group.config.max_chunks, 2)
        # A member's window may not exceed the group's.
        with self.assertRaises(ValueError):
            group.emplace_back(spead.ThreadPool(), recv.StreamConfig(), chunk_config(3))
        group.stop()
        with self.assertRaises(RuntimeError):
            group.emplace_back(spead.ThreadPool(), recv.StreamConfig(), chunk_config())

    def test_members_keep_the_group_alive(self):
        group = Group(EvictionMode.LOSSY).group
        weak = weakref.ref(group)
        members = group[0:2]
        del group
        gc.collect()
        self.assertIsNotNone(weak())
        members.clear()
        gc.collect()
        self.assertIsNone(weak())

    def test_lossless_waits_for_every_member(self):
        g = Group(EvictionMode.LOSSLESS)
        # Member 0 carries the even timestamps of chunks 0-2, member 1 the odd ones.
        g.send(0, [0, 2, 4, 6, 8, 10])
        # Member 0 took chunks 0 and 1 and waits to begin chunk 2: nothing leaves while
        # member 1 has not moved past chunk 0.
        self.assertTrue(wait_for(lambda: g.free_ring.qsize() == FREE_CHUNKS - 2))
        self.assertEqual(g.data_ring.qsize(), 0)
        g.send(1, [1, 3, 5, 7, 9, 11])
        chunks = g.finish()
        self.assertEqual([(c[0], c[1]) for c in chunks], [(i, [1, 1, 1, 1]) for i in range(3)])
        for chunk_id, present, data in chunks:
            self.assertEqual(data, chunk_bytes(chunk_id, present))
        self.assertEqual([m.stats['too_old_heaps'] for m in g.group], [0, 0])

    def test_lossy_evicts_old_chunks(self):
        g = Group(EvictionMode.LOSSY)
        g.send(1, [1])
        self.assertTrue(wait_for(lambda: g.group[1].stats['heaps'] == 1))
        # Member 0 runs on to chunk 3: the silent member 1 is made to let go of chunks
        # 0 and 1, and member 0 never waits for it.
        g.send(0, [0, 2, 4, 6, 8, 10, 12, 14])
        self.assertTrue(wait_for(lambda: g.group[0].stats['heaps'] == 8))
        # Chunk 0 has gone: member 1's late heap for it is too old.
        g.send(1, [3])
        self.assertTrue(wait_for(lambda: g.group[1].stats['heaps'] == 2))
        chunks = g.finish()
        self.assertEqual([(c[0], c[1]) for c in chunks],
                         [(0, [1, 1, 1, 0])] + [(i, [1, 0, 1, 0]) for i in (1, 2, 3)])
        for chunk_id, present, data in chunks:
            self.assertEqual(data, chunk_bytes(chunk_id, present))
        self.assertEqual([m.stats['too_old_heaps'] for m in g.group], [0, 1])

    def test_stop_during_receive(self):
        g = Group(EvictionMode.LOSSLESS)
        g.send(0, [0, 4, 8])
        # Member 0 waits for the silent member 1 to move past chunk 0.
        self.assertTrue(wait_for(lambda: g.free_ring.qsize() == FREE_CHUNKS - 2))
        stopper = threading.Thread(target=g.group[1].stop)  # a member stops the group
        stopper.start()
        stopper.join(PATIENCE)
        self.assertFalse(stopper.is_alive())
        # The rings stopped first: the chunks still in the window were not queued.
        with self.assertRaises(spead.Stopped):
            g.data_ring.get_nowait()
        # The free ring stopped too: iterating it ends after the chunks left there.
        self.assertEqual(len(list(g.free_ring)), FREE_CHUNKS - 2)


if __name__ == '__main__':
    gr_unittest.run(qa_chunk_stream_group)
