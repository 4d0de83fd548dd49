/* SPDX-License-Identifier: MIT */
/* Hazards in the values a profile sets: one table of single-value rules, and the checks that
 * weigh keys against each other (buffer defaults against maxima, tcp_mem against one socket's
 * buffer, limits against what the target already has). Each is a warning: the kernel takes
 * these values, and the findings say what they cost. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "finding.h"
#include "kb.h"
#include "target.h"
#include "util.h"
#include "validate_internal.h"
#include "value.h"

enum rule_op { R_EQ, R_LE, R_GT };

struct value_rule {
        const char *key;
        enum rule_op op;
        long long value;
        struct kver before; /* only on kernels before this one; NONE: on all */
        const char *code;
        const char *why;    /* after "KEY=VALUE: " */
        const char *source;
};

static const struct value_rule rules[] = {
        {"net.core.somaxconn", R_GT, 65535, KV(5, 4, 0), "somaxconn-truncated",
         "before 5.4 the kernel keeps a listener's backlog in 16 bits, so a value above 65535 is cut to its low 16 bits "
         "(65536 becomes 0)", "struct sock sk_max_ack_backlog (unsigned short before 5.4; kb-audit: UNVERIFIED)"},
        {"net.ipv4.tcp_sack", R_EQ, 0, KV(0, 0, 0), "sack-off",
         "without selective acknowledgements a single lost segment makes the sender resend everything after it; "
         "throughput on lossy or long paths drops sharply", "RFC 2018; ip-sysctl.rst tcp_sack"},
        {"net.ipv4.tcp_syncookies", R_EQ, 0, KV(0, 0, 0), "syncookies-off",
         "without SYN cookies a SYN flood fills every listener's SYN queue and legitimate clients are refused; the "
         "default 1 only uses cookies once a queue overflows, so it costs nothing in normal operation",
         "ip-sysctl.rst tcp_syncookies; net/ipv4/tcp_input.c tcp_syn_flood_action"},
        {"net.ipv4.tcp_syn_retries", R_LE, 1, KV(0, 0, 0), "retries-too-low",
         "connect() gives up after one retransmitted SYN, about 3 s: a single lost packet fails the connection",
         "ip-sysctl.rst tcp_syn_retries (retransmission timeouts 1 s, doubling)"},
        {"net.ipv4.tcp_synack_retries", R_LE, 1, KV(0, 0, 0), "retries-too-low",
         "a half-open passive connection is dropped after one retransmitted SYN-ACK: a single lost packet fails the "
         "client's connect()", "ip-sysctl.rst tcp_synack_retries"},
        {"net.ipv4.tcp_timestamps", R_EQ, 0, KV(0, 0, 0), "timestamps-off",
         "without timestamps there is no PAWS protection against wrapped sequence numbers on fast links, RTT "
         "measurement gets worse, and tcp_tw_reuse cannot reuse TIME_WAIT ports", "RFC 7323; ip-sysctl.rst tcp_tw_reuse"},
        {"net.ipv4.tcp_window_scaling", R_EQ, 0, KV(0, 0, 0), "window-scaling-off",
         "the receive window stays at 64 KiB at most, which caps one connection at 64 KiB per round trip "
         "(about 5 Mbit/s at 100 ms)", "RFC 7323; ip-sysctl.rst tcp_window_scaling"},
};

static bool rule_hits(const struct value_rule *r, long long v, const struct validate_opts *o)
{
        if (kver_is_set(r->before) && (!o->kernel_known || kver_cmp(o->kernel, r->before) >= 0))
                return false;
        return r->op == R_EQ ? v == r->value : r->op == R_LE ? v <= r->value : v > r->value;
}

static void check_rules(const struct profile *p, const struct validate_opts *o, struct findings *f)
{
        for (size_t i = 0; i < ELEMENTSOF(rules); i++) {
                const struct setting *s = profile_find(p, rules[i].key);
                long long v;
                if (!s || s->mode != SET_EXACT || !setting_active(s, o) || parse_kernel_int(s->value, &v) < 0)
                        continue;
                if (rule_hits(&rules[i], v, o))
                        findings_add(f, SEV_WARNING, rules[i].code, s->key, &s->loc, "%s=%lld: %s", s->key, v, rules[i].why);
        }
}

/* Element i (0-based) of a key's effective vector value; false when unknown. */
static bool effective_elem(const struct profile *p, const struct validate_opts *o, const char *key, size_t i,
                           long long *ret)
{
        bool from_profile;
        char *v = validate_effective(p, o, key, &from_profile);
        char **tok = NULL;
        size_t n = 0;
        bool ok = v && value_split(v, &tok, &n) == 0 && i < n && parse_kernel_int(tok[i], ret) == 0;
        value_tokens_free(tok);
        free(v);
        return ok;
}

/* A default above its maximum (the kernel does not check): sockets start with more than they may
 * later be given, and the setting the user meant is not the one in force. */
