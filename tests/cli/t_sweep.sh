# SPDX-License-Identifier: MIT
# Syscall-level fault sweep (strace fault injection) over a fake root (--root; the host is never
# touched). Scenarios: (a) apply-fresh: apply of a 4-key profile on a fresh root (first
# generation; creates the state directory and the file), (b) apply-over: apply of another profile
# over generation 1, (c) rollback: one step back, (d) rollback-to-0: rollback --to 0; and two for
# `recover` itself: (e) recover-committed: a journal left by a kill after the generation was
# recorded, (f) recover-midway: a journal left by a kill during the third key's write. Each is run
# once under `strace -f -o LOG` to count how often it makes each syscall; then, for every syscall
# NAME and every invocation N of it, it is rerun from a fresh copy of the same root with NAME
# failing with EIO at its Nth call (`inject=NAME:error=EIO:when=N`), and again with SIGKILL
# delivered at that call (`inject=NAME:signal=KILL:when=N`: the process dies before the call).
#
# After each run `twtune recover` (no injection) must exit 0 and the root must then be exactly one
# of the legal end states recorded beforehand: "before" (the scenario's starting root) or "after"
# (the root after a clean run); for (e) and (f) only the clean recover's result is legal. A state
# is: every file under proc/sys with its size and contents (compared as tokens), the bytes of
# etc/sysctl.d/99-twtune.conf or its absence, the names of the generation records, whether a
# journal is left, and the exit code of `twtune verify` when a generation exists (0 in every
# legal state).
#
# Rules, per injected run:
# - SIGKILL: the run must die of it (exit 137; the sequence is deterministic, so the Nth call is
#   reached); either end state is legal after recover: the crash may land on either side of the
#   commit point (the rename of the generation record).
# - EIO: the exit code must be a documented outcome of an I/O error (README "Exit codes"): apply
#   0, 3 (the profile could not be read), 4, 5, 6, 7; rollback 0, 4-7; recover 0, 5, 6, 7 (2, a
#   usage error, is not one). Exit 0 must end in "after" and a non-zero exit in "before" (after
#   recover). Exits 0, 4 and 5 also promise the state right away ("changed", "every change was
#   rolled back", "nothing was changed"), so before recover the live part (sysctls, the persisted
#   file, the generations; a left-over journal is allowed, recover drops it) must already be the
#   final state resp. the one the run started from. Exit 6 ("the rollback did not fully
#   succeed", journal kept) is legal when the following recover gets to "before". That recover
#   has no exit-4 path and must exit 0: without injection nothing on a plain-file root can
#   legitimately fail to restore (6), and the journal is written by write+fsync+rename, so a
#   damaged or unreadable one (5) would be a bug too. A failed write of the report after the work
#   is done is exit 7 ("the change is in effect, the report was lost"), held to exit 0's rules.
# - Skipped: (1) the start-up phase, every syscall before the first one that names the root
#   (the stat of --root): the dynamic loader and libc's initialisation, where an injected error
#   tests ld.so (it segfaults or exits 127), and twtune's option parsing; nothing under the root
#   can have been touched yet. It includes execve, the call that starts the program (an injected
#   failure means it never ran). (2) exit_group and exit: the process is already leaving; an
#   injected error only makes glibc retry, a kill is a normal exit with another status. (3) EIO
#   on brk: the kernel's brk never fails with an error code (it returns the unchanged break), so
#   glibc takes the injected -EIO for a new break and malloc crashes; the same for the other calls
#   that cannot fail (NOFAIL below); a KILL there is still tried.
#   Every other call, including malloc's mmap (ENOMEM paths), stdout and stderr, is swept.
#
# Each point runs from a `cp -a` of a template root; points are spread over $(nproc) (at most 4)
# workers. When TWTUNE_WRAPPER is set (CI's valgrind run) only every 10th point is tried (the
# injected run itself is not wrapped: strace would count and inject into the wrapper's own
# syscalls; recover, the code that handles what the injection left, runs under the wrapper);
# TWTUNE_SWEEP_STEP=N tries every Nth (CI's sanitizer run, where the plain run has tried them all).
. "$SRCDIR/tests/cli/lib.sh"

require_tools strace strace
# Probe once: can strace trace here (ptrace may be refused in a container), inject an error, and
# kill at a syscall?
strace -qq -o /dev/null -e trace=uname -e inject=uname:error=EIO uname >/dev/null 2>probe.err
probe_eio=$?
strace -qq -o /dev/null -e trace=uname -e inject=uname:signal=KILL uname >/dev/null 2>&1
probe_kill=$?
if [ $probe_eio -eq 0 ] || ! grep -q 'Input/output error' probe.err || [ $probe_kill -ne 137 ]; then
        echo "SKIP: strace cannot inject faults here (EIO probe exit $probe_eio, KILL probe exit $probe_kill)"
        sed 's/^/#   /' probe.err | head -5
        exit 77
