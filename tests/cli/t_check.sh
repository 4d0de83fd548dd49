# SPDX-License-Identifier: MIT
# check on the shipped profiles and on the seed's sysctl.conf, in every output format.
. "$SRCDIR/tests/cli/lib.sh"
P=$SRCDIR/profiles

for k in 4.19 5.4 6.1 6.18; do
        run --kernel "$k" check "$P/base.yaml" "$P/web-server.yaml" "$P/reverse-proxy.yaml"
        expect_rc 0 "shipped profiles pass on $k"
        expect_out "3 profiles checked: 0 errors, 0 warnings" "shipped profiles are clean on $k"
done
run --kernel 4.9 check "$P/web-server.yaml"; expect_rc 3 "web-server refuses kernel 4.9"
expect_out "base.yaml:5:9: error: the profile requires kernel >= 4.12" "requirement reported at its line"

SEED=$P/examples/seed-sysctl-conf.yaml
run --kernel 6.18 check "$SEED"; expect_rc 3 "seed sysctl.conf is rejected on 6.18"
expect_out "$SEED:10:3: error: net.ipv4.tcp_tw_recycle was removed in Linux 4.12" "tcp_tw_recycle: removed-in-kernel at 10:3"
expect_out "NAT" "the removal is explained (NAT)"
expect_out "[removed-in-kernel]" "code removed-in-kernel"
expect_out "$SEED:13:3: warning:" "port range flagged at 13:3"
expect_out "[port-range-parity]" "code port-range-parity"
expect_out "[fin-timeout-is-not-time-wait]" "code fin-timeout-is-not-time-wait"
expect_out "[tw-buckets-too-low]" "code tw-buckets-too-low"
run --kernel 4.9 check "$SEED"; expect_rc 0 "on 4.9 the seed only warns"
expect_out "[tw-recycle-nat]" "tw_recycle NAT hazard on 4.9"
expect_no_out "[removed-in-kernel]" "no removal finding on 4.9"

# The running kernel is read from --root when --kernel is absent.
mkroot root 4.14.0
run --root root check "$SEED"; expect_rc 3 "kernel 4.14 from the root's kernel.osrelease"
mkroot old 4.9.0
run --root old check "$SEED"; expect_rc 0 "kernel 4.9 from the root's kernel.osrelease"

run --kernel 6.18 --format json check "$SEED"; expect_rc 3 "json exit code"
expect_json '.format == 1 and .kernel == "6.18"' "json header"
expect_json '[.findings[] | select(.code == "removed-in-kernel" and .severity == "error" and .line == 10 and .column == 3 and .key == "net.ipv4.tcp_tw_recycle")] | length == 1' "json finding fields"
expect_json '.summary.error == 1 and .summary.warning == 3 and .summary.info == 1' "json summary"

run --kernel 6.18 check --format github "$SEED"; expect_rc 3 "github exit code"
expect_out "::error file=$SEED,line=10,col=3,title=twtune removed-in-kernel::net.ipv4.tcp_tw_recycle" "github annotation"
expect_out "::warning file=$SEED,line=13,col=3" "github warning"
expect_out "::notice file=$SEED,line=11,col=3" "github notice for info"

run --kernel 6.18 --quiet check "$SEED"; expect_rc 3 "quiet exit code"
expect_out "warning" "quiet keeps warnings: they need attention"; expect_no_out ": info:" "quiet hides info findings"
expect_out "error:" "quiet keeps errors"

# --against: unknown keys are resolved against the snapshot.
cat >u.yaml <<'Y'
sysctl:
  dev.raid.speed_limit_max: 262144
Y
printf 'kernel.osrelease = 6.1.0\ndev.raid.speed_limit_max = 65536\n' >with.snap
printf 'kernel.osrelease = 6.1.0\n' >without.snap
run check u.yaml --against with.snap; expect_rc 0 "unknown key present in snapshot: warning only"
expect_out "u.yaml:2:3: warning:" "unknown-key warning"
run check u.yaml --against without.snap; expect_rc 3 "unknown key absent from snapshot: error"
expect_out "[unknown-key]" "unknown-key code"
run check u.yaml --against with.snap --live; expect_rc 2 "--against and --live together"

# A profile on standard input.
printf 'sysctl:\n  net.ipv4.tcp_tw_reuse: 5\n' | "$TWTUNE" --kernel 6.1 check - >out 2>err; RC=$?
expect_rc 3 "profile from standard input"
expect_out "<stdin>:2:3: error: net.ipv4.tcp_tw_reuse: 5 is outside 0..2" "stdin errors are placed"
cat "$SRCDIR/profiles/examples/seed-sysctl-conf.yaml" | "$TWTUNE" --kernel 6.18 check - >out 2>err; RC=$?
expect_rc 3 "the seed on standard input"
expect_out "<stdin>:10:3: error: net.ipv4.tcp_tw_recycle was removed" "same findings as from the file"

# A typo passes CI only without --strict; it gets a guess either way.
printf 'sysctl:\n  net.ipv4.tcp_max_tw_bucket: 5000\n' >typo.yaml
run --kernel 6.1 check typo.yaml; expect_rc 0 "a typo is a warning"
expect_out "did you mean net.ipv4.tcp_max_tw_buckets?" "with the key it meant"
run --kernel 6.1 --strict check typo.yaml; expect_rc 3 "--strict makes it an error"
expect_out "error: net.ipv4.tcp_max_tw_bucket" "shown as an error"
finish
