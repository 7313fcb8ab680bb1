#!/usr/bin/env python3
#
# Copyright 2026 gr-spead authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#

"""The exact values, types and versions ItemGroup gives, as spead2 4.4.1 gives them.

Every expectation here was checked against spead2 4.4.1 by decoding the same hand-built
heaps with both modules: only numpy widths are numpy types; other widths are Python ints
and bools, object arrays or records with object fields; versions rise by 2 per update;
PySPEAD descriptors read without bug_compat keep their whole fields.
"""

import os
import re

import numpy as np
from gnuradio import gr_unittest

import gnuradio.spead as spead2
from recv_test_support import descriptor, get_heaps, packet, stop_packet

ID = 0x1000


def receive(packets, bug_compat=0):
    stream = spead2.recv.Stream(spead2.ThreadPool(),
                                spead2.recv.StreamConfig(bug_compat=bug_compat))
    stream.add_buffer_reader(b''.join(packets) + stop_packet(999))
    return get_heaps(stream)


def decode(value, address_bits=40, bug_compat=0, new_order='=', raw_descriptor=None,
           **desc):
    """Value of item 'x' (descriptor ``desc`` or the bytes ``raw_descriptor``) carrying
    ``value`` (bytes: addressed; int: immediate), as ItemGroup.update gives it."""
    if raw_descriptor is None:
        raw_descriptor = descriptor(ID, 'x', address_bits=address_bits, **desc)
    heaps = receive([packet(2, [(0x05, raw_descriptor), (ID, value)], address_bits)],
                    bug_compat)
    return spead2.ItemGroup().update(heaps[0], new_order=new_order)['x'].value


def typed(values):
    """(type name, value) of each element, to compare object arrays exactly."""
    return [(type(v).__name__, v) for v in values]


