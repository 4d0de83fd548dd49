/* SPDX-License-Identifier: MIT */
/* The string arena (core/base/strarena.c): copies stay intact across many blocks and large
 * strings, interning gives one pointer per distinct string, and release frees everything (the
 * valgrind pass checks that nothing leaks); strmap's compact values; the run's interned
 * strings; sysctl.conf lines handed over one at a time. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>

#include "strarena.h"
#include "sysctl_conf.h"
#include "testutil.h"

START_TEST(copies_and_interning)
{
        struct strarena a = {0};
        enum { N = 20000 };
        static const char *kept[N];
        char buf[64];
        for (int i = 0; i < N; i++) { /* several blocks' worth */
                snprintf(buf, sizeof(buf), "net.ipv4.conf.va%d.rp_filter", i);
                kept[i] = strarena_dup(&a, buf);
                ck_assert_ptr_nonnull(kept[i]);
        }
        for (int i = 0; i < N; i++) {
                snprintf(buf, sizeof(buf), "net.ipv4.conf.va%d.rp_filter", i);
                ck_assert_str_eq(kept[i], buf);
        }
        size_t big = 200000;
        char *text = malloc(big + 1);
        ck_assert_ptr_nonnull(text);
        memset(text, 'x', big);
        text[big] = '\0';
        const char *b1 = strarena_dup(&a, text), *after = strarena_dup(&a, "after");
        ck_assert_str_eq(b1, text);
        ck_assert_str_eq(after, "after");
        ck_assert_str_eq(strarena_dupn(&a, "abcdef", 3), "abc");
        ck_assert_str_eq(strarena_dup(&a, ""), "");
        ck_assert_ptr_null(strarena_dup(&a, NULL));
        ck_assert_ptr_null(strarena_intern(&a, NULL));
        const char *one = strarena_intern(&a, "1");
        ck_assert_str_eq(one, "1");
        ck_assert_ptr_eq(strarena_intern(&a, "1"), one);
        char other[] = "1";
        ck_assert_ptr_eq(strarena_intern(&a, other), one);
        ck_assert_ptr_ne(strarena_intern(&a, "0"), one);
        ck_assert_ptr_eq(strarena_intern(&a, text), strarena_intern(&a, text));
        ck_assert_str_eq(kept[0], "net.ipv4.conf.va0.rp_filter"); /* still intact after it all */
        ck_assert_str_eq(kept[N - 1], "net.ipv4.conf.va19999.rp_filter");
        free(text);
        strarena_release(&a);
        ck_assert_ptr_null(a.blocks);
        strarena_release(&a); /* released twice: still fine */
        ck_assert_str_eq(strarena_intern(&a, "again"), "again");
        strarena_release(&a);
}
END_TEST

/* strmap's values live in 32 bits in an array made at the first value other than 0. */
START_TEST(strmap_values)
{
        struct strarena a = {0};
        struct strmap set = {0}, map = {0};
        char buf[32];
        enum { N = 5000 };
        for (int i = 0; i < N; i++) {
                snprintf(buf, sizeof(buf), "k%d", i);
                const char *k = strarena_dup(&a, buf);
                ck_assert_int_eq(strmap_put(&set, k, 0), 0);
                ck_assert_int_eq(strmap_put(&map, k, (size_t)i), 0);
        }
        ck_assert_ptr_null(set.vals);
        ck_assert_ptr_nonnull(map.vals);
        ck_assert_uint_eq(set.n, N);
        ck_assert_uint_eq(map.n, N);
        for (int i = 0; i < N; i++) {
                size_t v = 99;
                snprintf(buf, sizeof(buf), "k%d", i);
                ck_assert(strmap_get(&set, buf, &v));
                ck_assert_uint_eq(v, 0);
                ck_assert(strmap_get(&map, buf, &v));
                ck_assert_uint_eq(v, (size_t)i);
                ck_assert_str_eq(strmap_key(&map, buf), buf);
        }
        ck_assert(!strmap_get(&map, "absent", NULL));
        ck_assert_ptr_null(strmap_key(&map, "absent"));
        ck_assert_int_eq(strmap_put(&set, "k1", 7), 0); /* the first value: the array made, the rest 0 */
        size_t v = 0;
        ck_assert(strmap_get(&set, "k1", &v) && v == 7);
        ck_assert(strmap_get(&set, "k2", &v) && v == 0);
        ck_assert_int_eq(strmap_put(&map, "k1", (size_t)UINT32_MAX + 1), -EOVERFLOW);
        ck_assert(strmap_get(&map, "k1", &v) && v == 1);
        strmap_release(&set);
        strmap_release(&map);
        strarena_release(&a);
}
END_TEST

