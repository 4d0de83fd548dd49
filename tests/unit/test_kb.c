/* SPDX-License-Identifier: MIT */
/* The knowledge base table: its stated invariants and its coverage of the reference keys. */
#include <limits.h>
#include <stdint.h>

#include "kb.h"
#include "testutil.h"

START_TEST(sorted_and_unique)
{
        size_t n;
        const struct kb_entry *const *e = kb_entries(&n);
        ck_assert_uint_ge(n, 25);
        for (size_t i = 1; i < n; i++)
                ck_assert_msg(strcmp(e[i - 1]->key, e[i]->key) < 0, "duplicate key %s", e[i]->key);
        /* Each family file is itself sorted, so a reviewer finds a key where it belongs. */
        size_t nf;
        const struct kb_entry *const *fam = kb_families(&nf);
        for (size_t f = 0; f < nf; f++)
                for (const struct kb_entry *x = fam[f]; x->key && x[1].key; x++)
                        ck_assert_msg(strcmp(x->key, x[1].key) < 0, "family file not sorted at %s / %s", x->key, x[1].key);
}
END_TEST

START_TEST(entries_are_complete)
{
        size_t n;
        const struct kb_entry *const *e = kb_entries(&n);
        for (size_t i = 0; i < n; i++) {
                const struct kb_entry *x = e[i];
                ck_assert_msg(x->meaning && *x->meaning, "%s: no meaning", x->key);
                ck_assert_msg(x->source && *x->source, "%s: no source", x->key);
                ck_assert_msg(x->defval && *x->defval, "%s: no default", x->key);
                ck_assert_msg(kver_is_set(x->introduced), "%s: no introduction version", x->key);
                ck_assert_msg(x->min <= x->max, "%s: min > max", x->key);
                if (kver_is_set(x->removed))
                        ck_assert_msg(kver_cmp(x->introduced, x->removed) < 0, "%s: removed before introduced", x->key);
                if (x->scope == KB_GLOBAL)
                        ck_assert_msg(!kver_is_set(x->netns_since), "%s: global with a netns version", x->key);
                if (x->type == KB_BOOL)
                        ck_assert_msg(x->min == 0 && x->max == 1, "%s: bool range", x->key);
                ck_assert_msg(!x->free_text || x->type == KB_STRING, "%s: free text on a non-string", x->key);
                if (x->type == KB_VECTOR)
                        ck_assert_msg(x->nvalues >= 2, "%s: vector of fewer than 2", x->key);
                else if (x->type == KB_PORTLIST || x->type == KB_STRING)
                        ck_assert_msg(x->nvalues == 0, "%s: list/string with a count", x->key);
                else
                        ck_assert_msg(x->nvalues == 1, "%s: scalar count", x->key);
                if (!x->kernel_enforced && x->type != KB_STRING && !x->read_only && x->type != KB_PORTLIST)
                        ck_assert_msg(x->range_note != NULL, "%s: twtune-only range without a reason", x->key);
                if (kver_is_set(x->top_value_since))
                        ck_assert_msg(kver_cmp(x->introduced, x->top_value_since) < 0, "%s: top value predates key", x->key);
        }
}
END_TEST

START_TEST(structural_tier)
{
        size_t n;
        const struct kb_gen *g = kb_gens(&n);
        ck_assert_uint_ge(n, 500);
        ck_assert_msg(strlen(kb_gen_kernel) >= 3, "no generating kernel");
        for (size_t i = 0; i < n; i++) {
                if (i)
                        ck_assert_msg(strcmp(g[i - 1].key, g[i].key) < 0, "generated table not sorted at %s", g[i].key);
                ck_assert_ptr_eq(kb_gen_lookup(g[i].key), &g[i]);
                if (g[i].has_bounds)
                        ck_assert_msg(g[i].min <= g[i].max && g[i].bounds_source && *g[i].bounds_source,
                                      "%s: bounds without a source", g[i].key);
                /* Nothing of the machine that generated it: no secrets, no identity. */
                size_t len = strlen(g[i].key);
                bool secret = (len > 4 && strcmp(g[i].key + len - 4, "_key") == 0) || (len > 7 && strcmp(g[i].key + len - 7, "_secret") == 0) ||
                              strstr(g[i].key, "hostname") || strstr(g[i].key, "random.");
                ck_assert_msg(!g[i].seen || !secret,
                              "%s: a value of the generating machine recorded", g[i].key);
        }
        /* Interface keys through their patterns. */
        const struct kb_gen *x = kb_gen_lookup("net.ipv4.conf.eth0/100.arp_notify");
        ck_assert_ptr_nonnull(x);
        ck_assert_str_eq(x->key, "net.ipv4.conf.IFACE.arp_notify");
        ck_assert_int_eq(x->scope, KBG_NETNS);
        ck_assert_ptr_null(kb_gen_lookup("net.ipv4.no_such_key"));
}
END_TEST

