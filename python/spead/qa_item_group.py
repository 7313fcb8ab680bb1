#!/usr/bin/env python3
#
# Copyright 2026 gr-spead authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#

"""ItemGroup.update: every rule of SPEAD-PROTOCOL.md section 7.

Heaps are built by hand (recv_test_support) and received through a stream's buffer
reader; expected values are written out from the protocol document and hand-packed
bytes.
"""

import gc
import logging
import random
import struct

import numpy as np
from gnuradio import gr_unittest

import gnuradio.spead as spead2
from recv_test_support import descriptor, get_heaps, packet, stop_packet

ID = 0x1000


def receive(packets, **config):
    """Heaps of a byte stream of packets, through add_buffer_reader."""
    stream = spead2.recv.Stream(spead2.ThreadPool(),
                                spead2.recv.StreamConfig(**config))
    stream.add_buffer_reader(b''.join(packets))
    return get_heaps(stream)


def decode(value_bytes, immediate=False, address_bits=40, bug_compat=0, new_order='=',
           **desc):
    """Value of one item described by ``desc`` and carrying ``value_bytes`` (or an int
    immediate), as ItemGroup.update gives it."""
    desc.setdefault('address_bits', address_bits)
    heap = [(0x05, descriptor(ID, 'x', **desc)), (ID, value_bytes)]
    heaps = receive([packet(2, heap, address_bits)], bug_compat=bug_compat)
    ig = spead2.ItemGroup()
    updated = ig.update(heaps[0], new_order=new_order)
    return updated['x'].value


