#
# Copyright 2026 gr-spead authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#

"""Helpers shared by the block QA tests (qa_source.py, qa_heap_source.py,
qa_grc_examples.py): the reference captures' path, a pcap writer and reader, a
deterministic capture with loss and reordering, and a bounded flowgraph run."""

import os
import struct
import threading

import numpy as np
import pmt
from gnuradio import spead


def captures_dir():
    return os.environ.get('SPEAD_CAPTURES_DIR',
                          os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                       '../../tests/data/captures'))


def capture(name):
    return os.path.join(captures_dir(), name)


def write_pcap(path, payloads, dst_port=7148, src_port=40000):
    """A classic pcap of Ethernet / IPv4 / UDP frames, one per payload, 127.0.0.1 to
    127.0.0.1 (written by hand from the pcap, IPv4 and UDP header layouts)."""
    with open(path, 'wb') as f:
        f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for i, payload in enumerate(payloads):
            udp = struct.pack('>HHHH', src_port, dst_port, 8 + len(payload), 0) + payload
            ip = struct.pack('>BBHHHBBH4s4s', 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0,
                             bytes([127, 0, 0, 1]), bytes([127, 0, 0, 1])) + udp
            frame = bytes(12) + b'\x08\x00' + ip
            f.write(struct.pack('<IIII', 1, i, len(frame), len(frame)))
            f.write(frame)


# The lossy capture: heaps 1..10 of one 1024-byte item 0x1602 (512 complex int8 pairs)
# and an immediate timestamp 0x1600, cut into 5 packets each (max_packet_size 300),
# then a stop heap.
LOSSY_HEAPS = range(1, 11)
LOSSY_SAMPLES = 512
LOSSY_TS0, LOSSY_TS_STEP = 1000, 512
LOST_HEAP = 4          # every packet dropped
INCOMPLETE_HEAP = 6    # its second packet dropped
REORDERED_HEAP = 8     # its second and third packets swapped


def lossy_heap_bytes(cnt):
    """Heap cnt's item: re = (3 i + cnt) mod 256 - 128, im = cnt - 64, as int8 pairs."""
    i = np.arange(LOSSY_SAMPLES)
    pairs = np.empty((LOSSY_SAMPLES, 2), dtype=np.int8)
    pairs[:, 0] = ((3 * i + cnt) % 256 - 128).astype(np.int8)
    pairs[:, 1] = cnt - 64
    return pairs.tobytes()


def lossy_timestamp(cnt):
    return LOSSY_TS0 + LOSSY_TS_STEP * (cnt - 1)


def make_lossy_capture(path):
    """Writes the capture; returns (packets written, (offset, length) of the payload
    dropped from INCOMPLETE_HEAP)."""
    out, dropped = [], None
    for cnt in LOSSY_HEAPS:
        packets = spead.encode_heap(cnt, [(0x1600, lossy_timestamp(cnt)),
                                          (0x1602, lossy_heap_bytes(cnt))],
                                    max_packet_size=300)
        assert len(packets) >= 4
        if cnt == LOST_HEAP:
            continue
        if cnt == INCOMPLETE_HEAP:
            info = spead.decode_packet(packets[1])
            dropped = (info['payload_offset'], info['payload_length'])
            del packets[1]
        if cnt == REORDERED_HEAP:
            packets[1], packets[2] = packets[2], packets[1]
        out.extend(packets)
    out.extend(spead.encode_stop_heap(11))
    write_pcap(path, out)
    return len(out), dropped


def lossy_expected_samples(cnt, dropped=None):
    """Heap cnt's samples as complex64, with the byte range dropped zeroed."""
    raw = bytearray(lossy_heap_bytes(cnt))
    if dropped:
        offset, length = dropped
        raw[offset:offset + length] = bytes(length)
    pairs = np.frombuffer(bytes(raw), dtype=np.int8).astype(np.float32).reshape(-1, 2)
    return pairs[:, 0] + 1j * pairs[:, 1]


def tags_of(sink):
    """A sink's tags as (offset, key, Python value) in offset order."""
    return sorted(((t.offset, pmt.symbol_to_string(t.key), pmt.to_python(t.value))
                   for t in sink.tags()), key=lambda t: t[0])


def run_bounded(tb, seconds=30):
    """Runs tb until it ends by itself; stops it after `seconds` (a hung test fails
    instead of hanging CI). Returns True when it ended by itself."""
    fired = []

    def stop():
        fired.append(True)
        tb.stop()

    timer = threading.Timer(seconds, stop)
    tb.start()
    timer.start()
    tb.wait()
    timer.cancel()
    return not fired


def capture_udp_payloads(path):
    """UDP payloads of a classic pcap of Ethernet / IPv4 / UDP frames, read by hand."""
    with open(path, 'rb') as f:
        data = f.read()
    assert struct.unpack_from('<I', data, 0)[0] == 0xa1b2c3d4
    at, out = 24, []
    while at + 16 <= len(data):
        captured = struct.unpack_from('<I', data, at + 8)[0]
        frame = data[at + 16:at + 16 + captured]
        udp = 14 + (frame[14] & 0x0f) * 4
        udp_length = struct.unpack_from('>H', frame, udp + 4)[0]
        out.append(frame[udp + 8:udp + udp_length])
        at += 16 + captured
    return out
