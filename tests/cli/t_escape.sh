# SPDX-License-Identifier: MIT
# Text from outside twtune (snapshot values, values below --root, file paths, state records)
# never reaches the terminal raw; JSON stays valid UTF-8; a huge value does not blow up a table.
. "$SRCDIR/tests/cli/lib.sh"
P=$SRCDIR/profiles
require_tools python3 python3

# clean FILE: valid UTF-8 without a control character other than LF: no C0, DEL or C1, and no
# bidirectional control or line separator either.
cat >clean.py <<'PY'
import sys
data = open(sys.argv[1], "rb").read()
try:
    text = data.decode("utf-8")
except UnicodeDecodeError as e:
    sys.exit("invalid UTF-8: %s" % e)
bad = sorted({c for c in text if (ord(c) < 0x20 and c != "\n") or 0x7F <= ord(c) <= 0x9F
              or c in "\u200e\u200f\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"})
if bad:
    sys.exit("raw control characters: %r" % bad)
PY
expect_clean() { # expect_clean FILE description
        if why=$(python3 clean.py "$1" 2>&1); then ok "$2"; else not_ok "$2: $why"; fi
}
# expect_valid_json description: ./out parses with jq and as strict UTF-8 with Python, and holds
# no raw control byte, DEL or C1 either (they are all \u escapes).
expect_valid_json() {
        if jq_true out 'true'; then ok "$1: jq parses it"; else not_ok "$1: jq cannot parse it"; fi
        if python3 -c 'import json,sys; json.loads(open("out","rb").read().decode("utf-8"))' 2>pyerr; then
                ok "$1: strict UTF-8 JSON"
        else
                not_ok "$1: $(tail -1 pyerr)"
        fi
        expect_clean out "$1: no raw control bytes"
}
# expect_clean_run FORMAT description: stdout and stderr of the last run are clean text.
expect_clean_run() {
        if [ "$1" = json ]; then expect_valid_json "$2"; else expect_clean out "$2: stdout clean"; fi
        expect_clean err "$2: stderr clean"
}

# ESC sequences (colour, OSC window title ended by BEL), CR, TAB, DEL, a C1 CSI, and bytes that
# are not UTF-8: a stray 0xff, an overlong '/', a UTF-16 surrogate, a code point past
# U+10FFFF, and a truncated sequence at the end. fin_timeout has a right-to-left override.
nasty() { printf '1\033[31mred\033]0;pwned\007\rcr\tx\177del\302\233c1\377\300\257\355\240\200\364\220\200\200\342\202'; }

# --- a snapshot ----------------------------------------------------------------------------
{
        echo "kernel.osrelease = 6.1.0"
        printf 'net.ipv4.tcp_tw_reuse = %s\n' "$(nasty)"
        printf 'net.core.somaxconn = %s\n' "$(nasty)"
        printf 'net.ipv4.tcp_fin_timeout = \033[2J\033[H\342\200\25660\n'
} >nasty.snap
cat >p.yaml <<'Y'
sysctl:
  net.ipv4.tcp_tw_reuse: 1
  net.core.somaxconn: {at_least: 1024}
  net.ipv4.tcp_fin_timeout: 30
Y
for fmt in text github json; do
        run --format $fmt diff --against nasty.snap p.yaml; expect_rc 0 "diff --against, $fmt"
        expect_clean_run $fmt "diff --against, $fmt"
done
run diff --against nasty.snap p.yaml
expect_out '1\x1b[31mred\x1b]0;pwned\x07 cr x\x7fdel\xc2\x9bc1\xff\xc0\xaf\xed\xa0\x80\xf4\x90\x80\x80\xe2\x82' \
        "the snapshot value is shown escaped byte by byte (CR and TAB are blanks to diff)"
expect_out '\x1b[2J\x1b[H\xe2\x80\xae60' "escape sequences and a bidi override in another value"
expect_out "error (current value '1\\x1b[31m" "the reason carrying the value is escaped too"
run --format json diff --against nasty.snap p.yaml
expect_json '.settings[] | select(.key == "net.ipv4.tcp_tw_reuse") | .current ==
        "1\u001b[31mred\u001b]0;pwned\u0007 cr x\u007fdel\u009bc1\ufffd\ufffd\ufffd\ufffd\ufffd\ufffd\ufffd\ufffd\ufffd\ufffd\ufffd\ufffd"' \
        "json keeps controls as escapes and turns each invalid byte into U+FFFD"
