# SPDX-License-Identifier: MIT
# advise end to end on recorded inputs (a fake root), with a profile and --emit-profile.
. "$SRCDIR/tests/cli/lib.sh"
mkroot root
printf '60000\t60099\n' >root/proc/sys/net/ipv4/ip_local_port_range # 100 ports
mkdir -p root/proc/net
printf 'TcpExt: SyncookiesSent ListenOverflows ListenDrops TCPReqQFullDrop TCPTimeWaitOverflow\nTcpExt: 0 0 0 0 0\n' >root/proc/net/netstat
{
        echo "  sl  local_address rem_address   st tx_queue rx_queue"
        i=0
        while [ $i -lt 60 ]; do printf '%4d: 0100007F:%04X 0500000A:0050 06 00000000:00000000\n' $i $((60000 + i)); i=$((i + 1)); done
} >root/proc/net/tcp
echo "  sl  local_address remote_address st" >root/proc/net/tcp6

run --root root advise; expect_rc 0 "advise"
expect_out "60 sockets to 10.0.0.5:80 hold 60% of the 100 ephemeral ports" "past half the range: the slow port search, with its numbers"
expect_out "[port-search-slow]" "named so, not EADDRNOTAVAIL"
expect_out "supports: net.ipv4.tcp_tw_reuse = 1" "supports tw_reuse"
expect_out "net.ipv4.ip_local_port_range = 32768 65535" "supports a wider range, above the service ports"
expect_out "does not support: tcp_fin_timeout" "and says what it does not support"
run --root root --format json advise "$SRCDIR/profiles/reverse-proxy.yaml"; expect_rc 0 "advise with a profile"
expect_json '.source == "proc" and .sockets == 60 and .time_wait == 60' "inputs"
expect_json '[.advice[] | select(.code == "port-search-slow" and .severity == "warning" and .addressed == true)] | length == 1' "reverse-proxy addresses it"
run --root root --format json advise "$SRCDIR/profiles/base.yaml"
expect_json '[.advice[] | select(.code == "port-search-slow" and .addressed == false)] | length == 1' "base does not"
run --root root advise "$SRCDIR/profiles/base.yaml"; expect_out "base: does NOT address this" "text says so"
run --root root advise --emit-profile advised.yaml; expect_rc 0 "--emit-profile"
run --kernel 6.1 check advised.yaml; expect_rc 0 "the emitted profile passes check"
grep -q 'net.ipv4.tcp_tw_reuse: "1"' advised.yaml && ok "emitted profile holds the change" || not_ok "emitted profile"
cp advised.yaml kept.yaml
run --root root advise --emit-profile advised.yaml; expect_rc 2 "an existing --emit-profile FILE is refused"
expect_err "advised.yaml exists; give --force to replace it" "saying how to replace it"
echo "# mine" >advised.yaml
run --root root advise --emit-profile advised.yaml --force; expect_rc 0 "--force replaces it"
cmp -s advised.yaml kept.yaml && ok "with the same profile" || not_ok "--force wrote something else"
run --root root advise --force; expect_rc 2 "--force without --emit-profile"
run --root root advise --emit-profile /nonexistent-dir/x.yaml; expect_rc 5 "unwritable --emit-profile"
# Nothing supported: nothing written, exit 0 and a note naming the file.
mkroot calm
mkdir -p calm/proc/net
printf 'TcpExt: ListenOverflows\nTcpExt: 0\n' >calm/proc/net/netstat
echo "  sl  local_address rem_address   st" >calm/proc/net/tcp
echo "  sl  local_address remote_address st" >calm/proc/net/tcp6
run --root calm advise --emit-profile none.yaml; expect_rc 0 "no change supported"
[ ! -e none.yaml ] && ok "nothing written" || not_ok "none.yaml was written"
expect_err "no change is supported: none.yaml not written" "a note says so"
expect_out "[no-problem]" "and advise says no-problem"
printf 'sysctl:\n  net.ipv4.tcp_tw_reuse: 7\n' >bad.yaml
run --root root advise bad.yaml; expect_rc 3 "an invalid profile"
printf 'sysctl:\n  net.ipv4.tcp_syncookies: 0\n' >typo.yaml
run --root root advise typo.yaml; expect_rc 0 "a warning in the profile"
run --root root --strict advise typo.yaml; expect_rc 3 "is an error with --strict"
expect_err "error: net.ipv4.tcp_syncookies" "shown as one"
finish
