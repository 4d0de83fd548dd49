/* SPDX-License-Identifier: MIT */
/* A string-keyed hash table (open addressing), for lookups that must stay linear in the size of
 * a hierarchy. It stores the key pointers it is given: the strings must outlive the table. */
#ifndef TWTUNE_STRMAP_H
#define TWTUNE_STRMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Twelve bytes a slot, eight for a set: the values are indexes, held in 32 bits, and their array
 * is made only when a value other than 0 is put (a table of tens of thousands of keys is a
 * noticeable part of a run's peak memory). */
struct strmap {
        const char **keys;
        uint32_t *vals; /* NULL while every value is 0 */
        size_t cap, n;
};

/* Adds key or replaces its value (below 2^32: an index). Returns 0, -ENOMEM or -EOVERFLOW (the
 * table is then unchanged). */
int strmap_put(struct strmap *m, const char *key, size_t val);
/* Whether key is present; its value in *ret_val when ret_val is not NULL. */
bool strmap_get(const struct strmap *m, const char *key, size_t *ret_val);
/* The key pointer the table holds for a key equal to KEY, or NULL when there is none. */
const char *strmap_key(const struct strmap *m, const char *key);
void strmap_release(struct strmap *m);

#endif
