# SPDX-License-Identifier: MIT
# diff against a fake root and against a snapshot, in every format, with --exit-code.
. "$SRCDIR/tests/cli/lib.sh"
P=$SRCDIR/profiles
mkroot root
before=$(tree_digest root)

run --root root diff "$P/web-server.yaml"; expect_rc 0 "diff web-server"
expect_out "KEY" "header"
run --root root diff "$P/reverse-proxy.yaml"; expect_rc 0 "diff reverse-proxy"
grep -Eq '^net\.ipv4\.ip_local_port_range +32768 60999 +32768 65535 +change$' out && ok "port range row (tab shown as space)" || not_ok "port range row"
expect_no_out "port-range-covers-service-port" "no shipped profile puts a service port in the range"
run --root root diff "$P/web-server.yaml"
grep -Eq '^net\.core\.somaxconn +4096 +>=8192 +change$' out && ok "at_least row" || not_ok "at_least row"
grep -Eq '^net\.ipv4\.tcp_syncookies +1 +1 +ok$' out && ok "ok row" || not_ok "ok row"
expect_out "diff: " "summary line"
expect_no_out "$(printf '\033')" "no colour when stdout is not a terminal"
run --root root diff --exit-code "$P/web-server.yaml"; expect_rc 1 "--exit-code with drift"
[ "$(tree_digest root)" = "$before" ] && ok "diff wrote nothing" || not_ok "diff changed the root"

cat >same.yaml <<'Y'
sysctl:
  net.ipv4.ip_local_port_range: [32768, 60999]
  net.ipv4.tcp_fin_timeout: "0x3c"
  net.core.somaxconn: {at_least: 1024}
  net.ipv4.tcp_tw_recycle: {value: 0, when: "kernel < 4.12"}
  net.netfilter.nf_conntrack_max: {value: 262144, optional: true}
Y
run --root root diff --exit-code same.yaml; expect_rc 0 "--exit-code without drift"
grep -Eq '^net\.ipv4\.tcp_tw_recycle .* skip \(condition false: kernel < 4\.12\)$' out && ok "condition skip with reason" || not_ok "condition skip"
grep -Eq '^net\.netfilter\.nf_conntrack_max .* skip \(absent on the target \(optional\)\)$' out && ok "optional absent key skipped" || not_ok "optional skip"

run --root root --format json diff "$P/reverse-proxy.yaml"; expect_rc 0 "json diff"
expect_json '.format == 1 and .profile == "reverse-proxy" and .target == "live" and .kernel == "6.1"' "json header"
expect_json '[.settings[] | select(.key == "net.ipv4.tcp_tw_reuse" and .current == "2" and .desired == "1" and .status == "change")] | length == 1' "json change row"
expect_json '[.settings[] | select(.key == "net.ipv4.tcp_tw_reuse_delay" and .status == "skip")] | length == 1' "tw_reuse_delay skipped on 6.1"
expect_json '.settings | all(.source | test("^.*\\.yaml:[0-9]+$"))' "every row has a file:line source"
expect_json '.settings[] | select(.key == "net.ipv4.tcp_tw_reuse") | .source | endswith("reverse-proxy.yaml:19")' "source points at the defining line"
expect_json '.summary.change >= 5 and .summary.error == 0 and (.summary | keys == ["change","drift","error","follows","ok","restore","skip","write-only"])' "json summary"
expect_json '.findings | type == "array"' "json findings array"

# A snapshot taken on another host: its kernel comes from kernel.osrelease.
cat >host.snap <<'S'
kernel.osrelease = 4.9.0-19-amd64
net.ipv4.tcp_tw_recycle = 1
net.ipv4.tcp_tw_reuse = 0
net.ipv4.tcp_timestamps = 0
S
cat >legacy.yaml <<'Y'
sysctl:
  net.ipv4.tcp_tw_recycle: {value: 0, when: "kernel < 4.12"}
  net.ipv4.tcp_tw_reuse: 1
Y
run diff --against host.snap --format json legacy.yaml; expect_rc 0 "snapshot diff"
expect_json '.target == "snapshot" and .kernel == "4.9"' "snapshot kernel from kernel.osrelease"
expect_json '[.settings[] | select(.key == "net.ipv4.tcp_tw_recycle" and .status == "change")] | length == 1' "condition true on 4.9"
expect_json '[.findings[] | select(.code == "reuse-needs-timestamps")] | length == 1' "timestamps off on the target"
run diff --against host.snap --kernel 6.1 legacy.yaml; expect_rc 0 "--kernel overrides the snapshot's kernel"
grep -Eq '^net\.ipv4\.tcp_tw_recycle .* skip' out && ok "condition false for 6.1" || not_ok "condition with --kernel"
printf 'not a sysctl line\n' >broken.snap
run diff --against broken.snap legacy.yaml; expect_rc 2 "malformed snapshot"
expect_err "broken.snap:1: expected 'key = value'" "snapshot error names the line"
run diff --against nowhere.snap legacy.yaml; expect_rc 5 "missing snapshot"

# Errors in the profile make the exit code 3 even with drift.
printf 'sysctl:\n  net.ipv4.tcp_tw_reuse: 1\n  net.ipv4.tcp_syncookies: 1\n  net.ipv4.no_such_key: 1\n' >err.yaml
run --root root diff --exit-code err.yaml; expect_rc 3 "error finding beats drift"
grep -Eq '^net\.ipv4\.no_such_key +- +1 +error' out && ok "error row" || not_ok "error row"

run --root root --quiet diff "$P/web-server.yaml"; expect_rc 0 "quiet diff"
expect_no_out " ok" "quiet hides ok rows"
expect_out "change" "quiet keeps changes"

run --root root --format github diff "$P/examples/seed-sysctl-conf.yaml"; expect_rc 3 "github diff"
expect_out "::error file=$P/examples/seed-sysctl-conf.yaml,line=10,col=3" "github annotation from diff"
expect_no_out "diff: " "github format prints workflow commands only: no table, no summary (issue 20)"
! grep -Ev '^::(error|warning|notice) ' out >/dev/null && ok "every line a workflow command" || not_ok "other lines in github format"
expect_no_out ": error:" "no plain-text findings in github format"

# Colour: on a terminal, unless NO_COLOR is set.
if command -v script >/dev/null 2>&1; then
        script -qec "$TWTUNE --root root diff $P/web-server.yaml" /dev/null >tty.out 2>&1
        grep -q "$(printf '\033')\[" tty.out && ok "colour on a terminal" || not_ok "no colour on a terminal"
        NO_COLOR=1 script -qec "$TWTUNE --root root diff $P/web-server.yaml" /dev/null >tty.out 2>&1
        grep -q "$(printf '\033')\[" tty.out && not_ok "colour despite NO_COLOR" || ok "NO_COLOR honoured"
else
        skip_part "colour on a terminal" "script(1) is not installed" bsdutils
fi
finish
