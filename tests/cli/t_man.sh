# SPDX-License-Identifier: MIT
# The man pages: twtune(8) and twtune-profile(5) render with `man --warnings` (groff -ww) and lint
# with mandoc without a warning, and document what the binary and the sources define: every
# command, every option of every command's --help, every exit code of `twtune --help`, every
# environment variable the sources read, the files twtune reads and writes, every profile field.
. "$SRCDIR/tests/cli/lib.sh"

MAN8=$SRCDIR/packaging/man/twtune.8
MAN5=$SRCDIR/packaging/man/twtune-profile.5
require_tools "man-db groff-base mandoc" man groff mandoc

# render PAGE: man's own rendering with every groff warning on; its stderr in ./err.
render() { MANWIDTH=80 man --warnings -E UTF-8 -l "$1" >out 2>err; RC=$?; }
# lint PAGE: mandoc's checks down to warnings (not style); its findings in ./err.
lint() { mandoc -T lint -W warning "$1" >err 2>&1; RC=$?; }

for page in "$MAN8" "$MAN5"; do
        name=${page##*/}
        render "$page"
        if [ "$RC" -eq 0 ] && [ ! -s err ]; then ok "$name: man --warnings renders it without a warning"
        else not_ok "$name: man --warnings (exit $RC)"; fi
        grep -q 'EXIT STATUS\|DESCRIPTION' out && ok "$name: the rendering has its sections" \
                || not_ok "$name: nothing rendered"
        lint "$page"
        if [ "$RC" -eq 0 ]; then ok "$name: mandoc -T lint finds no warning"
        else not_ok "$name: mandoc -T lint (exit $RC): $(head -5 err)"; fi
done

# The controls: a page with a defect makes both checks fail, so a silent pass means something.
sed 's/^\.Sh DESCRIPTION$/.Sh DESCRIPTION\n.Bogus request\n.Fl/' "$MAN8" >broken.8
render broken.8
[ -s err ] && ok "control: man --warnings reports a defective page" || not_ok "control: man --warnings saw nothing wrong"
lint broken.8
[ "$RC" -ne 0 ] && ok "control: mandoc reports a defective page" || not_ok "control: mandoc saw nothing wrong"

# section NAME PAGE: the source lines of one .Sh section.
section() { awk -v s=".Sh $1" '$0 == s { on = 1; next } /^\.Sh / { on = 0 } on' "$2"; }
synopsis=$(section SYNOPSIS "$MAN8")

# Every command: a subsection of its own and a line in the synopsis.
"$TWTUNE" --help >help.txt
commands=$(sed -n '/^commands:/,/^$/s/^  \([a-z][a-z0-9-]*\) .*/\1/p' help.txt)
[ "$(echo "$commands" | wc -l)" -ge 14 ] && ok "twtune --help lists the commands" || not_ok "commands: $commands"
for c in $commands; do
        grep -qx "\.Ss $c" "$MAN8" && ok "twtune(8) has a subsection for $c" || not_ok "twtune(8) has no '.Ss $c'"
        echo "$synopsis" | grep -qx "\.Cm $c" && ok "the synopsis shows $c" || not_ok "the synopsis lacks $c"
done

# Every option: those of twtune --help and of each command's --help, as .Fl (long and short).
opts() { grep -oE '^ +(-[A-Za-z], )?--[a-z0-9-]+' | sed 's/^ *//; s/, / /'; }
{
        opts <help.txt
        for c in $commands; do "$TWTUNE" "$c" --help | opts; done
} | tr ' ' '\n' | sort -u >options
[ "$(wc -l <options)" -ge 30 ] && ok "$(wc -l <options) options read from the help" || not_ok "options: $(cat options)"
while read -r o; do
        case $o in
        --*) pat="Fl -${o#--}" ;;
        *) pat="Fl ${o#-}" ;;
        esac
        grep -qE "(^|[ .])$pat( |$)" "$MAN8" && ok "twtune(8) documents $o" || not_ok "twtune(8) does not document $o ('$pat')"
