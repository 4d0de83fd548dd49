#!/bin/sh
# SPDX-License-Identifier: MIT
# Coverage of the running kernel's keys by the knowledge base, per prefix, in the host namespaces and
# in a fresh network namespace (read only): tools/kb_coverage.sh BUILD/tests/kbfacts [--min PERCENT]
# A key counts as known when a hand-written entry or the structural tier (kb/generated.h) covers it,
# interface keys through their IFACE patterns; "hand" counts the keys with a hand-written entry
# (meaning, hazards, history, sources). Prefixes: net.X, else the first component. With --min, exits 1 when either total is below PERCENT.
set -eu
kbfacts=${1:?usage: kb_coverage.sh KBFACTS [--min PERCENT]}
min=${3:-0}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kbcov.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
sysctl -aN 2>/dev/null | sort -u >"$tmp/host"
unshare -n sh -c 'sysctl -aN 2>/dev/null' | sort -u >"$tmp/netns"
status=0
for view in host netns; do
        "$kbfacts" --known <"$tmp/$view" >"$tmp/$view.known"
        echo "== $view ($( [ $view = host ] && echo 'host namespaces' || echo 'a fresh network namespace'))"
        awk -v min="$min" -v view="$view" '
        {
                split($2, c, ".")
                p = c[1] == "net" ? c[1] "." c[2] : c[1]
                total[p]++; all++
                if ($1 == "hand" || $1 == "gen") { known[p]++; k++ }
                if ($1 == "hand") { hand++; deep[p]++ }
                if ($1 != "hand" && $1 != "gen") missing[p] = missing[p] " " $2
        }
        END {
                n = 0
                for (p in total) order[++n] = p
                for (i = 2; i <= n; i++) for (j = i; j > 1 && order[j-1] > order[j]; j--) { t = order[j]; order[j] = order[j-1]; order[j-1] = t }
                printf "%-16s %6s %6s %8s %6s\n", "prefix", "keys", "known", "percent", "hand"
                for (i = 1; i <= n; i++) {
                        p = order[i]
                        printf "%-16s %6d %6d %7.1f%% %6d\n", p, total[p], known[p], 100 * known[p] / total[p], deep[p]
                }
                printf "%-16s %6d %6d %7.1f%% %6d\n", "total", all, k, all ? 100 * k / all : 0, hand
                for (i = 1; i <= n; i++) if (missing[order[i]] != "") printf "  unknown:%s\n", missing[order[i]]
                if (all && 100 * k / all < min) exit 1
        }' "$tmp/$view.known" || status=1
done
exit $status
