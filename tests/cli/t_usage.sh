# Usage, help, version and exit code 2 for every kind of bad invocation.
. "$SRCDIR/tests/cli/lib.sh"

run; expect_rc 2 "no command"
for c in advise apply check diff explain history keys recover rollback stats verify; do
        run --help; expect_out "  $c " "--help lists $c"
        run "$c" --help; expect_rc 0 "$c --help"
        expect_out "usage: twtune $c" "$c --help shows its usage"
        run help "$c"; expect_rc 0 "help $c"
done
run --version; expect_rc 0 "--version"
expect_out "twtune 0." "--version prints the version"
run frobnicate; expect_rc 2 "unknown command"
expect_err "no command 'frobnicate'" "unknown command is named"
expect_no_err "did you mean" "nothing is near frobnicate"
run dif; expect_rc 2 "a typo of a command"
expect_err "twtune: no command 'dif'; did you mean 'diff'?" "gets the nearest command"
run hist; expect_rc 2 "a prefix of a command"
expect_err "no command 'hist'; did you mean 'history'?" "gets the command it begins"
run histroy; expect_rc 2 "two letters swapped"
expect_err "did you mean 'history'?" "count as one edit"
run hlep; expect_rc 2 "a typo of help"
expect_err "did you mean 'help'?" "gets help"
run help dif; expect_rc 2 "help of a typo"
expect_err "twtune: no command 'dif'; did you mean 'diff'?" "help suggests too"
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
run apply; expect_rc 2 "apply without a profile"
run --kernel 4.9 apply x.yaml; expect_rc 2 "apply refuses --kernel"
expect_err "twtune apply: apply does not take --kernel" "it names the option"
run rollback --to banana; expect_rc 2 "rollback --to needs a number"
run history extra; expect_rc 2 "history with an argument"
run verify a.yaml b.yaml; expect_rc 2 "verify with two profiles"
run stats --source smoke; expect_rc 2 "bad --source"
run stats extra; expect_rc 2 "stats with an argument"
run advise a.yaml b.yaml; expect_rc 2 "advise with two profiles"
# A command takes, and its help lists, only the global options it uses.
run history --kernel 6.1; expect_rc 2 "history refuses --kernel"
expect_err "twtune history: history does not take --kernel" "naming it"
run --kernel 6.1 history; expect_rc 2 "also before the command"
expect_err "history does not take --kernel" "naming it there too"
run stats --strict; expect_rc 2 "stats refuses --strict"
expect_err "stats does not take --strict" "naming it"
run --allow-absolute-extends keys; expect_rc 2 "keys refuses --allow-absolute-extends"
expect_err "keys does not take --allow-absolute-extends" "naming it"
run keys --version; expect_rc 2 "--version is not a command's"
expect_err "keys does not take --version" "naming it"
run --kernel 6.1 --strict --allow-absolute-extends check --help; expect_rc 0 "check takes them all"
for c in advise apply check diff explain history keys recover rollback stats verify; do
        run "$c" --help
        for o in "--format text|json|github" "--root DIR" "-q, --quiet" "-h, --help"; do
                expect_out "$o" "$c --help lists $o"
        done
        case $c in check | diff | verify | advise) expect_out "--kernel VERSION" "$c --help lists --kernel" ;;
        *) expect_no_out "--kernel" "$c --help leaves out --kernel" ;; esac
        case $c in check | diff | verify | advise | apply)
                expect_out "--strict" "$c --help lists --strict"
                expect_out "--allow-absolute-extends" "$c --help lists --allow-absolute-extends" ;;
        *)
                expect_no_out "--strict" "$c --help leaves out --strict"
                expect_no_out "--allow-absolute-extends" "$c --help leaves out --allow-absolute-extends" ;;
        esac
done
run --root /nonexistent-root diff "$SRCDIR/profiles/base.yaml"; expect_rc 5 "missing --root is an environment error"
finish
