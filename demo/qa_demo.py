#!/usr/bin/python3
#
# Copyright 2026 gr-spead authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
"""Builds and runs the demo flowgraph the way scripts/demo.sh does, and checks what it
reports against what spead_make_demo_capture puts into the stream.

usage: qa_demo.py SPEAD_MAKE_DEMO_CAPTURE WORK_DIR
"""

import os
import re
import struct
import subprocess
import sys
import unittest

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
MAKE_CAPTURE = None
WORK = None

# spead_make_demo_capture's spectral lines: (fraction of the band, amplitude).
LINES = [(0.20, 40.0), (0.50, 90.0), (0.79, 60.0)]
CHANNELS = 1024
HEAPS = 64
SPECTRA_PER_HEAP = 16


def png_size(path):
    with open(path, "rb") as f:
        header = f.read(24)
    assert header[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG file"
    return struct.unpack(">II", header[16:24])


class qa_demo(unittest.TestCase):
    def test_embedded_block_matches_its_source(self):
        # The .grc carries the Python block's code; spectrum_picture.py is where it is
        # edited (build_flowgraph.py copies it in). They must not drift apart.
        with open(os.path.join(HERE, "channeliser_demo.grc")) as f:
            grc = yaml.safe_load(f)
        [block] = [b for b in grc["blocks"] if b["id"] == "epy_block"]
        with open(os.path.join(HERE, "spectrum_picture.py")) as f:
            self.assertEqual(block["parameters"]["_source_code"], f.read())

    def test_demo_flowgraph(self):
        os.makedirs(WORK, exist_ok=True)
        capture = os.path.join(WORK, "channeliser.pcap")
        picture = os.path.join(WORK, "spectrum.png")
        if os.path.exists(picture):
            os.remove(picture)
        subprocess.run([MAKE_CAPTURE, capture, "--heaps", str(HEAPS), "--channels",
                        str(CHANNELS)], check=True, timeout=60, stdout=subprocess.DEVNULL)
        env = dict(os.environ, GRC_BLOCKS_PATH=os.path.join(TOP, "grc"))
        subprocess.run(["grcc", "-o", WORK, os.path.join(HERE, "channeliser_demo.grc")],
                       check=True, timeout=120, env=env, capture_output=True)
        result = subprocess.run(
            ["/usr/bin/python3", os.path.join(WORK, "channeliser_demo.py"), "-c", capture,
             "-o", picture], timeout=120, env=env, capture_output=True, text=True)
        self.assertEqual(result.returncode, 0, result.stderr)
        out = result.stdout

        self.assertIn(f"heaps received: {HEAPS}; spectra: {HEAPS * SPECTRA_PER_HEAP} of "
                      f"{CHANNELS} channels", out)
        self.assertIn(f"heap counters 2 .. {HEAPS + 1}", out)
        self.assertIn("markers: none", out)
        # The lines sit at int(fraction * channels), strongest amplitude first.
        expected = [int(f * CHANNELS) for f, a in sorted(LINES, key=lambda l: -l[1])]
        found = re.search(r"strongest channels: (\d+) \(.*?\), (\d+) \(.*?\), (\d+) ", out)
        self.assertIsNotNone(found, out)
        self.assertEqual([int(g) for g in found.groups()], expected)
        # One descriptor heap and the data heaps; nothing rejected.
        self.assertRegex(out, rf"stream statistics: heaps {HEAPS + 1}, packets \d+, "
                              r"packets_rejected 0,")
        self.assertEqual(png_size(picture), (810, 630))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    WORK = sys.argv.pop()
    MAKE_CAPTURE = sys.argv.pop()
    unittest.main(verbosity=2)
