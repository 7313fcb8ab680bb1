#!/usr/bin/env bash
# Copyright 2026 gr-spead authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Builds the libFuzzer harnesses (fuzz/) in build-fuzz/ with clang, coverage,
# AddressSanitizer and UndefinedBehaviorSanitizer, then runs each one for
# SECONDS_PER_HARNESS seconds (default 30) from its seed corpus and its saved corpus,
# as many at a time as there are cores. Prints executions and findings per harness;
# exits non-zero when any harness found a crash, a leak, a hang or a broken invariant
# (the input is kept in build-fuzz/fuzz/findings/<harness>/).
#
#   scripts/fuzz.sh [SECONDS_PER_HARNESS] [HARNESS...]
#   scripts/fuzz.sh --build-only          configure and build, run nothing
#
# Long campaigns: pass a bigger number (e.g. 3600); the corpus each run grows is kept in
# build-fuzz/fuzz/corpus/<harness>/ and the next run starts from it. Environment:
# SPEAD_FUZZ_JOBS sets make's -j and how many harnesses run at once (default nproc);
# SPEAD_FUZZ_ALSO_BUILD names more targets to build in the same tree (scripts/test.sh
# builds the C++ suite there, to run it under the same sanitizers).

set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_only=false
[ "${1:-}" = --build-only ] && build_only=true && shift
seconds=${1:-30}
shift || true
harnesses=("$@")
jobs=${SPEAD_FUZZ_JOBS:-$(nproc)}
[ ${#harnesses[@]} -gt 0 ] ||
    harnesses=(packet descriptor numpy_header item_type heap_assembly tcp_stream pcap_frame
        udp_stream)

command -v clang++ >/dev/null || {
    echo "fuzz: clang++ is missing (scripts/setup.sh installs it)"
    exit 1
}

build="$top/build-fuzz"
mkdir -p "$build"
cd "$build"
if [ ! -f CMakeCache.txt ]; then
    # -O1: fast enough to fuzz, quick to compile; line tables for the sanitizers' reports.
    CC=clang CXX=clang++ cmake "$top" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" -DSPEAD_FUZZ=ON \
        -DENABLE_PYTHON=OFF >cmake.log 2>&1 || { cat cmake.log; exit 1; }
fi
# shellcheck disable=SC2086
make -j"$jobs" --no-print-directory fuzzers ${SPEAD_FUZZ_ALSO_BUILD:-} >make.log 2>&1 ||
    { tail -60 make.log; exit 1; }
$build_only && exit 0

cd "$build/fuzz"
failed=0
printf '%-14s %10s %8s %8s  %s\n' harness executions exec/s corpus findings
# run_harness H: one harness's run, its exit status kept in findings/H/last-run.status.
run_harness() {
    local h=$1 rc=0
    # -rss_limit_mb: the heap-assembly harness keeps at most a few MB per input;
    # -timeout: one input taking longer than this is a hang (a finding).
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
        UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        "./fuzz_$h" -max_total_time="$seconds" -timeout=30 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="findings/$h/" \
        "corpus/$h" "seeds/$h" >"findings/$h/last-run.log" 2>&1 || rc=$?
    echo "$rc" >"findings/$h/last-run.status"
}

for h in "${harnesses[@]}"; do
    [ -x "./fuzz_$h" ] || { echo "fuzz: no harness fuzz_$h"; exit 1; }
    mkdir -p "corpus/$h" "findings/$h"
    rm -f "findings/$h/last-run.status"
    # At most $jobs harnesses at once (each is single-threaded).
    while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
    run_harness "$h" &
done
wait

for h in "${harnesses[@]}"; do
    log="findings/$h/last-run.log"
    rc=$(cat "findings/$h/last-run.status" 2>/dev/null || echo 1)
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    corpus=$(find "corpus/$h" -type f | wc -l)
    findings=$(find "findings/$h" -type f ! -name 'last-run.*' | wc -l)
    status="none"
    if [ "$rc" -ne 0 ]; then
        status="FAILED (exit $rc): $(grep -m1 -E 'ERROR|invariant violated|deadly signal' "$log" || true)"
        failed=1
    elif [ "$findings" -gt 0 ]; then
        status="$findings saved input(s) from earlier runs in findings/$h/"
    fi
    printf '%-14s %10s %8s %8s  %s\n' "$h" "${execs:-?}" "${rate:-?}" "$corpus" "$status"
    if [ "$rc" -ne 0 ]; then
        grep -E -A25 'ERROR|invariant violated|deadly signal' "$log" | head -40 || true
        ls "findings/$h"
    fi
done
exit $failed
