#!/usr/bin/env python3
#
# Copyright 2026 gr-spead authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#

"""The sending direction of Item and Descriptor: to_buffer, allow_immediate, to_raw and
ItemGroup.add_item's ID allocation.

Expected bytes are computed here independently (struct, int.to_bytes, bit strings written
out by hand). Every case marked "spead2 4.4.1" was also checked to give the same bytes,
types and exceptions from spead2 4.4.1's Item (see scripts/compare-items-with-spead2.py,
which compares several thousand items of both modules).
"""

import struct

import numpy as np
from gnuradio import gr_unittest

import gnuradio.spead as spead2
from recv_test_support import descriptor, get_heaps, packet, stop_packet

ID = 0x1234


def item(value, shape=(), **kwargs):
    return spead2.Item(ID, 'x', 'an item', shape, value=value, **kwargs)


def wire(value, shape=(), **kwargs):
    """Bytes of item(...).to_buffer()."""
    return bytes(memoryview(item(value, shape, **kwargs).to_buffer()).cast('B'))


def bits_to_bytes(bits):
    """Bytes of a string of '0'/'1' (spaces ignored), the last byte padded with zeros."""
    bits = bits.replace(' ', '')
    bits += '0' * (-len(bits) % 8)
    return int(bits, 2).to_bytes(len(bits) // 8, 'big') if bits else b''


def received(sent, address_bits=40, bug_compat=0, immediate=False):
    """The value ItemGroup.update gives for Item ``sent`` after its descriptor (from
    to_raw) and its to_buffer bytes went through a receive stream."""
    flavour = spead2.Flavour(4, 64, address_bits, bug_compat)
    raw = sent.to_raw(flavour)
    desc = descriptor(raw.id, raw.name, raw.description, [tuple(f) for f in raw.format],
                      raw.shape, raw.numpy_header.decode('ascii') or None, address_bits)
    data = bytes(memoryview(sent.to_buffer()).cast('B'))
    value = int.from_bytes(data, 'big') if immediate else data
    stream = spead2.recv.Stream(spead2.ThreadPool(),
                                spead2.recv.StreamConfig(bug_compat=bug_compat))
    stream.add_buffer_reader(packet(2, [(0x05, desc), (raw.id, value)], address_bits)
                             + stop_packet(3, address_bits))
    heaps = get_heaps(stream)
    return spead2.ItemGroup().update(heaps[0])[sent.name].value


class qa_item_encode(gr_unittest.TestCase):
    # --- numpy types: the array itself ---------------------------------------------

    def test_numpy_dtype_bytes_in_its_own_byte_order(self):
        # spead2 4.4.1
        self.assertEqual(wire([1, 2, 3], (3,), dtype='>u2'), struct.pack('>3H', 1, 2, 3))
        self.assertEqual(wire([1, -2], (2,), dtype='<i4'), struct.pack('<2i', 1, -2))
        self.assertEqual(wire(1.5, dtype='>f8'), struct.pack('>d', 1.5))
        self.assertEqual(wire([1 + 2j], (1,), dtype='<c8'), struct.pack('<2f', 1, 2))
        self.assertEqual(wire([True, False], (2,), dtype='?'), b'\x01\x00')

    def test_numpy_array_of_the_right_type_is_not_copied(self):
        value = np.arange(6, dtype='<u4').reshape(2, 3)
        buffer = item(value, (2, 3), dtype='<u4').to_buffer()
        self.assertIs(buffer, value)

    def test_fortran_order_sends_columns_first(self):
        # spead2 4.4.1: rows of the transposed array, that is the columns of the value.
        value = [[1, 2, 3], [4, 5, 6]]
        self.assertEqual(wire(value, (2, 3), dtype='<i2', order='F'),
                         struct.pack('<6h', 1, 4, 2, 5, 3, 6))
        self.assertEqual(wire(value, (2, 3), dtype='<i2', order='C'),
                         struct.pack('<6h', 1, 2, 3, 4, 5, 6))

    def test_records(self):
        dtype = np.dtype([('a', '<u2'), ('b', '>i4')])
        self.assertEqual(wire([(1, -1), (2, 3)], (2,), dtype=dtype),
                         struct.pack('<H', 1) + struct.pack('>i', -1)
                         + struct.pack('<H', 2) + struct.pack('>i', 3))

    def test_standard_format_widths_are_big_endian_numpy(self):
        # spead2 4.4.1
        cases = [
            ([('u', 8)], [1, 255], struct.pack('>2B', 1, 255)),
            ([('u', 16)], [258, 3], struct.pack('>2H', 258, 3)),
            ([('i', 32)], [-2, 7], struct.pack('>2i', -2, 7)),
            ([('u', 64)], [1 << 63, 1], struct.pack('>2Q', 1 << 63, 1)),
            ([('f', 32)], [0.25, -1.0], struct.pack('>2f', 0.25, -1.0)),
            ([('f', 64)], [1e300, 2.0], struct.pack('>2d', 1e300, 2.0)),
            ([('b', 8)], [True, False], b'\x01\x00'),
            ([('u', 8), ('i', 16)], [(1, -2), (3, 4)], struct.pack('>BhBh', 1, -2, 3, 4)),
        ]
        for fmt, value, expected in cases:
            with self.subTest(format=fmt):
                buffer = item(value, (2,), format=fmt).to_buffer()
                self.assertIsInstance(buffer, np.ndarray)
                self.assertEqual(bytes(buffer), expected)

    def test_strings_and_bytes_as_characters(self):
        # spead2 4.4.1: a str or bytes value of a 1-d c8 item is its characters.
        self.assertEqual(wire('hello', (None,), format=[('c', 8)]), b'hello')
        self.assertEqual(wire(b'hi\x00', (3,), format=[('c', 8)]), b'hi\x00')
        self.assertEqual(wire('', (None,), format=[('c', 8)]), b'')
        self.assertEqual(wire(b'ab', (2,), dtype='S1'), b'ab')

    # --- immediates of other widths: the low bytes of a big-endian u64 -------------

    def test_immediate_widths_take_the_low_bytes(self):
        # spead2 4.4.1
        cases = [
            ([('u', 40)], 0x123456789a, b'\x12\x34\x56\x78\x9a'),
            ([('u', 48)], (1 << 48) - 2, b'\xff' * 5 + b'\xfe'),
            ([('i', 40)], -2, b'\xff' * 4 + b'\xfe'),
            ([('u', 24)], 0xabcdef, b'\xab\xcd\xef'),
            ([('i', 56)], 5, bytes(6) + b'\x05'),
            # No range check (the value could be filled in later): the low bytes.
            ([('u', 40)], (1 << 40) + 7, bytes(4) + b'\x07'),
        ]
        for fmt, value, expected in cases:
            with self.subTest(format=fmt, value=value):
                self.assertEqual(wire(value, format=fmt), expected)

    # --- other widths: fields packed MSB-first -----------------------------------

    def test_odd_widths_pack_msb_first_without_padding(self):
        # spead2 4.4.1
        cases = [
            # (format, shape, value, bits on the wire)
            ([('u', 12)], (3,), [0xabc, 0x123, 0x456], '1010 1011 1100 0001 0010 0011'
                                                       '0100 0101 0110'),
            ([('i', 12)], (2,), [-1, -2048], '1111 1111 1111 1000 0000 0000'),
            ([('b', 1)], (5,), [True, False, True, True, False], '10110'),
            ([('u', 4), ('i', 12)], (2,), [(1, -1), (2, 3)],
             '0001 1111 1111 1111 0010 0000 0000 0011'),
            ([('u', 65)], (), 1 << 64, '1' + '0' * 64),
            ([('u', 3)], (None, 2), [[1, 2], [3, 4], [5, 6]], '001 010 011 100 101 110'),
            ([('b', 1), ('u', 7)], (), (True, 5), '1 0000101'),
            ([('i', 64), ('u', 1)], (), (-1, 1), '1' * 64 + '1'),
            ([('u', 5)], (0,), [], ''),
        ]
        for fmt, shape, value, bits in cases:
            with self.subTest(format=fmt, value=value):
                buffer = item(value, shape, format=fmt).to_buffer()
                self.assertIsInstance(buffer, bytearray)
                self.assertEqual(bytes(buffer), bits_to_bytes(bits))

    def test_values_that_do_not_fit_raise(self):
        # spead2 4.4.1: the same exception types.
        cases = [
            (dict(format=[('u', 12)]), (2,), [4096, 1], ValueError),
            (dict(format=[('i', 12)]), (), -2049, ValueError),
            (dict(format=[('u', 12)]), (), -1, ValueError),
            (dict(format=[('u', 12)]), (3,), [1, 2], ValueError),         # shape
            (dict(dtype='<u2'), (3,), [1, 2], ValueError),                # shape
            (dict(dtype='<u2'), (2, 2), [1, 2, 3, 4], ValueError),        # shape
            (dict(dtype='<u2'), (2,), ['a', 'b'], ValueError),
            (dict(dtype='<u2'), (), {'a': 1}, TypeError),
            (dict(format=[('u', 12)]), (), 'abc', ValueError),
            (dict(format=[('u', 40)]), (), 'abc', ValueError),
            (dict(format=[('c', 8)]), (None,), '\u20ac', UnicodeEncodeError),
        ]
        for kwargs, shape, value, error in cases:
            with self.subTest(kwargs=kwargs, value=value):
                with self.assertRaises(error):
                    item(value, shape, **kwargs).to_buffer()

    def test_value_none_cannot_be_sent_or_set(self):
        with self.assertRaises(ValueError):
            item(None, format=[('u', 40)]).to_buffer()
        with self.assertRaises(ValueError):
            item(1, format=[('u', 40)]).value = None

    # --- allow_immediate ---------------------------------------------------------

    def test_allow_immediate(self):
        # spead2 4.4.1
        self.assertTrue(item(1, format=[('u', 40)]).allow_immediate())
        self.assertTrue(item(1, (3,), format=[('u', 4), ('i', 12)]).allow_immediate())
        self.assertTrue(item(1, (3,), dtype='<u2').allow_immediate())
        self.assertFalse(item(1, format=[('u', 12)]).allow_immediate())
        self.assertFalse(item(1, (None,), format=[('u', 8)]).allow_immediate())
        self.assertFalse(item(1, (2, None), format=[('c', 8)]).allow_immediate())

    # --- to_raw ---------------------------------------------------------------

    def test_to_raw_with_a_format(self):
        # spead2 4.4.1
        raw = spead2.Item(0x1600, 'time', 'a timestamp', (2, None),
                          format=[('u', 4), ('i', 12)]).to_raw(spead2.Flavour())
        self.assertEqual(raw.id, 0x1600)
        self.assertEqual(raw.name, b'time')
        self.assertEqual(raw.description, b'a timestamp')
        self.assertEqual(list(raw.shape), [2, None])
        self.assertEqual([tuple(f) for f in raw.format], [('u', 4), ('i', 12)])
        self.assertEqual(raw.numpy_header, b'')

    def test_to_raw_with_a_dtype_is_a_numpy_header(self):
        # spead2 4.4.1, header text written out by hand.
        cases = [
            (dict(dtype='<u2', shape=(3,)), spead2.Flavour(),
             b"{'descr': '<u2', 'fortran_order': False, 'shape': (3,)}"),
            (dict(dtype='>f8', shape=(2, 3), order='F'), spead2.Flavour(),
             b"{'descr': '>f8', 'fortran_order': True, 'shape': (2, 3)}"),
            (dict(dtype='u1', shape=()), spead2.Flavour(),
             b"{'descr': '|u1', 'fortran_order': False, 'shape': ()}"),
            (dict(dtype='<u2', shape=(3,)),
             spead2.Flavour(4, 64, 40, spead2.BUG_COMPAT_SWAP_ENDIAN),
             b"{'descr': '>u2', 'fortran_order': False, 'shape': (3,)}"),
            (dict(dtype=[('a', '<u2'), ('b', '>i4')], shape=(1,)), spead2.Flavour(),
             b"{'descr': [('a', '<u2'), ('b', '>i4')], 'fortran_order': False, "
             b"'shape': (1,)}"),
            # Other bug_compat flags are the encoder's business, not the header's.
            (dict(dtype='<u2', shape=(3,)),
             spead2.Flavour(4, 64, 40, spead2.BUG_COMPAT_DESCRIPTOR_WIDTHS
                            | spead2.BUG_COMPAT_SHAPE_BIT_1),
             b"{'descr': '<u2', 'fortran_order': False, 'shape': (3,)}"),
        ]
        for kwargs, flavour, header in cases:
            with self.subTest(kwargs=kwargs):
                shape = kwargs.pop('shape')
                raw = spead2.Item(0x1601, 'x', 'd', shape, **kwargs).to_raw(flavour)
                self.assertEqual(raw.numpy_header, header)
                self.assertEqual(list(raw.shape), list(shape))
                self.assertEqual(list(raw.format), [])

    def test_to_raw_rejects_non_ascii_text(self):
        with self.assertRaises(UnicodeEncodeError):
            spead2.Item(1, 'caf\u00e9', '', (), format=[('u', 8)]).to_raw(spead2.Flavour())

    # --- add_item and versions ------------------------------------------------

    def test_add_item_allocates_the_first_free_id_from_0x1000(self):
        group = spead2.ItemGroup()
        first = group.add_item(None, 'a', '', (), format=[('u', 8)])
        explicit = group.add_item(0x1002, 'b', '', (), format=[('u', 8)])
        second = group.add_item(None, 'c', '', (), format=[('u', 8)])
        third = group.add_item(None, 'd', '', (), format=[('u', 8)])
        low = group.add_item(0x10, 'e', '', (), format=[('u', 8)])
        self.assertEqual([first.id, explicit.id, second.id, third.id, low.id],
                         [0x1000, 0x1002, 0x1001, 0x1003, 0x10])
        self.assertIs(group[0x1001], second)

    def test_add_item_keywords_and_value(self):
        group = spead2.ItemGroup()
        added = group.add_item(id=None, name='v', description='values', shape=(2,),
                               dtype='<i2', order='F', value=[1, 2])
        self.assertEqual((added.dtype, added.order, list(added.value)),
                         (np.dtype('<i2'), 'F', [1, 2]))
        self.assertEqual(added.version, 1)

    def test_setting_a_value_raises_the_version(self):
        sent = item(1, format=[('u', 40)])
        self.assertEqual(sent.version, 1)
        sent.value = 2
        sent.value = 2
        self.assertEqual(sent.version, 3)

    # --- round trips through the receive side ----------------------------------

    def test_round_trips(self):
        cases = [
            # (Item arguments, value)
            (dict(shape=(3,), dtype='<u2'), [1, 2, 65535]),
            (dict(shape=(2, 3), dtype='>i4', order='F'), [[1, -2, 3], [4, 5, -6]]),
            (dict(shape=(2,), dtype=[('a', '<u2'), ('b', '>f4')]), [(1, 0.5), (2, -1.5)]),
            (dict(shape=(None,), format=[('c', 8)]), 'hello'),
            (dict(shape=(), format=[('u', 40)]), 0x123456789a),
            (dict(shape=(), format=[('i', 48)]), -5),
            (dict(shape=(3,), format=[('u', 12)]), [0xabc, 0, 0xfff]),
            (dict(shape=(None, 2), format=[('u', 4), ('i', 12)]),
             [[(1, -1), (2, 3)], [(15, -2048), (0, 2047)]]),
            (dict(shape=(), format=[('u', 65)]), (1 << 64) + 3),
            (dict(shape=(4,), format=[('b', 1)]), [True, False, False, True]),
            (dict(shape=(2,), format=[('f', 64)]), [1.25, -2.0]),
        ]
        for kwargs, value in cases:
            for address_bits in (40, 48):
                with self.subTest(kwargs=kwargs, address_bits=address_bits):
                    sent = spead2.Item(ID, 'x', 'round trip', value=value, **kwargs)
                    got = received(sent, address_bits)
                    actual = got.tolist() if isinstance(got, np.ndarray) else got
                    self.assertEqual(actual, value)

    def test_immediate_round_trips(self):
        for fmt, value in [([('u', 40)], 0x123456789a), ([('i', 40)], -7),
                           ([('u', 24)], 0xabcdef), ([('u', 8)], 200)]:
            with self.subTest(format=fmt):
                sent = item(value, format=fmt)
                self.assertTrue(sent.allow_immediate())
                self.assertEqual(received(sent, immediate=True), value)

    def test_swap_endian_round_trip(self):
        sent = item([1, 2], (2,), dtype='<u2')
        got = received(sent, bug_compat=spead2.BUG_COMPAT_SWAP_ENDIAN)
        # The header says '>u2' and the receiver swaps back: the values are intact.
        self.assertEqual(got.tolist(), [1, 2])


if __name__ == '__main__':
    gr_unittest.run(qa_item_encode)
