#!/usr/bin/python3
#
# Copyright 2026 gr-spead authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
"""Runs the command-line tools as a user would and checks what they print.

usage: qa_apps.py SPEAD_MAKE_DEMO_CAPTURE SPEAD_DUMP CAPTURES_DIR SCRATCH_DIR
"""

import os
import re
import subprocess
import sys
import unittest

MAKE_DEMO, DUMP, CAPTURES, SCRATCH = sys.argv[1:5]
del sys.argv[1:5]


def run(*args):
    result = subprocess.run(args, capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        raise AssertionError(f"{args} failed ({result.returncode}): {result.stderr}")
    return result.stdout


class qa_apps(unittest.TestCase):
    def test_demo_capture_decodes_with_its_spectral_lines(self):
        os.makedirs(SCRATCH, exist_ok=True)
        capture = os.path.join(SCRATCH, "demo.pcap")
        run(MAKE_DEMO, capture, "--heaps", "64", "--channels", "1024")
        out = run(DUMP, capture, "--spectrum", "spectra")
        # 64 data heaps of 16 x 1024 x 2 bytes, plus the descriptor and stop heaps. In
        # 1472-byte SPEAD-64-48 packets a data heap's first packet carries 6 pointers
        # (1416 payload bytes) and the others 4 (1432), so 32768 bytes need 23 packets.
        self.assertIn("  heaps: 66\n", out)
        self.assertIn(f"  SPEAD packets decoded: {64 * 23 + 2} ", out)
        self.assertIn("  timestamp (0x1600, immediate) = 16384\n", out)
        self.assertIn("stream control: start of stream", out)
        self.assertIn("stream control: stop (end of stream)", out)
        # The lines sit at 20 %, 50 % and 79 % of the band: channels 204, 512 and 808.
        strong = [int(m.group(1)) for m in
                  re.finditer(r"ch +(\d+)- +\d+ +(\d+\.\d) dB", out) if float(m.group(2)) > 10]
        self.assertEqual(strong, [192, 512, 800])

    def test_reference_capture_values(self):
        out = run(DUMP, os.path.join(CAPTURES, "spead2_64_48_single_packet.pcap"))
        self.assertIn("  heaps: 22\n", out)
        for k in range(20):
            # Items in spead2's order: addressed by offset, then immediates.
            self.assertRegex(out, rf"heap {k + 2}: 8200 payload bytes\n"
                                  rf"  seq \(0x1601, 8 B\) = {k}\n"
                                  rf"  data \(0x1602, 8192 B\) = [^\n]*\n"
                                  rf"  timestamp \(0x1600, immediate\) = {1000000 + 8192 * k}\n")
        # data[0] = (((0 + k) % 256) - 128, -re clipped): heap 2 starts -128, 127.
        self.assertIn("data (0x1602, 8192 B) = int8[4096,2] {-128, 127, -127, 127,", out)

    def test_filter_and_errors(self):
        capture = os.path.join(CAPTURES, "spead2_64_40_single_packet.pcap")
        out = run(DUMP, capture, "--filter", "udp dst port 1", "--quiet")
        self.assertIn("  UDP datagrams: 0\n", out)
        bad = subprocess.run([DUMP, capture, "--filter", "not a filter ((("],
                             capture_output=True, text=True, timeout=60)
        self.assertNotEqual(bad.returncode, 0)
        self.assertIn("not a filter", bad.stderr)
        missing = subprocess.run([DUMP, "/nonexistent.pcap"], capture_output=True, text=True,
                                 timeout=60)
        self.assertNotEqual(missing.returncode, 0)
        self.assertIn("/nonexistent.pcap", missing.stderr)


if __name__ == "__main__":
    unittest.main()
