/* Knowledge base: net.core.*: the device and socket layer, mostly global (net/core/sysctl_net_core.c).
 * Included by kb.c only. One entry per key, sorted by key; every fact beside its source. */
static const struct kb_entry kb_net_core[] = {
        {
                .key = "net.core.netdev_max_backlog",
                .type = KB_INT, .nvalues = 1, .min = 1, .max = INT_MAX,
                .range_note = "a queue length below 1 drops every packet",
                .defval = "1000",
                .introduced = KVER(2, 2), .scope = KB_GLOBAL,
                .verified = 0,
                .meaning = "Length of the per-CPU input queue for packets received faster than the kernel processes them.",
                .hazard = "Global, not per network namespace: it cannot be set from inside a container.",
                .source = "ip-sysctl.rst / admin-guide sysctl net.rst; scope from net/core/sysctl_net_core.c (net_core_table, not netns); default UNVERIFIED",
        },
        {
                .key = "net.core.somaxconn",
                .type = KB_INT, .nvalues = 1, .min = 1, .max = INT_MAX, .kernel_enforced = false,
                .range_note = "0 makes every listen() backlog 0",
                .defval = "4096 (128 before 5.4)",
                .introduced = KVER(2, 2), .scope = KB_NETNS, .netns_since = KVER3(2, 6, 25),
                .verified = KBV_NETNS,
                .meaning = "Upper bound on the backlog a listen() call may ask for (the accept queue of a listener).",
                .hazard = "A new network namespace starts at the compiled default (4096), not at the host's value. The effective accept queue is min(listen() backlog, somaxconn): raising it does nothing for servers that pass a small backlog.",
                .source = "commit 19f92a030ca6 (default 4096, 5.4); net/core/sysctl_net_core.c (min 0); observed 6.18 netns default 4096; per netns since 2.6.25 ('[NET] sysctl: make sysctl_somaxconn per-namespace', 2008-01-28; kb-audit); hidden in namespaces of non-initial user namespaces before 6.3 (inferred)",
        },
        {0} /* end */
};