START_TEST(removed_keys)
{
        size_t n;
        const struct kb_removed *r = kb_removeds(&n);
        for (size_t i = 0; i < n; i++) {
                if (i)
                        ck_assert_msg(strcmp(r[i - 1].key, r[i].key) < 0, "removed keys not sorted at %s", r[i].key);
                ck_assert_msg(r[i].replacement && *r[i].replacement && r[i].source && *r[i].source, "%s: unsourced",
                              r[i].key);
                /* Not also a key of a kernel twtune knows. */
                ck_assert_msg(!kb_lookup(r[i].key) && !kb_gen_lookup(r[i].key), "%s: removed but known", r[i].key);
                ck_assert_ptr_eq(kb_removed_lookup(r[i].key), &r[i]);
        }
        ck_assert_ptr_nonnull(kb_removed_lookup("kernel.sched_min_granularity_ns"));
        /* A typo of a removed key is a typo of a key twtune knows. */
        ck_assert_str_eq(kb_suggest("kernel.sched_min_granularity", NULL, 0), "kernel.sched_min_granularity_ns");
}
END_TEST

START_TEST(covers_reference_keys)
{
        /* The keys of shared/reference/kernel-sysctl-facts.md. */
        static const char *const keys[] = {
                "net.ipv4.tcp_tw_reuse", "net.ipv4.tcp_tw_reuse_delay", "net.ipv4.tcp_tw_recycle",
                "net.ipv4.tcp_timestamps", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_max_tw_buckets",
                "net.ipv4.ip_local_port_range", "net.ipv4.ip_local_reserved_ports", "net.ipv4.ip_unprivileged_port_start",
                "net.ipv4.tcp_syncookies", "net.ipv4.tcp_max_syn_backlog", "net.core.somaxconn",
                "net.core.netdev_max_backlog", "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_keepalive_intvl",
                "net.ipv4.tcp_keepalive_probes", "net.ipv4.tcp_rfc1337", "net.ipv4.tcp_synack_retries",
                "net.ipv4.tcp_syn_retries", "net.ipv4.tcp_orphan_retries", "net.ipv4.tcp_max_orphans",
                "net.ipv4.tcp_slow_start_after_idle", "net.ipv4.tcp_congestion_control", "net.ipv4.tcp_ehash_entries",
                "net.ipv4.tcp_child_ehash_entries",
        };
        for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
                ck_assert_msg(kb_lookup(keys[i]) != NULL, "missing %s", keys[i]);
        ck_assert_ptr_null(kb_lookup("net.ipv4.tcp_nonexistent"));
        ck_assert_ptr_null(kb_lookup(""));
}
END_TEST

START_TEST(key_facts)
{
        const struct kb_entry *e = kb_lookup("net.ipv4.tcp_tw_recycle");
        ck_assert_int_eq(kver_cmp(e->removed, KVER(4, 12)), 0);
        ck_assert(e->verified & KBV_REMOVED);
        e = kb_lookup("net.ipv4.tcp_max_tw_buckets");
        ck_assert(!e->kernel_enforced); /* the kernel accepts -5; twtune must not */
        ck_assert_int_eq(e->min, 0);
        e = kb_lookup("net.core.netdev_max_backlog");
        ck_assert_int_eq(e->scope, KB_GLOBAL);
        e = kb_lookup("net.ipv4.ip_local_port_range");
        ck_assert_uint_eq(e->nvalues, 2);
        ck_assert_int_eq(e->max, 65535);
}
END_TEST

START_TEST(propagations_sorted_and_sourced)
{
        size_t n;
        const struct kb_propagation *p = kb_propagations(&n);
        ck_assert_uint_gt(n, 0);
        for (size_t i = 0; i < n; i++) {
                if (i)
                        ck_assert_msg(strcmp(p[i - 1].key, p[i].key) < 0, "propagations not sorted at %s", p[i].key);
                ck_assert_msg(p[i].source && *p[i].source, "%s: no source", p[i].key);
                ck_assert_msg(p[i].dependents[0] != NULL, "%s: no dependents", p[i].key);
                ck_assert_ptr_eq(kb_propagation(p[i].key), &p[i]);
        }
        ck_assert_ptr_null(kb_propagation("net.ipv4.tcp_fin_timeout"));
        ck_assert_ptr_null(kb_propagation("net.ipv4.conf.default.forwarding")); /* observed: does not propagate */
}
END_TEST

