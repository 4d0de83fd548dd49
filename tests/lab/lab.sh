#!/bin/sh
# SPDX-License-Identifier: MIT
# The TIME_WAIT lab: what short connections do to a host, measured, and what `twtune advise` says
# at that moment. Root; everything runs in private namespaces (a client and a server network
# namespace per scenario, joined by a veth pair, or one namespace on loopback), and only the
# per-network-namespace sysctls of those namespaces are written.
#
#   tests/lab/lab.sh [--short] [--out DIR] [SCENARIO...]    (default: every scenario)
#
# Needs TWTUNE (the binary) and TWLOAD (tests/lab/twload.c built), or a build/ directory beside.
# Per scenario, DIR/NAME/ receives load.tsv (twload's per-second lines), states.tsv (per second:
# TIME_WAIT on each side, ports held), counters.txt (the /proc/net/netstat and snmp counters that
# moved), advise.json and advise.txt (advise at the moment of the problem), and plot.png (with
# gnuplot); DIR/summary.md holds one table row per scenario. --short runs the CI form: fewer
# seconds, no plots unless gnuplot is there.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
: "${TWTUNE:=$src/build/twtune}"
: "${TWLOAD:=$src/build/tests/twload}"
export TWTUNE TWLOAD

if [ -z "${LAB_INNER:-}" ]; then
        [ "$(id -u)" = 0 ] || { echo "lab.sh: run as root (it only uses private namespaces)" >&2; exit 2; }
        # New network, mount and PID namespaces; tmpfs over the places twtune could write.
        exec unshare -n -m -p --fork --mount-proc env LAB_INNER=1 sh -c \
                'mount -t tmpfs -o mode=0755 tmpfs /etc/sysctl.d && mount -t tmpfs -o mode=0755 tmpfs /var/lib &&
                 exec sh "$0" "$@"' "$0" "$@"
fi
# From here on: PID 1 of a private PID namespace, in a network namespace of our own.
[ "$$" = 1 ] || { echo "lab.sh: not in a private PID namespace" >&2; exit 2; }

short=
out=$PWD/lab-out
while [ $# -gt 0 ]; do
        case $1 in
        --short) short=1; shift ;;
        --out) out=$2; shift 2 ;;
        *) break ;;
        esac
