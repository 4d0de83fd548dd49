# SPDX-License-Identifier: MIT
# The systemd units as installed: `systemd-analyze verify` on both, the exposure score of
# `systemd-analyze security` against the one the README records, and the service's command run
# on the real kernel under the hardening's constraints that can be reproduced without a running
# systemd (read-only /proc/sys and file system, no capabilities, a user namespace of its own,
# hidden processes, the system call filter and no sockets). Nothing is started on the host.
. "$SRCDIR/tests/cli/lib.sh"

build=$(dirname "$TWTUNE")
if [ ! -f "$build/CMakeCache.txt" ]; then
        not_ok "$build is not the CMake build directory of $TWTUNE"
        finish
fi
require_tools "systemd cmake" systemd-analyze cmake

# Install the build into a throwaway root, as a package would, and find the units there.
DESTDIR=$TMP/dest cmake --install "$build" >install.log 2>&1 && ok "cmake --install into a DESTDIR" \
        || { not_ok "cmake --install failed: $(tail -3 install.log)"; finish; }
unitdir=$(sed -n 's/^TWTUNE_SYSTEMDUNITDIR:PATH=//p' "$build/CMakeCache.txt")
prefix=$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$build/CMakeCache.txt")
UNIT=$TMP/dest$unitdir/twtune-verify.service
TIMER=$TMP/dest$unitdir/twtune-verify.timer
[ -f "$UNIT" ] && [ -f "$TIMER" ] && ok "both units installed into TWTUNE_SYSTEMDUNITDIR ($unitdir)" \
        || not_ok "units missing from $TMP/dest$unitdir"
exec_line=$(sed -n 's/^ExecStart=//p' "$UNIT")
exe=${exec_line%% *}
case $exe in
"$prefix"/*/twtune) ok "ExecStart names the binary below the install prefix ($exe)" ;;
*) not_ok "ExecStart '$exe' is not below $prefix" ;;
esac
grep -q '@[A-Z_]*@' "$UNIT" && not_ok "unreplaced @VARIABLE@ in the service" || ok "every @VARIABLE@ replaced"
[ -x "$TMP/dest$exe" ] && ok "ExecStart's binary is what cmake --install put there" \
        || not_ok "$TMP/dest$exe is not installed"

# systemd-analyze verify with --root: it loads the units with the root's unit directories and
# checks that ExecStart's binary exists inside the root. The units' dependencies (sysinit.target,
# timers.target) are the host's own unit files, copied beside them. Documentation= is checked
# when man can show the installed twtune(8).
cp -an /lib/systemd/system/. "$TMP/dest$unitdir/" 2>/dev/null
man_opt=--man=no
mandir=$TMP/dest$prefix/share/man
if command -v man >/dev/null && [ -f "$mandir/man8/twtune.8" ]; then
        man_opt=--man=yes
        export MANPATH=$mandir
else
        echo "# twtune(8) or man not available: Documentation= not checked"
fi
systemd-analyze verify $man_opt --root="$TMP/dest" "$UNIT" "$TIMER" >out 2>err
RC=$?
expect_rc 0 "systemd-analyze verify $man_opt on the service and the timer"
[ -s err ] && not_ok "systemd-analyze verify complained" || ok "systemd-analyze verify says nothing"
# ... and it does check what it is said to: without the binary the same command fails.
mv "$TMP/dest$exe" "$TMP/dest$exe.away"
systemd-analyze verify --man=no --root="$TMP/dest" "$UNIT" >out 2>err
RC=$?
[ "$RC" -ne 0 ] && grep -q "$exe is not executable" err && ok "verify fails when ExecStart's binary is missing" \
        || not_ok "verify did not notice the missing binary (exit $RC)"
mv "$TMP/dest$exe.away" "$TMP/dest$exe"

# The exposure score may not get worse than the one the README records.
systemd-analyze security --offline=yes "$UNIT" >security.out 2>&1
score=$(sed -n 's/.*Overall exposure level for twtune-verify.service: \([0-9.]*\) .*/\1/p' security.out)
recorded=$(sed -n 's/.*`systemd-analyze security` exposure level: \*\*\([0-9.]*\)\*\*.*/\1/p' "$SRCDIR/README.md")
if [ -z "$score" ] || [ -z "$recorded" ]; then
        not_ok "exposure level: measured '$score', README records '$recorded'"
elif awk -v s="$score" -v r="$recorded" 'BEGIN { exit !(s + 0 <= r + 0) }'; then
        ok "exposure level $score is no worse than the README's $recorded"
