# SPDX-License-Identifier: MIT
# twtune outside the host's network namespace (PID 1's), as under `ip netns exec` or in a
# container's network namespace without its own init: it refuses to persist or record the host's
# state (exit 2, before opening anything for writing), changes that namespace's live values with
# --no-persist under a history of its own, and diff, check --live and verify say which namespace
# they read. Real kernel, private namespaces: in_ns stands for the host (its shell is PID 1 with a
# /proc of its own), and a network namespace below it, entered with nsenter -n only, for the other.
. "$SRCDIR/tests/cli/lib.sh"
require_ns
host_before=$(host_state)
printf 'name: other\nsysctl:\n  net.ipv4.tcp_fin_timeout: 45\n' >p.yaml
printf 'name: host\nsysctl:\n  net.ipv4.tcp_keepalive_time: 1234\n' >host.yaml

cat >ns.sh <<'S'
sysv() { tr '\t' ' ' <"/proc/sys/$(echo "$1" | tr . /)"; }
check() { if [ "$1" = "$2" ]; then ok "$3"; else not_ok "$3: '$1', expected '$2'"; fi; }
# run_in ARGS...: run, inside the other namespace only (mount and PID namespaces stay ours).
run_in() { nsenter -t "$child" -n ${TWTUNE_WRAPPER:-} "$TWTUNE" "$@" >out 2>err; RC=$?; }
state() { echo "sysctl.d $(tree_digest /etc/sysctl.d) twtune $(tree_digest /var/lib/twtune)"; }

# The host: this namespace, PID 1's. Its history and file exist, so that a write would show.
run apply host.yaml; expect_rc 0 "apply in the host's namespace"
run --format json diff p.yaml; expect_rc 0 "diff in the host's namespace"
expect_json '.netns == "host"' "diff: netns host"
run diff p.yaml; expect_no_out "note: reading network namespace" "no note on the host"
run --format json verify; expect_json '.netns == "host" and .drift == false' "verify: netns host"
run --format json check --live p.yaml; expect_json '.netns == "host"' "check --live: netns host"
run --format json check p.yaml; expect_json 'has("netns") and .netns == null' "check without --live reads no namespace: null"
sysctl -a >snap.txt 2>/dev/null
run --format json diff --against snap.txt p.yaml; expect_json '.netns == null' "diff of a snapshot: null"

