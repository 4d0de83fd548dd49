/* SPDX-License-Identifier: MIT */
/* The kernel knowledge base: what twtune knows about each sysctl it covers. The entries are data,
 * one file per key family under kb/; keys are unique (checked by tests/unit/test_kb.c). */
#ifndef TWTUNE_KB_H
#define TWTUNE_KB_H

#include <stdbool.h>
#include <stddef.h>

#include "kver.h"

enum kb_type {
        KB_INT,      /* one integer */
        KB_BOOL,     /* 0 or 1 */
        KB_ENUM,     /* small integer with documented meanings */
        KB_VECTOR,   /* nvalues integers (ip_local_port_range, tcp_rmem) */
        KB_PORTLIST, /* "1,2-4"; empty allowed */
        KB_STRING,
};

/* KB_IPCNS and KB_UTSNS keys are global as far as network namespaces go (in_child says how a child
 * network namespace sees them) but have a copy per IPC or UTS namespace. */
enum kb_scope { KB_GLOBAL, KB_NETNS, KB_IPCNS, KB_UTSNS };

/* How a key looks from a network namespace other than the initial one. */
enum kb_child {
        KB_CHILD_OWN,      /* its own copy (per netns keys) */
        KB_CHILD_ABSENT,   /* not there at all (most global keys; per netns keys before netns_since) */
        KB_CHILD_READONLY, /* the host's value, read-only (mode 0444): rmem_max, nf_conntrack_max */
        KB_CHILD_SHARED,   /* the host's value, and writing it changes the host (global, visible) */
};

/* The value a new network namespace starts with. */
enum kb_netns_init {
        KB_INIT_UNKNOWN,
        KB_INIT_DEFAULT,    /* the compiled default (somaxconn) */
        KB_INIT_INIT_NET,   /* the initial namespace's current value (tcp_rmem, congestion control) */
        KB_INIT_PARENT,     /* the creating namespace's value */
};

/* How the kernel turns a written value into what it prints back. */
enum kb_rounding {
        KB_ROUND_NONE,
        KB_ROUND_MS_JIFFIES, /* milliseconds kept in jiffies: 10 reads back 12 at HZ=250 */
        KB_ROUND_POW2,       /* rounded up to a power of two */
};

/* A fact that holds from a kernel version on; the entry's own fields hold before the first
 * change (or always, without changes). Changes are sorted by version. */
enum { KBC_RANGE = 1 << 0, KBC_ENFORCED = 1 << 1, KBC_DEFAULT = 1 << 2, KBC_KERNEL_RANGE = 1 << 3 };
struct kb_change {
        struct kver since;
        unsigned what;      /* KBC_*: which of the fields below the change sets */
        long long min, max; /* KBC_RANGE */
        long long kmin, kmax; /* KBC_KERNEL_RANGE: what the kernel itself takes, when wider than min..max */
        bool enforced;      /* KBC_ENFORCED: whether the kernel itself rejects values outside the range */
        const char *defval; /* KBC_DEFAULT */
        bool confirmed;     /* the version is confirmed at a commit or tag, not inferred */
        const char *source;
};

/* The facts of an entry on one kernel, with every change up to it applied. */
struct kb_facts {
        long long min, max;
        bool enforced;
        bool kernel_range;    /* the kernel rejects values outside kmin..kmax (a range wider than min..max) */
        long long kmin, kmax;
        bool kernel_range_confirmed; /* that range's change is confirmed at a source (else only observed) */
        const char *defval;
};

/* The 5.13 conversion of many switches to one-byte handlers (proc_dou8vec_minmax): from then on
 * the kernel rejects values outside 0..255 (before, it took any int). */
#define KB_U8_SINCE_5_13                                                                                          \
        .changes = (const struct kb_change[]){{KV(5, 13, 0), KBC_KERNEL_RANGE, .kmin = 0, .kmax = 255,         \
                                               .confirmed = true,                                                 \
                                               .source = "commit 4ecc1baf362c 'convert elligible sysctls to u8' "  \
                                                         "(5.13; kb-audit)"}},                                    \
        .n_changes = 1

/* A range the running kernel was seen to enforce (written in a throwaway network namespace, and
 * re-checked there by tests/cli/t_kb_conformance.sh on every run) but whose first version is not
 * confirmed at a source: from 6.18 on, and unconfirmed, so a value outside it is a warning. */
#define KB_OBSERVED_RANGE(lo, hi, how)                                                                            \
        .changes = (const struct kb_change[]){{KV(6, 18, 0), KBC_KERNEL_RANGE, .kmin = (lo), .kmax = (hi),      \
                                               .confirmed = false,                                                \
                                               .source = "observed on 6.18 in a network namespace (" how          \
                                                         "); t_kb_conformance; first version UNVERIFIED"}},       \
        .n_changes = 1

