/* SPDX-License-Identifier: MIT */
/* "Did you mean": the edit distance and when a candidate is close enough to suggest. */
#include <stdint.h>

#include "suggest.h"
#include "testutil.h"

START_TEST(distance)
{
        ck_assert_uint_eq(suggest_distance("diff", "diff"), 0);
        ck_assert_uint_eq(suggest_distance("dif", "diff"), 1);
        ck_assert_uint_eq(suggest_distance("histroy", "history"), 1); /* a swap is one edit */
        ck_assert_uint_eq(suggest_distance("dryrun", "dry-run"), 1);
        ck_assert_uint_eq(suggest_distance("", "keys"), 4);
        ck_assert_uint_eq(suggest_distance("kitten", "sitting"), 3);
        char long_word[80];
        memset(long_word, 'a', sizeof(long_word) - 1);
        long_word[sizeof(long_word) - 1] = '\0';
        ck_assert_uint_eq(suggest_distance(long_word, "a"), SIZE_MAX);
}
END_TEST

static const char *pick(const char *word, const char *const *candidates)
{
        static struct suggest s;
        suggest_init(&s, word);
        for (; *candidates; candidates++)
                suggest_add(&s, *candidates);
        return suggest_result(&s);
}

START_TEST(result)
{
        static const char *const cmds[] = {"advise", "apply", "check", "diff", "history", "help", "stats", NULL};
        ck_assert_str_eq(pick("dif", cmds), "diff");
        ck_assert_str_eq(pick("hist", cmds), "history"); /* a unique prefix */
        ck_assert_str_eq(pick("stat", cmds), "stats");
        ck_assert_ptr_null(pick("h", cmds));              /* the prefix of two */
        ck_assert_ptr_null(pick("frobnicate", cmds));     /* too far */
        ck_assert_ptr_null(pick("x", (const char *const[]){"q", NULL}));  /* replaced whole */
        ck_assert_ptr_null(pick("foo", (const char *const[]){"root", NULL})); /* 2 edits in 3 letters */
        ck_assert_str_eq(pick("dyrrun", (const char *const[]){"dry-run", "root", NULL}), "dry-run"); /* 2 in 6 */
        ck_assert_str_eq(pick("aply", (const char *const[]){"apply", "reply", NULL}), "apply"); /* the nearest */
        ck_assert_ptr_null(pick("ab", (const char *const[]){"ax", "ay", NULL})); /* a tie */
}
END_TEST

static Suite *suite(void)
{
        Suite *s = suite_create("suggest");
        TCase *tc = tcase_create("suggest");
        tcase_add_test(tc, distance);
        tcase_add_test(tc, result);
        suite_add_tcase(s, tc);
        return s;
}

TEST_MAIN(suite)
