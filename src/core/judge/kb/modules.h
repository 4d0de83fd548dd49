/* SPDX-License-Identifier: MIT */
/* Knowledge base: keys that exist only while a kernel module is loaded (boot_absent.c, the
 * `absent-at-boot` finding). Included by boot_absent.c only; kept apart from the per-key tables.
 * One entry per key prefix, sorted by prefix and unique (boot_module_table_check() tests it);
 * the longest matching prefix wins. Every entry names where the module registers the keys. */
struct kb_module_key {
        const char *prefix; /* a key prefix, ending in '.' or '_' unless it is a whole key */
        const char *module; /* as modules-load.d and modules.dep name it, '_' not '-' */
        bool autoload;      /* the kernel loads the module itself on the write (as root) */
        const char *source;
};

static const struct kb_module_key kb_module_keys[] = {
        {
                .prefix = "net.bridge.",
                .module = "br_netfilter",
                .source = "net/bridge/br_netfilter_hooks.c registers the net/bridge table (bridge-nf-call-*, "
                          "bridge-nf-filter-*, bridge-nf-pass-vlan-input-dev) from br_netfilter's init since 3.18 "
                          "(commit 34666d467cbf, br_netfilter split from the bridge); the keys are ENOENT until it "
                          "loads (kubeadm's preflight check, Kubernetes install docs)",
        },
        {
                .prefix = "net.ipv4.tcp_congestion_control",
                .module = "tcp_", /* + the value: tcp_bbr for "bbr" */
                .autoload = true,
                .source = "net/ipv4/tcp_cong.c: tcp_set_default_congestion_control looks the name up with "
                          "tcp_ca_find_autoload, which calls request_module(\"tcp_%s\") for a writer with "
                          "CAP_NET_ADMIN; an unknown name is ENOENT (UNVERIFIED here: this kernel has no modules)",
        },
        {
                .prefix = "net.ipv4.vs.",
                .module = "ip_vs",
                .source = "net/netfilter/ipvs/ip_vs_ctl.c registers net/ipv4/vs per network namespace when ip_vs "
                          "loads (IPVS mode of kube-proxy needs it)",
        },
        {
                .prefix = "net.netfilter.nf_conntrack_",
                .module = "nf_conntrack",
                .source = "net/netfilter/nf_conntrack_standalone.c registers net/netfilter/nf_conntrack_* when "
                          "nf_conntrack loads; shared/reference/kb-audit.md: ENOENT until nf_conntrack loads",
        },
        {
                .prefix = "net.netfilter.nf_conntrack_frag6_",
                .module = "nf_defrag_ipv6",
                .source = "net/ipv6/netfilter/nf_conntrack_reasm.c registers nf_conntrack_frag6_{timeout,"
                          "low_thresh,high_thresh} below net/netfilter from nf_defrag_ipv6",
        },
        {
                .prefix = "net.nf_conntrack_max",
                .module = "nf_conntrack",
                .source = "net/netfilter/nf_conntrack_standalone.c registers net/nf_conntrack_max (init_net only) "
                          "when nf_conntrack loads; shared/reference/kb-audit.md",
        },
        {
                .prefix = "net.sctp.",
                .module = "sctp",
                .source = "net/sctp/sysctl.c registers net/sctp per network namespace from sctp's init",
        },
};