fi

STEP=1
if [ -n "${TWTUNE_SWEEP_STEP:-}" ]; then
        STEP=$TWTUNE_SWEEP_STEP
        [ "$STEP" -ge 1 ] 2>/dev/null || { not_ok "TWTUNE_SWEEP_STEP=$STEP is not a whole number of at least 1"; finish; exit 1; }
elif [ -n "${TWTUNE_WRAPPER:-}" ]; then
        STEP=10
fi
[ "$STEP" -eq 1 ] || echo "# trying one injection point in $STEP (EIO at points 0, $STEP, $((2 * STEP))..., KILL at $((STEP / 2)), $((STEP + STEP / 2))...)"
JOBS=$(nproc 2>/dev/null || echo 2)
[ "$JOBS" -ge 1 ] 2>/dev/null || JOBS=2
[ "$JOBS" -le 4 ] || JOBS=4
SKIPPED="exit_group exit"
# Calls the kernel never fails: an injected error tests libc or the sanitizer runtime (ASan spins
# on a failing getpid), not twtune. A KILL at them is still tried.
NOFAIL=" brk getpid getppid gettid getuid geteuid getgid getegid getresuid getresgid umask sched_yield set_tid_address rt_sigreturn "
# A sanitizer runtime owns the memory map and dies on a failed mmap by design; the plain build
# still sweeps malloc's ENOMEM paths.
if ldd "$TWTUNE" 2>/dev/null | grep -q 'libasan\|libubsan'; then
        NOFAIL="$NOFAIL mmap munmap mremap mprotect madvise "
        echo "# sanitizer build: no EIO at mmap, munmap, mremap, mprotect, madvise (its runtime owns them)"
fi
# LeakSanitizer cannot run under ptrace: without this, a sanitizer build aborts at exit under strace.
NOLSAN="ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
# A bound on each injected run, so that a hang fails the point instead of the whole test; timeout
# kills its process group, strace and the traced twtune with it.
RUN_LIMIT=60

cat >a.yaml <<'Y'
name: sweep-a
sysctl:
  net.ipv4.tcp_fin_timeout: 31
  net.ipv4.tcp_keepalive_time: 1001
  net.core.somaxconn: 5001
  net.ipv4.ip_local_port_range: [20000, 50001]
Y
cat >b.yaml <<'Y'
name: sweep-b
sysctl:
  net.ipv4.tcp_fin_timeout: 45
  net.core.somaxconn: 6000
  net.ipv4.tcp_keepalive_intvl: 30
  net.ipv4.ip_local_port_range: [10000, 60001]
Y

# dump ROOT [verify]: the comparable state of a root. With "verify", `twtune verify`'s exit code
# is included when a generation exists.
dump() {
        # Values compare as tokens, as the kernel prints them (a fake root keeps what was written:
        # a restored port range has a space where the kernel would print a tab).
        (cd "$1/proc/sys" && find . -type f -printf 'size %P %s\n' && grep -r '' . | sed 's/[[:space:]][[:space:]]*/ /g') |
                LC_ALL=C sort
        f=$1/etc/sysctl.d/99-twtune.conf
        if [ -e "$f" ] || [ -L "$f" ]; then
                echo "conf: present, $(wc -c <"$f") bytes"
                sed 's/^/conf| /' "$f"
        else
                echo "conf: absent"
        fi
        gens=$(ls "$1/var/lib/twtune/generations" 2>/dev/null | grep -E '^[0-9]+$' | sort -n | tr '\n' ' ')
        echo "generations: ${gens:-none}"
        if [ "${2:-}" = verify ]; then
                if [ -e "$1/var/lib/twtune/journal" ]; then echo "journal: present"; else echo "journal: absent"; fi
                if [ -n "$gens" ]; then
                        "$TWTUNE" --root "$1" verify >/dev/null 2>&1 </dev/null
                        echo "verify: exit $?"
                fi
        fi
}

