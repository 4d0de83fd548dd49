# SPDX-License-Identifier: MIT
# Many applies of two profiles at once: the lock serialises them, the end state is exactly one
# of the two, live values and the persisted file agree, and history is consistent.
. "$SRCDIR/tests/cli/lib.sh"
require_ns
host_before=$(host_state)
printf 'name: a\nsysctl:\n  net.ipv4.tcp_fin_timeout: 31\n  net.ipv4.tcp_keepalive_time: 1001\n  net.core.somaxconn: 5001\n' >a.yaml
printf 'name: b\nsysctl:\n  net.ipv4.tcp_fin_timeout: 32\n  net.ipv4.tcp_keepalive_time: 1002\n  net.core.somaxconn: 5002\n' >b.yaml
cat >race.sh <<'S'
pids=
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16; do
        p=a; [ $((i % 2)) -eq 0 ] && p=b
        "$TWTUNE" apply --wait 120 $p.yaml >/dev/null 2>err.$i &
        pids="$pids $!"
done
failed=0
for pid in $pids; do wait $pid || failed=$((failed + 1)); done
[ $failed -eq 0 ] && ok "all 16 concurrent applies succeeded" || not_ok "$failed applies failed"
v=$(cat /proc/sys/net/ipv4/tcp_fin_timeout /proc/sys/net/ipv4/tcp_keepalive_time /proc/sys/net/core/somaxconn | tr '\n' ' ')
case "$v" in "31 1001 5001 " | "32 1002 5002 ") ok "end state is exactly one profile ($v)" ;; *) not_ok "mixed end state: $v" ;; esac
run verify; expect_rc 0 "live values and file agree with the last generation"
run --format json history; expect_rc 0 "history readable"
k=$(jq '.generations | length' out)
expect_json '[.generations[].generation] == [range(1; (.generations | length) + 1)]' "generations numbered 1..$k without gaps"
last=$(jq -r '.generations[-1].profile' out)
grep -qx "# profile: $last" /etc/sysctl.d/99-twtune.conf && ok "file header names the last generation's profile ($last)" || not_ok "file and history disagree"
[ "$k" -ge 2 ] && ok "$k generations recorded" || not_ok "only $k generations"
[ ! -e /var/lib/twtune/journal ] && ok "no journal left" || not_ok "journal left"
S
in_ns race.sh
[ "$(host_state)" = "$host_before" ] && ok "host untouched" || not_ok "the host changed"
finish
