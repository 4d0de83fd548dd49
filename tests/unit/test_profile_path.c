/* SPDX-License-Identifier: MIT */
/* Profiles by name: which arguments are names, the search path's order and duplicates, lookup. */
#include <errno.h>

#include "profile_path.h"
#include "testutil.h"
#include "util.h"

START_TEST(names)
{
        ck_assert(profile_name_valid("web-server"));
        ck_assert(profile_name_valid("db_2.v1"));
        ck_assert(!profile_name_valid(""));
        ck_assert(!profile_name_valid("./web-server"));
        ck_assert(!profile_name_valid("a/b"));
        ck_assert(!profile_name_valid("-"));          /* standard input, or an option */
        ck_assert(!profile_name_valid("--dry-run"));
        ck_assert(!profile_name_valid(".hidden"));
        ck_assert(!profile_name_valid("..")); /* never a way out of a directory */
        ck_assert(!profile_name_valid("a b"));
        ck_assert(!profile_name_valid("missing.yaml")); /* a file that is not there, not a name */
        ck_assert(!profile_name_valid("missing.yml"));
        ck_assert(!profile_name_valid(NULL));
}
END_TEST

START_TEST(dirs_and_lookup)
{
        char *t = make_tmpdir();
        write_file(t, "one/web.yaml", "description: first\n");
        write_file(t, "two/web.yaml", "description: second\n");
        write_file(t, "two/db.yaml", "description: 'quoted: yes'\n");
        write_file(t, "two/broken.yaml", "description: [\n");
        write_file(t, "two/.x.yaml", "{}\n");
        char *one, *two, *list;
        ck_assert_int_ge(asprintf(&one, "%s/one", t), 0);
        ck_assert_int_ge(asprintf(&two, "%s/two", t), 0);
        ck_assert_int_ge(asprintf(&list, "%s::%s:%s/one/.", one, two, t), 0); /* empty and same dir skipped */
        struct profile_dirs d = {0};
        ck_assert_int_eq(profile_dirs_add_list(&d, list), 0);
        ck_assert_int_eq(profile_dirs_add(&d, ""), 0);
        ck_assert_int_eq(profile_dirs_add(&d, two), 0);
        ck_assert_uint_eq(d.n, 2);
        ck_assert_str_eq(d.dirs[0], one);
        ck_assert_str_eq(d.dirs[1], two);

        char *p = NULL;
        ck_assert_int_eq(profile_dirs_find(&d, "web", &p), 0);
        ck_assert(str_has_suffix(p, "/one/web.yaml"));
        free(p);
        ck_assert_int_eq(profile_dirs_find(&d, "db", &p), 0);
        free(p);
        ck_assert_int_eq(profile_dirs_find(&d, "nope", &p), -ENOENT);
        ck_assert_int_eq(profile_dirs_find(&d, "../two/db", &p), -ENOENT);

        struct profile_entry *e;
        size_t n;
        ck_assert_int_eq(profile_dirs_list(&d, &e, &n), 0);
        ck_assert_uint_eq(n, 4); /* web; broken, db, web (sorted); not .x */
        ck_assert_str_eq(e[0].name, "web");
        ck_assert_str_eq(e[0].description, "first");
        ck_assert_ptr_null(e[0].shadowed_by);
        ck_assert_str_eq(e[1].name, "broken");
        ck_assert_ptr_null(e[1].description);
        ck_assert_str_eq(e[2].name, "db");
        ck_assert_str_eq(e[2].description, "quoted: yes");
        ck_assert_str_eq(e[3].name, "web");
        ck_assert_str_eq(e[3].shadowed_by, e[0].path);
        profile_entries_free(e, n);
        profile_dirs_release(&d);
        profile_dirs_release(&d); /* released twice: harmless */
        free(one);
        free(two);
        free(list);
        rm_rf(t);
        free(t);
}
END_TEST

START_TEST(beside_exe)
{
        char *p = profile_dir_beside_exe("../share/twtune/profiles");
        ck_assert_ptr_nonnull(p);
        ck_assert(str_has_suffix(p, "/share/twtune/profiles"));
        ck_assert_ptr_null(strstr(p, "/../")); /* resolved lexically */
        free(p);
}
END_TEST

static Suite *suite(void)
{
        Suite *s = suite_create("profile_path");
        TCase *tc = tcase_create("profile_path");
        tcase_add_test(tc, names);
        tcase_add_test(tc, dirs_and_lookup);
        tcase_add_test(tc, beside_exe);
        suite_add_tcase(s, tc);
        return s;
}

TEST_MAIN(suite)
