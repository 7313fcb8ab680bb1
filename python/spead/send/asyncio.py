#
# Copyright 2026 gr-spead authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#

"""Send streams for asyncio (spead2.send.asyncio): UdpStream, TcpStream and
InprocStream whose async_send_heap / async_send_heaps return futures, and async_flush.

A send is queued at once, in call order; its future completes with the number of bytes
sent, or an OSError. Completions arrive through a file descriptor that the running
event loop watches while sends are outstanding.
"""

import asyncio as _asyncio

from ..spead_python import _send as _bound


def _set_result(future, result):
    if not future.done():
        future.set_result(result)


def _set_exception(future, exc):
    if not future.done():
        future.set_exception(exc)


class _AsyncSendMixin:
    """Futures over the bound class's callback interface."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._active = 0
        self._last_queued_future = None
        self._loop = None

    def _async_send(self, start):
        loop = _asyncio.get_event_loop()
        future = loop.create_future()

        def callback(exc, bytes_transferred):
            if exc is not None:
                _set_exception(future, exc)
            else:
                _set_result(future, bytes_transferred)
            self._active -= 1
            if self._active == 0:
                self._loop.remove_reader(self.fd)
                self._loop = None
                self._last_queued_future = None

        queued = start(callback)
        if self._active == 0:
            self._loop = loop
            loop.add_reader(self.fd, self.process_callbacks)
        self._active += 1
        if queued:
            self._last_queued_future = future
        return future

    def async_send_heap(self, heap, cnt=-1, substream_index=0, rate=-1.0):
        """Queue `heap`; returns a future for the bytes sent (not a coroutine: the
        heap is queued before this returns, so calls keep their order)."""
        send = super().async_send_heap
        return self._async_send(
            lambda callback: send(heap, callback, cnt, substream_index, rate))

    def async_send_heaps(self, heaps, mode):
        """Queue a group of heaps (a list of HeapReference, or a HeapReferenceList)
        whose packets interleave as `mode` says; returns one future."""
        send = super().async_send_heaps
        return self._async_send(lambda callback: send(heaps, callback, mode))

    async def async_flush(self):
        """Wait until every heap queued before this call has been sent."""
        future = self._last_queued_future
        if future is not None:
            await _asyncio.wait([future])


class UdpStream(_AsyncSendMixin, _bound.UdpStreamAsyncio):
    """SPEAD over UDP with asynchronous sends; the constructors of
    gnuradio.spead.send.UdpStream."""


class InprocStream(_AsyncSendMixin, _bound.InprocStreamAsyncio):
    """SPEAD into InprocQueues with asynchronous sends. Heaps beyond the stream's
    max_heaps are refused (OSError), so await the futures before queueing more."""


class TcpStream(_AsyncSendMixin, _bound.TcpStreamAsyncio):
    """SPEAD over TCP with asynchronous sends. Use `await TcpStream.connect(...)`
    (arguments as gnuradio.spead.send.TcpStream's) to connect without blocking the
    event loop; the constructor takes (thread_pool, socket, config) for a socket
    already connected."""

    @classmethod
    async def connect(cls, *args, **kwargs):
        """Connect (in a worker thread) and return the stream."""
        loop = _asyncio.get_event_loop()
        return await loop.run_in_executor(None, lambda: cls(*args, **kwargs))


__all__ = ['UdpStream', 'TcpStream', 'InprocStream']