class qa_item_values(gr_unittest.TestCase):
    # --- scalars of other widths are Python objects ----------------------------------

    def test_odd_width_scalars_are_python_ints(self):
        cases = [
            # (format, value, address bits, expected)
            ([('u', 48)], 0x123456789abc, 48, 0x123456789abc),
            ([('u', 40)], 1000000, 40, 1000000),
            ([('i', 40)], (1 << 40) - 5, 40, -5),
            ([('u', 24)], 0xabcdef, 40, 0xabcdef),     # the last 3 of 5 bytes
            ([('u', 12)], 0xabc0, 40, 0xabc),          # leading bits of the last 2 bytes
            ([('u', 40)], b'\x00\x00\x00\x01\x00\x07', 40, 0x100),
            ([('u', 48)], b'\x00\x00\x00\x01\x00\x07', 40, 0x10007),
            ([('u', 65)], b'\x80' + bytes(8), 40, 1 << 64),
        ]
        for fmt, raw, bits, expected in cases:
            with self.subTest(format=fmt, raw=raw):
                value = decode(raw, bits, format=fmt)
                self.assertIs(type(value), int)
                self.assertEqual(value, expected)

    def test_u48_timestamp_stays_exact_in_mixed_arithmetic(self):
        # A numpy uint64 plus a Python int is a float64 on numpy 1.x; an int stays exact.
        value = decode((1 << 48) - 1, 48, format=[('u', 48)])
        self.assertIs(type(value + 1), int)
        self.assertEqual(value * 4096 + 1, ((1 << 48) - 1) * 4096 + 1)

    def test_numpy_widths_stay_numpy_scalars(self):
        self.assertIs(type(decode(0x12, format=[('u', 8)])), np.uint8)
        self.assertIs(type(decode(b'\x80' + bytes(7), format=[('u', 64)])), np.uint64)
        self.assertIs(type(decode(b'\x02', format=[('b', 8)])), np.bool_)
        value = decode(b'a', format=[('c', 8)])
        self.assertIs(type(value), np.bytes_)
        self.assertEqual(value, b'a')

    def test_one_bit_booleans(self):
        self.assertIs(decode(b'\x80', format=[('b', 1)]), True)
        value = decode(b'\xa5', format=[('b', 1)], shape=(8,))
        self.assertEqual(value.dtype, np.dtype(object))
        self.assertEqual(typed(value.tolist()), typed(
            [True, False, True, False, False, True, False, True]))

    def test_widths_without_a_type_raise_value_error(self):
        for fmt in ([('c', 7)], [('f', 16)], [('u', 0)], []):
            with self.subTest(format=fmt), self.assertRaises(ValueError):
                decode(b'abc', format=fmt, shape=(None,))

    def test_immediate_too_narrow_raises_value_error(self):
        # 48 bits do not fit the 40-bit immediate of SPEAD-64-40, nor 64 bits.
        with self.assertRaises(ValueError):
            decode(5, format=[('u', 48)])
        with self.assertRaises(ValueError):
            decode(5, format=[('i', 64)])

    # --- arrays ------------------------------------------------------------------------

    def test_twelve_bit_arrays_are_object_arrays(self):
        value = decode(b'\xab\xc1\x23\xff\xf0', format=[('u', 12)], shape=(3,))
        self.assertEqual(value.dtype, np.dtype(object))
        self.assertEqual(typed(value.tolist()), typed([0xabc, 0x123, 0xfff]))
        value = decode(b'\xff\xf8\x00\x00\x50' + bytes(4), format=[('i', 12)], shape=(2, 3))
        self.assertEqual(value.shape, (2, 3))
        self.assertEqual(typed(value.ravel().tolist()), typed([-1, -2048, 5, 0, 0, 0]))
        variable = decode(b'\xab\xc1\x23\xff\xf0', format=[('u', 12)], shape=(None,))
        self.assertEqual(variable.tolist(), [0xabc, 0x123, 0xfff])

    def test_empty_object_arrays_take_numpy_shapes_of_nested_lists(self):
        # np.array([]) is (0,) whatever the second dimension; [[], [], []] is (3, 0).
        self.assertEqual(decode(b'\xab\xc1', format=[('u', 12)], shape=(0, 3)).shape, (0,))
        self.assertEqual(decode(b'\xab\xc1', format=[('u', 12)], shape=(3, 0)).shape, (3, 0))

    def test_immediate_nibbles_fill_the_value_field(self):
        value = decode(0x123456789a, format=[('u', 4)], shape=(None,))
        self.assertEqual(typed(value.tolist()), typed(list(range(1, 11))))

    def test_numpy_arrays_and_byte_order(self):
        value = decode(bytes(range(9)), format=[('u', 16)], shape=(None, 2))
        self.assertEqual(value.dtype, np.dtype(np.uint16))
        self.assertEqual(value.tolist(), [[1, 515], [1029, 1543]])
        self.assertEqual(decode(b'\x01\x02', format=[('u', 16)], shape=(1,),
                                new_order='|').dtype.str, '>u2')
        self.assertEqual(decode(b'\x01\x02', format=[('u', 16)], shape=(1,),
                                new_order='<').dtype.str, '<u2')
        kept = decode(b'\x01\x02', format=[('u', 16)], new_order='|')
        self.assertIs(type(kept), np.uint16)
        self.assertEqual(kept, 0x102)

    # --- records ---------------------------------------------------------------------

    def test_mixed_records_have_object_fields(self):
        value = decode(b'\x01\xab\xc0\x2f\xff', format=[('u', 8), ('u', 12)], shape=(2,))
        self.assertEqual(value.dtype, np.dtype([('f0', 'u1'), ('f1', 'O')]))
        self.assertEqual(value.tolist(), [(1, 0xabc), (2, 0xfff)])
        self.assertIs(type(value[0]['f1']), int)
        scalar = decode(b'\x01\xab\xc0', format=[('u', 8), ('u', 12)])
        self.assertIs(type(scalar), np.void)
        self.assertEqual(scalar.tolist(), (1, 0xabc))
        # u4, f32, c8: the float and the character keep numpy fields.
        scalar = decode(b'\x53\xf8\x00\x00\x06\x10', format=[('u', 4), ('f', 32), ('c', 8)])
        self.assertEqual(scalar.dtype, np.dtype([('f0', 'O'), ('f1', '>f4'), ('f2', 'S1')]))
        self.assertEqual(typed(scalar.tolist()), typed([5, 1.0, b'a']))

    def test_standard_records_are_numpy_in_native_order(self):
        value = decode(b'\x01\x00\x02\x03\x00\x04', format=[('u', 8), ('u', 16)], shape=(2,))
        self.assertEqual(value.dtype, np.dtype([('f0', 'u1'), ('f1', '=u2')]))
        self.assertEqual(value.tolist(), [(1, 2), (3, 4)])

    # --- strings -----------------------------------------------------------------------

    def test_character_strings(self):
        # NUL characters vanish (numpy's S1 elements drop them), as in spead2.
        self.assertEqual(decode(b'ab\x00cd', format=[('c', 8)], shape=(None,)), 'abcd')
        self.assertEqual(decode(b'abcd', format=[('c', 8)], shape=(3,)), 'abc')
        self.assertEqual(decode(0x6162636465, format=[('c', 8)], shape=(None,)), 'abcde')
        value = decode(b'abcd', format=[('c', 8)], shape=(2, 2))
        self.assertEqual(value.dtype, np.dtype('S1'))
        self.assertEqual(value.tolist(), [[b'a', b'b'], [b'c', b'd']])
        with self.assertRaises(UnicodeDecodeError):
            decode(b'caf\xe9', format=[('c', 8)], shape=(None,))

    # --- numpy headers -----------------------------------------------------------------

    def test_numpy_headers(self):
        header = "{{'descr': {!r}, 'fortran_order': {}, 'shape': {}}}"
        value = decode(bytes(range(12)), numpy_header=header.format('<u2', True, (2, 3)))
        self.assertEqual(value.tolist(), [[256, 1284, 2312], [770, 1798, 2826]])
        self.assertIs(type(decode(b'\xff\xff\xff\xfe',
                                  numpy_header=header.format('>i4', False, ()))), np.int32)
        self.assertEqual(decode(0x0102, numpy_header=header.format('<u2', False, ())), 0x201)
        self.assertEqual(decode(b'abc', numpy_header=header.format('|S3', False, ())),
                         b'abc')
        # The header wins over format and shape sent beside it.
        self.assertEqual(decode(b'\x01\x02', numpy_header=header.format('<u2', False, ()),
                                format=[('u', 8)], shape=(2,)), 0x201)
        for descr, fortran, shape in [('|O', False, ()), ('|V0', False, ()),
                                      ('<u1', 0, (1,)), ('<u1', False, (-1,)),
                                      ('<u1', False, [1]), ('<u2', False, (2,))]:
            with self.subTest(descr=descr, shape=shape), self.assertRaises(ValueError):
                decode(b'\x01\x02', numpy_header=header.format(descr, fortran, shape))
        with self.assertRaises(ValueError):
            decode(b'abc', numpy_header="{'descr': '<u1', 'fortran_order': False, "
                                        "'shapes': ()}")

    # --- PySPEAD descriptors without bug_compat ------------------------------------------

    def test_pyspead_descriptors_without_bug_compat(self):
        # PySPEAD 0.5.2 writes 4-byte format fields, 8-byte dimensions and flag 0x02.
        # Read with the flavour's widths, whole fields are taken and the rest ignored:
        # in SPEAD-64-40 the format (4 bytes) is right and each 8-byte dimension reads
        # as a 6-byte one of size 0 (the flag byte 0x02 is not 0x01), then a partial one.
        cases = [
            ([('u', 16)], (None,), b'\x00\x01\x00\x02', [1, 2], []),
            ([('u', 16)], (), b'\x00\x07', 7, 7),
            ([('u', 8)], (3,), b'\x01\x02\x03', [1, 2, 3], []),
            ([('f', 32)], (2,), b'\x3f\x80\x00\x00\x40\x00\x00\x00', [1.0, 2.0], []),
            ([('c', 8)], (None,), b'hello', 'hello', ''),
            ([('u', 12)], (None,), b'\xab\xc1\x23', [0xabc, 0x123], []),
        ]
        both = spead2.BUG_COMPAT_DESCRIPTOR_WIDTHS | spead2.BUG_COMPAT_SHAPE_BIT_1
        for fmt, shape, raw, with_flags, without in cases:
            wide = descriptor(ID, 'x', format=fmt, shape=shape, widths=(4, 8),
                              variable_flag=0x02)
            with self.subTest(format=fmt, shape=shape):
                value = decode(raw, raw_descriptor=wide, bug_compat=both)
                self.assertEqual(np.asarray(value).tolist(), with_flags)
                value = decode(raw, raw_descriptor=wide)
                self.assertEqual(np.asarray(value).tolist(), without)
        # (2, 2) becomes (0, 2 << 32): the second dimension's 6 bytes start inside the
        # first's 8.
        wide = descriptor(ID, 'x', format=[('i', 32)], shape=(2, 2), widths=(4, 8),
                          variable_flag=0x02)
        self.assertEqual(decode(bytes(16), raw_descriptor=wide).shape, (0, 2 << 32))
        # A numpy header overrides the misread shape and format.
        wide = descriptor(ID, 'x', format=[('u', 8)], shape=(5,), widths=(4, 8),
                          numpy_header="{'descr': '>u2', 'fortran_order': False, "
                                       "'shape': (2,)}")
        self.assertEqual(decode(b'\x00\x01\x00\x02', raw_descriptor=wide).tolist(), [1, 2])

    def test_pyspead_descriptors_without_bug_compat_in_64_48(self):
        # In SPEAD-64-48 the 4-byte format fields read as ('u', 0) and a partial field:
        # the descriptor is kept, and its value raises ValueError (a zero-width field).
        wide = descriptor(ID, 'x', format=[('u', 16)], shape=(), widths=(4, 8),
                          variable_flag=0x02, address_bits=48)
        heaps = receive([packet(2, [(0x05, wide)], 48)])
        raw = heaps[0].get_descriptors()[0]
        self.assertEqual(raw.format, [('u', 0)])
        with self.assertRaises(ValueError):
            decode(b'\x00\x07', 48, raw_descriptor=wide)
        self.assertEqual(decode(b'\x00\x07', 48, raw_descriptor=wide,
                                bug_compat=spead2.BUG_COMPAT_PYSPEAD_0_5_2), 7)

    def test_raw_descriptors_as_spead2_gives_them(self):
        header = "{'descr': '>u2', 'fortran_order': False, 'shape': (2,)}"
        heaps = receive([packet(2, [
            (0x05, descriptor(ID, 'x', format=[('u', 8)], shape=(5,), numpy_header=header)),
            (0x05, descriptor(ID + 1, 'y', format=[('u', 8)], shape=(None, None)))])])
        with_header, two_variable = heaps[0].get_descriptors()
        self.assertEqual((with_header.format, list(with_header.shape)), ([], []))
        self.assertEqual(with_header.numpy_header, header.encode())
        self.assertEqual(list(two_variable.shape), [None, None])
        with self.assertRaises(ValueError):
            spead2.ItemGroup().update(heaps[0])

    # --- versions ----------------------------------------------------------------------

    def test_versions_through_updates_and_replacements(self):
        x = descriptor(ID, 'x', format=[('u', 8)])
        heaps = receive([
            packet(2, [(0x05, x), (ID, b'\x01')]),
            packet(3, [(ID, b'\x02')]),
            packet(4, [(0x05, x)]),                                    # same descriptor
            packet(5, [(0x05, descriptor(ID + 1, 'y', format=[('u', 8)])),
                       (ID + 1, b'\x03')]),
            # ID of x, name of y: both replaced, version above both (5 and 3).
            packet(6, [(0x05, descriptor(ID, 'y', format=[('u', 16)]))]),
            packet(7, [(0x05, descriptor(ID + 1, 'z', format=[('u', 8)])),
                       (ID + 1, b'\x09')]),
        ])
        expected = [
            [('x', 3, 1)],
            [('x', 5, 2)],
            [('x', 5, 2)],
            [('x', 5, 2), ('y', 3, 3)],
            [('y', 6, None)],
            [('y', 6, None), ('z', 3, 9)],
        ]
        ig = spead2.ItemGroup()
        for heap, want in zip(heaps, expected):
            ig.update(heap)
            self.assertEqual(sorted((name, item.version, item.value)
                                    for name, item in ig.items()), want)

    def test_versions_of_added_items(self):
        ig = spead2.ItemGroup()
        self.assertEqual(ig.add_item(ID, 'a', '', (), format=[('u', 8)]).version, 1)
        self.assertEqual(ig.add_item(ID + 1, 'b', '', (), format=[('u', 8)],
                                     value=3).version, 1)
        # The same descriptor again gives its value to the item in the group; the
        # Item returned is a new one outside the group.
        again = ig.add_item(ID + 1, 'b', '', (), format=[('u', 8)], value=4)
        self.assertIsNot(again, ig['b'])
        self.assertEqual((ig['b'].version, ig['b'].value), (2, 4))
        ig.add_item(ID + 1, 'b', '', (2,), format=[('u', 8)])
        self.assertEqual((ig['b'].version, ig['b'].value), (3, None))

    # --- Item rules ---------------------------------------------------------------------

    def test_item_rejects_what_spead2_rejects(self):
        bad = [
            dict(shape=(1, 2), format=[]),                           # empty format
            dict(shape=(1, 2), format=[('u', 32)], order='F'),       # format needs 'C'
            dict(shape=(1, 2), dtype=np.int32, order='K'),
            dict(shape=(5, None, 3, None), format=[('u', 32)]),
            dict(shape=(5, None), dtype=np.int32),                   # dtype needs fixed
            dict(shape=(), dtype=object),
            dict(shape=(), dtype='V0'),
            dict(shape=(), dtype='S1', format=[('c', 8)]),
            dict(shape=()),
        ]
        for kwargs in bad:
            with self.subTest(**{k: str(v) for k, v in kwargs.items()}), \
                    self.assertRaises(ValueError):
                spead2.Item(ID, 'x', '', **kwargs)
        item = spead2.Item(ID, 'x', '', (), np.int32)
        with self.assertRaises(ValueError):
            item.value = None
        self.assertEqual(item.version, 1)

    def test_non_ascii_text_raises_unicode_encode_error(self):
        for item in (spead2.Item(ID, 'x', '', (None,), format=[('c', 8)], value='\u0200'),
                     spead2.Item(ID, 'x', '', (), dtype='S5', value='\u0201')):
            with self.assertRaises(UnicodeEncodeError):
                item.to_buffer()
        for name, description in (('\u0200', ''), ('x', '\u0200')):
            with self.assertRaises(UnicodeEncodeError):
                spead2.Item(ID, name, description, (), np.int32).to_raw(spead2.Flavour())

    def test_to_buffer_packs_fields_msb_first(self):
        cases = [
            (5, [('u', 12)], (), '0050'),
            ([1, 2, 3], [('u', 12)], (3,), '0010020030'),
            ((1, 2), [('u', 4), ('u', 8)], (), '1020'),
            ([True, False, True], [('b', 1)], (3,), 'a0'),
            ([[1, 2], [3, 4]], [('i', 4)], (2, 2), '1234'),
            ([[-1, 2], [3, -8]], [('i', 4)], (2, 2), 'f238'),
            ([(-5, True, 7), (100, False, 1)], [('i', 12), ('b', 1), ('u', 3)], (2,),
             'ffbf0641'),
            (300, [('u', 40)], (), '000000012c'),    # an immediate's bytes
            (-2, [('i', 40)], (), 'fffffffffe'),
            ('abc', [('c', 8)], (None,), '616263'),
        ]
        for value, fmt, shape, expected in cases:
            with self.subTest(format=fmt, value=value):
                item = spead2.Item(ID, 'x', '', shape, format=fmt, value=value)
                self.assertEqual(bytes(item.to_buffer()).hex(), expected)
        fortran = spead2.Item(ID, 'x', '', (2, 2), dtype='<u2', order='F',
                              value=np.arange(4, dtype='<u2').reshape(2, 2))
        self.assertEqual(bytes(fortran.to_buffer()).hex(), '0000020001000300')
        for value, fmt in ((16, [('u', 4)]), (-9, [('i', 4)])):
            item = spead2.Item(ID, 'x', '', (), format=fmt, value=value)
            with self.assertRaises(ValueError):
                item.to_buffer()

    # --- module surface ---------------------------------------------------------------

    def test_parse_range_list(self):
        self.assertEqual(spead2.parse_range_list(''), [])
        self.assertEqual(spead2.parse_range_list('100,4-6,8,10-10'), [100, 4, 5, 6, 8, 10])
        with self.assertRaises(ValueError):
            spead2.parse_range_list('1,x')

    def test_version_is_the_project_version(self):
        cmake = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..',
                             'CMakeLists.txt')
        with open(cmake) as f:
            text = f.read()
        parts = [re.search(r'set\(VERSION_{}\s+(\d+)\)'.format(name), text).group(1)
                 for name in ('MAJOR', 'API', 'ABI')]
        self.assertEqual(spead2.__version__, '.'.join(parts))


if __name__ == '__main__':
    gr_unittest.run(qa_item_values)
