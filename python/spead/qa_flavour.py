#!/usr/bin/env python3
#
# Copyright 2026 gr-spead authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#

from gnuradio import gr_unittest
from gnuradio import spead


class qa_flavour(gr_unittest.TestCase):
    def test_default_is_spead_64_40(self):
        f = spead.Flavour()
        self.assertEqual((f.version, f.item_pointer_bits, f.heap_address_bits, f.bug_compat),
                         (4, 64, 40, 0))

    def test_explicit_48_with_bug_compat(self):
        f = spead.Flavour(4, 64, 48, spead.BUG_COMPAT_PYSPEAD_0_5_2)
        self.assertEqual(f.heap_address_bits, 48)
        self.assertEqual(f.bug_compat, 7)
        self.assertNotEqual(f, spead.Flavour())
        self.assertEqual(f, spead.Flavour(4, 64, 48, 7))

    def test_invalid_values_name_the_parameter(self):
        for args, name in [((3, 64, 40), "version"), ((4, 32, 40), "item_pointer_bits"),
                           ((4, 64, 41), "heap_address_bits"), ((4, 64, 64), "heap_address_bits"),
                           ((4, 64, 40, 8), "bug_compat")]:
            with self.assertRaisesRegex(ValueError, name):
                spead.Flavour(*args)

    def test_reserved_ids_and_bug_compat_values(self):
        # Values from the SPEAD specification (section 3 of SPEAD-PROTOCOL.md).
        self.assertEqual(spead.HEAP_CNT_ID, 1)
        self.assertEqual(spead.DESCRIPTOR_ID, 5)
        self.assertEqual(spead.STREAM_CTRL_ID, 6)
        self.assertEqual(spead.DESCRIPTOR_DTYPE_ID, 0x15)
        self.assertEqual(spead.CTRL_STREAM_STOP, 2)
        self.assertEqual(spead.BUG_COMPAT_PYSPEAD_0_5_2,
                         spead.BUG_COMPAT_DESCRIPTOR_WIDTHS | spead.BUG_COMPAT_SHAPE_BIT_1
                         | spead.BUG_COMPAT_SWAP_ENDIAN)


if __name__ == '__main__':
    gr_unittest.run(qa_flavour)
