# SPDX-License-Identifier: MIT
# twtune import: sysctl.conf files to a profile that check loads with the findings the .conf file
# gets. Nothing here writes a sysctl or a file of the host: the round trip at the end runs in
# private namespaces (in_ns), and is skipped where they are refused.
. "$SRCDIR/tests/cli/lib.sh"
require_tools jq jq
host_before=$(host_state)
SEED=$SRCDIR/tests/data/seed-sysctl.conf
K="--kernel 6.1"

# codes FILE: the sorted finding codes of `check FILE`, one line.
codes() { "$TWTUNE" $K --format json check "$1" | jq -r '[.findings[].code] | sort | join(" ")'; }
# codes_keys FILE: "code key" per finding, sorted, without those about the .conf syntax itself,
# which import reports and leaves behind.
IMPORT_CODES='^(conf-syntax|bad-key|bad-value|conf-exclusion|inline-comment|duplicate-key) '
codes_keys() {
        "$TWTUNE" $K --format json check "$1" | jq -r '.findings[] | .code + " " + (.key // "")' |
                grep -Ev "$IMPORT_CODES" | sort
}

# --- The seed: the sysctl.conf of the note twtune grew from (tests/data/seed-sysctl.conf, the
# lines of its last ```properties block, as written). profiles/examples/seed-sysctl-conf.yaml is
# the same file written by hand, except that its tcp_fin_timeout is 60 where the note has
# "60(60s默认)" (a note in the value, which the kernel rejects: bad-type).
run $K import -o seed-sysctl.yaml "$SEED"
expect_rc 0 "the seed imports"
expect_out "imported 8 settings into seed-sysctl.yaml" "it says what it wrote"
[ "$(head -1 seed-sysctl.yaml)" = "# 编辑/etc/sysctl.conf文件," ] && ok "the file's leading comment block is at the top" ||
        not_ok "leading comment: $(head -1 seed-sysctl.yaml)"
grep -q '^name: seed-sysctl$' seed-sysctl.yaml && ok "named after -o FILE" || not_ok "name"
grep -q '^description: "Imported from .*seed-sysctl.conf"$' seed-sysctl.yaml && ok "the description names the file" ||
        not_ok "description"
grep -A1 '^  ## 表示开始tcp连接中 TIME_WAIT socket的快速回收$' seed-sysctl.yaml | grep -q '# twtune: removed-in-kernel (error): ' &&
        ok "the comment above tcp_tw_recycle, then its finding" || not_ok "tcp_tw_recycle's comment and finding"
grep -B1 '^  net.ipv4.tcp_tw_recycle: 1$' seed-sysctl.yaml | grep -q '^  #   and 4.12 removed it' &&
        ok "the finding is right above the setting" || not_ok "finding above tcp_tw_recycle"
grep -q '^  net.ipv4.ip_local_port_range: \[1024, 65000\]$' seed-sysctl.yaml && ok "a vector is a list" || not_ok "port range"
grep -q '^  net.ipv4.tcp_fin_timeout: "60(60s默认)"$' seed-sysctl.yaml && ok "the odd value is kept, quoted" ||
        not_ok "tcp_fin_timeout"
hand=$(codes "$SRCDIR/profiles/examples/seed-sysctl-conf.yaml")
want=$(echo "$hand" | tr ' ' '\n' | sed 's/^fin-timeout-is-not-time-wait$/bad-type/' | sort | tr '\n' ' ' | sed 's/ $//')
got=$(codes seed-sysctl.yaml)
[ "$got" = "$want" ] && ok "check finds in the imported seed what it finds in the hand-written one ($got)" ||
        not_ok "imported seed: '$got', hand-written (with bad-type for the odd value): '$want'"
[ "$(codes "$SEED")" = "$got" ] && ok "and what it finds in the .conf file itself" || not_ok "seed .conf: $(codes "$SEED")"
sed 's/=60(60s默认)$/=60/' "$SEED" >seed-fixed.conf
run $K import seed-fixed.conf
expect_rc 0 "the seed with tcp_fin_timeout=60 imports to stdout"
cp out seed-fixed.yaml
[ "$(codes seed-fixed.yaml)" = "$hand" ] && ok "with the value fixed, the same codes as the hand-written profile ($hand)" ||
        not_ok "fixed seed: '$(codes seed-fixed.yaml)', hand-written: '$hand'"
grep -q '^name: seed-fixed$' seed-fixed.yaml && ok "named after the input" || not_ok "name from input"

