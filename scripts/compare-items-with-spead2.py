#!/usr/bin/env python3
# Copyright 2026 gr-spead authors
# SPDX-License-Identifier: GPL-3.0-or-later
"""Gives the same items (every dtype, format, shape and kind of value below) to spead2's
Item and to gnuradio.spead's, and prints every difference in to_buffer (bytes, type,
exception type), allow_immediate and to_raw under four flavours, and in the packets
of a heap holding the item (send.ItemGroup.get_heap through a BytesStream).

    /usr/bin/python3 scripts/compare-items-with-spead2.py \
        --spead2-path SPEAD2_BUILD/py/lib/python3/dist-packages \
        --gr-spead-path build/test_modules

Each module runs in its own process (`... run MODULE` prints its pickled results).
"""
import argparse
import hashlib
import os
import pickle
import subprocess
import sys

import numpy as np

DTYPES = ['u1', 'i1', '>u2', '<u2', '>i4', '<i4', '>u8', '<i8', '>f4', '<f4', '>f8', '<f8',
          '<c8', '>c16', '?', 'S3', [('a', '<u2'), ('b', '>i4')], 'V4']
FORMATS = [[('u', 8)], [('u', 16)], [('i', 32)], [('u', 40)], [('i', 40)], [('u', 48)],
           [('i', 12)], [('u', 1)], [('b', 1)], [('b', 8)], [('c', 8)], [('f', 32)],
           [('f', 64)], [('u', 64)], [('i', 64)], [('u', 65)], [('i', 63)], [('u', 24)],
           [('u', 4), ('i', 12)], [('c', 8), ('u', 4)], [('f', 32), ('u', 16)],
           [('b', 1), ('u', 7)], [('u', 8), ('i', 16)], [('u', 3)], [('i', 8), ('u', 5)]]
SHAPES = [(), (3,), (2, 3), (0,), (None,), (2, None), (None, 2)]
FLAVOURS = [(4, 64, 40, 0), (4, 64, 48, 0), (4, 64, 48, 'swap'), (4, 64, 40, 'all')]


def values_for(shape, kind):
    fixed = tuple(2 if d is None else d for d in shape)
    n = 1
    for d in fixed:
        n *= d
    out = [('zeros', np.zeros(fixed, np.int64).tolist() if fixed else 0)]
    out.append(('ramp', np.arange(1, n + 1).reshape(fixed).tolist() if fixed else 5))
    out.append(('ramp-array', np.arange(1, n + 1).reshape(fixed)))
    out.append(('neg', (-np.arange(1, n + 1)).reshape(fixed).tolist() if fixed else -3))
    out.append(('big', [2 ** 40 + i for i in range(n)] if fixed and len(fixed) == 1
                else (2 ** 40 if not fixed else None)))
    out.append(('huge', 2 ** 70 if not fixed else [2 ** 70] * fixed[0] if len(fixed) == 1
                else None))
    out.append(('float', 1.75 if not fixed else (np.arange(n) + 0.5).reshape(fixed).tolist()))
    out.append(('str', 'abc' if len(fixed) == 1 else 'x'))
    out.append(('bytes', b'abc' if len(fixed) == 1 else b'x'))
    out.append(('unicode', '\u20ac' if not fixed else '\u20acb' if len(fixed) == 1 else None))
    out.append(('bool', True if not fixed else [[True, False, True]] * fixed[0] if len(fixed) == 2 else [True, False, True][:fixed[0]] if len(fixed) == 1 else None))
    out.append(('tuple', (1, 2) if not fixed else [(1, 2)] * fixed[0] if len(fixed) == 1 else None))
    out.append(('wrongshape', [1, 2, 3, 4]))
    out.append(('farray', np.asfortranarray(np.arange(1, n + 1).reshape(fixed)) if fixed else np.int64(7)))
    out.append(('npscalar', np.uint8(200)))
    out.append(('none', None))
    out.append(('dict', {'a': 1}))
    return [(name, v) for name, v in out if v is not None or name == 'none']


