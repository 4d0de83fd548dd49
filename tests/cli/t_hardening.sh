# SPDX-License-Identifier: MIT
# Nothing a profile, a record or a namespace says reaches the host unchecked: one check per
# defect of the hardening review, each of which failed before its fix.
. "$SRCDIR/tests/cli/lib.sh"

P=$SRCDIR/profiles
R=$TMP/r
mkroot "$R"
val() { cat "$R/proc/sys/$(echo "$1" | tr . /)"; }

cat >p.yaml <<'Y'
name: p
sysctl:
  net.ipv4.tcp_fin_timeout: 30
  net.ipv4.tcp_keepalive_time: 600
Y

# record KIND GEN KEYLINE: a state record with a valid checksum, as a forger would write it.
record() {
        body=$(printf 'twtune-state 1\nkind %s\ngeneration %s\ntime 0\nprofile forged\nhash -\npersist 0\nfile-before -\nfile -\n%s\n' \
                "$1" "$2" "$3")
        printf '%s\nend %s\n' "$body" "$(printf '%s\n' "$body" | sha256sum | cut -d' ' -f1)"
}

# 1. A profile name with a line break would be a setting in the persisted file's header.
printf 'name: "web\\nnet.ipv4.tcp_keepalive_probes = 42"\nsysctl:\n  net.ipv4.tcp_fin_timeout: 30\n' >inj.yaml
run --root "$R" apply inj.yaml; expect_rc 3 "an injected name is refused"
expect_out "bad-text" "the finding says why"
[ ! -e "$R/etc/sysctl.d/99-twtune.conf" ] && ok "no file written" || not_ok "a file was written"
printf 'description: "x\\r\\033[2K"\nsysctl:\n  net.ipv4.tcp_fin_timeout: 30\n' >inj2.yaml
run check inj2.yaml; expect_rc 3 "a description with control characters is refused"

# 2. A state directory others can write is not trusted, whoever planted what in it.
chmod 755 "$TMP" "$R"
mkdir -p "$R/var/lib/twtune/generations"
chmod 1777 "$R/var/lib/twtune"
chmod 700 "$R/var/lib/twtune/generations"
setpriv --reuid=65534 --regid=65534 --clear-groups sh -c \
        "printf '%s\n' \"\$1\" >'$R/var/lib/twtune/journal'" sh "$(record journal 1 "$(printf 'key\tnet.ipv4.tcp_fin_timeout\t1\t17\t30')")"
[ "$(stat -c %u "$R/var/lib/twtune/journal")" = 65534 ] && ok "an unprivileged user planted a journal" || not_ok "planting failed"
before=$(tree_digest "$R")
run --root "$R" recover; expect_rc 5 "recover refuses a world-writable state directory"
expect_err "will not trust the state directory" "it says it will not trust it"
expect_err "chmod -R go-w" "and how to repair it"
run --root "$R" apply p.yaml; expect_rc 5 "apply refuses it too"
[ "$(tree_digest "$R")" = "$before" ] && [ "$(val net.ipv4.tcp_fin_timeout)" = 60 ] && ok "nothing changed, the planted value was not set" \
        || not_ok "the root changed"
chmod 755 "$R/var/lib/twtune"
rm -f "$R/var/lib/twtune/journal"
chmod 777 "$R/var/lib/twtune/generations"
setpriv --reuid=65534 --regid=65534 --clear-groups sh -c \
        "printf '%s\n' \"\$1\" >'$R/var/lib/twtune/generations/1'" sh "$(record generation 1 "$(printf 'key\tnet.ipv4.tcp_fin_timeout\t1\t17\t30')")"
run --root "$R" rollback --to 0; expect_rc 5 "a group/other-writable generations/ is refused"
expect_err "generations/ is writable by group or others" "naming the directory"
chmod 700 "$R/var/lib/twtune/generations"
run --root "$R" rollback --to 0; expect_rc 5 "a generation owned by another user is refused"
[ "$(val net.ipv4.tcp_fin_timeout)" = 60 ] && ok "the planted generation was not replayed" || not_ok "planted value set"
rm -rf "$R/var/lib/twtune"
chmod 700 "$TMP"

