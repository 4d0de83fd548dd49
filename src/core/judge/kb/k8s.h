/* SPDX-License-Identifier: MIT */
/* Knowledge base: the sysctls the kubelet treats as safe, which any pod may set through
 * securityContext.sysctls without the cluster admin allowing them (kubelet --allowed-unsafe-sysctls).
 * Included by kb.c only. Sorted by key; every key is also a kb entry (tests/unit/test_kb.c).
 *
 * k8s: the first Kubernetes release whose kubelet lists the key as safe. kernel: the kernel from
 * which the key is per namespace, so that a pod's value stays in the pod (KVER_NONE: always was,
 * back to 3.10); where Kubernetes states no version, the kb's netns_since. kubelet_gated: the kubelet itself leaves the key out of
 * its safe list on an older kernel (pkg/kubelet/sysctl/safe_sysctls.go, newerSysctls); for the
 * others it does not look, and an older kernel fails the pod when the runtime writes the key.
 *
 * Sources: pkg/kubelet/sysctl/safe_sysctls.go and pkg/util/kernel/constants.go (kubernetes/kubernetes,
 * master as stored: legacySafeSysctls and newerSysctls), the pull request that added each key, and
 * the docs pages "Using sysctls in a Kubernetes Cluster" and "Linux Kernel Version Requirements". */
static const struct kb_k8s_safe kb_k8s_safe_[] = {
        {"kernel.shm_rmid_forced", KV(1, 4, 0), KV(0, 0, 0), false,
         "in the first safe list: kubernetes PR #27180 'Add sysctl support' (1.4, alpha annotations); per IPC namespace"},
        {"net.ipv4.ip_local_port_range", KV(1, 4, 0), KV(3, 13, 0), false,
         "in the first safe list: kubernetes PR #27180 (1.4); the kernel gate is the kb's, Kubernetes states none: per netns since 3.13 (commit 0bbf87d852d2)"},
        {"net.ipv4.ip_local_reserved_ports", KV(1, 27, 0), KV(3, 16, 0), true,
         "sysctl-cluster docs 'since Kubernetes 1.27, needs kernel 3.16+'; constants.go IPLocalReservedPortsNamespacedKernelVersion = 3.16 (linux commit 122ff243f5f1)"},
        {"net.ipv4.ip_unprivileged_port_start", KV(1, 22, 0), KV(4, 11, 0), false,
         "sysctl-cluster docs 'since Kubernetes 1.22'; the key exists, per netns, from 4.11 (the kb's gate; Kubernetes states none)"},
        {"net.ipv4.ping_group_range", KV(1, 18, 0), KV(0, 0, 0), false,
         "sysctl-cluster docs 'since Kubernetes 1.18'; per netns from its introduction (3.0)"},
        {"net.ipv4.tcp_fin_timeout", KV(1, 29, 0), KV(4, 6, 0), false,
         "kubernetes PR #121240 (release note: Pod Security admission allows it in v1.29+); docs 'needs kernel 4.6+'; constants.go TCPFinTimeoutNamespacedKernelVersion (linux commit 1e579caa18b9); in legacySafeSysctls, not gated by the kubelet"},
        {"net.ipv4.tcp_keepalive_intvl", KV(1, 29, 0), KV(4, 5, 0), false,
         "kubernetes PR #121240 (v1.29+); docs 'needs kernel 4.5+'; constants.go TCPKeepAliveIntervalNamespacedKernelVersion (linux commit b840d15d3912); in legacySafeSysctls"},
        {"net.ipv4.tcp_keepalive_probes", KV(1, 29, 0), KV(4, 5, 0), false,
         "kubernetes PR #121240 (v1.29+); docs 'needs kernel 4.5+'; constants.go TCPKeepAliveProbesNamespacedKernelVersion (linux commit 9bd6861bd432); in legacySafeSysctls"},
        {"net.ipv4.tcp_keepalive_time", KV(1, 29, 0), KV(4, 5, 0), false,
         "kubernetes PR #118846 (release note: minimal kernel 4.5, Pod Security admission v1.29+); constants.go TCPKeepAliveTimeNamespacedKernelVersion (linux commit 13b287e8d1ca); in legacySafeSysctls"},
        {"net.ipv4.tcp_notsent_lowat", KV(1, 37, 0), KV(4, 6, 0), true,
         "kubernetes PR #138389 (merged 2026-04), website PR #56276 ('starting in Kubernetes v1.37', needs kernel 4.6+); constants.go TCPNotSentLowatNamespacedKernelVersion (linux commit 4979f2d9f726); kubelet gate inferred from that constant (safe_sysctls.go after the PR not read)"},
        {"net.ipv4.tcp_rmem", KV(1, 32, 0), KV(4, 15, 0), true,
         "kubernetes PR #127489 (release note: kernel 4.15 or higher, v1.32+); constants.go TCPReceiveMemoryNamespacedKernelVersion (linux commit 356d1833b638); newerSysctls"},
        {"net.ipv4.tcp_slow_start_after_idle", KV(1, 37, 0), KV(4, 15, 0), true,
         "kubernetes PR #138389 (merged 2026-04), website PR #56276 ('starting in Kubernetes v1.37', needs kernel 4.15+); constants.go TCPSlowStartAfterIdleNamespacedKernelVersion (linux commit b510f0d23a47); kubelet gate inferred from that constant (safe_sysctls.go after the PR not read)"},
        {"net.ipv4.tcp_syncookies", KV(1, 4, 0), KV(4, 6, 0), false,
         "in the first safe list: kubernetes PR #27180 (1.4); docs: 'namespaced since kernel 4.6' (not per netns on 4.5 and before); not gated by the kubelet"},
        {"net.ipv4.tcp_wmem", KV(1, 32, 0), KV(4, 15, 0), true,
         "kubernetes PR #127489 (release note: kernel 4.15 or higher, v1.32+); constants.go TCPTransmitMemoryNamespacedKernelVersion (linux commit 356d1833b638); newerSysctls"},
        {NULL, KV(0, 0, 0), KV(0, 0, 0), false, NULL},
};
