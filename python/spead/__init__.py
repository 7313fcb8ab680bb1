#
# Copyright 2008,2009 Free Software Foundation, Inc.
# Copyright 2026 gr-spead authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#

"""
gr-spead: receive SPEAD streams (the UDP protocol of radio telescopes) in GNU Radio.

Here: the protocol layer (Flavour, the heap encoder, constants), the spead2-compatible
receive API (ThreadPool, MemoryPool, ItemGroup, ..., and the recv subpackage: "import
gnuradio.spead as spead2" runs spead2 receive code unchanged) and the GNU Radio source
blocks (source, heap_source).
"""

from .spead_python import *  # noqa: F401,F403

#: gr-spead's version (that of CMakeLists.txt), not spead2's.
__version__ = '1.0.0'

# The GNU Radio blocks (spead.source, spead.heap_source) and their parameters.
from .spead_blocks_python import *  # noqa: E402,F401,F403

# The spead2-compatible receive API: "import gnuradio.spead as spead2" then
# spead2.ItemGroup, spead2.recv.Stream, spead2.recv.asyncio.Stream...
from .item_group import Descriptor, Item, ItemGroup  # noqa: E402,F401
from .range_list import parse_range_list  # noqa: E402,F401
from . import recv  # noqa: E402,F401
from . import send  # noqa: E402,F401
# gr-spead extra: one UDP reader per endpoint of a list ('239.10.0.0+15:7148').
from .udp_readers import add_udp_readers  # noqa: E402,F401