done
mkdir -p "$out"
short_set="exhaust-wide-reuse0 exhaust-narrow-reuse0 exhaust-narrow-reuse1 exhaust-narrow-reuse2-lo exhaust-narrow-reuse1-nots server-close accept-overflow tw-buckets fin-wait2"
[ -z "$short" ] || [ $# -gt 0 ] || set -- $short_set
scenarios=${*:-"exhaust-narrow-reuse0-long exhaust-wide-reuse0 exhaust-narrow-reuse0 exhaust-narrow-reuse1 exhaust-narrow-reuse2-veth exhaust-narrow-reuse2-lo exhaust-narrow-reuse1-nots exhaust-mid-reuse0 exhaust-wide-reuse2-lo server-close accept-overflow tw-buckets fin-wait2"}

C() { nsenter -t "$cpid" -n "$@"; }
S() { nsenter -t "$spid" -n "$@"; }
# csys KEY VALUE / ssys: a per-network-namespace sysctl of the client / server namespace.
csys() { C sh -c "echo '$2' >/proc/sys/$(echo "$1" | tr . /)"; }
ssys() { S sh -c "echo '$2' >/proc/sys/$(echo "$1" | tr . /)"; }

# Two fresh namespaces (client, server) joined by a veth pair 10.23.0.2 -> 10.23.0.1, or, with
# "lo", one namespace where the client connects to 127.0.0.1.
setup() {
        unshare -n sleep 3600 &
        cpid=$!
        if [ "$1" = lo ]; then
                spid=$cpid
                dst=127.0.0.1
        else
                unshare -n sleep 3600 &
                spid=$!
                dst=10.23.0.1
        fi
        sleep 0.2
        C ip link set lo up
        S ip link set lo up
        if [ "$1" != lo ]; then
                S ip link add vs type veth peer name vc netns "$cpid"
                S ip addr add 10.23.0.1/24 dev vs
                S ip link set vs up
                C ip addr add 10.23.0.2/24 dev vc
                C ip link set vc up
        fi
}
teardown() {
        kill "$cpid" 2>/dev/null || true
        [ "$spid" = "$cpid" ] || kill "$spid" 2>/dev/null || true
        wait 2>/dev/null || true
}

# counters NS FILE: "Section:Name value" per line from /proc/net/netstat and /proc/net/snmp.
counters() {
        $1 cat /proc/net/netstat /proc/net/snmp | awk '
                { if (!($1 in names)) { names[$1] = $0; next }
                  n = split(names[$1], k); split($0, v)
                  for (i = 2; i <= n; i++) print $1 k[i], v[i]
                  delete names[$1] }' >"$2"
}
# moved BEFORE AFTER: the counters that changed, with their delta.
moved() {
        awk 'NR == FNR { b[$1] = $2; next } ($1 in b) && $2 != b[$1] && $2 ~ /^[0-9]+$/ { printf "%s %+d\n", $1, $2 - b[$1] }' "$1" "$2"
}

# sample NS SECONDS FILE: per second, "t time_wait established ports_in_use" of one namespace.
sample() {
        t=0
        while [ "$t" -lt "$2" ]; do
                $1 "$TWTUNE" --format json stats 2>/dev/null |
                        jq -r --arg t "$t" '"\($t) \(.states.TIME_WAIT.total) \(.states.ESTABLISHED.total) \(.ephemeral.in_use // 0) \(.states.FIN_WAIT2.total) \(.states.CLOSE_WAIT.total)"' >>"$3" || true
                sleep 1
                t=$((t + 1))
        done
}

# scenario NAME: sets the topology, sysctls, load and when advise runs (seconds after the start).
run_scenario() {
        name=$1
        d=$out/$name
        rm -rf "$d"
        mkdir -p "$d"
        topo=veth range="32768 60999" reuse=0 ts=1 twb= close=client rate=0 par=1 count=1000000
        secs=12 at=8 backlog=4096 delay=0 where=client iv= sclose= fin=
        case $name in
        exhaust-wide-reuse0) secs=12 at=8 ;;
        exhaust-narrow-reuse0-long) range="40000 41999" rate=400 secs=95 at=90 ;;
        exhaust-wide-reuse2-lo) topo=lo reuse=2 secs=8 at=5 ;;
        exhaust-mid-reuse0) range="40000 47999" ;;
        exhaust-narrow-reuse0) range="40000 41999" rate=400 ;;
        exhaust-narrow-reuse1) range="40000 41999" rate=400 reuse=1 ;;
        exhaust-narrow-reuse1-nots) range="40000 41999" rate=400 reuse=1 ts=0 ;;
        exhaust-narrow-reuse2-veth) range="40000 41999" rate=400 reuse=2 ;;
        exhaust-narrow-reuse2-lo) topo=lo range="40000 41999" rate=400 reuse=2 ;;
        server-close) close=server rate=400 where=server ;;
        accept-overflow) backlog=8 delay=20 par=200 count=600 secs=10 at=2 where=server iv="--interval 1" ;;
        tw-buckets) range="40000 41999" rate=400 twb=1000 ;;
        fin-wait2) sclose=never rate=400 fin=5 ;;
        *) echo "lab.sh: no scenario $name" >&2; return 2 ;;
        esac
        if [ -n "$short" ]; then
                secs=$((secs * 2 / 3))
                [ "$at" -le $((secs - 2)) ] || at=$((secs - 2))
        fi
        setup $topo
        for x in "$cpid" "$spid"; do
                nsenter -t "$x" -n sh -c "echo '$range' >/proc/sys/net/ipv4/ip_local_port_range
                        echo $reuse >/proc/sys/net/ipv4/tcp_tw_reuse; echo $ts >/proc/sys/net/ipv4/tcp_timestamps"
        done
        [ -z "$twb" ] || csys net.ipv4.tcp_max_tw_buckets "$twb"
        [ -z "$fin" ] || csys net.ipv4.tcp_fin_timeout "$fin"
        {
                echo "kernel $(uname -r), $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
                echo "topology $topo, destination $dst:8080, ip_local_port_range $range, tcp_tw_reuse $reuse, tcp_timestamps $ts${twb:+, tcp_max_tw_buckets $twb}${fin:+, client tcp_fin_timeout $fin}"
                echo "load: close=$close${sclose:+ (server: $sclose)} rate=$rate parallel=$par count=$count seconds=$secs; server backlog=$backlog accept-delay=${delay}ms; advise in the $where namespace at ${at}s"
        } >"$d/setup.txt"
        counters C "$d/c.before"
        counters S "$d/s.before"
        S "$TWLOAD" --server 8080 --backlog "$backlog" --accept-delay-ms "$delay" --close "${sclose:-$close}" \
                --seconds $((secs + 5)) >"$d/server.out" 2>&1 &
        srv=$!
        sleep 0.3
        C "$TWLOAD" --client "$dst" 8080 --count "$count" --seconds "$secs" --rate "$rate" --parallel "$par" \
                --close "$close" --timeout-ms 8000 >"$d/load.tsv" 2>"$d/load.err" &
        cli=$!
        sample C "$secs" "$d/states.c" &
        smp1=$!
        sample S "$secs" "$d/states.s" &
        smp2=$!
        sleep "$at"
        A() { if [ "$where" = client ]; then C "$@"; else S "$@"; fi; }
        A "$TWTUNE" --format json advise $iv >"$d/advise.json" 2>"$d/advise.err" || true
        A "$TWTUNE" advise >"$d/advise.txt" 2>&1 || true
        # TWTUNE_BEFORE: another twtune (an older build) asked at the same moment, for comparison.
        [ -z "${TWTUNE_BEFORE:-}" ] || A "$TWTUNE_BEFORE" --format json advise >"$d/advise.before.json" 2>/dev/null || true
        A "$TWTUNE" --format json stats --by-local 5 >"$d/stats.json" 2>/dev/null || true
        # Where both sides have something to say, the server's view too.
        [ -z "$sclose" ] || S "$TWTUNE" --format json advise >"$d/advise.server.json" 2>/dev/null || true
        wait "$cli" || true
        wait "$smp1" "$smp2" || true
        # Once the load is over and the counters rest (the server's SYN-ACK retransmissions go on
        # overflowing the queue for some seconds after the client is done), what is left are
        # traces, which advise over an interval must call so.
        if [ -n "$iv" ]; then
                last=-1 still=0 i=0
                while [ $still -lt 2 ] && [ $i -lt 30 ]; do
                        now=$(A cat /proc/net/netstat | awk '/^TcpExt:/ {if (!h) {for (k = 2; k <= NF; k++) if ($k == "ListenOverflows") c = k; h = 1} else print $c}')
                        if [ "$now" = "$last" ]; then still=$((still + 1)); else still=0; fi
                        last=$now
                        sleep 1
                        i=$((i + 1))
                done
                echo "counters at rest after $i s" >>"$d/setup.txt"
                A "$TWTUNE" --format json advise $iv >"$d/advise.after.json" 2>/dev/null || true
        fi
        counters C "$d/c.after"
        counters S "$d/s.after"
        kill "$srv" 2>/dev/null || true
        wait "$srv" 2>/dev/null || true
        { echo "# client"; moved "$d/c.before" "$d/c.after"; echo "# server"; moved "$d/s.before" "$d/s.after"; } >"$d/counters.txt"
        # second, TIME_WAIT client and server, client ports in use, client FIN_WAIT2, server CLOSE_WAIT
        paste -d' ' "$d/states.c" "$d/states.s" 2>/dev/null | awk '{print $1, $2, $8, $4, $5, $12}' >"$d/states.tsv" || true
        rm -f "$d/c.before" "$d/c.after" "$d/s.before" "$d/s.after" "$d/states.c" "$d/states.s"
        teardown
        summarize "$name" "$d"
        sh "$here/plot.sh" "$name" "$d"
}

