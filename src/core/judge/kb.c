/* SPDX-License-Identifier: MIT */
#include "kb.h"

#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "key.h"
#include "util.h"
#include "value.h"

/*
 * Facts come from the kernel's Documentation/networking/ip-sysctl.rst and admin-guide/sysctl/,
 * the handlers that register each key, the commits named in each source, and observations on
 * Linux 6.18 in a private network namespace (shared/reference/kernel-sysctl-facts.md and
 * kb-audit.md). Version facts not confirmed at a commit leave their KBV_* bit clear.
 *
 * The entries live in kb/<family>.h, one file per key family, each sorted and NULL-terminated;
 * tests/unit/test_kb.c checks the order, uniqueness and sources. kb_lookup bisects an index of all
 * of them built on first use.
 */
#include "kb/fs.h"
#include "kb/ipv4.h"
#include "kb/ipv6.h"
#include "kb/kernel.h"
#include "kb/net_core.h"
#include "kb/netfilter.h"
#include "kb/tcp.h"
#include "kb/vm.h"
#include "kb/service_ports.h"
#include "kb/k8s.h"

static const struct kb_entry *const families[] = {kb_fs, kb_ipv4, kb_ipv6, kb_kernel, kb_net_core, kb_netfilter, kb_tcp, kb_vm};

static const struct kb_entry **index_;
static size_t n_index;

static int cmp_entry(const void *a, const void *b)
{
        return strcmp((*(const struct kb_entry *const *)a)->key, (*(const struct kb_entry *const *)b)->key);
}

/* All families' entries, sorted by key; NULL if memory ran out (lookups then find nothing). */
static const struct kb_entry *const *index_all(size_t *ret_n)
{
        if (!index_) {
                size_t n = 0;
                for (size_t f = 0; f < ELEMENTSOF(families); f++)
                        for (const struct kb_entry *e = families[f]; e->key; e++)
                                n++;
                const struct kb_entry **v = malloc(n * sizeof(*v));
                if (!v) {
                        *ret_n = 0;
                        return NULL;
                }
                n = 0;
                for (size_t f = 0; f < ELEMENTSOF(families); f++)
                        for (const struct kb_entry *e = families[f]; e->key; e++)
                                v[n++] = e;
                qsort(v, n, sizeof(*v), cmp_entry);
                index_ = v;
                n_index = n;
        }
        *ret_n = n_index;
        return index_;
}

static int cmp_key(const void *k, const void *e)
{
        return strcmp(k, (*(const struct kb_entry *const *)e)->key);
}

static const struct kb_entry *lookup_exact(const char *key)
{
        size_t n;
        const struct kb_entry *const *v = index_all(&n);
        const struct kb_entry *const *hit = v ? bsearch(key, v, n, sizeof(*v), cmp_key) : NULL;
        return hit ? *hit : NULL;
}

/* Whether some entry's key has IFACE right after key's first head bytes ("net.ipv4.conf."): the
 * lookups below try only those places. The prefixes are found once, from the index. */
static bool iface_at(const char *key, size_t head)
{
        static const char *prefixes[16];
        static size_t lens[16], n_prefixes;
        static bool scanned, overflow;
        if (!scanned) {
                size_t n;
                const struct kb_entry *const *v = index_all(&n);
                for (size_t i = 0; v && i < n; i++) {
                        const char *at = strstr(v[i]->key, ".IFACE");
                        size_t l = at ? (size_t)(at + 1 - v[i]->key) : 0, k = 0;
                        while (at && k < n_prefixes && (lens[k] != l || strncmp(prefixes[k], v[i]->key, l) != 0))
                                k++;
                        if (at && k == n_prefixes && n_prefixes < ELEMENTSOF(prefixes)) {
                                prefixes[n_prefixes] = v[i]->key;
                                lens[n_prefixes++] = l;
                        } else if (at && k == n_prefixes) {
                                overflow = true; /* more than the table holds: every place is tried */
                        }
                }
                scanned = v != NULL;
                if (!v)
                        return true;
        }
        if (overflow)
                return true;
        for (size_t k = 0; k < n_prefixes; k++)
                if (lens[k] == head && strncmp(prefixes[k], key, head) == 0)
                        return true;
        return false;
}

