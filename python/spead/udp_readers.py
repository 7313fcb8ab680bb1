#
# Copyright 2026 gr-spead authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#

"""add_udp_readers: one UDP reader per endpoint of a list such as '239.10.0.0+15:7148',
on a receive stream (a gr-spead extra; spead2 has no such helper)."""

import ipaddress

from .spead_blocks_python import parse_endpoint_list


def add_udp_readers(stream, endpoints, port=7148, max_size=None, buffer_size=None,
                    interface_address='', interface_index=0, busy_poll_us=0):
    """Adds to `stream` (a gnuradio.spead.recv.Stream or its asyncio variant) one UDP
    reader per endpoint of `endpoints`, all feeding that stream on its thread pool.

    `endpoints` is a comma-separated list of host[+N][:port]: '239.10.0.0+15:7148' is
    16 consecutive multicast groups, '[ff15::1]+3:7148' four IPv6 groups, '10.0.0.1'
    or ':7149' unicast addresses to bind to (a piece without a port takes `port`).
    IPv4 groups are joined on the interface with address `interface_address` (empty:
    the OS chooses), IPv6 groups on the interface with index `interface_index`.
    `max_size` and `buffer_size` default to the stream's DEFAULT_UDP_MAX_SIZE and
    DEFAULT_UDP_BUFFER_SIZE. Returns the (host, port) pairs added, in order.
    Raises ValueError naming `endpoints` and the bad piece of a malformed list.
    """
    pairs = parse_endpoint_list(endpoints, port, 'endpoints')
    if max_size is None:
        max_size = stream.DEFAULT_UDP_MAX_SIZE
    if buffer_size is None:
        buffer_size = stream.DEFAULT_UDP_BUFFER_SIZE
    for host, p in pairs:
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            address = None  # empty (every IPv4 address) or a host name
        if address is not None and address.is_multicast:
            if address.version == 4:
                stream.add_udp_reader(host, p, max_size, buffer_size, interface_address,
                                      busy_poll_us=busy_poll_us)
            else:
                stream.add_udp_reader(host, p, max_size, buffer_size, interface_index,
                                      busy_poll_us=busy_poll_us)
        else:
            stream.add_udp_reader(p, max_size, buffer_size, host,
                                  busy_poll_us=busy_poll_us)
    return pairs
