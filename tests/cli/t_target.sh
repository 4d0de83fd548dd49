# SPDX-License-Identifier: MIT
# What cannot be written on this target is known before anything is written, and said once, up
# front, with the reason: read-only in a network namespace, absent there, a congestion control the
# kernel lacks or the namespace may not use. Real kernel, private namespaces.
. "$SRCDIR/tests/cli/lib.sh"
require_ns
cat >blk.conf <<'C'
net.core.rmem_max = 16777216
net.core.netdev_max_backlog = 5000
net.netfilter.nf_conntrack_max = 1000000
net.ipv4.tcp_congestion_control = no_such_cc
net.ipv4.tcp_fin_timeout = 30
C
cat >ns.sh <<'S'
run --format json diff blk.conf; expect_rc 3 "diff of a file with keys this namespace cannot take"
expect_json '[.findings[] | select(.severity == "error")] | length == 4' "four errors, in one run"
expect_json '.settings[] | select(.key == "net.core.rmem_max") | .status == "error" and (.reason | test("read-only here"))' \
        "rmem_max: read-only here"
expect_json '.findings[] | select(.key == "net.core.netdev_max_backlog") | .message | test("set it on the host")' \
        "netdev_max_backlog: a global key, set it on the host"
expect_json '.findings[] | select(.key == "net.ipv4.tcp_congestion_control") | .code == "cannot-write" and (.message | test("available"))' \
        "congestion control the kernel lacks"
expect_json '.settings[] | select(.key == "net.ipv4.tcp_fin_timeout") | .status == "change"' "the rest is still planned"
before=$(cat /proc/sys/net/ipv4/tcp_fin_timeout)
run apply --no-persist blk.conf; expect_rc 3 "apply refuses before writing anything"
[ "$(cat /proc/sys/net/ipv4/tcp_fin_timeout)" = "$before" ] && ok "nothing was written" || not_ok "a key was written"
# A port a listener holds on the target is a service port too, whatever it is.
ip link set lo up
python3 -c 'import socket, time; s = socket.socket(); s.bind(("127.0.0.1", 40000)); s.listen(); time.sleep(5)' &
wait_listen 40000
printf 'sysctl:\n  net.ipv4.ip_local_port_range: 32768 65535\n' >lp.yaml
run diff lp.yaml; expect_rc 0 "a range above every well-known port"
expect_out "40000 (a listener on the target)" "names the listener's port"
expect_out "net.ipv4.ip_local_reserved_ports = 40000" "and the reservation that protects it"
printf 'sysctl:\n  net.ipv4.ip_local_port_range: 32768 65535\n  net.ipv4.ip_local_reserved_ports: "40000"\n' >lp2.yaml
run diff lp2.yaml; expect_no_out "port-range-covers-service-port" "a reserved listener port is fine"
wait
# A module's keys: the hint names the module.
printf 'net.netfilter.nf_conntrack_no_such_key = 1\n' >mod.conf
run diff mod.conf; expect_rc 3 "an absent conntrack key"
expect_out "nf_conntrack module is loaded" "the hint names the module"
S
in_ns ns.sh
finish
