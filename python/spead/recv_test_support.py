#
# Copyright 2026 gr-spead authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#

"""Helpers for the Python receive tests: SPEAD packets built by hand from
SPEAD-PROTOCOL.md (sections 1, 2, 5), independently of the encoder under test, and
small bounded-time utilities."""

import os
import socket
import threading
import time

IMMEDIATE = 1 << 63

#: Every test bounds its own time; nothing here waits longer than this.
PATIENCE = 10.0


def captures_dir():
    return os.environ.get('SPEAD_CAPTURES_DIR',
                          os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                       '../../tests/data/captures'))


def pointer(immediate, item_id, value, address_bits=40):
    """One item pointer (section 2): bit 63 immediate, then the ID, then the value."""
    return ((IMMEDIATE if immediate else 0) | (item_id << address_bits) | value).to_bytes(8, 'big')


def packet(cnt, items, address_bits=40, heap_length=True, ctrl=None):
    """One packet holding a whole heap (section 1).

    ``items`` are (id, value) pairs: an int is immediate, bytes are addressed (laid out
    back to back in the payload, in order).
    """
    payload = b''
    pointers = []
    for item_id, value in items:
        if isinstance(value, int):
            pointers.append(pointer(True, item_id, value, address_bits))
        else:
            pointers.append(pointer(False, item_id, len(payload), address_bits))
            payload += bytes(value)
    if ctrl is not None:
        pointers.append(pointer(True, 0x06, ctrl, address_bits))
    head = [pointer(True, 0x01, cnt, address_bits)]
    if heap_length:
        head.append(pointer(True, 0x02, len(payload), address_bits))
    head += [pointer(True, 0x03, 0, address_bits), pointer(True, 0x04, len(payload), address_bits)]
    pointers = head + pointers
    header = bytes([0x53, 0x04, (64 - address_bits) // 8, address_bits // 8, 0, 0]) + \
        len(pointers).to_bytes(2, 'big')
    return header + b''.join(pointers) + payload


def fragment(cnt, heap_length, offset, payload, items=(), address_bits=40):
    """One packet carrying part of a heap: ``payload`` at ``offset`` of a heap of
    ``heap_length`` bytes (None: unsized), with extra item pointers ``items`` given as
    (immediate, id, value) triples."""
    pointers = [pointer(True, 0x01, cnt, address_bits)]
    if heap_length is not None:
        pointers.append(pointer(True, 0x02, heap_length, address_bits))
    pointers += [pointer(True, 0x03, offset, address_bits),
                 pointer(True, 0x04, len(payload), address_bits)]
    pointers += [pointer(imm, item_id, value, address_bits) for imm, item_id, value in items]
    header = bytes([0x53, 0x04, (64 - address_bits) // 8, address_bits // 8, 0, 0]) + \
        len(pointers).to_bytes(2, 'big')
    return header + b''.join(pointers) + bytes(payload)


def stop_packet(cnt, address_bits=40):
    return packet(cnt, [], address_bits, ctrl=2)


def descriptor(item_id, name, description=b'', format=None, shape=(), numpy_header=None,
               address_bits=40, widths=None, variable_flag=0x01):
    """The value of a DESCRIPTOR item (section 5): one packet of its own.

    ``format`` is a list of (code, bits); ``shape`` dimensions are ints or None
    (variable). ``widths`` = (format bytes, shape bytes) overrides the flavour's
    (BUG_COMPAT_DESCRIPTOR_WIDTHS uses (4, 8)).
    """
    # Section 5: a format field is 1 code byte + (64 - A) / 8 bytes of bit length, a
    # shape dimension 1 flag byte + A / 8 bytes of size.
    fmt_bytes, shape_bytes = widths or (1 + (64 - address_bits) // 8, 1 + address_bits // 8)
    fmt = b''
    for code, bits in (format or []):
        fmt += code.encode('ascii') + bits.to_bytes(fmt_bytes - 1, 'big')
    shp = b''
    for dim in shape:
        if dim is None:
            shp += bytes([variable_flag]) + bytes(shape_bytes - 1)
        else:
            shp += b'\x00' + dim.to_bytes(shape_bytes - 1, 'big')
    items = [(0x14, item_id), (0x10, name if isinstance(name, bytes) else name.encode()),
             (0x11, description if isinstance(description, bytes) else description.encode()),
             (0x13, fmt), (0x12, shp)]
    if numpy_header is not None:
        items.append((0x15, numpy_header.encode('ascii')))
    return packet(1, items, address_bits)


class UdpSender:
    """Sends packets to a loopback port, optionally repeating until told to stop."""

    def __init__(self, port, family=socket.AF_INET, host='127.0.0.1'):
        self.sock = socket.socket(family, socket.SOCK_DGRAM)
        self.address = (host, port)

    def send(self, packets):
        for p in packets:
            self.sock.sendto(p, self.address)

    def close(self):
        self.sock.close()


def free_port(kind=socket.SOCK_DGRAM, family=socket.AF_INET, host='127.0.0.1'):
    with socket.socket(family, kind) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def get_heaps(stream, count=None, timeout=PATIENCE):
    """Heaps from a blocking stream until it stops (or ``count`` heaps), bounded in time
    by a watchdog that stops the stream."""
    timer = threading.Timer(timeout, stream.stop)
    timer.start()
    heaps = []
    try:
        for heap in stream:
            heaps.append(heap)
            if count is not None and len(heaps) == count:
                break
    finally:
        timer.cancel()
    return heaps


def wait_for(predicate, timeout=PATIENCE, interval=0.01):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()
