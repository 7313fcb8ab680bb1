#!/usr/bin/env bash
# Copyright 2026 gr-spead authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The README's demo command: installs what is missing, builds, makes a SPEAD capture shaped
# like a telescope channeliser's output with gr-spead's own encoder, and decodes it,
# printing its heaps, a summary and the spectrum it carries.

set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

scripts_dir="$top/scripts"
"$scripts_dir/setup.sh" "$top/build"

demo_dir="$top/build/demo"
mkdir -p "$demo_dir"
capture="$demo_dir/channeliser.pcap"

echo "== making $capture"
"$top/build/apps/spead_make_demo_capture" "$capture" --heaps 64 --channels 1024

echo "== decoding it (first heaps shown; full listing: build/apps/spead_dump $capture)"
"$top/build/apps/spead_dump" "$capture" --spectrum spectra > "$demo_dir/dump.txt"
sed -n '1,/^heap 4:/p' "$demo_dir/dump.txt" | head -n -1
echo "..."
sed -n '/^summary of/,$p' "$demo_dir/dump.txt"