# --- Comments, '-' prefixes, patterns, slashes, CRLF, no final newline, lines left out.
printf '# mixed.conf: a leading block\r\n# of two lines\r\n\r\n; semicolon, above its setting\r\n' >mixed.conf
printf 'net/ipv4/conf/lo/arp_ignore = 1\r\n-net.ipv4.tcp_ecn = 2\r\nnet.ipv4.conf.*.send_redirects=0\r\n' >>mixed.conf
printf 'this line is broken\r\nnet.ipv4.tcp_keepalive_time = 12\001\r\n-net.ipv4.conf.lo.send_redirects\r\n' >>mixed.conf
printf 'net.core.somaxconn = 4096 # inline\r\nnet.ipv4.tcp_fin_timeout = 30' >>mixed.conf
run $K import mixed.conf
expect_rc 3 "lines left out make exit 3"
cp out mixed.yaml
expect_err "mixed.conf:8:1: error: expected 'key = value'" "a syntax error is reported at its file:line"
expect_err "mixed.conf:9:" "a control character is reported at its file:line"
expect_err "net.ipv4.tcp_keepalive_time: value contains a control character [bad-value]" "with why"
expect_err "mixed.conf:10:2: error: '-net.ipv4.conf.lo.send_redirects' keeps" "an exclusion is left out with why"
expect_err "twtune import: 3 lines left out of the profile" "and how many"
expect_no_out "left out of the profile" "stdout is the profile: no message there"
for l in '^# mixed.conf: a leading block$' '^  # semicolon, above its setting$' '^  net.ipv4.conf.lo.arp_ignore: 1$' \
        '^  net.ipv4.tcp_ecn: {value: 2, optional: true}$' '^  net.ipv4.conf.\*.send_redirects: 0$' \
        '^  net.core.somaxconn: 4096  # inline$' '^  net.ipv4.tcp_fin_timeout: 30$' '^  # twtune: left out: this line is broken$' \
        '^  # twtune: left out: net.ipv4.tcp_keepalive_time = 12?$'; do
        grep -q "$l" mixed.yaml && ok "mixed: $l" || not_ok "mixed lacks $l"
done
grep -A1 '^  # semicolon, above its setting$' mixed.yaml | grep -q 'arp_ignore' && ok "the comment stays above its setting" ||
        not_ok "comment placement"
if grep -q "$(printf '\r')" mixed.yaml; then not_ok "CR in the profile"; else ok "no CR in the profile"; fi
run $K --format json check mixed.yaml
expect_json '[.findings[] | select(.severity == "error")] | length == 0' "check loads the profile without an error"
expect_json '[.findings[].code] | index("inline-comment") == null' "the inline comment is a comment now"

# --- Several files: the last assignment wins; stdin.
printf 'net.ipv4.tcp_fin_timeout = 40\nnet.core.somaxconn = 1024\n' >a.conf
printf '# override\nnet.ipv4.tcp_fin_timeout = 20\n' | "$TWTUNE" $K import a.conf - mixed.conf >out 2>err
RC=$?
expect_rc 3 "a.conf, stdin (a pipe) and mixed.conf"
cp out multi.yaml
for l in '^  # twtune: replaced by mixed.conf:12: net.ipv4.tcp_fin_timeout: 40$' \
        '^  # twtune: replaced by mixed.conf:12: net.ipv4.tcp_fin_timeout: 20$' '^  # override$'; do
        grep -q "$l" multi.yaml && ok "multi: $l" || not_ok "multi lacks $l"
done
grep -q '^  # --- from <stdin> ---$' multi.yaml && ok "each file under its name" || not_ok "file sections"
grep -q 'the last assignment wins, as with systemd-sysctl' multi.yaml && ok "the header says the last assignment wins" ||
        not_ok "last-wins note"
grep -q '^name: a$' multi.yaml && ok "named after the first input" || not_ok "multi name"
grep -q '^description: "Imported from a.conf, <stdin> and mixed.conf"$' multi.yaml && ok "the description lists the files" ||
        not_ok "multi description"
printf 'kernel.osrelease = 6.1.0\nnet.ipv4.tcp_fin_timeout = 60\nnet.core.somaxconn = 4096\n' >snap.txt
run --format json diff --against snap.txt multi.yaml
expect_json '.settings[] | select(.key == "net.ipv4.tcp_fin_timeout") | .desired == "30"' "the last file's value wins"
run $K --format json check multi.yaml
expect_json '[.findings[] | select(.severity == "error")] | length == 0' "the merged profile loads without an error"
"$TWTUNE" $K import a.conf - <a.conf >stdinfile.yaml 2>err
grep -q 'net.ipv4.tcp_fin_timeout: 40' stdinfile.yaml && ok "standard input redirected from a file" || not_ok "stdin from a file"
printf 'net.core.somaxconn = 1\n' | "$TWTUNE" $K import - >out 2>err
RC=$?
expect_rc 0 "standard input alone"
expect_out 'name: imported' "is named 'imported'"
expect_out 'description: "Imported from <stdin>"' "and says so"

