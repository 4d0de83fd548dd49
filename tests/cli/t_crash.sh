# SPDX-License-Identifier: MIT
# Kill twtune (SIGKILL) at every step of a multi-key apply on the real kernel; the next
# `twtune recover` must leave the namespace exactly as before the apply, or exactly as after it
# when the kill came after the commit point. Then the same while a failed apply is rolling back.
. "$SRCDIR/tests/cli/lib.sh"
require_fault_hook
require_ns
host_before=$(host_state)
cat >p.yaml <<'Y'
name: crash
sysctl:
  net.ipv4.tcp_fin_timeout: 31
  net.ipv4.tcp_keepalive_time: 1001
  net.core.somaxconn: 5001
  net.ipv4.ip_local_port_range: [20000, 50001]
Y
cat >dump.sh <<'S'
for k in net/ipv4/tcp_fin_timeout net/ipv4/tcp_keepalive_time net/core/somaxconn net/ipv4/ip_local_port_range; do
        printf '%s=%s\n' "$k" "$(tr '\t' ' ' </proc/sys/$k)"
done
if [ -e /etc/sysctl.d/99-twtune.conf ]; then sha256sum </etc/sysctl.d/99-twtune.conf; else echo no-file; fi
echo "generations: $(ls /var/lib/twtune/generations 2>/dev/null | tr '\n' ' ')"
S
printf '. ./dump.sh >before.txt\n' >before.sh
printf '"$TWTUNE" apply p.yaml >/dev/null && . ./dump.sh >after.txt\n' >clean.sh
in_ns before.sh
in_ns clean.sh
grep -q 'generations: 1 ' after.txt && ! cmp -s before.txt after.txt && ok "reference states recorded" || not_ok "reference states"

# kill.sh N [FAULTS]: apply with a kill at point N, then recover and dump.
cat >kill.sh <<'S'
n=$1
TWTUNE_FAULT="kill:$n${2:+,$2}" "$TWTUNE" apply p.yaml >/dev/null 2>&1
echo $? >rc.$n
if [ -e /var/lib/twtune/journal ]; then stat -c %a /var/lib/twtune/journal >journal.$n; fi
"$TWTUNE" recover >recover.out.$n 2>&1
echo $? >recover.$n
. ./dump.sh >state.$n
if [ -e /var/lib/twtune/generations/1 ]; then "$TWTUNE" verify >/dev/null 2>&1; echo $? >verify.$n; fi
S

for phase in plain rollback; do
        killed=0 committed=0 n=1
        faults=
        [ $phase = rollback ] && faults=fail:write:4 # the last key fails, then the rollback is killed
        while [ $n -le 40 ]; do
                rm -f rc.$n journal.$n recover.$n state.$n verify.$n
                in_ns kill.sh $n $faults >/dev/null
                rc=$(cat rc.$n)
                [ "$rc" -eq 137 ] || break # the apply finished before point n
                killed=$((killed + 1))
                [ "$(cat recover.$n)" -eq 0 ] || not_ok "$phase: recover after a kill at point $n: exit $(cat recover.$n)"
                [ ! -e journal.$n ] || [ "$(cat journal.$n)" = 600 ] || not_ok "$phase: journal mode $(cat journal.$n)"
                if [ $phase = plain ] && grep -q 'generations: 1 ' state.$n; then
                        committed=$((committed + 1))
                        cmp -s state.$n after.txt || not_ok "$phase: kill at $n after the commit point: state is not the applied one"
                        [ "$(cat verify.$n)" -eq 0 ] || not_ok "$phase: verify after a kill at $n"
                else
                        cmp -s state.$n before.txt || { not_ok "$phase: kill at point $n: state is neither before nor after"; diff before.txt state.$n; }
                fi
                n=$((n + 1))
        done
        if [ $phase = plain ]; then
                [ "$rc" -eq 0 ] && cmp -s state.$n after.txt && ok "plain: the run past the last point applies normally" || not_ok "plain: final run (exit $rc)"
                [ $killed -ge 13 ] && ok "plain: killed at each of $killed points (journal, 4 writes and read-backs, persist, generation, commit)" || not_ok "plain: only $killed kill points"
                [ $committed -ge 1 ] && ok "plain: $committed kill(s) after the commit point kept the applied state" || not_ok "plain: no kill after the commit point"
        else
                [ "$rc" -eq 4 ] && cmp -s state.$n before.txt && ok "rollback: the run past the last point rolls back (exit 4)" || not_ok "rollback: final run (exit $rc)"
                [ $killed -ge 10 ] && ok "rollback: killed at each of $killed points, mid-restore included" || not_ok "rollback: only $killed kill points"
        fi
        ok "$phase: every kill was followed by a recovery to a consistent state"
done
[ "$(host_state)" = "$host_before" ] && ok "host untouched" || not_ok "the host changed"
finish
