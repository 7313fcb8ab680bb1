#!/usr/bin/env python3
#
# Copyright 2026 gr-spead authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#

"""Writes fengine_4ant_256ch.pcap (README.md in this folder): an F-engine-like stream
made with gr-spead's encoder (python/spead/fengine_test_stream.py), whose values look
like a spectrum: a noise floor shaped by a bandpass, a tone per polarisation drifting
across the band, and a steady line. Deterministic (fixed seed).

    PYTHONPATH=build/test_modules:python/spead /usr/bin/python3 \\
        tests/data/fengine/make_capture.py tests/data/fengine/fengine_4ant_256ch.pcap
"""

import sys

import numpy as np

import block_test_support as support
from fengine_test_stream import FEngineStream

N_ANTS, N_CHANS, SPECTRA_PER_HEAP, N_POLS, FRAMES = 4, 256, 8, 2, 16


class SpectralFEngine(FEngineStream):
    def __init__(self):
        super().__init__(n_ants=N_ANTS, n_chans=N_CHANS, n_groups=1,
                         spectra_per_heap=SPECTRA_PER_HEAP, n_pols=N_POLS)
        self.rng = np.random.default_rng(20)
        self.values = {}
        for t in range(FRAMES):
            for a in range(N_ANTS):
                self.values[t, a] = self.make(t, a)

    def make(self, t, a):
        chans = np.arange(N_CHANS)
        bandpass = 3 + 5 * np.sin(np.pi * (chans + 0.5) / N_CHANS) * (1 + 0.1 * a)
        shape = (N_CHANS, SPECTRA_PER_HEAP, N_POLS)
        re = self.rng.normal(size=shape) * bandpass[:, None, None]
        im = self.rng.normal(size=shape) * bandpass[:, None, None]
        for s in range(SPECTRA_PER_HEAP):
            spectrum = t * SPECTRA_PER_HEAP + s
            for p in range(N_POLS):
                tone = (40 + 2 * spectrum + 60 * p) % N_CHANS
                re[tone, s, p] += 100
            re[200, s, :] += 60  # a steady line in every spectrum, both polarisations
        out = np.stack([re, im], axis=-1)
        return np.clip(np.rint(out), -127, 127).astype(np.int8)

    def data(self, t, g, a):
        return self.values[t, a]


def main(path):
    f = SpectralFEngine()
    packets = f.descriptor_packets()
    for t in range(FRAMES):
        for a in range(N_ANTS):
            packets += f.heap_packets(t, 0, a)
    packets += f.stop_packets(f.heap_cnt(FRAMES, 0, 0))
    support.write_pcap(path, packets)


if __name__ == '__main__':
    main(sys.argv[1])
