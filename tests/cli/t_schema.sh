# SPDX-License-Identifier: MIT
# Every command's --format json output, in success and in failure, validates against
# docs/schema/twtune-output.schema.json (tests/cli/validate_json.py), and from exit code 2 on its
# .error.exit is the exit code. The same commands with --format github print only well-formed
# workflow commands. Everything runs against fake roots (--root).
. "$SRCDIR/tests/cli/lib.sh"
require_fault_hook
VALIDATE=$SRCDIR/tests/cli/validate_json.py
require_tools jq jq
# The first python3 that has jsonschema: PATH's, else Debian's (python3-jsonschema), which a
# python3 of its own on PATH (pyenv, a venv) does not see.
PY=
for p in python3 /usr/bin/python3; do
        if command -v "$p" >/dev/null 2>&1 && "$p" "$VALIDATE" --help >/dev/null 2>&1; then
                PY=$p
                break
        fi
done
if [ -z "$PY" ]; then # the validator says SKIP and why
        command -v python3 >/dev/null && python3 "$VALIDATE" --help 2>&1 | head -1 || echo "SKIP: python3 is not installed; install python3 python3-jsonschema"
        exit 77
fi

# The workflow-command grammar: ::LEVEL[ name=value,...]::message, values with ',' and ':' escaped.
GH_RE='^::(error|warning|notice)( [a-z]+=[^,:]*(,[a-z]+=[^,:]*)*)?::.*$'
ALL_ZERO='{"ok": 0, "change": 0, "restore": 0, "skip": 0, "error": 0, "write-only": 0, "follows": 0, "drift": 0}'
mkdir json
N=0

# check_json NAME: ./out, from a run that exited $RC, is one JSON object the schema accepts,
# names the command that is NAME's first word ("none": null), has .error.exit == $RC from exit 2
# on and no "error" member below, and its summary counts its settings rows.
check_json() {
        N=$((N + 1))
        cp out "json/$N.json"
        if [ "$(jq -s length out 2>/dev/null)" != 1 ] || ! jq -e 'type == "object"' out >/dev/null 2>&1; then
                not_ok "json $1: stdout is not one JSON object"
                return
        fi
        if "$PY" "$VALIDATE" "json/$N.json" 2>verr; then
                ok "json $1: valid"
        else
                not_ok "json $1: does not validate (json/$N.json)"
                sed 's/^/#   /' verr
        fi
        c=${1%% *}
        [ "$c" = none ] && c=null || c="\"$c\""
        expect_json ".command == $c" "json $1: command $c"
        if [ "$RC" -ge 2 ]; then
                expect_json ".error.exit == $RC" "json $1: .error.exit is the exit code"
        else
                expect_json 'has("error") | not' "json $1: no error member"
        fi
        if jq -e 'has("settings") and has("summary")' out >/dev/null; then  # boot has settings of its own kind
                expect_json "(reduce .settings[] as \$r ($ALL_ZERO; .[\$r.status] += 1)) == .summary" \
                        "json $1: summary counts the rows"
        fi
}

# check_github NAME: ./out and ./err, from a run with --format github, hold no line starting
# with "::" that is not a workflow command; from exit 2 on, stdout has an ::error.
check_github() {
        bad=$(cat out err | grep '^::' | grep -Ev "$GH_RE")
        if [ -z "$bad" ]; then
                ok "github $1: workflow commands well formed"
        else
                not_ok "github $1: malformed workflow commands"
                printf '%s\n' "$bad" | sed 's/^/#   /'
        fi
        if [ "$RC" -ge 2 ]; then
                grep -Eq '^::error ' out && ok "github $1: ::error for exit $RC" || not_ok "github $1: no ::error for exit $RC"
        fi
}

# case NAME RC ARGS...: twtune --root $ROOT ARGS exits RC in JSON (check_json) and in github
# (check_github). The github run gets a copy of $ROOT as it was, for commands that change it.
case_() {
        name=$1 want=$2
        shift 2
        rm -rf gh.root
        cp -a "$ROOT" gh.root
        run --root "$ROOT" --format json "$@"
        expect_rc "$want" "json $name"
        check_json "$name"
        run --root gh.root --format github "$@"
        expect_rc "$want" "github $name"
        check_github "$name"
        rm -rf gh.root
}

# expect_last JQ-EXPR DESCRIPTION: the expression is true on the last JSON output (case_'s).
expect_last() {
        if jq_true "json/$N.json" "$1"; then ok "$2"; else not_ok "$2: jq '$1' is not true"; fi
}

# R: a fake root with interfaces (patterns, keys the kernel propagates) and a write-only key.
mkroot R
for i in all default eth0; do
        mkdir -p R/proc/sys/net/ipv4/conf/$i
        echo 0 >R/proc/sys/net/ipv4/conf/$i/rp_filter
        echo 1 >R/proc/sys/net/ipv4/conf/$i/accept_redirects
