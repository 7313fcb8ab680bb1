#!/usr/bin/env python3
#
# Copyright 2026 gr-spead authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#

"""gnuradio.spead.send's streams, each into a gr-spead receive stream on loopback
(UDP with substreams and a caller's socket, TCP by address and by socket, in-process
queues, bytes) and their asyncio variants; the cnt sequence, groups and errors."""

import asyncio
import socket
import struct
import threading

import numpy as np
from gnuradio import gr_unittest

import gnuradio.spead as spead2
from gnuradio.spead import recv, send
import gnuradio.spead.send.asyncio  # noqa: F401
from recv_test_support import PATIENCE, free_port, get_heaps

FLAVOUR = spead2.Flavour(4, 64, 48, 0)
ID = 0x1000


class FakeItem:
    def __init__(self, item_id, value):
        self.id = item_id
        self.value = value

    def to_buffer(self):
        return self.value

    def allow_immediate(self):
        return False


def data_heap(value):
    heap = send.Heap(FLAVOUR)
    heap.add_item(FakeItem(ID, value))
    return heap


def end_heap():
    heap = send.Heap(FLAVOUR)
    heap.add_end()
    return heap


def values(heaps):
    """(cnt, bytes of item ID) of each received heap."""
    return [(h.cnt, bytes([i for i in h.get_items() if i.id == ID][0])) for h in heaps]


VALUES = [np.arange(n, dtype=np.uint8) * (k + 1) for k, n in enumerate((10, 5000, 70000))]
EXPECTED = [(k + 1, v.tobytes()) for k, v in enumerate(VALUES)]


def receiver():
    return recv.Stream(spead2.ThreadPool(), recv.StreamConfig(max_heaps=4))


