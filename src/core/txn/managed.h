/* SPDX-License-Identifier: MIT */
/* What twtune manages: the keys of the last generation, each with its baseline (the value it had
 * before twtune first managed it) and the value twtune last left it at. An apply restores the
 * baseline of a managed key its profile no longer sets; a rollback to generation N makes N's
 * managed set current again. */
#ifndef TWTUNE_MANAGED_H
#define TWTUNE_MANAGED_H

#include <stdbool.h>
#include <stddef.h>

#include "strmap.h"

struct state;

struct managed_key {
        char *key;
        char *baseline; /* the value before twtune first managed it */
        char *last;     /* the value the generation left (NULL if unknown) */
};

struct managed {
        struct managed_key *v; /* sorted by key */
        size_t n;
        /* Keys twtune does not manage whose value the kernel copied in when twtune wrote a key that
         * propagates to them: baseline the value before the copy, last the copy (the value twtune's
         * writes left). A key that starts being managed while it still holds the copy gets the
         * value before it as its baseline. */
        struct managed_key *copies;
        size_t n_copies;
        /* Indexes of v and copies by key (managed_find, managed_find_copy): a lookup per key of a
         * plan stays constant-time with tens of thousands of managed keys. */
        struct strmap idx, copies_idx;
};

/* The managed set after generation `at` (0: none, the empty set). Generations that recorded it
 * (base lines) give it directly; for older ones it is derived from history: an apply manages the
 * keys it set, keeping the baselines of keys managed before, a rollback to N the set of N.
 * -ENOENT: no generation `at`. */
int managed_at(struct state *st, unsigned long at, struct managed *ret);
/* The same after the newest generation; the empty set when nothing was applied. */
int managed_current(struct state *st, struct managed *ret);
const struct managed_key *managed_find(const struct managed *m, const char *key);
/* The entry of m->copies for key, or NULL. */
const struct managed_key *managed_find_copy(const struct managed *m, const char *key);
void managed_release(struct managed *m);

/* The generation whose state a plain `rollback` goes back to: the one before the newest apply
 * the current state descends from (rollbacks step back, they do not toggle). 0: back to before
 * twtune's first apply. -ENOENT: nothing applied; -EALREADY: already before the first apply. */
int managed_rollback_target(struct state *st, unsigned long *ret_to);

/* The generation whose state generation id holds: id itself for an apply, for a rollback (to N)
 * the state of N, followed back; 0 for the state before twtune's first apply. */
int managed_state_of(struct state *st, unsigned long id, unsigned long *ret);

#endif