done
mkdir -p R/proc/sys/net/ipv4/route
: >R/proc/sys/net/ipv4/route/flush
chmod 200 R/proc/sys/net/ipv4/route/flush
# p1: every mode, a pattern, a key the kernel copies to interfaces, a write-only key, a skip.
cat >p1.yaml <<'Y'
sysctl:
  net.ipv4.tcp_fin_timeout: 31
  net.core.somaxconn: {at_least: 5001}
  net.ipv4.tcp_keepalive_time: {at_most: 1200}
  net.ipv4.conf.*.rp_filter: 2
  net.ipv4.conf.default.accept_redirects: 0
  net.ipv4.route.flush: 1
  net.ipv4.tcp_tw_recycle: {value: 0, when: "kernel < 4.12"}
Y
# p2 drops tcp_keepalive_time and the interface keys: their baselines come back (restore).
printf 'sysctl:\n  net.ipv4.tcp_fin_timeout: 30\n  net.core.somaxconn: {at_least: 5001}\n' >p2.yaml
printf 'sysctl:\n  net.ipv4.tcp_tw_reuse: 7\n  net.ipv4.no_such_key: 1\n' >bad.yaml
printf 'sysctl: [\n' >broken.yaml
printf 'kernel.osrelease = 4.9.0-19-amd64\nnet.ipv4.tcp_tw_recycle = 1\nnet.ipv4.tcp_tw_reuse = 0\n' >host.snap
printf 'sysctl:\n  net.ipv4.tcp_tw_recycle: {value: 0, when: "kernel < 4.12"}\n  net.ipv4.tcp_tw_reuse: 1\n' >legacy.yaml
printf 'not a sysctl line\n' >broken.snap
ROOT=R

case_ "check ok" 0 check p1.yaml
case_ "check two profiles" 0 check p1.yaml p2.yaml
case_ "check --live" 0 check --live p1.yaml
case_ "check --against" 0 check --against host.snap legacy.yaml
case_ "check invalid profile" 3 check bad.yaml
case_ "check missing file" 3 check missing.yaml
case_ "check YAML syntax error" 3 check broken.yaml
case_ "check no profile" 2 check
case_ "check --against with --live" 2 check --against host.snap --live p1.yaml
case_ "check --k8s-safe" 0 --kernel 6.1 check --k8s-safe p1.yaml p2.yaml
expect_last '.k8s.summary."pod-safe" == 3 and .k8s.summary."pod-unsafe" == 5 and .k8s.summary.node == 0' "check --k8s-safe counts each class"
case_ "check --k8s-safe, old kernel" 0 --kernel 4.4 check --k8s-safe p1.yaml
expect_last '[.k8s.keys[] | select(.kernel_ok == false)] | length == 3' "check --k8s-safe: three gates not met on 4.4"
printf 'net.ipv4.tcp_fin_timeout = 60\n' >nokernel.snap
case_ "check --k8s-safe, kernel unknown" 0 check --k8s-safe --against nokernel.snap p2.yaml
expect_last '.kernel == null and ([.k8s.keys[].kernel_ok] | unique) == [null]' "check --k8s-safe: no kernel, no verdict on gates"
case_ "check --k8s-safe invalid profile" 3 check --k8s-safe bad.yaml

case_ "diff ok" 0 diff p1.yaml
case_ "diff --exit-code with changes" 1 diff --exit-code p1.yaml
case_ "diff missing profile" 3 diff missing.yaml
case_ "diff invalid profile" 3 diff bad.yaml
case_ "diff --against snapshot" 0 diff --against host.snap legacy.yaml
case_ "diff --against malformed snapshot" 2 diff --against broken.snap legacy.yaml
case_ "diff --against missing snapshot" 5 diff --against nowhere.snap legacy.yaml
case_ "diff two profiles" 2 diff p1.yaml p2.yaml

# verify before anything was applied: nothing to verify.
case_ "verify no generation" 0 verify
case_ "history none" 0 history
case_ "rollback nothing applied" 5 rollback
case_ "rollback --dry-run nothing applied" 5 rollback --dry-run

case_ "apply --dry-run" 0 apply --dry-run p1.yaml
expect_last '.dry_run and .changed and .generation == null and (.persisted | type == "string")' "apply --dry-run: would change"
case_ "apply --dry-run --no-persist" 0 apply --dry-run --no-persist p1.yaml
expect_last '.persisted == null' "apply --no-persist: nothing persisted"
case_ "apply invalid profile" 3 apply bad.yaml
case_ "apply missing profile" 3 apply missing.yaml
case_ "apply YAML syntax error" 3 apply broken.yaml
case_ "apply --kernel" 2 --kernel 6.1 apply p1.yaml
case_ "apply --wait nonsense" 2 apply --wait nonsense p1.yaml
case_ "apply" 0 apply p1.yaml
expect_last '.generation == 1 and .changed and ([.settings[].status] | index("follows") and index("write-only") and index("skip"))' \
        "apply: generation 1, with follows, write-only and skip rows"
