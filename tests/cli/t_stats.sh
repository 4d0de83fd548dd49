# SPDX-License-Identifier: MIT
# stats on real sockets in a private network namespace: exact counts per state and family,
# netlink and /proc agree with each other and with ss, and the per-remote table is right.
. "$SRCDIR/tests/cli/lib.sh"
require_ns
: "${MKSOCKETS:?}"
cat >inner.sh <<'S'
mkfifo hold
"$MKSOCKETS" --lo-up --family both --listen 3 --established 5 --time-wait 40 --base-port 10000 <hold >ready 2>mk.err &
exec 3>hold
i=0; while ! grep -q ready ready 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
grep -q ready ready && ok "sockets created" || { not_ok "mksockets: $(cat mk.err)"; exit 1; }
t_ready=$(date +%s%N)
run --format json stats; expect_rc 0 "stats"
cp out netlink.json
expect_json '.source == "netlink"' "netlink is the default source"
expect_json '.states.LISTEN == {"ipv4": 3, "ipv6": 3, "total": 6}' "LISTEN: 3 per family"
expect_json '.states.ESTABLISHED == {"ipv4": 10, "ipv6": 10, "total": 20}' "ESTABLISHED: both ends of 5 pairs per family"
expect_json '.states.TIME_WAIT == {"ipv4": 40, "ipv6": 40, "total": 80}' "TIME_WAIT: 40 per family"
expect_json '.total == 106' "total"
run --format json stats --source proc; expect_rc 0 "stats from /proc"
expect_json '.source == "proc"' "proc source"
[ "$(jq -c .states out)" = "$(jq -c .states netlink.json)" ] && ok "netlink and /proc agree" || not_ok "netlink and /proc differ"
if command -v ss >/dev/null; then
        ss -tan | awk 'NR > 1 {++S[$1]} END {for (a in S) print a, S[a]}' | sort >ss.txt
        jq -r '.states | to_entries[] | select(.value.total > 0) | "\(.key) \(.value.total)"' netlink.json |
                sed 's/^ESTABLISHED/ESTAB/; s/^TIME_WAIT/TIME-WAIT/; s/^LISTEN/LISTEN/' | sort >tw.txt
        cmp -s ss.txt tw.txt && ok "counts equal to ss -tan | awk" || { not_ok "counts differ from ss"; diff ss.txt tw.txt; }
else
        skip_part "counts equal to ss -tan | awk" "ss is not installed" iproute2
fi
run --format json stats --by-remote 2; expect_rc 0 "--by-remote"
expect_json '.by_remote.time_wait | length == 2' "top 2"
# 40 TIME_WAIT per family over 3 listeners: 14, 13, 13; the first listener also has 2 of the 5 pairs.
expect_json '[.by_remote.time_wait[] | [.remote, .time_wait, .total]] | sort == [["127.0.0.1:10000", 14, 16], ["[::1]:10000", 14, 16]]' "remotes with most TIME_WAIT, one per family"
expect_json '[.by_remote.total[].total] == [16, 16]' "remotes with most sockets"
# Only the 10 established clients hold ports in the range; the TIME_WAIT clients bound 2000 and up.
expect_json '.ephemeral.in_use == 10 and .ephemeral.available == 28232 and .ephemeral.range == [32768, 60999]' "ephemeral ports in use"
run --format json stats --by-remote=1; expect_rc 0 "--by-remote=N"
expect_json '.by_remote.time_wait | length == 1' "top 1"
run stats; expect_rc 0 "text stats"
expect_out "TIME_WAIT           80   (IPv4 40, IPv6 40)" "the seed's STATE count line"
run stats --by-remote; expect_out "top 6 remote endpoints by TIME_WAIT" "text by-remote lists every remote up to 10"
run --format json stats --by-local 3; expect_rc 0 "--by-local"
# Listeners' accepted sides and the TIME_WAIT servers: 127.0.0.1:10000 has 14 TIME_WAIT + 2 pairs' server sides.
expect_json '.by_local.total[0] == {"local": "127.0.0.1:10000", "time_wait": 0, "total": 2, "listener": true} or (.by_local.total | map(.listener) | any)' "local endpoints, listeners marked"
age=$(( ($(date +%s%N) - t_ready) / 1000000 ))
expect_json ".time_wait_ages.newest_ms <= .time_wait_ages.oldest_ms and .time_wait_ages.oldest_ms > $age - 2000 and .time_wait_ages.oldest_ms < $age + 2000" "TIME_WAIT ages from the kernel's timers: made about $age ms ago"
run --format json stats --interval 0.2; expect_rc 0 "--interval"
expect_json '.interval.seconds == 0.2 and (.interval.per_second | has("ActiveOpens"))' "rates over the interval"
run stats --interval 0; expect_rc 2 "--interval 0 is refused"
run stats --explain; expect_rc 0 "--explain"
expect_out "TIME_WAIT" "explains TIME_WAIT"
expect_out "the side that closed first" "who holds it"
run --format json stats --explain
expect_json '[.explain[].state] | length == 11 and index("CLOSE_WAIT") != null' "every state in JSON"
run --format json advise; expect_rc 0 "advise on the real kernel"
expect_json '[.advice[].code] | index("no-problem") != null and index("port-capacity") != null' "80 TIME_WAIT over 6 remotes: no problem"
exec 3>&-
wait
S
in_ns inner.sh
# twtune(8) carries the same state table as stats --explain.
run --format json stats --explain
for st in $(jq -r '.explain[].state' out); do
        grep -qx ".It $st" "$SRCDIR/packaging/man/twtune.8" && ok "twtune(8) explains $st" || not_ok "twtune(8) lacks $st"
done
finish
