# SPDX-License-Identifier: MIT
# apply, verify, history and rollback on the real kernel, in private namespaces, default paths.
. "$SRCDIR/tests/cli/lib.sh"
require_ns
host_before=$(host_state)

cat >live.sh <<'S'
P=$SRCDIR/profiles
F=/etc/sysctl.d/99-twtune.conf
sysv() { tr '\t' ' ' <"/proc/sys/$(echo "$1" | tr . /)"; }
check() { if [ "$1" = "$2" ]; then ok "$3"; else not_ok "$3: '$1', expected '$2'"; fi; }

run apply "$P/web-server.yaml"; expect_rc 0 "apply web-server"
expect_out "generation 1: 4 keys changed; persisted to $F" "summary names generation and file"
check "$(sysv net.core.somaxconn)" 8192 "somaxconn raised"
check "$(sysv net.ipv4.ip_local_port_range)" "32768 60999" "web-server leaves the port range at the default"
grep -qx '# profile: web-server' $F && ! grep -q '^# generation' $F && ok "file header: the profile, no generation number" || not_ok "file header"
body_hash=$(grep -v '^#' $F | sha256sum | cut -d' ' -f1)
grep -qx "# sha256: $body_hash" $F && ok "header hash is the body's sha256" || not_ok "header hash"
check "$(stat -c %a /var/lib/twtune)" 755 "state directory 0755 (readable: verify and history as another user)"
check "$(stat -c %a /var/lib/twtune/generations/1)" 644 "generation record 0644"
check "$(stat -c %a /var/lib/twtune/lock)" 600 "the lock stays root's"
check "$(stat -c %a $F)" 644 "persisted file 0644"
cp $F gen1.conf
s1=$(stat -c '%i %y' $F)

run --format json apply "$P/web-server.yaml"; expect_rc 0 "identical re-apply"
expect_json '.changed == false and .generation == null and .persisted == "/etc/sysctl.d/99-twtune.conf"' "re-apply reports changed: false"
expect_json '[.settings[] | select(.status == "ok")] | length == 6' "every setting ok"
check "$(stat -c '%i %y' $F)" "$s1" "re-apply leaves the file's inode and mtime alone"
cmp -s $F gen1.conf && ok "re-apply leaves the bytes alone" || not_ok "file bytes changed"

run verify; expect_rc 0 "verify after apply"
echo 33 >/proc/sys/net/ipv4/tcp_keepalive_time
run verify; expect_rc 1 "verify finds a manual write"
grep -Eq "^net\.ipv4\.tcp_keepalive_time +33 +1200 +drift$" out && ok "drift names key and values" || not_ok "drift names key and values"
run --format json verify; expect_json '.drift == true and .generation == 1 and ([.settings[] | select(.status == "drift")] | length) == 1 and .file.status == "ok"' "json drift"
echo '# edited' >>$F
run verify; expect_out "drift: $F is modified" "verify finds an edited file"
cp gen1.conf $F

run apply "$P/reverse-proxy.yaml"; expect_rc 0 "apply reverse-proxy"
expect_out "generation 2:" "generation 2"
check "$(sysv net.ipv4.tcp_tw_reuse)" 1 "tw_reuse 1"
check "$(sysv net.ipv4.tcp_keepalive_time)" 1200 "the drifted key was set again"
run verify "$P/reverse-proxy.yaml"; expect_rc 0 "verify against the profile"

run rollback; expect_rc 0 "rollback to generation 1"
expect_out "rolled back to generation 1 as generation 3" "rollback summary"
check "$(sysv net.ipv4.tcp_tw_reuse)" 2 "tw_reuse back to its value before generation 2"
cmp -s $F gen1.conf && ok "file restored byte for byte" || not_ok "file differs from generation 1's"
run rollback --to 0; expect_rc 0 "rollback to before twtune"
[ ! -e $F ] && ok "file removed: there was none before" || not_ok "file still there"
check "$(sysv net.core.somaxconn)" 4096 "somaxconn back to the namespace default"
check "$(sysv net.ipv4.ip_local_port_range)" "32768 60999" "port range back"
run verify; expect_rc 0 "verify after rollback"
run apply "$P/web-server.yaml"; expect_rc 0 "web-server again, as generation 5"
expect_out "generation 5:" "(generation 5)"
cmp -s $F gen1.conf && ok "the same profile gives the same file bytes at generation 5 as at 1" || not_ok "file bytes differ between generations 1 and 5: $(diff gen1.conf $F | tr '\n' '|')"
run rollback --to 0; expect_rc 0 "(back before twtune)"
run --format json history; expect_rc 0 "history"
expect_json '[.generations[].generation] == [1,2,3,4,5,6] and .generations[0].profile == "web-server" and (.generations[1].changed | index("net.ipv4.tcp_tw_reuse")) != null' "history records generations, profiles and changed keys"
run rollback --to 9; expect_rc 2 "rollback to a generation that does not exist"

# The persisted file gives the same values through procps and systemd-sysctl.
cat >opt.yaml <<'Y'
extends: [reverse-proxy]
sysctl:
  net.ipv4.tcp_ecn: {value: 1, optional: true}
  net.ipv4.no_such_knob: {value: 1, optional: true}
