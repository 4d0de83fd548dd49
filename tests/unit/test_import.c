/* SPDX-License-Identifier: MIT */
/* import: sysctl.conf text to a profile that loads back to the settings the .conf file holds. */
#include <errno.h>

#include "import.h"
#include "profile.h"
#include "testutil.h"
#include "util.h"
#include "validate.h"

static const struct validate_opts vo = {.kernel = {6, 1, 0}, .kernel_known = true};

/* Imports one text as file name, asserting success. */
static struct import_result import1(const char *name, const char *text, struct findings *f)
{
        struct import_file in = {name, text, strlen(text)};
        struct import_result r;
        ck_assert_int_eq(import_conf(&in, 1, "t", &vo, &r, f), 0);
        ck_assert_ptr_nonnull(r.yaml);
        return r;
}

/* Loads yaml as a profile, asserting it has no error finding. */
static struct profile *load_yaml(const char *yaml)
{
        struct findings f = {0};
        struct profile *p = NULL;
        ck_assert_int_eq(profile_parse_buffer(yaml, strlen(yaml), "t.yaml", NULL, &p, &f), 0);
        for (size_t i = 0; i < f.n; i++)
                ck_assert_msg(f.v[i].severity != SEV_ERROR, "%u:%u: %s [%s] in\n%s", f.v[i].line, f.v[i].column,
                              f.v[i].message, f.v[i].code, yaml);
        findings_release(&f);
        return p;
}

START_TEST(round_trip)
{
        /* Values YAML would take for something else (booleans, null, flow and comment characters,
         * escapes), patterns, slashes and the '-' prefix: the profile
         * holds what the .conf file holds, as twtune reads it. */
        static const char text[] =
                "kernel.core_pattern = |/usr/lib/systemd/systemd-coredump %P \"q\" \\ x\n"
                "a.yes = yes\na.null = null\na.tilde = ~\na.empty =\na.hash = x#y\na.dash = -\na.neg = -5\n"
                "a.list = 1,2,3\na.colon = a:b\na.star = *\na.brace = {x}\n"
                "a.ints = 1\t 2  0x10\na.words = bbr  cubic\n"
                "net/ipv4/conf/eth0.100/rp_filter = 1\n"
                "-net.ipv4.ping_group_range = 0 2147483647\n"
                "net.ipv4.conf.*.rp_filter = 2\nnet.ipv4.conf.eth[01].x = 1\n*.y = 1\n"
                "a.inline = 5 # five\n"
                "y = 1\nnull = 2\n";
        struct findings f = {0}, fc = {0};
        struct import_result r = import1("t.conf", text, &f);
        struct profile *p = load_yaml(r.yaml), *conf = NULL;
        ck_assert_int_eq(profile_parse_buffer(text, strlen(text), "t.conf", NULL, &conf, &fc), 0);
        ck_assert_uint_eq(r.n_skipped, 0);
        ck_assert_uint_eq(r.n_settings, conf->n_settings);
        ck_assert_uint_eq(p->n_settings, conf->n_settings);
        for (size_t i = 0; i < conf->n_settings; i++) {
                const struct setting *want = &conf->settings[i], *got = profile_find(p, want->key);
                ck_assert_msg(got, "%s missing from\n%s", want->key, r.yaml);
                ck_assert_str_eq(got->value, want->value);
                ck_assert_int_eq(got->optional, want->optional);
                ck_assert_int_eq(got->glob, want->glob);
        }
        ck_assert_str_eq(p->name, "t");
        ck_assert_str_eq(p->description, "Imported from t.conf");
        ck_assert_ptr_nonnull(strstr(r.yaml, "  net.ipv4.ping_group_range: {value: [0, 2147483647], optional: true}\n"));
        ck_assert_ptr_nonnull(strstr(r.yaml, "  a.inline: 5  # five\n"));
        ck_assert_ptr_nonnull(find_code(&f, "inline-comment"));
        profile_free(p);
        profile_free(conf);
        import_result_release(&r);
        findings_release(&f);
        findings_release(&fc);
}
END_TEST

