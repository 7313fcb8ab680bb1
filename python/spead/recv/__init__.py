#
# Copyright 2026 gr-spead authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#

"""Receiving SPEAD streams: the spead2.recv API over gr-spead's C++ engine.

Stream, StreamConfig, RingStreamConfig, Heap, IncompleteHeap, StreamStats,
StreamStatConfig and stream_stat_indices behave as spead2.recv documents them; see
docs/python-api.md for the differences and additions (among them Stream.reject_stats and
reject_stat_indices). The chunk API (ChunkStreamConfig, Chunk, ChunkRingbuffer,
ChunkRingPair, ChunkRingStream, the groups ChunkStreamGroupConfig, ChunkStreamRingGroup
and ChunkStreamGroupMember, and the built-in TimestampPlacement) is described in
docs/chunk-streams.md.
"""

import collections.abc as _abc

from ..spead_python import _recv as _bound

Stream = _bound.Stream
StreamConfig = _bound.StreamConfig
RingStreamConfig = _bound.RingStreamConfig
StreamStats = _bound.StreamStats
StreamStatConfig = _bound.StreamStatConfig
HeapBase = _bound.HeapBase
Heap = _bound.Heap
IncompleteHeap = _bound.IncompleteHeap
RawItem = _bound.RawItem
ChunkStreamConfig = _bound.ChunkStreamConfig
Chunk = _bound.Chunk
ChunkRingbuffer = _bound.ChunkRingbuffer
ChunkRingPair = _bound.ChunkRingPair
ChunkRingStream = _bound.ChunkRingStream
TimestampPlacement = _bound.TimestampPlacement
ChunkStreamGroupConfig = _bound.ChunkStreamGroupConfig
ChunkStreamGroupMember = _bound.ChunkStreamGroupMember


class ChunkStreamRingGroup(_bound.ChunkStreamRingGroup):
    """Several chunk streams filling the same chunks (spead2.recv.ChunkStreamRingGroup):
    a read-only sequence of its ChunkStreamGroupMember streams, which emplace_back adds.
    """

    # The bound base's metaclass is not ABCMeta, so the Sequence mixins are taken over
    # one by one and the class registered as a Sequence.
    count = _abc.Sequence.count
    index = _abc.Sequence.index
    __iter__ = _abc.Sequence.__iter__
    __contains__ = _abc.Sequence.__contains__
    __reversed__ = _abc.Sequence.__reversed__


_abc.Sequence.register(ChunkStreamRingGroup)
from . import stream_stat_indices  # noqa: E402
from . import reject_stat_indices  # noqa: E402

# spead2.recv.asyncio must be reachable as an attribute after "import spead2" alone.
from . import asyncio  # noqa: E402,F401

__all__ = ['Stream', 'StreamConfig', 'RingStreamConfig', 'StreamStats', 'StreamStatConfig',
           'HeapBase', 'Heap', 'IncompleteHeap', 'RawItem', 'stream_stat_indices',
           'reject_stat_indices', 'ChunkStreamConfig', 'Chunk', 'ChunkRingbuffer',
           'ChunkRingPair', 'ChunkRingStream', 'TimestampPlacement', 'ChunkStreamGroupConfig',
           'ChunkStreamRingGroup', 'ChunkStreamGroupMember']
