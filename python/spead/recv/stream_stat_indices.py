#
# Copyright 2026 gr-spead authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#

"""Index of spead2's statistics in Stream.stats (spead2.recv.stream_stat_indices):
HEAPS ... WORKER_BLOCKED, and CUSTOM, the first index StreamConfig.add_stat gives.
gr-spead's reject counters are in Stream.reject_stats (see reject_stat_indices)."""

from ..spead_python import _recv as _bound

globals().update({name: value for name, value in vars(_bound.stream_stat_indices).items()
                  if name.isupper()})