done <options
# ... and each command's own options in its synopsis line.
for c in $commands; do
        # "-o, --output" as "-o" or "--output"; the global options are in the first synopsis line.
        own=$("$TWTUNE" "$c" --help | sed -n '/^options:/,$p' | opts | grep -vE -- \
                '--(format|kernel|memory|root|allow-absolute-extends|strict|quiet|verbose|help)$' | tr ' ' '|')
        block=$(echo "$synopsis" | awk -v c=".Cm $c" '$0 == c { on = 1; next } /^\.Nm$/ { on = 0 } on')
        for o in $own; do
                alts=$(echo "$o" | sed 's/--\([a-z0-9-]*\)/-\1/g; s/-\([A-Za-z0-9]\)\(|\|$\)/\1\2/g')
                echo "$block" | grep -qE "Fl ($alts)( |$)" && ok "the synopsis of $c shows $o" \
                        || not_ok "the synopsis of $c lacks $o"
        done
done

# Every exit code twtune --help names, in EXIT STATUS.
codes=$(tr '\n' ' ' <help.txt | grep -oE 'Exit codes: .*' | grep -oE '(^|, |: )[0-9]+ ' | grep -oE '[0-9]+')
[ "$(echo "$codes" | wc -l)" -ge 8 ] && ok "exit codes read from twtune --help: $(echo $codes)" || not_ok "exit codes: $codes"
status=$(section "EXIT STATUS" "$MAN8")
for n in $codes; do
        echo "$status" | grep -qx "\.It $n" && ok "EXIT STATUS documents $n" || not_ok "EXIT STATUS lacks $n"
done
grep -qE 'EXIT_[A-Z_]+ = '"$(echo "$codes" | tail -1)"',' "$SRCDIR/src/cli/cli.h" && ok "the last code is the last in cli.h" \
        || not_ok "cli.h defines a code past $(echo "$codes" | tail -1)"

# Every environment variable the sources read.
envs=$(grep -rhoE 'getenv\("[A-Z_]+"\)' "$SRCDIR/src" | grep -oE '[A-Z_]{2,}' | sort -u)
environment=$(section ENVIRONMENT "$MAN8")
for v in $envs; do
        echo "$environment" | grep -qx "\.It Ev $v" && ok "ENVIRONMENT documents $v" || not_ok "ENVIRONMENT lacks $v"
done

# The files: what twtune writes, reads and installs.
files=$(section FILES "$MAN8")
for f in /etc/sysctl.d/99-twtune.conf /var/lib/twtune/lock /var/lib/twtune/journal /var/lib/twtune/generations/N \
        /etc/twtune/profiles /usr/share/twtune/profiles /etc/sysctl.d /run/sysctl.d /usr/local/lib/sysctl.d \
        /usr/lib/sysctl.d /lib/sysctl.d /etc/sysctl.conf twtune-verify.service twtune-verify.timer; do
        echo "$files" | grep -qE "^\.It Pa $f( |$)" && ok "FILES documents $f" || not_ok "FILES lacks $f"
done
# boot's directories are the ones the sources search.
for d in $(sed -n 's/^static const char \*const dirs\[\] = {\(.*\)/\1/p' "$SRCDIR/src/core/boot/boot.c" | grep -oE '"/[^"]+"' | tr -d '"'); do
        echo "$files" | grep -qE "^\.It Pa $d( |$)" && ok "FILES documents boot's $d" || not_ok "FILES lacks boot's $d"
done

# twtune-profile(5): every top-level field and every field of a setting the loader accepts.
# (top_fields in profile.c, a setting's fields in profile_setting.c)
fields=$(sed -n 's/.*const char \*const \(top_fields\|fields\)\[\] = {\(.*\)};/\2/p' "$SRCDIR/src/core/profile/profile.c" \
        "$SRCDIR/src/core/profile/profile_setting.c" | grep -oE '"[a-z_]+"' | tr -d '"')
[ "$(echo "$fields" | wc -w)" -ge 10 ] && ok "profile fields read from the loader: $(echo $fields)" || not_ok "fields: $fields"
for f in $fields; do
        grep -qx "\.It Cm $f" "$MAN5" && ok "twtune-profile(5) documents $f" || not_ok "twtune-profile(5) lacks '.It Cm $f'"
done

# Both name each other, and the dates agree with the version's changelog.
grep -q '^\.Xr twtune-profile 5' "$MAN8" && ok "twtune(8) refers to twtune-profile(5)" || not_ok "no Xr twtune-profile 5"
grep -q '^\.Xr twtune 8' "$MAN5" && ok "twtune-profile(5) refers to twtune(8)" || not_ok "no Xr twtune 8"

finish
