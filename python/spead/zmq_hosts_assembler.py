#!/usr/bin/python3
#
# Copyright 2026 gr-spead authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#

"""The third flowgraph of qa_zmq_hosts: ZMQ SUB Message Sources subscribed to both
receiving hosts, and a Python block that assembles the whole band of one antenna from
the two halves, aligned by the rx_time in each PDU's metadata.

usage: zmq_hosts_assembler.py CONFIG_JSON

CONFIG_JSON: {"subscribe": {"ra": "tcp://A:P", "rb": "tcp://B:P"}, "antenna": N,
"shape": [chans_per_group, spectra, pols, 2], "n_chans": C, "output": PATH.npz,
"timeout": S}

Prints JSON lines on stdout: {"probe": host, "frequency": f} for the first PDU of any
other antenna from each (host, channel range), {"heap": host, "frequency": f} for each
PDU of the antenna. When stdin closes (or after "timeout" seconds) it writes PATH.npz:
rx_seconds and rx_fraction (one per frame) and band (frames x pols x spectra x
channels, complex64), frames in rx_time order, each channel range at its frequency;
then prints {"frames": n, "incomplete": m} (frames missing a channel range are left out
and counted).
"""

import json
import sys
import threading

import numpy as np
import pmt
from gnuradio import gr, zeromq


def emit(obj):
    sys.stdout.write(json.dumps(obj) + '\n')
    sys.stdout.flush()


class Assembler(gr.basic_block):
    """Takes PDUs from several hosts; keeps the antenna's channel ranges by rx_time."""

    def __init__(self, antenna, shape):
        gr.basic_block.__init__(self, name='band_assembler', in_sig=None, out_sig=None)
        self.antenna, self.shape = antenna, tuple(shape)
        self.lock = threading.Lock()
        self.frames = {}  # rx_time -> {frequency: (pols, spectra, channels) complex}
        self.probes = set()
        self.hosts = []

    def subscribe(self, host):
        port = pmt.intern(host)
        self.message_port_register_in(port)

        # GNU Radio finds a Python handler by its name among the block's attributes.
        def handler(pdu):
            self.handle(host, pdu)

        handler.__name__ = 'handle_' + host
        setattr(self, handler.__name__, handler)
        self.set_msg_handler(port, handler)

    def handle(self, host, pdu):
        meta = pmt.to_python(pmt.car(pdu))
        frequency = meta['frequency']
        if meta['feng_id'] != self.antenna:
            if (host, frequency) not in self.probes:
                self.probes.add((host, frequency))
                emit({'probe': host, 'frequency': frequency})
            return
        values = np.array(pmt.s8vector_elements(pmt.cdr(pdu)), dtype=np.int8)
        pairs = values.reshape(self.shape).astype(np.float32)
        spectra = (pairs[..., 0] + 1j * pairs[..., 1]).transpose(2, 1, 0)
        with self.lock:
            self.frames.setdefault(tuple(meta['rx_time']), {})[frequency] = spectra
        emit({'heap': host, 'frequency': frequency})

    def band(self, n_chans):
        times, bands, incomplete = [], [], 0
        with self.lock:
            for t in sorted(self.frames):
                ranges = self.frames[t]
                if sum(r.shape[2] for r in ranges.values()) != n_chans:
                    incomplete += 1
                    continue
                times.append(t)
                bands.append(np.concatenate([ranges[f] for f in sorted(ranges)], axis=2))
        return times, bands, incomplete


def main():
    config = json.loads(sys.argv[1])
    tb = gr.top_block()
    assembler = Assembler(config['antenna'], config['shape'])
    for host, address in sorted(config['subscribe'].items()):
        assembler.subscribe(host)
        sub = zeromq.sub_msg_source(address, 100, False)
        tb.msg_connect((sub, 'out'), (assembler, host))
    tb.start()
    emit({'ready': True})
    finished = threading.Event()

    def watch_stdin():
        sys.stdin.read()
        finished.set()

    threading.Thread(target=watch_stdin, daemon=True).start()
    finished.wait(config['timeout'])
    tb.stop()
    tb.wait()
    times, bands, incomplete = assembler.band(config['n_chans'])
    np.savez(config['output'],
             rx_seconds=np.array([t[0] for t in times], dtype=np.uint64),
             rx_fraction=np.array([t[1] for t in times], dtype=np.float64),
             band=np.array(bands, dtype=np.complex64))
    emit({'frames': len(times), 'incomplete': incomplete})


if __name__ == '__main__':
    main()
