#!/usr/bin/env python3
#
# Copyright 2026 gr-spead authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#

"""The SPEAD Heap Source's PDUs handled by a small Python block: for one antenna of an
F-engine-like capture, each heap's mean power per polarisation, with its heap_cnt and
rx_time from the PDU metadata. Ends at the end of the capture.

    heap_pdus.py [--capture FILE] [--antenna N]

Without --capture it reads the F-engine capture shipped with gr-spead
(tests/data/fengine/README.md): items timestamp, feng_id and feng_raw, int8 values
shaped (channels, spectra, polarisations, re/im).
"""

import argparse

import numpy as np
import pmt
from gnuradio import gr
from gnuradio import spead
from gnuradio.spead.data_files import reference_capture

ADC_RATE = 1712e6         # timestamp ticks per second
SYNC_TIME = 1700000000.0  # UNIX time of timestamp 0


class PowerPerPolarisation(gr.basic_block):
    """Takes PDUs on 'pdus' and prints each heap's mean power per polarisation."""

    def __init__(self, n_pols=2):
        gr.basic_block.__init__(self, name='power_per_polarisation', in_sig=None,
                                out_sig=None)
        self.n_pols = n_pols
        self.message_port_register_in(pmt.intern('pdus'))
        self.set_msg_handler(pmt.intern('pdus'), self.handle)

    def handle(self, pdu):
        meta = pmt.to_python(pmt.car(pdu))
        # The item flattened, as an s8vector (payload_type '|i1').
        values = np.array(pmt.s8vector_elements(pmt.cdr(pdu)), dtype=np.int8)
        if values.size == 0:
            return
        # The polarisation axis is second to last: (..., pols, re/im).
        pairs = values.astype(np.float64).reshape(-1, self.n_pols, 2)
        power = (pairs ** 2).sum(axis=2).mean(axis=0)
        seconds, fraction = meta['rx_time']
        print('heap {} feng_id {} rx_time {}+{:.12f} power {}'.format(
            meta['heap_cnt'], meta['feng_id'], seconds, fraction,
            ' '.join('{:.4f}'.format(p) for p in power)), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--capture', default='',
                        help='pcap file (default: the shipped F-engine capture)')
    parser.add_argument('--antenna', type=int, default=2, help='feng_id to keep')
    args = parser.parse_args()

    tb = gr.top_block()
    src = spead.heap_source(
        transport='pcap',
        pcap_file=args.capture or reference_capture('fengine_4ant_256ch.pcap'),
        payload_item='feng_raw', payload_type='|i1',
        select_item='feng_id', select_values=[args.antenna],
        timestamp_item='timestamp', sample_rate=ADC_RATE, sync_time=SYNC_TIME,
        stats_interval=0)
    meter = PowerPerPolarisation()
    tb.msg_connect((src, 'pdus'), (meter, 'pdus'))
    tb.run()  # a message-only flowgraph: the source ends it at the end of the capture
    stats = src.statistics()
    print('heaps_published {} heaps_skipped_by_selection {}'.format(
        stats['heaps_published'], stats['heaps_skipped_by_selection']))


if __name__ == '__main__':
    main()
