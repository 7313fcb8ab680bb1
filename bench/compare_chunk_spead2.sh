#!/usr/bin/env bash
# Copyright 2026 gr-spead authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The chunk path against the heap path, gr-spead and spead2 side by side on the same
# packets, in memory (one worker thread each; see docs/benchmarks.md):
#
#   bench/compare_chunk_spead2.sh BUILD_DIR [spead_bench chunk options]
#
# Writes the packets with `spead_bench chunk --write-stream`, runs `spead_bench chunk`,
# then builds bench/spead2_chunk_bench.cpp against spead2 (SPEAD2_SRC, a spead2 source
# tree; SPEAD2_BUILD, the cxx folder of its meson build, where spead2's C++ library
# is) and runs it on the same file. Prints figures; judges nothing.

set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build=${1:?usage: compare_chunk_spead2.sh BUILD_DIR [spead_bench chunk options]}
shift
spead2_src=${SPEAD2_SRC:?set SPEAD2_SRC to a spead2 source tree}
spead2_build=${SPEAD2_BUILD:?set SPEAD2_BUILD to the cxx folder of a spead2 build}

# The options spead2's side needs, with spead_bench chunk's defaults.
heaps=65536 heap_size=4096 groups=4 spectra=32 max_chunks=2 ring_chunks=4 passes=5
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
    case "${args[i]}" in
    --heaps) heaps=${args[i + 1]} ;;
    --heap-size) heap_size=${args[i + 1]} ;;
    --groups) groups=${args[i + 1]} ;;
    --chunk-spectra) spectra=${args[i + 1]} ;;
    --max-chunks) max_chunks=${args[i + 1]} ;;
    --ring-chunks) ring_chunks=${args[i + 1]} ;;
    --passes) passes=${args[i + 1]} ;;
    esac
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$build/bench/spead_bench" chunk "$@" --write-stream "$work/stream.bin"
"$build/bench/spead_bench" chunk "$@"

if [ ! -f "$spead2_build/src/libspead2.a" ]; then
    echo "spead2 not built at $spead2_build: its side is left out"
    exit 0
fi
program=$build/bench/spead2_chunk_bench
if [ ! -x "$program" ] || [ "$here/spead2_chunk_bench.cpp" -nt "$program" ]; then
    c++ -std=c++17 -O3 -DNDEBUG -pthread \
        -I"$spead2_src/include" -I"$spead2_build/include" \
        "$here/spead2_chunk_bench.cpp" -o "$program" \
        "$spead2_build/src/libspead2.a" -lpcap -ldl
fi
echo "spead2 (same packets):"
"$program" "$work/stream.bin" "$heaps" "$heap_size" "$groups" "$spectra" \
    "$max_chunks" "$ring_chunks" "$passes"
