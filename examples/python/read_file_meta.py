#!/usr/bin/env python3
#
# Copyright 2026 gr-spead authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#

"""Reads back a file written by GNU Radio's File Meta Sink (attached headers), e.g. by
examples/rx_time_file_meta.grc: one line per segment with its rx_time (UNIX seconds),
sample rate and number of items.

    read_file_meta.py spectra.c64meta
"""

import sys

import pmt
from gnuradio.blocks import parse_file_metadata


def read_segments(path):
    """Every segment: (its header as parse_header gives it, its data bytes)."""
    out = []
    with open(path, 'rb') as f:
        while True:
            header = f.read(parse_file_metadata.HEADER_LENGTH)
            if len(header) < parse_file_metadata.HEADER_LENGTH:
                return out
            info = parse_file_metadata.parse_header(pmt.deserialize_str(header), False)
            f.seek(info['extra_len'], 1)  # the extra dict, if any
            out.append((info, f.read(info['nbytes'])))


def segments(path):
    """(whole seconds, fractional seconds, sample rate, items) of every segment."""
    return [(info['rx_time_secs'], info['rx_time_fracs'], info['rx_rate'],
             int(info['nitems'])) for info, _ in read_segments(path)]


def main(path):
    for seconds, fraction, rate, items in segments(path):
        print('rx_time {} + {:.12f} s, rate {:g}/s, {} items'.format(
            seconds, fraction, rate, items))


if __name__ == '__main__':
    main(sys.argv[1])
