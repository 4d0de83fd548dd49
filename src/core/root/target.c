/* SPDX-License-Identifier: MIT */
#include "target.h"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "key.h"
#include "sysroot.h"
#include "util.h"
#include "value.h"

struct kv {
        char *key, *value;
        size_t order; /* line order, so a repeated key keeps its last value */
};

struct target {
        struct sysroot *sr; /* live */
        struct kv *kv;      /* snapshot, sorted by key */
        size_t n;
};

int target_new_live(struct sysroot *sr, struct target **ret)
{
        struct target *t = calloc(1, sizeof(*t));
        if (!t)
                return -ENOMEM;
        t->sr = sr;
        *ret = t;
        return 0;
}

static int cmp_kv(const void *a, const void *b)
{
        const struct kv *x = a, *y = b;
        int r = strcmp(x->key, y->key);
        return r ? r : x->order < y->order ? -1 : x->order > y->order;
}

static void trim(char **s, char *end)
{
        while (**s == ' ' || **s == '\t')
                (*s)++;
        while (end > *s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
                *--end = '\0';
}

/* Appends key (taken) = a copy of value to a snapshot's table of cap entries. Returns 0 or
 * -ENOMEM (key freed). */
static int add_kv(struct target *t, size_t *cap, char *key, const char *value)
{
        if (t->n == *cap) {
                *cap = *cap ? *cap * 2 : 256;
                struct kv *p = realloc(t->kv, *cap * sizeof(*p));
                if (!p) {
                        free(key);
                        return -ENOMEM;
                }
                t->kv = p;
        }
        t->kv[t->n].key = key;
        t->kv[t->n].value = strdup(value);
        t->kv[t->n].order = t->n;
        return t->kv[t->n++].value ? 0 : -ENOMEM;
}

/* Sorts a snapshot's table by key and keeps the last of each run of equal keys. */
static void sort_keep_last(struct target *t)
{
        if (t->n)
                qsort(t->kv, t->n, sizeof(*t->kv), cmp_kv);
        size_t w = 0;
        for (size_t i = 0; i < t->n; i++) {
                if (i + 1 < t->n && strcmp(t->kv[i].key, t->kv[i + 1].key) == 0) {
                        free(t->kv[i].key);
                        free(t->kv[i].value);
                        continue;
                }
                t->kv[w++] = t->kv[i];
        }
        t->n = w;
}

int target_new_snapshot(const char *path, struct target **ret, unsigned *ret_bad_line)
{
        char *text;
        size_t len;
        int r = read_file_at(AT_FDCWD, path, SNAPSHOT_MAX_BYTES, &text, &len);
        if (r < 0)
                return r;
        const char *nul = memchr(text, '\0', len);
        if (nul) {
                /* sysctl -a never prints one; reading on would silently stop at it. */
                unsigned line = 1;
                for (const char *p = text; p < nul; p++)
                        line += *p == '\n';
                if (ret_bad_line)
                        *ret_bad_line = line;
                free(text);
                return -EBADMSG;
        }
        struct target *t = calloc(1, sizeof(*t));
        if (!t) {
                free(text);
                return -ENOMEM;
        }
        size_t cap = 0;
        unsigned lineno = 0;
        for (char *line = text, *next; line; line = next) {
                lineno++;
                next = strchr(line, '\n');
                if (next)
                        *next++ = '\0';
                char *s = line;
                trim(&s, s + strlen(s));
                if (*s == '\0' || *s == '#' || *s == ';')
                        continue;
                char *eq = strchr(s, '=');
                if (!eq)
                        goto bad;
                *eq = '\0';
                char *k = s, *v = eq + 1;
                trim(&k, eq);
                trim(&v, v + strlen(v));
                char *nk;
                if (key_normalize(k, &nk, NULL) < 0)
                        goto bad;
                if ((r = add_kv(t, &cap, nk, v)) < 0)
                        goto fail;
        }
        free(text);
        sort_keep_last(t);
        *ret = t;
        return 0;
bad:
        if (ret_bad_line)
                *ret_bad_line = lineno;
        r = -EBADMSG;
fail:
        free(text);
        target_free(t);
        return r;
}

void target_free(struct target *t)
{
        if (!t)
                return;
        for (size_t i = 0; i < t->n; i++) {
                free(t->kv[i].key);
                free(t->kv[i].value);
        }
        free(t->kv);
        free(t);
}

bool target_is_snapshot(const struct target *t)
{
        return t->sr == NULL;
}

struct sysroot *target_sysroot(const struct target *t)
{
        return t->sr;
}

int target_get(struct target *t, const char *key, char **ret_value)
{
        if (t->sr)
                return sysroot_read_sysctl(t->sr, key, ret_value);
        size_t lo = 0, hi = t->n;
        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                int c = strcmp(key, t->kv[mid].key);
                if (c == 0) {
                        char *v = strdup(t->kv[mid].value);
                        if (!v)
                                return -ENOMEM;
                        *ret_value = v;
                        return 0;
                }
                if (c < 0)
                        hi = mid;
                else
                        lo = mid + 1;
        }
        return -ENOENT;
}

