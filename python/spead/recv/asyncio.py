#
# Copyright 2026 gr-spead authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#

"""asyncio receive streams and chunk rings (spead2.recv.asyncio).

Each blocking operation (a stream's get, a chunk ring's get and put) has a file
descriptor that is readable while the operation may succeed (something queued, room,
or the end). The event loop watches it only while some call waits, and serves the
waiting calls in the order they were made.
"""

import asyncio
import collections

from .. import spead_python as _bound

__all__ = ['Stream', 'ChunkRingbuffer']


class _FdWaiters:
    """Coroutine calls of one non-blocking operation, served in call order.

    ``attempt`` raises ``busy`` (Empty or Full) when it cannot succeed yet, and Stopped
    at the end. While calls wait, one reader callback on ``fd`` runs the oldest pending
    call's attempt and hands it the result: a result is only ever taken for a call that
    is still pending, so a cancelled call loses nothing. (A call cancelled after its
    result was handed over but before it resumed loses that result, as in spead2.)
    """

    def __init__(self, fd, busy):
        self._fd = fd
        self._busy = busy
        self._waiters = collections.deque()  # (future, attempt), oldest first
        self._loop = None  # the loop watching fd, None when not watched

    async def run(self, attempt):
        if not self._pending():
            try:
                result = attempt()
            except self._busy:
                pass
            else:
                # Let other tasks run: a consumer of a full queue must not starve them.
                await asyncio.sleep(0)
                return result
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self._waiters.append((future, attempt))
        if self._loop is None:
            loop.add_reader(self._fd, self._ready)
            self._loop = loop
        try:
            return await future
        finally:
            if future.cancelled() or not future.done():
                self._discard(future)

    def _pending(self):
        while self._waiters and self._waiters[0][0].done():
            self._waiters.popleft()
        return bool(self._waiters)

    def _discard(self, future):
        self._waiters = collections.deque(w for w in self._waiters if w[0] is not future)
        if not self._pending():
            self._unwatch()

    def _unwatch(self):
        if self._loop is not None:
            self._loop.remove_reader(self._fd)
            self._loop = None

    def _ready(self):
        while self._pending():
            future, attempt = self._waiters[0]
            try:
                result = attempt()
            except self._busy:
                return  # woken early: keep watching
            except _bound.Stopped:
                for waiter, _ in self._waiters:
                    if not waiter.done():
                        waiter.set_exception(_bound.Stopped())
                self._waiters.clear()
                break
            except Exception as e:  # this call's own failure (e.g. an invalid chunk)
                self._waiters.popleft()
                future.set_exception(e)
                continue
            self._waiters.popleft()
            future.set_result(result)
        self._unwatch()


class Stream(_bound._recv.Stream):
    """A receive stream whose get() is a coroutine and which supports ``async for``.

    Constructed as spead2.recv.Stream: ``Stream(thread_pool, config=StreamConfig(),
    ring_config=RingStreamConfig())``. Iteration ends, and get() raises
    gnuradio.spead.Stopped, once the stream has stopped and every heap is taken.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._gets = _FdWaiters(self.fd, _bound.Empty)

    async def get(self):
        """The next heap; raises Stopped at the end of the stream."""
        return await self._gets.run(self.get_nowait)

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

    Waiting get() calls are served in call order from data_fd, waiting put() calls from
    space_fd. Iteration ends, and get() raises gnuradio.spead.Stopped, once the ring is
    stopped and empty; put() raises Stopped once the ring is stopped.
    """

    def __init__(self, maxsize):
        super().__init__(maxsize)
        self._gets = _FdWaiters(self.data_fd, _bound.Empty)
        self._puts = _FdWaiters(self.space_fd, _bound.Full)

    async def get(self):
        """The next chunk; raises Stopped once the ring is stopped and empty."""
        return await self._gets.run(self.get_nowait)

    async def put(self, chunk):
        """Adds a chunk, waiting for room; raises Stopped once the ring is stopped."""
        return await self._puts.run(lambda: self.put_nowait(chunk))

    def __aiter__(self):
        return self

    async def __anext__(self):
        try:
            return await self.get()
        except _bound.Stopped:
            raise StopAsyncIteration from None
