# SPDX-License-Identifier: MIT
# The bash completion (packaging/completion/twtune.bash): driven through COMP_WORDS/COMP_CWORD
# as bash splits a line, alone and under the bash-completion package, then typed with TAB into a
# real interactive bash on a pseudo-terminal. Candidates are compared exactly.
. "$SRCDIR/tests/cli/lib.sh"

COMPLETION=$SRCDIR/packaging/completion/twtune.bash
require_tools bash bash
BC=/usr/share/bash-completion/bash_completion
if [ ! -f "$BC" ] && [ -n "${CI:-}" ]; then
        not_ok "bash-completion is not installed (CI installs it)"
fi

# The driver: LINE is split as bash does with the default COMP_WORDBREAKS (blanks, and '=' as a
# word of its own), the cursor at its end; it prints the candidates sorted, one a line.
cat >drive.bash <<'EOF'
[ -n "$WITH_BC" ] && . "$WITH_BC"
. "$COMPLETION"
line=$1
read -ra toks <<<"$line"
COMP_WORDS=()
for t in "${toks[@]}"; do
        while [[ $t == *=* ]]; do
                [[ -n ${t%%=*} ]] && COMP_WORDS+=("${t%%=*}")
                COMP_WORDS+=("=")
                t=${t#*=}
        done
        [[ -n $t ]] && COMP_WORDS+=("$t")
done
[[ $line == *' ' ]] && COMP_WORDS+=("")
COMP_WORDS[0]=$TWTUNE
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
COMP_LINE="$TWTUNE ${line#* }" COMP_POINT=${#COMP_LINE}
_twtune
printf '%s\n' "${COMPREPLY[@]}" | sort -u
EOF

# candidates LINE: the candidates for LINE ("twtune ..."), one a line; stderr in $TMP/comp.err.
candidates() {
        COMPLETION=$COMPLETION TWTUNE=$TWTUNE WITH_BC=${WITH_BC:-} bash --norc --noprofile "$TMP/drive.bash" "$1" 2>"$TMP/comp.err"
}
# comp LINE EXPECTED DESCRIPTION: the candidates for LINE, space-separated, are EXPECTED.
comp() {
        got=$(candidates "$1" | tr '\n' ' ' | sed 's/ $//')
        if [ "$got" = "$2" ] && [ ! -s "$TMP/comp.err" ]; then ok "${MODE}$3"
        else not_ok "${MODE}$3: '$1' gave '$got', expected '$2'$( [ -s "$TMP/comp.err" ] && echo "; stderr: $(head -3 "$TMP/comp.err")")"
        fi
}

# A working directory with profiles, other files and a directory; a profile path, and a root
# with an administrator's profile.
mkdir -p work/sub work/pp root/etc/twtune/profiles
touch work/a.yaml work/b.yml 'work/c d.txt' work/pp/web-x.yaml root/etc/twtune/profiles/rootprof.yaml
mkroot root
cd work || exit 1
export TWTUNE_PROFILE_PATH="$TMP/work/pp"

COMMANDS='advise apply boot check diff explain help history import keys profiles recover rollback stats verify'
GLOBALS='--allow-absolute-extends --format --help --kernel --memory --quiet --root --strict --verbose --version'
# The long options each command's --help lists, read with grep rather than the completion's parser.
help_opts() { "$TWTUNE" "$1" --help | grep -oE '^ +(-[A-Za-z], )?--[a-z0-9-]+' | grep -oE -- '--[a-z0-9-]+' | sort | tr '\n' ' ' | sed 's/ $//'; }
KEYS_TW=$("$TWTUNE" keys | grep '^net\.ipv4\.tcp_tw' | tr '\n' ' ' | sed 's/ $//')
NKEYS=$("$TWTUNE" keys | wc -l)

run_cases() {
        comp "twtune " "$COMMANDS" "the commands, and help"
        comp "twtune d" "diff" "a command by its start"
        comp "twtune --" "$GLOBALS" "the global options before the command"
        comp "twtune --format " "github json prometheus text" "--format's values"
        comp "twtune --format=" "github json prometheus text" "--format='s values"
        comp "twtune --format=j" "json" "--format=j"
        comp "twtune --format json " "$COMMANDS" "a command after a global option and its value"
        comp "twtune --format=json --root / di" "diff" "a command after --opt=value and --opt value"
        comp "twtune --root " "pp sub" "--root: directories only"
        comp "twtune --kernel " "" "--kernel: nothing to offer"
        comp "twtune help " "$(echo "$COMMANDS" | sed 's/ help//')" "help: the commands"
        comp "twtune help diff " "" "help takes one command"
        comp "twtune frob --" "" "an unknown command: nothing, and no error"
        for c in $(echo "$COMMANDS" | sed 's/ help//'); do
                comp "twtune $c --" "$(help_opts "$c")" "$c --: the options its --help lists"
        done
        comp "twtune apply --" "--allow-absolute-extends --allow-address-loss --dry-run --format --help --netns --no-persist --quiet --root --strict --verbose --wait" \
                "apply --: exactly its options and the globals it takes"
        comp "twtune diff --format json --e" "--exit-code" "an option after a global option's value"
        comp "twtune --root / diff --e" "--exit-code" "an option after --root DIR before the command"
        comp "twtune apply " "a.yaml b.yml pp sub web-x" "PROFILE: yaml files, directories, names on the path"
        comp "twtune apply w" "web-x" "PROFILE: a name on TWTUNE_PROFILE_PATH"
        comp "twtune --root $TMP/root apply r" "rootprof" "PROFILE: a name in the --root's /etc/twtune/profiles"
        comp "twtune --root=$TMP/root apply r" "rootprof" "PROFILE: the same with --root=DIR"
        comp "twtune check a.yaml " "a.yaml b.yml pp sub web-x" "check takes PROFILE..."
        comp "twtune diff a.yaml " "" "diff takes one PROFILE"
        comp "twtune diff --against " "a.yaml b.yml c d.txt pp sub" "--against FILE: any file"
        comp "twtune diff --against=c" "c d.txt" "--against=FILE"
        comp "twtune diff --against snap a" "a.yaml" "the operand after an option's argument"
        comp "twtune import " "a.yaml b.yml c d.txt pp sub" "import FILE..."
        comp "twtune import -o " "a.yaml b.yml c d.txt pp sub" "import -o FILE"
        comp "twtune import -o out.yaml c" "c d.txt" "import's operand after -o FILE"
        comp "twtune explain net.ipv4.tcp_tw" "$KEYS_TW" "explain: knowledge-base keys"
        comp "twtune explain tcp_fin" "net.ipv4.tcp_fin_timeout" "explain: a key by its last component"
        comp "twtune explain net.ipv4.tcp_fin_timeout " "" "explain takes one key"
        comp "twtune explain zzz" "" "explain: no key, nothing"
        comp "twtune boot --rules " "procps systemd" "boot --rules"
        comp "twtune stats --source " "netlink proc" "stats --source"
        comp "twtune stats --by-remote " "" "stats --by-remote [N]: a number, nothing to offer"
        comp "twtune stats --by-remote --s" "--source" "stats --by-remote: its N is optional"
        comp "twtune rollback --to " "" "rollback --to N"
        comp "twtune history " "" "history [N]"
        comp "twtune keys " "" "keys takes no operand"
        comp "twtune verify --wait 5 " "a.yaml b.yml pp sub web-x" "verify [PROFILE] after --wait SECONDS"
        n=$(candidates "twtune explain " | wc -l)
        [ "$n" -eq "$NKEYS" ] && ok "${MODE}explain: all $NKEYS keys" || not_ok "${MODE}explain: $n keys offered, $NKEYS known"
}

MODE=
run_cases
if [ -f "$BC" ]; then
        MODE="bash-completion: "
        WITH_BC=$BC
        run_cases
        WITH_BC=
fi

# --netns NAME|PATH: the names in /run/netns, in a mount namespace of its own so that the host's
# /run is not touched.
MODE=
if unshare -m true 2>/dev/null; then
        got=$(unshare -m sh -c 'mount -t tmpfs tmpfs /run && mkdir /run/netns && touch /run/netns/blue /run/netns/red &&
                COMPLETION=$1 TWTUNE=$2 WITH_BC= exec bash --norc --noprofile "$3" "twtune apply --netns b"' sh \
                "$COMPLETION" "$TWTUNE" "$TMP/drive.bash" | tr '\n' ' ')
        [ "$got" = "b.yml blue " ] && ok "--netns: named namespaces, and files" \
                || not_ok "--netns b gave '$got', expected 'b.yml blue'"
else
        echo "# SKIP --netns names: unshare -m refused"
fi

# Typed into a real bash: TAB on a pseudo-terminal, the line run by a function named twtune that
# prints its arguments; the completion runs the real binary, found on PATH.
mkdir bin && ln -s "$TWTUNE" bin/twtune
PRINT="twtune() { printf '<%s>' \"\$@\"; echo; }"
TAB=$(printf '\t')
typed() { # typed SETUP LABEL: types the cases below, checks each line as run
        PATH=$TMP/work/bin:$PATH python3 "$SRCDIR/tests/tools/pty_type.py" "$1; $PRINT" \
                "twtune expl$TAB" "twtune --format=j$TAB" "twtune explain tcp_fin_t$TAB" "twtune apply su$TAB" \
                "twtune rollback --d$TAB" >pty.out 2>&1
        for want in 'twtune expl<TAB> => <explain>' 'twtune --format=j<TAB> => <--format=json>' \
                'twtune explain tcp_fin_t<TAB> => <explain><net.ipv4.tcp_fin_timeout>' 'twtune apply su<TAB> => <apply><sub/>' \
                'twtune rollback --d<TAB> => <rollback><--dry-run>'; do
                grep -qxF -- "$want" pty.out && ok "$2: $want" || not_ok "$2: '$want' not in: $(tr '\n' '|' <pty.out)"
        done
}
typed ". '$COMPLETION'" "typed"

# As installed: bash-completion finds completions/twtune below the install's datadir on its own.
build=$(dirname "$TWTUNE")
if [ -f "$BC" ] && [ -f "$build/CMakeCache.txt" ]; then
        DESTDIR=$TMP/dest cmake --install "$build" >install.log 2>&1 || not_ok "cmake --install: $(tail -3 install.log)"
        prefix=$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$build/CMakeCache.txt")
        typed "XDG_DATA_DIRS=$TMP/dest$prefix/share; . '$BC'" "installed, loaded by bash-completion"
        # The control: without the install on XDG_DATA_DIRS nothing completes the command.
        mkdir empty
        PATH=$TMP/work/bin:$PATH python3 "$SRCDIR/tests/tools/pty_type.py" \
                "XDG_DATA_DIRS=$TMP/work/empty; . '$BC'; $PRINT" "twtune expl$TAB" >pty.out 2>&1
        grep -qxF 'twtune expl<TAB> => <expl>' pty.out && ok "not installed: nothing completes 'expl'" \
                || not_ok "the control completed without the install: $(cat pty.out)"
fi

finish
