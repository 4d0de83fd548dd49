# SPDX-License-Identifier: MIT
# The real kernel, in a private network namespace: diff reads live values there, and a
# `sysctl -a` snapshot of the same namespace gives the same answer. The host is never touched.
. "$SRCDIR/tests/cli/lib.sh"
if ! unshare -n true 2>/dev/null; then
        echo "SKIP: unshare -n refused here (not root, or no user namespaces)"
        exit 77
fi
host_before=$(cat /proc/sys/net/ipv4/tcp_fin_timeout /proc/sys/net/ipv4/ip_local_port_range)
cat >p.yaml <<'Y'
sysctl:
  net.ipv4.tcp_fin_timeout: 45
  net.ipv4.ip_local_port_range: [20000, 40001]
  net.core.somaxconn: {at_least: 1024}
Y
cat >inner.sh <<'S'
set -e
echo 45 >/proc/sys/net/ipv4/tcp_fin_timeout
printf '20000 40001\n' >/proc/sys/net/ipv4/ip_local_port_range
"$TWTUNE" diff --exit-code --format json p.yaml >live.json
sysctl -a >snap.txt 2>/dev/null
"$TWTUNE" diff --exit-code --format json --against snap.txt p.yaml >snap.json
echo 30 >/proc/sys/net/ipv4/tcp_fin_timeout
"$TWTUNE" diff --exit-code p.yaml >drift.txt || echo $? >drift.rc
S
TWTUNE=$TWTUNE unshare -n sh inner.sh
[ $? -eq 0 ] && ok "no drift in the namespace, live and snapshot" || not_ok "diff in the namespace"
cp live.json out
expect_json '.summary.ok == 3 and .target == "live"' "live diff sees the namespace's values"
cp snap.json out
expect_json '.summary.ok == 3 and .target == "snapshot"' "snapshot diff agrees"
[ "$(jq -c '[.settings[] | [.key, .current, .status]]' live.json)" = "$(jq -c '[.settings[] | [.key, .current, .status]]' snap.json)" ] \
        && ok "live and snapshot rows identical" || not_ok "live and snapshot rows differ"
[ "$(cat drift.rc 2>/dev/null)" = 1 ] && ok "drift after a manual write: exit 1" || not_ok "no drift exit"
grep -Eq '^net\.ipv4\.tcp_fin_timeout +30 +45 +change$' drift.txt && ok "drifted key shown" || not_ok "drifted key"
host_after=$(cat /proc/sys/net/ipv4/tcp_fin_timeout /proc/sys/net/ipv4/ip_local_port_range)
[ "$host_before" = "$host_after" ] && ok "host values untouched" || not_ok "host values changed"
finish