int target_kernel(struct target *t, struct kver *ret)
{
        char *s;
        int r = target_get(t, "kernel.osrelease", &s);
        if (r < 0)
                return r;
        r = kver_parse(s, ret);
        free(s);
        return r;
}

int target_siblings(struct target *t, const char *key, char ***ret, size_t *ret_n)
{
        /* The keys in key's directory: its parent, then a wildcard for one component. */
        const char *dot = strrchr(key, '.');
        char *pattern = str_printf("%.*s*", dot ? (int)(dot - key) + 1 : 0, key);
        if (!pattern)
                return -ENOMEM;
        int r = target_expand(t, pattern, ret, ret_n);
        free(pattern);
        return r;
}

int target_expand(struct target *t, const char *pattern, char ***ret, size_t *ret_n)
{
        if (t->sr)
                return sysroot_expand(t->sr, pattern, ret, ret_n);
        /* Matched in path form, where FNM_PATHNAME keeps '*' inside one component. */
        char *pat = key_to_path(pattern);
        char **v = calloc(1, sizeof(*v));
        size_t n = 0;
        bool oom = !pat || !v;
        for (size_t i = 0; !oom && i < t->n; i++) {
                char *path = key_to_path(t->kv[i].key);
                bool hit = path && fnmatch(pat, path, FNM_PATHNAME) == 0;
                oom = !path;
                free(path);
                if (!hit)
                        continue;
                char **nv = realloc(v, (n + 2) * sizeof(*v));
                if (nv)
                        v = nv;
                if (!nv || !(v[n] = strdup(t->kv[i].key))) {
                        oom = true;
                        break;
                }
                v[++n] = NULL;
        }
        free(pat);
        if (oom) {
                for (size_t i = 0; v && i < n; i++)
                        free(v[i]);
                free(v);
                return -ENOMEM;
        }
        *ret = v;
        *ret_n = n;
        return 0;
}

int target_describe(struct target *t, const char *key, char **ret)
{
        char *v = NULL, **tok = NULL;
        size_t n = 0;
        int r = target_get(t, key, &v);
        if (r < 0)
                return r;
        if (value_split(v, &tok, &n) < 0) {
                free(v);
                return -ENOMEM;
        }
        bool ints = n > 0;
        for (size_t i = 0; i < n && ints; i++) {
                long long x;
                ints = parse_kernel_int(tok[i], &x) == 0;
        }
        value_tokens_free(tok);
        /* Anything may be in a snapshot or below --root: shown printable and short. */
        for (char *p = v; *p; p++)
                if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
                        *p = (*p == '\t') ? ' ' : '?';
        if (strlen(v) > 40)
                strcpy(v + 37, "...");
        char shape[32], mode[24] = "";
        if (ints)
                snprintf(shape, sizeof(shape), "%zu integer%s", n, n == 1 ? "" : "s");
        else
                snprintf(shape, sizeof(shape), "%s", n ? "text" : "empty");
        unsigned m;
        if (t->sr && sysroot_sysctl_mode(t->sr, key, &m) == 0)
                snprintf(mode, sizeof(mode), "mode 0%o, ", m & 0777);
        char *d = str_printf("%s%s: '%s'", mode, shape, v);
        free(v);
        if (!d)
                return -ENOMEM;
        *ret = d;
        return 0;
}
