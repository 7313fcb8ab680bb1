#!/usr/bin/env bash
# Copyright 2026 gr-spead authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Installs the Debian packages gr-spead needs (only those missing), then configures and
# builds the project. Idempotent: with everything installed and built it takes seconds.
#
#   scripts/setup.sh [BUILD_DIR]        (default: build)
#
# Environment: SPEAD_CMAKE_ARGS adds cmake arguments; SPEAD_JOBS sets make's -j.

set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${1:-$top/build}

# Everything comes from Debian 12 (bookworm).
packages=(
    cmake g++ make pkg-config git
    gnuradio-dev libvolk2-dev libboost-system-dev libpcap-dev pybind11-dev libcppunit-dev
    python3-numpy python3-numba python3-scipy
    clang-format iproute2
    tshark doxygen python3-matplotlib python3-yaml
    clang libclang-rt-dev
)

missing=()
for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done

if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    sudo_cmd=()
    [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
    export DEBIAN_FRONTEND=noninteractive
    "${sudo_cmd[@]}" apt-get update -qq
    "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

mkdir -p "$build_dir"
cd "$build_dir"
if [ ! -f CMakeCache.txt ]; then
    # shellcheck disable=SC2086
    cmake "$top" -DCMAKE_BUILD_TYPE=Release ${SPEAD_CMAKE_ARGS:-} >cmake.log ||
        { cat cmake.log; exit 1; }
fi
echo "setup: building in $build_dir (log: $build_dir/make.log)"
if ! make -j"${SPEAD_JOBS:-$(nproc)}" --no-print-directory >make.log 2>&1; then
    grep -E -B2 -A8 'error|Error' make.log | head -80
    echo "setup: build failed; see $build_dir/make.log"
    exit 1
fi
