#!/bin/sh
# SPDX-License-Identifier: MIT
# What verify, verify --boot, rollback and the dry runs claim after sequences of operations (issue
# 18's reproductions), against a fake root with systemd's rules; walk.py checks the same claims
# against the real kernel, systemd-sysctl and simulated reboots.
. "$SRCDIR/tests/cli/lib.sh"

mkroot r
mkdir -p r/etc/sysctl.d r/lib/systemd && : >r/lib/systemd/systemd-sysctl
F=r/etc/sysctl.d/99-twtune.conf
printf 'name: v1\nsysctl:\n  net.ipv4.tcp_fin_timeout: 30\n' >v1.yaml
printf 'name: v2\nsysctl:\n  net.ipv4.tcp_fin_timeout: 45\n  net.ipv4.tcp_keepalive_time: 600\n' >v2.yaml

# --- verify --boot after a rollback: keys back at baseline, file removed on purpose -------------
run --root r apply v1.yaml; expect_rc 0 "apply v1"
run --root r rollback; expect_rc 0 "rollback to 0"
[ ! -e $F ] && ok "the file is removed" || not_ok "file left"
run --root r verify --boot; expect_rc 0 "verify --boot is clean after a rollback to before twtune"
expect_no_out "will not survive" "and names no key"

# --- verify --boot after --no-persist: the reboot loses the value ---------------------------------
run --root r apply v1.yaml; expect_rc 0 "apply v1 again"
run --root r apply --no-persist v2.yaml; expect_rc 0 "apply --no-persist v2"
run --root r verify; expect_rc 0 "verify: live matches"
run --root r verify --boot; expect_rc 1 "verify --boot: a reboot loses the --no-persist values"
expect_out "net.ipv4.tcp_fin_timeout: live 45, the next boot sets 30 from /etc/sysctl.d/99-twtune.conf:" "names key, live value, boot value and file"
expect_out "net.ipv4.tcp_keepalive_time: live 600, the next boot leaves the kernel's 7200" "a key nothing persists: the kernel's value"

# --- rollback twice from a --no-persist generation steps further back ----------------------------
run --root r rollback; expect_rc 0 "rollback from the --no-persist generation"
expect_out "rolled back to generation 3" "to the apply before it"
run --root r rollback; expect_rc 0 "rollback again"
expect_out "rolled back to generation 2" "steps further back instead of repeating the target"

rm -rf r/var/lib/twtune $F
run --root r apply v1.yaml; expect_rc 0 "apply v1 (generation 1)"
echo 60 >r/proc/sys/net/ipv4/tcp_fin_timeout # by hand
run --root r apply --no-persist v1.yaml; expect_rc 0 "apply --no-persist v1 puts it back (generation 2)"
run --root r rollback; expect_rc 0 "rollback with nothing to write"
expect_out "rolled back to generation 1 as generation 3" "still records that generation 1's state is current"
run --root r rollback; expect_rc 0 "rollback again"
expect_out "rolled back to generation 0 as generation 4" "so the next one steps further back"

# --- rollback restores the target generation's recorded file, byte for byte ----------------------
rm -rf r/var/lib/twtune $F
run --root r apply v1.yaml; expect_rc 0 "apply v1 (generation 1)"
cp $F gen1.conf
run --root r apply v2.yaml; expect_rc 0 "apply v2 (generation 2)"
cp $F gen2.conf
sed -i 's/= 45/= 50/' $F
run --root r verify; expect_rc 1 "verify: the hand edit is drift"
expect_out "-net.ipv4.tcp_fin_timeout = 45" "verify shows the recorded line"
expect_out "+net.ipv4.tcp_fin_timeout = 50" "and the edited one"
run --root r verify --boot; expect_rc 1 "verify --boot after the edit"
expect_out "the next boot sets 50 from /etc/sysctl.d/99-twtune.conf" "names what the next boot sets"
run --root r --format json apply --dry-run v2.yaml; expect_rc 0 "dry run with only the file edited"
expect_json '.changed == true and .persist.action == "change" and (.persist.diff | contains("+net.ipv4.tcp_fin_timeout = 45"))' "dry run: the file would change, as a diff"
cp $F edited.conf
cp out dry.json
run --root r apply v2.yaml; expect_rc 0 "apply v2 again rewrites the file"
if command -v patch >/dev/null; then # the oracle for the diff: patch(1) makes the file written of the file there
        jq -j .persist.diff dry.json >dry.patch
        patch -s -o patched.conf edited.conf dry.patch >/dev/null 2>&1 && cmp -s patched.conf $F &&
                ok "the dry run's diff, applied by patch(1) to the edited file, gives the file apply wrote" ||
                not_ok "patch(1) of the dry run's diff: $(cat dry.patch)"