def cases():
    out = []
    for dtype in DTYPES:
        for shape in SHAPES:
            for order in ('C', 'F'):
                for name, value in values_for(shape, 'dtype'):
                    out.append((dict(dtype=dtype, shape=shape, order=order), name, value))
    for fmt in FORMATS:
        for shape in SHAPES:
            for name, value in values_for(shape, 'format'):
                out.append((dict(format=fmt, shape=shape), name, value))
    return out


def outcome(fn):
    try:
        return ('ok', fn())
    except Exception as e:  # noqa: BLE001
        return ('err', type(e).__name__)


def buffer_result(item):
    buf = item.to_buffer()
    mv = memoryview(buf)
    return (type(buf).__name__, mv.format if type(buf).__name__ != 'bytearray' else 'B',
            mv.nbytes, bytes(mv.cast('B')) if mv.c_contiguous else b'?noncontig')


def raw_result(item, flavour):
    raw = item.to_raw(flavour)
    return (raw.id, bytes(raw.name), bytes(raw.description), list(raw.shape),
            [tuple(f) for f in raw.format], bytes(raw.numpy_header))


def wire_result(mod, item, flavour):
    """SHA-1 of the packets of a heap holding the item's descriptor and value, sent by
    the module's send.ItemGroup and BytesStream."""
    group = mod.send.ItemGroup(flavour=flavour)
    group.add_item(item.id, item.name, item.description, item.shape, dtype=item.dtype,
                   order=item.order, format=item.format, value=item.value)
    stream = mod.send.BytesStream(mod.ThreadPool(), mod.send.StreamConfig())
    stream.send_heap(group.get_heap(), cnt=1)
    return hashlib.sha1(stream.getvalue()).hexdigest()


def run(module_name):
    import importlib
    mod = importlib.import_module(module_name)
    importlib.import_module(module_name + '.send')
    results = []
    flavours = []
    for version, item_bits, heap_bits, compat in FLAVOURS:
        bc = 0 if compat == 0 else mod.BUG_COMPAT_SWAP_ENDIAN if compat == 'swap' else \
            mod.BUG_COMPAT_PYSPEAD_0_5_2
        flavours.append(mod.Flavour(version, item_bits, heap_bits, bc))
    for kwargs, name, value in cases():
        kw = dict(kwargs)
        shape = kw.pop('shape')

        def make():
            return mod.Item(0x1234, 'item', 'desc', shape, value=value, **kw)

        made = outcome(make)
        if made[0] == 'err':
            results.append((made, None, None, None, None))
            continue
        item = made[1]
        results.append((('ok',), outcome(lambda: buffer_result(item)),
                        outcome(item.allow_immediate),
                        [outcome(lambda: raw_result(item, f)) for f in flavours],
                        [outcome(lambda: wire_result(mod, item, f)) for f in flavours]))
    sys.stdout.buffer.write(pickle.dumps(results))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--spead2-path', required=True)
    parser.add_argument('--gr-spead-path', required=True)
    parser.add_argument('--show', type=int, default=40, help='differences to print')
    args = parser.parse_args()
    here = os.path.abspath(__file__)

    def results(module, path):
        env = dict(os.environ, PYTHONPATH=os.path.abspath(path))
        out = subprocess.run([sys.executable, '-W', 'ignore::DeprecationWarning', here,
                              'run', module], env=env,
                             stdout=subprocess.PIPE, check=True).stdout
        return pickle.loads(out)

    reference = results('spead2', args.spead2_path)
    ours = results('gnuradio.spead', args.gr_spead_path)
    all_cases = cases()
    differences = 0
    for case, theirs, mine in zip(all_cases, reference, ours):
        if theirs != mine:
            differences += 1
            if differences <= args.show:
                print('DIFF', case[0], case[1], repr(case[2])[:40])
                print('   spead2        :', repr(theirs)[:300])
                print('   gnuradio.spead:', repr(mine)[:300])
    print('items {} same {} different {}'.format(
        len(all_cases), len(all_cases) - differences, differences))
    return 1 if differences else 0


if __name__ == '__main__':
    if len(sys.argv) == 3 and sys.argv[1] == 'run':
        run(sys.argv[2])
    else:
        sys.exit(main())
