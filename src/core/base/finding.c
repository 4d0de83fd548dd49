/* SPDX-License-Identifier: MIT */
#include "finding.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

void findings_vadd(struct findings *f, enum severity sev, const char *code, const char *key,
                   const struct srcloc *loc, const char *fmt, va_list ap)
{
        if (f->n == f->cap) {
                size_t cap = f->cap ? f->cap * 2 : 8;
                struct finding *v = realloc(f->v, cap * sizeof(*v));
                if (!v) {
                        f->oom = true;
                        return;
                }
                f->v = v;
                f->cap = cap;
        }
        struct finding x = {
                .severity = sev,
                .code = strdup(code),
                .key = key ? strdup(key) : NULL,
                .file = loc && loc->file ? strdup(loc->file) : NULL,
                .line = loc ? loc->line : 0,
                .column = loc ? loc->column : 0,
                .message = str_vprintf(fmt, ap),
        };
        if (!x.code || !x.message || (key && !x.key) || (loc && loc->file && !x.file)) {
                free(x.code);
                free(x.key);
                free(x.file);
                free(x.message);
                f->oom = true;
                return;
        }
        f->v[f->n++] = x;
}

void findings_add(struct findings *f, enum severity sev, const char *code, const char *key,
                  const struct srcloc *loc, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        findings_vadd(f, sev, code, key, loc, fmt, ap);
        va_end(ap);
}

size_t findings_count(const struct findings *f, enum severity sev)
{
        size_t n = 0;
        for (size_t i = 0; i < f->n; i++)
                n += f->v[i].severity == sev;
        return n;
}

bool findings_has_error_for(const struct findings *f, const char *key)
{
        for (size_t i = 0; i < f->n; i++)
                if (f->v[i].severity == SEV_ERROR && f->v[i].key && strcmp(f->v[i].key, key) == 0)
                        return true;
        return false;
}

static int cmp_finding(const struct finding *a, const struct finding *b)
{
        int r = strcmp(a->file ? a->file : "", b->file ? b->file : "");
        if (r)
                return r;
        if (a->line != b->line)
                return a->line < b->line ? -1 : 1;
        if (a->column != b->column)
                return a->column < b->column ? -1 : 1;
        return 0;
}

void findings_sort(struct findings *f)
{
        /* Insertion sort: stable, and finding lists are short. */
        for (size_t i = 1; i < f->n; i++) {
                struct finding x = f->v[i];
                size_t j = i;
                while (j > 0 && cmp_finding(&f->v[j - 1], &x) > 0) {
                        f->v[j] = f->v[j - 1];
                        j--;
                }
                f->v[j] = x;
        }
}

void findings_release(struct findings *f)
{
        for (size_t i = 0; i < f->n; i++) {
                free(f->v[i].code);
                free(f->v[i].key);
                free(f->v[i].file);
                free(f->v[i].message);
        }
        free(f->v);
        *f = (struct findings){0};
}

const char *severity_name(enum severity s)
{
        return s == SEV_ERROR ? "error" : s == SEV_WARNING ? "warning" : "info";
}

void findings_strict(struct findings *f)
{
        for (size_t i = 0; i < f->n; i++)
                if (f->v[i].severity == SEV_WARNING)
                        f->v[i].severity = SEV_ERROR;
}
