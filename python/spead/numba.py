#
# Copyright 2026 gr-spead authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#

"""Helpers for numba callbacks (spead2.numba): needs numba (Debian's python3-numba)."""

import numba.extending
from numba import types

__all__ = ['intp_to_voidptr']


@numba.extending.intrinsic
def intp_to_voidptr(typingctx, src):
    """Turns an integer (intp or uintp) into a void pointer inside a numba function.

    numba records cannot hold pointers, so chunk_place_data carries its pointers as
    integers; this makes them pointers again, for numba.carray.
    """
    if src not in (types.intp, types.uintp):
        return None

    def codegen(context, builder, signature, args):
        return builder.inttoptr(args[0], context.get_value_type(signature.return_type))

    return types.voidptr(src), codegen
