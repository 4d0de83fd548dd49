# SPDX-License-Identifier: MIT
# Failures on a fake root (--root): each failing step rolls back (exit 4), a failed restore is
# loud (exit 6) and `recover` finishes it, damaged journals and a held lock change nothing (exit 5),
# and a full disk on persist (a real ENOSPC on a tiny tmpfs) rolls the live values back.
. "$SRCDIR/tests/cli/lib.sh"
require_fault_hook
mkroot root
cat >p.yaml <<'Y'
sysctl:
  net.ipv4.tcp_fin_timeout: 31
  net.ipv4.tcp_keepalive_time: 1001
  net.core.somaxconn: 5001
Y
vals() { cat root/proc/sys/net/ipv4/tcp_fin_timeout root/proc/sys/net/ipv4/tcp_keepalive_time root/proc/sys/net/core/somaxconn | tr '\n' ' '; }
orig=$(vals)
F=root/etc/sysctl.d/99-twtune.conf
J=root/var/lib/twtune/journal

for k in 1 2 3; do
        TWTUNE_FAULT=fail:write:$k run --root root apply p.yaml; expect_rc 4 "failure at key $k: rolled back"
        [ "$(vals)" = "$orig" ] && [ ! -e $F ] && [ ! -e $J ] && ok "key $k: values, file and journal as before" || not_ok "key $k: state changed"
done
expect_err "net.core.somaxconn: Input/output error" "the failing key is named"
for point in persist generation; do
        TWTUNE_FAULT=fail:$point:1 run --root root apply p.yaml; expect_rc 4 "failure at $point: rolled back"
        [ "$(vals)" = "$orig" ] && [ ! -e $F ] && ok "$point: live values restored, no file" || not_ok "$point: state changed"
done
TWTUNE_FAULT=fail:journal:1 run --root root apply p.yaml; expect_rc 5 "journal failure: nothing changed"

TWTUNE_FAULT=fail:write:3,fail:restore:1 run --root root apply p.yaml; expect_rc 6 "failed restore"
expect_err "ROLLBACK FAILED; left changed: net.ipv4.tcp_keepalive_time" "names the key left changed"
expect_err "run 'twtune recover'" "says what to do"
[ -e $J ] && ok "journal kept" || not_ok "journal removed"
run --root root recover; expect_rc 0 "recover"
expect_err "undid a transaction interrupted earlier" "recover says what it did"
[ "$(vals)" = "$orig" ] && [ ! -e $J ] && ok "recover restored everything" || not_ok "recover left changes"

run --root root apply p.yaml; expect_rc 0 "apply"
applied=$(vals)
cp $F applied.conf
printf 'sysctl:\n  net.ipv4.tcp_fin_timeout: 40\n' >q.yaml
echo garbage >$J
run --root root apply q.yaml; expect_rc 5 "damaged journal"
expect_err "journal: damaged (bad format or checksum); nothing was changed" "clear error"
[ "$(vals)" = "$applied" ] && cmp -s $F applied.conf && ok "damaged journal: nothing changed" || not_ok "damaged journal changed something"
rm $J
TWTUNE_FAULT=kill:1 "$TWTUNE" --root root apply q.yaml >/dev/null 2>&1; rc=$?
[ $rc -eq 137 ] && [ -e $J ] && ok "killed after writing the journal" || not_ok "kill:1 (exit $rc)"
head -c 100 $J >j.part && cat j.part >$J
run --root root recover; expect_rc 5 "truncated journal: recover refuses"
run --root root apply q.yaml; expect_rc 5 "truncated journal: apply refuses"
[ "$(vals)" = "$applied" ] && cmp -s $F applied.conf && ok "truncated journal: nothing changed" || not_ok "truncated journal changed something"
rm $J

if command -v flock >/dev/null; then
        hold_lock root/var/lib/twtune/lock 2
        run --root root apply q.yaml; expect_rc 5 "lock held"
        expect_err "lock is held by another process" "names the lock, not the earlier apply's pid"
        run --root root apply --wait 10 q.yaml; expect_rc 0 "--wait outlasts the holder"
        wait
else
        skip_part "lock held" "flock is not installed" util-linux
fi
run --root root apply --wait nonsense q.yaml; expect_rc 2 "bad --wait"

if unshare -m true 2>/dev/null; then
        run --root root rollback --to 0
        orig2=$(vals)
        unshare -m sh -c 'mount -t tmpfs -o size=16k tmpfs root/etc/sysctl.d &&
                dd if=/dev/zero of=root/etc/sysctl.d/fill bs=1k count=64 2>/dev/null;
                "$TWTUNE" --root root apply p.yaml >out 2>err; echo $? >enospc.rc'
        RC=$(cat enospc.rc)
        expect_rc 4 "disk full on persist: rolled back"
        expect_err "No space left on device" "names ENOSPC"
        [ "$(vals)" = "$orig2" ] && ok "live values rolled back after ENOSPC" || not_ok "live values changed after ENOSPC"
else
        echo "# SKIP ENOSPC test: unshare -m refused"
fi
finish