/* Which version facts were confirmed at a primary source (kernel commit or source).
 * Findings that rest on an unconfirmed fact are warnings, never errors. */
enum {
        KBV_INTRODUCED = 1 << 0,
        KBV_REMOVED = 1 << 1,
        KBV_NETNS = 1 << 2,
        KBV_TOP_VALUE = 1 << 3,
};

struct kb_entry {
        const char *key;
        enum kb_type type;
        unsigned nvalues;      /* tokens a value has; 0 for port lists and strings */
        long long min, max;    /* per element; twtune rejects values outside */
        bool kernel_enforced;  /* the kernel itself returns EINVAL outside [min, max] */
        bool free_text;        /* KB_STRING: the rest of the line, blanks included (a pipe with its
                                * arguments, a list of names); otherwise one word */
        const char *range_note; /* why twtune enforces what the kernel does not */
        const char *unit;      /* "s", "ms", "" */
        const char *defval;
        const char *values;    /* meaning of each value, for enums */
        struct kver introduced;
        struct kver removed;   /* KVER_NONE if still present */
        const char *removed_noop; /* the value that asks for nothing the removed key did ("0"), or NULL */
        enum kb_scope scope;
        struct kver netns_since; /* for KB_NETNS: when it became per-namespace; NONE if unknown */
        struct kver top_value_since; /* the highest value (max) exists only since this version */
        enum kb_child in_child;      /* for KB_GLOBAL keys; per netns keys are KB_CHILD_OWN */
        enum kb_netns_init netns_init;
        enum kb_rounding rounding;
        bool write_only;             /* mode 0200 (route.flush): written, never read back */
        const struct kb_change *changes; /* sorted by version, n_changes of them */
        size_t n_changes;
        unsigned verified;     /* KBV_* */
        bool read_only;
        const char *config;    /* the build or boot option without which the kernel has no such key, or NULL */
        const char *meaning;
        const char *hazard;    /* NULL if none */
        const char *source;
};

/* The kernel module a key belongs to (keys that exist only once it is loaded), or NULL. */
const char *kb_module_for(const char *key);
/* Why a key may be absent on a target, from what the knowledge base knows, as " (...)" to append
 * to a message, or "" when it knows nothing; NULL only when out of memory. */
char *kb_absence_hint(const char *key);

/* A well-known service port (kb/service_ports.h), for port-range-covers-service-port. */
struct kb_service_port {
        unsigned port;
        const char *service;
        const char *source;
};
/* The table, sorted by port and terminated by port 0. */
const struct kb_service_port *kb_service_ports(void);

/* The entry for key. Per-interface keys are matched by pattern entries whose key has the
 * component IFACE: net.ipv4.conf.IFACE.rp_filter covers all, default, eth0 and eth0/100. */
const struct kb_entry *kb_lookup(const char *key);

/* The entry's facts on kernel k; with the kernel unknown (known false), the facts before any change
 * whose version is not reached for certain: the kernel is never credited with a check it may lack. */
struct kb_facts kb_facts_at(const struct kb_entry *e, struct kver k, bool known);

/* The key a typo most likely meant, for "did you mean": the closest of the knowledge base's keys
 * (hand-written, structural and removed) and of extra (e.g. the target's keys beside it), by edit
 * distance of the whole key, or of the last component between siblings (keys that differ only
 * there), if within 3 edits; NULL if none is that close. */
const char *kb_suggest(const char *key, char *const *extra, size_t n_extra);

/* Whether the kernel itself rejects values outside the range on kernel k (kb_facts_at). */
bool kb_kernel_enforces(const struct kb_entry *e, struct kver k, bool known);

/* Whether two values of key mean the same to the kernel: token by token (value_equal), or by the
 * key's type and rounding where the knowledge base knows them: port lists as sets of ports, a
 * value and what the kernel keeps of it when it rounds (icmp_ratelimit 10 and 12 at HZ=250), so
 * that apply accepts the kernel's rounding and verify does not call it drift. */
bool kb_value_equal(const char *key, const char *a, const char *b);

/* A key whose write the kernel carries over to other keys: restoring it alone would leave them
 * changed, so a transaction records the keys that match `dependents` (their values before, and
 * after as read back once the key is written) and restores them after it. */
