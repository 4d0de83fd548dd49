/* SPDX-License-Identifier: MIT */
/* Keys the kernel no longer has, or that no upstream kernel ever had (distribution patches), seen in
 * real configuration files. Hand-written entries with a removed version (tcp_tw_recycle) are not
 * repeated here. Included by kb_gen.c only; sorted by key (strcmp), each with the version that removed
 * it (KVER_NONE: never upstream), what to use instead, and the source. Versions from memory are marked
 * UNVERIFIED: findings that rest on them are never errors. */
#define SCHED_DEBUGFS(name)                                                                                       \
        {"kernel.sched_" name, KV(5, 13, 0),                                                                     \
         "moved to debugfs: /sys/kernel/debug/sched/ (a debugging knob, not a tuning interface)",               \
         "commit 8a99b6833c88 'sched: Move SCHED_DEBUG sysctl to debugfs' (5.13; from memory, UNVERIFIED); "   \
         "absent on 6.18 (observed)"}
static const struct kb_removed kb_removed_[] = {
        {"kernel.exec-shield", KV(0, 0, 0), "nothing: a Red Hat patch (RHEL 5/6), never upstream; NX and ASLR "
         "(kernel.randomize_va_space) are always on upstream", "RHEL 6 kernel documentation; absent on 6.18 (observed)"},
        {"kernel.maps_protect", KV(2, 6, 27), "nothing: /proc/PID/maps is protected by ptrace access checks",
         "removed in 2.6.27 (from memory, UNVERIFIED); absent on 6.18 (observed)"},
        {"kernel.random.read_wakeup_threshold", KV(5, 18, 0), "nothing: /dev/random no longer blocks once seeded",
         "without effect since the blocking pool went in 5.6, removed later (versions from memory, UNVERIFIED); "
         "absent on 6.18 (observed)"},
        SCHED_DEBUGFS("latency_ns"),
        SCHED_DEBUGFS("migration_cost_ns"),
        SCHED_DEBUGFS("min_granularity_ns"),
        SCHED_DEBUGFS("nr_migrate"),
        SCHED_DEBUGFS("tunable_scaling"),
        SCHED_DEBUGFS("wakeup_granularity_ns"),
        {"kernel.unprivileged_userns_clone", KV(0, 0, 0), "user.max_user_namespaces = 0 (upstream) disables user "
         "namespaces for everyone", "a Debian/Ubuntu kernel patch, never upstream; absent on 6.18 (observed)"},
        {"net.ipv4.ip_conntrack_max", KV(2, 6, 25), "net.netfilter.nf_conntrack_max (or net.nf_conntrack_max)",
         "the ip_conntrack module was replaced by nf_conntrack (2.6.15 .. 2.6.25; from memory, UNVERIFIED); absent "
         "on 6.18 with nf_conntrack loaded (observed)"},
        {"net.ipv4.netfilter.ip_conntrack_max", KV(4, 0, 0), "net.netfilter.nf_conntrack_max",
         "compatibility names of CONFIG_NF_CONNTRACK_PROC_COMPAT, removed in the 4.x series (version from memory, "
         "UNVERIFIED); absent on 6.18 with nf_conntrack loaded (observed)"},
        {"net.ipv4.netfilter.ip_conntrack_tcp_timeout_established", KV(4, 0, 0),
         "net.netfilter.nf_conntrack_tcp_timeout_established",
         "compatibility names of CONFIG_NF_CONNTRACK_PROC_COMPAT, removed in the 4.x series (version from memory, "
         "UNVERIFIED); absent on 6.18 with nf_conntrack loaded (observed)"},
        {"net.ipv4.tcp_abc", KV(3, 9, 0), "nothing: appropriate byte counting was removed from TCP",
         "removed in 3.9 (from memory, UNVERIFIED); absent on 6.18 (observed)"},
        {"net.ipv4.tcp_cookie_size", KV(3, 10, 0), "nothing: TCP cookie transactions were removed",
         "removed with TCPCT in 3.10 (from memory, UNVERIFIED); absent on 6.18 (observed)"},
        {"net.ipv4.tcp_dma_copybreak", KV(3, 19, 0), "nothing: NET_DMA offload was removed",
         "'net_dma: simple removal' (3.19; from memory, UNVERIFIED); absent on 6.18 (observed)"},
        {"net.ipv4.tcp_frto_response", KV(3, 10, 0), "net.ipv4.tcp_frto alone",
         "F-RTO rewrite in 3.10 (from memory, UNVERIFIED); absent on 6.18 (observed)"},
        {"net.ipv4.tcp_max_ssthresh", KV(3, 13, 0), "nothing: limited slow start was removed",
         "removed in 3.13 (from memory, UNVERIFIED); absent on 6.18 (observed)"},
        {"vm.block_dump", KV(5, 12, 0), "the block and writeback tracepoints (perf, trace-cmd)",
         "removed in 5.12 (from memory, UNVERIFIED); absent on 6.18 (observed)"},
        {"vm.nr_pdflush_threads", KV(3, 5, 0), "nothing: pdflush was replaced by per-device flusher threads (2.6.32)",
         "kept read-only without effect after 2.6.32, removed later (version from memory, UNVERIFIED); absent on "
         "6.18 (observed)"},
};
#undef SCHED_DEBUGFS
