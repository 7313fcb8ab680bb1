#
# Copyright 2026 gr-spead authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#

"""An F-engine-like SPEAD stream for tests, made with gr-spead's encoder: antennas
(feng_id), channels spread over several multicast groups (one channel range each,
first channel in `frequency`), a 48-bit ADC-sample `timestamp`, and one int8 item
`feng_raw` shaped (channels per group, spectra per heap, polarisations, 2 = re/im),
as MeerKAT's F-engines send it (SPEAD-64-48)."""

import numpy as np
from gnuradio import spead

from recv_test_support import descriptor

TIMESTAMP_ID, FENG_ID_ID, FREQUENCY_ID, FENG_RAW_ID = 0x1600, 0x4101, 0x4103, 0x4300
FLAVOUR = spead.Flavour(4, 64, 48)


class FEngineStream:
    def __init__(self, n_ants=4, n_chans=1024, n_groups=4, spectra_per_heap=4, n_pols=2,
                 first_timestamp=(1 << 48) - (1 << 22)):
        assert n_chans % n_groups == 0
        self.n_ants, self.n_chans, self.n_groups = n_ants, n_chans, n_groups
        self.spectra_per_heap, self.n_pols = spectra_per_heap, n_pols
        self.chans_per_group = n_chans // n_groups
        # ADC samples per heap: each spectrum of n_chans channels takes 2 n_chans samples.
        self.timestamp_step = spectra_per_heap * 2 * n_chans
        self.first_timestamp = first_timestamp
        self.shape = (self.chans_per_group, spectra_per_heap, n_pols, 2)

    @property
    def heap_bytes(self):
        return int(np.prod(self.shape))

    @property
    def samples_per_heap(self):
        """Complex samples per heap (the item's (re, im) pairs)."""
        return self.heap_bytes // 2

    def timestamp(self, t):
        return self.first_timestamp + t * self.timestamp_step

    def heap_cnt(self, t, g, a):
        """Data heaps are numbered from 2 (1 is the descriptors) in sending order: frame
        t, then group g, then antenna a (so one antenna's heaps advance by n_ants)."""
        return 2 + (t * self.n_groups + g) * self.n_ants + a

    def data(self, t, g, a):
        """The int8 values of one heap, shaped self.shape, distinct per (t, g, a)."""
        i = np.arange(self.heap_bytes, dtype=np.int64)
        return ((3 * i + 7 * t + 13 * g + 29 * a) % 251 - 125).astype(np.int8).reshape(
            self.shape)

    def samples(self, t, g, a):
        pairs = self.data(t, g, a).reshape(-1, 2).astype(np.float32)
        return pairs[:, 0] + 1j * pairs[:, 1]

    def descriptor_packets(self):
        return spead.encode_heap(1, self.descriptor_items(), flavour=FLAVOUR)

    def descriptor_items(self):
        """The descriptors as (DESCRIPTOR_ID, bytes) items, for any heap to carry."""
        header = "{'descr': '|i1', 'fortran_order': False, 'shape': %r}" % (self.shape,)
        return [
            (0x05, descriptor(TIMESTAMP_ID, 'timestamp', format=[('u', 48)],
                              address_bits=48)),
            (0x05, descriptor(FENG_ID_ID, 'feng_id', format=[('u', 48)], address_bits=48)),
            (0x05, descriptor(FREQUENCY_ID, 'frequency', format=[('u', 48)],
                              address_bits=48)),
            (0x05, descriptor(FENG_RAW_ID, 'feng_raw', numpy_header=header,
                              address_bits=48)),
        ]

    def heap_packets(self, t, g, a):
        return spead.encode_heap(
            self.heap_cnt(t, g, a),
            [(TIMESTAMP_ID, self.timestamp(t)), (FENG_ID_ID, a),
             (FREQUENCY_ID, g * self.chans_per_group),
             (FENG_RAW_ID, self.data(t, g, a).tobytes())],
            flavour=FLAVOUR)

    def stop_packets(self, cnt):
        return spead.encode_stop_heap(cnt, flavour=FLAVOUR)


def rx_time(timestamp, sample_rate, sync_time):
    """UHD's rx_time (whole seconds, fractional seconds) of a timestamp, with Python's
    integers for the whole part: the double operations the block makes, in order."""
    whole_sync = int(sync_time // 1)
    seconds = whole_sync + timestamp // int(sample_rate)
    fraction = (sync_time - whole_sync) + (timestamp % int(sample_rate)) / sample_rate
    if fraction >= 1.0:
        seconds, fraction = seconds + 1, fraction - 1.0
    return (seconds, fraction)