START_TEST(values_compared_by_type)
{
        /* The kernel prints a reserved-port list its own way: "1000,1001" reads back "1000-1001". */
        ck_assert(kb_value_equal("net.ipv4.ip_local_reserved_ports", "1000,1001", "1000-1001"));
        ck_assert(kb_value_equal("net.ipv4.ip_local_reserved_ports", "8080,80,443", "80,443,8080"));
        ck_assert(kb_value_equal("net.ipv4.ip_local_reserved_ports", "", ""));
        ck_assert(!kb_value_equal("net.ipv4.ip_local_reserved_ports", "1000,1001", "1000-1002"));
        ck_assert(!kb_value_equal("net.ipv4.ip_local_reserved_ports", "", "80"));
        ck_assert(!kb_value_equal("net.ipv4.tcp_fin_timeout", "1000,1001", "1000-1001"));
        ck_assert(kb_value_equal("net.ipv4.tcp_fin_timeout", "0x1e", "30"));
        /* Rounding the kernel does: milliseconds in jiffies (10 ms is 12 at HZ=250, 10 at HZ=100),
         * powers of two. Only what some tick could give back is equal. */
        ck_assert(kb_value_equal("net.ipv4.icmp_ratelimit", "10", "12"));
        ck_assert(kb_value_equal("net.ipv4.icmp_ratelimit", "12", "10"));
        ck_assert(kb_value_equal("net.ipv4.icmp_ratelimit", "1", "4"));
        ck_assert(!kb_value_equal("net.ipv4.icmp_ratelimit", "10", "13"));
        ck_assert(!kb_value_equal("net.ipv4.icmp_ratelimit", "10", "1000"));
        ck_assert(kb_value_equal("net.ipv4.tcp_child_ehash_entries", "1000", "1024"));
        ck_assert(!kb_value_equal("net.ipv4.tcp_child_ehash_entries", "1000", "2048"));
        ck_assert(!kb_value_equal("net.ipv4.tcp_fin_timeout", "10", "12")); /* no rounding known: different */
}
END_TEST

START_TEST(enforcement_by_version)
{
        /* tcp_tw_reuse took any int until 4.18 (commit 79e9fed46038); an unknown kernel never gets
         * the stronger claim. */
        const struct kb_entry *e = kb_lookup("net.ipv4.tcp_tw_reuse");
        ck_assert(!kb_kernel_enforces(e, KVER(4, 17), true));
        ck_assert(kb_kernel_enforces(e, KVER(4, 18), true));
        ck_assert(kb_kernel_enforces(e, KVER3(6, 18, 44), true));
        ck_assert(!kb_kernel_enforces(e, KVER(6, 18), false));
        e = kb_lookup("net.ipv4.tcp_syn_retries"); /* enforced as far back as the table knows */
        ck_assert(kb_kernel_enforces(e, KVER(4, 9), true));
        e = kb_lookup("net.ipv4.tcp_max_tw_buckets"); /* never */
        ck_assert(!kb_kernel_enforces(e, KVER(6, 18), true));
        /* Three-number versions: somaxconn has been per namespace since 2.6.25, not 2.6. */
        e = kb_lookup("net.core.somaxconn");
        ck_assert_int_eq(kver_cmp(e->netns_since, KVER3(2, 6, 25)), 0);
        ck_assert_int_gt(kver_cmp(e->netns_since, KVER3(2, 6, 24)), 0);
        ck_assert_int_eq(kver_cmp(kb_lookup("net.ipv4.tcp_timestamps")->netns_since, KVER(4, 13)), 0);
        ck_assert_int_eq(kver_cmp(kb_lookup("net.ipv4.ip_local_port_range")->netns_since, KVER(3, 13)), 0);
}
END_TEST

START_TEST(changes_sorted_and_sourced)
{
        size_t n;
        const struct kb_entry *const *e = kb_entries(&n);
        for (size_t i = 0; i < n; i++)
                for (size_t c = 0; c < e[i]->n_changes; c++) {
                        const struct kb_change *x = &e[i]->changes[c];
                        ck_assert_msg(x->source && *x->source, "%s: a change without a source", e[i]->key);
                        ck_assert_msg(x->what != 0, "%s: a change that changes nothing", e[i]->key);
                        ck_assert_msg(kver_cmp(e[i]->introduced, x->since) < 0, "%s: a change before the key", e[i]->key);
                        if (c)
                                ck_assert_msg(kver_cmp(e[i]->changes[c - 1].since, x->since) < 0, "%s: changes out of order",
                                              e[i]->key);
                        if (x->what & KBC_RANGE)
                                ck_assert_msg(x->min <= x->max, "%s: a change with min > max", e[i]->key);
                        if (x->what & KBC_KERNEL_RANGE)
                                ck_assert_msg(x->kmin <= x->kmax && x->kmin <= e[i]->min && e[i]->max <= x->kmax,
                                              "%s: a kernel range that does not hold twtune's", e[i]->key);
                }
}
END_TEST

