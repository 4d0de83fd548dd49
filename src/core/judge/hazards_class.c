/* SPDX-License-Identifier: MIT */
/* Hazards by class: settings the kernel takes that cost a host dearly, grouped by why they cost.
 * Each rule says why and cites where the kernel documents the behaviour; all are warnings (the
 * kernel takes these values; --strict makes them errors). Memory-counted limits are weighed
 * against the target's RAM (validate_opts.mem_bytes: /proc/meminfo of a live target, or --memory). */
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "finding.h"
#include "kb.h"
#include "util.h"
#include "validate_internal.h"
#include "value.h"

enum class_op { C_EQ, C_NE, C_LE, C_GE };

struct class_rule {
        const char *pattern; /* fnmatch(3) over the dotted key: '*' takes any interface name */
        enum class_op op;
        long long value;
        const char *code;
        const char *why;     /* after "KEY=VALUE: " */
        const char *source;
};

/* Sorted by class, then key. */
static const struct class_rule rules[] = {
        /* Routing switches on a host: what a router needs, a host should refuse. */
        {"net.ipv4.conf.*.accept_source_route", C_NE, 0, "source-routing-on",
         "packets that choose their own route through this host are accepted: a way around firewalls and "
         "address-based trust; only routers that must honour source routes want it",
         "ip-sysctl.rst accept_source_route (default FALSE for hosts)"},
        {"net.ipv4.conf.*.route_localnet", C_NE, 0, "route-localnet-on",
         "127.0.0.0/8 becomes routable on the interface: services bound to localhost can be reached from the "
         "network (the kube-proxy exposure of CVE-2020-8558)", "ip-sysctl.rst route_localnet; CVE-2020-8558"},
        /* Retransmission limits that kill established connections. */
        {"net.ipv4.tcp_retries2", C_LE, 5, "retries-too-low",
         "an established connection is dropped after seconds without an ACK (5 retries: about 12 s from the "
         "minimum 200 ms RTO, doubling): a short outage or a congested path resets connections; RFC 1122 asks for at least "
         "100 s, which is 8 or more", "ip-sysctl.rst tcp_retries2 (RFC 1122: at least 100 s)"},
        /* One-shot actions: a write does something once; in a file applied at every boot it is no setting. */
        {"net.ipv4.route.flush", C_GE, LLONG_MIN, "one-shot-action",
         "a write flushes the routing cache once; as a persisted setting it only repeats that at every apply "
         "and has no value to keep", "ip-sysctl.rst route/flush (write-only)"},
        {"net.ipv6.route.flush", C_GE, LLONG_MIN, "one-shot-action",
         "a write flushes the IPv6 routing table's cached routes once; as a persisted setting it has no value "
         "to keep", "ip-sysctl.rst (route/flush, write-only)"},
        {"vm.compact_memory", C_GE, LLONG_MIN, "one-shot-action",
         "a write compacts all memory once, stalling the machine while it runs; at every boot or apply it "
         "buys nothing and verify cannot read it back", "admin-guide/sysctl/vm.rst compact_memory (write-only)"},
        {"vm.drop_caches", C_GE, LLONG_MIN, "one-shot-action",
         "a write drops the page cache (and dentries and inodes) once; everything must then be read from disk "
         "again. At every boot or apply it only slows the machine, and the value is no setting",
         "admin-guide/sysctl/vm.rst drop_caches ('may cause performance problems')"},
        /* Validation and protections switched off. */
        {"fs.protected_hardlinks", C_EQ, 0, "protection-off",
         "users may hard-link files they do not own, the classic way into time-of-check races in world-writable "
         "directories", "admin-guide/sysctl/fs.rst protected_hardlinks"},
        {"fs.protected_symlinks", C_EQ, 0, "protection-off",
         "symlinks in sticky world-writable directories (/tmp) are followed whoever owns them: the /tmp "
         "symlink race", "admin-guide/sysctl/fs.rst protected_symlinks"},
        {"kernel.randomize_va_space", C_EQ, 0, "protection-off",
         "address space layout randomisation off: every exploit knows where the stack, heap and libraries are",
         "admin-guide/sysctl/kernel.rst randomize_va_space"},
        {"net.netfilter.nf_conntrack_checksum", C_EQ, 0, "validation-off",
         "connection tracking no longer verifies checksums: corrupt or forged packets enter the state table and "
         "NAT", "networking/nf_conntrack-sysctl.rst nf_conntrack_checksum"},
        {"net.netfilter.nf_conntrack_tcp_be_liberal", C_NE, 0, "validation-off",
         "conntrack stops checking TCP windows: out-of-window packets (injections, stale segments) are no longer "
         "marked INVALID", "networking/nf_conntrack-sysctl.rst nf_conntrack_tcp_be_liberal"},
        /* Writeback thresholds. */
        {"vm.dirty_background_ratio", C_GE, 50, "writeback-late",
         "background writeback starts only when half of the memory is dirty: data at risk grows, and the flush, "
         "when it comes, stalls every writer", "admin-guide/sysctl/vm.rst dirty_background_ratio"},
        {"vm.dirty_ratio", C_GE, 60, "writeback-late",
         "writers are throttled only once this much of the memory is dirty: a burst fills RAM with dirty pages "
         "and then every process that writes stalls for seconds while they drain",
         "admin-guide/sysctl/vm.rst dirty_ratio"},
        {"vm.dirty_ratio", C_LE, 2, "writeback-stall",
         "writers are throttled once 2% of memory is dirty: every process that writes waits for the disk "
         "almost at once", "admin-guide/sysctl/vm.rst dirty_ratio; mm/page-writeback.c balance_dirty_pages"},
};

