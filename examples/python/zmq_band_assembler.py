#!/usr/bin/env python3
#
# Copyright 2026 gr-spead authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#

"""Assembles one antenna's whole band from the hosts that each receive part of it
(zmq_band_host.py): a ZMQ SUB Message Source per host and a Python block that places
each PDU's channel range (its `frequency` item) in the frame of its rx_time.
docs/multi-host.md is the recipe.

    zmq_band_assembler.py --subscribe ra=tcp://10.8.0.2:5560,rb=tcp://10.8.0.3:5560 \\
        --antenna 2 --shape 256,256,2,2 --channels 1024 --output band.npz

--shape is the F-engine item's (channels per heap, spectra, polarisations, 2). Prints
one JSON object per line: {"ready": true}; {"probe": host, "frequency": f} for the
first PDU of any other antenna from each host and channel range; {"heap": host,
"frequency": f} per PDU of the antenna. At the end (Ctrl-C, or stdin closing with
--until-eof) it writes --output (.npz: rx_seconds and rx_fraction per frame, band as
frames x polarisations x spectra x channels, complex64; frames in rx_time order; frames
missing a channel range are left out) and prints {"frames": n, "incomplete": m}.
"""

import argparse
import json
import signal
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


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--subscribe', required=True,
                   help='NAME=tcp://ADDR:PORT of each host, comma-separated')
    p.add_argument('--antenna', type=int, required=True, help='feng_id to assemble')
    p.add_argument('--shape', required=True,
                   help='the item shape: channels per heap, spectra, pols, 2')
    p.add_argument('--channels', type=int, required=True, help='channels in the band')
    p.add_argument('--output', required=True, help='.npz file written at the end')
    p.add_argument('--until-eof', action='store_true', help='stop when stdin closes')
    return p.parse_args()


def main():
    args = parse_args()
    tb = gr.top_block()
    assembler = Assembler(args.antenna, [int(n) for n in args.shape.split(',')])
    for entry in args.subscribe.split(','):
        host, address = entry.split('=', 1)
        assembler.subscribe(host)
        sub = zeromq.sub_msg_source(address, 100, False)
        tb.msg_connect((sub, 'out'), (assembler, host))
    tb.start()
    emit({'ready': True})
    finished = threading.Event()
    if args.until_eof:
        def watch_stdin():
            sys.stdin.read()
            finished.set()

        threading.Thread(target=watch_stdin, daemon=True).start()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: finished.set())
    while not finished.wait(0.5):
        pass
    tb.stop()
    tb.wait()
    times, bands, incomplete = assembler.band(args.channels)
    np.savez(args.output,
             rx_seconds=np.array([t[0] for t in times], dtype=np.uint64),
             rx_fraction=np.array([t[1] for t in times], dtype=np.float64),
             band=np.array(bands, dtype=np.complex64))
    emit({'frames': len(times), 'incomplete': incomplete})


if __name__ == '__main__':
    main()