START_TEST(comments_stay)
{
        /* The leading block goes to the top; a comment above a setting stays above it, ';' too. */
        static const char text[] = "\r\n  \r\n# leading\r\n# block\r\n\r\n; about a\r\nnet.core.somaxconn = 4096\r\n\r\n"
                                   "\r\n# about c\r\nnet.ipv4.tcp_syncookies = 1\r\n# trailing";
        struct findings f = {0};
        struct import_result r = import1("t.conf", text, &f);
        ck_assert_msg(strncmp(r.yaml, "# leading\n# block\n\n", 19) == 0, "%s", r.yaml);
        const char *a = strstr(r.yaml, "  # about a\n  net.core.somaxconn: 4096\n\n  # about c\n"
                                     "  net.ipv4.tcp_syncookies: 1\n  # trailing\n");
        ck_assert_msg(a != NULL, "%s", r.yaml);
        ck_assert_ptr_null(strchr(r.yaml, '\r'));
        ck_assert_ptr_nonnull(strstr(r.yaml, "\nname: t\n"));
        struct profile *p = load_yaml(r.yaml);
        ck_assert_uint_eq(p->n_settings, 2);
        profile_free(p);
        import_result_release(&r);
        findings_release(&f);
}
END_TEST

START_TEST(last_assignment_wins)
{
        static const char a[] = "x.y = 1\nx.z = 1\n", b[] = "# later\nx.y = 2\n";
        struct import_file in[] = {{"a.conf", a, strlen(a)}, {"b.conf", b, strlen(b)}};
        struct findings f = {0};
        struct import_result r;
        ck_assert_int_eq(import_conf(in, 2, NULL, &vo, &r, &f), 0);
        struct profile *p = load_yaml(r.yaml);
        ck_assert_str_eq(profile_find(p, "x.y")->value, "2");
        ck_assert_str_eq(p->name, "imported");
        ck_assert_str_eq(p->description, "Imported from a.conf and b.conf");
        ck_assert_uint_eq(r.n_settings, 2);
        /* The earlier one stays, as a comment, where it was; the later one stands in its place. */
        const char *old = strstr(r.yaml, "  # twtune: replaced by b.conf:2: x.y: 1\n");
        const char *marker = strstr(r.yaml, "  # --- from b.conf ---\n");
        const char *now = strstr(r.yaml, "  x.y: 2\n");
        ck_assert_msg(old && marker && now && old < marker && marker < now, "%s", r.yaml);
        ck_assert_ptr_nonnull(strstr(r.yaml, "the last assignment wins"));
        const struct finding *x = find_code(&f, "duplicate-key");
        ck_assert_ptr_nonnull(x);
        ck_assert_str_eq(x->file, "b.conf");
        ck_assert_uint_eq(x->line, 2);
        profile_free(p);
        import_result_release(&r);
        findings_release(&f);
}
END_TEST

START_TEST(dropped_winner)
{
        /* The tools set the last assignment; when that one cannot be imported, neither is the key:
         * an earlier value would be one they never set. Both lines are reported. */
        static const char text[] = "x.y = 1\nx.z = 5\nx.y = 2=3\n/x/w = 7\nx..w = 8\n";
        struct findings f = {0};
        struct import_result r = import1("t.conf", text, &f);
        ck_assert_uint_eq(r.n_skipped, 2);
        bool line1 = false, line3 = false;
        for (size_t i = 0; i < r.n_skipped; i++) {
                line1 |= r.skipped[i].line == 1 && strcmp(r.skipped[i].code, "overridden-left-out") == 0 &&
                         strstr(r.skipped[i].reason, "t.conf:3");
                line3 |= r.skipped[i].line == 3 && strcmp(r.skipped[i].code, "bad-value") == 0;
        }
        ck_assert(line1 && line3);
        struct profile *p = load_yaml(r.yaml);
        ck_assert_ptr_null(profile_find(p, "x.y"));
        ck_assert_str_eq(profile_find(p, "x.z")->value, "5");
        ck_assert_str_eq(profile_find(p, "x.w")->value, "8"); /* "/x/w" and "x..w" are the same key */
        ck_assert_ptr_nonnull(strstr(r.yaml, "# twtune: replaced by t.conf:3: x.y: 1"));
        profile_free(p);
        import_result_release(&r);
        findings_release(&f);
}
END_TEST