Y
cp "$P"/*.yaml .
run apply opt.yaml; expect_rc 0 "apply with optional keys"
grep -qx -- '-net.ipv4.tcp_ecn = 1' $F && ok "present optional key written with '-'" || not_ok "optional prefix"
grep -q no_such_knob $F && not_ok "absent optional key written" || ok "absent optional key left out of the file"
cp $F applied.conf
want=$(grep -v '^#' applied.conf | sed 's/^-//' | while IFS= read -r l; do k=${l%% = *}; echo "$k=$(sysv "$k")"; done)
run rollback --to 0
sysctl -q -p applied.conf >/dev/null 2>sysctl.err; rc=$?
check "$rc" 0 "sysctl -p accepts the file"
got=$(grep -v '^#' applied.conf | sed 's/^-//' | while IFS= read -r l; do k=${l%% = *}; echo "$k=$(sysv "$k")"; done)
check "$got" "$want" "sysctl -p gives the applied values"
run rollback --to 0
SD=$(command -v systemd-sysctl || ls /lib/systemd/systemd-sysctl /usr/lib/systemd/systemd-sysctl 2>/dev/null | head -n 1)
if [ -n "$SD" ]; then
        "$SD" "$PWD/applied.conf"; check "$?" 0 "systemd-sysctl accepts the file"
        got=$(grep -v '^#' applied.conf | sed 's/^-//' | while IFS= read -r l; do k=${l%% = *}; echo "$k=$(sysv "$k")"; done)
        check "$got" "$want" "systemd-sysctl gives the applied values"
else
        skip_part "systemd-sysctl gives the applied values" "systemd-sysctl is not installed" systemd
fi
run rollback --to 0

# A key the kernel rejects part way through leaves every earlier key as it was.
before=$(sysv net.ipv4.tcp_fin_timeout; sysv net.ipv4.tcp_keepalive_time)
gens=$(ls /var/lib/twtune/generations | wc -l)
printf 'sysctl:\n  net.ipv4.tcp_fin_timeout: 31\n  net.ipv4.tcp_keepalive_time: 1001\n  net.ipv4.tcp_ecn: 9\n' >reject.yaml
run apply reject.yaml; expect_rc 4 "kernel rejection: rolled back"
expect_err "net.ipv4.tcp_ecn: Invalid argument" "the rejected key and the kernel's reason"
check "$(sysv net.ipv4.tcp_fin_timeout; sysv net.ipv4.tcp_keepalive_time)" "$before" "earlier keys back at their values"
check "$(ls /var/lib/twtune/generations | wc -l)" "$gens" "no generation recorded"
[ ! -e /var/lib/twtune/journal ] && ok "journal removed" || not_ok "journal left"
[ ! -e $F ] && ok "nothing persisted" || not_ok "file written"
# A port range below ip_unprivileged_port_start passes a naive range check; validation refuses it first.
printf 'sysctl:\n  net.ipv4.tcp_fin_timeout: 31\n  net.ipv4.ip_local_port_range: 1000 2001\n' >ports.yaml
run apply ports.yaml; expect_rc 3 "invalid port range refused before touching anything"
expect_out "[port-range-below-unprivileged]" "named by its code"
check "$(sysv net.ipv4.tcp_fin_timeout)" 60 "nothing changed"

# Symlinks: at the file, refused; the victim untouched.
echo precious >/tmp/victim.$$
ln -s /tmp/victim.$$ $F
run apply "$P/base.yaml"; expect_rc 5 "symlink at the persisted file"
expect_err "symlink" "says why"
check "$(cat /tmp/victim.$$)" precious "victim untouched"
check "$(sysv net.ipv4.tcp_rfc1337)" 0 "no live change"
rm -f $F /tmp/victim.$$

# --netns: another namespace's values change, ours do not; global keys are refused there.
unshare -n sleep 30 &
child=$!
i=0
while [ "$(readlink /proc/$child/ns/net)" = "$(readlink /proc/self/ns/net)" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
printf 'sysctl:\n  net.ipv4.tcp_fin_timeout: 44\n' >ns.yaml
run apply --netns /proc/$child/ns/net --no-persist ns.yaml; expect_rc 0 "apply --netns"
check "$(nsenter -t $child -n cat /proc/sys/net/ipv4/tcp_fin_timeout)" 44 "the other namespace changed"
check "$(sysv net.ipv4.tcp_fin_timeout)" 60 "this namespace did not"
run diff --netns /proc/$child/ns/net --exit-code ns.yaml; expect_rc 0 "diff --netns sees it"
run verify --netns /proc/$child/ns/net ns.yaml; expect_rc 0 "verify --netns against the profile"
run verify --netns /proc/$child/ns/net; expect_rc 0 "verify --netns against its generation"
run --format json history --netns /proc/$child/ns/net
expect_json '[.generations[].generation] == [1]' "the namespace has its own history"
[ ! -e $F ] && ok "--netns persists nothing to /etc/sysctl.d" || not_ok "--netns wrote the host's file"
nsdir=$(ls -d /var/lib/twtune/netns/* | head -n 1)
check "$(stat -c %a "$nsdir")" 755 "namespace state directory 0755"
run rollback --netns /proc/$child/ns/net --to 0; expect_rc 0 "rollback --netns"
check "$(nsenter -t $child -n cat /proc/sys/net/ipv4/tcp_fin_timeout)" 60 "the other namespace restored"
printf 'sysctl:\n  net.core.netdev_max_backlog: 2000\n  net.ipv4.tcp_fin_timeout: 45\n' >global.yaml
run apply --netns /proc/$child/ns/net global.yaml; expect_rc 3 "a global key is refused with --netns"
expect_out "[not-per-netns]" "code not-per-netns"
check "$(nsenter -t $child -n cat /proc/sys/net/ipv4/tcp_fin_timeout)" 60 "nothing applied there"
run apply --netns no-such-ns ns.yaml; expect_rc 5 "unknown namespace"
kill $child 2>/dev/null
S
in_ns live.sh
[ "$(host_state)" = "$host_before" ] && ok "host sysctls, /etc/sysctl.d and /var/lib/twtune untouched" || not_ok "the host changed"
finish
