/* SPDX-License-Identifier: MIT */
/* The string arena (core/base/strarena.c): copies stay intact across many blocks and large
 * strings, interning gives one pointer per distinct string, and release frees everything (the
 * valgrind pass checks that nothing leaks). */
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

static Suite *suite(void)
{
        Suite *s = suite_create("strarena");
        TCase *tc = tcase_create("core");
        tcase_add_test(tc, copies_and_interning);
        suite_add_tcase(s, tc);
        return s;
}

TEST_MAIN(suite)
