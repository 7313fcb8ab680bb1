#
# Copyright 2026 gr-spead authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#

"""numba types for chunk place callbacks (spead2.recv.numba): needs numba.

A place callback is a numba ``cfunc`` with signature
``void(CPointer(chunk_place_data), uintp)`` (or with a third ``CPointer`` argument for
user data), wrapped in a ``scipy.LowLevelCallable`` with signature
``"void (void *, size_t)"`` (or ``"void (void *, size_t, void *)"``) and given to
``ChunkStreamConfig.place``.
"""

from numba import types

__all__ = ['chunk_place_data']

# size_t is uintp where numba has no size_t of its own.
_size_t = getattr(types, 'size_t', types.uintp)

#: The C structure the place callback receives, field for field as the engine's
#: chunk_place_data: pointers are integers (turn them into pointers with
#: gnuradio.spead.numba.intp_to_voidptr, then into arrays with numba.carray).
chunk_place_data = types.Record.make_c_struct([
    ('packet', types.intp),          # const uint8_t *: the packet's first byte
    ('packet_size', _size_t),        # bytes up to the end of its payload
    ('items', types.intp),           # int64_t *: requested item values, -1 if absent
    ('chunk_id', types.int64),       # output; -1 (left) drops the heap
    ('heap_index', _size_t),         # output: index into present
    ('heap_offset', _size_t),        # output: byte offset into data
    ('batch_stats', types.intp),     # uint64_t *: statistics of the current batch
    ('extra', types.intp),           # uint8_t *: max_heap_extra bytes to fill
    ('extra_offset', _size_t),       # output: where in chunk.extra
    ('extra_size', _size_t),         # output: how many bytes of extra to copy
])