static const struct kb_entry *lookup(const char *key);

/* The last key asked and its answer: each step asks about one key several times in a row (its
 * removal, its entry, its value's equality), and a per-interface key takes two searches. */
const struct kb_entry *kb_lookup(const char *key)
{
        static char last[KEY_MAX_LEN + 1];
        static const struct kb_entry *last_e;
        if (last[0] && strcmp(key, last) == 0)
                return last_e;
        size_t len = strlen(key);
        const struct kb_entry *e = lookup(key);
        size_t n;
        if (len <= KEY_MAX_LEN && len > 0 && index_all(&n)) { /* no index (out of memory): no answer to keep */
                memcpy(last, key, len + 1);
                last_e = e;
        }
        return e;
}

static const struct kb_entry *lookup(const char *key)
{
        const struct kb_entry *e = lookup_exact(key);
        if (e || strlen(key) > KEY_MAX_LEN)
                return e;
        /* A per-interface key: try each inner component as the pattern's IFACE. */
        char buf[KEY_MAX_LEN + 8];
        for (const char *c = strchr(key, '.'); c && !e; c = strchr(c + 1, '.')) {
                const char *end = strchr(c + 1, '.');
                if (!end)
                        break;
                /* memcpy, not snprintf: every key of a large profile comes here several times */
                size_t head = (size_t)(c + 1 - key), tail = strlen(end);
                if (!iface_at(key, head))
                        continue;
                memcpy(buf, key, head);
                memcpy(buf + head, "IFACE", 5);
                memcpy(buf + head + 5, end, tail + 1);
                e = lookup_exact(buf);
        }
        return e;
}

const struct kb_entry *const *kb_entries(size_t *ret_n)
{
        return index_all(ret_n);
}

const char *kb_module_for(const char *key)
{
        /* Prefixes of keys a module registers when it loads (its sysctl table in net/netfilter/,
         * net/bridge/, net/netfilter/ipvs/). */
        static const struct {
                const char *prefix, *module;
        } modules[] = {
                {"net.bridge.bridge-nf-", "br_netfilter"},
                {"net.ipv4.vs.", "ip_vs"},
                {"net.netfilter.nf_conntrack_", "nf_conntrack"},
                {"net.nf_conntrack_", "nf_conntrack"},
        };
        for (size_t i = 0; i < ELEMENTSOF(modules); i++)
                if (strncmp(key, modules[i].prefix, strlen(modules[i].prefix)) == 0)
                        return modules[i].module;
        return NULL;
}

char *kb_absence_hint(const char *key)
{
        const char *module = kb_module_for(key);
        const struct kb_entry *e = kb_lookup(key);
        if (module)
                return str_printf(" (it appears once the %s module is loaded: load it first, e.g. through "
                                  "/etc/modules-load.d)", module);
        if (e && e->config)
                return str_printf(" (the kernel has it only with %s)", e->config);
        if (e && e->scope == KB_GLOBAL && e->in_child == KB_CHILD_ABSENT)
                return strdup(" (a global key: absent inside a network namespace other than the host's; set it on "
                              "the host)");
        return strdup("");
}

const struct kb_service_port *kb_service_ports(void)
{
        return kb_service_ports_;
}

const struct kb_k8s_safe *kb_k8s_safes(void)
{
        return kb_k8s_safe_;
}

const struct kb_k8s_safe *kb_k8s_safe(const char *key)
{
        /* Fourteen entries: a scan is as fast as a bisection and needs no count. */
        for (const struct kb_k8s_safe *s = kb_k8s_safe_; s->key; s++)
                if (strcmp(s->key, key) == 0)
                        return s;
        return NULL;
}

