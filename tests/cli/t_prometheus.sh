# SPDX-License-Identifier: MIT
# --format prometheus and --prometheus-file for stats, advise and verify, parsed by the Prometheus
# client library's own parser (tests/cli/prom_check.py), on real sockets and a real apply in
# private namespaces; the values must equal what the JSON output says of the same system.
. "$SRCDIR/tests/cli/lib.sh"
require_ns
require_tools "apt-get install python3-prometheus-client jq" python3 jq
# Debian's python3-prometheus-client is for Debian's python3, which another python3 on PATH can hide.
PY=
for py in python3 /usr/bin/python3; do "$py" -c 'import prometheus_client.parser' 2>/dev/null && PY=$py && break; done
export PY
[ -n "$PY" ] || {
        if [ -n "${CI:-}" ]; then not_ok "python3-prometheus-client missing in CI"; finish; exit 1; fi
        echo "SKIP - python3-prometheus-client missing (apt-get install python3-prometheus-client)"; exit 77; }
: "${MKSOCKETS:?}"
run --format prometheus check "$SRCDIR/profiles/base.yaml"; expect_rc 2 "check refuses --format prometheus"
expect_err "check does not take --format prometheus" "naming the commands that do"
cat >inner.sh <<'S'
P="$PY $SRCDIR/tests/cli/prom_check.py"
mkfifo hold
"$MKSOCKETS" --lo-up --family both --listen 3 --established 5 --time-wait 40 --base-port 10000 <hold >ready 2>mk.err &
exec 3>hold
i=0; while ! grep -q ready ready 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
run --format json stats; cp out stats.json
run --format prometheus stats --by-local=3 --by-remote=3; expect_rc 0 "stats --format prometheus"
$P out >s.json 2>perr && ok "stats: parsed by prometheus_client" || not_ok "stats does not parse: $(cat perr)"
tw4=$(jq '.states.TIME_WAIT.ipv4' stats.json)
expect_json_file() { if jq -e "$1" "$2" >/dev/null 2>&1; then ok "$3"; else not_ok "$3: jq '$1' on $2"; fi; }
expect_json_file "[.[] | select(.name == \"twtune_tcp_sockets\" and .labels.state == \"time_wait\" and .labels.family == \"ipv4\") | .value] == [$tw4]" s.json "TIME_WAIT IPv4 equals the JSON's $tw4"
expect_json_file '[.[] | select(.name == "twtune_tcp_sockets")] | length == 24' s.json "12 states x 2 families"
expect_json_file '[.[] | select(.name == "twtune_tcp_active_opens_total" and .type == "counter")] | length == 1' s.json "counters carry _total"
expect_json_file '[.[] | select(.name == "twtune_tcp_local_sockets" and .labels.local == "127.0.0.1:10000" and .labels.state == "time_wait")] | length == 1' s.json "by-local endpoints"
run stats --prometheus-file "$PWD/node.prom"; expect_rc 0 "--prometheus-file"
expect_out "TIME_WAIT" "the text output still goes to stdout"
$P node.prom >f.json 2>perr && ok "the file parses" || not_ok "file does not parse: $(cat perr)"
ls -a | grep -q '\.node\.prom\.tmp' && not_ok "a temporary file was left" || ok "no temporary file left"
run stats --prometheus-file /nonexistent-dir/x.prom; expect_rc 5 "an unwritable --prometheus-file"
run --format prometheus advise; expect_rc 0 "advise --format prometheus"
$P out >a.json 2>perr && ok "advise: parsed" || not_ok "advise does not parse: $(cat perr)"
run --format json advise; cp out advise.json
[ "$(jq -c '[.advice[].code] | sort' advise.json)" = "$(jq -c '[.[] | select(.name == "twtune_advice") | .labels.code] | sort' a.json)" ] &&
        ok "one twtune_advice per finding of the JSON" || not_ok "advice codes differ"
# verify: apply a profile in this namespace, then drift one key by hand.
printf 'name: p\nsysctl:\n  net.ipv4.tcp_fin_timeout: 31\n' >p.yaml
run apply p.yaml; expect_rc 0 "apply in the namespace"
run --format prometheus verify; expect_rc 0 "verify --format prometheus"
$P out >v.json 2>perr && ok "verify: parsed" || not_ok "verify does not parse: $(cat perr)"
expect_json_file '[.[] | select(.name == "twtune_verify_success") | .value] == [1]' v.json "success 1 with no drift"
expect_json_file '[.[] | select(.name == "twtune_verify_drift" and .labels.key == "net.ipv4.tcp_fin_timeout") | .value] == [0]' v.json "the key's drift 0"
expect_json_file '[.[] | select(.name == "twtune_generation") | .value] == [1]' v.json "generation 1"
echo 45 >/proc/sys/net/ipv4/tcp_fin_timeout
run verify --prometheus-file "$PWD/v.prom"; expect_rc 1 "verify exits 1 on drift"
$P v.prom >v2.json 2>perr && ok "the drift file parses" || not_ok "drift file: $(cat perr)"
expect_json_file '[.[] | select(.name == "twtune_verify_drift" and .labels.key == "net.ipv4.tcp_fin_timeout") | .value] == [1]' v2.json "the key's drift 1"
expect_json_file '[.[] | select(.name == "twtune_verify_success") | .value] == [0]' v2.json "success 0"
exec 3>&-
wait
S
in_ns inner.sh
finish
