/* SPDX-License-Identifier: MIT */
/* Kubernetes: who may set a sysctl on a node that runs pods. A pod sets keys of its own network
 * and IPC namespaces through securityContext.sysctls: the kubelet's safe ones always, the other
 * namespaced ones only where the cluster admin allows them (kubelet --allowed-unsafe-sysctls).
 * Everything else belongs to the node: twtune on the host, or its DaemonSet. */
#ifndef TWTUNE_K8S_H
#define TWTUNE_K8S_H

#include <stdbool.h>

#include "kb.h"
#include "kver.h"

enum k8s_class {
        K8S_POD_SAFE,   /* on the kubelet's safe list */
        K8S_POD_UNSAFE, /* namespaced: a pod may set it once the kubelet allows it */
        K8S_NODE,       /* global, or not yet per namespace on the kernel: only the node can set it */
};

/* Whether the target kernel meets a version gate. */
enum k8s_gate { K8S_GATE_NONE, K8S_GATE_MET, K8S_GATE_NOT_MET, K8S_GATE_UNKNOWN };

struct k8s_verdict {
        enum k8s_class cls; /* on the kernel given: a namespaced key is K8S_NODE before its gate */
        const struct kb_k8s_safe *safe; /* the safe-list entry, for K8S_POD_SAFE */
        struct kver k8s;                /* the Kubernetes release that made it safe; KVER_NONE otherwise */
        struct kver kernel;             /* the kernel from which a pod's value stays in the pod; KVER_NONE: no gate */
        enum k8s_gate gate;
        const char *reason;             /* static text */
};

/* Classifies key (a profile's key, possibly a pattern such as net.ipv4.conf.*.rp_filter) for
 * kernel k (known false: the kernel is unknown, and every gate is K8S_GATE_UNKNOWN). */
struct k8s_verdict k8s_classify(const char *key, struct kver k, bool known);

const char *k8s_class_name(enum k8s_class c);

/* One line for key on any kernel, as twtune explain shows it: "pod-safe since Kubernetes 1.29
 * (kernel >= 4.5)", "pod-unsafe: REASON", "node: REASON". To free; NULL when out of memory. */
char *k8s_describe(const char *key); /* "pod-safe", "pod-unsafe", "node" */

#endif