START_TEST(interface_patterns)
{
        /* A pattern entry answers for every interface, 'all' and 'default' included. */
        size_t n;
        const struct kb_entry *const *e = kb_entries(&n), *pattern = NULL;
        for (size_t i = 0; i < n && !pattern; i++)
                if (strstr(e[i]->key, ".IFACE."))
                        pattern = e[i];
        if (!pattern)
                return; /* no pattern entry yet */
        const char *ifs[] = {"all", "default", "eth0", "eth0/100"};
        for (size_t i = 0; i < 4; i++) {
                char key[300];
                const char *at = strstr(pattern->key, "IFACE");
                snprintf(key, sizeof(key), "%.*s%s%s", (int)(at - pattern->key), pattern->key, ifs[i], at + 5);
                ck_assert_ptr_eq(kb_lookup(key), pattern);
        }
}
END_TEST

START_TEST(k8s_safe_table)
{
        /* The kubelet's safe list (kb/k8s.h): sorted, unique, sourced, every key a kb entry that is
         * per namespace (network, or IPC for kernel.*), and a kernel gate where the kb knows the key
         * became per network namespace after Linux 3.10, the oldest kernel Kubernetes documents. */
        const struct kb_k8s_safe *t = kb_k8s_safes();
        size_t n = 0;
        for (; t[n].key; n++) {
                const struct kb_k8s_safe *s = &t[n];
                if (n)
                        ck_assert_msg(strcmp(t[n - 1].key, s->key) < 0, "k8s table not sorted/unique at %s", s->key);
                ck_assert_msg(s->source && *s->source, "%s: no source", s->key);
                ck_assert_msg(s->k8s.major == 1 && s->k8s.minor >= 4, "%s: Kubernetes version", s->key);
                ck_assert_ptr_eq(kb_k8s_safe(s->key), s);
                const struct kb_entry *e = kb_lookup(s->key);
                ck_assert_msg(e != NULL, "%s: not a kb entry", s->key);
                if (strncmp(s->key, "net.", 4) == 0) {
                        ck_assert_msg(e->scope == KB_NETNS, "%s: safe but not per netns in the kb", s->key);
                        if (kver_cmp(e->netns_since, KVER(3, 10)) > 0)
                                ck_assert_msg(kver_cmp(s->kernel, e->netns_since) == 0, "%s: gate %u.%u, kb netns %u.%u",
                                              s->key, s->kernel.major, s->kernel.minor, e->netns_since.major,
                                              e->netns_since.minor);
                } else {
                        ck_assert_msg(strncmp(s->key, "kernel.shm", 10) == 0, "%s: not an IPC key", s->key);
                }
                if (s->kubelet_gated)
                        ck_assert_msg(kver_is_set(s->kernel), "%s: gated without a kernel", s->key);
        }
        ck_assert_uint_eq(n, 14);
        ck_assert_ptr_null(kb_k8s_safe("net.core.somaxconn"));
        ck_assert_ptr_null(kb_k8s_safe(""));
}
END_TEST

/* The full optimal string alignment distance, unbounded: the oracle for kb_suggest's bounded one. */
static size_t full_distance(const char *a, const char *b)
{
        size_t la = strlen(a), lb = strlen(b), d[130][130];
        ck_assert_uint_lt(la, 130);
        ck_assert_uint_lt(lb, 130);
        for (size_t i = 0; i <= la; i++)
                for (size_t j = 0; j <= lb; j++) {
                        if (!i || !j) {
                                d[i][j] = i + j;
                                continue;
                        }
                        size_t v = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
                        v = d[i - 1][j] + 1 < v ? d[i - 1][j] + 1 : v;
                        d[i][j] = d[i][j - 1] + 1 < v ? d[i][j - 1] + 1 : v;
                }
        return d[la][lb];
}

static void brute_consider(const char *key, const char *c, size_t *best, const char **found)
{
        if (strcmp(key, c) == 0)
                return;
        size_t d = full_distance(key, c);
        const char *lk = strrchr(key, '.'), *lc = strrchr(c, '.');
        lk = lk ? lk + 1 : key;
        lc = lc ? lc + 1 : c;
        if (lk - key == lc - c && strncmp(key, c, (size_t)(lk - key)) == 0) {
                size_t dl = full_distance(lk, lc);
                d = dl < d ? dl : d;
        }
        if (d < *best) {
                *best = d;
                *found = c;
        }
}

