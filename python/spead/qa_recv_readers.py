#!/usr/bin/env python3
#
# Copyright 2026 gr-spead authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#

"""Every reader of spead2.recv.Stream, on loopback: buffer, UDP (port, IPv6, IPv4 and
IPv6 multicast, a caller's socket), TCP (port and acceptor), pcap file, in-process
queue."""

import os
import shutil
import socket
import subprocess
import sys
import time

from gnuradio import gr_unittest

import gnuradio.spead as spead2
from gnuradio.spead import recv
from recv_test_support import PATIENCE, captures_dir, free_port, get_heaps, packet, \
    stop_packet

ID = 0x1000
HEAPS = [packet(cnt, [(ID, cnt), (ID + 1, bytes([cnt]) * 100)]) for cnt in (1, 2, 3)]
STOP = stop_packet(4)


def payloads(heaps):
    return [(h.cnt, bytes([i for i in h.get_items() if i.id == ID + 1][0])) for h in heaps]


EXPECTED = [(cnt, bytes([cnt]) * 100) for cnt in (1, 2, 3)]

# The child run in a network namespace of its own for the IPv6 multicast test (Linux
# does not loop IPv6 multicast back on lo): there a private veth pair, with no way out of
# the namespace, carries the group.
IPV6_MULTICAST_CHILD = r'''
import socket, sys, time
import gnuradio.spead as spead2
from recv_test_support import packet, stop_packet, get_heaps
print('READY', flush=True)
group, port = 'ff15::5eed:93', 7148
index = socket.if_nametoindex('qa0')
stream = spead2.recv.Stream(spead2.ThreadPool())
stream.add_udp_reader(group, port, buffer_size=0, interface_index=index)
tx = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
tx.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, index)
tx.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_LOOP, 1)
# A fresh veth may take a moment to carry multicast: send until both heaps are in.
seen = set()
for attempt in range(100):
    for p in [packet(1, [(0x1000, 1)]), packet(2, [(0x1000, 2)])]:
        tx.sendto(p, (group, port))
    time.sleep(0.05)
    while True:
        try:
            seen.add(stream.get_nowait().cnt)
        except spead2.Empty:
            break
    if seen == {1, 2}:
        break
tx.sendto(stop_packet(3), (group, port))
get_heaps(stream)
print('HEAPS', sorted(seen), flush=True)
'''


