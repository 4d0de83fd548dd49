/* SPDX-License-Identifier: MIT */
#include "managed.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "state.h"
#include "util.h"

static void keys_free(struct managed_key *v, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                free(v[i].key);
                free(v[i].baseline);
                free(v[i].last);
        }
        free(v);
}

void managed_release(struct managed *m)
{
        if (!m)
                return;
        keys_free(m->v, m->n);
        keys_free(m->copies, m->n_copies);
        strmap_release(&m->idx);
        strmap_release(&m->copies_idx);
        *m = (struct managed){0};
}

const struct managed_key *managed_find_copy(const struct managed *m, const char *key)
{
        size_t i;
        return strmap_get(&m->copies_idx, key, &i) ? &m->copies[i] : NULL;
}

/* Indexes v[0..n) by key into idx (emptied first). */
static int index_keys(struct strmap *idx, const struct managed_key *v, size_t n)
{
        strmap_release(idx);
        for (size_t i = 0; i < n; i++)
                if (strmap_put(idx, v[i].key, i) < 0)
                        return -ENOMEM;
        return 0;
}

static int set_str(char **dst, const char *v)
{
        char *c = strdup(v);
        if (!c)
                return -ENOMEM;
        free(*dst);
        *dst = c;
        return 0;
}

/* Follows the dependents' lines through the records in order: origin (baseline) is a key's value
 * before twtune's propagating writes touched it, last what they left; an explicit line (the key
 * managed or restored) ends the story, a value changed between two records (by hand, by a boot)
 * starts a new one. Keeps the keys whose copy still differs from their origin. An ended story
 * keeps its entry (key only, baseline NULL) so that the index stays valid. */
static int follow_copy(struct managed_key **v, size_t *nv, struct strmap *idx, const struct rec_key *rk)
{
        size_t i;
        bool known = strmap_get(idx, rk->key, &i);
        struct managed_key *e = known ? &(*v)[i] : NULL;
        if (!rk->dependent) {
                if (e) { /* managed or restored explicitly: no copy */
                        free(e->baseline), free(e->last);
                        e->baseline = e->last = NULL;
                }
                return 0;
        }
        if (!e) {
                struct managed_key *p = array_grow(*v, *nv, sizeof(*p));
                if (!p)
                        return -ENOMEM;
                *v = p;
                e = &p[*nv];
                *e = (struct managed_key){strdup(rk->key), NULL, NULL};
                if (!e->key)
                        return -ENOMEM;
                if (strmap_put(idx, e->key, (*nv)++) < 0)
                        return -ENOMEM; /* the entry is counted: freed with the others */
        }
        if (!e->baseline) { /* a new story */
                e->baseline = strdup(rk->before);
                free(e->last);
                e->last = strdup(rk->after);
                return e->baseline && e->last ? 0 : -ENOMEM;
        }
        int r = 0;
        if (strcmp(e->last, rk->before) != 0) /* changed outside twtune in between */
                r = set_str(&e->baseline, rk->before);
        return r == 0 ? set_str(&e->last, rk->after) : r;
}

static int find_copies(struct record *const *recs, size_t n, struct managed *m)
{
        struct managed_key *v = NULL;
        size_t nv = 0;
        struct strmap idx = {0};
        int r = 0;
        for (size_t g = 0; g < n && r == 0; g++)
                for (size_t k = 0; k < recs[g]->n_keys && r == 0; k++)
                        r = follow_copy(&v, &nv, &idx, &recs[g]->keys[k]);
        strmap_release(&idx);
        size_t w = 0;
        for (size_t i = 0; i < nv; i++) {
                if (r == 0 && v[i].baseline && strcmp(v[i].baseline, v[i].last) != 0)
                        v[w++] = v[i];
                else
                        free(v[i].key), free(v[i].baseline), free(v[i].last);
        }
        if (r == 0)
                r = index_keys(&m->copies_idx, v, w);
        if (r < 0) {
                keys_free(v, w);
                return r;
        }
        m->copies = v;
        m->n_copies = w;
        return 0;
}

const struct managed_key *managed_find(const struct managed *m, const char *key)
{
        size_t i;
        return strmap_get(&m->idx, key, &i) ? &m->v[i] : NULL;
}

static int add(struct managed *m, const char *key, const char *baseline)
{
        struct managed_key *v = array_grow(m->v, m->n, sizeof(*v));
        if (!v)
                return -ENOMEM;
        m->v = v;
        struct managed_key k = {strdup(key), strdup(baseline), NULL};
        if (!k.key || !k.baseline) {
                free(k.key);
                free(k.baseline);
                return -ENOMEM;
        }
        if (strmap_put(&m->idx, k.key, m->n) < 0) {
                free(k.key);
                free(k.baseline);
                return -ENOMEM;
        }
        v[m->n++] = k;
        return 0;
}

static int copy(const struct managed *from, struct managed *to)
{
        *to = (struct managed){0};
        for (size_t i = 0; from && i < from->n; i++)
                if (add(to, from->v[i].key, from->v[i].baseline) < 0) {
                        managed_release(to);
                        return -ENOMEM;
                }
        return 0;
}