expect_json '.settings[] | select(.key == "net.ipv4.tcp_fin_timeout") | .current == "\u001b[2J\u001b[H\u202e60"' \
        "json keeps the bidi override as an escape"
grep -qF '\u202e' out && ok "the bidi override is a \\u escape in the JSON text" || not_ok "raw bidi override in JSON"

# --- a profile path with control characters, checked against the snapshot -----------------
# (an unknown key absent from the snapshot: an error finding, which names the file)
bad=$(printf 'evil\033[2J\r\302\233\377%%:,\n::warning::injected.yaml')
printf 'sysctl:\n  net.ipv4.tcp_tw_reuse: 1\n  net.ipv4.no_such_key: 1\n' >"$bad"
for fmt in text github json; do
        run --format $fmt check --against nasty.snap "$bad"; expect_rc 3 "check --against with a nasty path, $fmt"
        expect_clean_run $fmt "check --against, $fmt"
done
run check --against nasty.snap "$bad"
expect_out 'evil\x1b[2J\x0d\xc2\x9b\xff%:,\x0a::warning::injected.yaml:3:3: error:' "the path is escaped in text findings"
run --format github check --against nasty.snap "$bad"
expect_out '::error file=evil\x1b[2J%0D\xc2\x9b\xff%25%3A%2C%0A%3A%3Awarning%3A%3Ainjected.yaml,line=3,col=3,' \
        "the path is escaped in the annotation"
grep -q '^::warning::injected' out && not_ok "a path injected a workflow command" || ok "no injected workflow command"
run --format json check --against nasty.snap "$bad"
expect_json 'any(.findings[]; .file == "evil\u001b[2J\r\u009b\ufffd%:,\n::warning::injected.yaml")' "json carries the path"

# --- values below a fake --root -------------------------------------------------------------
mkroot root
nasty >root/proc/sys/net/ipv4/tcp_tw_reuse
nasty >root/proc/sys/net/core/somaxconn
printf '\033[2J\033[H\342\200\25660\n' >root/proc/sys/net/ipv4/tcp_fin_timeout
for fmt in text github json; do
        run --root root --format $fmt diff p.yaml; expect_rc 0 "diff --root, $fmt"
        expect_clean_run $fmt "diff --root, $fmt"
done
for fmt in text json; do
        run --root root --format $fmt explain net.ipv4.tcp_tw_reuse; expect_rc 0 "explain --root, $fmt"
        expect_clean_run $fmt "explain --root, $fmt"