const struct kb_entry *const *kb_families(size_t *ret_n)
{
        *ret_n = ELEMENTSOF(families);
        return families;
}

const char *kb_type_name(enum kb_type t)
{
        switch (t) {
        case KB_INT: return "int";
        case KB_BOOL: return "bool";
        case KB_ENUM: return "enum";
        case KB_VECTOR: return "vector";
        case KB_PORTLIST: return "port list";
        default: return "string";
        }
}

/* Whether the kernel, keeping milliseconds in jiffies, could print `got` for a written `want`:
 * msecs_to_jiffies rounds up, jiffies_to_msecs down, at one of the usual HZ values. */
static bool ms_jiffies_equal(const char *want, const char *got)
{
        static const long long hz[] = {100, 250, 300, 1000};
        long long w, g;
        if (parse_kernel_int(want, &w) < 0 || parse_kernel_int(got, &g) < 0 || w < 0 || w > LLONG_MAX / 1000)
                return false;
        for (size_t i = 0; i < ELEMENTSOF(hz); i++) {
                long long j = (w * hz[i] + 999) / 1000;
                if (j * 1000 / hz[i] == g)
                        return true;
        }
        return false;
}

static bool pow2_equal(const char *want, const char *got)
{
        long long w, g, p = 1;
        if (parse_kernel_int(want, &w) < 0 || parse_kernel_int(got, &g) < 0 || w < 0)
                return false;
        while (p < w && p <= LLONG_MAX / 2)
                p *= 2;
        return g == p;
}

/* a and b equal in their first n tokens, when one of them has more: what the kernel keeps of a value
 * with extra fields. */
static bool first_tokens_equal(const char *a, const char *b, unsigned n)
{
        char **ta = NULL, **tb = NULL;
        size_t na = 0, nb = 0;
        bool eq = value_split(a, &ta, &na) == 0 && value_split(b, &tb, &nb) == 0 && na >= n && nb >= n &&
                  (na > n || nb > n);
        for (size_t i = 0; eq && i < n; i++)
                eq = value_equal(ta[i], tb[i]);
        value_tokens_free(ta);
        value_tokens_free(tb);
        return eq;
}

/* At most one token: first_tokens_equal needs more than n >= 1 in one of its values. */
static bool one_token(const char *s)
{
        static const char blanks[] = " \t\n\r\v\f"; /* value_split's separators */
        s += strspn(s, blanks);
        s += strcspn(s, blanks);
        return s[strspn(s, blanks)] == '\0';
}

bool kb_value_equal(const char *key, const char *a, const char *b)
{
        if (value_equal(a, b))
                return true;
        bool extra = !one_token(a) || !one_token(b); /* else the first tokens are all there is, and differ */
        const struct kb_entry *e = kb_lookup(key);
        if (!e) {
                const struct kb_gen *g = extra ? kb_gen_lookup(key) : NULL;
                return g && g->nvalues >= 1 && first_tokens_equal(a, b, g->nvalues);
        }
        if (extra && e->nvalues >= 1 && e->type != KB_STRING && e->type != KB_PORTLIST &&
            first_tokens_equal(a, b, e->nvalues))
                return true;
        if (e->type == KB_PORTLIST)
                return portlist_equal(a, b);
        /* Rounding is one way: a written value and what the kernel kept of it, in either order. */
        if (e->rounding == KB_ROUND_MS_JIFFIES)
                return ms_jiffies_equal(a, b) || ms_jiffies_equal(b, a);
        if (e->rounding == KB_ROUND_POW2)
                return pow2_equal(a, b) || pow2_equal(b, a);
        return false;
}

/* A write to conf.default.ATTR is copied to every interface that has not set ATTR itself
 * (devinet_copy_dflt_conf, called by devinet_conf_proc); only the ones that follow change, and undo
 * reads back which. The attributes whose entry has another handler are not copied:
 * disable_policy, disable_xfrm, drop_unicast_in_l2_multicast, promote_secondaries, route_localnet
 * (DEVINET_SYSCTL_FLUSHING_ENTRY: ipv4_doint_and_flush) and forwarding (devinet_sysctl_forward). */
