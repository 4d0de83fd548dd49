#!/bin/sh
# SPDX-License-Identifier: MIT
# Benchmark: `twtune boot` against the real systemd-sysctl and procps' `sysctl --system` on the same
# hierarchy, measured in the same run: one file of N distinct keys ("-net.ipv4.nonexistent_N = N",
# keys no kernel has, so every tool looks each up and writes nothing), for N = 10 000 and 100 000,
# and a file of 2 MiB. Everything runs in private network, mount and PID namespaces with a tmpfs
# over every sysctl.d directory and a private /etc/sysctl.conf (the host's files are never read or
# applied). Times are medians of RUNS runs; RATIO is twtune's time over the tool's.
#
#   tests/bench/boot_bench.sh [BUILD_DIR]      (as root)
set -eu
if [ "${1:-}" != --inner ]; then
        src=$(cd "$(dirname "$0")/../.." && pwd)
        build=$(cd "${1:-$src/build}" && pwd)
        export TWTUNE="$build/twtune" RUNS="${RUNS:-3}" BOOT_BENCH_NET="$(readlink /proc/self/ns/net)"
        exec unshare -n -m -p --fork --mount-proc --propagation private sh "$0" --inner
fi
die() { echo "boot_bench: $*" >&2; exit 2; }
[ $$ -eq 1 ] && [ "$(readlink /proc/self/ns/net)" != "$BOOT_BENCH_NET" ] || die "not in new namespaces"
SD=/lib/systemd/systemd-sysctl
[ -x $SD ] || SD=/usr/lib/systemd/systemd-sysctl
PS=$(PATH=/usr/sbin:/sbin:$PATH command -v sysctl)
work=$(mktemp -d)
mount -t tmpfs -o mode=0755 boot-bench /etc/sysctl.d
mount -t tmpfs -o mode=0755 boot-bench /usr/lib/sysctl.d
[ -d /run/sysctl.d ] && mount -t tmpfs -o mode=0755 boot-bench /run/sysctl.d
[ -d /usr/local/lib/sysctl.d ] && mount -t tmpfs -o mode=0755 boot-bench /usr/local/lib/sysctl.d
if [ -e /lib/sysctl.d ] && [ "$(readlink -f /lib/sysctl.d)" != "$(readlink -f /usr/lib/sysctl.d)" ]; then
        mount -t tmpfs -o mode=0755 boot-bench /lib/sysctl.d
fi
: >"$work/sysctl.conf"
[ -e /etc/sysctl.conf ] && mount --bind "$work/sysctl.conf" /etc/sysctl.conf
for d in /etc/sysctl.d /usr/lib/sysctl.d; do
        [ "$(findmnt -n -o SOURCE -T $d | tail -n 1)" = boot-bench ] || die "$d is not on the benchmark's tmpfs"
done

# ms CMD...: the median wall time of RUNS runs, in milliseconds.
ms() {
        i=0
        while [ $i -lt "$RUNS" ]; do
                t0=$(date +%s%N)
                "$@" >/dev/null 2>&1 || true
                echo $(( ($(date +%s%N) - t0) / 1000000 ))
                i=$((i + 1))
        done | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

printf '%-22s %10s %12s %12s %8s %12s %12s %8s\n' HIERARCHY BYTES SYSTEMD_MS TWTUNE_MS RATIO PROCPS_MS TWTUNE_MS RATIO
for case in 10000 100000 2MiB; do
        rm -f /etc/sysctl.d/*
        if [ $case = 2MiB ]; then
                awk 'BEGIN { n = 0; while (b < 2097152) { l = sprintf("-net.ipv4.nonexistent_%d = %d\n", n, n); b += length(l); n++; printf "%s", l } }' \
                        >/etc/sysctl.d/50-bench.conf
        else
                awk -v n=$case 'BEGIN { for (i = 0; i < n; i++) printf "-net.ipv4.nonexistent_%d = %d\n", i, i }' \
                        >/etc/sysctl.d/50-bench.conf
        fi
        bytes=$(wc -c </etc/sysctl.d/50-bench.conf)
        sd=$(ms "$SD")
        tw=$(ms "$TWTUNE" --format json boot --rules systemd)
        ps=$(ms "$PS" --system)
        tp=$(ms "$TWTUNE" --format json boot --rules procps)
        printf "%-22s %10s %12s %12s %8s %12s %12s %8s\n" "$case" "$bytes" "$sd" "$tw" \
                "$(awk -v a="$tw" -v b="$sd" 'BEGIN { printf "%.2f", a / (b ? b : 1) }')" "$ps" "$tp" \
                "$(awk -v a="$tp" -v b="$ps" 'BEGIN { printf "%.2f", a / (b ? b : 1) }')"
done