# 3. Keys from records are keys: a forged "../" key writes nothing, even where openat2 is refused.
run --root "$R" apply p.yaml; expect_rc 0 "apply (generation 1)"
echo safe >"$TMP/victim"
record generation 2 "$(printf 'key\t../../../victim\t1\tpwned\tx')" >"$R/var/lib/twtune/generations/2"
chmod 600 "$R/var/lib/twtune/generations/2"
# LeakSanitizer cannot run under ptrace: a sanitizer build would abort at exit under strace.
nolsan="ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
if strace -f -qq -o /dev/null -e trace=openat2 -e inject=openat2:error=EPERM true 2>/dev/null; then
        env "$nolsan" strace -f -qq -o /dev/null -e trace=openat2 -e inject=openat2:error=EPERM "$TWTUNE" --root "$R" diff p.yaml >out 2>err
        RC=$?; expect_rc 0 "without openat2 the component walk still reads keys"
        env "$nolsan" strace -f -qq -o /dev/null -e trace=openat2 -e inject=openat2:error=EPERM "$TWTUNE" --root "$R" rollback --to 1 >out 2>err
        RC=$?; expect_rc 5 "a forged record key is refused as damage"
        expect_err "damaged" "the message says the record is damaged"
        [ "$(cat "$TMP/victim")" = safe ] && ok "nothing written outside proc/sys" || not_ok "the victim file was written"
else
        echo "# SKIP strace cannot inject here"
fi
rm -f "$R/var/lib/twtune/generations/2"

# 10. extends reads only profiles, and errors quote nothing from a file that is not one.
printf 'extends: [/etc/shadow]\nsysctl:\n  net.ipv4.tcp_fin_timeout: 30\n' >ext1.yaml
printf 'extends: [../../../../../../etc/passwd]\nsysctl:\n  net.ipv4.tcp_fin_timeout: 30\n' >ext2.yaml
printf 'secret_token: hunter2\n' >notprofile.yaml
printf 'extends: [notprofile.yaml]\nsysctl:\n  net.ipv4.tcp_fin_timeout: 30\n' >ext3.yaml
for f in ext1 ext2 ext3; do
        run --allow-absolute-extends --format github check $f.yaml; expect_rc 3 "$f: extends refused"
        if grep -q 'root:\|hunter2\|secret_token' out err; then not_ok "$f: file content echoed"; else ok "$f: nothing quoted"; fi
done
run check ext1.yaml; expect_out "extends-refused" "an absolute path is refused with its own code"
cp "$P/base.yaml" base.yaml
printf 'extends: [%s/base.yaml]\nsysctl:\n  net.ipv4.tcp_fin_timeout: 30\n' "$TMP" >ext4.yaml
run --allow-absolute-extends check ext4.yaml; expect_rc 0 "--allow-absolute-extends takes an absolute .yaml"

# Standard input behaves as a file in the current directory: extends found, its own name.
printf 'extends: [base]\nsysctl:\n  net.ipv4.tcp_fin_timeout: 30\n' | ${TWTUNE_WRAPPER:-} "$TWTUNE" --root "$R" --format json diff - >out 2>err
RC=$?; expect_rc 0 "a profile on standard input extends base from ."
expect_json '.profile == "<stdin>" and ([.settings[] | select(.key == "net.ipv4.tcp_fin_timeout")][0].source == "<stdin>:3")' \
        "it keeps its own name and positions"

# 13. --netns on a FIFO or a regular file says so at once.
mkfifo ns.fifo
timeout 10 "$TWTUNE" diff --netns ./ns.fifo p.yaml >out 2>err; RC=$?
expect_rc 2 "a FIFO is not a namespace (and does not block)"
expect_err "not a namespace file" "the message says what it is not"
run diff --netns ./p.yaml p.yaml; expect_rc 2 "a regular file is not a namespace"
run diff --netns /proc/self/ns/uts p.yaml; expect_rc 2 "a UTS namespace is not a network one"
expect_err "not a network one" "the message says so"

# Minor: a snapshot with a NUL byte, a FIFO snapshot, --wait nan.
printf 'kernel.osrelease = 6.1.0\nnet.ipv4.tcp_fin_timeout = 60\000\nnet.ipv4.tcp_keepalive_time = 7200\n' >nul.snap
run diff --against nul.snap p.yaml; expect_rc 2 "a NUL byte in a snapshot is refused"
expect_err "nul.snap:2:" "at its line"
timeout 10 "$TWTUNE" diff --against ./ns.fifo p.yaml >out 2>err; RC=$?
expect_rc 5 "a FIFO snapshot is an unreadable snapshot"
expect_err "not a regular file" "and says why"
for w in nan inf 1e3 -1 ''; do
        run --root "$R" apply --wait "$w" p.yaml; expect_rc 2 "--wait '$w' refused"
done
run --root "$R" apply --wait 0.5 p.yaml; expect_rc 0 "--wait 0.5 accepted"

# verify waits for a transaction in progress instead of reporting its half-way state.
hold_lock "$R/var/lib/twtune/lock" 2
run --root "$R" verify --wait 0; expect_rc 5 "verify during a transaction, no wait: exit 5"
expect_err "in progress" "it says a transaction is in progress"
run --root "$R" verify --wait 10; expect_rc 0 "verify waits for the lock, then finds no drift"
wait

