# SPDX-License-Identifier: MIT
# Read-only users: verify, history and boot as an unprivileged user (nobody, through setpriv) on a
# state root wrote, in private namespaces with tmpfs over /etc/sysctl.d and /var/lib. Their answers
# are compared with root's on the same state (the oracle: the same command as root), drift
# included; the lock and the journal stay root's; a state directory only root may read (as twtune
# earlier builds left it) gives a clear message.
. "$SRCDIR/tests/cli/lib.sh"
require_tools "apt-get install util-linux" setpriv
require_ns
host_before=$(host_state)

# The profile where nobody can read it: this test's directory opened for traversal only.
chmod 711 "$TMP" && mkdir -m 755 pub
printf 'name: ro\nsysctl:\n  net.ipv4.tcp_fin_timeout: 31\n  net.ipv4.tcp_keepalive_time: 900\n' >pub/ro.yaml
chmod 644 pub/ro.yaml
cat >ro.sh <<'S'
P=$PWD/pub/ro.yaml
# as_nobody ARGS...: twtune as uid/gid 65534, from /, with stdout in ./out, stderr in ./err.
as_nobody() {
        (cd / && setpriv --reuid=65534 --regid=65534 --clear-groups ${TWTUNE_WRAPPER:-} "$TWTUNE" "$@") >out 2>err
        RC=$?
}
# same WHAT ARGS...: the command as nobody prints what it prints as root, with the same exit code;
# but for "netns", which is "unknown" to a user who may not read PID 1's namespace link.
nonetns() { if jq -e . "$1" >/dev/null 2>&1; then jq 'del(.netns)' "$1"; else cat "$1"; fi; }
same() {
        what=$1
        shift
        run "$@"; nonetns out >root.out; rrc=$RC
        as_nobody "$@"
        nonetns out >nobody.out
        if [ "$RC" = "$rrc" ] && cmp -s nobody.out root.out; then ok "$what as nobody: as root (exit $RC)"
        else not_ok "$what as nobody: exit $RC (root $rrc), output differs"; diff root.out nobody.out | head -5 | sed 's/^/#   /'; fi
}
run apply "$P"; expect_rc 0 "apply as root"
as_nobody verify; expect_rc 0 "verify as nobody"
expect_out "no drift" "verify as nobody: no drift"
same "verify --format json" --format json verify
same "verify --boot" verify --boot
same "history" --format json history
same "history 1" history 1
same "boot" --format json boot
echo 77 >/proc/sys/net/ipv4/tcp_fin_timeout
as_nobody verify; expect_rc 1 "verify as nobody finds drift"
expect_out "net.ipv4.tcp_fin_timeout" "naming the key"
same "verify on drift" --format json verify
run apply "$P"
check_mode() { if [ "$(stat -c %a "$1")" = "$2" ]; then ok "$1 is $2"; else not_ok "$1 is $(stat -c %a "$1"), expected $2"; fi; }
check_mode /var/lib/twtune/lock 600
as_nobody --format json rollback --dry-run; expect_rc 0 "a rollback dry run as nobody reads the state too"
as_nobody rollback; expect_rc 5 "a real rollback as nobody is refused"
expect_err "needs root" "saying it needs root"
check_mode /var/lib/twtune/lock 600
# A journal (a transaction in progress or interrupted) is root's; nobody sees that it is there.
cp /var/lib/twtune/generations/1 /var/lib/twtune/journal && chmod 600 /var/lib/twtune/journal
as_nobody --format json verify; expect_rc 1 "a pending journal is drift for nobody too"
expect_json '.interrupted == true' "reported as interrupted"
rm /var/lib/twtune/journal
# State as earlier builds of twtune left it: root's only. A clear message, with what to do.
chmod 700 /var/lib/twtune
as_nobody history; expect_rc 5 "history on a root-only state directory"
expect_err "cannot read the state directory /var/lib/twtune: Permission denied" "says what it cannot read"
expect_err "run as root, or let other users read the history: chmod 0755" "and how to allow it"
as_nobody verify; expect_rc 5 "verify on a root-only state directory"
expect_err "cannot read the state directory" "the same message"
chmod 755 /var/lib/twtune && chmod 600 /var/lib/twtune/generations/1
as_nobody history 1; expect_rc 5 "a record only root may read"
expect_err "generation 1: Permission denied (a record only root may read" "names the record and the fix"
S
in_ns ro.sh
host_after=$(host_state)
[ "$host_before" = "$host_after" ] && ok "host sysctls, /etc/sysctl.d and /var/lib/twtune untouched" || not_ok "host state changed"
finish
