# Usage, help, version and exit code 2 for every kind of bad invocation.
. "$SRCDIR/tests/cli/lib.sh"

run; expect_rc 2 "no command"
for c in check diff explain keys; do
        run --help; expect_out "  $c " "--help lists $c"
        run "$c" --help; expect_rc 0 "$c --help"
        expect_out "usage: twtune $c" "$c --help shows its usage"
        run help "$c"; expect_rc 0 "help $c"
done
run --version; expect_rc 0 "--version"
expect_out "twtune 0." "--version prints the version"
run frobnicate; expect_rc 2 "unknown command"
expect_err "no command 'frobnicate'" "unknown command is named"
run --bogus keys; expect_rc 2 "unknown global option"
run keys --bogus; expect_rc 2 "unknown command option"
run --format yaml keys; expect_rc 2 "unknown format"
expect_err "unknown format 'yaml'" "bad format is named"
run --kernel banana check x.yaml; expect_rc 2 "bad --kernel"
run check; expect_rc 2 "check without a profile"
run diff; expect_rc 2 "diff without a profile"
run diff a.yaml b.yaml; expect_rc 2 "diff with two profiles"
run explain; expect_rc 2 "explain without a key"
run keys extra; expect_rc 2 "keys with an argument"
run --root /nonexistent-root diff "$SRCDIR/profiles/base.yaml"; expect_rc 5 "missing --root is an environment error"
finish