static bool hits(const struct class_rule *r, long long v)
{
        switch (r->op) {
        case C_EQ: return v == r->value;
        case C_NE: return v != r->value;
        case C_LE: return v <= r->value;
        default: return v >= r->value;
        }
}

static void check_table(const struct profile *p, const struct validate_opts *o, struct findings *f)
{
        for (size_t i = 0; i < p->n_settings; i++) {
                const struct setting *s = &p->settings[i];
                long long v;
                if (s->mode != SET_EXACT || !setting_active(s, o))
                        continue;
                bool num = parse_kernel_int(s->value, &v) == 0;
                for (size_t j = 0; j < ELEMENTSOF(rules); j++) {
                        const struct class_rule *r = &rules[j];
                        bool any = r->value == LLONG_MIN; /* every value: the write is the action */
                        /* the value first: it is cheaper than fnmatch, which runs 15 000 times for 1 000 keys */
                        if ((!any && (!num || !hits(r, v))) || fnmatch(r->pattern, s->key, 0) != 0)
                                continue;
                        findings_add(f, SEV_WARNING, r->code, s->key, &s->loc, "%s=%s: %s (%s)", s->key, s->value, r->why,
                                     r->source);
                }
        }
}

/* A value in the profile's first field, or the target's: false if neither is an integer. */
static bool eff(const struct profile *p, const struct validate_opts *o, const char *key, long long *ret)
{
        bool from_profile;
        return validate_effective_int(p, o, key, ret, &from_profile);
}

static double mib(long long bytes)
{
        return (double)bytes / (1024.0 * 1024.0);
}

