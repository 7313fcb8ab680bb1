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

# The GNU Radio blocks (spead.source, spead.heap_source) and their parameters.
from .spead_blocks_python import *  # noqa: E402,F401,F403