/* conf_parse_each hands over the same lines as conf_parse_max, with the same findings, from a
 * buffer it reuses: long lines after short ones, CRLF, comments, exclusions, a NUL, bad lines. */
struct seen {
        struct conf_line v[16];
        char text[16][2][300];
        size_t n;
};

static int keep_line(void *userdata, const struct conf_line *l)
{
        struct seen *s = userdata;
        ck_assert_uint_lt(s->n, 16);
        s->v[s->n] = *l;
        snprintf(s->text[s->n][0], sizeof(s->text[0][0]), "%s", l->key);
        snprintf(s->text[s->n][1], sizeof(s->text[0][1]), "%s", l->value ? l->value : "(null)");
        s->n++;
        return 0;
}

START_TEST(conf_each_same_as_array)
{
        char long_value[200];
        memset(long_value, '7', sizeof(long_value) - 1);
        long_value[sizeof(long_value) - 1] = '\0';
        char text[1024];
        int len = snprintf(text, sizeof(text),
                           "a.b = 1\r\n# comment\n; other\n-x.y\n  - c.d =  2 3 \nno equals here\n= 4\n"
                           "long.key.name.here = %s\ne.f=5\nlast = x", long_value);
        ck_assert_int_gt(len, 0);
        static const char tail[] = "\0y\nend = 6"; /* a NUL in a line */
        memcpy(text + len, tail, sizeof(tail) - 1);
        len += (int)sizeof(tail) - 1;
        struct findings fa = {0}, fb = {0};
        struct conf_line *lines = NULL;
        size_t n = 0;
        ck_assert_int_eq(conf_parse_max(text, (size_t)len, "f.conf", SIZE_MAX, &lines, &n, &fa), 0);
        static struct seen s;
        s.n = 0;
        ck_assert_int_eq(conf_parse_each(text, (size_t)len, "f.conf", SIZE_MAX, keep_line, &s, &fb), 0);
        ck_assert_uint_eq(n, 6);
        ck_assert_uint_eq(s.n, n);
        for (size_t i = 0; i < n; i++) {
                ck_assert_str_eq(s.text[i][0], lines[i].key);
                ck_assert_str_eq(s.text[i][1], lines[i].value ? lines[i].value : "(null)");
                ck_assert_uint_eq(s.v[i].line, lines[i].line);
                ck_assert_uint_eq(s.v[i].key_col, lines[i].key_col);
                ck_assert_uint_eq(s.v[i].value_col, lines[i].value_col);
                ck_assert(s.v[i].ignore_failure == lines[i].ignore_failure);
        }
        ck_assert_str_eq(s.text[3][1], long_value); /* a long line after short ones */
        ck_assert_str_eq(s.text[4][1], "5");
        ck_assert_str_eq(s.text[1][1], "(null)");   /* -x.y: an exclusion */
        ck_assert_uint_eq(fa.n, fb.n);
        ck_assert_uint_eq(fa.n, 3); /* no '=', no key, the NUL */
        for (size_t i = 0; i < fa.n; i++) {
                ck_assert_str_eq(fa.v[i].message, fb.v[i].message);
                ck_assert_uint_eq(fa.v[i].line, fb.v[i].line);
        }
        conf_lines_free(lines, n);
        findings_release(&fa);
        findings_release(&fb);
}
END_TEST

/* str_intern: the run's copies, one per distinct string, valid to the end (freed at exit). */
START_TEST(run_intern)
{
        char a[] = "1", b[] = "1";
        const char *x = str_intern(a), *y = str_intern(b);
        ck_assert_ptr_nonnull(x);
        ck_assert_ptr_eq(x, y);
        a[0] = '2';
        ck_assert_str_eq(x, "1"); /* a copy, not the caller's buffer */
        ck_assert_ptr_ne(str_intern(a), x);
        ck_assert_ptr_null(str_intern(NULL));
}
END_TEST

static Suite *suite(void)
{
        Suite *s = suite_create("strarena");
        TCase *tc = tcase_create("core");
        tcase_add_test(tc, copies_and_interning);
        tcase_add_test(tc, strmap_values);
        tcase_add_test(tc, conf_each_same_as_array);
        tcase_add_test(tc, run_intern);
        suite_add_tcase(s, tc);
        return s;
}

TEST_MAIN(suite)
