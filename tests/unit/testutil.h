/* SPDX-License-Identifier: MIT */
/* Shared helpers for the Check unit tests. */
#ifndef TWTUNE_TESTUTIL_H
#define TWTUNE_TESTUTIL_H

#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "finding.h"

/* Creates a fresh directory under $TMPDIR; the caller removes it with rm_rf. */
static inline char *make_tmpdir(void)
{
        const char *t = getenv("TMPDIR");
        char *p;
        ck_assert_int_ge(asprintf(&p, "%s/twtune-unit-XXXXXX", t && *t ? t : "/tmp"), 0);
        ck_assert_ptr_nonnull(mkdtemp(p));
        return p;
}

static inline void rm_rf(const char *dir)
{
        char *cmd;
        ck_assert_int_ge(asprintf(&cmd, "rm -rf '%s'", dir), 0);
        ck_assert_int_eq(system(cmd), 0);
        free(cmd);
}

/* Writes text to dir/name, creating parent directories. */
static inline void write_file(const char *dir, const char *name, const char *text)
{
        char *path, *cmd;
        ck_assert_int_ge(asprintf(&path, "%s/%s", dir, name), 0);
        ck_assert_int_ge(asprintf(&cmd, "mkdir -p \"$(dirname '%s')\"", path), 0);
        ck_assert_int_eq(system(cmd), 0);
        FILE *f = fopen(path, "w");
        ck_assert_ptr_nonnull(f);
        fputs(text, f);
        ck_assert_int_eq(fclose(f), 0);
        free(cmd);
        free(path);
}

/* The finding with this code, or NULL. */
static inline const struct finding *find_code(const struct findings *f, const char *code)
{
        for (size_t i = 0; i < f->n; i++)
                if (strcmp(f->v[i].code, code) == 0)
                        return &f->v[i];
        return NULL;
}

static inline size_t count_code(const struct findings *f, const char *code)
{
        size_t n = 0;
        for (size_t i = 0; i < f->n; i++)
                n += strcmp(f->v[i].code, code) == 0;
        return n;
}

#define TEST_MAIN(suite_fn)                                        \
        int main(void)                                             \
        {                                                          \
                SRunner *sr = srunner_create(suite_fn());          \
                srunner_run_all(sr, CK_NORMAL);                    \
                int failed = srunner_ntests_failed(sr);            \
                srunner_free(sr);                                  \
                return failed ? EXIT_FAILURE : EXIT_SUCCESS;       \
        }

#endif
