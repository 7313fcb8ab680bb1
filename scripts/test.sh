#!/usr/bin/env bash
# Copyright 2026 gr-spead authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The README's test command: installs what is missing, builds, and runs every test:
#   1. set-up and the Release build (scripts/setup.sh, build/),
#   2. the formatting check,
#   3. the whole ctest suite in build/, in parallel (one entry per C++ suite, the Python
#      QA, the apps, the examples and the demo; the `long` tests at their short lengths),
#   4. Doxygen over the public headers from build/, where any warning is an error,
#   5. one clang tree with AddressSanitizer + UndefinedBehaviorSanitizer (build-fuzz/): the
#      C++ suite, then a short run of every libFuzzer harness (scripts/fuzz.sh),
#   6. the C++ suite under ThreadSanitizer (build-tsan/), but for the protocol layer's.
# Prints the time of each step at the end. Tests run with HOME inside the build tree (GNU
# Radio and grcc write there).
#
# Environment: SPEAD_FUZZ_SECONDS (per harness, default 12), SPEAD_JOBS (default nproc).

set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"
start=$(date +%s)
jobs=${SPEAD_JOBS:-$(nproc)}
timings=()

# At exit, successful or not: the time of each finished step and the total.
print_timings() {
    local rc=$?
    echo "== time per step"
    for line in "${timings[@]}"; do echo "$line"; done
    if [ "$rc" -eq 0 ]; then
        echo "== all tests passed in $(($(date +%s) - start)) s"
    else
        echo "== stopped by a failure (exit $rc) after $(($(date +%s) - start)) s"
    fi
}
trap print_timings EXIT

# step NAME COMMAND...: runs one step and remembers how long it took.
step() {
    local name=$1 t0
    shift
    t0=$(date +%s)
    echo "== $name"
    "$@"
    timings+=("$(printf '%6d s  %s' $(($(date +%s) - t0)) "$name")")
}

# Builds TARGETS in tree DIR quietly, showing the end of the log on failure.
make_quietly() {
    local dir=$1
    shift
    make -C "$dir" -j"$jobs" --no-print-directory "$@" >"$dir/make.log" 2>&1 ||
        { tail -60 "$dir/make.log"; return 1; }
}

run_ctest() {
    mkdir -p build/home
    (cd build && HOME="$top/build/home" ctest -j"$jobs" --output-on-failure --timeout 600)
}

run_doxygen() {
    # The main tree, with Doxygen switched on: a re-configure, nothing recompiled.
    cmake -DENABLE_DOXYGEN=ON build >build/cmake-doxygen.log ||
        { cat build/cmake-doxygen.log; return 1; }
    make_quietly build doxygen_target
}

run_asan_suite() {
    # scripts/fuzz.sh configures build-fuzz/ (clang, ASan + UBSan, libFuzzer coverage);
    # the C++ suite is built in the same tree, so the engine is compiled once for both.
    SPEAD_FUZZ_ALSO_BUILD=qa_spead_engine scripts/fuzz.sh --build-only
    mkdir -p build-fuzz/home
    (cd build-fuzz && HOME="$PWD/home" ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
        UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ./lib/qa_spead_engine >asan.log 2>&1) ||
        { grep -m1 -A60 -E 'ERROR|runtime error|Failures' build-fuzz/asan.log ||
            tail -40 build-fuzz/asan.log; echo "the C++ suite failed under ASan (build-fuzz/asan.log)"; return 1; }
    tail -1 build-fuzz/asan.log
}

run_tsan_suite() {
    mkdir -p build-tsan/home
    if [ ! -f build-tsan/CMakeCache.txt ]; then
        # Only the engine and its C++ suite are built; -O1 keeps the compile short.
        (cd build-tsan && cmake "$top" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
            -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1" -DSPEAD_SANITIZE=thread \
            -DENABLE_PYTHON=OFF >cmake.log) || { cat build-tsan/cmake.log; return 1; }
    fi
    make_quietly build-tsan qa_spead_engine
    # The threaded suites (ring, pools, readers, stopping, fault injection) are what it is
    # for; the protocol layer's suites are not built in this tree. About 20 s.
    (cd build-tsan && HOME="$PWD/home" TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
        ./lib/qa_spead_engine >tsan.log 2>&1) ||
        { grep -m1 -A60 'ThreadSanitizer' build-tsan/tsan.log || tail -40 build-tsan/tsan.log
            echo "the C++ suite failed under ThreadSanitizer (build-tsan/tsan.log)"; return 1; }
    tail -1 build-tsan/tsan.log
}

step "set-up and Release build (build/)" scripts/setup.sh "$top/build"
step "formatting" scripts/check-format.sh
step "test suite (build/, ctest -j$jobs)" run_ctest
step "Doxygen of the public headers, warnings are errors (build/)" run_doxygen
step "C++ suite under ASan + UBSan (build-fuzz/)" run_asan_suite
step "fuzzing, ${SPEAD_FUZZ_SECONDS:-12} s per harness (build-fuzz/)" \
    scripts/fuzz.sh "${SPEAD_FUZZ_SECONDS:-12}"
step "C++ suite under ThreadSanitizer (build-tsan/)" run_tsan_suite

