/* SPDX-License-Identifier: MIT */
#include "textdiff.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define CONTEXT 3
#define LCS_MAX 2000 /* lines on each side below which the middle gets a real LCS; else all -/+ */

struct lines {
        const char **v;
        size_t *len; /* without the newline */
        bool last_nl; /* the text ends in a newline */
        size_t n;
};

static int split(const char *s, size_t n, struct lines *ret)
{
        *ret = (struct lines){0};
        size_t cap = 1;
        for (size_t i = 0; i < n; i++)
                cap += s[i] == '\n';
        ret->v = calloc(cap, sizeof(*ret->v));
        ret->len = calloc(cap, sizeof(*ret->len));
        if (!ret->v || !ret->len)
                return -1;
        for (size_t i = 0; i < n;) {
                const char *nl = memchr(s + i, '\n', n - i);
                size_t l = nl ? (size_t)(nl - s - i) : n - i;
                ret->v[ret->n] = s + i;
                ret->len[ret->n++] = l;
                i += l + 1;
        }
        ret->last_nl = n == 0 || s[n - 1] == '\n';
        return 0;
}

static bool has_nl(const struct lines *l, size_t i)
{
        return i + 1 < l->n || l->last_nl;
}

/* Lines are the same with their newline: a last line without one differs from one with it. */
static bool same(const struct lines *a, size_t i, const struct lines *b, size_t j)
{
        return a->len[i] == b->len[j] && memcmp(a->v[i], b->v[j], a->len[i]) == 0 && has_nl(a, i) == has_nl(b, j);
}

static void put(struct strbuf *sb, char mark, const struct lines *l, size_t i)
{
        sb_appendf(sb, "%c", mark);
        sb_appendn(sb, l->v[i], l->len[i]);
        sb_append(sb, "\n");
        if (!has_nl(l, i))
                sb_append(sb, "\\ No newline at end of file\n");
}

/* The middle a[p, ea) and b[p2, eb) as an edit script: an LCS table when small, else all of a
 * removed then all of b added. */
static void middle(struct strbuf *sb, const struct lines *a, size_t i0, size_t ia, const struct lines *b, size_t j0,
                   size_t jb)
{
        size_t n = ia - i0, m = jb - j0;
        unsigned *t = n <= LCS_MAX && m <= LCS_MAX ? calloc((n + 1) * (m + 1), sizeof(*t)) : NULL;
        if (!t) {
                for (size_t i = i0; i < ia; i++)
                        put(sb, '-', a, i);
                for (size_t j = j0; j < jb; j++)
                        put(sb, '+', b, j);
                return;
        }
#define T(i, j) t[(i) * (m + 1) + (j)]
        for (size_t i = n; i-- > 0;)
                for (size_t j = m; j-- > 0;)
                        T(i, j) = same(a, i0 + i, b, j0 + j) ? T(i + 1, j + 1) + 1
                                  : T(i + 1, j) > T(i, j + 1) ? T(i + 1, j) : T(i, j + 1);
        size_t i = 0, j = 0;
        while (i < n || j < m) {
                if (i < n && j < m && same(a, i0 + i, b, j0 + j)) {
                        put(sb, ' ', a, i0 + i);
                        i++, j++;
                } else if (j == m || (i < n && T(i + 1, j) >= T(i, j + 1))) {
                        put(sb, '-', a, i0 + i++);
                } else {
                        put(sb, '+', b, j0 + j++);
                }
        }
#undef T
        free(t);
}

char *textdiff_unified(const char *a, size_t alen, const char *b, size_t blen, const char *from, const char *to)
{
        if ((!a && !b) || (a && b && alen == blen && memcmp(a, b, alen) == 0))
                return strdup("");
        struct lines la = {0}, lb = {0};
        struct strbuf sb = {0};
        if (split(a ? a : "", a ? alen : 0, &la) < 0 || split(b ? b : "", b ? blen : 0, &lb) < 0)
                goto out;
        /* The common head and tail are context. */
        size_t pre = 0, suf = 0;
        while (pre < la.n && pre < lb.n && same(&la, pre, &lb, pre))
                pre++;
        while (suf < la.n - pre && suf < lb.n - pre && same(&la, la.n - 1 - suf, &lb, lb.n - 1 - suf))
                suf++;
        size_t c0 = pre > CONTEXT ? pre - CONTEXT : 0, ctail = suf > CONTEXT ? CONTEXT : suf;
        size_t an = la.n - c0 - (suf - ctail), bn = lb.n - c0 - (suf - ctail);
        sb_appendf(&sb, "--- %s\n+++ %s\n", a ? from : "/dev/null", b ? to : "/dev/null");
        sb_appendf(&sb, "@@ -%zu,%zu +%zu,%zu @@\n", an ? c0 + 1 : c0, an, bn ? c0 + 1 : c0, bn);
        for (size_t i = c0; i < pre; i++)
                put(&sb, ' ', &la, i);
        middle(&sb, &la, pre, la.n - suf, &lb, pre, lb.n - suf);
        for (size_t i = la.n - suf; i < la.n - suf + ctail; i++)
                put(&sb, ' ', &la, i);
out:
        free(la.v);
        free(la.len);
        free(lb.v);
        free(lb.len);
        if (sb.oom || !sb.buf) {
                sb_release(&sb);
                return NULL;
        }
        return sb_steal(&sb);
}
