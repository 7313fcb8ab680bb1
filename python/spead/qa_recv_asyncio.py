#!/usr/bin/env python3
#
# Copyright 2026 gr-spead authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#

"""spead2.recv.asyncio.Stream: get() as a coroutine with several calls in flight,
``async for``, Stopped at the end, cancellation."""

import asyncio
import socket

from gnuradio import gr_unittest

import gnuradio.spead as spead2
from recv_test_support import PATIENCE, free_port, packet, stop_packet

ID = 0x1000


def run(coroutine):
    """Runs a test coroutine, bounded in time."""
    return asyncio.run(asyncio.wait_for(coroutine, PATIENCE))


def inproc_stream():
    queue = spead2.InprocQueue()
    stream = spead2.recv.asyncio.Stream(spead2.ThreadPool(), spead2.recv.StreamConfig(),
                                        spead2.recv.RingStreamConfig(heaps=2))
    stream.add_inproc_reader(queue)
    return stream, queue


class qa_recv_asyncio(gr_unittest.TestCase):
    def test_is_a_recv_stream(self):
        self.assertTrue(issubclass(spead2.recv.asyncio.Stream, spead2.recv.Stream))

    def test_in_flight_gets_are_served_in_call_order(self):
        async def main():
            stream, queue = inproc_stream()
            gets = [asyncio.ensure_future(stream.get()) for _ in range(5)]
            await asyncio.sleep(0)  # every get() is now waiting
            self.assertFalse(any(g.done() for g in gets))
            # More heaps than the ring holds: the reader waits while the loop drains.
            for cnt in range(1, 6):
                queue.add_packet(packet(cnt, [(ID, cnt)]))
            heaps = await asyncio.gather(*gets)
            self.assertEqual([h.cnt for h in heaps], [1, 2, 3, 4, 5])
            stream.stop()

        run(main())

    def test_async_for_ends_at_stop_and_get_raises_stopped(self):
        async def main():
            stream, queue = inproc_stream()
            for cnt in (1, 2, 3):
                queue.add_packet(packet(cnt, [(ID, cnt)]))
            queue.add_packet(stop_packet(4))
            cnts = []
            async for heap in stream:
                cnts.append(heap.cnt)
            self.assertEqual(cnts, [1, 2, 3])
            with self.assertRaises(spead2.Stopped):
                await stream.get()

        run(main())

    def test_waiting_gets_all_learn_of_the_stop(self):
        async def main():
            stream, queue = inproc_stream()
            gets = [asyncio.ensure_future(stream.get()) for _ in range(3)]
            await asyncio.sleep(0)
            queue.add_packet(packet(1, [(ID, 1)]))
            queue.stop()
            results = await asyncio.gather(*gets, return_exceptions=True)
            self.assertEqual(results[0].cnt, 1)
            self.assertIsInstance(results[1], spead2.Stopped)
            self.assertIsInstance(results[2], spead2.Stopped)

        run(main())

    def test_cancelled_get_loses_no_heap(self):
        async def main():
            stream, queue = inproc_stream()
            first = asyncio.ensure_future(stream.get())
            second = asyncio.ensure_future(stream.get())
            await asyncio.sleep(0)
            first.cancel()
            await asyncio.sleep(0)
            queue.add_packet(packet(7, [(ID, 7)]))
            self.assertEqual((await second).cnt, 7)
            self.assertTrue(first.cancelled())
            stream.stop()

        run(main())

    def test_udp_receive_in_the_event_loop(self):
        async def main():
            port = free_port()
            stream = spead2.recv.asyncio.Stream(spead2.ThreadPool())
            stream.add_udp_reader(port, bind_hostname='127.0.0.1', buffer_size=0)
            getter = asyncio.ensure_future(stream.get())
            await asyncio.sleep(0)
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as tx:
                tx.sendto(packet(3, [(ID, 3)]), ('127.0.0.1', port))
                tx.sendto(stop_packet(4), ('127.0.0.1', port))
            self.assertEqual((await getter).cnt, 3)
            self.assertEqual([h async for h in stream], [])

        run(main())


if __name__ == '__main__':
    gr_unittest.run(qa_recv_asyncio)
