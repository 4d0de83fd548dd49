#!/bin/sh
# Builds the libFuzzer target with clang and runs it for a bounded time on a seed corpus made
# of the shipped profiles and the bad-input fixtures. Usage: tests/fuzz/run.sh [SECONDS]
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
secs=${1:-60}
build=${FUZZ_BUILD:-$src/build-fuzz}
CC=clang cmake -S "$src" -B "$build" -DTWTUNE_FUZZ=ON -DTWTUNE_TESTS=OFF -DTWTUNE_WERROR=ON >/dev/null
cmake --build "$build" --target fuzz_profile -j2 >/dev/null
corpus=$build/corpus
mkdir -p "$corpus"
find "$src/profiles" "$src/tests/data" -name '*.yaml' -type f -exec cp {} "$corpus/" \;
cd "$build"
rc=0
./tests/fuzz/fuzz_profile -max_total_time="$secs" -max_len=4096 -timeout=5 -rss_limit_mb=1024 \
        -print_final_stats=1 "$corpus" >fuzz.log 2>&1 || rc=$?
if [ "$rc" -ne 0 ]; then
        cat fuzz.log
        echo "fuzz: FAILED (exit $rc); the crashing input is named above"
        exit "$rc"
fi
grep -E '^(Done|stat::(number_of_executed_units|new_units_added|peak_rss_mb))' fuzz.log
echo "fuzz: no crash in $secs s"