#define DEVINET_DEFAULT(attr)                                                                                   \
        {"net.ipv4.conf.default." attr, {"net.ipv4.conf.*." attr, NULL, NULL},                                  \
         "net/ipv4/devinet.c devinet_conf_proc: a write to default is copied to interfaces that have not set "  \
         "their own value (devinet_copy_dflt_conf); observed 6.18 with lo and a veth pair (t_kb_conformance)",  \
         KB_REACH_UNWRITTEN, NULL}
/* IPv6 'all' attributes whose write the kernel applies to default and every device, whatever the
 * value before (addrconf.c: addrconf_fixup_forwarding, addrconf_disable_ipv6,
 * addrconf_fixup_linkdown, addrconf_sysctl_addr_gen_mode). */
#define ADDRCONF_ALL(attr, fn)                                                                                  \
        {"net.ipv6.conf.all." attr, {"net.ipv6.conf.*." attr, NULL, NULL},                                      \
         "net/ipv6/addrconf.c " fn ": a write to 'all' sets default and every device, even when 'all' keeps "  \
         "its value; observed 6.18 with lo and a veth pair (t_kb_conformance)",                                 \
         KB_REACH_EVERY_WRITE, NULL}

/* Sorted by key. Each was seen on Linux 6.18 in a private network namespace with lo and a veth
 * pair (t_kb_conformance measures them again): writing the key changed the listed keys. */
static const struct kb_propagation propagations[] = {
        {"net.ipv4.conf.all.forwarding",
         {"net.ipv4.ip_forward", "net.ipv4.conf.*.forwarding", "net.ipv4.conf.all.accept_redirects"},
         "net/ipv4/devinet.c devinet_sysctl_forward: a change of the 'all' entry calls inet_forward_change, which "
         "sets default and every device, and all.accept_redirects to the opposite; a write of the same value "
         "changes nothing; observed 6.18",
         KB_REACH_ON_CHANGE, "net.ipv4.conf.all.accept_redirects"},
        DEVINET_DEFAULT("accept_local"),
        DEVINET_DEFAULT("accept_redirects"),
        DEVINET_DEFAULT("accept_source_route"),
        DEVINET_DEFAULT("arp_accept"),
        DEVINET_DEFAULT("arp_announce"),
        DEVINET_DEFAULT("arp_evict_nocarrier"),
        DEVINET_DEFAULT("arp_filter"),
        DEVINET_DEFAULT("arp_ignore"),
        DEVINET_DEFAULT("arp_notify"),
        DEVINET_DEFAULT("bc_forwarding"),
        DEVINET_DEFAULT("bootp_relay"),
        DEVINET_DEFAULT("drop_gratuitous_arp"),
        DEVINET_DEFAULT("force_igmp_version"),
        DEVINET_DEFAULT("igmpv2_unsolicited_report_interval"),
        DEVINET_DEFAULT("igmpv3_unsolicited_report_interval"),
        DEVINET_DEFAULT("ignore_routes_with_linkdown"),
        DEVINET_DEFAULT("log_martians"),
        DEVINET_DEFAULT("medium_id"),
        DEVINET_DEFAULT("proxy_arp"),
        DEVINET_DEFAULT("proxy_arp_pvlan"),
        DEVINET_DEFAULT("rp_filter"),
        DEVINET_DEFAULT("secure_redirects"),
        DEVINET_DEFAULT("send_redirects"),
        DEVINET_DEFAULT("shared_media"),
        DEVINET_DEFAULT("src_valid_mark"),
        DEVINET_DEFAULT("tag"),
        {"net.ipv4.ip_forward", {"net.ipv4.conf.*.forwarding", "net.ipv4.conf.all.accept_redirects", NULL},
         "net/ipv4/devinet.c: ip_forward shares the 'all' forwarding value and handler (inet_forward_change); "
         "observed 6.18",
         KB_REACH_ON_CHANGE, "net.ipv4.conf.all.accept_redirects"},
        ADDRCONF_ALL("addr_gen_mode", "addrconf_sysctl_addr_gen_mode"),
        ADDRCONF_ALL("disable_ipv6", "addrconf_disable_ipv6 (addrconf_set_all_disable)"),
        ADDRCONF_ALL("forwarding", "addrconf_fixup_forwarding (addrconf_forward_change)"),
        ADDRCONF_ALL("ignore_routes_with_linkdown", "addrconf_fixup_linkdown"),
};