case_ "apply unchanged" 0 apply p1.yaml
expect_last '.generation == null and .changed == false' "apply again: nothing changed"

case_ "verify clean" 0 verify
case_ "verify PROFILE" 0 verify p1.yaml
case_ "verify invalid profile" 3 verify bad.yaml
case_ "verify missing profile" 3 verify missing.yaml
echo 45 >R/proc/sys/net/ipv4/tcp_fin_timeout
case_ "verify drift" 1 verify
expect_last '.drift and .summary.drift == 1' "verify: one key in drift"
echo 31 >R/proc/sys/net/ipv4/tcp_fin_timeout
echo "# edited" >>R/etc/sysctl.d/99-twtune.conf
case_ "verify file drift" 1 verify
expect_last '.drift and .file.status == "modified"' "verify: the persisted file is modified"

case_ "apply with restores" 0 apply p2.yaml
expect_last '.generation == 2 and .summary.restore > 0' "apply p2: generation 2 restores dropped keys"

case_ "history" 0 history
case_ "history 1" 0 history 1
case_ "history 2" 0 history 2
case_ "history 99" 2 history 99
case_ "history 0" 2 history 0
case_ "history two arguments" 2 history 1 2

case_ "rollback --dry-run" 0 rollback --dry-run
case_ "rollback" 0 rollback
expect_last '.generation == 3 and .to == 1 and .changed' "rollback: generation 3 restores generation 1"
case_ "history 3 (a rollback)" 0 history 3
case_ "rollback --to 0 --dry-run" 0 rollback --to 0 --dry-run
expect_last '.state.generation == 3 and (.state.hash | test("^[0-9a-f]{64}$"))' "rollback: state names the newest generation and its hash"
case_ "rollback --to-hash --dry-run" 0 rollback --dry-run --to-hash "$(jq -r .state.hash "json/$N.json")"
case_ "rollback --to-hash unknown" 2 rollback --to-hash 0123456789ab
case_ "rollback --to-hash nonsense" 2 rollback --to-hash xyz
case_ "rollback --to 99" 2 rollback --to 99
case_ "rollback --to nonsense" 2 rollback --to x
case_ "rollback with an argument" 2 rollback 1

# Failed transactions, through fault injection: rolled back (exit 4), then a failed restore
# (exit 6) that recover undoes.
export TWTUNE_FAULT=fail:write:1
case_ "apply rolled back" 4 apply p2.yaml
expect_last '.error.code == "rolled-back" and (.error.key | type == "string")' "apply rolled back: the failing key is named"
export TWTUNE_FAULT=fail:write:2,fail:restore:1
case_ "apply rollback incomplete" 6 apply p2.yaml
unset TWTUNE_FAULT
case_ "verify interrupted" 1 verify
expect_last '.interrupted' "verify: an interrupted transaction"
case_ "recover undone" 0 recover
expect_last '.result == "undone" and .changed' "recover undid it"
case_ "recover clean" 0 recover
case_ "recover with an argument" 2 recover x

# Rolling back to before the first apply, then once more: already there.
mkroot F
ROOT=F
run --root F apply p2.yaml
case_ "rollback to before twtune" 0 rollback
case_ "rollback already before twtune" 0 rollback
expect_last '.to == 0 and .changed == false and .settings == []' "rollback: nothing left to roll back"

# Sockets and counters recorded in a fake root (as in t_advise.sh); E has none.
mkroot S
printf '60000\t60099\n' >S/proc/sys/net/ipv4/ip_local_port_range
mkdir -p S/proc/net
printf 'TcpExt: SyncookiesSent ListenOverflows ListenDrops TCPReqQFullDrop TCPTimeWaitOverflow\nTcpExt: 0 0 0 0 0\n' >S/proc/net/netstat
{
        echo "  sl  local_address rem_address   st tx_queue rx_queue"
        i=0
        while [ $i -lt 60 ]; do printf '%4d: 0100007F:%04X 0500000A:0050 06 00000000:00000000\n' $i $((60000 + i)); i=$((i + 1)); done
        printf '%4d: 00000000:0050 00000000:0000 0A 00000000:00000000\n' 60
} >S/proc/net/tcp
echo "  sl  local_address remote_address st" >S/proc/net/tcp6
mkroot E
ROOT=S
case_ "stats" 0 stats
case_ "stats --by-remote" 0 stats --by-remote 3
expect_last '.by_remote.time_wait | length == 1' "stats: one remote"
case_ "stats --source bogus" 2 stats --source bogus
case_ "stats --by-local" 0 stats --by-local 3
case_ "stats --interval" 0 stats --interval 0.1 --by-remote=2 --by-local=2
expect_last '.interval.seconds == 0.1 and (.by_local.total | length) > 0' "stats: interval and by_local"
case_ "stats --explain" 0 stats --explain
case_ "advise" 0 advise
case_ "advise --interval" 0 advise --interval 0.1
case_ "advise PROFILE" 0 advise "$SRCDIR/profiles/reverse-proxy.yaml"
expect_last '[.advice[] | select(.addressed != null)] | length > 0' "advise: addressed with a profile"
case_ "advise invalid profile" 3 advise bad.yaml
case_ "advise missing profile" 3 advise missing.yaml
ROOT=E
case_ "stats no sockets" 5 stats
case_ "advise no sockets" 5 advise