# --- -o: atomic, never over an existing file without --force.
echo keep >exists.yaml
run $K import -o exists.yaml a.conf
expect_rc 2 "-o refuses an existing file"
expect_err "exists.yaml exists; give --force to replace it" "and says how to replace it"
[ "$(cat exists.yaml)" = keep ] && ok "the file is untouched" || not_ok "exists.yaml changed"
run $K import -o exists.yaml --force a.conf
expect_rc 0 "--force replaces it"
grep -q '^  net.ipv4.tcp_fin_timeout: 40$' exists.yaml && ok "with the profile" || not_ok "exists.yaml not replaced"
ls -a | grep -q '\.tmp$' && not_ok "a temporary file is left" || ok "no temporary file left"
echo target >target.txt
ln -s target.txt link.yaml
run $K import --output=link.yaml a.conf
expect_rc 2 "a symlink is an existing file too"
run $K import --output link.yaml --force a.conf
expect_rc 0 "--force replaces the symlink"
[ "$(cat target.txt)" = target ] && [ ! -L link.yaml ] && ok "not the file it pointed to" || not_ok "wrote through the symlink"
run $K import -o nodir/x.yaml a.conf
expect_rc 5 "a directory that does not exist is exit 5"
run $K import -o x.yaml missing.conf
expect_rc 5 "an input that cannot be read is exit 5"
expect_err "cannot read missing.conf" "it is named"
[ ! -e x.yaml ] && ok "and nothing is written" || not_ok "x.yaml written"

# --- Usage.
run import; expect_rc 2 "no file"
run import --force a.conf; expect_rc 2 "--force without -o"
run import a.conf a.conf; expect_rc 2 "a file given twice"
run import - -; expect_rc 2 "standard input given twice"
run import -o; expect_rc 2 "-o without its value"
expect_err "--output needs a value" "names the option"
run import -o "" a.conf; expect_rc 2 "an empty -o"
run import --against /dev/null --live a.conf; expect_rc 2 "--against and --live"
run --strict import a.conf; expect_rc 2 "import does not take --strict"
run import --help; expect_rc 0 "--help"
expect_out "usage: twtune import [-o FILE [--force]]" "shows the usage"

# --- JSON and github.
run --format json import a.conf
expect_rc 2 "--format json needs -o"
expect_json '.error.code == "usage" and .command == "import"' "as a JSON usage error"
run $K --format json import -o j.yaml mixed.conf
expect_rc 3 "JSON with lines left out"
expect_json '.output == "j.yaml" and .imported == 5' "output and the number imported"
expect_json '[.skipped[] | .file + ":" + (.line | tostring)] == ["mixed.conf:8", "mixed.conf:9", "mixed.conf:10"]' \
        "skipped: file and line of each line left out"
expect_json '.skipped[0].reason | startswith("expected")' "with the reason"
expect_json '[.findings[].code] | index("inline-comment") != null' "findings, the import's own too"
expect_json '.error.exit == 3' "and the error member"
cp out j.json
PY=
for p in python3 /usr/bin/python3; do
        if command -v "$p" >/dev/null 2>&1 && "$p" "$SRCDIR/tests/cli/validate_json.py" --help >/dev/null 2>&1; then PY=$p; break; fi
done
if [ -n "$PY" ]; then
        "$PY" "$SRCDIR/tests/cli/validate_json.py" j.json && ok "the JSON validates against the schema" || not_ok "schema"
        run $K --format json import -o j2.yaml --force a.conf
        cp out j2.json
        "$PY" "$SRCDIR/tests/cli/validate_json.py" j2.json && ok "a clean import's JSON validates too" || not_ok "schema (clean)"
else
        echo "# no python3 with jsonschema: schema not checked"
fi
run $K --format github import -o g.yaml mixed.conf
expect_rc 3 "github with -o"
expect_out "::error file=mixed.conf,line=8,col=1,title=twtune conf-syntax::" "a workflow command per line left out"
run $K --format github import mixed.conf
expect_rc 3 "github without -o"
expect_no_out "::" "stdout holds only the profile"
expect_err "::error file=mixed.conf,line=9," "the workflow commands go to stderr"
cmp -s out mixed.yaml && ok "the same profile as in text" || not_ok "github profile differs"