static int cmp_propagation(const void *k, const void *e)
{
        return strcmp(k, ((const struct kb_propagation *)e)->key);
}

const struct kb_propagation *kb_propagation(const char *key)
{
        return bsearch(key, propagations, ELEMENTSOF(propagations), sizeof(propagations[0]), cmp_propagation);
}

const struct kb_propagation *kb_propagations(size_t *ret_n)
{
        *ret_n = ELEMENTSOF(propagations);
        return propagations;
}

bool kb_is_disable_ipv6(const char *key)
{
        static const char pre[] = "net.ipv6.conf.", suf[] = ".disable_ipv6";
        size_t n = strlen(key), np = sizeof(pre) - 1, ns = sizeof(suf) - 1;
        return n > np + ns && strncmp(key, pre, np) == 0 && strcmp(key + n - ns, suf) == 0 &&
               !memchr(key + np, '.', n - np - ns);
}

const struct kb_propagation *kb_propagation_or_conf(const char *key, struct kb_propagation *tmp, char *buf, size_t n,
                                                    bool *ret_measured)
{
        const struct kb_propagation *p = kb_propagation(key);
        if (ret_measured)
                *ret_measured = false;
        if (p)
                return p;
        static const char *const fams[] = {"net.ipv4.conf.", "net.ipv6.conf."};
        for (size_t i = 0; i < ELEMENTSOF(fams); i++) {
                size_t fl = strlen(fams[i]);
                if (strncmp(key, fams[i], fl) != 0)
                        continue;
                const char *rest = key + fl, *attr = strncmp(rest, "all.", 4) == 0 ? rest + 4
                                                     : strncmp(rest, "default.", 8) == 0 ? rest + 8 : NULL;
                if (!attr || !*attr || strchr(attr, '.') || (size_t)snprintf(buf, n, "%s*.%s", fams[i], attr) >= n)
                        return NULL;
                *tmp = (struct kb_propagation){key, {buf, NULL, NULL}, "measured: read before and after the write",
                                             KB_REACH_EVERY_WRITE, NULL};
                if (ret_measured)
                        *ret_measured = true;
                return tmp;
        }
        return NULL;
}

bool kb_propagation_covers(const struct kb_propagation *p, const char *key)
{
        /* In path form '*' cannot run across components (FNM_PATHNAME), and an interface's own
         * dot ("eth0.100") is a character of its component. */
        char *path = key_to_path(key);
        bool hit = false;
        for (size_t i = 0; path && !hit && i < ELEMENTSOF(p->dependents) && p->dependents[i]; i++) {
                char *pat = key_to_path(p->dependents[i]);
                hit = pat && fnmatch(pat, path, FNM_PATHNAME) == 0;
                free(pat);
        }
        free(path);
        return hit;
}

