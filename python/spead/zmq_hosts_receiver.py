#!/usr/bin/python3
#
# Copyright 2026 gr-spead authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#

"""One receiving "host" of qa_zmq_hosts, run inside its network namespace: a flowgraph
of a SPEAD Heap Source joining this host's half of the F-engine groups, selecting
antennas, with rx_time, whose PDUs a ZMQ PUB Message Sink publishes.

usage: zmq_hosts_receiver.py CONFIG_JSON

CONFIG_JSON: {"address": "239.78.0.0+1:7148", "interface_address": A,
"select_values": [...], "sample_rate": R, "sync_time": T, "publish": "tcp://A:P",
"timeout": S}

Prints JSON lines on stdout: {"ready": true} once started, and at the end
{"stats": {...}} (the source's statistics: each host reads its own loss there). Ends
when stdin closes or after "timeout" seconds, whichever is first.
"""

import json
import sys
import threading

from gnuradio import gr, zeromq
from gnuradio import spead


def emit(obj):
    sys.stdout.write(json.dumps(obj) + '\n')
    sys.stdout.flush()


def main():
    config = json.loads(sys.argv[1])
    tb = gr.top_block()
    src = spead.heap_source(
        transport='udp', address=config['address'],
        interface_address=config['interface_address'],
        payload_item='feng_raw', payload_type='|i1',
        select_item='feng_id', select_values=config['select_values'],
        timestamp_item='timestamp', sample_rate=config['sample_rate'],
        sync_time=config['sync_time'], max_heaps=8, ring_heaps=64, stats_interval=0)
    # bind: this host serves; subscribers connect to it (PUB drops while none is there).
    pub = zeromq.pub_msg_sink(config['publish'], 100, True)
    tb.msg_connect((src, 'pdus'), (pub, 'in'))
    tb.start()
    emit({'ready': True, 'local_port': src.local_port()})
    finished = threading.Event()

    def watch_stdin():
        sys.stdin.read()  # returns when the parent closes our stdin
        finished.set()

    threading.Thread(target=watch_stdin, daemon=True).start()
    finished.wait(config['timeout'])
    tb.stop()
    tb.wait()
    emit({'stats': src.statistics()})


if __name__ == '__main__':
    main()
