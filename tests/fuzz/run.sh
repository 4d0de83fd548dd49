#!/bin/sh
# SPDX-License-Identifier: MIT
# Builds the libFuzzer targets with clang and runs each for a bounded time on a seed corpus:
# fuzz_profile on the shipped profiles and the bad-input fixtures, fuzz_sockstat on this
# machine's /proc/net files and a few crafted lines, fuzz_boot and fuzz_import (import with the
# boot view as its oracle) on the sysctl.d fixtures. Usage: tests/fuzz/run.sh [SECONDS] (all
# targets run at once, each for SECONDS). Exits non-zero, with the crashing input named, on any
# crash or oracle failure.
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
secs=${1:-60}
build=${FUZZ_BUILD:-$src/build-fuzz}
CC=clang cmake -S "$src" -B "$build" -DTWTUNE_FUZZ=ON -DTWTUNE_TESTS=OFF -DTWTUNE_WERROR=ON >/dev/null
cmake --build "$build" --target fuzz_profile fuzz_sockstat fuzz_boot fuzz_import -j2 >/dev/null

corpus=$build/corpus
mkdir -p "$corpus"
find "$src/profiles" "$src/tests/data" -name '*.yaml' -type f -exec cp {} "$corpus/" \;

# The socket parsers' seeds are made here, from whatever this machine's kernel prints (a file
# the kernel lacks is skipped), plus lines that stop at each field and a netlink reply.
sock_corpus=$build/corpus-sockstat
mkdir -p "$sock_corpus"
for f in tcp tcp6 snmp netstat sockstat; do
        cat "/proc/net/$f" >"$sock_corpus/proc-$f" 2>/dev/null || rm -f "$sock_corpus/proc-$f"
done
printf '  sl  local_address rem_address   st tx_queue\n   0: 0100007F:8000 0500000A:0050 06 00000000:00000000\n   1: 00000000:0016 00000000:0000 0A 0\n' \
        >"$sock_corpus/crafted-tcp"
printf '   0: 00000000000000000000000001000000:01BB 00000000000000000000000001000000:8001 01 0\n' >"$sock_corpus/crafted-tcp6"
printf '   0: 0100007F:80\n   1: 0100007F:8000 0500000A:0050 \n   2: 0000000000000000FFFF' >"$sock_corpus/crafted-cut"
printf 'TcpExt: SyncookiesSent ListenOverflows ListenDrops TCPReqQFullDrop TCPTimeWaitOverflow\nTcpExt: 1 2 3 4 5\nTcpExt' \
        >"$sock_corpus/crafted-netstat"
# An inet_diag reply (88 bytes: TIME_WAIT, 127.0.0.1:32768 to 10.0.0.5:80), then NLMSG_DONE.
{
        printf '\130\000\000\000\024\000\002\000\000\000\000\000\000\000\000\000'
        printf '\002\006\000\000\200\000\000\120\177\000\000\001\000\000\000\000\000\000\000\000\000\000\000\000'
        printf '\012\000\000\005\000\000\000\000\000\000\000\000\000\000\000\000'
        printf '\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000'
        printf '\024\000\000\000\003\000\002\000\000\000\000\000\000\000\000\000\000\000\000\000'
} >"$sock_corpus/crafted-netlink"

# The sysctl.d fixtures and sysctl.conf seeds, for the boot parser and import; an empty root for
# both (their input stands in for one file, so nothing else is read).
conf_corpus=$build/corpus-conf
mkdir -p "$conf_corpus" "$build/empty-root"
find "$src/tests/data" -type f -name '*.conf' | while IFS= read -r f; do
        cp "$f" "$conf_corpus/$(printf '%s' "$f" | md5sum | cut -c1-16)"
done
printf 'net.ipv4.conf.all.rp_filter = 0\n/net/ipv4/conf/all/rp_filter = 1\nnet..ipv4.x = 1  # c\351\n-k\n- k = 1\nk = 2=3\n' \
        >"$conf_corpus/crafted-forms"
export TWTUNE_FUZZ_ROOT="$build/empty-root"

cd "$build"
# run_target NAME MAX_LEN CORPUS: the Done/stat:: lines and a verdict, or the whole log on a crash;
# returns the fuzzer's exit code.
run_target() {
        rc=0
        "./tests/fuzz/$1" -max_total_time="$secs" -max_len="$2" -timeout=5 -rss_limit_mb=1024 \
                -print_final_stats=1 -artifact_prefix="$build/$1-" "$3" >"$1.log" 2>&1 || rc=$?
        if [ "$rc" -ne 0 ]; then
                cat "$1.log"
                echo "fuzz: $1 FAILED (exit $rc); the crashing input is named above"
                return "$rc"
        fi
        grep -E '^(Done|stat::(number_of_executed_units|new_units_added|peak_rss_mb))' "$1.log"
        echo "fuzz: no crash in $secs s ($1)"
}
# All at once (a fuzzer is single-threaded; four share the two cores CI has, so the stage takes
# SECONDS as before); each reports when all are done.
run_target fuzz_profile 4096 "$corpus" >fuzz_profile.report 2>&1 &
p1=$!
# /proc/net/netstat is about 4 KiB on its own.
run_target fuzz_sockstat 16384 "$sock_corpus" >fuzz_sockstat.report 2>&1 &
p2=$!
run_target fuzz_boot 4096 "$conf_corpus" >fuzz_boot.report 2>&1 &
p3=$!
run_target fuzz_import 4096 "$conf_corpus" >fuzz_import.report 2>&1 &
p4=$!
failed=0
for p in "$p1" "$p2" "$p3" "$p4"; do
        wait "$p" || failed=1
done
cat fuzz_profile.report fuzz_sockstat.report fuzz_boot.report fuzz_import.report
exit "$failed"
