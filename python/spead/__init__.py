#
# Copyright 2008,2009 Free Software Foundation, Inc.
# Copyright 2026 gr-spead authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#

"""
gr-spead: receive SPEAD streams (the UDP protocol of radio telescopes) in GNU Radio.

The protocol layer (Flavour, the heap encoder, constants) lives here; later modules add
the spead2-compatible receive API and the source blocks.
"""

from .spead_python import *  # noqa: F401,F403

# The spead2-compatible receive API: "import gnuradio.spead as spead2" then
# spead2.ItemGroup, spead2.recv.Stream, spead2.recv.asyncio.Stream...
from .item_group import Descriptor, Item, ItemGroup  # noqa: E402,F401
# The bindings module has a "recv" submodule too, which the star import above brought
# in: import the package of that name explicitly so that it takes its place.
import importlib as _importlib  # noqa: E402

recv = _importlib.import_module(__name__ + '.recv')
