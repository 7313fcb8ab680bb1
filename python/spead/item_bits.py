#
# Copyright 2026 gr-spead authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#

"""SPEAD formats that numpy cannot hold: their dtype, and their values as Python objects.

A format is a list of (code, bits) fields. Fields of 8/16/32/64-bit 'u'/'i', 32/64-bit
'f' and 8-bit 'b'/'c' are numpy types (big-endian on the wire). Any other 'u', 'i' or 'b'
width is an object field: its values are Python ints (two's complement for 'i') and bools,
packed MSB-first with no padding between fields or elements. This is spead2's rule, so
that a u48 timestamp is a Python int (exact in any arithmetic), not a numpy uint64.
"""

import numpy as np

__all__ = ['format_dtype', 'unpack_elements', 'pack_elements']

#: Float fields by width: the unsigned integer of the same bits, and the float.
_FLOAT_VIEWS = {32: (np.uint32, np.float32), 64: (np.uint64, np.float64)}


def format_dtype(fmt):
    """The numpy dtype holding elements of ``fmt``: one field is a scalar type, several a
    record with fields f0, f1, ...; object fields are 'O'.

    Raises ValueError for an empty format, a field of zero or negative width, or a code
    and width that no type represents ('c' and 'f' only exist in numpy widths).
    """
    if not fmt:
        raise ValueError('empty format')
    parts = []
    for code, bits in fmt:
        if bits <= 0:
            raise ValueError('field ({!r}, {}) has no width: {}'.format(
                code, bits, 'bug_compat mismatch?' if bits == 0 else 'negative length'))
        if code in ('u', 'i') and bits in (8, 16, 32, 64):
            parts.append('>{}{}'.format(code, bits // 8))
        elif code == 'f' and bits in (32, 64):
            parts.append('>f{}'.format(bits // 8))
        elif code == 'b' and bits == 8:
            parts.append('?')
        elif code == 'c' and bits == 8:
            parts.append('S1')
        elif code in ('u', 'i', 'b'):
            parts.append('O')
        else:
            raise ValueError('illegal format ({!r}, {})'.format(code, bits))
    return np.dtype(','.join(parts))


def _columns_to_ints(columns):
    """Unsigned integers (Python ints) of rows of bits, most significant first."""
    count, width = columns.shape
    pad = -width % 8
    if pad:
        columns = np.concatenate([np.zeros((count, pad), np.uint8), columns], axis=1)
    packed = np.packbits(columns, axis=1)
    if packed.shape[1] <= 8:
        wide = np.zeros((count, 8), np.uint8)
        wide[:, 8 - packed.shape[1]:] = packed
        return wide.view('>u8').ravel().tolist()
    return [int.from_bytes(row.tobytes(), 'big') for row in packed]


def _field_values(code, bits, raws):
    if code == 'u':
        return raws
    if code == 'i':
        top = 1 << (bits - 1)
        return [raw - (top << 1) if raw >= top else raw for raw in raws]
    if code == 'b':
        return [bool(raw) for raw in raws]
    if code == 'c':
        return [bytes((raw,)) for raw in raws]
    if code == 'f':
        as_int, as_float = _FLOAT_VIEWS[bits]
        return list(np.array(raws, as_int).view(as_float))
    raise ValueError('unhandled format ({!r}, {})'.format(code, bits))


def unpack_elements(data, fmt, count):
    """The first ``count`` elements of ``fmt`` read MSB-first from ``data`` (a uint8
    array holding at least count * element bits): a list of Python values, or of tuples
    of them when the format has several fields."""
    element_bits = sum(bits for _, bits in fmt)
    total = count * element_bits
    bits_array = np.unpackbits(data[:(total + 7) // 8])[:total].reshape(count, element_bits)
    fields = []
    offset = 0
    for code, bits in fmt:
        raws = _columns_to_ints(bits_array[:, offset:offset + bits])
        fields.append(_field_values(code, bits, raws))
        offset += bits
    if len(fields) == 1:
        return fields[0]
    return list(zip(*fields))


def _field_raw(code, bits, value):
    if code == 'u':
        raw = int(value)
        if raw < 0 or raw >= 1 << bits:
            raise ValueError('{} is out of range for u{}'.format(raw, bits))
        return raw
    if code == 'i':
        raw = int(value)
        top = 1 << (bits - 1)
        if raw < -top or raw >= top:
            raise ValueError('{} is out of range for i{}'.format(value, bits))
        return raw + (top << 1) if raw < 0 else raw
    if code == 'b':
        return 1 if value else 0
    if code == 'c':
        return ord(value)
    if code == 'f':
        as_int, as_float = _FLOAT_VIEWS[bits]
        return int(as_float(value).view(as_int))
    raise ValueError('unhandled format ({!r}, {})'.format(code, bits))


def pack_elements(elements, fmt):
    """Wire bytes (a bytearray) of ``elements`` in ``fmt``, MSB-first, the last byte
    padded with zero bits. Each element is a value, or a sequence of one per field.

    Raises ValueError when a value does not fit its field.
    """
    element_bits = sum(bits for _, bits in fmt)
    count = len(elements)
    rows = np.zeros((count, element_bits), np.uint8)
    offset = 0
    for index, (code, bits) in enumerate(fmt):
        if len(fmt) == 1:
            column = elements
        else:
            column = [element[index] for element in elements]
        raws = [_field_raw(code, bits, value) for value in column]
        width = (bits + 7) // 8 * 8
        packed = [raw.to_bytes(width // 8, 'big') for raw in raws]
        if count:
            unpacked = np.unpackbits(np.frombuffer(b''.join(packed), np.uint8))
            rows[:, offset:offset + bits] = unpacked.reshape(count, width)[:, width - bits:]
        offset += bits
    return bytearray(np.packbits(rows.ravel()).tobytes())