/* What kb_suggest must answer, by brute force in the same candidate order. */
static const char *brute_suggest(const char *key, char *const *extra, size_t n_extra)
{
        size_t best = 4, n;
        const char *found = NULL;
        const struct kb_entry *const *v = kb_entries(&n);
        for (size_t i = 0; i < n; i++)
                brute_consider(key, v[i]->key, &best, &found);
        for (size_t i = 0; i < n_extra; i++)
                brute_consider(key, extra[i], &best, &found);
        const struct kb_gen *g = kb_gens(&n);
        for (size_t i = 0; i < n; i++)
                if (!strstr(g[i].key, "IFACE"))
                        brute_consider(key, g[i].key, &best, &found);
        const struct kb_removed *rm = kb_removeds(&n);
        for (size_t i = 0; i < n; i++)
                brute_consider(key, rm[i].key, &best, &found);
        return found;
}

/* kb_suggest computes distances only up to the best so far; seeded random typos of known keys
 * (1 to 4 edits, some with sibling candidates) must get the brute force's answer. The brute force
 * is slow (every candidate in full; under valgrind, seconds), so 12 typos by default: TWTUNE_SUGGEST_TYPOS for more,
 * TWTUNE_SUGGEST_SEED for another seed. */
START_TEST(suggest_matches_brute_force)
{
        const char *env = getenv("TWTUNE_SUGGEST_SEED"), *count = getenv("TWTUNE_SUGGEST_TYPOS");
        unsigned seed = env ? (unsigned)strtoul(env, NULL, 10) : 19;
        unsigned typos = count ? (unsigned)strtoul(count, NULL, 10) : 12;
        size_t n;
        const struct kb_gen *g = kb_gens(&n);
        static const char alpha[] = "abcdefghijklmnopqrstuvwxyz_.0123456789";
        for (unsigned t = 0; t < typos; t++) {
                unsigned s = seed * 1000003u + t;
                char key[128];
                snprintf(key, sizeof(key), "%s", g[rand_r(&s) % n].key);
                for (int e = 1 + rand_r(&s) % 4; e > 0; e--) {
                        size_t len = strlen(key), at = (size_t)rand_r(&s) % (len + 1);
                        int op = rand_r(&s) % 3;
                        if (op == 0 && len + 1 < sizeof(key)) { /* insert */
                                memmove(key + at + 1, key + at, len - at + 1);
                                key[at] = alpha[rand_r(&s) % (sizeof(alpha) - 1)];
                        } else if (op == 1 && at < len) { /* delete */
                                memmove(key + at, key + at + 1, len - at);
                        } else if (at < len) { /* substitute */
                                key[at] = alpha[rand_r(&s) % (sizeof(alpha) - 1)];
                        }
                }
                char sib1[160], sib2[160];
                const char *dot = strrchr(key, '.');
                int pre = dot ? (int)(dot - key) + 1 : 0;
                snprintf(sib1, sizeof(sib1), "%.*srp_filter", pre, key);
                snprintf(sib2, sizeof(sib2), "%.*s%s", pre, key, t % 2 ? "forwarding" : "accept_redirects");
                char *extra[] = {sib1, sib2};
                size_t n_extra = t % 3 ? 2 : 0;
                const char *want = brute_suggest(key, extra, n_extra), *got = kb_suggest(key, extra, n_extra);
                ck_assert_msg(want == got || (want && got && strcmp(want, got) == 0),
                              "seed %u, typo %u: %s: kb_suggest says %s, the brute force %s", seed, t, key,
                              got ? got : "nothing", want ? want : "nothing");
        }
}
END_TEST

static Suite *suite(void)
{
        Suite *s = suite_create("kb");
        TCase *tc = tcase_create("table");
        tcase_add_test(tc, sorted_and_unique);
        tcase_add_test(tc, propagations_sorted_and_sourced);
        tcase_add_test(tc, values_compared_by_type);
        tcase_add_test(tc, enforcement_by_version);
        tcase_add_test(tc, changes_sorted_and_sourced);
        tcase_add_test(tc, interface_patterns);
        tcase_add_test(tc, entries_are_complete);
        tcase_add_test(tc, structural_tier);
        tcase_add_test(tc, removed_keys);
        tcase_add_test(tc, covers_reference_keys);
        tcase_add_test(tc, key_facts);
        tcase_add_test(tc, k8s_safe_table);
        tcase_add_test(tc, suggest_matches_brute_force);
        suite_add_tcase(s, tc);
        return s;
}

TEST_MAIN(suite)