ROOT=R
case_ "explain key" 0 explain net.ipv4.tcp_tw_reuse
case_ "explain last component" 0 explain tcp_fin_timeout
case_ "explain unknown key" 2 explain net.ipv4.no_such_key
case_ "explain structural key" 0 explain net.ipv4.tcp_ecn_fallback
expect_last '.tier == "structural" and .values == 1' "explain: structural tier"
case_ "explain removed key" 0 explain kernel.sched_latency_ns
expect_last '.tier == "removed" and .removed == "5.13"' "explain: removed key"
mkdir -p R/proc/sys/dev/raid && echo 1000 >R/proc/sys/dev/raid/speed_limit_min
case_ "explain key only the target has" 0 explain dev.raid.speed_limit_min
expect_last '.tier == "target" and .current == "1000"' "explain: what the target shows"
case_ "explain bad key" 2 explain ../x
case_ "explain no key" 2 explain
case_ "keys" 0 keys
case_ "boot" 0 boot
case_ "boot procps" 0 boot --rules procps
case_ "boot bad rules" 2 boot --rules bsd
case_ "keys with an argument" 2 keys x
TWTUNE_PROFILE_PATH=$SRCDIR/profiles case_ "profiles" 0 profiles
case_ "profiles with an argument" 2 profiles x
TWTUNE_PROFILE_PATH=$SRCDIR/profiles case_ "check by name" 0 check web-server
case_ "check unknown name" 3 check web-serve

case_ "none unknown command" 2 dif
case_ "none unknown option" 2 --bogus keys
case_ "diff unknown option" 2 diff --bogus p1.yaml
case_ "none unknown format" 2 --format yaml keys

# JSON with no command at all, and --format json after the command name.
run --root R --format json
expect_rc 2 "json no command"
check_json "none no command"
run --root R diff missing.yaml --format json
expect_rc 3 "json after the command"
check_json "diff --format json after the command"
run --root R diff --format json --bogus
expect_rc 2 "json after the command, then a bad option"
check_json "diff --format json, then a bad option"

# Every key of the knowledge base explained, validated in one go.
mkdir explain
"$TWTUNE" --format json keys | jq -r '.keys[].key' >keys.txt
rm -f out err # what not_ok would show is in verr
bad=0
while read -r k; do
        "$TWTUNE" --root R --format json explain "$k" >"explain/$k.json" 2>/dev/null || bad=$((bad + 1))
done <keys.txt
[ "$bad" = 0 ] && ok "explain: every key answers" || not_ok "explain: $bad keys failed"
if "$PY" "$VALIDATE" explain/*.json 2>verr; then
        ok "explain: $(wc -l <keys.txt) keys validate"
else
        not_ok "explain: some keys do not validate"
        sed 's/^/#   /' verr | head -20
fi

# The schema is strict: a renamed or added member, a wrong status word or a missing count fails.
"$TWTUNE" --root E --format json diff p1.yaml >diff.json
"$PY" "$VALIDATE" diff.json && jq -e '(.settings | length) > 0 and (.findings | length) > 0' diff.json >/dev/null &&
        ok "a diff with rows and findings validates" || not_ok "diff output"
for mutation in '.settings[0] |= (.mod = .mode | del(.mode))' '.settings[0].status = "changed"' '.surplus = 1' \
        'del(.summary.drift)' '.settings[0].mode = "exact"' '.error = {"code": "usage", "message": "x", "exit": 3}' \
        '.findings[0].severity = "note"' 'del(.command)' '.format = 2'; do
        jq "$mutation" diff.json >mutated.json
        if "$PY" "$VALIDATE" mutated.json 2>verr; then
                not_ok "the schema accepts $mutation"
        else
                ok "the schema rejects $mutation: $(head -1 verr | sed 's/^mutated.json: //')"
        fi
done
finish
