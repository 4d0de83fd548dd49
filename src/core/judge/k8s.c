/* SPDX-License-Identifier: MIT */
#include "k8s.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

/* The kubelet's own rule for which namespace a key lives in (pkg/kubelet/sysctl/namespace.go):
 * it refuses --allowed-unsafe-sysctls entries and pod sysctls outside these. */
static const struct {
        const char *prefix;
        bool exact;
        bool net;
} kubelet_namespaced[] = {
        {"fs.mqueue.", false, false},
        {"kernel.msg", false, false},
        {"kernel.sem", true, false},
        {"kernel.shm", false, false},
        {"net.", false, true},
};

/* 0: not namespaced for the kubelet, 1: IPC namespace, 2: network namespace. */
static int kubelet_namespace(const char *key)
{
        for (size_t i = 0; i < ELEMENTSOF(kubelet_namespaced); i++) {
                const char *p = kubelet_namespaced[i].prefix;
                if (kubelet_namespaced[i].exact ? strcmp(key, p) == 0 : strncmp(key, p, strlen(p)) == 0)
                        return kubelet_namespaced[i].net ? 2 : 1;
        }
        return 0;
}

static enum k8s_gate gate_for(struct kver gate, struct kver k, bool known)
{
        if (!kver_is_set(gate))
                return K8S_GATE_NONE;
        if (!known)
                return K8S_GATE_UNKNOWN;
        return kver_cmp(k, gate) >= 0 ? K8S_GATE_MET : K8S_GATE_NOT_MET;
}

static struct k8s_verdict classify_safe(const struct kb_k8s_safe *s, struct kver k, bool known)
{
        struct k8s_verdict v = {.cls = K8S_POD_SAFE, .safe = s, .k8s = s->k8s, .kernel = s->kernel};
        v.gate = gate_for(s->kernel, k, known);
        /* On an older kernel the key is the node's (absent from a pod's namespace): only the
         * node can set it, whatever the kubelet's list says. */
        if (v.gate == K8S_GATE_NOT_MET)
                v.cls = K8S_NODE;
        if (v.gate != K8S_GATE_NOT_MET)
                v.reason = "on the kubelet's safe list: any pod may set it (securityContext.sysctls)";
        else if (s->kubelet_gated)
                v.reason = "the kubelet drops it from the safe list on this kernel: set it on the node";
        else
                v.reason = "not per namespace on this kernel: a pod that sets it fails to start; set it on the node";
        return v;
}

struct k8s_verdict k8s_classify(const char *key, struct kver k, bool known)
{
        const struct kb_k8s_safe *s = kb_k8s_safe(key);
        if (s)
                return classify_safe(s, k, known);

        struct k8s_verdict v = {.cls = K8S_NODE, .gate = K8S_GATE_NONE};
        int ns = kubelet_namespace(key);
        const struct kb_entry *e = kb_lookup(key);
        if (ns == 1) {
                v.cls = K8S_POD_UNSAFE;
                v.reason = "per IPC namespace: a pod may set it once the kubelet allows it (--allowed-unsafe-sysctls)";
        } else if (ns == 2 && !e) {
                /* The kubelet takes every net.* key as namespaced; twtune cannot say more. */
                v.cls = K8S_POD_UNSAFE;
                v.reason = "unknown to twtune; the kubelet takes any net.* key as namespaced: verify before allowing it";
        } else if (ns == 2 && e->scope == KB_NETNS) {
                v.kernel = e->netns_since;
                v.gate = gate_for(e->netns_since, k, known);
                v.cls = v.gate == K8S_GATE_NOT_MET ? K8S_NODE : K8S_POD_UNSAFE;
                v.reason = v.gate == K8S_GATE_NOT_MET
                                   ? "per network namespace only from the kernel shown on: set it on the node"
                                   : "per network namespace: a pod may set it once the kubelet allows it "
                                     "(--allowed-unsafe-sysctls)";
        } else if (ns == 2) {
                v.reason = e->in_child == KB_CHILD_SHARED
                                   ? "global although under net.: a pod's write would change the whole node; set it on the node"
                                   : "global although under net.: absent or read-only in a pod; set it on the node";
        } else {
                v.reason = "global: one value for the whole node; set it on the node";
        }
        return v;
}

const char *k8s_class_name(enum k8s_class c)
{
        switch (c) {
        case K8S_POD_SAFE: return "pod-safe";
        case K8S_POD_UNSAFE: return "pod-unsafe";
        case K8S_NODE: return "node";
        }
        return "?";
}

char *k8s_describe(const char *key)
{
        struct k8s_verdict v = k8s_classify(key, KVER_NONE, false);
        char kb[32], kk[32];
        if (v.cls != K8S_POD_SAFE)
                return str_printf("%s: %s", k8s_class_name(v.cls), v.reason);
        kver_format(v.k8s, kb, sizeof(kb));
        if (!kver_is_set(v.kernel))
                return str_printf("pod-safe since Kubernetes %s", kb);
        kver_format(v.kernel, kk, sizeof(kk));
        return str_printf("pod-safe since Kubernetes %s (kernel >= %s%s)", kb, kk,
                          v.safe->kubelet_gated ? ", checked by the kubelet" : "");
}