unshare -n sleep 60 &
child=$!
i=0
while [ "$(readlink /proc/$child/ns/net)" = "$(readlink /proc/self/ns/net)" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
fin_host=$(sysv net.ipv4.tcp_fin_timeout)
fin_other=$(nsenter -t $child -n cat /proc/sys/net/ipv4/tcp_fin_timeout)
before=$(state)
etc_before=$(tree_digest /etc/sysctl.d)

# Persisting or recording host state from there: refused, nothing written.
run_in apply p.yaml; expect_rc 2 "apply outside the host's namespace refused"
expect_err "this process is not in the host's network namespace (net:[" "says where it is"
expect_err "PID 1 is in net:[" "and where PID 1 is"
expect_err "persisting here would write the host's /etc/sysctl.d and history" "says why"
expect_err "Use --netns NAME|PATH from the host" "says what to do: --netns"
expect_err "--no-persist to change this namespace's live values only" "or --no-persist"
run_in --format json apply --dry-run p.yaml; expect_rc 2 "a dry run, which would show a persisted file, too"
run_in rollback; expect_rc 2 "rollback refused"
expect_err "not in the host's network namespace" "rollback says where it is"
expect_err "--netns /proc/self/ns/net" "and names this namespace's own history"
run_in rollback --to 0; expect_rc 2 "rollback --to 0 refused"
run_in recover; expect_rc 2 "recover refused"
check "$(state)" "$before" "/etc/sysctl.d and /var/lib/twtune untouched"
check "$(nsenter -t $child -n cat /proc/sys/net/ipv4/tcp_fin_timeout)" "$fin_other" "the other namespace's value unchanged"

# Reading there: said.
run_in --format json diff p.yaml; expect_rc 0 "diff there"
expect_json '.netns == "other" and .target == "live"' "diff: netns other"
run_in diff p.yaml; expect_out "note: reading network namespace net:[" "diff: a note in text"
expect_out "not the host's (PID 1 is in net:[" "naming PID 1's namespace"
run_in --quiet diff p.yaml; expect_no_out "note:" "no note with --quiet"
run_in --format json check --live p.yaml; expect_json '.netns == "other"' "check --live: netns other"
run_in check --live p.yaml; expect_out "note: reading network namespace" "check --live: a note in text"

# --no-persist changes that namespace only, with a history of its own.
run_in apply --no-persist p.yaml; expect_rc 0 "apply --no-persist there"
check "$(nsenter -t $child -n cat /proc/sys/net/ipv4/tcp_fin_timeout)" 45 "that namespace changed"
check "$(sysv net.ipv4.tcp_fin_timeout)" "$fin_host" "the host's value did not"
check "$(tree_digest /etc/sysctl.d)" "$etc_before" "/etc/sysctl.d untouched"
check "$(ls /var/lib/twtune/generations | tr '\n' ' ')" "1 " "the host's history untouched"
check "$(ls /var/lib/twtune/netns | wc -l)" 1 "one state directory of its own, under netns/"
run_in --format json history; expect_json '[.generations[] | [.generation, .profile, .persisted]] == [[1, "other", false]]' \
        "history there: its own"
run_in --format json verify; expect_rc 0 "verify there"
expect_json '.netns == "other" and .generation == 1 and .profile == "other" and .file == null' \
        "verify: its generation, netns other, no file"
run_in verify p.yaml; expect_rc 0 "verify of the profile there leaves the host's file alone"
expect_out "note: reading network namespace" "verify: a note in text"
run --format json history --netns /proc/$child/ns/net
expect_json '[.generations[].generation] == [1]' "the same history through --netns from the host"
run_in --format json history --netns /proc/self/ns/net
expect_json '[.generations[].generation] == [1]' "and through --netns /proc/self/ns/net from there"
run_in rollback --netns /proc/self/ns/net --to 0; expect_rc 0 "rollback --netns /proc/self/ns/net there"
check "$(nsenter -t $child -n cat /proc/sys/net/ipv4/tcp_fin_timeout)" "$fin_other" "that namespace restored"
run_in recover --netns /proc/self/ns/net; expect_rc 0 "recover --netns there"
run --format json history; expect_json '[.generations[] | .profile] == ["host"]' "the host's history is the host's"
# --netns naming the host's namespace from there is the host: its lock, history and file.
hold_lock /var/lib/twtune/lock 2
run_in apply --netns /proc/1/ns/net host.yaml; expect_rc 5 "--netns of the host's namespace takes the host's lock"
expect_err "/var/lib/twtune/lock is held" "and reports it held"
wait $!
run verify; expect_rc 0 "the host still verifies"

# PID 1's namespace cannot be read (an empty directory over /proc/1/ns: ENOENT): proceed as the
# host, and say so with --verbose only.
mkdir -p empty
if mount --bind empty /proc/1/ns 2>/dev/null; then
        run_in --format json diff p.yaml; expect_rc 0 "diff where PID 1's namespace is hidden"
        expect_json '.netns == "unknown"' "netns unknown"
        expect_no_err "network namespace" "silent without --verbose"
        run_in --verbose diff p.yaml; expect_rc 0 "diff --verbose"
        expect_err "twtune diff: cannot tell whether this is the host's network namespace (/proc/1/ns/net: No such file or directory); proceeding" \
                "--verbose says it cannot tell, and why"
        expect_no_out "note: reading" "no note: taken for the host"
        run_in apply --dry-run p.yaml; expect_rc 0 "apply proceeds as on the host"
        umount /proc/1/ns
else
        echo "# SKIP cannot mount over /proc/1/ns here: hidden-namespace case (ENOENT) not run"
fi
# The same for a user who may not look at PID 1 (EACCES).
if command -v setpriv >/dev/null; then
        nsenter -t $child -n setpriv --reuid 65534 --regid 65534 --clear-groups "$TWTUNE" --verbose --format json diff - \
                <p.yaml >out 2>err
        RC=$?
        expect_rc 0 "diff as an unprivileged user"
        expect_json '.netns == "unknown"' "netns unknown"
        expect_err "(/proc/1/ns/net: Permission denied); proceeding" "--verbose names EACCES"
else
        echo "# SKIP no setpriv: the EACCES case not run; install util-linux"
fi
kill $child
wait $child 2>/dev/null || : # killed: 143
S
in_ns ns.sh

# The same without a PID namespace, as `ip netns exec` runs on a host: PID 1 is this machine's
# init. Only where its namespace can be read; a confined root (a sandbox) cannot.
cat >bare.sh <<'S'
mount -t tmpfs -o mode=0755 tmpfs /etc/sysctl.d && mount -t tmpfs -o mode=0755 tmpfs /var/lib || exit 1
"$TWTUNE" --verbose apply p.yaml >bare.out 2>bare.err
echo $? >bare.rc
ls /etc/sysctl.d /var/lib >bare.ls
S
unshare -n -m sh ./bare.sh
if stat -L /proc/1/ns/net >/dev/null 2>&1; then
        [ "$(cat bare.rc)" = 2 ] && ok "unshare -n -m: apply refused (exit 2)" || not_ok "unshare -n -m: apply exit $(cat bare.rc)"
        grep -qF "not in the host's network namespace" bare.err && ok "unshare -n -m: says where it is" || not_ok "message: $(cat bare.err)"
        [ "$(cat bare.ls)" = "$(printf '/etc/sysctl.d:\n\n/var/lib:')" ] && ok "unshare -n -m: nothing written" || not_ok "written: $(cat bare.ls)"
else
        echo "# /proc/1/ns/net cannot be read here ($(stat -L /proc/1/ns/net 2>&1 | sed 's/.*: //')): twtune proceeds as on the host"
        [ "$(cat bare.rc)" = 0 ] && ok "unshare -n -m: apply proceeds (exit 0)" || not_ok "unshare -n -m: apply exit $(cat bare.rc)"
        grep -qF "cannot tell whether this is the host's network namespace (/proc/1/ns/net: " bare.err &&
                ok "unshare -n -m: --verbose says it cannot tell" || not_ok "no verbose line: $(cat bare.err)"
fi
[ "$(host_state)" = "$host_before" ] && ok "host sysctls, /etc/sysctl.d and /var/lib/twtune untouched" || not_ok "the host changed"
finish