# Values one a line as "a/b/c", a run of equal ones as "v×n".
rle() { awk 'function out() { if (n) { printf "%s%s%s", sep, v, (n > 2 ? "×" n : (n == 2 ? "/" v : "")); sep = "/" } }
        NR == 1 || $1 != v { out(); v = $1; n = 1; next } { n++ } END { out() }'; }

# One markdown row: connections, failures by errno, rate before and after the first failure or
# slowdown, connect latency, the counters that moved, advise's codes.
summarize() {
        d=$2
        tot=$(grep '^total' "$d/load.tsv" || echo "total 0 0 0 0 0 0 0 0")
        errs=$(echo "$tot" | cut -d' ' -f10- | tr ' ' ',')
        rates=$(awk '$1 ~ /^[0-9]+$/ {print $3}' "$d/load.tsv" | rle)
        p50=$(awk '$1 ~ /^[0-9]+$/ {print $5}' "$d/load.tsv" | rle)
        hs99=$(echo "$tot" | awk '{print $9}')
        # (on loopback both sides are one namespace: each counter once)
        cnt=$(grep -E 'TW|Overflow|Drops|Recycled|Cookies|TCPTimeWait|ReqQ' "$d/counters.txt" | sort -u | tr '\n' ' ' || true)
        codes=$(jq -r '[.advice[] | select(.severity != "info" or .code == "no-problem") | .code] | join(", ")' "$d/advise.json" 2>/dev/null || echo "?")
        echo "| $1 | $(echo "$tot" | awk '{print $3 " ok, " $4 " failed"}') ${errs:+($errs)} | $rates | $p50 | $hs99 | $cnt | $codes |" >>"$out/summary.md"
}


# The assertions: advise's verdict against what the same run measured. "ok - ..." and
# "not ok - ..." lines, as the CLI tests print them.
pass() { echo "ok - $name: $1"; }
flunk() { echo "not ok - $name: $1"; lab_failed=1; }
expect() { if eval "$1"; then pass "$2"; else flunk "$2 [$1]"; fi; }
# code C [SEVERITY]: advise.json has the finding C (at that severity).
code() { jq -e --arg c "$1" --arg s "${2:-}" '[.advice[] | select(.code == $c and ($s == "" or .severity == $s))] | length > 0' "$d/advise.json" >/dev/null 2>&1; }
warnings() { jq '[.advice[] | select(.severity != "info")] | length' "$d/advise.json" 2>/dev/null || echo -1; }
supports() { jq -e --arg k "$1" '[.advice[].supports[] | select(.key == $k)] | length > 0' "$d/advise.json" >/dev/null 2>&1; }
not_supported_has() { jq -e --arg c "$1" --arg t "$2" '[.advice[] | select(.code == $c) | .not_supported // "" | contains($t)] | any' "$d/advise.json" >/dev/null 2>&1; }
msg() { jq -r --arg c "$1" '.advice[] | select(.code == $c) | .message' "$d/advise.json" 2>/dev/null; }
total_field() { awk -v f="$1" '$1 == "total" {print $f}' "$d/load.tsv"; }
errs() { grep '^total' "$d/load.tsv" | grep -o "$1=[0-9]*" | cut -d= -f2 || true; }
moved_by() { awk -v side="# $1" -v k="$2" '$0 == side {on = 1; next} /^#/ {on = 0} on && $1 == k {print $2 + 0}' "$d/counters.txt"; }
# within2 A B: A and B, both positive, within a factor 2 of each other.
within2() { awk -v a="$1" -v b="$2" 'BEGIN {exit !(a > 0 && b > 0 && a <= 2 * b && b <= 2 * a)}'; }
# The median connections a second of the generator's seconds FROM..TO (robust to one second
# that straddles a change of phase, as the clocks of twload and advise differ by a fraction).
median_ok() { awk -v f="$1" -v t="$2" '$1 ~ /^[0-9]+$/ && $1 >= f && $1 <= t {print $3}' "$d/load.tsv" | sort -n |
        awk '{v[NR] = $1} END {print NR ? v[int((NR + 1) / 2)] : 0}'; }
check() {
        d=$out/$name
        ok_n=$(total_field 3)
        eaddr=$(errs EADDRNOTAVAIL)
        eaddr=${eaddr:-0}
        case $name in
        exhaust-wide-reuse0|exhaust-mid-reuse0)
                # Whichever the run showed at the moment of advise: slow connects, or EADDRNOTAVAIL.
                first_fail=$(awk '$1 ~ /^[0-9]+$/ && $4 > 0 {print $1; exit}' "$d/load.tsv")
                p50_first=$(awk '$1 == 1 {print $5}' "$d/load.tsv")
                p50_slow=$(awk -v a="$at" '$1 ~ /^[0-9]+$/ && $1 >= 2 && $1 <= a && $5 > m {m = $5} END {print m + 0}' "$d/load.tsv")
                if [ -n "$first_fail" ] && [ "$first_fail" -le "$at" ]; then
                        expect 'code ephemeral-exhaustion warning' "EADDRNOTAVAIL from second $first_fail: advise says ephemeral-exhaustion"
                else
                        expect '[ "$eaddr" -eq 0 ] || [ "${first_fail:-99}" -gt "$at" ]' "no EADDRNOTAVAIL before advise ran"
                        expect '[ "$p50_slow" -ge $((p50_first * 10)) ]' "connect() p50 grew at least tenfold ($p50_first -> $p50_slow µs)"
                        expect 'code port-search-slow warning' "advise names the slow port search"
                        expect '! code ephemeral-exhaustion' "and does not predict EADDRNOTAVAIL as the symptom"
                        said=$(msg port-search-slow | grep -o 'about [0-9]* new connections a second' | grep -o '[0-9]*')
                        measured=$(median_ok $((at - 2)) "$at")
                        expect 'within2 "${said:-0}" "$measured"' "advise's rate ${said:-none}/s within 2x of the measured $measured/s"
                        echo "figure $name advise=${said:-none}/s measured=$measured/s" >>"$out/figures.txt"
                fi
                expect 'supports net.ipv4.tcp_tw_reuse' "supports tcp_tw_reuse=1"
                expect '! supports net.core.somaxconn && ! supports net.ipv4.tcp_max_tw_buckets' "and no unrelated change"
                expect 'not_supported_has port-search-slow tcp_max_tw_buckets || not_supported_has ephemeral-exhaustion tcp_max_tw_buckets' "says lowering tcp_max_tw_buckets is no fix" ;;
        exhaust-narrow-reuse0-long)
                # Once every port is held, connections get through only as ports leave TIME_WAIT,
                # 60 s after they were taken: over any 60 s after that, ports / 60 a second, the
                # figure advise gives (in bursts that replay the first minute).
                said=$(msg ephemeral-exhaustion | grep -o 'about [0-9]* new connections a second get through' | grep -o '[0-9]*')
                measured=$(awk -v e="$secs" '$1 ~ /^[0-9]+$/ && $1 > e - 60 && $1 <= e {s += $3} END {printf "%.0f", s / 60}' "$d/load.tsv")
                expect 'code ephemeral-exhaustion warning' "advise says ephemeral-exhaustion"
                expect 'within2 "${said:-0}" "$measured"' "advise's ${said:-?}/s within 2x of the measured $measured/s after 60 s"
                echo "figure $name advise=${said:-none}/s measured=$measured/s" >>"$out/figures.txt" ;;
        exhaust-narrow-reuse0|exhaust-narrow-reuse2-veth|exhaust-narrow-reuse1-nots)
                expect '[ "$eaddr" -gt 0 ]' "the run got EADDRNOTAVAIL ($eaddr)"
                expect 'code ephemeral-exhaustion warning' "advise says ephemeral-exhaustion"
                expect 'msg ephemeral-exhaustion | grep -q EADDRNOTAVAIL' "naming EADDRNOTAVAIL"
                ports=$(msg ephemeral-exhaustion | grep -o 'hold all [0-9]* ephemeral ports' | grep -o '[0-9]*')
                expect 'within2 "${ports:-0}" "$ok_n"' "its ${ports:-?} ports within 2x of the $ok_n connections made before the failures"
                if [ "$name" = exhaust-narrow-reuse1-nots ]; then
                        expect 'supports net.ipv4.tcp_timestamps' "supports tcp_timestamps=1, without which tcp_tw_reuse=1 does nothing"
                else
                        expect 'supports net.ipv4.tcp_tw_reuse' "supports tcp_tw_reuse=1"
                fi
                expect '! supports net.core.somaxconn' "and nothing unrelated" ;;
        exhaust-narrow-reuse1|exhaust-narrow-reuse2-lo|exhaust-wide-reuse2-lo)
                expect '[ "$eaddr" -eq 0 ] && [ "$(total_field 4)" -eq 0 ]' "no failure in the run"
                recycled=$(moved_by client TcpExt:TWRecycled)
                expect '[ "${recycled:-0}" -gt 0 ]' "TWRecycled counted the reuses (${recycled:-0})"
                expect '[ "$(warnings)" -eq 0 ]' "advise raises no alarm" ;;
        server-close)
                expect '[ "$(total_field 4)" -eq 0 ]' "no failure in the run"
                expect '[ "$(warnings)" -eq 0 ]' "advise on the server raises no alarm"
                top=$(jq -r '.by_local.time_wait[0].local // ""' "$d/stats.json" 2>/dev/null)
                expect '[ "$top" = "10.23.0.1:8080" ]' "stats --by-local puts the service 10.23.0.1:8080 first by TIME_WAIT ($top)" ;;
        accept-overflow)
                ov=$(moved_by server TcpExt:ListenOverflows)
                hs99=$(total_field 9)
                expect '[ "${ov:-0}" -gt 0 ]' "ListenOverflows moved (${ov:-0})"
                expect '[ "${hs99:-0}" -ge 900000 ]' "the handshake p99 is a SYN retransmission (${hs99:-0} µs)"
                expect 'code accept-queue-overflow warning' "advise says accept-queue-overflow"
                expect 'msg accept-queue-overflow | grep -q "backlog of 8"' "naming the application's backlog of 8"
                expect '! supports net.core.somaxconn' "and not supporting somaxconn, which is not the limit"
                expect 'not_supported_has accept-queue-overflow somaxconn' "saying so"
                expect 'msg accept-queue-overflow | grep -q "in the last 1 s"' "over --interval 1: the overflows of the last second"
                expect 'jq -e "[.advice[] | select(.code == \"accept-queue-overflow\" and .severity == \"info\" and (.message | contains(\"earlier, not now\")))] | length == 1" "$d/advise.after.json" >/dev/null' \
                        "after the burst, --interval 1 calls them traces from earlier, not a warning" ;;
        fin-wait2)
                # The server never closes: the client's closed sockets wait in FIN_WAIT2, orphans
                # that tcp_fin_timeout (5 s here) ends, and the server piles up CLOSE_WAIT.
                fw2=$(awk -v a="$at" '$1 == a - 1 {print $5}' "$d/states.tsv")
                cw=$(awk -v a="$at" '$1 == a - 1 {print $6}' "$d/states.tsv")
                expect '[ "$(total_field 4)" -eq 0 ]' "no failure in the run"
                expect 'within2 "${fw2:-0}" $((rate * fin))' "FIN_WAIT2 on the client levels at rate x tcp_fin_timeout (${fw2:-?} for $((rate * fin)))"
                expect '[ "${cw:-0}" -ge $((rate * (at - 2))) ]' "CLOSE_WAIT on the server only grows (${cw:-?} at ${at}s)"
                said=$(msg many-fin-wait2 | grep -o 'about [0-9]* new ones a second' | grep -o '[0-9]*')
                expect 'within2 "${said:-0}" "$rate"' "advise's ${said:-?} orphans a second within 2x of the $rate/s made"
                expect '[ "$(warnings)" -eq 0 ]' "no alarm on the client"
                expect 'jq -e "[.advice[] | select(.code == \"many-close-wait\" and .severity == \"warning\" and (.supports | length == 0))] | length == 1" "$d/advise.server.json" >/dev/null' \
                        "the server's advise: many-close-wait, a warning that supports no sysctl"
                echo "figure $name advise=${said:-none}/s measured=$rate/s" >>"$out/figures.txt" ;;
        tw-buckets)
                ov=$(moved_by client TcpExt:TCPTimeWaitOverflow)
                expect '[ "${ov:-0}" -gt 0 ]' "TCPTimeWaitOverflow moved (${ov:-0})"
                expect '[ "$eaddr" -eq 0 ]' "no EADDRNOTAVAIL: the sockets past the table skipped TIME_WAIT"
                expect 'code tw-bucket-overflow warning' "advise says tw-bucket-overflow"
                expect 'not_supported_has tw-bucket-overflow "lowering tcp_max_tw_buckets"' "and that lowering it is no fix"
                expect '! code ephemeral-exhaustion && ! code port-search-slow' "not port exhaustion" ;;
        esac
}

lab_failed=
[ -f "$out/summary.md" ] || {
        echo "| scenario | connections (failures by errno) | connected per second | connect() p50 µs per second | handshake p99 µs | counters that moved | advise |"
        echo "|---|---|---|---|---|---|---|"
} >"$out/summary.md"
for s in $scenarios; do
        echo "== $s"
        run_scenario "$s"
        cat "$out/$s/load.tsv"
        name=$s
        check
done
[ -z "$lab_failed" ]
