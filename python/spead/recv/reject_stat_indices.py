#
# Copyright 2026 gr-spead authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#

"""Index of gr-spead's reject counters in Stream.reject_stats (not in spead2):
PACKETS_REJECTED, one PACKETS_REJECTED_<REASON> per reason, and HEAPS_DROPPED_<CAUSE>."""

from ..spead_python import _recv as _bound

globals().update({name: value for name, value in vars(_bound.reject_stat_indices).items()
                  if name.isupper()})
