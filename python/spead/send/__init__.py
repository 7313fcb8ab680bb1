#
# Copyright 2026 gr-spead authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#

"""Sending SPEAD streams: the spead2.send API over gr-spead's C++ send engine.

Heap, PacketGenerator, HeapReference, HeapReferenceList, StreamConfig, RateMethod,
GroupMode and the streams (UdpStream, TcpStream, InprocStream, BytesStream) behave as
spead2.send documents them; HeapGenerator and ItemGroup make heaps from item groups.
See docs/send.md.
"""

from ..spead_python import _send as _bound

Heap = _bound.Heap
PacketGenerator = _bound.PacketGenerator
HeapReference = _bound.HeapReference
HeapReferenceList = _bound.HeapReferenceList
StreamConfig = _bound.StreamConfig
RateMethod = _bound.RateMethod
GroupMode = _bound.GroupMode
Stream = _bound.Stream
UdpStream = _bound.UdpStream
TcpStream = _bound.TcpStream
InprocStream = _bound.InprocStream
BytesStream = _bound.BytesStream

__all__ = ['Heap', 'PacketGenerator', 'HeapReference', 'HeapReferenceList', 'StreamConfig',
           'RateMethod', 'GroupMode', 'Stream', 'UdpStream', 'TcpStream', 'InprocStream',
           'BytesStream']

# HeapGenerator and ItemGroup (pure Python) live in their own module.
try:
    from .item_group import HeapGenerator, ItemGroup  # noqa: E402,F401
except ImportError:  # pragma: no cover - only while that module is absent
    pass
else:
    __all__ += ['HeapGenerator', 'ItemGroup']

# spead2.send.asyncio must be reachable as an attribute after "import spead2.send".
from . import asyncio  # noqa: E402,F401