done
run --root root explain net.ipv4.tcp_tw_reuse
expect_out 'current     1\x1b[31mred\x1b]0;pwned\x07\x0dcr x\x7fdel\xc2\x9bc1\xff' "explain shows the live value escaped"
run --root root --format json explain net.ipv4.tcp_tw_reuse
expect_json '.current | startswith("1\u001b[31mred\u001b]0;pwned\u0007\rcr x\u007fdel\u009bc1\ufffd")' "explain json"
run explain "$(printf 'net.ipv4.\033[2Jx')"; expect_rc 2 "a key with an escape"
expect_clean_run text "explain of a bad key"
expect_err 'bad key '\''net.ipv4.\x1b[2Jx'\' "the bad key is shown escaped"

# --- history: a record's profile name and hash print through the escaping table -------------
# (records with control characters in them no longer load at all; a UTF-8 name must stay intact)
mkdir -p root/var/lib/twtune/generations
chmod 700 root/var/lib/twtune root/var/lib/twtune/generations
mkrec() { # mkrec N: a valid generation record N
        {
                echo "twtune-state 1"
                echo "kind generation"
                echo "generation $1"
                echo "time 0"
                echo "profile wéb ✓"
                echo "hash 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
                echo "persist 1"
        } >rec
        printf 'end %s\n' "$(sha256sum rec | cut -c1-64)" >>rec
        chmod 600 rec
        mv rec root/var/lib/twtune/generations/$1
}
mkrec 1
for fmt in text json; do
        run --root root --format $fmt history; expect_rc 0 "history, $fmt"
        expect_clean_run $fmt "history, $fmt"
done
run --root root history
grep -Eq '^1 +1970-01-01T00:00:00Z +0123456789ab +0 +wéb ✓$' out && ok "history row" || not_ok "history row"
# A damaged first record: history says so, and its JSON still parses (no leading comma).
mv root/var/lib/twtune/generations/1 gen1
echo damaged >root/var/lib/twtune/generations/1
chmod 600 root/var/lib/twtune/generations/1
mkrec 2
run --root root --format json history; expect_rc 5 "history with a damaged record"
expect_json '[.generations[].generation] == [2]' "the readable generation is listed"
expect_json '.error.exit == 5 and (.error.message | contains("generation 1: damaged record"))' "the damaged one is named in the JSON error"

# --- advise: it prints the --emit-profile path, and the --root path goes into that profile ----
nroot=$(printf 'root2\nevil: [injected]\n#')
mkroot "$nroot"
mkdir -p "$nroot/proc/net"
echo "  sl  local_address rem_address   st" >"$nroot/proc/net/tcp"
echo "  sl  local_address remote_address st" >"$nroot/proc/net/tcp6"
# tcp_tw_reuse without timestamps: a change to support, so that the profile is written (with
# --force, each run over the last).
echo 1 >"$nroot/proc/sys/net/ipv4/tcp_tw_reuse"
echo 0 >"$nroot/proc/sys/net/ipv4/tcp_timestamps"
emitted=$(printf 'adv\033[2J\r\302\233\377.yaml')
for fmt in text json; do
        run --root "$nroot" --format $fmt advise --emit-profile "$emitted" --force; expect_rc 0 "advise --emit-profile, $fmt"
        expect_clean_run $fmt "advise, $fmt"
done
run --root "$nroot" advise --emit-profile "$emitted" --force
expect_out 'suggested profile written to adv\x1b[2J\x0d\xc2\x9b\xff.yaml' "advise shows the path escaped"
grep -q '^evil:' "$emitted" && not_ok "the --root path added a line to the emitted profile" ||
        ok "the --root path stays on one line of the emitted profile"

# --- verify, rollback and errors quote live values, keys and paths --------------------------
vroot=$TMP/vroot
mkroot "$vroot"
printf 'sysctl:\n  net.ipv4.tcp_fin_timeout: 30\n' >v.yaml
run --root "$vroot" apply v.yaml; expect_rc 0 "apply on a fake root"
nasty >"$vroot/proc/sys/net/ipv4/tcp_fin_timeout"
for fmt in text json github; do
        run --root "$vroot" --format $fmt verify; expect_rc 1 "verify finds the drift, $fmt"
        expect_clean_run $fmt "verify with a hostile live value, $fmt"
done
run --root "$vroot" verify
expect_out 'net.ipv4.tcp_fin_timeout  1\x1b[31mred' "verify shows the live value escaped"
run --root "$vroot" rollback --to 0; expect_rc 5 "rollback refuses a value it could not restore exactly"
expect_clean_run text "rollback's error"
run diff --against "$(printf 'no\033[2Jsuch\rfile')" v.yaml; expect_rc 5 "a missing snapshot with a hostile name"
expect_clean_run text "the error names it escaped"
expect_err 'no\x1b[2Jsuch\x0dfile' "escaped as \\xNN"

# --- a 15 MB value --------------------------------------------------------------------------
{
        echo "kernel.osrelease = 6.1.0"
        printf 'net.ipv4.tcp_tw_reuse = '
        head -c 15000000 /dev/zero | tr '\0' A
        printf '\nnet.core.somaxconn = '
        head -c 1000000 /dev/zero | tr '\0' x
        printf '\nnet.ipv4.tcp_fin_timeout = 60\n'
} >big.snap
for fmt in text github; do
        run --format $fmt diff --against big.snap p.yaml; expect_rc 0 "diff of a 15 MB value, $fmt"
        size=$(wc -c <out)
        [ "$size" -lt 1000000 ] && ok "$fmt diff output is small ($size bytes)" || not_ok "$fmt diff output is $size bytes"
        long=$(awk 'length($0) > 300' out | wc -l)
        [ "$long" -eq 0 ] && ok "$fmt: no row wider than 300 characters" || not_ok "$fmt: $long rows wider than 300"
        # text: the table's cell; github (workflow commands only, no table): the annotation's value
        [ $fmt = text ] && expect_out "…(15000000 bytes)" "$fmt: the cell says how long the value is"
        [ $fmt = github ] && expect_out "bytes), expected" "$fmt: the annotation says how long the value is"
done
run --format json diff --against big.snap p.yaml; expect_rc 0 "json diff of a 15 MB value"
expect_json '.settings[] | select(.key == "net.ipv4.tcp_tw_reuse") | .current | length == 15000000' "json keeps the whole value"
finish
