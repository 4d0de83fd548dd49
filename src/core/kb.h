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

enum kb_scope { KB_GLOBAL, KB_NETNS };

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
        struct kver enforced_since; /* ...only since this version (NONE: always); before, the twtune bound */
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
        unsigned verified;     /* KBV_* */
        bool read_only;
        const char *k8s;       /* Kubernetes safe-sysctl status, or NULL */
        const char *meaning;
        const char *hazard;    /* NULL if none */
        const char *source;
};

const struct kb_entry *kb_lookup(const char *key);

/* The key a typo most likely meant, for "did you mean": the closest of the knowledge base's keys
 * and of extra (e.g. the target's keys beside it), by edit distance of the whole key or of its last
 * component, if within 3 edits; NULL if none is that close. */
const char *kb_suggest(const char *key, char *const *extra, size_t n_extra);

/* Whether the kernel itself rejects values outside [min, max] on kernel k (known: whether k is
 * known; an unknown kernel is taken as one where it does not, so the claim is never overstated). */
bool kb_kernel_enforces(const struct kb_entry *e, struct kver k, bool known);

/* Whether two values of key mean the same to the kernel: by the key's type where the knowledge
 * base knows it (port lists as sets of ports), else token by token (value_equal). */
bool kb_value_equal(const char *key, const char *a, const char *b);

/* A key whose write the kernel carries over to other keys: restoring it alone would leave them
 * changed, so a transaction records the keys that match `dependents` (their values before, and
 * after as read back once the key is written) and restores them after it. */
struct kb_propagation {
        const char *key;
        const char *dependents[3]; /* glob patterns (sysroot_expand), NULL-padded */
        const char *source;
};
/* The propagation of key, or NULL; the table is sorted and sourced like the entries. */
const struct kb_propagation *kb_propagation(const char *key);
const struct kb_propagation *kb_propagations(size_t *ret_n);
/* Whether writing p->key changes key (one of its dependents' patterns matches it). */
bool kb_propagation_covers(const struct kb_propagation *p, const char *key);
/* Every entry, sorted by key (an index over the families of kb/). */
const struct kb_entry *const *kb_entries(size_t *ret_n);
/* The family arrays themselves, each terminated by an entry whose key is NULL (for tests). */
const struct kb_entry *const *kb_families(size_t *ret_n);
const char *kb_type_name(enum kb_type t);

#endif
