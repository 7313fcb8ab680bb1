#!/usr/bin/env python3
#
# Copyright 2026 gr-spead authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#

"""spead.source outputs in another axis order (layout) and one index of an axis
(select): an F-engine-like item (channels, spectra, pols, (re, im)) of int8 sent
in-process with its descriptor, read back as per-polarisation spectra. Expected values
are numpy transposes of the array sent; output_configs() lists."""

import numpy as np
from gnuradio import blocks, gr, gr_unittest
from gnuradio import spead

import block_test_support as support
from recv_test_support import descriptor

FDATA_ID = 0x1800
TIMESTAMP_ID = 0x1600
CHANNELS, SPECTRA, POLS = 16, 4, 2
HEAPS = 5


def fdata(cnt):
    """Heap cnt's item, shape (channels, spectra, pols, 2) int8, every value distinct
    within a heap."""
    i = np.arange(CHANNELS * SPECTRA * POLS * 2).reshape(CHANNELS, SPECTRA, POLS, 2)
    return ((i * 7 + cnt * 13) % 251 - 125).astype(np.int8)


def as_complex(a):
    """(..., 2) int8 pairs as complex64."""
    return a[..., 0].astype(np.float32) + 1j * a[..., 1].astype(np.float32)


def int8_descriptor(item_id, name, shape):
    """A DESCRIPTOR item's value: an int8 array of this shape."""
    header = "{'descr': '|i1', 'fortran_order': False, 'shape': %r}" % (tuple(shape),)
    return descriptor(item_id, name, shape=shape, numpy_header=header)


def packets(shape=(CHANNELS, SPECTRA, POLS, 2), heaps=HEAPS):
    desc = int8_descriptor(FDATA_ID, 'fdata', shape)
    out = []
    for cnt in range(1, heaps + 1):
        items = [(TIMESTAMP_ID, 1000 * cnt), (FDATA_ID, fdata(cnt).tobytes())]
        if cnt == 1:
            items.insert(0, (spead.DESCRIPTOR_ID, desc))
        out += spead.encode_heap(cnt, items, max_packet_size=1472)
    return out + spead.encode_stop_heap(heaps + 1)


