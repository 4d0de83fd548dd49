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
expect_json '.summary.error == 1 and .summary.warning == 2 and .summary.info == 2' "json summary (port-range-parity is info)"

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
run check u.yaml --against with.snap; expect_rc 0 "unknown key present in snapshot: info only"
expect_out "u.yaml:2:3: info:" "unknown-key info"
expect_out "1 integer: '65536'" "with what the snapshot shows"
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

# A typo of a known key, which no kernel twtune knows has: an error, with the key it meant.
printf 'sysctl:\n  net.ipv4.tcp_max_tw_bucket: 5000\n' >typo.yaml
run --kernel 6.1 check typo.yaml; expect_rc 3 "a typo is an error"
expect_out "error: net.ipv4.tcp_max_tw_bucket" "shown as an error"
expect_out "did you mean net.ipv4.tcp_max_tw_buckets?" "with the key it meant"
# A key without a separator cannot exist; extra fields on a one-value key are a warning (the kernel
# keeps the first: checked against the kernel below when namespaces are available).
printf 'tcp_fin_timeout = 30\nnet.ipv4.tcp_fin_timeout = 33 44\n' >strict.conf
run --kernel 6.18 check strict.conf; expect_rc 3 "a key without a separator is an error"
expect_out "strict.conf:1:1: error: tcp_fin_timeout has no separator" "bad-key"
expect_out "strict.conf:2:1: warning: net.ipv4.tcp_fin_timeout: 2 fields, but the key holds 1; the kernel keeps the first 1" "extra-fields"
if unshare -n true 2>/dev/null; then
        v=$(unshare -n sh -c 'echo "33 44" >/proc/sys/net/ipv4/tcp_fin_timeout && cat /proc/sys/net/ipv4/tcp_fin_timeout')
        [ "$v" = 33 ] && ok "the kernel keeps the first of two fields (a fresh namespace reads back $v)" ||
                not_ok "the kernel read back '$v' for '33 44'"
        # apply takes such a line as sysctl -p does: the kernel keeps 33, and that is what was asked.
        printf 'net.ipv4.tcp_fin_timeout = 33 44\n' >extra.conf
        v=$(unshare -n -m sh -c 'mount -t tmpfs tmpfs /etc/sysctl.d && mount -t tmpfs tmpfs /var/lib &&
                "$1" apply --no-persist extra.conf >/dev/null 2>&1 && cat /proc/sys/net/ipv4/tcp_fin_timeout' sh "$TWTUNE")
        [ "$v" = 33 ] && ok "apply of a value with an extra field leaves what sysctl -p leaves" ||
                not_ok "apply of '33 44': '$v'"
fi
finish
