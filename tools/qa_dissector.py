#!/usr/bin/python3
#
# Copyright 2026 gr-spead authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
"""Runs tshark with tools/spead.lua over the shared spead2 captures and checks the decoded
fields against what the captures' README states. Exits 77 (skipped) without tshark.

usage: qa_dissector.py CAPTURES_DIR
"""

import os
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
DISSECTOR = os.path.join(HERE, "spead.lua")
CAPTURES = None
TSHARK = shutil.which("tshark")

SINGLE_40 = "spead2_64_40_single_packet.pcap"
SINGLE_48 = "spead2_64_48_single_packet.pcap"
MULTI_40 = "spead2_64_40_multi_packet.pcap"


def tshark_fields(capture, fields, display_filter=None, options=()):
    """One list of field strings per packet (empty string when the field is absent)."""
    command = [TSHARK, "-n", "-X", "lua_script:" + DISSECTOR, "-r",
               os.path.join(CAPTURES, capture), "-T", "fields", "-E", "separator=|"]
    for option in options:
        command += ["-o", option]
    if display_filter:
        command += ["-Y", display_filter]
    for field in fields:
        command += ["-e", field]
    # tshark keeps its profile under HOME: keep it out of the user's.
    env = dict(os.environ, HOME=tempfile.gettempdir())
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, env=env)
    if result.returncode != 0:
        raise AssertionError("tshark failed: " + result.stderr)
    return [line.split("|") for line in result.stdout.splitlines()]


def timestamp(cnt):
    # README: item 0x1600 "timestamp" = 1000000 + 8192*k with k = cnt - 2.
    return 1000000 + 8192 * (cnt - 2)


class qa_dissector(unittest.TestCase):
    def check_single_packet_file(self, capture, flavour, header_hex):
        rows = tshark_fields(capture, ["spead.flavour", "spead.heap_cnt", "spead.n_items",
                                       "spead.payload_length", "spead.item.id",
                                       "spead.item.value", "spead.stream_ctrl",
                                       "spead.item_pointer_width",
                                       "spead.heap_address_width"])
        self.assertEqual(len(rows), 22)
        ipw, haw = header_hex[2], header_hex[3]
        for row in rows:
            self.assertEqual(row[0], flavour)
            self.assertEqual((int(row[7]), int(row[8])), (ipw, haw))
        self.assertEqual([int(r[1]) for r in rows], list(range(1, 23)))
        # Heap 1: descriptors only, three DESCRIPTOR (0x5) items.
        self.assertEqual(rows[0][4].split(",").count("0x00000005"), 3)
        for cnt in range(2, 22):
            row = rows[cnt - 1]
            self.assertEqual(int(row[2]), 7)
            self.assertEqual(int(row[3]), 8200)
            ids = [int(i, 16) for i in row[4].split(",")]
            self.assertEqual(ids, [1, 2, 3, 4, 0x1600, 0x1601, 0x1602])
            # Immediate values in pointer order: cnt, HEAP_LENGTH, offset, length, timestamp.
            values = [int(v) for v in row[5].split(",")]
            self.assertEqual(values, [cnt, 8200, 0, 8200, timestamp(cnt)])
            self.assertEqual(row[6], "")
        # The stop heap: 57 bytes on the wire, STREAM_CTRL = 2.
        self.assertEqual(int(rows[21][6]), 2)
        self.assertEqual(int(rows[21][3]), 1)

    def test_single_packet_64_40(self):
        self.check_single_packet_file(SINGLE_40, "SPEAD-64-40", [0x53, 4, 3, 5])

    def test_single_packet_64_48(self):
        self.check_single_packet_file(SINGLE_48, "SPEAD-64-48", [0x53, 4, 2, 6])

    def test_multi_packet_heaps(self):
        rows = tshark_fields(MULTI_40, ["spead.heap_cnt", "spead.n_items",
                                        "spead.payload_offset", "spead.payload_length",
                                        "spead.heap_length", "spead.item.offset"])
        self.assertEqual(len(rows), 462)
        data = rows[1:-1]
        self.assertEqual(len(data), 20 * 23)
        for k in range(20):
            packets = data[23 * k:23 * (k + 1)]
            self.assertEqual({int(r[0]) for r in packets}, {k + 2})
            # First packet: 6 pointers and 1416 bytes; then 4 pointers and 1432 bytes; the
            # last packet holds what is left of 32768 bytes.
            self.assertEqual([int(r[1]) for r in packets], [6] + [4] * 22)
            lengths = [int(r[3]) for r in packets]
            self.assertEqual(lengths[:22], [1416] + [1432] * 21)
            self.assertEqual(sum(lengths), 32768)
            offsets = [int(r[2]) for r in packets]
            self.assertEqual(offsets, [sum(lengths[:i]) for i in range(23)])
            self.assertEqual({int(r[4]) for r in packets}, {32768})
            self.assertEqual(packets[0][5], "0")  # "data" addressed at offset 0

    def test_heap_cnt_is_filterable(self):
        rows = tshark_fields(MULTI_40, ["frame.number"], "spead.heap_cnt == 5")
        self.assertEqual([int(r[0]) for r in rows], list(range(2 + 23 * 3, 2 + 23 * 4)))
        rows = tshark_fields(SINGLE_40, ["spead.item.value"],
                             "spead.item.id == 0x1600 && spead.heap_cnt == 7")
        self.assertEqual(len(rows), 1)
        self.assertIn(str(timestamp(7)), rows[0][0].split(","))

    def test_port_is_configurable(self):
        # Off the configured ports, with the heuristic off, nothing is SPEAD.
        rows = tshark_fields(SINGLE_40, ["frame.number"], "spead",
                             ["spead.ports:9000", "spead.heuristic:FALSE"])
        self.assertEqual(rows, [])
        rows = tshark_fields(SINGLE_40, ["frame.number"], "spead",
                             ["spead.ports:7148", "spead.heuristic:FALSE"])
        self.assertEqual(len(rows), 22)
        # The 64-48 file is on port 7149: found by the heuristic alone.
        rows = tshark_fields(SINGLE_48, ["frame.number"], "spead",
                             ["spead.ports:9000", "spead.heuristic:TRUE"])
        self.assertEqual(len(rows), 22)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    CAPTURES = sys.argv.pop(1)
    if TSHARK is None:
        print("SKIPPED: tshark is not installed (scripts/setup.sh installs it)")
        sys.exit(77)
    unittest.main(verbosity=2)
