# SPDX-License-Identifier: MIT
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
expect_err "unknown option '--bogus'" "the option is named"
expect_no_err "did you mean" "nothing is near --bogus"
run keys --bogus; expect_rc 2 "unknown command option"
expect_err "twtune keys: unknown option '--bogus'" "named after the command too"
run apply --dryrun x.yaml; expect_rc 2 "a typo of an option"
expect_err "twtune apply: unknown option '--dryrun'; did you mean '--dry-run'?" "gets the nearest option"
run apply --wiat=3 x.yaml; expect_rc 2 "a typo with its value"
expect_err "unknown option '--wiat'; did you mean '--wait'?" "gets the option, without the value"
run check --stirct x.yaml; expect_rc 2 "a typo of a global option the command takes"
expect_err "unknown option '--stirct'; did you mean '--strict'?" "gets the global option"
run history --kernl 6.1; expect_rc 2 "a typo of a global option the command does not take"
expect_err "unknown option '--kernl'" "is unknown"
expect_no_err "did you mean" "and gets no suggestion"
run --kernl 6.1 check x.yaml; expect_rc 2 "a typo before the command"
expect_err "twtune: unknown option '--kernl'; did you mean '--kernel'?" "gets the nearest global option"
run apply --n x.yaml; expect_rc 2 "an abbreviation of two options"
expect_err "ambiguous option '--n'" "is ambiguous"
run stats --s; expect_rc 2 "an abbreviation of an option and a global one stats does not take"
expect_err "ambiguous option '--s'; did you mean '--source'?" "gets the one stats takes"
run apply -x x.yaml; expect_rc 2 "an unknown short option"
expect_err "unknown option '-x'" "is named"
# An option without its value, or with one it does not take, is named.
run apply --wait; expect_rc 2 "--wait without its value"
expect_err "twtune apply: --wait needs a value" "says so"
run --format; expect_rc 2 "--format without its value"
expect_err "twtune: --format needs a value" "says so before the command"
run apply --dry-run=yes x.yaml; expect_rc 2 "--dry-run with a value"
expect_err "twtune apply: --dry-run takes no value" "says so"
run rollback --to; expect_rc 2 "--to without its value"
expect_err "--to needs a value" "names --to"
run stats --source; expect_rc 2 "--source without its value"
expect_err "--source needs a value" "names --source"
run diff --against "" x.yaml; expect_rc 2 "an empty --against"
expect_err "--against needs a value" "is no value"
run advise --emit-profile ""; expect_rc 2 "an empty --emit-profile"
expect_err "--emit-profile needs a value" "is no value"
run history --netns ""; expect_rc 2 "an empty --netns"
expect_err "--netns needs a value" "is no value"
run --format yaml keys; expect_rc 2 "unknown format"
expect_err "twtune: --format takes text, json, github or prometheus, not 'yaml'" "bad format is named, with the option"
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
expect_err "--source is netlink or proc, not 'smoke'" "names --source"
run rollback --to x1; expect_rc 2 "bad --to"
expect_err "--to takes a generation number, not 'x1'" "names --to"
run apply --wait soon x.yaml; expect_rc 2 "bad --wait"
expect_err "--wait takes seconds from 0 to 86400, not 'soon'" "names --wait"
run stats extra; expect_rc 2 "stats with an argument"
expect_err "stats takes no arguments" "says it takes none"
run stats --by-remote abc; expect_rc 2 "--by-remote, then a word"
expect_err "twtune stats: --by-remote takes a number of remotes, not 'abc'" "the word is taken as its N"
run stats --by-remote=abc; expect_rc 2 "--by-remote=word"
expect_err "--by-remote takes a number of remotes, not 'abc'" "same message"
run stats --by-remote=0; expect_rc 2 "--by-remote=0"
expect_err "--by-remote takes a number of remotes, not '0'" "0 is no number of remotes"
run stats --by-remote -- -3; expect_rc 2 "a negative --by-remote"
expect_err "--by-remote takes a number of remotes, not '-3'" "is refused, not wrapped around"
run stats --by-remote=5 abc; expect_rc 2 "an operand beside --by-remote=N"
expect_err "stats takes no arguments" "is an operand"
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
# A held lock names the pid in it only while that process runs: flock(1) writes none, so the pid
# there may be an earlier twtune's, long gone.
if command -v flock >/dev/null; then
        mkroot lr
        printf 'sysctl:\n  net.ipv4.tcp_fin_timeout: 31\n' >l.yaml
        run --root lr apply l.yaml; expect_rc 0 "apply leaves its pid in the lock file"
        L=lr/var/lib/twtune/lock
        hold_lock "$L" 3
        holder=$HOLDER
        run --root lr apply l.yaml; expect_rc 5 "the lock is held"
        expect_err "/var/lib/twtune/lock is held by another process; give --wait SECONDS to wait for it" \
                "the earlier apply's pid, dead, is not named"
        echo 0 >"$L"
        run --root lr apply l.yaml; expect_rc 5 "held, with no pid in the lock file"
        expect_err "lock is held by another process;" "no pid is named"
        echo "$holder" >"$L"
        run --root lr apply l.yaml; expect_rc 5 "held by a process that runs"
        expect_err "lock is held by process $holder (flock); give --wait SECONDS" "its pid and name are"
        wait
else
        skip_part "the lock tests" "flock is not installed" util-linux
fi
# Another user than root writing what only root may is told that the command needs root.
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
        nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$TWTUNE" "$@" >out 2>err; RC=$?; }
        chmod 755 "$TMP"
        mkroot nr
        printf 'sysctl:\n  net.ipv4.tcp_fin_timeout: 31\n' >nr.yaml
        chmod 644 nr.yaml
        for c in apply rollback recover; do
                [ $c = apply ] && set -- nr.yaml || set --
                nobody --root nr $c "$@"; expect_rc 5 "$c as another user"
                expect_err "twtune $c: $c needs root: cannot open the state directory nr/var/lib/twtune: Permission denied" \
                        "$c says it needs root"
        done
        nobody --root nr apply --dry-run nr.yaml; expect_rc 0 "a dry run needs no root"
        # A state directory of that user's own (trusted: it is the caller's), but /etc and /proc/sys root's.
        mkdir -p nr/var/lib/twtune/generations
        chmod 700 nr/var/lib/twtune nr/var/lib/twtune/generations
        chown -R 65534:65534 nr/var/lib/twtune
        nobody --root nr apply nr.yaml; expect_rc 5 "persisting as another user"
        expect_err "twtune apply: apply needs root: cannot open the sysctl.d directory: Permission denied; nothing was changed" \
                "says it needs root"
        nobody --root nr apply --no-persist nr.yaml; expect_rc 4 "writing /proc/sys as another user"
        expect_err "twtune apply: apply needs root: net.ipv4.tcp_fin_timeout: Permission denied" "says it needs root"
        [ "$(cat nr/proc/sys/net/ipv4/tcp_fin_timeout)" = 60 ] && ok "and changed nothing" || not_ok "a value changed"
        chown -R 0:0 nr/var/lib/twtune
        run --root nr apply --no-persist nr.yaml; expect_rc 0 "root's own apply"
        expect_no_err "needs root" "does not say so"
else
        echo "# SKIP the needs-root checks run as root, with setpriv (util-linux)"
fi
run --root /nonexistent-root diff "$SRCDIR/profiles/base.yaml"; expect_rc 5 "missing --root is an environment error"
finish
