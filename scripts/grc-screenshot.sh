#!/usr/bin/env bash
# Copyright 2026 gr-spead authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Takes a screenshot of a flowgraph open in GNU Radio Companion, on a virtual X display
# (Xvfb), with this project's GRC blocks on the block path. Used to make the picture in the
# README; not part of the tests. The flowgraph and the blocks are opened from copies in a
# neutral folder (/tmp/gr-spead), so that GRC's console shows no checkout path.
#
#   scripts/grc-screenshot.sh examples/FLOWGRAPH.grc docs/images/OUTPUT.png [WIDTHxHEIGHT [X,Y]]
#
# With X,Y (a point of the window, e.g. on a block), it double-clicks there first, which
# opens that block's properties dialog, and takes the dialog's window alone.

set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
flowgraph=$(realpath "$1")
output=$(realpath -m "$2")
geometry=${3:-1500x820}
click=${4:-}

packages=(xvfb imagemagick xdotool gir1.2-gtk-3.0 python3-gi-cairo adwaita-icon-theme)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
        missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    sudo_cmd=()
    [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
    export DEBIAN_FRONTEND=noninteractive
    "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

scratch=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$scratch"' EXIT
display=:$((90 + RANDOM % 9))
Xvfb "$display" -screen 0 "${geometry}x24" >/dev/null 2>&1 &
sleep 1
neutral=/tmp/gr-spead
rm -rf "$neutral"
mkdir -p "$neutral/flowgraphs"
cp -r "$top/grc" "$neutral/grc"
cp "$flowgraph" "$neutral/flowgraphs/"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$scratch" "$neutral"' EXIT
export DISPLAY=$display HOME=$scratch GRC_BLOCKS_PATH=$neutral/grc
gnuradio-companion "$neutral/flowgraphs/$(basename "$flowgraph")" >"$scratch/grc.log" 2>&1 &
# Wait for the window, then make it fill the screen so nothing is cut off.
for _ in $(seq 120); do
    window=$(xdotool search --name "GNU Radio Companion" 2>/dev/null | head -1 || true)
    [ -n "$window" ] && break
    sleep 0.5
done
[ -n "${window:-}" ] || { cat "$scratch/grc.log"; echo "GNU Radio Companion did not start" >&2; exit 1; }
xdotool windowmove "$window" 0 0 windowsize "$window" "${geometry%x*}" "${geometry#*x}"
sleep 4
mkdir -p "$(dirname "$output")"
if [ -n "$click" ]; then
    xdotool mousemove "${click%,*}" "${click#*,}" click --repeat 2 --delay 80 1
    sleep 3
    dialog=$(xdotool search --name "Properties" 2>/dev/null | tail -1 || true)
    [ -n "$dialog" ] || { cat "$scratch/grc.log"; echo "no properties dialog at $click" >&2; exit 1; }
    # As tall as the screen allows, so that a long tab shows whole.
    xdotool windowmove "$dialog" 0 0 windowsize "$dialog" 760 "$((${geometry#*x} - 40))"
    sleep 2
    import -window "$dialog" "$output"
else
    import -window root "$output"
fi
echo "wrote $output"
