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

# An apply reads each key once, before its plan (see cmd_apply.c, lock_first). Whatever another
# transaction does between those reads and the plan's lock must show in what it writes: here it
# is stopped right after validation (TWTUNE_FAULT=stop:validated) while another apply commits,
# and a crashed transaction is undone under its lock. The oracle is the kernel's value after it.
if [ "${TWTUNE_FAULT_BUILT:-1}" = 1 ]; then
cat >stale.sh <<'S'
F=/proc/sys/net/ipv4/tcp_fin_timeout
for v in 41 42 43; do printf 'name: p%s\nsysctl:\n  net.ipv4.tcp_fin_timeout: %s\n' $v $v >p$v.yaml; done
# stopped_apply PROFILE: an apply stopped after validating (its pid in A), returning once stopped.
stopped_apply() {
        TWTUNE_FAULT=stop:validated "$TWTUNE" apply --wait 30 "$1" >a.out 2>a.err &
        A=$!
        i=0
        while [ "$(cut -d' ' -f3 /proc/$A/stat 2>/dev/null)" != T ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i + 1)); done
        [ $i -lt 400 ] || not_ok "the apply of $1 never stopped"
}
echo 41 >$F
[ ! -e /var/lib/twtune ] && ok "no state directory yet" || not_ok "a state directory already"
stopped_apply p41.yaml # reads 41: nothing to change, so far
"$TWTUNE" apply p42.yaml >/dev/null 2>&1 && [ "$(cat $F)" = 42 ] && ok "another apply commits 42 meanwhile" ||
        not_ok "the second apply failed"
kill -CONT $A
wait $A && [ "$(cat $F)" = 41 ] && ok "the first apply, continued, writes 41 over what it read before (first apply)" ||
        not_ok "first apply: live $(cat $F) after the apply of 41 (rc $?)"
"$TWTUNE" verify >/dev/null 2>&1 && ok "verify agrees" || not_ok "verify disagrees after the race"

stopped_apply p43.yaml # with a state directory: it holds the lock while it validates
"$TWTUNE" apply --wait 0 p42.yaml >b.out 2>&1
[ $? -ne 0 ] && grep -q 'lock is held by process' b.out && ok "a second apply meets the lock held from the first one's reads" ||
        not_ok "the second apply did not meet the lock: $(cat b.out)"
kill -CONT $A
wait $A && [ "$(cat $F)" = 43 ] && ok "the first apply then writes 43" || not_ok "live $(cat $F) after the apply of 43"

# A crash after writing 42 leaves the journal; the next apply reads 42 before its lock, and the
# recovery under the lock puts 43 back: the apply of 42 must then write it.
TWTUNE_FAULT=kill:3 "$TWTUNE" apply p42.yaml >/dev/null 2>&1
[ "$(cat $F)" = 42 ] && [ -e /var/lib/twtune/journal ] && ok "a crash leaves 42 and the journal" ||
        not_ok "crash setup: live $(cat $F), journal $(ls /var/lib/twtune)"
"$TWTUNE" apply p42.yaml >c.out 2>&1 && [ "$(cat $F)" = 42 ] && grep -q 'undid a transaction' c.out &&
        ok "the next apply undoes the crash, then writes 42 over the restored 43" || not_ok "after recovery: live $(cat $F): $(cat c.out)"
"$TWTUNE" verify >/dev/null 2>&1 && ok "verify agrees after the recovery" || not_ok "verify disagrees after the recovery"
S
in_ns stale.sh
fi
[ "$(host_state)" = "$host_before" ] && ok "host untouched" || not_ok "the host changed"
finish
