#!/usr/bin/python3
#
# Copyright 2026 gr-spead authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#

"""One receiving "host" of qa_multicast_hosts, run inside its network namespace.

usage: multicast_hosts_receiver.py CONFIG_JSON

CONFIG_JSON: {"port": P, "readers": [{"group": G, "interface_address": A} or
{"group": G, "interface_index_of": IFNAME} or {"group": G}], "bystander": [groups],
"bystander_interface": IFNAME, "timeout": S}

One gnuradio.spead.recv.Stream with one UDP reader per entry of "readers" (the Python
API's multicast forms; an entry without an interface lets the OS choose). Optional
"bystander" groups are joined by a plain socket of this process, as another program on
the same host would: their datagrams then reach this host's UDP layer, so only the
readers' own group bindings can keep them out of the stream.

Prints one JSON object per line on stdout: {"ready": true} once every group is joined,
{"heap": cnt, "items": {id: value}, "payload": hex} per heap received, and at the end
{"stats": {...}, "bystander_datagrams": N}. Ends when stdin closes or after "timeout"
seconds, whichever is first.
"""

import json
import select
import socket
import struct
import sys
import threading
import time

import gnuradio.spead as spead2
from gnuradio.spead import recv


def emit(obj):
    sys.stdout.write(json.dumps(obj) + '\n')
    sys.stdout.flush()


def bystander_socket(group, port, ifname):
    """A plain socket that joins \\p group on interface \\p ifname and is bound to the
    group (so that it receives that group only)."""
    if ':' in group:
        sock = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((group, port))
        mreq = socket.inet_pton(socket.AF_INET6, group) + \
            struct.pack('@I', socket.if_nametoindex(ifname))
        sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_JOIN_GROUP, mreq)
    else:
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((group, port))
        # ip_mreqn: group, no local address, interface index.
        mreq = socket.inet_aton(group) + socket.inet_aton('0.0.0.0') + \
            struct.pack('@i', socket.if_nametoindex(ifname))
        sock.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mreq)
    sock.setblocking(False)
    return sock


def item_values(heap):
    values = {}
    for item in heap.get_items():
        if item.is_immediate:
            values[item.id] = item.immediate_value
        else:
            values[item.id] = bytes(item).hex()
    return values


def main():
    config = json.loads(sys.argv[1])
    port = config['port']
    deadline = time.monotonic() + config['timeout']

    # Two readers feed one stream, a batch of up to 64 datagrams each: one reader's heap
    # may wait half-received while the other's batch brings 21 new heaps, each taking the
    # next slot of the window's ring (as in spead2). A window of 64 keeps it.
    stream = recv.Stream(spead2.ThreadPool(),
                         recv.StreamConfig(stop_on_stop_item=False, max_heaps=64))
    for reader in config['readers']:
        if 'interface_address' in reader:
            stream.add_udp_reader(reader['group'], port,
                                  interface_address=reader['interface_address'])
        elif 'interface_index_of' in reader:
            stream.add_udp_reader(reader['group'], port, interface_index=socket.if_nametoindex(
                reader['interface_index_of']))
        elif ':' in reader['group']:
            stream.add_udp_reader(reader['group'], port, interface_index=0)
        else:
            stream.add_udp_reader(reader['group'], port, interface_address='')
    bystanders = [bystander_socket(g, port, config['bystander_interface'])
                  for g in config.get('bystander', [])]
    bystander_datagrams = 0

    finished = threading.Event()

    def watch_stdin():
        sys.stdin.read()  # returns when the parent closes our stdin
        finished.set()

    threading.Thread(target=watch_stdin, daemon=True).start()
    emit({'ready': True})

    while not finished.is_set() and time.monotonic() < deadline:
        for sock in bystanders:
            while True:
                try:
                    sock.recv(65536)
                    bystander_datagrams += 1
                except BlockingIOError:
                    break
        try:
            heap = stream.get_nowait()
        except spead2.Empty:
            select.select([stream.fd] + bystanders, [], [], 0.05)
            continue
        except spead2.Stopped:
            break
        values = item_values(heap)
        emit({'heap': heap.cnt, 'complete': not isinstance(heap, recv.IncompleteHeap),
              'items': {str(k): v for k, v in values.items()}})
    stream.stop()
    stats = dict(stream.stats.items())
    stats.update(stream.reject_stats.items())
    emit({'stats': stats,
          'bystander_datagrams': bystander_datagrams})


if __name__ == '__main__':
    main()