class qa_send_streams(gr_unittest.TestCase):

    def send_all(self, stream, substream_index=0):
        for v in VALUES:
            stream.send_heap(data_heap(v), substream_index=substream_index)
        stream.send_heap(end_heap(), substream_index=substream_index)

    def test_bytes_stream_round_trip(self):
        stream = send.BytesStream(spead2.ThreadPool())
        self.send_all(stream)
        rx = receiver()
        rx.add_buffer_reader(stream.getvalue())
        self.assertEqual(values(get_heaps(rx)), EXPECTED)

    def test_udp_substreams(self):
        rxs = [receiver(), receiver()]
        ports = [free_port(), free_port()]
        for rx, port in zip(rxs, ports):
            rx.add_udp_reader(port, bind_hostname='127.0.0.1', buffer_size=4 << 20)
        stream = send.UdpStream(spead2.ThreadPool(), [('127.0.0.1', p) for p in ports],
                                send.StreamConfig(rate=1e8), buffer_size=0)
        self.assertEqual(stream.num_substreams, 2)
        self.send_all(stream, substream_index=1)
        stream.send_heap(end_heap(), substream_index=0)
        self.assertEqual(values(get_heaps(rxs[1])), EXPECTED)
        self.assertEqual(get_heaps(rxs[0]), [])
        with self.assertRaises(OSError):
            stream.send_heap(end_heap(), substream_index=2)

    def test_udp_caller_socket(self):
        rx = receiver()
        port = free_port()
        rx.add_udp_reader(port, bind_hostname='127.0.0.1', buffer_size=4 << 20)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            stream = send.UdpStream(spead2.ThreadPool(), sock, [('127.0.0.1', port)])
        self.send_all(stream)
        self.assertEqual(values(get_heaps(rx)), EXPECTED)

    def test_udp_bad_arguments(self):
        pool = spead2.ThreadPool()
        with self.assertRaises(ValueError):
            send.UdpStream(pool, [])
        with self.assertRaises(ValueError):
            send.UdpStream(pool, [('127.0.0.1', 9), ('::1', 9)])
        with self.assertRaises(ValueError):
            send.UdpStream(pool, [('127.0.0.1', 9)], send.StreamConfig(), 0, ttl=1)
        with self.assertRaises(TypeError):
            send.UdpStream(None, [('127.0.0.1', 9)])
        self.assertEqual(send.UdpStream.DEFAULT_BUFFER_SIZE, 512 * 1024)

    def test_udp_send_error(self):
        stream = send.UdpStream(spead2.ThreadPool(), [('127.0.0.1', free_port())],
                                send.StreamConfig(max_packet_size=100000), buffer_size=0)
        with self.assertRaises(OSError):
            stream.send_heap(data_heap(np.zeros(200000, np.uint8)))

    def test_tcp_round_trips(self):
        for by_socket in (False, True):
            rx = receiver()
            port = free_port(socket.SOCK_STREAM)
            rx.add_tcp_reader(port, bind_hostname='127.0.0.1')
            if by_socket:
                with socket.socket() as sock:
                    sock.connect(('127.0.0.1', port))
                    stream = send.TcpStream(spead2.ThreadPool(), sock)
            else:
                stream = send.TcpStream(spead2.ThreadPool(), [('127.0.0.1', port)])
            self.send_all(stream)
            self.assertEqual(values(get_heaps(rx)), EXPECTED, msg=f'by_socket={by_socket}')
            del stream

    def test_tcp_refused(self):
        with self.assertRaises(OSError):
            send.TcpStream(spead2.ThreadPool(), [('127.0.0.1', free_port(socket.SOCK_STREAM))])
        with self.assertRaises(ValueError):
            send.TcpStream(spead2.ThreadPool(), [])

    def test_inproc(self):
        queues = [spead2.InprocQueue(), spead2.InprocQueue()]
        stream = send.InprocStream(spead2.ThreadPool(), queues)
        self.assertEqual(stream.queues, queues)
        rx = receiver()
        rx.add_inproc_reader(queues[1])
        self.send_all(stream, substream_index=1)
        self.assertEqual(values(get_heaps(rx)), EXPECTED)
        queues[0].stop()
        with self.assertRaises(OSError):
            stream.send_heap(end_heap(), substream_index=0)

    def test_cnt_sequence_and_groups(self):
        stream = send.BytesStream(spead2.ThreadPool(), send.StreamConfig(max_heaps=8))
        stream.set_cnt_sequence(10, 5)
        stream.send_heap(data_heap(VALUES[0]))
        stream.send_heap(data_heap(VALUES[0]), cnt=3)
        refs = [send.HeapReference(data_heap(v)) for v in VALUES]
        stream.send_heaps(refs, send.GroupMode.ROUND_ROBIN)
        stream.send_heaps(send.HeapReferenceList(refs)[1:], send.GroupMode.SERIAL)
        with self.assertRaises(OSError):
            stream.send_heaps([], send.GroupMode.SERIAL)
        with self.assertRaises(OSError):
            stream.send_heap(end_heap(), cnt=1 << 48)
        with self.assertRaises(ValueError):
            stream.set_cnt_sequence(1, 0)
        stream.send_heap(end_heap())
        rx = recv.Stream(spead2.ThreadPool(), recv.StreamConfig(max_heaps=8))
        rx.add_buffer_reader(stream.getvalue())
        got = values(get_heaps(rx))
        self.assertEqual([cnt for cnt, _ in got], [10, 3, 15, 20, 25, 30, 35])
        self.assertEqual([v for _, v in got],
                         [VALUES[0].tobytes()] * 2 + [v.tobytes() for v in VALUES] +
                         [v.tobytes() for v in VALUES[1:]])

    def test_full_queue(self):
        # A TCP peer that does not read: the first heap stays in flight, so with
        # max_heaps=1 the second is refused at once.
        with socket.socket() as listener:
            listener.bind(('127.0.0.1', 0))
            listener.listen(1)
            stream = send.TcpStream(spead2.ThreadPool(), [listener.getsockname()],
                                    send.StreamConfig(max_heaps=1), buffer_size=4096)
            peer, _ = listener.accept()
            big = data_heap(np.zeros(8 << 20, np.uint8))
            sender = threading.Thread(target=stream.send_heap, args=(big,))
            sender.start()
            small = end_heap()
            refused = None
            for _ in range(1000):   # until the first heap is queued
                try:
                    stream.send_heap(small)
                except BlockingIOError as e:
                    refused = e
                    break
            self.assertIsNotNone(refused)
            received = 0

            def drain():
                nonlocal received
                peer.settimeout(PATIENCE)
                while True:
                    chunk = peer.recv(1 << 20)
                    if not chunk:
                        return
                    received += len(chunk)

            reader = threading.Thread(target=drain)
            reader.start()
            sender.join(PATIENCE)
            self.assertFalse(sender.is_alive())
            del stream
            reader.join(PATIENCE)
            peer.close()
        self.assertGreater(received, 8 << 20)

    def test_asyncio_streams(self):
        async def run():
            results = []
            # UDP
            rx = receiver()
            port = free_port()
            rx.add_udp_reader(port, bind_hostname='127.0.0.1', buffer_size=4 << 20)
            stream = send.asyncio.UdpStream(spead2.ThreadPool(), [('127.0.0.1', port)],
                                            send.StreamConfig(rate=1e8))
            futures = [stream.async_send_heap(data_heap(v)) for v in VALUES]
            futures.append(stream.async_send_heaps(
                [send.HeapReference(end_heap())], send.GroupMode.SERIAL))
            await stream.async_flush()
            sizes = await asyncio.gather(*futures)
            results.append(values(get_heaps(rx)))
            self.assertTrue(all(s > 0 for s in sizes))
            # TCP, connected without blocking the loop
            rx = receiver()
            port = free_port(socket.SOCK_STREAM)
            rx.add_tcp_reader(port, bind_hostname='127.0.0.1')
            stream = await send.asyncio.TcpStream.connect(spead2.ThreadPool(),
                                                          [('127.0.0.1', port)])
            for v in VALUES:
                await stream.async_send_heap(data_heap(v))
            await stream.async_send_heap(end_heap())
            results.append(values(get_heaps(rx)))
            # in-process, with an error reported through the future
            queue = spead2.InprocQueue()
            rx = receiver()
            rx.add_inproc_reader(queue)
            stream = send.asyncio.InprocStream(spead2.ThreadPool(), [queue])
            for v in VALUES:
                stream.async_send_heap(data_heap(v))
            stream.async_send_heap(end_heap())
            await stream.async_flush()
            results.append(values(get_heaps(rx)))
            with self.assertRaises(OSError):
                await stream.async_send_heap(end_heap(), substream_index=5)
            return results

        loop = asyncio.new_event_loop()
        try:
            results = loop.run_until_complete(asyncio.wait_for(run(), 3 * PATIENCE))
        finally:
            loop.close()
        self.assertEqual(results, [EXPECTED] * 3)


if __name__ == '__main__':
    gr_unittest.run(qa_send_streams)
