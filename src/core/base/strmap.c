/* SPDX-License-Identifier: MIT */
#include "strmap.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Eight bytes a step (the keys are sysctl names: long shared prefixes, and many thousands of
 * lookups a run), mixed by multiplication, then murmur3's finaliser for the low bits the table uses. */
static uint64_t hash(const char *s)
{
        size_t n = strlen(s);
        uint64_t h = 0x9e3779b97f4a7c15ULL ^ n, w;
        for (; n >= 8; s += 8, n -= 8) {
                memcpy(&w, s, 8);
                h = (h ^ w) * 0xff51afd7ed558ccdULL;
                h ^= h >> 31;
        }
        w = 0;
        memcpy(&w, s, n);
        h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
        h ^= h >> 33;
        h *= 0xff51afd7ed558ccdULL;
        h ^= h >> 33;
        return h;
}

static size_t slot(const char *const *keys, size_t cap, const char *key)
{
        size_t i = (size_t)hash(key) & (cap - 1);
        while (keys[i] && strcmp(keys[i], key) != 0)
                i = (i + 1) & (cap - 1);
        return i;
}

/* The table moved to CAP slots, with a value array when WITH_VALS. */
static int rebuild(struct strmap *m, size_t cap, bool with_vals)
{
        const char **keys = calloc(cap, sizeof(*keys));
        uint32_t *vals = with_vals ? calloc(cap, sizeof(*vals)) : NULL;
        if (!keys || (with_vals && !vals)) {
                free(keys);
                free(vals);
                return -ENOMEM;
        }
        for (size_t i = 0; i < m->cap; i++)
                if (m->keys[i]) {
                        size_t j = slot(keys, cap, m->keys[i]);
                        keys[j] = m->keys[i];
                        if (m->vals)
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
        if (val > UINT32_MAX)
                return -EOVERFLOW;
        bool with_vals = m->vals || val;
        int r = 0;
        if ((m->n + 1) * 4 > m->cap * 3) /* at most three quarters full */
                r = rebuild(m, m->cap ? m->cap * 2 : 64, with_vals);
        else if (with_vals && !m->vals && !(m->vals = calloc(m->cap, sizeof(*m->vals)))) /* every value so far 0 */
                r = -ENOMEM;
        if (r < 0)
                return r;
        size_t i = slot(m->keys, m->cap, key);
        if (!m->keys[i]) {
                m->keys[i] = key;
                m->n++;
        }
        if (m->vals)
                m->vals[i] = (uint32_t)val;
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
                *ret_val = m->vals ? m->vals[i] : 0;
        return true;
}

const char *strmap_key(const struct strmap *m, const char *key)
{
        return m->cap ? m->keys[slot(m->keys, m->cap, key)] : NULL;
}

void strmap_release(struct strmap *m)
{
        free(m->keys);
        free(m->vals);
        *m = (struct strmap){0};
}
