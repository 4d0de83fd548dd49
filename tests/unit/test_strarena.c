/* SPDX-License-Identifier: MIT */
/* The string arena (core/base/strarena.c): copies stay intact across many blocks and large
 * strings, interning gives one pointer per distinct string, and release frees everything (the
 * valgrind pass checks that nothing leaks); strmap's compact values. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>

#include "strarena.h"
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

static Suite *suite(void)
{
        Suite *s = suite_create("strarena");
        TCase *tc = tcase_create("core");
        tcase_add_test(tc, copies_and_interning);
        tcase_add_test(tc, strmap_values);
        suite_add_tcase(s, tc);
        return s;
}

TEST_MAIN(suite)
