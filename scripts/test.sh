#!/usr/bin/env bash
# Copyright 2026 gr-spead authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The README's test command: installs what is missing, builds, and runs every test:
#   1. the formatting check,
#   2. the whole ctest suite (C++ CppUnit runner, Python QA) in build/,
#   3. the C++ suite again under AddressSanitizer + UndefinedBehaviorSanitizer in build-asan/,
#   4. Doxygen over the public headers, where any warning is an error (build-doxygen/),
#   5. the C++ suite under ThreadSanitizer in build-tsan/ (for its threaded suites),
#   6. a short fuzzing run of every libFuzzer harness (scripts/fuzz.sh, clang) in build-fuzz/.
# Tests run with HOME inside the build tree (GNU Radio and grcc write there).

set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"
start=$(date +%s)

scripts/setup.sh "$top/build"

echo "== formatting"
scripts/check-format.sh

echo "== test suite (build/)"
mkdir -p build/home
(cd build && HOME="$top/build/home" ctest --output-on-failure --timeout 600)

echo "== C++ suite under AddressSanitizer + UndefinedBehaviorSanitizer (build-asan/)"
mkdir -p build-asan
(
    cd build-asan
    if [ ! -f CMakeCache.txt ]; then
        cmake "$top" -DCMAKE_BUILD_TYPE=Debug -DSPEAD_SANITIZE=ON >cmake.log ||
            { cat cmake.log; exit 1; }
    fi
    make -j"$(nproc)" --no-print-directory qa_spead_engine >make.log 2>&1 ||
        { tail -60 make.log; exit 1; }
    mkdir -p home
    HOME="$PWD/home" ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
        UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ./lib/qa_spead_engine
)

echo "== Doxygen of the public headers, warnings are errors (build-doxygen/)"
mkdir -p build-doxygen
(
    cd build-doxygen
    cmake "$top" -DENABLE_DOXYGEN=ON >cmake.log || { cat cmake.log; exit 1; }
    make --no-print-directory doxygen_target >make.log 2>&1 || { tail -40 make.log; exit 1; }
)

echo "== C++ suite under ThreadSanitizer (build-tsan/)"
mkdir -p build-tsan
(
    cd build-tsan
    if [ ! -f CMakeCache.txt ]; then
        cmake "$top" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSPEAD_SANITIZE=thread \
            -DENABLE_PYTHON=OFF >cmake.log || { cat cmake.log; exit 1; }
    fi
    make -j"$(nproc)" --no-print-directory qa_spead_engine >make.log 2>&1 ||
        { tail -60 make.log; exit 1; }
    mkdir -p home
    # The whole C++ suite takes well under a minute under ThreadSanitizer; its threaded
    # suites (ring, pools, readers, stopping, fault injection) are what it is for.
    if ! HOME="$PWD/home" TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
        ./lib/qa_spead_engine >tsan.log 2>&1; then
        grep -m1 -A60 'ThreadSanitizer' tsan.log || tail -40 tsan.log
        echo "ThreadSanitizer: the C++ suite failed (build-tsan/tsan.log)"
        exit 1
    fi
    tail -1 tsan.log
)

echo "== fuzzing, ${SPEAD_FUZZ_SECONDS:-20} s per harness (build-fuzz/)"
scripts/fuzz.sh "${SPEAD_FUZZ_SECONDS:-20}"

echo "== all tests passed in $(($(date +%s) - start)) s"
