#!/bin/sh
# SPDX-License-Identifier: MIT
# Benchmark: twtune's apply path at scale against `sysctl -p` on the same keys: 20 per-interface
# keys on each of N veth interfaces (N pairs made, keys set on one side), so 20*N keys, most of
# them changing. Each measurement runs in fresh private network, mount and PID namespaces with a
# tmpfs over /etc/sysctl.d and /var/lib (the host's files and values are never touched). RUNS
# rounds (default 3), the tools taking turns in each, so that a load from other jobs falls on all of
# them; the median of each tool's wall time, CPU time (user + system, to the
# microsecond: steadier than the wall time on a shared machine) and peak RSS is shown. RATIO is twtune's over sysctl -p's.
#
# With BEFORE=OTHER_BUILD_DIR, each twtune row is also run with that build's twtune in the same
# rounds (rows marked "before"), so that two commits are compared in one sitting.
#
#   [RUNS=N] [BEFORE=DIR] tests/bench/apply_bench.sh [BUILD_DIR] [PAIRS]   (as root; PAIRS default 450: 9 000 keys)
set -eu
if [ "${1:-}" != --inner ]; then
        src=$(cd "$(dirname "$0")/../.." && pwd)
        build=$(cd "${1:-$src/build}" && pwd)
        pairs=${2:-450}
        work=$(mktemp -d)
        trap 'rm -rf "$work"' EXIT
        knobs="rp_filter accept_redirects log_martians send_redirects accept_source_route arp_ignore arp_announce
               arp_filter proxy_arp secure_redirects shared_media bootp_relay route_localnet src_valid_mark
               accept_local arp_accept arp_notify drop_gratuitous_arp drop_unicast_in_l2_multicast disable_xfrm"
        { echo "name: scale"; echo "sysctl:"; } >"$work/p.yaml"
        : >"$work/p.conf"
        i=0
        while [ $i -lt "$pairs" ]; do
                for k in $knobs; do
                        echo "  net.ipv4.conf.va$i.$k: 1" >>"$work/p.yaml"
                        echo "net.ipv4.conf.va$i.$k = 1" >>"$work/p.conf"
                done
                i=$((i + 1))
        done
        printf 'sysctl -p@sysctl -q -p p.conf\napply --no-persist@"$TWTUNE" apply --no-persist p.yaml\napply@"$TWTUNE" apply p.yaml\ndiff, nothing to change@"$TWTUNE" apply p.yaml >/dev/null; MEASURE "$TWTUNE" diff p.yaml\n' >"$work/tools"
        if [ -n "${BEFORE:-}" ]; then
                before=$(cd "$BEFORE" && pwd)
                grep -v '^sysctl' "$work/tools" | sed "s|^\([^@]*\)@|\1, before@|; s|\"\$TWTUNE\"|\"$before/twtune\"|g" >>"$work/tools"
        fi
        runs=${RUNS:-3}
        echo "== $pairs veth pairs, $(wc -l <"$work/p.conf") keys, median of $runs"
        round=0
        while [ $round -lt "$runs" ]; do
                t=0
                while IFS=@ read -r name cmd; do
                        out=$(cd "$work" && TWTUNE="$build/twtune" PAIRS=$pairs CMD=$cmd unshare -n -m -p --fork --mount-proc \
                                --propagation private sh "$src/tests/bench/apply_bench.sh" --inner)
                        echo "$out" >>"$work/ms.$t"
                        t=$((t + 1))
                done <"$work/tools"
                round=$((round + 1))
        done
        median() { cut -d' ' -f"$2" "$1" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
        ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b ? a / b : 0 }'; }
        printf '%-32s %8s %6s %8s %6s %12s %6s\n' TOOL "WALL MS" RATIO "CPU MS" RATIO "PEAK RSS KiB" RATIO
        t=0
        while IFS=@ read -r name cmd; do
                ms=$(median "$work/ms.$t" 1) kb=$(median "$work/ms.$t" 2) cpu=$(median "$work/ms.$t" 3)
                [ $t -gt 0 ] || { base_ms=$ms base_kb=$kb base_cpu=$cpu; }
                printf '%-32s %8s %6s %8s %6s %12s %6s\n' "$name" "$ms" "$(ratio "$ms" "$base_ms")" "$cpu" \
                        "$(ratio "$cpu" "$base_cpu")" "$kb" "$(ratio "$kb" "$base_kb")"
                t=$((t + 1))
        done <"$work/tools"
        exit 0
fi
# Inside: a private netns, tmpfs over the configuration and state directories.
mount -t tmpfs -o mode=0755 bench /etc/sysctl.d
mount -t tmpfs -o mode=0755 bench /var/lib
[ "$(findmnt -n -o SOURCE -T /etc/sysctl.d | tail -n 1)" = bench ] && [ "$(findmnt -n -o SOURCE -T /var/lib | tail -n 1)" = bench ] || exit 2
i=0
while [ $i -lt "$PAIRS" ]; do echo "link add va$i type veth peer name vb$i"; i=$((i + 1)); done | ip -batch - >/dev/null
# MEASURE CMD...: "WALL_MS PEAK_RSS_KIB CPU_MS" of one run. Peak RSS from GNU time; CPU from the
# rusage python's wait4 gets for time and the command it waited for, in microseconds (GNU time
# prints hundredths, too coarse for runs of a tenth of a second; time's own share is a millisecond).
MEASURE() {
        python3 -c '
import os, sys, time
t0 = time.monotonic()
pid = os.fork()
if pid == 0:
    fd = os.open(os.devnull, os.O_WRONLY)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    try:
        os.execvp("/usr/bin/time", ["/usr/bin/time", "-f", "%M", "-o", "rss"] + sys.argv[1:])
    finally:
        os._exit(127)
_, _, ru = os.wait4(pid, 0)
with open("rss") as f:
    kb = int(f.read().split()[-1])
print("%d %d %d" % ((time.monotonic() - t0) * 1000, kb, (ru.ru_utime + ru.ru_stime) * 1000))
' "$@"
}
case $CMD in
*MEASURE*) eval "$CMD" ;;
*) eval "MEASURE $CMD" ;;
esac
