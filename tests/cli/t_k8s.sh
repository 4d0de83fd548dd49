# SPDX-License-Identifier: MIT
# check --k8s-safe: per key of the merged profile, may a Kubernetes pod set it itself
# (pod-safe: the kubelet's safe list; pod-unsafe: namespaced, once the kubelet allows it) or only
# the node (node), for the kernel given or the target's, and the kernel gate of each key.
. "$SRCDIR/tests/cli/lib.sh"
mkroot root 6.1.0-18-amd64

# Two keys of each class, a pattern and an IPC key among them.
cat >mix.yaml <<'Y'
name: mix
description: each class
sysctl:
  net.ipv4.tcp_keepalive_time: 600
  net.ipv4.tcp_rmem: [4096, 131072, 16777216]
  net.core.somaxconn: 4096
  kernel.msgmax: 65536
  net.ipv4.conf.*.rp_filter: 2
  net.core.rmem_max: 16777216
  vm.swappiness: 10
Y

# row KEY CLASS: the text table has KEY in class CLASS.
row() {
        if awk -v k="$1" -v c="$2" '$1 == k && $2 == c { f = 1 } END { exit !f }' out; then ok "$1 is $2"
        else not_ok "$1 is not $2"; fi
}

run --kernel 6.1 check --k8s-safe mix.yaml; expect_rc 0 "k8s-safe on 6.1: advice, exit 0"
expect_out "KEY" "a table header"
row net.ipv4.tcp_keepalive_time pod-safe
row net.ipv4.tcp_rmem pod-safe
row net.core.somaxconn pod-unsafe
row kernel.msgmax pod-unsafe
row 'net.ipv4.conf.*.rp_filter' pod-unsafe
row net.core.rmem_max node
row vm.swappiness node
expect_out "1.29  >= 4.5 (yes)" "keepalive_time: safe since 1.29, kernel gate 4.5 met"
expect_out "1.32  >= 4.15 (yes)" "tcp_rmem: safe since 1.32, kernel gate 4.15 met"
expect_out "7 keys for kernel 6.1: 2 pod-safe, 3 pod-unsafe (kubelet --allowed-unsafe-sysctls), 2 node" "summary"
expect_no_out "profile checked" "not check's usual summary"

# Kernel 4.4: neither safe key is per namespace yet, so both are the node's; the table says why.
run --kernel 4.4 check --k8s-safe mix.yaml; expect_rc 0 "k8s-safe on 4.4: still exit 0"
row net.ipv4.tcp_keepalive_time node
row net.ipv4.tcp_rmem node
row net.core.somaxconn pod-unsafe
expect_out ">= 4.15 (NO)" "tcp_rmem's gate not met"
expect_out "the kubelet drops it from the safe list on this kernel" "kubelet-gated key"
expect_out "a pod that sets it fails to start" "key the kubelet does not gate"
expect_out "0 pod-safe, 3 pod-unsafe (kubelet --allowed-unsafe-sysctls), 4 node (2 of them because" "summary on 4.4"

# The target's kernel when --kernel is not given: a snapshot's, or the fake root's osrelease.
printf 'kernel.osrelease = 4.9.0-19-amd64\nnet.ipv4.tcp_rmem = 4096 87380 6291456\n' >old.snap
run check --k8s-safe --against old.snap mix.yaml; expect_rc 0 "kernel from a snapshot"
expect_out "for kernel 4.9:" "the snapshot's kernel"
row net.ipv4.tcp_keepalive_time pod-safe
row net.ipv4.tcp_rmem node
run --root root check --k8s-safe mix.yaml; expect_rc 0 "kernel from --root"
expect_out "for kernel 6.1:" "the root's kernel"

# The merged profile: web-server's keys and those it extends from base.
run --kernel 6.1 check --k8s-safe "$SRCDIR/profiles/web-server.yaml"; expect_rc 0 "web-server"
row net.ipv4.tcp_syncookies pod-safe
row net.ipv4.tcp_max_syn_backlog pod-unsafe

# Several profiles: one table each, under its name, and one summary.
run --kernel 6.1 check --k8s-safe mix.yaml "$SRCDIR/profiles/base.yaml"; expect_rc 0 "two profiles"
expect_out "mix.yaml:" "first profile named"
expect_out "base.yaml:" "second profile named"
expect_out "11 keys for kernel 6.1" "one summary over both"

# -q: only the rows.
run -q --kernel 6.1 check --k8s-safe mix.yaml; expect_rc 0 "quiet"
expect_no_out "KEY" "quiet: no header"
expect_no_out "keys for kernel" "quiet: no summary"
[ "$(wc -l <out)" -eq 7 ] && ok "quiet: 7 rows" || not_ok "quiet: $(wc -l <out) lines"

# A setting whose 'when' excludes the kernel is not a key of that kernel's profile.
printf 'sysctl:\n  net.ipv4.tcp_tw_recycle: {value: 0, when: "kernel < 4.12"}\n  net.ipv4.tcp_fin_timeout: 30\n' >when.yaml
run --kernel 6.1 check --k8s-safe when.yaml; expect_rc 0 "when"
expect_no_out "tcp_tw_recycle" "inactive setting left out"
row net.ipv4.tcp_fin_timeout pod-safe

# An invalid profile: exit 3 and the error that makes it so, above the table.
printf 'sysctl:\n  net.ipv4.tcp_tw_reuse: 7\n  vm.swappiness: 10\n' >bad.yaml
run --kernel 6.1 check --k8s-safe bad.yaml; expect_rc 3 "invalid profile: exit 3"
expect_out "error:" "the error finding is shown"
run --kernel 6.1 check --k8s-safe missing.yaml; expect_rc 3 "missing profile: exit 3"

# JSON: the same verdicts, gates as booleans, null where there is none.
run --kernel 4.4 --format json check --k8s-safe mix.yaml; expect_rc 0 "json"
expect_json '[.k8s.keys[] | select(.class == "pod-safe")] | length == 0' "json: no pod-safe key on 4.4"
expect_json '.k8s.keys[] | select(.key == "net.ipv4.tcp_rmem") | .kubernetes == "1.32" and .kernel_gate == "4.15" and .kernel_ok == false' "json: tcp_rmem's gate"
expect_json '.k8s.keys[] | select(.key == "vm.swappiness") | .kernel_gate == null and .kernel_ok == null and .kubernetes == null' "json: no gate for a global key"
expect_json '.k8s.summary == {"pod-safe": 0, "pod-unsafe": 3, "node": 4, "kernel_not_met": 2}' "json: summary"

# Without --k8s-safe, check is unchanged.
run --kernel 6.1 check mix.yaml; expect_rc 0 "plain check"
expect_no_out "pod-safe" "plain check: no table"

# explain says the same, for any kernel.
run explain net.ipv4.tcp_rmem; expect_rc 0 "explain tcp_rmem"
expect_out "kubernetes  pod-safe since Kubernetes 1.32 (kernel >= 4.15, checked by the kubelet)" "explain: safe since 1.32"
run explain vm.swappiness; expect_rc 0 "explain vm.swappiness"
expect_out "kubernetes  node: global" "explain: node key"
finish