/* Limits counted in pages or KiB, against the machine's memory. */
static void check_memory(const struct profile *p, const struct validate_opts *o, struct findings *f)
{
        static const struct {
                const char *key;
                size_t field;     /* which value of the key */
                long long unit;   /* bytes per unit */
                unsigned percent; /* warn above this share of RAM */
                const char *why, *source;
        } limits[] = {
                {"net.ipv4.tcp_mem", 2, 4096, 100,
                 "TCP may pin more memory than the machine has before it refuses buffers (counted in 4 KiB pages)",
                 "ip-sysctl.rst tcp_mem (pages)"},
                {"net.ipv4.udp_mem", 2, 4096, 100,
                 "UDP may pin more memory than the machine has (counted in 4 KiB pages)", "ip-sysctl.rst udp_mem (pages)"},
                {"vm.min_free_kbytes", 0, 1024, 5,
                 "memory the kernel keeps free for itself is taken from everything else: too high and the machine "
                 "reclaims and OOM-kills with memory to spare", "admin-guide/sysctl/vm.rst min_free_kbytes ('too high will "
                 "OOM your machine instantly')"},
                {"vm.nr_hugepages", 0, 2 * 1024 * 1024, 90,
                 "huge pages are reserved at once and no longer usable for anything else (2 MiB each on x86-64)",
                 "admin-guide/mm/hugetlbpage.rst nr_hugepages"},
                {"vm.dirty_bytes", 0, 1, 50,
                 "dirty data may fill most of memory before writers are throttled; the flush then stalls them",
                 "admin-guide/sysctl/vm.rst dirty_bytes"},
        };
        if (!o->mem_bytes)
                return;
        for (size_t i = 0; i < ELEMENTSOF(limits); i++) {
                const struct setting *s = profile_find(p, limits[i].key);
                char **tok = NULL;
                size_t n = 0;
                long long v;
                if (!s || s->mode != SET_EXACT || !setting_active(s, o) || value_split(s->value, &tok, &n) < 0)
                        continue;
                bool ok = limits[i].field < n && parse_kernel_int(tok[limits[i].field], &v) == 0 && v > 0 &&
                          v <= LLONG_MAX / limits[i].unit;
                value_tokens_free(tok);
                if (!ok || (double)v * (double)limits[i].unit * 100.0 <= (double)o->mem_bytes * limits[i].percent)
                        continue;
                findings_add(f, SEV_WARNING, "exceeds-memory", s->key, &s->loc,
                             "%s=%s: %.0f MiB, %.0f%% of the target's %.0f MiB of RAM: %s (%s)", s->key, s->value,
                             mib(v * limits[i].unit), 100.0 * (double)v * (double)limits[i].unit / (double)o->mem_bytes,
                             mib((long long)o->mem_bytes), limits[i].why, limits[i].source);
        }
}

/* Defaults every socket starts with: what one costs, every socket on the host costs. */
static void check_socket_defaults(const struct profile *p, const struct validate_opts *o, struct findings *f)
{
        static const struct {
                const char *key;
                size_t field;
        } keys[] = {{"net.core.rmem_default", 0}, {"net.core.wmem_default", 0}, {"net.ipv4.tcp_rmem", 1},
                    {"net.ipv4.tcp_wmem", 1}};
        const long long big = 4LL * 1024 * 1024;
        for (size_t i = 0; i < ELEMENTSOF(keys); i++) {
                const struct setting *s = profile_find(p, keys[i].key);
                char **tok = NULL;
                size_t n = 0;
                long long v;
                if (!s || s->mode != SET_EXACT || !setting_active(s, o) || value_split(s->value, &tok, &n) < 0)
                        continue;
                bool ok = keys[i].field < n && parse_kernel_int(tok[keys[i].field], &v) == 0 && v >= big;
                value_tokens_free(tok);
                if (!ok)
                        continue;
                char *ram = o->mem_bytes ? str_printf("; 1000 such sockets, full, hold %.0f MiB, %.0f%% of the target's "
                                                      "RAM", mib(v) * 1000, 100000.0 * (double)v / (double)o->mem_bytes)
                                         : strdup("");
                findings_add(f, SEV_WARNING, "socket-default-large", s->key, &s->loc,
                             "%s: every new socket starts with a %.0f MiB buffer%s, not only the few that need it; raise "
                             "the maximum and let autotuning (tcp_rmem/tcp_wmem) grow busy sockets instead%s (ip-sysctl.rst "
                             "tcp_rmem 'default'; core rmem_default)",
                             s->key, mib(v), keys[i].field ? " (the default of its three values)" : "", ram ? ram : "");
                free(ram);
        }
}

/* Redirects accepted on a host that forwards: a router should not let ICMP rewrite its routes. */
static void check_router(const struct profile *p, const struct validate_opts *o, struct findings *f)
{
        long long fwd = 0, nlb = 0;
        if (!eff(p, o, "net.ipv4.ip_forward", &fwd) || fwd == 0)
                return;
        for (size_t i = 0; i < p->n_settings; i++) {
                const struct setting *s = &p->settings[i];
                long long v;
                if (s->mode != SET_EXACT || !setting_active(s, o) || parse_kernel_int(s->value, &v) < 0 || v == 0)
                        continue;
                if (fnmatch("net.ipv4.conf.*.accept_redirects", s->key, 0) == 0)
                        findings_add(f, SEV_WARNING, "router-accepts-redirects", s->key, &s->loc,
                                     "%s=%s on a host that forwards (ip_forward=1): any neighbour can rewrite its routes "
                                     "with ICMP redirects; routers leave it off (ip-sysctl.rst accept_redirects: default "
                                     "FALSE for routers)", s->key, s->value);
        }
        const struct setting *s = profile_find(p, "net.ipv4.ip_nonlocal_bind");
        if (s && s->mode == SET_EXACT && setting_active(s, o) && eff(p, o, "net.ipv4.ip_nonlocal_bind", &nlb) && nlb)
                findings_add(f, SEV_INFO, "nonlocal-bind-forwarding", s->key, &s->loc,
                             "%s=1 on a host that forwards: services may bind addresses the host routes for others "
                             "and answer in their place; keep it for VRRP/keepalived addresses, per socket "
                             "(IP_FREEBIND) where possible (ip-sysctl.rst ip_nonlocal_bind)", s->key);
}

