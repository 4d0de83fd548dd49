/* SPDX-License-Identifier: MIT */
/* Strings that live together and die together: copies packed into large blocks, freed at once.
 * A structure that holds thousands of key names (the boot view, the read cache) keeps them here
 * instead of one malloc each: no per-string header and padding, no heap fragmented by them, and
 * with strarena_intern one copy of each distinct string (values such as "1" repeat thousands of
 * times). The pointers handed out stay valid until strarena_free. */
#ifndef TWTUNE_STRARENA_H
#define TWTUNE_STRARENA_H

#include <stddef.h>

#include "strmap.h"

struct strarena_block;

struct strarena {
        struct strarena_block *blocks; /* newest first; the first one is being filled */
        size_t used, size;             /* of the first block's bytes */
        struct strmap interned;        /* strarena_intern's strings */
};

/* A copy of the first n bytes of s (NUL-terminated), or NULL when out of memory. */
const char *strarena_dupn(struct strarena *a, const char *s, size_t n);
/* A copy of s (NULL for NULL), or NULL when out of memory. */
const char *strarena_dup(struct strarena *a, const char *s);
/* The arena's one copy of s: equal strings give the same pointer. NULL for NULL or out of memory. */
const char *strarena_intern(struct strarena *a, const char *s);
/* Frees every string; the arena is empty again (a zeroed arena is one too). */
void strarena_release(struct strarena *a);

/* The run's one copy of s, from an arena that lives until the process exits (an atexit handler
 * frees it, for the leak checkers): for short strings that thousands of structures hold, such as
 * a profile's values ("1", "0"), each of which would otherwise be a malloc of its own. Never
 * written through, never freed by the caller. NULL for NULL or out of memory. */
const char *str_intern(const char *s);

#endif