class qa_item_group(gr_unittest.TestCase):
    # --- numpy headers -------------------------------------------------------------

    def test_numpy_header_little_endian_array(self):
        value = decode(b'\x01\x00\x02\x00\x03\x00',
                       numpy_header="{'descr': '<u2', 'fortran_order': False, 'shape': (3,)}")
        self.assertIsInstance(value, np.ndarray)
        self.assertTrue(value.dtype.isnative)
        self.assertEqual(value.dtype, np.dtype(np.uint16))
        self.assertEqual(value.tolist(), [1, 2, 3])

    def test_numpy_header_big_endian_comes_out_native(self):
        value = decode(b'\xff\xff\xff\xfe\x00\x00\x00\x07',
                       numpy_header="{'descr': '>i4', 'fortran_order': False, 'shape': (2,)}")
        self.assertTrue(value.dtype.isnative)
        self.assertEqual(value.tolist(), [-2, 7])

    def test_new_order_keeps_or_sets_byte_order(self):
        header = "{'descr': '>u4', 'fortran_order': False, 'shape': (2,)}"
        kept = decode(b'\x00\x00\x01\x02\x00\x00\x00\x03', numpy_header=header,
                      new_order='|')
        self.assertEqual(kept.dtype.str, '>u4')
        self.assertEqual(kept.tolist(), [0x102, 3])
        little = decode(b'\x00\x00\x01\x02\x00\x00\x00\x03', numpy_header=header,
                        new_order='<')
        self.assertEqual(little.dtype.str, '<u4')
        self.assertEqual(little.tolist(), [0x102, 3])

    def test_zero_d_numpy_value_is_a_numpy_scalar(self):
        value = decode(struct.pack('<d', 2.5),
                       numpy_header="{'descr': '<f8', 'fortran_order': False, 'shape': ()}")
        self.assertIsInstance(value, np.float64)
        self.assertNotIsInstance(value, np.ndarray)
        self.assertEqual(value, 2.5)

    def test_fortran_order(self):
        value = decode(bytes(range(6)),
                       numpy_header="{'descr': '|u1', 'fortran_order': True, 'shape': (2, 3)}")
        # Column-major: the first column is bytes 0 and 1.
        self.assertEqual(value.tolist(), [[0, 2, 4], [1, 3, 5]])

    def test_numpy_record(self):
        raw = struct.pack('<H', 7) + struct.pack('>f', 1.5) + struct.pack('<H', 9) + \
            struct.pack('>f', -4.0)
        value = decode(raw, numpy_header="{'descr': [('a', '<u2'), ('b', '>f4')], "
                                         "'fortran_order': False, 'shape': (2,)}")
        self.assertEqual(value['a'].tolist(), [7, 9])
        self.assertEqual(value['b'].tolist(), [1.5, -4.0])
        self.assertTrue(value.dtype['b'].isnative)

    def test_complex_numpy_header(self):
        value = decode(struct.pack('<ff', 1.0, -2.0),
                       numpy_header="{'descr': '<c8', 'fortran_order': False, 'shape': (1,)}")
        self.assertEqual(value.tolist(), [1 - 2j])

    # --- formats ---------------------------------------------------------------------

    def test_standard_format_widths_are_big_endian(self):
        cases = [
            ('u', 8, b'\xfe', 254), ('u', 16, b'\x01\x02', 0x102),
            ('u', 32, b'\x01\x02\x03\x04', 0x01020304),
            ('u', 64, b'\x80' + bytes(7), 1 << 63),
            ('i', 8, b'\xfe', -2), ('i', 16, b'\xff\xfe', -2),
            ('i', 32, b'\xff\xff\xff\xfd', -3), ('i', 64, b'\xff' * 8, -1),
            ('f', 32, struct.pack('>f', 0.25), 0.25), ('f', 64, struct.pack('>d', -1.5), -1.5),
            ('b', 8, b'\x01', True),
        ]
        for code, bits, raw, expected in cases:
            with self.subTest(format=(code, bits)):
                value = decode(raw, format=[(code, bits)], shape=())
                self.assertEqual(value, expected)
                self.assertTrue(np.asarray(value).dtype.isnative)
                self.assertEqual(np.asarray(value).dtype.itemsize * 8, bits)

    def test_character_array_is_a_string(self):
        value = decode(b'hello', format=[('c', 8)], shape=(None,))
        self.assertEqual(value, 'hello')
        self.assertIsInstance(value, str)

    def test_non_ascii_string_raises_value_error(self):
        with self.assertRaises(ValueError):
            decode(b'caf\xe9', format=[('c', 8)], shape=(None,))

    def test_odd_bit_width_read_msb_first(self):
        # 0xABC, 0x123, 0xFFF packed MSB-first in 36 bits, padded to 5 bytes.
        value = decode(b'\xab\xc1\x23\xff\xf0', format=[('u', 12)], shape=(3,))
        self.assertEqual(value.tolist(), [0xABC, 0x123, 0xFFF])

    def test_odd_bit_width_signed(self):
        # -1 (0xFFF), -2048 (0x800), 5 (0x005) in i12.
        value = decode(b'\xff\xf8\x00\x00\x50', format=[('i', 12)], shape=(3,))
        self.assertEqual(value.tolist(), [-1, -2048, 5])

    def test_immediate_u40_from_trailing_bytes(self):
        value = decode(1000000, format=[('u', 40)], shape=())
        self.assertEqual(value, 1000000)

    def test_immediate_narrow_value_is_right_aligned(self):
        self.assertEqual(decode(0x1234, format=[('u', 16)], shape=()), 0x1234)
        self.assertEqual(decode(0xfe, format=[('i', 8)], shape=()), -2)

    def test_format_record(self):
        value = decode(b'\x01\xff\xfe\x02\x00\x03', format=[('u', 8), ('i', 16)], shape=(2,))
        self.assertEqual([tuple(v) for v in value.tolist()], [(1, -2), (2, 3)])

    # --- shapes ----------------------------------------------------------------------

    def test_variable_dimension_takes_whole_rows(self):
        value = decode(bytes(range(10)), format=[('u', 8)], shape=(None, 3))
        self.assertEqual(value.shape, (3, 3))
        self.assertEqual(value.tolist(), [[0, 1, 2], [3, 4, 5], [6, 7, 8]])

    def test_surplus_bytes_ignored(self):
        value = decode(b'\x01\x00\x02\x00\x99',
                       numpy_header="{'descr': '<u2', 'fortran_order': False, 'shape': (2,)}")
        self.assertEqual(value.tolist(), [1, 2])

    # --- errors ----------------------------------------------------------------------

    def test_too_few_bytes_raises_value_error_and_the_stream_goes_on(self):
        header = "{'descr': '<u4', 'fortran_order': False, 'shape': (4,)}"
        heaps = receive([
            packet(2, [(0x05, descriptor(ID, 'x', numpy_header=header)), (ID, bytes(8))]),
            packet(3, [(ID, bytes(range(16)))]),
            stop_packet(4)])
        self.assertEqual(len(heaps), 2)
        ig = spead2.ItemGroup()
        with self.assertRaisesRegex(ValueError, 'too few bytes'):
            ig.update(heaps[0])
        value = ig.update(heaps[1])['x'].value
        self.assertEqual(value.tolist(), [0x03020100, 0x07060504, 0x0b0a0908, 0x0f0e0d0c])

    def test_bad_numpy_header_raises_value_error(self):
        for header in ["{'descr': 'bogus', 'fortran_order': False, 'shape': ()}",
                       "{'descr': '<u2', 'shape': ()}", "not a dict"]:
            with self.subTest(header=header), self.assertRaises(ValueError):
                decode(b'\x00\x00', numpy_header=header)

    def test_bad_format_raises_value_error(self):
        with self.assertRaises(ValueError):
            decode(b'\x00' * 4, format=[('f', 16 + 1)], shape=())

    def test_non_ascii_name_raises_value_error(self):
        heaps = receive([packet(2, [(0x05, descriptor(ID, b'\xffname', format=[('u', 8)]))])])
        with self.assertRaises(ValueError):
            spead2.ItemGroup().update(heaps[0])

    # --- bookkeeping -----------------------------------------------------------------

    def test_value_without_descriptor_is_discarded_with_a_warning(self):
        heaps = receive([packet(2, [(ID, b'\x01')])])
        ig = spead2.ItemGroup()
        with self.assertLogs('gnuradio.spead', logging.WARNING) as logs:
            updated = ig.update(heaps[0])
        self.assertEqual(updated, {})
        self.assertNotIn(ID, ig)
        self.assertIn('0x1000', '\n'.join(logs.output))

    def test_control_ids_are_never_values(self):
        # A start heap: STREAM_CTRL (6) = 0 is immediate and must not become an item.
        heaps = receive([packet(2, [(0x05, descriptor(ID, 'x', format=[('u', 8)])),
                                    (ID, b'\x05')], ctrl=0)])
        self.assertTrue(heaps[0].is_start_of_stream())
        updated = spead2.ItemGroup().update(heaps[0])
        self.assertEqual(list(updated), ['x'])

    def test_descriptors_apply_before_values_and_repeat_harmlessly(self):
        desc = descriptor(ID, 'x', format=[('u', 8)])
        heaps = receive([packet(2, [(0x05, desc), (ID, b'\x05')]),
                         packet(3, [(0x05, desc)]),
                         packet(4, [(0x05, descriptor(ID, 'x', format=[('u', 16)]))]),
                         stop_packet(5)])
        ig = spead2.ItemGroup()
        self.assertEqual(ig.update(heaps[0])['x'].value, 5)
        item = ig['x']
        self.assertEqual(ig.update(heaps[1]), {})
        self.assertIs(ig['x'], item)  # identical descriptor: same item, value kept
        self.assertEqual(ig[ID].value, 5)
        ig.update(heaps[2])  # a different descriptor replaces the item
        self.assertIsNot(ig['x'], item)
        self.assertIsNone(ig['x'].value)
        self.assertEqual(ig['x'].format, [('u', 16)])

    def test_rename_replaces_old_name(self):
        heaps = receive([packet(2, [(0x05, descriptor(ID, 'old', format=[('u', 8)]))]),
                         packet(3, [(0x05, descriptor(ID, 'new', format=[('u', 8)]))])])
        ig = spead2.ItemGroup()
        ig.update(heaps[0])
        ig.update(heaps[1])
        self.assertEqual(list(ig.keys()), ['new'])
        self.assertEqual(list(ig.ids()), [ID])

    def test_group_access_and_versions(self):
        desc = descriptor(ID, 'x', 'an item', format=[('u', 8)])
        heaps = receive([packet(2, [(0x05, desc), (ID, b'\x01')]), packet(3, [(ID, b'\x02')])])
        ig = spead2.ItemGroup()
        # 1 when made, then 2 per value applied (checked against spead2 4.4.1).
        ig.update(heaps[0])
        self.assertEqual(ig['x'].version, 3)
        ig.update(heaps[1])
        self.assertEqual(ig['x'].version, 5)
        self.assertIs(ig[ID], ig['x'])
        self.assertIn('x', ig)
        self.assertIn(ID, ig)
        self.assertEqual(len(ig), 1)
        self.assertEqual(ig['x'].description, 'an item')
        self.assertEqual(ig['x'].id, ID)
        self.assertEqual(ig['x'].shape, ())
        self.assertEqual([name for name, _ in ig.items()], ['x'])

    def test_locally_added_item_decodes(self):
        ig = spead2.ItemGroup()
        ig.add_item(ID, 'x', 'declared here', (2,), dtype='>u2')
        ig.add_item(None, 'y', '', (None,), format=[('u', 4)])
        self.assertEqual(ig['y'].id, ID + 1)
        heaps = receive([packet(2, [(ID, b'\x01\x02\x00\x03'), (ID + 1, b'\x12\x34')])])
        updated = ig.update(heaps[0])
        self.assertEqual(updated['x'].value.tolist(), [0x102, 3])
        self.assertEqual(updated['y'].value.tolist(), [1, 2, 3, 4])

    def test_descriptor_shape_helpers(self):
        d = spead2.Descriptor(ID, 'x', '', (None, 3), format=[('u', 12)])
        self.assertTrue(d.is_variable_size())
        self.assertEqual(d.itemsize_bits, 12)
        # A list when a dimension is variable, the shape itself otherwise (as spead2
        # 4.4.1 returns them).
        self.assertEqual(d.dynamic_shape(10), [3, 3])
        self.assertTrue(d.compatible_shape((5, 3)))
        self.assertFalse(d.compatible_shape((5, 2)))
        self.assertFalse(d.compatible_shape((3,)))
        fixed = spead2.Descriptor(ID, 'y', '', (2,), dtype='<c8')
        self.assertFalse(fixed.is_variable_size())
        self.assertEqual(fixed.itemsize_bits, 64)
        self.assertEqual(fixed.dynamic_shape(10), (2,))
        with self.assertRaises(ValueError):
            spead2.Descriptor(ID, 'z', '', (None, None), format=[('u', 8)])
        with self.assertRaises(ValueError):
            spead2.Descriptor(ID, 'z', '', ())

    # --- memory ----------------------------------------------------------------------

    def test_values_view_heap_memory_and_keep_it_alive(self):
        header = "{'descr': '<u2', 'fortran_order': False, 'shape': (1000,)}"
        data = np.arange(1000, dtype='<u2').tobytes()
        heaps = receive([packet(2, [(0x05, descriptor(ID, 'x', numpy_header=header)),
                                    (ID, data)])])
        raw = [item for item in heaps[0].get_items() if item.id == ID][0]
        value = spead2.ItemGroup().update(heaps[0])['x'].value
        self.assertTrue(np.shares_memory(value, np.frombuffer(raw, np.uint8)))
        del raw, heaps
        gc.collect()
        self.assertEqual(value.tolist(), list(range(1000)))

    def test_corrupted_descriptors_and_values_only_raise_value_error(self):
        # Deterministic fuzzing: damaged descriptor packets, numpy headers and values of
        # every size must give ValueError (or be ignored), never another exception.
        rng = random.Random(7)
        headers = ["{'descr': '<i2', 'fortran_order': False, 'shape': (3,)}",
                   "{'descr': [('a', '<u2'), ('b', '>f4')], 'fortran_order': True, "
                   "'shape': (2, 1)}",
                   "{'descr': '|V7', 'fortran_order': False, 'shape': (99999999999,)}"]
        formats = [[('u', 12)], [('i', 40), ('f', 32)], [('c', 8)], [('b', 8)]]
        shapes = [(), (None,), (3, None), (2 ** 39, 2 ** 39), (0,)]
        packets = []
        for cnt in range(2, 302):
            if rng.random() < 0.5:
                text = list(rng.choice(headers))
                for _ in range(rng.randint(0, 3)):
                    text[rng.randrange(len(text))] = rng.choice("{}[]()',:<>|V0123456789")
                desc = descriptor(ID, 'x', numpy_header=''.join(text))
            else:
                desc = descriptor(ID, 'x', format=rng.choice(formats), shape=rng.choice(shapes))
            desc = bytearray(desc)
            for _ in range(rng.randint(0, 2)):
                desc[rng.randrange(len(desc))] = rng.randrange(256)
            value = bytes(rng.randrange(256) for _ in range(rng.randint(0, 40)))
            if rng.random() < 0.3:
                value = rng.randrange(1 << 40)
            packets.append(packet(cnt, [(0x05, bytes(desc)), (ID, value)]))
        heaps = receive(packets, bug_compat=spead2.BUG_COMPAT_PYSPEAD_0_5_2)
        self.assertGreater(len(heaps), 250)
        outcomes = {'ok': 0, 'ValueError': 0}
        for heap in heaps:
            try:
                spead2.ItemGroup().update(heap)
                outcomes['ok'] += 1
            except ValueError:
                outcomes['ValueError'] += 1
        self.assertGreater(outcomes['ok'], 0)
        self.assertGreater(outcomes['ValueError'], 0)

    # --- bug compatibility and flavours --------------------------------------------

    def test_bug_compat_swap_endian(self):
        value = decode(b'\x01\x02', bug_compat=spead2.BUG_COMPAT_SWAP_ENDIAN,
                       numpy_header="{'descr': '<u2', 'fortran_order': False, 'shape': ()}")
        self.assertEqual(value, 0x0102)

    def test_bug_compat_pyspead_descriptor_widths_and_shape_flag(self):
        desc = descriptor(ID, 'x', format=[('u', 16)], shape=(None,), widths=(4, 8),
                          variable_flag=0x02)
        heaps = receive([packet(2, [(0x05, desc), (ID, b'\x00\x01\x00\x02')])],
                        bug_compat=spead2.BUG_COMPAT_PYSPEAD_0_5_2)
        self.assertEqual(spead2.ItemGroup().update(heaps[0])['x'].value.tolist(), [1, 2])

    def test_spead_64_48(self):
        value = decode(0x123456789a, address_bits=48, format=[('u', 48)], shape=())
        self.assertEqual(value, 0x123456789a)


if __name__ == '__main__':
    gr_unittest.run(qa_item_group)