enum kb_reach {
        KB_REACH_EVERY_WRITE, /* every write sets the dependents, even one that changes nothing */
        KB_REACH_ON_CHANGE,   /* only a write that changes the key's value sets them */
        KB_REACH_UNWRITTEN,   /* the value is copied to the interfaces that never set their own */
};
struct kb_propagation {
        const char *key;
        const char *dependents[3]; /* glob patterns (sysroot_expand), NULL-padded */
        const char *source;
        enum kb_reach reach;       /* how the boot view replays it (boot_sim.c) */
        const char *negated;       /* a dependent that takes the opposite (0 for non-zero, 1 for 0), or NULL */
};
/* The propagation of key, or NULL; the table is sorted and sourced like the entries. */
const struct kb_propagation *kb_propagation(const char *key);
const struct kb_propagation *kb_propagations(size_t *ret_n);
/* The same, or for another conf.all/conf.default attribute of net.ipv4 or net.ipv6 a guess that
 * the kernel may change that attribute of every interface (as it does for many IPv6 ones, e.g.
 * ignore_routes_with_linkdown): the transaction reads those keys before and after the write and
 * records what really changed, so the table is an optimisation, not the only source of truth. The
 * guess is written to *tmp (with its pattern in buf); *ret_measured (if given) says it is one. */
const struct kb_propagation *kb_propagation_or_conf(const char *key, struct kb_propagation *tmp, char *buf, size_t n,
                                                    bool *ret_measured);
/* net.ipv6.conf.IFACE.disable_ipv6 (IFACE also all or default): on, it drops the interfaces' IPv6
 * addresses, which no undo brings back (hazards.c, cmd_apply's --allow-address-loss). */
bool kb_is_disable_ipv6(const char *key);
/* Whether writing p->key changes key (one of its dependents' patterns matches it). */
bool kb_propagation_covers(const struct kb_propagation *p, const char *key);
/* A key the kubelet treats as safe: any pod may set it through securityContext.sysctls
 * (kb/k8s.h, where the fields are explained). */
struct kb_k8s_safe {
        const char *key;
        struct kver k8s;    /* the first Kubernetes release that lists it */
        struct kver kernel; /* per namespace from this kernel on; KVER_NONE: always */
        bool kubelet_gated; /* the kubelet leaves it out of the safe list before that kernel */
        const char *source;
};
/* The safe-list entry of key, or NULL. */
const struct kb_k8s_safe *kb_k8s_safe(const char *key);
/* The table, sorted by key and terminated by an entry whose key is NULL. */
const struct kb_k8s_safe *kb_k8s_safes(void);

/* The structural tier (kb/generated.h, written by tools/kbgen.py from a running kernel): every key
 * `sysctl -a` lists there, in the host and in a fresh network namespace, with what the kernel
 * itself shows. Hand-written entries (kb_lookup) win where both exist. */
enum kb_gen_scope {
        KBG_NETNS,           /* present and writable in a fresh network namespace, a copy of its own */
        KBG_GLOBAL_ABSENT,   /* host only: absent in a child network namespace */
        KBG_GLOBAL_READONLY, /* a child network namespace sees it read-only */
        KBG_GLOBAL_SHARED,   /* a child network namespace sees it writable: not per network namespace */
};
struct kb_gen {
        const char *key;          /* interface keys as IFACE patterns */
        unsigned nvalues;         /* integer fields of the value; 0: text (or empty) */
        bool writable;            /* mode has a write bit in the host namespace */
        bool readable;            /* mode has a read bit (route.flush does not) */
        enum kb_gen_scope scope;
        const char *seen;         /* value on the generating kernel: in a fresh netns for KBG_NETNS (its
                                   * default there), in the host namespace otherwise; NULL if unreadable */
        bool has_bounds;          /* min/max the kernel enforces, read in its source (bounds_source) */
        long long min, max;
        struct kver bounds_since; /* the version of the source the bounds were read in */
        const char *bounds_source;
        const char *module;       /* the module that registers it, when it is one; NULL otherwise */
};
/* The generating kernel's version (e.g. "6.18"). */
extern const char kb_gen_kernel[];
/* The entry for key (IFACE patterns as kb_lookup), or NULL. */
const struct kb_gen *kb_gen_lookup(const char *key);
/* The table, sorted by key. */
const struct kb_gen *kb_gens(size_t *ret_n);
const char *kb_gen_scope_name(enum kb_gen_scope s);

/* A key the kernel no longer has, with the version that removed it and what replaced it. */
struct kb_removed {
        const char *key;
        struct kver removed;
        const char *replacement; /* what to use instead, or why nothing is needed */
        const char *source;
};
/* The removed key (hand-written entries with a removed version are not repeated), or NULL. */
const struct kb_removed *kb_removed_lookup(const char *key);
const struct kb_removed *kb_removeds(size_t *ret_n);

/* Every entry, sorted by key (an index over the families of kb/). */
const struct kb_entry *const *kb_entries(size_t *ret_n);
/* The family arrays themselves, each terminated by an entry whose key is NULL (for tests). */
const struct kb_entry *const *kb_families(size_t *ret_n);
const char *kb_type_name(enum kb_type t);

#endif