# The namespace cases need the real kernel in private namespaces.
if ! unshare -n -m true 2>/dev/null; then
        echo "# SKIP unshare -n -m refused here: namespace checks not run"
        finish
        exit $?
fi
cat >ns.sh <<'S'
sysv() { tr '\t' ' ' <"/proc/sys/$(echo "$1" | tr . /)"; }
check() { if [ "$1" = "$2" ]; then ok "$3"; else not_ok "$3: '$1', expected '$2'"; fi; }

# 7. The caller's own namespace named by --netns is the host: the host's lock holds it.
printf 'sysctl:\n  net.ipv4.tcp_fin_timeout: 31\n' >self.yaml
run apply self.yaml; expect_rc 0 "apply on the (namespace's) host path"
hold_lock /var/lib/twtune/lock 2
run apply --netns /proc/self/ns/net self.yaml; expect_rc 5 "--netns of our own namespace takes the host lock"
expect_err "lock is held" "and reports it held"
wait
[ ! -e /var/lib/twtune/netns ] && ok "no separate state for our own namespace" || not_ok "netns state created"

# 8. A new namespace never inherits an old one's history, even on the same inode.
unshare -n sleep 30 & a=$!
sleep 0.3
ino_a=$(stat -L -c %i /proc/$a/ns/net)
run apply --netns /proc/$a/ns/net self.yaml; expect_rc 0 "apply in namespace A"
kill $a; wait $a 2>/dev/null
unshare -n sleep 30 & b=$!
sleep 0.3
ino_b=$(stat -L -c %i /proc/$b/ns/net)
echo "# namespace inodes: A $ino_a, B $ino_b"
run --format json history --netns /proc/$b/ns/net; expect_rc 0 "history in namespace B"
expect_json '.generations == []' "B has no history of A's"
ls /var/lib/twtune/netns | grep -Eq -- '-c[0-9]+$' && ok "state keyed by the netns cookie" || not_ok "state not keyed by cookie: $(ls /var/lib/twtune/netns)"
kill $b; wait $b 2>/dev/null

# 9. A reserved-port list reads back in the kernel's own form: still equal.
printf 'sysctl:\n  net.ipv4.ip_local_reserved_ports: "1000,1001,8080"\n' >ports.yaml
run apply --no-persist ports.yaml; expect_rc 0 "reserved ports applied on the first run"
check "$(sysv net.ipv4.ip_local_reserved_ports)" "1000-1001,8080" "the kernel printed its form"
run verify; expect_rc 0 "verify: no drift"

# 12. Rolling back a propagating key gives each interface its own value back.
if ip link add tw0 type veth peer name tw1 2>/dev/null; then
        echo 1 >/proc/sys/net/ipv4/conf/tw1/forwarding
        printf 'sysctl:\n  net.ipv4.conf.all.forwarding: 1\n' >fwd.yaml
        run apply --no-persist fwd.yaml; expect_rc 0 "apply conf.all.forwarding=1"
        check "$(sysv net.ipv4.conf.tw0.forwarding)" 1 "the kernel set every interface"
        run verify; expect_rc 0 "verify after a propagating apply"
        run rollback; expect_rc 0 "rollback"
        check "$(sysv net.ipv4.conf.all.forwarding)" 0 "all back to 0"
        check "$(sysv net.ipv4.ip_forward)" 0 "ip_forward back to 0"
        check "$(sysv net.ipv4.conf.tw0.forwarding)" 0 "tw0 back to 0"
        check "$(sysv net.ipv4.conf.tw1.forwarding)" 1 "tw1 keeps its own 1"
        check "$(sysv net.ipv4.conf.all.accept_redirects)" 1 "all.accept_redirects, which forwarding flips, back to 1"
        # The same when the apply itself fails after the write: undo restores what the kernel changed.
        [ "${TWTUNE_FAULT_BUILT:-1}" = 1 ] || { echo "SKIP - no fault hook: undo after a failed apply not run"; finish; exit; }
        TWTUNE_FAULT=fail:generation:1 run apply --no-persist fwd.yaml; expect_rc 4 "apply failing after the write"
        check "$(sysv net.ipv4.conf.tw0.forwarding)" 0 "undo: tw0 back to 0"
        check "$(sysv net.ipv4.conf.tw1.forwarding)" 1 "undo: tw1 keeps its own 1"
        check "$(sysv net.ipv4.conf.all.accept_redirects)" 1 "undo: accept_redirects back to 1"
else
        echo "# SKIP no veth here: forwarding rollback not run"
fi
S
host_before=$(host_state)
in_ns ns.sh
[ "$(host_state)" = "$host_before" ] && ok "host state unchanged" || not_ok "host state changed"
finish
