/* Knowledge base: net.ipv4.* other than tcp_*: ports, routing, ICMP and per-interface conf.IFACE.* keys.
 * Included by kb.c only. One entry per key, sorted by key; every fact beside its source. */
static const struct kb_entry kb_ipv4[] = {
        {
                .key = "net.ipv4.ip_local_port_range",
                .type = KB_VECTOR, .nvalues = 2, .min = 1, .max = 65535, .kernel_enforced = true,
                .defval = "32768 60999 (32768 61000 before 4.2)",
                .introduced = KVER(2, 2), .scope = KB_NETNS, .netns_since = KVER(3, 13),
                .verified = KBV_NETNS,
                .k8s = "safe sysctl",
                .meaning = "First and last local port the kernel picks for connect() and automatic bind(): the ephemeral ports.",
                .hazard = "The kernel rejects a low end below ip_unprivileged_port_start or above the high end. Ends of the same parity make the kernel log 'prefer different parity' (since 4.2): connect() and bind() split the range by parity. Each (source, destination, destination port) can hold at most one connection per port, and a port closed by this side stays in TIME_WAIT for 60 s.",
                .source = "net/ipv4/sysctl_net_ipv4.c ipv4_local_port_range (1..65535, order, unprivileged check); commit 07f4c90062f8 (parity, default 60999, 4.2); commit 0bbf87d852d2 (per netns, committed 2013-09-30: 3.13; kb-audit); observed 6.18: '2000 1000' and '1000 2000' EINVAL",
        },
        {
                .key = "net.ipv4.ip_local_reserved_ports",
                .type = KB_PORTLIST, .nvalues = 0, .min = 0, .max = 65535, .kernel_enforced = true,
                .defval = "(empty)",
                .introduced = KVER3(2, 6, 35), .scope = KB_NETNS, .netns_since = KVER(3, 16),
                .verified = KBV_NETNS,
                .k8s = "safe sysctl since Kubernetes 1.27 (kernel >= 3.16)",
                .meaning = "Ports excluded from automatic (ephemeral) assignment, as a list such as \"8080,9000-9100\".",
                .hazard = "A write replaces the whole set; reserved ports inside ip_local_port_range shrink the ephemeral pool.",
                .source = "ip-sysctl.rst; commit 122ff243f5f1 (per netns, 3.16); introduction in 2.6.35 inferred, UNVERIFIED",
        },
        {
                .key = "net.ipv4.ip_unprivileged_port_start",
                .type = KB_INT, .nvalues = 1, .min = 0, .max = 65535, .kernel_enforced = true,
                .defval = "1024",
                .introduced = KVER(4, 11), .scope = KB_NETNS, .netns_since = KVER(4, 11),
                .verified = KBV_INTRODUCED | KBV_NETNS,
                .k8s = "safe sysctl since Kubernetes 1.22",
                .meaning = "First port a process may bind() without CAP_NET_BIND_SERVICE.",
                .hazard = "Coupled with ip_local_port_range: the kernel refuses a value above the port range's low end, and a port range whose low end is below it.",
                .source = "commit 4548b683b781 (4.11, per netns); net/ipv4/sysctl_net_ipv4.c ipv4_privileged_ports",
        },
        {0} /* end */
};