# The templates: tpl0 fresh, tpl1 after applying a.yaml, tpl2 after a.yaml then b.yaml.
top=$(pwd)
mkroot tpl0
cp -a tpl0 tpl1 && "$TWTUNE" --root tpl1 apply a.yaml >/dev/null 2>&1 || not_ok "setup: apply a.yaml"
cp -a tpl1 tpl2 && "$TWTUNE" --root tpl2 apply b.yaml >/dev/null 2>&1 || not_ok "setup: apply b.yaml"
# Two more for `recover`: an apply of b.yaml over tpl1 killed (by strace, at a syscall found in a
# traced run) once the generation is recorded but before the journal is dropped (tpl3), and
# while writing its third key, its file opened and truncated (tpl4).
rm -rf R && cp -a tpl1 R
env "$NOLSAN" strace -f -qq -y -o log.mk "$TWTUNE" --root R apply b.yaml >enum.out 2>enum.err </dev/null
sed 's/^[0-9]* *//' log.mk >calls.mk
n_unlink=$(grep '^unlinkat(' calls.mk | grep -n '"journal"' | head -1 | cut -d: -f1)
n_pwrite=$(grep '^pwrite64(' calls.mk | grep -n '/proc/sys/' | sed -n 3p | cut -d: -f1)
cp -a tpl1 tpl3
env "$NOLSAN" strace -f -qq -o /dev/null -e trace=unlinkat -e inject="unlinkat:signal=KILL:when=${n_unlink:-0}" \
        "$TWTUNE" --root tpl3 apply b.yaml >/dev/null 2>&1 </dev/null
[ $? -eq 137 ] && [ -e tpl3/var/lib/twtune/journal ] && [ -e tpl3/var/lib/twtune/generations/2 ] ||
        not_ok "setup: a journal left after the commit point (unlinkat #$n_unlink)"
cp -a tpl1 tpl4
env "$NOLSAN" strace -f -qq -o /dev/null -e trace=pwrite64 -e inject="pwrite64:signal=KILL:when=${n_pwrite:-0}" \
        "$TWTUNE" --root tpl4 apply b.yaml >/dev/null 2>&1 </dev/null
[ $? -eq 137 ] && [ -e tpl4/var/lib/twtune/journal ] && [ ! -e tpl4/var/lib/twtune/generations/2 ] ||
        not_ok "setup: a journal left in the middle of the writes (pwrite64 #$n_pwrite)"

# point SCEN TEMPLATE KIND NAME N ARGS...: one injected run, its recovery and the checks; prints
# nothing when the point passes, a "not ok" line and details when it does not.
point() {
        p_sc=$1 p_tpl=$2 kind=$3 name=$4 n=$5
        shift 5
        rm -rf R want
        cp -a "$p_tpl" R
        if [ "$kind" = eio ]; then inj="$name:error=EIO:when=$n"; else inj="$name:signal=KILL:when=$n"; fi
        timeout -s KILL $RUN_LIMIT env "$NOLSAN" strace -f -qq -y -o trace -e trace="$name" -e inject="$inj" \
                "$TWTUNE" --root R "$@" >out 2>err </dev/null
        rc=$?
        dump R >live
        ${TWTUNE_WRAPPER:-} "$TWTUNE" --root R recover >rout 2>rerr </dev/null
        rrc=$?
        dump R verify >state
        why=
        if cmp -s state "$top/after.$p_sc"; then end=after
        elif cmp -s state "$top/before.$p_sc"; then end=before
        else end=neither; why="$why; the state after recover is neither before nor after"; fi
        [ $rrc -eq 0 ] || why="$why; recover exited $rrc"
        echo "$kind exit $rc, recover $rrc: $end" >>"$top/outcomes.$p_sc"
        if [ "$kind" = kill ]; then
                [ $rc -eq 137 ] || why="$why; the kill was not delivered (exit $rc)"
        else
                case "$p_sc:$rc" in
                apply*:[034567] | rollback*:[04567] | recover*:[0567]) ;;
                *) why="$why; exit $rc is not a documented outcome of an I/O error" ;;
                esac
                if [ $rc -eq 0 ] || [ $rc -eq 7 ]; then
                        [ $end != before ] || why="$why; exit $rc but the state is the one before"
                        grep -v '^journal' "$top/after.$p_sc" | grep -v '^verify' >want
                        cmp -s want live || why="$why; exit 0 but right after it the state is not the final one"
                else
                        [ $end != after ] || [ "$single" = yes ] || why="$why; exit $rc but the transaction was committed"
                        case $rc in 4 | 5)
                                grep -v '^journal' "$top/start.$p_sc" | grep -v '^verify' >want
                                cmp -s want live || why="$why; exit $rc but right after it the state is not the one it started from" ;;
                        esac
                fi
        fi
        [ -z "$why" ] && return 0
        echo "not ok - $p_sc: $name #$n $kind: exit $rc, ended '$end'${why}"
        grep -m1 INJECTED trace | sed 's/^[0-9]* */#   injected: /'
        sed 's/^/#   stderr: /' err | head -8
        if [ $rrc -ne 0 ] || [ "$end" = neither ]; then sed 's/^/#   recover: /' rerr | head -8; fi
        if [ "$end" = neither ]; then
                db=$(diff "$top/before.$p_sc" state | grep -c '^[<>]')
                da=$(diff "$top/after.$p_sc" state | grep -c '^[<>]')
                near=before
                [ "$da" -le "$db" ] && near=after
                echo "#   diff against '$near' (the nearer legal state):"
                diff -U0 "$top/$near.$p_sc" state | grep -v '^@@' | tail -n +3 | sed 's/^/#     /' | head -30
        fi
        if [ -s want ] && ! cmp -s want live; then
                echo "#   diff of the state right after the run (before recover) against the one its exit code promises:"
                diff -U0 want live | grep -v '^@@' | tail -n +3 | sed 's/^/#     /' | head -30
        fi
        return 0
}

