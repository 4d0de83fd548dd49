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
# A module's keys: the hint names the module.
printf 'net.netfilter.nf_conntrack_no_such_key = 1\n' >mod.conf
run diff mod.conf; expect_rc 3 "an absent conntrack key"
expect_out "nf_conntrack module is loaded" "the hint names the module"
S
in_ns ns.sh
finish