else
        not_ok "exposure level $score is worse than the README's $recorded"
        grep '✗' security.out | sed 's/^/#   /'
fi
# A directive the README's reasoning depends on, checked as the analyzer reads it.
grep -q '✓ PrivateUsers=' security.out && grep -q '✗ PrivateNetwork=' security.out \
        && ok "PrivateUsers= in effect, PrivateNetwork= deliberately off" \
        || not_ok "PrivateUsers/PrivateNetwork not as documented"

# The allowed system calls: the service's SystemCallFilter= lines, expanded by systemd itself.
expand() { # expand @GROUP|NAME...: system call names, groups expanded recursively
        for n; do
                case $n in
                @*) systemd-analyze syscall-filter --no-pager "$n" | sed -n 's/^ \{1,\}\([a-z0-9_@-]*\)$/\1/p' |
                        while read -r m; do expand "$m"; done ;;
                *) echo "$n" ;;
                esac
        done
}
allow=$(sed -n 's/^SystemCallFilter=\([^~].*\)/\1/p' "$UNIT")
deny=$(sed -n 's/^SystemCallFilter=~//p' "$UNIT")
# shellcheck disable=SC2086
expand $allow | sort -u >allowed.all
# shellcheck disable=SC2086
expand $deny | sort -u >denied
comm -23 allowed.all denied >allowed
[ "$(wc -l <allowed)" -gt 100 ] && grep -qx flock allowed && ! grep -qx setuid allowed \
        && ok "filter expanded: $(wc -l <allowed) calls allowed, flock in, setuid out" \
        || not_ok "could not expand the SystemCallFilter lines ($(wc -l <allowed) calls)"

require_ns
host_before=$(host_state)
export UNIT ALLOWED="$TMP/allowed" DEST="$TMP/dest"
cat >confined.sh <<'S'
F=/etc/sysctl.d/99-twtune.conf
set -- $(sed -n 's/^ExecStart=//p' "$UNIT")
exe=$DEST$1
shift
VERIFY_ARGS=$*
# confined CMD...: CMD as the service would run it, as far as that can be reproduced here:
# ProtectSystem=strict (/etc, /usr, /var/lib read-only), ProtectKernelTunables (/proc/sys
# read-only), ProtectProc=invisible (a proc mount with hidepid=invisible), PrivateUsers (a user
# namespace mapping only root), CapabilityBoundingSet= and NoNewPrivileges (setpriv).
confined() {
        unshare -m --propagation private sh -c '
                mount -t proc -o hidepid=invisible proc /proc &&
                mount --bind /proc/sys /proc/sys && mount -o remount,bind,ro /proc/sys &&
                mount --rbind /etc /etc && mount -o remount,bind,ro /etc && mount -o remount,bind,ro /etc/sysctl.d &&
                mount --rbind /usr /usr && mount -o remount,bind,ro /usr &&
                mount --bind /var/lib /var/lib && mount -o remount,bind,ro /var/lib || exit 90
                exec unshare -U -r setpriv --no-new-privs --bounding-set -all --inh-caps -all --ambient-caps -all "$@"' sh "$@"
}
# vrun [TRACE]: the service's command, confined, output in ./out; TRACE: also its system calls.
vrun() {
        if [ -n "${1:-}" ]; then
                # LeakSanitizer cannot run under ptrace (an ASan build in CI); the untraced runs check leaks.
                ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
                        confined strace -f -qq -o "$1" "$exe" $VERIFY_ARGS >out 2>err
                RC=$?
                # strace exits 1 when it cannot start the command: not a drift.
                grep -q '^[0-9]* *execve(.*) = 0$' "$1" 2>/dev/null || RC=127
                return
        else
                confined ${TWTUNE_WRAPPER:-} "$exe" $VERIFY_ARGS >out 2>err
        fi
        RC=$?
}
cond() { # the unit's Condition lines, evaluated here by systemd's own code
        sed -n 's/^\(Condition[A-Za-z]*=.*\)/\1/p' "$UNIT" | tr '\n' '\0' | xargs -0 systemd-analyze condition >/dev/null 2>&1
}

# What confined() reproduces is what the unit says.
for d in ProtectSystem=strict ProtectKernelTunables=yes ProtectProc=invisible PrivateUsers=yes CapabilityBoundingSet= \
        NoNewPrivileges=yes; do
        grep -qx "$d" "$UNIT" && ok "the unit has $d, reproduced here" || not_ok "the unit lacks $d, which this test reproduces"
