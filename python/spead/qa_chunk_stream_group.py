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
numba is needed. Each member has its own thread pool, as groups require. Where spead2 is
built, test_same_as_spead2 runs the lossless and lossy scenarios through spead2's groups
and ours with the same numba place function and compares everything: the expectations
below were checked that way."""

import asyncio
import collections.abc
import gc
import socket
import threading
import unittest
import weakref

import numpy as np
from gnuradio import gr_unittest

import gnuradio.spead as spead
from gnuradio.spead import recv
from qa_chunk_stream import (HAVE_NUMBA, HEAP_SIZE, HEAPS_PER_CHUNK, NUMBA_MISSING, TIMESTAMP_ID,
                             heap_packets, payload, plain_config, reference_spead2)
from recv_test_support import PATIENCE, free_port, stop_packet, wait_for

EvictionMode = recv.ChunkStreamGroupConfig.EvictionMode
FREE_CHUNKS = 8


def chunk_config(max_chunks=2):
    placement = recv.TimestampPlacement(TIMESTAMP_ID, 1, HEAPS_PER_CHUNK, HEAP_SIZE)
    return recv.ChunkStreamConfig(place=placement, max_chunks=max_chunks)


class Group:
    """A ring group (max_chunks 2) of ``members`` members fed by inproc queues."""

    def __init__(self, mode, members=2, module=spead, config=None):
        recv = module.recv
        self.data_ring = recv.ChunkRingbuffer(FREE_CHUNKS)
        self.free_ring = recv.ChunkRingbuffer(FREE_CHUNKS)
        self.group = recv.ChunkStreamRingGroup(
            recv.ChunkStreamGroupConfig(max_chunks=2, eviction_mode=getattr(
                recv.ChunkStreamGroupConfig.EvictionMode, mode.name)),
            self.data_ring, self.free_ring)
        for _ in range(FREE_CHUNKS):
            self.group.add_free_chunk(recv.Chunk(
                present=np.zeros(HEAPS_PER_CHUNK, np.uint8),
                data=np.zeros(HEAPS_PER_CHUNK * HEAP_SIZE, np.uint8)))
        self.queues = [module.InprocQueue() for _ in range(members)]
        for i in range(members):
            self.group.emplace_back(module.ThreadPool(), recv.StreamConfig(stream_id=i),
                                    config or chunk_config())
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


def scenario_lossless(g):
    """Member 0 carries the even timestamps of chunks 0-2, member 1 the odd ones; member
    0 sends everything first. Returns (data ring size while member 1 is silent, chunks,
    too_old_heaps per member)."""
    g.send(0, [0, 2, 4, 6, 8, 10])
    # Member 0 took chunks 0 and 1 and waits to begin chunk 2.
    assert wait_for(lambda: g.free_ring.qsize() == FREE_CHUNKS - 2)
    waiting = g.data_ring.qsize()
    g.send(1, [1, 3, 5, 7, 9, 11])
    chunks = g.finish()
    return waiting, chunks, [m.stats['too_old_heaps'] for m in g.group]


def scenario_lossy(g):
    """Member 1 sends one heap of chunk 0, member 0 runs on to chunk 3, then member 1
    sends a late heap of chunk 0. Returns (chunks, too_old_heaps per member)."""
    g.send(1, [1])
    assert wait_for(lambda: g.group[1].stats['heaps'] == 1)
    g.send(0, [0, 2, 4, 6, 8, 10, 12, 14])
    assert wait_for(lambda: g.group[0].stats['heaps'] == 8)
    g.send(1, [3])
    assert wait_for(lambda: g.group[1].stats['heaps'] == 2)
    chunks = g.finish()
    return chunks, [m.stats['too_old_heaps'] for m in g.group]


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
        waiting, chunks, too_old = scenario_lossless(Group(EvictionMode.LOSSLESS))
        # Nothing left while member 1 had not moved past chunk 0; then every heap.
        self.assertEqual(waiting, 0)
        self.assertEqual([(c[0], c[1]) for c in chunks], [(i, [1, 1, 1, 1]) for i in range(3)])
        for chunk_id, present, data in chunks:
            self.assertEqual(data, chunk_bytes(chunk_id, present))
        self.assertEqual(too_old, [0, 0])

    def test_lossy_evicts_old_chunks(self):
        # The silent member 1 is made to let go of chunks 0 and 1 when member 0 needs
        # chunks 2 and 3, so member 0 never waits; member 1's late heap is too old.
        chunks, too_old = scenario_lossy(Group(EvictionMode.LOSSY))
        self.assertEqual([(c[0], c[1]) for c in chunks],
                         [(0, [1, 1, 1, 0])] + [(i, [1, 0, 1, 0]) for i in (1, 2, 3)])
        for chunk_id, present, data in chunks:
            self.assertEqual(data, chunk_bytes(chunk_id, present))
        self.assertEqual(too_old, [0, 1])

    @unittest.skipUnless(HAVE_NUMBA, NUMBA_MISSING)
    def test_same_as_spead2(self):
        # Both scenarios through spead2's groups and ours, with the same numba place
        # function: the same chunks, bytes and statistics.
        spead2 = reference_spead2()
        if spead2 is None:
            self.skipTest('spead2 is not built here')
        for scenario, mode in ((scenario_lossless, EvictionMode.LOSSLESS),
                               (scenario_lossy, EvictionMode.LOSSY)):
            with self.subTest(scenario=scenario.__name__):
                results = [scenario(Group(mode, module=m, config=plain_config(m, max_chunks=2)))
                           for m in (spead, spead2)]
                self.assertEqual(results[0], results[1])

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

    def test_udp_members_and_asyncio_data_ring(self):
        # Two members on loopback ports, each carrying alternate heaps and then a stop
        # heap; the data ring is an asyncio ring (it comes back from the group as given).
        data_ring = recv.asyncio.ChunkRingbuffer(4)
        group = recv.ChunkStreamRingGroup(
            recv.ChunkStreamGroupConfig(max_chunks=2, eviction_mode=EvictionMode.LOSSLESS),
            data_ring, recv.ChunkRingbuffer(4))
        for _ in range(4):
            group.add_free_chunk(recv.Chunk(
                present=np.zeros(HEAPS_PER_CHUNK, np.uint8),
                data=np.zeros(HEAPS_PER_CHUNK * HEAP_SIZE, np.uint8)))
        ports = [free_port(), free_port()]
        for port in ports:
            group.emplace_back(spead.ThreadPool(), recv.StreamConfig(), chunk_config())
        for member, port in zip(group, ports):
            member.add_udp_reader(port, bind_hostname='127.0.0.1')
        self.assertIs(group.data_ringbuffer, data_ring)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as tx:
            for ts in range(8):
                for p in heap_packets(ts + 1, ts):
                    tx.sendto(p, ('127.0.0.1', ports[ts % 2]))
            for port in ports:
                tx.sendto(stop_packet(100), ('127.0.0.1', port))

        async def consume():
            out = []
            async for chunk in group.data_ringbuffer:
                out.append((chunk.chunk_id, chunk.present.tolist(), bytes(chunk.data)))
                group.add_free_chunk(chunk)
            return out

        chunks = asyncio.run(asyncio.wait_for(consume(), PATIENCE))
        self.assertEqual([(c[0], c[1]) for c in chunks], [(0, [1] * 4), (1, [1] * 4)])
        for chunk_id, present, data in chunks:
            self.assertEqual(data, chunk_bytes(chunk_id, present))
        group.stop()


if __name__ == '__main__':
    gr_unittest.run(qa_chunk_stream_group)
