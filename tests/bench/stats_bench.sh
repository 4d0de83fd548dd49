#!/bin/sh
# SPDX-License-Identifier: MIT
# Benchmark: `twtune stats` against the peer tools, measured in the same run, on the same
# sockets. Everything happens in a private network namespace on loopback (the host's sockets and
# sysctls are not touched). Times are medians of RUNS runs; ratios are tool / twtune.
#
#   tests/bench/stats_bench.sh [BUILD_DIR] [COUNT...]     (as root; default counts 100000 500000)
#
# TIME_WAIT lasts 60 s, so each round creates its sockets and measures at once, and checks that
# every tool counted the same number.
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$src/build}" && pwd)
[ $# -gt 0 ] && shift
counts=${*:-100000 500000}
RUNS=${RUNS:-5}
export TWTUNE="$build/twtune" MKSOCKETS="$build/tests/mksockets" RUNS
for tool in ss netstat awk /usr/bin/time; do
        command -v $tool >/dev/null || { echo "stats_bench: $tool is needed (apt-get install iproute2 net-tools time)"; exit 2; }
done

round() {
        n=$1
        cd "$(mktemp -d)"
        echo 4000000 >/proc/sys/net/ipv4/tcp_max_tw_buckets
        mkfifo hold
        t0=$(date +%s%N)
        "$MKSOCKETS" --lo-up --listen 10 --established 2000 --time-wait "$n" <hold >ready &
        exec 3>hold
        while ! grep -q ready ready 2>/dev/null; do sleep 0.05; done
        echo "== $n TIME_WAIT + 4000 ESTABLISHED + 10 LISTEN (created in $(( ($(date +%s%N) - t0) / 1000000 )) ms)"
        # name @ command; each prints its TIME_WAIT count somewhere in its output
        cat >tools <<'T'
twtune stats@"$TWTUNE" stats
twtune stats --by-remote@"$TWTUNE" stats --by-remote 10
twtune --format prometheus@"$TWTUNE" --format prometheus stats | sed -n 's/^twtune_tcp_sockets{state="time_wait",family="ipv4"} /TIME_WAIT /p'
ss -tan | awk@ss -tan | awk 'NR > 1 {++S[$1]} END {for (a in S) print a, S[a]}'
ss -s@ss -s
netstat -ant | awk@netstat -ant | awk '/^tcp/ {++S[$NF]} END {for (a in S) print a, S[a]}'
T
        printf '%-26s %10s %8s %12s %12s\n' TOOL "MEDIAN ms" RATIO "PEAK RSS KiB" TIME_WAIT
        base=
        while IFS='@' read -r name cmd; do
                times=
                i=0
                while [ $i -lt "$RUNS" ]; do
                        s=$(date +%s%N)
                        sh -c "$cmd" >out.txt 2>/dev/null
                        e=$(date +%s%N)
                        times="$times $(( (e - s) / 1000 ))"
                        i=$((i + 1))
                done
                med=$(echo $times | tr ' ' '\n' | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}')
                /usr/bin/time -o rss.txt -f '%M' sh -c "$cmd" >/dev/null 2>&1
                rss=$(tail -n 1 rss.txt) # the largest process of the pipeline
                # ss -s prints "timewait N" inside "TCP: ... (... timewait N/0)"
                tw=$(grep -oE '(TIME[-_]WAIT[ ]+[0-9]+|timewait [0-9]+)' out.txt | head -n 1 | grep -oE '[0-9]+$')
                [ -n "$base" ] || base=$med
                ratio=$(awk -v a="$med" -v b="$base" 'BEGIN {printf "%.2f", a / b}')
                printf '%-26s %10.1f %8s %12s %12s\n' "$name" "$(awk -v a="$med" 'BEGIN {print a / 1000}')" "$ratio" "$rss" "${tw:-?}"
                echo "$name $tw" >>counts
        done <tools
        if [ "$(awk '{print $NF}' counts | sort -u | wc -l)" -eq 1 ]; then
                echo "counts: every tool saw the same TIME_WAIT count"
        else
                echo "counts DIFFER (a socket may have expired between tools):"; cat counts
        fi
        exec 3>&-
        wait
}

for n in $counts; do
        unshare -n sh -c "$(typeset -f round 2>/dev/null || sed -n '/^round() {/,/^}/p' "$0"); round $n"
done