done
# The confinement is real: no write to /proc/sys or the state, PID 1's namespace out of reach
# (the mount has hidepid=invisible, yet PID 1 stays listed here: the ptrace check on its ns link
# is what denies it), no capability.
confined sh -c 'echo 1 >/proc/sys/net/ipv4/tcp_syncookies' 2>/dev/null && not_ok "confined: /proc/sys writable" \
        || ok "confined: /proc/sys is read-only"
mkdir -p /var/lib/twtune
confined sh -c ': >/var/lib/twtune/probe' 2>/dev/null && not_ok "confined: /var/lib writable" || ok "confined: /var/lib is read-only"
rmdir /var/lib/twtune
confined sh -c 'stat -L /proc/1/ns/net' >/dev/null 2>&1 && not_ok "confined: PID 1's network namespace readable" \
        || ok "confined: PID 1's network namespace cannot be read"
[ "$(confined grep '^CapEff' /proc/self/status | tr -d ' \t')" = "CapEff:0000000000000000" ] \
        && ok "confined: no effective capability" || not_ok "confined: capabilities left"

# A fresh install: the timer may fire before any apply.
cond && not_ok "conditions met with no /var/lib/twtune" || ok "fresh install: the unit's conditions skip it"
vrun; expect_rc 0 "fresh install: the command itself succeeds too"
expect_out "no generation applied" "and says there is nothing to verify"

run apply "$SRCDIR/profiles/web-server.yaml"; expect_rc 0 "apply web-server (unconfined, as an administrator)"
cond && ok "after an apply the conditions let it run" || not_ok "conditions unmet after an apply"
vrun trace.sync; expect_rc 0 "in sync: the service succeeds (read-only /proc/sys, state and sysctl.d; no capability)"
expect_out "no drift: 6 keys and the persisted file match web-server" "in sync: one summary line"

echo 33 >/proc/sys/net/ipv4/tcp_keepalive_time
vrun trace.drift; expect_rc 1 "a manual write: the service fails"
grep -Eq '^net\.ipv4\.tcp_keepalive_time +33 +1200 +drift$' out && ok "the journal names the key, live and wanted values" \
        || not_ok "drift row"
expect_out "KEY" "with the column names"
echo 1200 >/proc/sys/net/ipv4/tcp_keepalive_time

echo 'net.core.somaxconn = 1024' >/etc/sysctl.d/zz-late.conf
vrun trace.boot; expect_rc 1 "--boot: a later sysctl.d file would undo a value at boot: the service fails"
expect_out "zz-late.conf" "and names the file that wins"
rm /etc/sysctl.d/zz-late.conf

cp $F saved.conf
echo 'net.ipv4.tcp_rfc1337 = 0' >>$F
vrun; expect_rc 1 "an edited persisted file: the service fails"
expect_out "$F is modified" "and says so"
cp saved.conf $F
vrun; expect_rc 0 "back in sync"

# Only a journal (a first apply that crashed): the unit still runs.
mv /var/lib/twtune/generations/1 gen1
: >/var/lib/twtune/journal
cond && ok "a journal alone lets it run" || not_ok "conditions unmet with a journal"
rm /var/lib/twtune/journal
cond && not_ok "conditions met with an empty generations/" || ok "an empty generations/ skips it"
mv gen1 /var/lib/twtune/generations/1

# Every system call the command made is one the filter allows, and it opened no socket, which
# RestrictAddressFamilies=none requires.
cat trace.sync trace.drift trace.boot | sed -n 's/^[0-9]* \{1,\}\([a-z0-9_]*\)(.*/\1/p' | sort -u >used
[ "$(wc -l <used)" -gt 10 ] && grep -qx flock used && ok "traced $(wc -l <used) distinct system calls, flock among them" \
        || not_ok "strace saw too little: $(tr '\n' ' ' <used)"
outside=$(comm -23 used "$ALLOWED" | tr '\n' ' ')
[ -z "$outside" ] && ok "every call is allowed by SystemCallFilter=" || not_ok "calls the filter denies: $outside"
grep -q '^RestrictAddressFamilies=none$' "$UNIT" && ! grep -qx socket used \
        && ok "no socket opened, as RestrictAddressFamilies=none requires" || not_ok "socket use and RestrictAddressFamilies disagree"
S
in_ns confined.sh
[ "$(host_state)" = "$host_before" ] && ok "host sysctls and files unchanged" || not_ok "host state changed"
finish