# NAME TEMPLATE ARGS: the scenarios. For the two recover ones there is a single legal end state,
# the clean recover's ("before" is made the same as "after").
for s in "apply-fresh tpl0 apply a.yaml" "apply-over tpl1 apply b.yaml" "rollback tpl2 rollback" \
        "rollback-to-0 tpl2 rollback --to 0" "recover-committed tpl3 recover" "recover-midway tpl4 recover"; do
        # shellcheck disable=SC2086
        set -- $s
        sc=$1 tpl=$2
        shift 2
        dump "$tpl" verify >"start.$sc"
        rm -rf R && cp -a "$tpl" R
        "$TWTUNE" --root R "$@" >/dev/null 2>&1 </dev/null || not_ok "$sc: the clean run failed"
        dump R verify >"after.$sc"
        single=no
        case $sc in
        recover*) single=yes; cp "after.$sc" "before.$sc" ;;
        *) cp "start.$sc" "before.$sc"; cmp -s "before.$sc" "after.$sc" && not_ok "$sc: the scenario changes nothing" ;;
        esac
        rm -rf R && cp -a "$tpl" R
        # stdout and stderr go to files as in the injected runs (glibc asks a tty ioctl of /dev/null
        # but not of a file, which would shift the count).
        env "$NOLSAN" strace -f -qq -o "log.$sc" "$TWTUNE" --root R "$@" >enum.out 2>enum.err </dev/null ||
                not_ok "$sc: the run under strace failed"
        dump R verify | cmp -s - "after.$sc" || not_ok "$sc: the run under strace did not end in the same state as the clean one"
        # The points: "KIND NAME N", every invocation of every syscall from the first one that names
        # the root on, but the skipped ones.
        sed 's/^[0-9]* *//' "log.$sc" | grep '^[a-z0-9_]*(' >"calls.$sc"
        calls=$(wc -l <"calls.$sc")
        startup=$(grep -n '"R[/"]' "calls.$sc" | grep -v '^[0-9]*:execve(' | head -1 | cut -d: -f1)
        [ -n "$startup" ] || { not_ok "$sc: no syscall names the root"; startup=1; }
        startup=$((startup - 1))
        sed 's/(.*//' "calls.$sc" | awk -v skip=" $SKIPPED " -v nofail="$NOFAIL" -v step=$STEP -v startup=$startup '
                { c[$1]++ }
                NR > startup && index(skip, " " $1 " ") == 0 {
                        if (p % step == 0 && index(nofail, " " $1 " ") == 0) print "eio", $1, c[$1]
                        if (step == 1 || (p - int(step / 2)) % step == 0) print "kill", $1, c[$1]
                        p++
                }' >"points.$sc"
        tried=$(wc -l <"points.$sc")
        w=0
        while [ $w -lt $JOBS ]; do
                mkdir -p "w$w" && cp a.yaml b.yaml "w$w/"
                (
                        cd "w$w" || exit 1
                        awk -v w=$w -v j=$JOBS 'NR % j == w { print NR, $0 }' "../points.$sc" | while read -r i kind name n; do
                                point "$sc" "$top/$tpl" "$kind" "$name" "$n" "$@" >"../fail.$sc.$(printf %05d "$i")"
                        done
                ) &
                w=$((w + 1))
        done
        wait
        cat fail."$sc".* >"result.$sc"
        rm -f fail."$sc".*
        failed=$(grep -c '^not ok - ' "result.$sc")
        cat "result.$sc"
        FAIL=$((FAIL + failed))
        sort "outcomes.$sc" | uniq -c | sed "s/^ */#   $sc outcomes: /"
        echo "# $sc: $calls syscalls made ($startup in start-up), $tried injection points tried ($(grep -c '^eio' "points.$sc") EIO, $(grep -c '^kill' "points.$sc") KILL), $failed failed"
        [ "$failed" -eq 0 ] && ok "$sc: every one of $tried injection points ends in a legal state"
done
cmp -s after.recover-committed after.apply-over && ok "oracle: recovering a committed journal keeps the apply" ||
        not_ok "oracle: recover after the commit point does not give the applied state"
cmp -s after.recover-midway before.apply-over && ok "oracle: recovering a journal from the middle of the writes undoes the apply" ||
        not_ok "oracle: recover in the middle of the writes does not give the state before"
finish