class qa_recv_readers(gr_unittest.TestCase):
    def setUp(self):
        self.pool = spead2.ThreadPool()

    def stream(self, **config):
        return recv.Stream(self.pool, recv.StreamConfig(**config))

    def test_buffer_reader(self):
        stream = self.stream()
        stream.add_buffer_reader(bytearray(b''.join(HEAPS + [STOP])))
        self.assertEqual(payloads(get_heaps(stream)), EXPECTED)

    def test_udp_reader_port(self):
        port = free_port()
        stream = self.stream()
        stream.add_udp_reader(port, bind_hostname='127.0.0.1', buffer_size=0)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as tx:
            for p in HEAPS + [STOP]:
                tx.sendto(p, ('127.0.0.1', port))
        self.assertEqual(payloads(get_heaps(stream)), EXPECTED)
        self.assertEqual(stream.stats['packets'], 4)

    def test_udp_reader_busy_poll(self):
        # gr-spead's own keyword (not in spead2): the reader keeps reading for up to
        # busy_poll_us after its socket runs dry; the heaps are the same.
        port = free_port()
        stream = self.stream()
        stream.add_udp_reader(port, bind_hostname='127.0.0.1', buffer_size=0,
                              busy_poll_us=100000)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as tx:
            for p in HEAPS + [STOP]:
                tx.sendto(p, ('127.0.0.1', port))
        self.assertEqual(payloads(get_heaps(stream)), EXPECTED)
        for bad in (-1, 1000001):
            with self.assertRaisesRegex(ValueError, r'busy_poll_us.*\[0, 1000000\]'):
                self.stream().add_udp_reader(free_port(), bind_hostname='127.0.0.1',
                                             buffer_size=0, busy_poll_us=bad)
        with self.assertRaisesRegex(ValueError, 'busy_poll_us'):
            self.stream().add_udp_reader('239.1.2.3', free_port(), busy_poll_us=-5)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.bind(('127.0.0.1', 0))
            with self.assertRaisesRegex(ValueError, 'busy_poll_us'):
                self.stream().add_udp_reader(sock, busy_poll_us=-1)

    def test_udp_reader_ipv6_loopback(self):
        if not socket.has_ipv6:
            self.skipTest('no IPv6')
        port = free_port(family=socket.AF_INET6, host='::1')
        stream = self.stream()
        stream.add_udp_reader(port, max_size=spead2.DEFAULT_UDP_MAX_SIZE,
                              buffer_size=spead2.DEFAULT_UDP_BUFFER_SIZE, bind_hostname='::1')
        with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as tx:
            for p in HEAPS + [STOP]:
                tx.sendto(p, ('::1', port))
        self.assertEqual(payloads(get_heaps(stream)), EXPECTED)

    def test_udp_reader_oversize_datagrams_counted(self):
        port = free_port()
        stream = self.stream()
        stream.add_udp_reader(port, max_size=64, bind_hostname='127.0.0.1', buffer_size=0)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as tx:
            for p in HEAPS + [STOP]:
                tx.sendto(p, ('127.0.0.1', port))
        self.assertEqual(get_heaps(stream), [])
        self.assertEqual(stream.reject_stats['packets_rejected_oversize'], 3)

    def test_udp_reader_from_a_python_socket(self):
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.bind(('127.0.0.1', 0))
        port = sock.getsockname()[1]
        stream = self.stream()
        stream.add_udp_reader(sock, max_size=spead2.DEFAULT_UDP_MAX_SIZE)
        sock.close()  # the reader has its own duplicate of the descriptor
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as tx:
            for p in HEAPS + [STOP]:
                tx.sendto(p, ('127.0.0.1', port))
        self.assertEqual(payloads(get_heaps(stream)), EXPECTED)

    def test_arguments_that_do_not_convert_raise_type_error(self):
        # As spead2 4.4.1 (checked): ports are 16-bit, sizes unsigned, and a socket must
        # be an IPv4/IPv6 socket of the reader's kind; anything else matches no overload.
        stream = self.stream()
        tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        closed = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        closed.close()
        calls = [
            lambda: stream.add_udp_reader(100000),
            lambda: stream.add_udp_reader(-1),
            lambda: stream.add_udp_reader(7148, max_size=-1),
            lambda: stream.add_udp_reader(7148, buffer_size=-1),
            lambda: stream.add_udp_reader('239.255.78.93', 70000),
            lambda: stream.add_udp_reader('ff15::1', 7148, interface_index=-1),
            lambda: stream.add_udp_reader(tcp),
            lambda: stream.add_udp_reader(closed),
            lambda: stream.add_udp_reader('not a socket'),
            lambda: stream.add_tcp_reader(70000),
            lambda: stream.add_tcp_reader(7148, max_size=-1),
            lambda: stream.add_tcp_reader(socket.socket(socket.AF_INET, socket.SOCK_DGRAM)),
            lambda: stream.add_buffer_reader(12),
        ]
        try:
            for i, call in enumerate(calls):
                with self.assertRaises(TypeError, msg='call %d' % i):
                    call()
        finally:
            tcp.close()
            stream.stop()

    def test_udp_reader_ipv4_multicast_with_interface_address(self):
        group = '239.255.78.93'
        port = free_port()
        stream = self.stream()
        stream.add_udp_reader(group, port, buffer_size=0, interface_address='127.0.0.1')
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as tx:
            tx.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF,
                          socket.inet_aton('127.0.0.1'))
            tx.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 1)
            try:
                for p in HEAPS + [STOP]:
                    tx.sendto(p, (group, port))
            except OSError as e:
                stream.stop()
                self.skipTest('IPv4 multicast cannot be sent on lo here: {}'.format(e))
        self.assertEqual(payloads(get_heaps(stream)), EXPECTED)

    def test_udp_reader_ipv6_multicast_with_interface_index(self):
        if shutil.which('unshare') is None or shutil.which('ip') is None:
            self.skipTest('needs unshare and ip for a private network namespace')
        here = os.path.dirname(os.path.abspath(__file__))
        env = dict(os.environ)
        env['PYTHONPATH'] = os.pathsep.join(filter(None, [here, env.get('PYTHONPATH')]))
        command = ('ip link set lo up && ip link add qa0 type veth peer name qa1 && '
                   'ip link set qa0 up && ip link set qa1 up && '
                   'ip -6 addr add fe80::1/64 dev qa0 nodad && exec "$0" -c "$1"')
        try:
            result = subprocess.run(['unshare', '-rn', 'sh', '-c', command, sys.executable,
                                     IPV6_MULTICAST_CHILD], env=env, capture_output=True,
                                    text=True, timeout=PATIENCE * 3)
        except subprocess.TimeoutExpired:
            self.fail('the IPv6 multicast child did not finish')
        if 'READY' not in result.stdout:
            self.skipTest('no network namespace for IPv6 multicast: ' + result.stderr.strip())
        self.assertIn('HEAPS [1, 2]', result.stdout, result.stderr)

    def test_multicast_arguments_checked(self):
        stream = self.stream()
        with self.assertRaisesRegex(ValueError, 'multicast_group'):
            stream.add_udp_reader('no-such-host.invalid', 7148, interface_address='127.0.0.1')
        with self.assertRaisesRegex(ValueError, 'interface_address'):
            stream.add_udp_reader('239.255.78.94', 7148, interface_address='bogus.invalid')
        with self.assertRaisesRegex(ValueError, 'interface_address'):
            stream.add_udp_reader('127.0.0.1', 7148, interface_address='127.0.0.2')
        with self.assertRaises(ValueError):
            stream.add_udp_reader('127.0.0.1', 7148, interface_index=1)  # not IPv6 multicast
        stream.stop()

    def test_multicast_form_with_a_unicast_interface_address(self):
        # As spead2: a unicast address equal to the interface address is just bound.
        port = free_port()
        stream = self.stream()
        stream.add_udp_reader('127.0.0.1', port, buffer_size=0, interface_address='127.0.0.1')
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as tx:
            for p in HEAPS + [STOP]:
                tx.sendto(p, ('127.0.0.1', port))
        self.assertEqual(payloads(get_heaps(stream)), EXPECTED)

    def test_port_in_use_raises_os_error(self):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as taken:
            taken.bind(('127.0.0.1', 0))
            stream = self.stream()
            with self.assertRaises(OSError):
                stream.add_udp_reader(taken.getsockname()[1], bind_hostname='127.0.0.1')
            stream.stop()

    def test_tcp_reader_port(self):
        port = free_port(socket.SOCK_STREAM)
        stream = self.stream()
        stream.add_tcp_reader(port, bind_hostname='127.0.0.1')
        with socket.create_connection(('127.0.0.1', port), timeout=PATIENCE) as tx:
            tx.sendall(b''.join(HEAPS))
        # The connection's end ends the stream, without a stop heap.
        self.assertEqual(payloads(get_heaps(stream)), EXPECTED)

    def test_tcp_reader_acceptor(self):
        acceptor = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        acceptor.bind(('127.0.0.1', 0))
        acceptor.listen(1)
        port = acceptor.getsockname()[1]
        stream = self.stream()
        stream.add_tcp_reader(acceptor, max_size=spead2.DEFAULT_TCP_MAX_SIZE)
        acceptor.close()
        with socket.create_connection(('127.0.0.1', port), timeout=PATIENCE) as tx:
            # Byte by byte in two halves: packets delimit themselves.
            data = b''.join(HEAPS + [STOP])
            tx.sendall(data[:37])
            time.sleep(0.01)
            tx.sendall(data[37:])
            self.assertEqual(payloads(get_heaps(stream)), EXPECTED)

    def test_pcap_reader_with_and_without_filter(self):
        path = os.path.join(captures_dir(), 'spead2_64_40_single_packet.pcap')
        stream = self.stream()
        stream.add_udp_pcap_file_reader(path)
        self.assertEqual(len(get_heaps(stream)), 21)
        stream = self.stream()
        stream.add_udp_pcap_file_reader(path, filter='udp dst port 7148')
        self.assertEqual(len(get_heaps(stream)), 21)
        stream = self.stream()
        stream.add_udp_pcap_file_reader(path, 'udp dst port 7149')
        self.assertEqual(get_heaps(stream), [])
        self.assertEqual(stream.stats['packets'], 0)

    def test_pcap_reader_errors_name_the_file_or_filter(self):
        stream = self.stream()
        with self.assertRaisesRegex(RuntimeError, 'no_such_file.pcap'):
            stream.add_udp_pcap_file_reader('/nonexistent/no_such_file.pcap')
        path = os.path.join(captures_dir(), 'spead2_64_40_single_packet.pcap')
        with self.assertRaisesRegex(RuntimeError, 'not a filter'):
            stream.add_udp_pcap_file_reader(path, filter='not a filter')
        stream.stop()

    def test_inproc_reader(self):
        queue = spead2.InprocQueue()
        stream = self.stream()
        stream.add_inproc_reader(queue)
        for p in HEAPS:
            queue.add_packet(memoryview(p))
        queue.stop()
        self.assertEqual(payloads(get_heaps(stream)), EXPECTED)

    def test_readers_combine_in_one_stream(self):
        queue = spead2.InprocQueue()
        port = free_port()
        stream = self.stream(stop_on_stop_item=False)
        stream.add_inproc_reader(queue)
        stream.add_udp_reader(port, bind_hostname='127.0.0.1', buffer_size=0)
        queue.add_packet(HEAPS[0])
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as tx:
            tx.sendto(HEAPS[1], ('127.0.0.1', port))
        heaps = get_heaps(stream, count=2)
        stream.stop()
        self.assertEqual(sorted(payloads(heaps)), EXPECTED[:2])


if __name__ == '__main__':
    gr_unittest.run(qa_recv_readers)
