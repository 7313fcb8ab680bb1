#
# Copyright 2026 gr-spead authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#

"""parse_range_list: CPU lists such as '2,3-5,8' for affinity options (as in spead2)."""

__all__ = ['parse_range_list']


def parse_range_list(ranges):
    """The integers of a comma-separated list of numbers and ranges 'first-last' (both
    ends included), in the order written; '' gives []. Raises ValueError for a part
    that is not a number or range."""
    out = []
    if not ranges:
        return out
    for part in ranges.split(','):
        first, dash, last = part.partition('-')
        if dash:
            out.extend(range(int(first), int(last) + 1))
        else:
            out.append(int(first))
    return out