class qa_source_layout(gr_unittest.TestCase):
    def setUp(self):
        self.tb = gr.top_block()

    def tearDown(self):
        self.tb = None

    def run_outputs(self, outputs, sinks, pkts=None, **kwargs):
        queue = spead.InprocQueue()
        for p in packets() if pkts is None else pkts:
            queue.add_packet(p)
        queue.stop()
        src = spead.source(outputs, transport='inproc', queue=queue, **kwargs)
        for i, sink in enumerate(sinks):
            self.tb.connect((src, i), sink)
        self.assertTrue(support.run_bounded(self.tb), 'the flowgraph did not end by itself')
        return src

    def test_transpose_and_one_output_per_polarisation(self):
        both = blocks.vector_sink_c(CHANNELS)
        pol = [blocks.vector_sink_c(CHANNELS) for _ in range(POLS)]
        outs = [spead.output_config('fdata', 'complex', CHANNELS,
                                    layout='channels spectra pols -> pols spectra channels')]
        outs += [spead.output_config('fdata', 'complex', CHANNELS,
                                     layout='channels spectra pols -> spectra channels',
                                     select='pols=%d' % p) for p in range(POLS)]
        src = self.run_outputs(outs, [both] + pol, tag_items=['0x1600'])
        self.assertEqual(src.statistics()['heaps_emitted'], HEAPS)
        got = np.array(both.data()).reshape(HEAPS, POLS, SPECTRA, CHANNELS)
        for k in range(HEAPS):
            sent = as_complex(fdata(k + 1))                      # (c, s, p)
            np.testing.assert_array_equal(got[k], sent.transpose(2, 1, 0))
            for p in range(POLS):
                per_pol = np.array(pol[p].data()).reshape(HEAPS, SPECTRA, CHANNELS)
                np.testing.assert_array_equal(per_pol[k], sent[:, :, p].T)
        # Tags stay on the first vector of each heap: POLS * SPECTRA vectors per heap on
        # the first output, SPECTRA on the others.
        ts = [t for t in support.tags_of(both) if t[1] == '0x1600']
        self.assertEqual(ts, [(k * POLS * SPECTRA, '0x1600', 1000 * (k + 1))
                              for k in range(HEAPS)])
        ts = [t for t in support.tags_of(pol[1]) if t[1] == '0x1600']
        self.assertEqual([t[0] for t in ts], [k * SPECTRA for k in range(HEAPS)])

    def test_sizes_in_the_layout_for_a_flat_descriptor(self):
        # The descriptor says (2048,) int8: the layout gives the sizes itself.
        flat = packets(shape=(CHANNELS * SPECTRA * POLS * 2,))
        sink = blocks.vector_sink_c(SPECTRA)
        self.run_outputs(
            [spead.output_config('fdata', 'complex', SPECTRA,
                                 layout='c:%d s:%d p:%d -> p c s' % (CHANNELS, SPECTRA, POLS))],
            [sink], flat)
        got = np.array(sink.data()).reshape(HEAPS, POLS, CHANNELS, SPECTRA)
        for k in range(HEAPS):
            np.testing.assert_array_equal(got[k], as_complex(fdata(k + 1)).transpose(2, 0, 1))

    def test_layout_that_does_not_fit_is_counted(self):
        # Three axes named for a four-axis item read as float (no pair): unresolved.
        sink = blocks.vector_sink_f()
        src = self.run_outputs(
            [spead.output_config('fdata', 'float', layout='c s p -> p s c')], [sink])
        self.assertEqual(len(sink.data()), 0)
        self.assertEqual(src.statistics()['heaps_bad_item'], HEAPS)

    def test_output_configs_make_eight_outputs(self):
        # 4 polarisations x 2 items, as GRC's SPEAD Source lists them.
        outs = spead.output_configs(8, 'x, x, x, x, y, y, y, y', 'complex', 1024, '|i1', 128,
                                    'c s p -> s c', ['p=%d' % (i % 4) for i in range(8)])
        self.assertEqual([o.item for o in outs], ['x'] * 4 + ['y'] * 4)
        self.assertEqual([o.select for o in outs], ['p=%d' % (i % 4) for i in range(8)])
        self.assertEqual({(o.vlen, o.wire, o.scale, o.layout) for o in outs},
                         {(1024, '|i1', 128.0, 'c s p -> s c')})
        mixed = spead.output_configs(2, ['data', 'flags'], 'complex, byte', [64, 8])
        self.assertEqual([(o.type, o.vlen) for o in mixed], [('complex', 64), ('byte', 8)])
        with self.assertRaises(ValueError) as ctx:
            spead.output_configs(3, 'a, b')
        self.assertIn('items has 2 values for 3 outputs', str(ctx.exception))
        with self.assertRaises(TypeError):
            spead.output_configs(1, 'a', vlens='wide')

    def test_layout_errors_name_the_output(self):
        cases = [
            (spead.output_config('d', layout='c s -> s x'), "outputs[0]: layout output axis 'x'"),
            (spead.output_config('d', layout='c s -> s'), "leaves out axis 'c'"),
            (spead.output_config('d', select='p=0'), 'must name'),
            (spead.output_config('d', layout='c p -> c', select='p'), 'AXIS=INDEX'),
        ]
        for out, text in cases:
            with self.subTest(expected=text):
                with self.assertRaises(ValueError) as ctx:
                    spead.source([out])
                self.assertIn(text, str(ctx.exception))
        with self.assertRaises(TypeError) as ctx:
            spead.source([{'item': 'd', 'order': 'x'}])
        self.assertIn('layout, select', str(ctx.exception))


if __name__ == '__main__':
    gr_unittest.run(qa_source_layout)