fi
sed -i 's/= 45/= 55/' $F
run --root r rollback --dry-run; expect_rc 0 "rollback --dry-run"
expect_no_out '\x0a' "no literal \\x0a"
expect_out "is not the file the newest generation recorded" "notes the out-of-band edit it would replace"
run --root r rollback; expect_rc 0 "rollback"
cmp -s $F gen2.conf && ok "the file is generation 2's recorded bytes, not the edit" || not_ok "file: $(cat $F)"
run --root r verify --boot; expect_rc 0 "verify --boot clean after it"
rm $F
run --root r rollback --to 1; expect_rc 0 "rollback --to 1 with the file deleted by hand"
cmp -s $F gen1.conf && ok "--to 1 brings back generation 1's file" || not_ok "file after --to 1"

# --- the JSON contract of apply's persist object --------------------------------------------------
rm -rf r/var/lib/twtune $F
run --root r --format json apply --dry-run v1.yaml; expect_rc 0 "dry run, no file yet"
expect_json '.persist.path == "r/etc/sysctl.d/99-twtune.conf" and .persist.action == "create" and (.persist.diff | startswith("--- /dev/null\n+++ r/etc/sysctl.d/99-twtune.conf\n@@ -0,0 +1,5 @@\n+# Written by twtune"))' "create, with a unified diff"
run --root r --format json apply v1.yaml; expect_rc 0 "apply"
expect_json '.persist.action == "create" and .changed == true' "the real apply says the same"
run --root r --format json apply v1.yaml; expect_rc 0 "apply again"
expect_json '.persist.action == "none" and .persist.diff == ""' "nothing to write: none"
run --root r --format json rollback --dry-run; expect_rc 0 "rollback --dry-run json"
expect_json '.persist.action == "remove" and (.persist.diff | contains("+++ /dev/null"))' "rollback: remove"
run --root r apply --no-persist v2.yaml; expect_rc 0 "--no-persist"
run --root r --format json apply --no-persist --dry-run v1.yaml; expect_rc 0 "dry run --no-persist"
expect_json '.persist.action == "none"' "--no-persist leaves the file"

# --- an apply whose body a hand edit already wrote still writes the header that says its hash -----
# (walk seed 29 step 184: the file kept the old header, its sha256 line not the body's hash)
rm -rf r/var/lib/twtune $F
printf 'name: hh\nsysctl:\n  net.ipv4.tcp_keepalive_time: 600\n' >hh.yaml
run --root r apply v2.yaml; expect_rc 0 "apply v2"
sed -i '/tcp_fin_timeout/d' $F
run --root r --format json apply --dry-run hh.yaml; expect_rc 0 "dry run of a profile with the remaining line"
expect_json '.persist.action == "change"' "the dry run says the file changes (its header)"
run --root r apply hh.yaml; expect_rc 0 "apply it"
[ "$(sed -n 's/^# sha256: //p' $F)" = "$(grep -v '^#' $F | sha256sum | cut -d' ' -f1)" ] &&
        ok "the file's sha256 line is its body's hash" || not_ok "stale header: $(cat $F)"
run --root r verify; expect_rc 0 "verify is clean"

# --- a read-only mount with writable mode bits: the dry run predicts the EROFS --------------------
if unshare -n -m -p --fork --mount-proc true 2>/dev/null; then
        printf 'name: ro\nsysctl:\n  net.ipv4.tcp_fin_timeout: 33\n' >ro.yaml
        cat >ro.sh <<'EOS'
