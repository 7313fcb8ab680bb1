#!/usr/bin/env python3
#
# Copyright 2026 gr-spead authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#

"""One receiving host of a band spread over several hosts: a SPEAD Heap Source joins
this host's share of the multicast groups, keeps the chosen antennas (feng_id), adds
rx_time, and a ZMQ PUB Message Sink publishes the PDUs to whoever subscribes
(zmq_band_assembler.py). docs/multi-host.md is the recipe.

    zmq_band_host.py --address 239.10.0.0+7:7148 --interface-address 10.8.0.2 \\
        --antennas 2 --sample-rate 1712e6 --sync-time 1700000000 \\
        --publish tcp://10.8.0.2:5560 [--socket-buffer 67108864] [--cpus 2,3]

Prints one JSON object per line: {"ready": true, ...} once receiving, and
{"stats": {...}} (the source's statistics: this host's loss) every --stats-interval
seconds, and last at the end. Runs until Ctrl-C, or with --until-eof until stdin closes.
"""

import argparse
import json
import signal
import sys
import threading

import pmt
from gnuradio import gr, zeromq
from gnuradio import spead


def emit(obj):
    sys.stdout.write(json.dumps(obj) + '\n')
    sys.stdout.flush()


class StatsPrinter(gr.basic_block):
    """Prints each statistics dict of the source's stats port as a JSON line."""

    def __init__(self):
        gr.basic_block.__init__(self, name='stats_printer', in_sig=None, out_sig=None)
        self.message_port_register_in(pmt.intern('stats'))
        self.set_msg_handler(pmt.intern('stats'), self.handle_stats)

    def handle_stats(self, msg):
        emit({'stats': pmt.to_python(msg)})


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--address', required=True,
                   help="this host's groups, e.g. 239.10.0.0+7:7148 (an endpoint list)")
    p.add_argument('--interface-address', default='',
                   help='IPv4 address of the interface to join the groups on')
    p.add_argument('--antennas', default='', help='feng_id values to keep (comma list)')
    p.add_argument('--sample-rate', type=float, default=1712e6,
                   help='timestamp ticks per second (rx_time)')
    p.add_argument('--sync-time', type=float, default=0.0,
                   help='UNIX time of timestamp 0 (rx_time)')
    p.add_argument('--publish', required=True, help='ZMQ endpoint to bind, tcp://ADDR:PORT')
    p.add_argument('--socket-buffer', type=int, default=-1,
                   help='UDP receive buffer in bytes (-1: the default, 8 MiB)')
    p.add_argument('--cpus', default='', help='CPUs for the receive threads (comma list)')
    p.add_argument('--threads', type=int, default=1, help='receive threads')
    p.add_argument('--stats-interval', type=float, default=0.0,
                   help='seconds between statistics lines (0: at the end only)')
    p.add_argument('--until-eof', action='store_true', help='stop when stdin closes')
    return p.parse_args()


def main():
    args = parse_args()
    antennas = [int(a) for a in args.antennas.split(',') if a.strip()]
    cpus = [int(c) for c in args.cpus.split(',') if c.strip()]
    tb = gr.top_block()
    src = spead.heap_source(
        transport='udp', address=args.address, interface_address=args.interface_address,
        payload_item='feng_raw', payload_type='|i1',
        select_item='feng_id' if antennas else '', select_values=antennas,
        timestamp_item='timestamp', sample_rate=args.sample_rate,
        sync_time=args.sync_time, socket_buffer_size=args.socket_buffer,
        threads=args.threads, affinity=cpus, max_heaps=8, ring_heaps=64,
        stats_interval=args.stats_interval)
    # bind: this host serves; subscribers connect to it. PUB drops what it publishes
    # while no subscriber is connected.
    pub = zeromq.pub_msg_sink(args.publish, 100, True)
    stats = StatsPrinter()
    tb.msg_connect((src, 'pdus'), (pub, 'in'))
    tb.msg_connect((src, 'stats'), (stats, 'stats'))
    tb.start()
    emit({'ready': True, 'local_port': src.local_port()})
    finished = threading.Event()
    if args.until_eof:
        def watch_stdin():
            sys.stdin.read()  # returns when stdin closes
            finished.set()

        threading.Thread(target=watch_stdin, daemon=True).start()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: finished.set())
    while not finished.wait(0.5):
        pass
    tb.stop()
    tb.wait()
    emit({'stats': src.statistics()})  # the final count, whatever the port delivered


if __name__ == '__main__':
    main()
