/* SPDX-License-Identifier: MIT */
/* Findings: what validation found, each with a stable code, a place and a message. */
#ifndef TWTUNE_FINDING_H
#define TWTUNE_FINDING_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

enum severity { SEV_INFO, SEV_WARNING, SEV_ERROR };

/* A position in a profile; file NULL when the finding has no place (e.g. a snapshot). */
struct srcloc {
        const char *file;
        unsigned line, column; /* 1-based; 0 when unknown */
};

struct finding {
        enum severity severity;
        char *code;
        char *key;  /* NULL when not about one key */
        char *file; /* NULL when not about a file */
        unsigned line, column;
        char *message;
};

struct findings {
        struct finding *v;
        size_t n, cap;
        bool oom; /* an add failed for lack of memory; callers report -ENOMEM */
};

void findings_add(struct findings *f, enum severity sev, const char *code, const char *key,
                  const struct srcloc *loc, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* The same with the arguments as a va_list (a caller's own "...", as profile_err_at's). */
void findings_vadd(struct findings *f, enum severity sev, const char *code, const char *key,
                   const struct srcloc *loc, const char *fmt, va_list ap) __attribute__((format(printf, 6, 0)));
size_t findings_count(const struct findings *f, enum severity sev);
bool findings_has_error_for(const struct findings *f, const char *key);
/* Makes every warning an error (--strict, for CI). */
void findings_strict(struct findings *f);
/* Stable order for output: by file, line, column, then insertion order. */
void findings_sort(struct findings *f);
void findings_release(struct findings *f);

const char *severity_name(enum severity s);

#endif