mount --bind /proc/sys /proc/sys && mount -o remount,bind,ro /proc/sys || echo "not ok - cannot mount /proc/sys read-only"
[ "$(stat -c %a /proc/sys/net/ipv4/tcp_fin_timeout)" = 644 ] && ok "the mode bits still say 0644" || not_ok "mode"
(printf '33\n' >/proc/sys/net/ipv4/tcp_fin_timeout) 2>/dev/null && not_ok "the kernel took the write" ||
        ok "the kernel refuses the write (the oracle)"
run --format json apply --dry-run ro.yaml; expect_rc 3 "apply --dry-run refuses it"
expect_json '.settings[0].status == "error" and (.settings[0].reason | contains("read-only mount"))' "naming the read-only mount"
EOS
        in_ns ro.sh
        printf 'name: v6off\nsysctl:\n  net.ipv6.conf.v0.disable_ipv6: 1\n  net.ipv4.tcp_fin_timeout: 33\n' >v6off.yaml
        cat >v6.sh <<'EOS'
ip link add v0 type veth peer name v1 && ip link set v0 up && ip -6 addr add 2001:db8::1/64 dev v0 nodad
run check v6off.yaml; expect_rc 0 "check passes, with a warning"
expect_out "disable-ipv6-drops-addresses" "check names the hazard"
run apply v6off.yaml; expect_rc 3 "a transaction with disable_ipv6 and another key is refused"
expect_err "--allow-address-loss" "naming the option"
ip -6 addr show dev v0 | grep -q 2001:db8::1 && ok "the address is still there" || not_ok "address gone"
TWTUNE_FAULT=fail:write:2 run apply --allow-address-loss v6off.yaml; expect_rc 4 "with the option, a failed write undoes it"
ip -6 addr show dev v0 | grep -q 2001:db8::1 && not_ok "the address came back?" ||
        ok "and the address is gone, as the warning said (the oracle)"
EOS
        in_ns v6.sh
        # A rollback gives an IPv4 interface that twtune once wrote itself its own value at the target
        # back, even where the first later record read it back as a dependent of conf.default (walk
        # seed 20261207 step 98): the interface no longer follows default, whose write cannot reach it.
        m=net.ipv4.conf.v0.log_martians
        printf 'name: a\nsysctl:\n  %s: 0\n' $m >m1.yaml
        printf 'name: b\nsysctl:\n  net.ipv4.tcp_fin_timeout: 33\n' >m2.yaml
        printf 'name: c\nsysctl:\n  net.ipv4.tcp_fin_timeout: 34\n' >m3.yaml
        printf 'name: d\nsysctl:\n  net.ipv4.conf.default.log_martians: 1\n' >m4.yaml
        printf 'name: e\nsysctl:\n  net.ipv4.conf.default.log_martians: 0\n  %s: 0\n' $m >m5.yaml
        cat >own.sh <<'EOS'
ip link add v0 type veth peer name v1
echo 1 >/proc/sys/net/ipv4/conf/v0/log_martians # by hand, before twtune: the baseline
for g in 1 2 3 4 5; do run apply m$g.yaml; expect_rc 0 "apply m$g (generation $g)"; done
run --format json history 4
expect_json '[.keys[] | select(.key == "net.ipv4.conf.v0.log_martians") | .role] == ["follows"]' "generation 4 read v0 back as a dependent"
[ "$(cat /proc/sys/net/ipv4/conf/v0/log_martians)" = 0 ] && ok "v0 is 0 now" || not_ok "v0 before the rollback"
run rollback --to 3; expect_rc 0 "rollback --to 3"
[ "$(cat /proc/sys/net/ipv4/conf/v0/log_martians)" = 1 ] && ok "v0 has generation 3's value again (the kernel's value)" ||
        not_ok "v0 is $(cat /proc/sys/net/ipv4/conf/v0/log_martians) after the rollback to 3, where it was 1"
