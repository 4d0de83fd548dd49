#!/bin/sh
# SPDX-License-Identifier: MIT
# What the next boot keeps: a later sysctl.d file that sets a profile's key to another value is
# shadowed-at-boot in diff and apply, drift for verify --boot; another file with the same value is
# also-set-by. Against a fake root, with systemd's rules (its systemd-sysctl stands below it).
. "$SRCDIR/tests/cli/lib.sh"

mkroot r
mkdir -p r/etc/sysctl.d r/usr/lib/sysctl.d r/lib/systemd && : >r/lib/systemd/systemd-sysctl
cat >p.yaml <<'EOF'
name: p
sysctl:
  net.ipv4.tcp_keepalive_time: 600
  net.ipv4.tcp_fin_timeout: 30
EOF
printf '# vendor default\nnet.ipv4.tcp_keepalive_time = 600\n' >r/usr/lib/sysctl.d/50-vendor.conf
run --root r apply p.yaml; expect_rc 0 "apply"
expect_out "also-set-by" "a vendor file setting the same value is noted"
expect_no_out "shadowed-at-boot" "nothing shadows it yet"
run --root r verify --boot; expect_rc 0 "verify --boot: the next boot keeps every value"

printf 'net.ipv4.tcp_fin_timeout = 45\n' >r/etc/sysctl.d/99-zz-local.conf
run --root r --format json diff p.yaml; expect_rc 0 "diff after a later file appears"
expect_json '[.findings[] | select(.code == "shadowed-at-boot")] | length == 1' "diff warns shadowed-at-boot"
expect_json '.findings[] | select(.code == "shadowed-at-boot") | .severity == "warning" and .key == "net.ipv4.tcp_fin_timeout" and .file == "/etc/sysctl.d/99-zz-local.conf" and .line == 1' "the finding carries the shadowing file and line"
run --root r verify; expect_rc 0 "verify without --boot: live and file still match"
expect_out "shadowed-at-boot" "but it warns"
run --root r verify --boot; expect_rc 1 "verify --boot: the next boot would not restore it"
expect_out "/etc/sysctl.d/99-zz-local.conf:1" "naming the file that wins"
run --root r --format github verify --boot; expect_rc 1 "verify --boot, github"
grep -q '^::error file=/etc/sysctl.d/99-zz-local.conf,line=1,title=twtune shadowed-at-boot::' out && ok "an ::error annotation names the file" || not_ok "github shadowed annotation"
run --root r --strict apply p.yaml; expect_rc 3 "apply --strict refuses a value the next boot would undo"
run --root r --format json boot; expect_rc 0 "boot"
expect_json '.rules == "systemd" and (.settings[] | select(.key == "net.ipv4.tcp_fin_timeout") | .value == "45" and .file == "/etc/sysctl.d/99-zz-local.conf" and (.overrides | map(.file) == ["/etc/sysctl.d/99-twtune.conf"]))' "boot: the later file wins and overrides twtune's"
expect_json '[.files[].path] == ["/usr/lib/sysctl.d/50-vendor.conf", "/etc/sysctl.d/99-twtune.conf", "/etc/sysctl.d/99-zz-local.conf"]' "files in application order"
run --root r boot --rules procps; expect_rc 0 "boot --rules procps"
expect_out "by procps rules" "says which rules"
run --root r boot --rules bsd; expect_rc 2 "--rules names the two it knows"
run --root r import --system; expect_rc 0 "import --system: the boot view as a profile"
expect_out "  net.ipv4.tcp_fin_timeout: 45" "with the value the next boot keeps"
expect_out "# from /etc/sysctl.d/99-zz-local.conf:1" "and where each setting comes from"
run --root r import --system -o sys.yaml; expect_rc 0 "import --system -o"
run --root r check sys.yaml; expect_rc 0 "the imported boot view checks clean"
run --root r import --system x.conf; expect_rc 2 "--system takes no files"
rm r/etc/sysctl.d/99-zz-local.conf
run --root r verify --boot; expect_rc 0 "without the later file verify --boot is clean again"
finish