START_TEST(left_out)
{
        /* Each line that cannot be a setting is left out with its file and line, and the rest stay. */
        static const char text[] = "a.b = 1\nnot a setting\nnet.x. = 1\na.c = \x01\na.d = \xff\n-a.e\na.f = 1=2\na.g = 3";
        struct findings f = {0};
        struct import_result r = import1("t.conf", text, &f);
        static const struct {
                unsigned line;
                const char *code;
        } want[] = {{2, "conf-syntax"}, {3, "bad-key"}, {4, "bad-value"}, {5, "bad-value"}, {6, "conf-exclusion"},
                    {7, "bad-value"}};
        ck_assert_uint_eq(r.n_skipped, ELEMENTSOF(want));
        for (size_t i = 0; i < ELEMENTSOF(want); i++) {
                ck_assert_str_eq(r.skipped[i].file, "t.conf");
                ck_assert_uint_eq(r.skipped[i].line, want[i].line);
                ck_assert_str_eq(r.skipped[i].code, want[i].code);
        }
        ck_assert_ptr_nonnull(strstr(r.yaml, "  # twtune: left out: a.c = ?\n"));
        struct profile *p = load_yaml(r.yaml);
        ck_assert_uint_eq(p->n_settings, 2);
        ck_assert_str_eq(profile_find(p, "a.g")->value, "3");
        profile_free(p);
        import_result_release(&r);
        findings_release(&f);
}
END_TEST

START_TEST(findings_beside)
{
        /* Validation's findings go above their setting, with the position of the .conf line. */
        static const char text[] = "# c\nnet.ipv4.tcp_tw_recycle = 1\n";
        struct findings f = {0};
        struct import_result r = import1("t.conf", text, &f);
        const struct finding *x = find_code(&f, "removed-in-kernel");
        ck_assert_ptr_nonnull(x);
        ck_assert_str_eq(x->file, "t.conf");
        ck_assert_uint_eq(x->line, 2);
        const char *c = strstr(r.yaml, "  # c\n  # twtune: removed-in-kernel (error): ");
        const char *s = strstr(r.yaml, "\n  net.ipv4.tcp_tw_recycle: 1\n");
        ck_assert_msg(c && s && c < s, "%s", r.yaml);
        import_result_release(&r);
        findings_release(&f);

        /* Nothing to import: still a profile, which says so. */
        r = import1("t.conf", "# only a comment\n", &f);
        ck_assert_ptr_nonnull(strstr(r.yaml, "sysctl: {}\n"));
        ck_assert_ptr_nonnull(find_code(&f, "no-settings"));
        struct profile *p = load_yaml(r.yaml);
        ck_assert_uint_eq(p->n_settings, 0);
        profile_free(p);
        import_result_release(&r);
        findings_release(&f);
}
END_TEST

START_TEST(names)
{
        char *n = import_name_from_path("/etc/sysctl.d/99-my\x01tuning.conf");
        ck_assert_str_eq(n, "99-my?tuning");
        free(n);
        n = import_name_from_path("out/web.yaml");
        ck_assert_str_eq(n, "web");
        free(n);
        n = import_name_from_path(".conf");
        ck_assert_str_eq(n, ".conf");
        free(n);
        ck_assert_ptr_null(import_name_from_path("dir/"));
}
END_TEST

static Suite *suite(void)
{
        Suite *s = suite_create("import");
        TCase *tc = tcase_create("import");
        tcase_add_test(tc, round_trip);
        tcase_add_test(tc, comments_stay);
        tcase_add_test(tc, last_assignment_wins);
        tcase_add_test(tc, left_out);
        tcase_add_test(tc, dropped_winner);
        tcase_add_test(tc, findings_beside);
        tcase_add_test(tc, names);
        suite_add_tcase(s, tc);
        return s;
}

TEST_MAIN(suite)
