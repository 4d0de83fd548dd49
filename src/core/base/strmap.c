/* SPDX-License-Identifier: MIT */
#include "strmap.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static uint64_t hash(const char *s)
{
        uint64_t h = 1469598103934665603ULL; /* FNV-1a */
        for (; *s; s++)
                h = (h ^ (unsigned char)*s) * 1099511628211ULL;
        return h;
}

static size_t slot(const char *const *keys, size_t cap, const char *key)
{
        size_t i = (size_t)hash(key) & (cap - 1);
        while (keys[i] && strcmp(keys[i], key) != 0)
                i = (i + 1) & (cap - 1);
        return i;
}

static int grow(struct strmap *m)
{
        size_t cap = m->cap ? m->cap * 2 : 64;
        const char **keys = calloc(cap, sizeof(*keys));
        size_t *vals = calloc(cap, sizeof(*vals));
        if (!keys || !vals) {
                free(keys);
                free(vals);
                return -ENOMEM;
        }
        for (size_t i = 0; i < m->cap; i++)
                if (m->keys[i]) {
                        size_t j = slot(keys, cap, m->keys[i]);
                        keys[j] = m->keys[i];
                        vals[j] = m->vals[i];
                }
        free(m->keys);
        free(m->vals);
        m->keys = keys;
        m->vals = vals;
        m->cap = cap;
        return 0;
}

int strmap_put(struct strmap *m, const char *key, size_t val)
{
        if ((m->n + 1) * 4 > m->cap * 3 && grow(m) < 0) /* at most three quarters full */
                return -ENOMEM;
        size_t i = slot(m->keys, m->cap, key);
        if (!m->keys[i]) {
                m->keys[i] = key;
                m->n++;
        }
        m->vals[i] = val;
        return 0;
}

bool strmap_get(const struct strmap *m, const char *key, size_t *ret_val)
{
        if (!m->cap)
                return false;
        size_t i = slot(m->keys, m->cap, key);
        if (!m->keys[i])
                return false;
        if (ret_val)
                *ret_val = m->vals[i];
        return true;
}

void strmap_release(struct strmap *m)
{
        free(m->keys);
        free(m->vals);
        *m = (struct strmap){0};
}