/* dirty_background above dirty: the kernel quietly uses half of dirty_ratio instead. */
static void check_writeback_order(const struct profile *p, const struct validate_opts *o, struct findings *f)
{
        long long bg, fg;
        const struct setting *s = profile_find(p, "vm.dirty_background_ratio");
        const struct setting *t = profile_find(p, "vm.dirty_ratio");
        if ((!s && !t) || !eff(p, o, "vm.dirty_background_ratio", &bg) || !eff(p, o, "vm.dirty_ratio", &fg) || bg < fg ||
            fg <= 0)
                return;
        const struct setting *at = s ? s : t;
        findings_add(f, SEV_WARNING, "writeback-order", at->key, &at->loc,
                     "vm.dirty_background_ratio (%lld) is not below vm.dirty_ratio (%lld): the kernel then starts "
                     "background writeback at half of dirty_ratio (%lld%%), not at the value set "
                     "(mm/page-writeback.c domain_dirty_limits)", bg, fg, fg / 2);
}

/* The kernel's default of a limit on kernel k, from the knowledge base's text: "4096 (128 before 5.4)",
 * "32768, or ...", "65530"; false when it does not start with a number. */
static bool kb_default_int(const char *key, const struct validate_opts *o, long long *ret)
{
        const struct kb_entry *e = kb_lookup(key);
        if (!e || !o->kernel_known)
                return false;
        const char *d = kb_facts_at(e, o->kernel, true).defval;
        char *end;
        long long v = strtoll(d, &end, 10), old;
        unsigned a, b;
        if (end == d || (*end && *end != ' ' && *end != ','))
                return false;
        if (sscanf(end, " (%lld before %u.%u)", &old, &a, &b) == 3 && kver_cmp(o->kernel, KVER(a, b)) < 0)
                v = old;
        *ret = v;
        return true;
}

/* Limits lowered below the kernel's own default: an old recipe's number, smaller than what the kernel
 * gives every host today. (Against a target's current value: lowers-system-limit in hazards.c.) */
static void check_below_default(const struct profile *p, const struct validate_opts *o, struct findings *f)
{
        static const char *const keys[] = {"fs.aio-max-nr", "fs.inotify.max_user_instances", "fs.nr_open",
                                           "kernel.pid_max", "net.core.netdev_max_backlog", "net.core.somaxconn",
                                           "vm.max_map_count"};
        for (size_t i = 0; !o->target && i < ELEMENTSOF(keys); i++) {
                const struct setting *s = profile_find(p, keys[i]);
                long long v, d;
                if (s && s->mode == SET_EXACT && setting_active(s, o) && parse_kernel_int(s->value, &v) == 0 &&
                    kb_default_int(keys[i], o, &d) && v < d) {
                        char b[32];
                        findings_add(f, SEV_WARNING, "below-kernel-default", s->key, &s->loc,
                                     "%s=%lld is below the kernel's own default (%lld on Linux %s): it lowers the "
                                     "limit for every process on the host; use at_least to only raise it (twtune explain "
                                     "%s)", s->key, v, d, kver_format(o->kernel, b, sizeof(b)), s->key);
                }
        }
}

void check_class_hazards(const struct profile *p, const struct validate_opts *o, struct findings *f)
{
        check_table(p, o, f);
        check_memory(p, o, f);
        check_socket_defaults(p, o, f);
        check_router(p, o, f);
        check_writeback_order(p, o, f);
        check_below_default(p, o, f);
}