run verify; expect_rc 0 "verify is clean"
EOS
        in_ns own.sh
        # verify --boot against a simulated reboot: the real systemd-sysctl in a fresh network
        # namespace over the same sysctl.d hierarchy (boot_values, lib.sh)
        printf 'name: b\nsysctl:\n  net.ipv4.tcp_fin_timeout: 33\n  net.ipv4.conf.all.forwarding: 1\n' >b.yaml
        cat >boot.sh <<'EOS'
ip link add v0 type veth peer name v1
base=$(boot_values net.ipv4.tcp_fin_timeout net.ipv4.conf.v0.forwarding)
run apply b.yaml; expect_rc 0 "apply (persisted)"
[ "$(boot_values net.ipv4.tcp_fin_timeout net.ipv4.conf.v0.forwarding | cut -f2 | tr '\n' ' ')" = "33 1 " ] &&
        ok "a reboot gives the values, the interface's forwarding too" || not_ok "reboot: $(boot_values net.ipv4.tcp_fin_timeout)"
run verify --boot; expect_rc 0 "verify --boot agrees"
run rollback; expect_rc 0 "rollback"
[ "$(boot_values net.ipv4.tcp_fin_timeout net.ipv4.conf.v0.forwarding)" = "$base" ] &&
        ok "a reboot now gives the values before twtune" || not_ok "reboot after rollback"
run verify --boot; expect_rc 0 "verify --boot agrees: clean"
run apply --no-persist b.yaml; expect_rc 0 "apply --no-persist"
[ "$(boot_values net.ipv4.tcp_fin_timeout | cut -f2)" != 33 ] && ok "a reboot loses the value" || not_ok "reboot kept it"
run verify --boot; expect_rc 1 "verify --boot agrees: drift"
expect_out "net.ipv4.tcp_fin_timeout: live 33, the next boot leaves the kernel's" "naming the value the boot gives"
# A baseline a hand write made is not what a boot gives (walk seed 7, all kinds): hand write 45, manage
# the key (baseline 45), then hold 45 live only. The oracle: the reboot's value.
run rollback --to 0; expect_rc 0 "back to before twtune"
echo 45 >/proc/sys/net/ipv4/tcp_fin_timeout
printf 'name: h1\nsysctl:\n  net.ipv4.tcp_fin_timeout: 30\n' >h1.yaml
printf 'name: h2\nsysctl:\n  net.ipv4.tcp_fin_timeout: 45\n' >h2.yaml
run apply --no-persist h1.yaml; expect_rc 0 "apply --no-persist over a hand write"
# An out-of-band change is reported by a rollback (dry run and real), never adopted silently.
echo 50 >/proc/sys/net/ipv4/tcp_fin_timeout
run --format json rollback --dry-run; expect_rc 0 "rollback --dry-run after a hand write"
expect_json '[.out_of_band[] | [.key, .live, .left, .overwritten]] == [["net.ipv4.tcp_fin_timeout", "50", "30", true]]' \
        "it names the hand-written key, its live value and the value twtune left"
run rollback; expect_rc 0 "rollback"
expect_out "net.ipv4.tcp_fin_timeout was changed outside twtune (live 50, twtune left 30)" "and says so in text"
echo 45 >/proc/sys/net/ipv4/tcp_fin_timeout
run apply --no-persist h1.yaml; expect_rc 0 "apply h1 again, over the hand write"
run apply --no-persist h2.yaml; expect_rc 0 "then 45, the baseline, live only"
reboot=$(boot_values net.ipv4.tcp_fin_timeout | cut -f2)
gen=$(sed -n 's/^const char kb_gen_kernel\[\] = "\(.*\)";/\1/p' "$SRCDIR/src/core/judge/kb/generated.h")
run verify --boot
if [ "$reboot" = 45 ]; then
        expect_rc 0 "verify --boot agrees with a reboot that keeps 45"
elif uname -r | grep -q "^$gen\."; then
        expect_rc 1 "verify --boot: a reboot gives $reboot, not the hand-written baseline 45"
        expect_out "the next boot leaves the kernel's $reboot" "naming the kernel's value"
else
        ok "verify --boot on a kernel the knowledge base was not read on # SKIP (falls back to the baseline)"
fi
EOS
        in_boot_ns boot.sh
fi
finish
