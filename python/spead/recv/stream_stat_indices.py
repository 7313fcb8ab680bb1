#
# Copyright 2026 gr-spead authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#

"""Index of every built-in statistic in StreamStats (spead2.recv.stream_stat_indices):
spead2's nine (HEAPS ... WORKER_BLOCKED) first, then gr-spead's (PACKETS_REJECTED ...);
CUSTOM is the first index StreamConfig.add_stat gives."""

from ..spead_python import recv as _bound

globals().update({name: value for name, value in vars(_bound.stream_stat_indices).items()
                  if name.isupper()})
