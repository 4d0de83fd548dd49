/* SPDX-License-Identifier: MIT */
/* A string-keyed hash table (open addressing), for lookups that must stay linear in the size of
 * a hierarchy. It stores the key pointers it is given: the strings must outlive the table. */
#ifndef TWTUNE_STRMAP_H
#define TWTUNE_STRMAP_H

#include <stdbool.h>
#include <stddef.h>

struct strmap {
        const char **keys;
        size_t *vals;
        size_t cap, n;
};

/* Adds key or replaces its value. Returns 0 or -ENOMEM (the table is then unchanged). */
int strmap_put(struct strmap *m, const char *key, size_t val);
/* Whether key is present; its value in *ret_val when ret_val is not NULL. */
bool strmap_get(const struct strmap *m, const char *key, size_t *ret_val);
/* The key pointer the table holds for a key equal to KEY, or NULL when there is none. */
const char *strmap_key(const struct strmap *m, const char *key);
void strmap_release(struct strmap *m);

#endif
