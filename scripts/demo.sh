#!/usr/bin/env bash
# Copyright 2026 gr-spead authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The README's demo command: installs what is missing, builds, makes a SPEAD capture shaped
# like a telescope channeliser's output with gr-spead's own encoder, compiles the demo
# flowgraph (demo/channeliser_demo.grc, made in GNU Radio Companion) with grcc, and runs it:
# a SPEAD Source reads the capture, and the flowgraph draws the mean spectrum and a
# waterfall into build/demo/spectrum.png and prints a summary of what it received.

set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

"$top/scripts/setup.sh" "$top/build"

demo_dir="$top/build/demo"
mkdir -p "$demo_dir" "$top/build/home"
capture="$demo_dir/channeliser.pcap"
picture="$demo_dir/spectrum.png"
start=$(date +%s)

echo "== making $capture (spead_make_demo_capture: 64 heaps of 16 spectra x 1024 channels)"
"$top/build/apps/spead_make_demo_capture" "$capture" --heaps 64 --channels 1024

# GNU Radio and grcc keep their settings under HOME: the build tree's, not the user's.
export HOME="$top/build/home" GRC_BLOCKS_PATH="$top/grc"
export PYTHONPATH="$top/build/test_modules${PYTHONPATH:+:$PYTHONPATH}"

echo "== compiling demo/channeliser_demo.grc with grcc"
grcc -o "$demo_dir" "$top/demo/channeliser_demo.grc" >"$demo_dir/grcc.log" 2>&1 ||
    { cat "$demo_dir/grcc.log"; exit 1; }

echo "== running the flowgraph: SPEAD Source (pcap) -> |x|^2 -> spectrum picture"
/usr/bin/python3 "$demo_dir/channeliser_demo.py" -c "$capture" -o "$picture"

echo "== done in $(($(date +%s) - start)) s" \
    "(open demo/channeliser_demo.grc in gnuradio-companion to see the flowgraph)"
