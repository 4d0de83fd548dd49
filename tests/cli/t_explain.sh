# SPDX-License-Identifier: MIT
# explain and keys.
. "$SRCDIR/tests/cli/lib.sh"
mkroot root

run --root root explain net.ipv4.tcp_tw_recycle; expect_rc 0 "explain tcp_tw_recycle"
expect_out "removed in 4.12" "removal version"
expect_out "NAT" "NAT hazard"
expect_out "4396e46187ca" "source commit"
expect_out "(absent on this system)" "absent on the fake root"
run --root root explain net/ipv4/ip_local_port_range; expect_rc 0 "slash form"
expect_out "current     32768 60999" "current value from the root"
expect_out "each 1..65535" "range"
run explain net.core.netdev_max_backlog; expect_rc 0 "global key"
expect_out "global" "scope"
run --format json --root root explain net.ipv4.tcp_max_tw_buckets; expect_rc 0 "json explain"
expect_json '.key == "net.ipv4.tcp_max_tw_buckets" and .min == 0 and .kernel_enforced == false and .scope == "netns" and .current == "131072"' "json fields"
run explain tcp_tw_reuse; expect_rc 0 "bare name of a unique key"
expect_out "net.ipv4.tcp_tw_reuse" "bare name resolved"
run explain net.ipv4.tcp_tw_reuze; expect_rc 2 "unknown key"
expect_err "did you mean net.ipv4.tcp_tw_reuse?" "suggestion"
run explain net..x; expect_rc 2 "malformed key"

run keys; expect_rc 0 "keys"
[ "$(wc -l <out)" -ge 25 ] && ok "at least 25 keys" || not_ok "fewer than 25 keys"
sort -c out 2>/dev/null && ok "keys sorted" || not_ok "keys not sorted"
run --format json keys; expect_rc 0 "json keys"
expect_json '(.keys | length) >= 25 and (.keys | map(.scope) | unique) == ["global","netns"]' "json keys"
finish
