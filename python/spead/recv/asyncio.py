#
# Copyright 2026 gr-spead authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#

"""asyncio receive streams (spead2.recv.asyncio).

The stream's ring has a file descriptor that is readable while heaps are queued or the
stream has ended; the event loop watches it with add_reader only while some get() waits,
and hands heaps to the waiting get() calls in the order they were made.
"""

import asyncio
import collections

from .. import spead_python as _bound

__all__ = ['Stream', 'ChunkRingbuffer']


class Stream(_bound._recv.Stream):
    """A receive stream whose get() is a coroutine and which supports ``async for``.

    Constructed as spead2.recv.Stream: ``Stream(thread_pool, config=StreamConfig(),
    ring_config=RingStreamConfig())``. Iteration ends, and get() raises
    gnuradio.spead.Stopped, once the stream has stopped and every heap is taken.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._waiters = collections.deque()
        self._watched_loop = None

    async def get(self):
        """The next heap; raises Stopped at the end of the stream."""
        if not self._waiters:
            try:
                return self.get_nowait()
            except _bound.Empty:
                pass
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self._waiters.append(future)
        self._watch(loop)
        try:
            return await future
        finally:
            # A cancelled get() leaves the queue of waiters; a heap is only ever popped
            # for a waiter that is still pending, so none is lost.
            if not future.done() or future.cancelled():
                try:
                    self._waiters.remove(future)
                except ValueError:
                    pass
                if not self._waiters:
                    self._unwatch()

    def _watch(self, loop):
        if self._watched_loop is None:
            loop.add_reader(self.fd, self._ready)
            self._watched_loop = loop

    def _unwatch(self):
        if self._watched_loop is not None:
            self._watched_loop.remove_reader(self.fd)
            self._watched_loop = None

    def _ready(self):
        while self._waiters:
            future = self._waiters[0]
            if future.done():
                self._waiters.popleft()
                continue
            try:
                heap = self.get_nowait()
            except _bound.Empty:
                return
            except _bound.Stopped:
                while self._waiters:
                    waiter = self._waiters.popleft()
                    if not waiter.done():
                        waiter.set_exception(_bound.Stopped())
                break
            self._waiters.popleft()
            future.set_result(heap)
        self._unwatch()

    def __aiter__(self):
        return self

    async def __anext__(self):
        try:
            return await self.get()
        except _bound.Stopped:
            raise StopAsyncIteration from None


class ChunkRingbuffer(_bound._recv.ChunkRingbuffer):
    """A chunk ring whose get() and put() are coroutines, and which supports
    ``async for`` (spead2.recv.asyncio.ChunkRingbuffer).

    get() waits on data_fd and put() on space_fd, each watched by the event loop only
    while a call waits. Iteration ends, and get() raises gnuradio.spead.Stopped, once the
    ring is stopped and empty.
    """

    async def _wait_fd(self, fd):
        loop = asyncio.get_running_loop()
        future = loop.create_future()

        def ready():
            if not future.done():
                future.set_result(None)

        loop.add_reader(fd, ready)
        try:
            await future
        finally:
            loop.remove_reader(fd)

    async def get(self):
        """The next chunk; raises Stopped once the ring is stopped and empty."""
        while True:
            try:
                return self.get_nowait()
            except _bound.Empty:
                await self._wait_fd(self.data_fd)

    async def put(self, chunk):
        """Adds a chunk, waiting for room; raises Stopped once the ring is stopped."""
        while True:
            try:
                return self.put_nowait(chunk)
            except _bound.Full:
                await self._wait_fd(self.space_fd)

    def __aiter__(self):
        return self

    async def __anext__(self):
        try:
            return await self.get()
        except _bound.Stopped:
            raise StopAsyncIteration from None