# --- The real corpus: every file imports to a profile check loads, with the findings the .conf
# file gets when checked directly, but for those about the .conf syntax (left behind).
n=0 same=0
for f in "$SRCDIR"/tests/data/real/*.conf; do
        name=$(basename "$f" .conf)
        n=$((n + 1))
        "$TWTUNE" $K import -o "$name.yaml" "$f" >/dev/null 2>imp.err
        irc=$?
        skipped=$(grep -c ': error: ' imp.err)
        if { [ "$irc" = 0 ] && [ "$skipped" = 0 ]; } || { [ "$irc" = 3 ] && [ "$skipped" -gt 0 ]; }; then :; else
                not_ok "$name: import exit $irc with $skipped lines left out"
                continue
        fi
        "$TWTUNE" $K check "$name.yaml" >/dev/null 2>&1
        yrc=$?
        "$TWTUNE" $K check "$f" >/dev/null 2>&1
        crc=$?
        codes_keys "$f" >conf.codes
        codes_keys "$name.yaml" >yaml.codes
        if [ "$yrc" != 0 ] && [ "$yrc" != 3 ]; then
                not_ok "$name: check of the import exits $yrc"
        elif [ "$yrc" = 3 ] && [ "$crc" != 3 ]; then
                not_ok "$name: the import has errors the .conf file has not"
        elif ! cmp -s conf.codes yaml.codes; then
                not_ok "$name: findings differ"
                diff conf.codes yaml.codes | sed 's/^/#   /' | head -10
        else
                same=$((same + 1))
        fi
done
[ "$same" = "$n" ] && ok "real corpus: all $n files import with the findings of the .conf file" ||
        not_ok "real corpus: $same of $n files"

# --- Round trip on the kernel: import then apply --no-persist in one private namespace sets
# exactly what sysctl -p sets from the same file in another.
if unshare -n -m -p --fork --mount-proc true 2>/dev/null && command -v sysctl >/dev/null; then
        cat >rt.conf <<'C'
# per-namespace keys only
net.ipv4.tcp_fin_timeout = 45
net.ipv4.tcp_keepalive_time = 1200
net.ipv4.tcp_tw_reuse = 1
net.ipv4.tcp_max_syn_backlog = 4096
net.ipv4.ip_local_port_range = 32768	61001
net.core.somaxconn = 8192
net.ipv4.conf.all.rp_filter = 2
net.ipv4.conf.default.accept_redirects = 0
net.ipv4.conf.*.send_redirects = 0
net/ipv4/conf/lo/arp_ignore = 1
-net.ipv4.tcp_ecn = 2
net.ipv4.tcp_fin_timeout = 35
C
        printf '%s\n' net/ipv4/tcp_fin_timeout net/ipv4/tcp_keepalive_time net/ipv4/tcp_tw_reuse \
                net/ipv4/tcp_max_syn_backlog net/ipv4/ip_local_port_range net/core/somaxconn 'net/ipv4/conf/*/rp_filter' \
                'net/ipv4/conf/*/accept_redirects' 'net/ipv4/conf/*/send_redirects' net/ipv4/conf/lo/arp_ignore \
                net/ipv4/tcp_ecn >rt.paths
        cat >rt_dump.sh <<'S'
(cd /proc/sys && for p in $(cat "$OLDPWD/rt.paths"); do printf '%s=%s\n' "$p" "$(tr -s ' \t' '  ' <"$p")"; done)
S
        cat >rt_twtune.sh <<'S'
"$TWTUNE" import -o rt.yaml rt.conf >/dev/null 2>rt.err && ok "inside: import" || not_ok "inside: import exit $?"
"$TWTUNE" apply --no-persist rt.yaml >rt_apply.out 2>&1 && ok "inside: apply --no-persist" || not_ok "inside: apply exit $?"
. ./rt_dump.sh >twtune.vals
S
        cat >rt_sysctl.sh <<'S'
sysctl -q -p rt.conf >/dev/null 2>rt_sysctl.err && ok "inside: sysctl -p" || not_ok "inside: sysctl -p exit $?"
. ./rt_dump.sh >sysctl.vals
S
        in_ns rt_twtune.sh
        in_ns rt_sysctl.sh
        if [ -s sysctl.vals ] && cmp -s twtune.vals sysctl.vals; then
                ok "round trip: the values sysctl -p sets ($(wc -l <sysctl.vals) keys)"
        else
                not_ok "round trip: values differ"
                diff sysctl.vals twtune.vals | sed 's/^/#   /'
                sed 's/^/#   apply: /' rt_apply.out
        fi
        grep -q '=35$' twtune.vals && ok "round trip: the last assignment won" || not_ok "tcp_fin_timeout"
else
        echo "# SKIP round trip: private namespaces are refused here"
fi
[ "$(host_state)" = "$host_before" ] && ok "host state unchanged" || not_ok "host state changed"
finish
