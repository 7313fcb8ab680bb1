#!/usr/bin/env bash
# Copyright 2026 gr-spead authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Runs spead2's own Python tests against gnuradio.spead: a throw-away package named
# `spead2` re-exports gnuradio.spead (and its recv, send, asyncio and numba submodules), so
# the tests import gr-spead where they think they import spead2.
#
#   scripts/spead2-tests.sh SPEAD2_SOURCE [BUILD] [PYTEST ARGUMENTS...]
#
# SPEAD2_SOURCE  a spead2 source tree (its tests/ folder is used; nothing is copied into
#                this repository)
# BUILD          gr-spead's build tree (default: build); its test_modules is imported
# Example: scripts/spead2-tests.sh ~/src/spead2 build test_send.py test_passthrough.py -q
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source_tree=${1:?usage: spead2-tests.sh SPEAD2_SOURCE [BUILD] [PYTEST ARGUMENTS...]}
shift
build="$top/build"
if [ $# -gt 0 ] && [ -d "$1" ]; then
    build=$(cd "$1" && pwd)
    shift
fi
[ -d "$source_tree/tests" ] || { echo "no tests/ folder in $source_tree" >&2; exit 2; }
[ -d "$build/test_modules/gnuradio/spead" ] ||
    { echo "no gnuradio.spead in $build/test_modules (build gr-spead first)" >&2; exit 2; }

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cp -r "$source_tree/tests" "$scratch/tests"

# One alias package per submodule the tests import; a submodule gr-spead lacks is left
# empty, so only the tests that use it fail.
for name in "" recv recv.asyncio recv.numba send send.asyncio numba; do
    folder="$scratch/alias/spead2/${name//.//}"
    mkdir -p "$folder"
    cat >"$folder/__init__.py" <<EOF
import importlib
try:
    _target = importlib.import_module("gnuradio.spead${name:+.$name}")
except ImportError:
    _target = None
if _target is not None:
    for _name in dir(_target):
        if not _name.startswith("__") or _name == "__version__":
            globals()[_name] = getattr(_target, _name)
EOF
done

mkdir -p "$build/home"
cd "$scratch/tests"
HOME="$build/home" PYTHONPATH="$scratch/alias:$build/test_modules" \
    /usr/bin/python3 -m pytest -p no:cacheprovider "$@"