/* The set after one generation, given the sets after the ones before it (snaps[0..n), ids[]). */
static int after_record(const struct record *g, const unsigned long *ids, const struct managed *snaps, size_t n,
                        struct managed *ret)
{
        *ret = (struct managed){0};
        if (g->has_base) {
                for (size_t i = 0; i < g->n_base; i++)
                        if (add(ret, g->base[i].key, g->base[i].value) < 0)
                                goto oom;
                return 0;
        }
        if (g->is_rollback) { /* a version 1 rollback: the set of the generation it restored */
                for (size_t i = 0; i < n; i++)
                        if (ids[i] == g->restores)
                                return copy(&snaps[i], ret);
                return 0;
        }
        const struct managed *prev = n ? &snaps[n - 1] : NULL;
        for (size_t k = 0; k < g->n_keys; k++) {
                const struct rec_key *rk = &g->keys[k];
                if (rk->dependent || rk->write_only || rk->restored || managed_find(ret, rk->key))
                        continue;
                const struct managed_key *was = prev ? managed_find(prev, rk->key) : NULL;
                if (add(ret, rk->key, was ? was->baseline : rk->before) < 0)
                        goto oom;
        }
        return 0;
oom:
        managed_release(ret);
        return -ENOMEM;
}

static int cmp_key(const void *a, const void *b)
{
        return strcmp(((const struct managed_key *)a)->key, ((const struct managed_key *)b)->key);
}

/* What twtune last left each key at: the after-value of the newest record line for it. */
static int note_last(struct managed *m, const struct record *g)
{
        for (size_t k = 0; k < g->n_keys; k++) {
                size_t i;
                if (!strmap_get(&m->idx, g->keys[k].key, &i))
                        continue;
                free(m->v[i].last);
                if (!(m->v[i].last = strdup(g->keys[k].after)))
                        return -ENOMEM;
        }
        return 0;
}

int managed_at(struct state *st, unsigned long at, struct managed *ret)
{
        *ret = (struct managed){0};
        if (at == 0)
                return 0;
        unsigned long *ids = NULL;
        size_t n = 0, done = 0;
        int r = state_generations(st, &ids, &n);
        struct managed *snaps = r == 0 ? calloc(n + 1, sizeof(*snaps)) : NULL;
        struct record **recs = r == 0 ? calloc(n + 1, sizeof(*recs)) : NULL;
        if (r == 0 && (!snaps || !recs))
                r = -ENOMEM;
        for (; r == 0 && done < n && ids[done] <= at; done++)
                r = state_generation_read(st, ids[done], &recs[done]);
        if (r == 0 && (done == 0 || ids[done - 1] != at))
                r = -ENOENT;
        /* Only a record without base lines (before 0.3) derives its set from the sets before it; a
         * record with them stands alone. So the sets are built up to the last record without
         * them, and the final one: with a long history of 9 000 keys, not one per generation. */
        size_t upto = 0;
        for (size_t g = 0; r == 0 && g < done; g++)
                if (!recs[g]->has_base)
                        upto = g + 1;
        for (size_t g = 0; r == 0 && g < done; g++)
                if (g < upto || g == done - 1)
                        r = after_record(recs[g], ids, snaps, g, &snaps[g]);
        /* Each key's last value: replay the records' lines in order over the final set. */
        for (size_t g = 0; r == 0 && g < done; g++)
                r = note_last(&snaps[done - 1], recs[g]);
        if (r == 0)
                r = find_copies(recs, done, &snaps[done - 1]);
        if (r == 0) {
                *ret = snaps[done - 1];
                snaps[done - 1] = (struct managed){0};
                if (ret->n)
                        qsort(ret->v, ret->n, sizeof(*ret->v), cmp_key);
                if (index_keys(&ret->idx, ret->v, ret->n) < 0) {
                        managed_release(ret);
                        r = -ENOMEM;
                }
        }
        for (size_t i = 0; i < n + 1 && snaps && recs; i++) {
                managed_release(&snaps[i]);
                record_free(recs[i]);
        }
        free(snaps);
        free(recs);
        free(ids);
        return r;
}

int managed_current(struct state *st, struct managed *ret)
{
        unsigned long *ids = NULL;
        size_t n = 0;
        *ret = (struct managed){0};
        int r = st ? state_generations(st, &ids, &n) : 0;
        if (r == 0 && n)
                r = managed_at(st, ids[n - 1], ret);
        free(ids);
        return r;
}

int managed_rollback_target(struct state *st, unsigned long *ret_to)
{
        unsigned long *ids = NULL;
        size_t n = 0;
        int r = state_generations(st, &ids, &n);
        if (r == 0 && n == 0)
                r = -ENOENT;
        /* Follow rollbacks to the apply whose state is current, then step before it. */
        unsigned long at = r == 0 ? ids[n - 1] : 0;
        for (size_t guard = 0; r == 0 && at && guard <= n; guard++) {
                struct record *g = NULL;
                if ((r = state_generation_read(st, at, &g)) < 0)
                        break;
                bool back = g->is_rollback && g->restores < at;
                unsigned long next = g->restores;
                record_free(g);
                if (!back)
                        break;
                at = next;
        }
        if (r == 0 && at == 0)
                r = -EALREADY;
        if (r == 0) {
                unsigned long to = 0;
                for (size_t i = 0; i < n && ids[i] < at; i++)
                        to = ids[i];
                *ret_to = to;
        }
        free(ids);
        return r;
}

int managed_state_of(struct state *st, unsigned long id, unsigned long *ret)
{
        /* Each rollback restores an earlier generation, so the chain ends; the guard is for damage. */
        for (unsigned guard = 0; id && guard < 100000; guard++) {
                struct record *g = NULL;
                int r = state_generation_read(st, id, &g);
                if (r < 0)
                        return r;
                bool back = g->is_rollback && g->restores < id;
                unsigned long next = g->restores;
                record_free(g);
                if (!back)
                        break;
                id = next;
        }
        *ret = id;
        return 0;
}
