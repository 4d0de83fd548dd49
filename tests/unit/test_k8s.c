/* SPDX-License-Identifier: MIT */
/* Kubernetes classification (core/k8s.c): which keys a pod may set, and on which kernels. */
#include "k8s.h"
#include "testutil.h"

static struct k8s_verdict at(const char *key, unsigned major, unsigned minor)
{
        return k8s_classify(key, KVER(major, minor), true);
}

START_TEST(safe_keys)
{
        struct k8s_verdict v = at("net.ipv4.tcp_keepalive_time", 6, 1);
        ck_assert_int_eq(v.cls, K8S_POD_SAFE);
        ck_assert_int_eq(kver_cmp(v.k8s, KVER(1, 29)), 0);
        ck_assert_int_eq(kver_cmp(v.kernel, KVER(4, 5)), 0);
        ck_assert_int_eq(v.gate, K8S_GATE_MET);
        /* Exactly at the gate is enough. */
        ck_assert_int_eq(at("net.ipv4.tcp_rmem", 4, 15).cls, K8S_POD_SAFE);
        /* Safe from the start, no gate: any kernel. */
        v = at("kernel.shm_rmid_forced", 3, 10);
        ck_assert_int_eq(v.cls, K8S_POD_SAFE);
        ck_assert_int_eq(v.gate, K8S_GATE_NONE);
        ck_assert_int_eq(kver_cmp(v.k8s, KVER(1, 4)), 0);
        /* Kubernetes states no gate for the port range, but it is per netns only from 3.13. */
        ck_assert_int_eq(at("net.ipv4.ip_local_port_range", 3, 13).cls, K8S_POD_SAFE);
        ck_assert_int_eq(at("net.ipv4.ip_local_port_range", 3, 12).cls, K8S_NODE);
}
END_TEST

START_TEST(safe_keys_below_their_gate_are_the_nodes)
{
        struct k8s_verdict v = at("net.ipv4.tcp_rmem", 4, 14);
        ck_assert_int_eq(v.cls, K8S_NODE);
        ck_assert_int_eq(v.gate, K8S_GATE_NOT_MET);
        ck_assert_ptr_nonnull(strstr(v.reason, "kubelet drops it")); /* gated by the kubelet itself */
        v = at("net.ipv4.tcp_keepalive_time", 4, 4);
        ck_assert_int_eq(v.cls, K8S_NODE);
        ck_assert_ptr_nonnull(strstr(v.reason, "fails to start")); /* not gated: the pod fails */
        ck_assert_int_eq(kver_cmp(v.k8s, KVER(1, 29)), 0);   /* still says which release listed it */
        /* An unknown kernel decides nothing: the key stays pod-safe, the gate unknown. */
        v = k8s_classify("net.ipv4.tcp_rmem", KVER_NONE, false);
        ck_assert_int_eq(v.cls, K8S_POD_SAFE);
        ck_assert_int_eq(v.gate, K8S_GATE_UNKNOWN);
}
END_TEST

START_TEST(namespaced_keys_are_pod_unsafe)
{
        struct k8s_verdict v = at("net.core.somaxconn", 6, 1);
        ck_assert_int_eq(v.cls, K8S_POD_UNSAFE);
        ck_assert_ptr_nonnull(strstr(v.reason, "--allowed-unsafe-sysctls"));
        ck_assert_int_eq(at("net.ipv4.tcp_tw_reuse", 6, 1).cls, K8S_POD_UNSAFE);
        /* Per interface, through the kb's IFACE patterns, and a profile's own pattern. */
        ck_assert_int_eq(at("net.ipv4.conf.eth0.rp_filter", 6, 1).cls, K8S_POD_UNSAFE);
        ck_assert_int_eq(at("net.ipv4.conf.*.rp_filter", 6, 1).cls, K8S_POD_UNSAFE);
        /* IPC keys, by the kubelet's own prefixes. */
        ck_assert_int_eq(at("kernel.msgmax", 6, 1).cls, K8S_POD_UNSAFE);
        ck_assert_int_eq(at("kernel.sem", 6, 1).cls, K8S_POD_UNSAFE);
        ck_assert_int_eq(at("fs.mqueue.msg_max", 6, 1).cls, K8S_POD_UNSAFE);
        /* Before the kernel made it per namespace (4.11 for tcp_tw_reuse) it is the node's. */
        v = at("net.ipv4.tcp_tw_reuse", 4, 4);
        ck_assert_int_eq(v.cls, K8S_NODE);
        ck_assert_int_eq(v.gate, K8S_GATE_NOT_MET);
        /* A net.* key twtune does not know: the kubelet's view, with a warning in the reason. */
        v = at("net.ipv4.tcp_nonexistent", 6, 1);
        ck_assert_int_eq(v.cls, K8S_POD_UNSAFE);
        ck_assert_ptr_nonnull(strstr(v.reason, "unknown to twtune"));
}
END_TEST

START_TEST(global_keys_are_the_nodes)
{
        ck_assert_int_eq(at("vm.max_map_count", 6, 1).cls, K8S_NODE);
        ck_assert_int_eq(at("fs.file-max", 6, 1).cls, K8S_NODE);
        ck_assert_int_eq(at("kernel.pid_max", 6, 1).cls, K8S_NODE);
        /* Under net. but global: the kubelet would accept it as unsafe, yet a pod cannot own it. */
        struct k8s_verdict v = at("net.core.rmem_max", 6, 1);
        ck_assert_int_eq(v.cls, K8S_NODE);
        ck_assert_ptr_nonnull(strstr(v.reason, "global"));
        ck_assert_int_eq(at("net.netfilter.nf_conntrack_max", 6, 1).cls, K8S_NODE);
        /* kernel.shmmax-like prefixes only: kernel.sched_* is not IPC. */
        ck_assert_int_eq(at("kernel.semx", 6, 1).cls, K8S_NODE);
}
END_TEST

START_TEST(describe)
{
        char *s = k8s_describe("net.ipv4.tcp_rmem");
        ck_assert_str_eq(s, "pod-safe since Kubernetes 1.32 (kernel >= 4.15, checked by the kubelet)");
        free(s);
        s = k8s_describe("net.ipv4.tcp_syncookies");
        ck_assert_str_eq(s, "pod-safe since Kubernetes 1.4 (kernel >= 4.6)");
        free(s);
        s = k8s_describe("vm.swappiness");
        ck_assert_str_eq(s, "node: global: one value for the whole node; set it on the node");
        free(s);
        ck_assert_str_eq(k8s_class_name(K8S_POD_UNSAFE), "pod-unsafe");
}
END_TEST

static Suite *suite(void)
{
        Suite *s = suite_create("k8s");
        TCase *tc = tcase_create("classify");
        tcase_add_test(tc, safe_keys);
        tcase_add_test(tc, safe_keys_below_their_gate_are_the_nodes);
        tcase_add_test(tc, namespaced_keys_are_pod_unsafe);
        tcase_add_test(tc, global_keys_are_the_nodes);
        tcase_add_test(tc, describe);
        suite_add_tcase(s, tc);
        return s;
}

TEST_MAIN(suite)
