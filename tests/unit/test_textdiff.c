/* SPDX-License-Identifier: MIT */
/* The unified diff of the persisted file (textdiff.c); t_truth applies its output with patch(1). */
#include "testutil.h"
#include "textdiff.h"

static void expect(const char *a, const char *b, const char *want)
{
        char *d = textdiff_unified(a, a ? strlen(a) : 0, b, b ? strlen(b) : 0, "x", "x");
        ck_assert_ptr_nonnull(d);
        ck_assert_str_eq(d, want);
        free(d);
}

START_TEST(cases)
{
        expect("a\nb\n", "a\nb\n", "");
        expect(NULL, NULL, "");
        expect(NULL, "a\n", "--- /dev/null\n+++ x\n@@ -0,0 +1,1 @@\n+a\n");
        expect("a\n", NULL, "--- x\n+++ /dev/null\n@@ -1,1 +0,0 @@\n-a\n");
        expect("1\n2\n3\n4\n5\n6\n7\n8\n", "1\n2\n3\n4\nX\n6\n7\n8\n",
               "--- x\n+++ x\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+X\n 6\n 7\n 8\n");
        expect("a\nb", "a\nb\n", "--- x\n+++ x\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n");
        expect("a\nb\nc\n", "a\nc\n", "--- x\n+++ x\n@@ -1,3 +1,2 @@\n a\n-b\n c\n");
        expect("", "a\n", "--- x\n+++ x\n@@ -0,0 +1,1 @@\n+a\n");
}
END_TEST

static Suite *suite(void)
{
        Suite *s = suite_create("textdiff");
        TCase *tc = tcase_create("core");
        tcase_add_test(tc, cases);
        suite_add_tcase(s, tc);
        return s;
}

TEST_MAIN(suite)
