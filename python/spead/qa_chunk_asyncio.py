#!/usr/bin/env python3
#
# Copyright 2026 gr-spead authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#

"""gnuradio.spead.recv.asyncio.ChunkRingbuffer: several get() and put() calls in flight
at once are served in call order, a cancelled call neither takes nor adds a chunk,
stop() ends every waiting call, and a consumer that never waits still lets other tasks
run.

spead2.recv.asyncio.ChunkRingbuffer gives the same results for every test here (checked by
running this file with spead2 imported in place of gnuradio.spead)."""

import asyncio

import numpy as np
from gnuradio import gr_unittest

import gnuradio.spead as spead
from gnuradio.spead import recv
from gnuradio.spead.recv.asyncio import ChunkRingbuffer
from recv_test_support import PATIENCE


def chunk(label):
    c = recv.Chunk(present=np.zeros(1, np.uint8), data=np.zeros(4, np.uint8))
    c.chunk_id = label
    return c


def run(coroutine):
    """Runs a test coroutine, bounded in time."""
    return asyncio.run(asyncio.wait_for(coroutine, PATIENCE))


class qa_chunk_asyncio(gr_unittest.TestCase):
    def test_waiting_gets_are_served_in_call_order(self):
        async def main():
            ring = ChunkRingbuffer(4)
            gets = [asyncio.ensure_future(ring.get()) for _ in range(3)]
            await asyncio.sleep(0)  # every get() is now waiting
            self.assertFalse(any(g.done() for g in gets))
            for label in (10, 11, 12):
                ring.put_nowait(chunk(label))
            got = await asyncio.gather(*gets)
            return [c.chunk_id for c in got]

        self.assertEqual(run(main()), [10, 11, 12])

    def test_cancelled_get_takes_no_chunk(self):
        # Two gets wait; the first is cancelled; the chunk goes to the second (one
        # watcher of the descriptor for both, so cancelling one leaves the other awake).
        async def main():
            ring = ChunkRingbuffer(2)
            first = asyncio.ensure_future(ring.get())
            second = asyncio.ensure_future(ring.get())
            await asyncio.sleep(0.01)
            first.cancel()
            ring.put_nowait(chunk(5))
            got = await second
            return first.cancelled(), got.chunk_id, ring.qsize()

        self.assertEqual(run(main()), (True, 5, 0))

    def test_waiting_puts_in_call_order_and_cancelled_put_adds_nothing(self):
        async def main():
            ring = ChunkRingbuffer(1)
            ring.put_nowait(chunk(0))
            puts = [asyncio.ensure_future(ring.put(chunk(label))) for label in (1, 2, 3)]
            await asyncio.sleep(0.01)
            self.assertFalse(any(p.done() for p in puts))
            puts[1].cancel()
            out = []
            for _ in range(3):
                out.append((await ring.get()).chunk_id)
            await asyncio.gather(puts[0], puts[2])
            return out, puts[1].cancelled(), ring.qsize()

        self.assertEqual(run(main()), ([0, 1, 3], True, 0))

    def test_stop_ends_every_waiting_call(self):
        async def main():
            empty, full = ChunkRingbuffer(1), ChunkRingbuffer(1)
            full.put_nowait(chunk(0))
            gets = [asyncio.ensure_future(empty.get()) for _ in range(2)]
            puts = [asyncio.ensure_future(full.put(chunk(i))) for i in (1, 2)]
            await asyncio.sleep(0.01)
            empty.stop()
            full.stop()
            results = await asyncio.gather(*gets, *puts, return_exceptions=True)
            left = [c.chunk_id async for c in full]
            return [type(r) for r in results], left

        kinds, left = run(main())
        self.assertEqual(kinds, [spead.Stopped] * 4)
        self.assertEqual(left, [0])

    def test_consumer_of_a_full_ring_lets_other_tasks_run(self):
        # Every get() succeeds at once; each still yields to the loop once, so the
        # other task runs before the consumer has emptied the ring.
        async def main():
            ring = ChunkRingbuffer(8)
            for label in range(8):
                ring.put_nowait(chunk(label))
            ring.stop()
            order = []

            async def other():
                order.append('other')

            task = asyncio.ensure_future(other())
            async for c in ring:
                order.append(c.chunk_id)
            await task
            return order

        order = run(main())
        self.assertLess(order.index('other'), 8)


if __name__ == '__main__':
    gr_unittest.run(qa_chunk_asyncio)