struct kb_facts kb_facts_at(const struct kb_entry *e, struct kver k, bool known)
{
        struct kb_facts f = {.min = e->min, .max = e->max, .enforced = e->kernel_enforced, .defval = e->defval};
        for (size_t i = 0; known && i < e->n_changes && kver_cmp(k, e->changes[i].since) >= 0; i++) {
                const struct kb_change *c = &e->changes[i];
                if (c->what & KBC_RANGE) {
                        f.min = c->min;
                        f.max = c->max;
                }
                if (c->what & KBC_ENFORCED)
                        f.enforced = c->enforced;
                if (c->what & KBC_DEFAULT)
                        f.defval = c->defval;
                if (c->what & KBC_KERNEL_RANGE) {
                        f.kernel_range = true;
                        f.kmin = c->kmin;
                        f.kmax = c->kmax;
                        f.kernel_range_confirmed = c->confirmed;
                }
        }
        return f;
}

bool kb_kernel_enforces(const struct kb_entry *e, struct kver k, bool known)
{
        return kb_facts_at(e, k, known).enforced;
}

/* The edit distance from a to b when it is below limit; otherwise some value >= limit. Only the
 * band |i - j| < limit is computed (a cell outside it costs at least limit), and it stops as soon
 * as no alignment can come in under the limit (the length difference, a row's minimum): "did you
 * mean" stays cheap for thousands of unknown keys against the whole knowledge base. */
static size_t edit_distance(const char *a, const char *b, size_t limit)
{
        size_t la = strlen(a), lb = strlen(b), prev[KEY_MAX_LEN + 2], cur[KEY_MAX_LEN + 2];
        if (la > KEY_MAX_LEN || lb > KEY_MAX_LEN)
                return (size_t)-1;
        if ((la > lb ? la - lb : lb - la) >= limit)
                return limit;
        for (size_t j = 0; j <= lb; j++)
                prev[j] = j;
        for (size_t i = 1; i <= la; i++) {
                cur[0] = i;
                size_t low = cur[0];
                for (size_t j = 1; j <= lb; j++) {
                        if ((i > j ? i - j : j - i) >= limit) { /* a distance of at least |i - j| */
                                cur[j] = limit;
                                continue;
                        }
                        size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
                        size_t del = prev[j] + 1, ins = cur[j - 1] + 1;
                        cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
                        if (cur[j] < low)
                                low = cur[j];
                }
                if (low >= limit) /* every later row is at least this row's minimum */
                        return limit;
                memcpy(prev, cur, (lb + 1) * sizeof(size_t));
        }
        return prev[lb];
}

static const char *last_component(const char *key)
{
        const char *dot = strrchr(key, '.');
        return dot ? dot + 1 : key;
}

/* Keeps candidate if it is closer to key than *best; matching on the last component counts too. */
static void consider(const char *key, const char *candidate, size_t *best, const char **found)
{
        if (strcmp(key, candidate) == 0)
                return;
        /* A sibling (same components before the last) is measured by its last component alone.
         * Only a distance below *best matters, so each is computed up to that bound. */
        size_t d = *best;
        const char *lk = last_component(key), *lc = last_component(candidate);
        if (lk - key == lc - candidate && strncmp(key, candidate, (size_t)(lk - key)) == 0)
                d = edit_distance(lk, lc, d);
        size_t full = edit_distance(key, candidate, d);
        if (full < d)
                d = full;
        if (d < *best) {
                *best = d;
                *found = candidate;
        }
}

const char *kb_suggest(const char *key, char *const *extra, size_t n_extra)
{
        size_t best = 4;
        const char *found = NULL;
        size_t n;
        const struct kb_entry *const *v = kb_entries(&n);
        for (size_t i = 0; i < n; i++)
                consider(key, v[i]->key, &best, &found);
        for (size_t i = 0; i < n_extra; i++)
                consider(key, extra[i], &best, &found);
        /* The keys of the structural tier and the removed ones are keys too (not IFACE patterns). */
        const struct kb_gen *g = kb_gens(&n);
        for (size_t i = 0; i < n; i++)
                if (!strstr(g[i].key, "IFACE"))
                        consider(key, g[i].key, &best, &found);
        const struct kb_removed *rm = kb_removeds(&n);
        for (size_t i = 0; i < n; i++)
                consider(key, rm[i].key, &best, &found);
        return found;
}