static void check_buffers(const struct profile *p, const struct validate_opts *o, struct findings *f)
{
        static const struct {
                const char *dkey, *dname;
                size_t di;
                const char *mkey, *mname;
                size_t mi;
        } pairs[] = {
                {"net.core.rmem_default", "net.core.rmem_default", 0, "net.core.rmem_max", "net.core.rmem_max", 0},
                {"net.core.wmem_default", "net.core.wmem_default", 0, "net.core.wmem_max", "net.core.wmem_max", 0},
                {"net.ipv4.tcp_rmem", "tcp_rmem's default", 1, "net.ipv4.tcp_rmem", "its maximum", 2},
                {"net.ipv4.tcp_wmem", "tcp_wmem's default", 1, "net.ipv4.tcp_wmem", "its maximum", 2},
                {"net.ipv4.tcp_rmem", "tcp_rmem's minimum", 0, "net.ipv4.tcp_rmem", "its default", 1},
                {"net.ipv4.tcp_wmem", "tcp_wmem's minimum", 0, "net.ipv4.tcp_wmem", "its default", 1},
        };
        for (size_t i = 0; i < ELEMENTSOF(pairs); i++) {
                const struct setting *s = profile_find(p, pairs[i].dkey), *m = profile_find(p, pairs[i].mkey);
                long long d, x;
                if ((!s && !m) || !effective_elem(p, o, pairs[i].dkey, pairs[i].di, &d) ||
                    !effective_elem(p, o, pairs[i].mkey, pairs[i].mi, &x) || d <= x)
                        continue;
                const struct setting *at = s ? s : m;
                findings_add(f, SEV_WARNING, "buffer-default-above-max", at->key, &at->loc,
                             "%s (%lld) is above %s (%lld): the kernel does not check the order, so the setting in force "
                             "is not the one meant", pairs[i].dname, d, pairs[i].mname, x);
        }
}

/* tcp_mem and udp_mem are in pages: out of order, or below one socket's maximum buffer, they were
 * most likely written in bytes. */
static void check_mem_pages(const struct profile *p, const struct validate_opts *o, struct findings *f)
{
        static const char *const keys[] = {"net.ipv4.tcp_mem", "net.ipv4.udp_mem"};
        for (size_t k = 0; k < ELEMENTSOF(keys); k++) {
                const struct setting *s = profile_find(p, keys[k]);
                long long v[3], rmax = 0, wmax = 0;
                if (!s || !setting_active(s, o) || !effective_elem(p, o, keys[k], 0, &v[0]) ||
                    !effective_elem(p, o, keys[k], 1, &v[1]) || !effective_elem(p, o, keys[k], 2, &v[2]))
                        continue;
                bool order = v[0] <= v[1] && v[1] <= v[2];
                effective_elem(p, o, "net.ipv4.tcp_rmem", 2, &rmax);
                effective_elem(p, o, "net.ipv4.tcp_wmem", 2, &wmax);
                long long big = rmax > wmax ? rmax : wmax;
                bool small = k == 0 && big > 0 && v[2] < big / 4096;
                /* The same three numbers as a per-socket buffer setting: copied as if in bytes. */
                bool copied = false;
                for (size_t b = 0; b < 2; b++) {
                        const struct setting *buf = profile_find(p, b ? "net.ipv4.tcp_wmem" : "net.ipv4.tcp_rmem");
                        copied |= buf && value_equal(buf->value, s->value);
                }
                if (order && !small && !copied)
                        continue;
                findings_add(f, SEV_WARNING, "tcp-mem-pages", s->key, &s->loc,
                             "%s is counted in pages of 4096 bytes, not bytes: %s. %lld pages is %lld MiB for all sockets "
                             "together", s->key,
                             !order ? "its three values must rise (low, pressure, high)"
                             : small ? "its high mark is below one socket's maximum buffer (tcp_rmem/tcp_wmem)"
                                     : "it has the same numbers as a per-socket buffer setting, which is in bytes",
                             v[2], v[2] / 256);
        }
}

/* A limit set below what the target already has lowers it for every process on the host. */
static void check_lowered_limits(const struct profile *p, const struct validate_opts *o, struct findings *f)
{
        static const char *const keys[] = {"fs.file-max", "fs.nr_open", "kernel.pid_max", "vm.max_map_count"};
        for (size_t k = 0; o->target && k < ELEMENTSOF(keys); k++) {
                const struct setting *s = profile_find(p, keys[k]);
                char *cur = NULL;
                long long want, now;
                if (!s || s->mode != SET_EXACT || !setting_active(s, o) || parse_kernel_int(s->value, &want) < 0 ||
                    target_get(o->target, keys[k], &cur) < 0)
                        continue;
                bool lower = parse_kernel_int(cur, &now) == 0 && want < now;
                free(cur);
                if (lower)
                        findings_add(f, SEV_WARNING, "lowers-system-limit", s->key, &s->loc,
                                     "%s=%lld lowers the target's current %lld, for every process on the host (an old "
                                     "recipe's number, written when defaults were smaller?); use at_least to only raise it",
                                     s->key, want, now);
        }
}

/* disable_ipv6 on drops every IPv6 address of the interfaces it covers, and turning it off again
 * (an undo, a rollback) brings back only what the kernel configures itself: static addresses are
 * gone. Observed on 6.18 in a network namespace (a veth's 2001:db8::1/64 did not come back). */
static void check_disable_ipv6(const struct profile *p, const struct validate_opts *o, struct findings *f)
{
        for (size_t i = 0; i < p->n_settings; i++) {
                const struct setting *s = &p->settings[i];
                long long v;
                if (!setting_active(s, o) || !kb_is_disable_ipv6(s->key) || parse_kernel_int(s->value, &v) < 0 || v == 0)
                        continue;
                findings_add(f, SEV_WARNING, "disable-ipv6-drops-addresses", s->key, &s->loc,
                             "%s=%lld removes every IPv6 address of the interfaces it covers; turning it off again "
                             "(a failed transaction's undo, a rollback) restores only addresses the kernel configures "
                             "itself, never static ones. twtune applies it alone, or with other keys only given "
                             "--allow-address-loss", s->key, v);
        }
}

void check_value_hazards(const struct profile *p, const struct validate_opts *o, struct findings *f)
{
        check_rules(p, o, f);
        check_buffers(p, o, f);
        check_mem_pages(p, o, f);
        check_lowered_limits(p, o, f);
        check_class_hazards(p, o, f);
        check_disable_ipv6(p, o, f);
}
