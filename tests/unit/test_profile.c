/* SPDX-License-Identifier: MIT */
/* Profile loading: the schema, positions of errors, hostile input and extends. */
#include <errno.h>

#include "profile.h"
#include "testutil.h"

static int parse(const char *text, struct profile **p, struct findings *f)
{
        return profile_parse_buffer(text, strlen(text), "t.yaml", NULL, p, f);
}

/* Asserts that text gets an error of this code at line:column. Settings that fail to parse are
 * dropped and the rest of the profile is still built, so p may be set. */
static void expect_error(const char *text, const char *code, unsigned line, unsigned column)
{
        struct findings f = {0};
        struct profile *p = NULL;
        int r = parse(text, &p, &f);
        ck_assert_msg(r < 0 || findings_count(&f, SEV_ERROR) > 0, "accepted:\n%s", text);
        ck_assert_msg(r == 0 || p == NULL, "profile returned with an error");
        const struct finding *x = find_code(&f, code);
        ck_assert_msg(x, "no %s finding for:\n%s\n(first: %s %s)", code, text, f.n ? f.v[0].code : "-",
                      f.n ? f.v[0].message : "-");
        ck_assert_int_eq(x->severity, SEV_ERROR);
        ck_assert_str_eq(x->file, "t.yaml");
        ck_assert_msg(x->line == line && x->column == column, "%s at %u:%u, expected %u:%u (%s)", code, x->line, x->column,
                      line, column, x->message);
        profile_free(p);
        findings_release(&f);
}

START_TEST(keeps_going)
{
        /* One broken setting does not hide the others or their problems. */
        static const char text[] = "sysctl:\n  a.b: yes\n  net..x: 1\n  c.d: 2\n";
        struct findings f = {0};
        struct profile *p = NULL;
        ck_assert_int_eq(parse(text, &p, &f), 0);
        ck_assert_uint_eq(findings_count(&f, SEV_ERROR), 2);
        ck_assert_uint_eq(p->n_settings, 1);
        ck_assert_str_eq(p->settings[0].key, "c.d");
        profile_free(p);
        findings_release(&f);
}
END_TEST

START_TEST(all_value_forms)
{
        struct findings f = {0};
        struct profile *p = NULL;
        ck_assert_int_eq(parse("name: web\n"
                               "description: d\n"
                               "kernel: \">= 4.12\"\n"
                               "sysctl:\n"
                               "  net.ipv4.tcp_fin_timeout: 30\n"
                               "  net/ipv4/ip_local_port_range: [1024, 65535]\n"
                               "  net.ipv4.tcp_rmem: \"4096\t131072  6291456\"\n"
                               "  net.core.somaxconn: {at_least: 4096}\n"
                               "  net.ipv4.tcp_tw_recycle: {value: 0, when: \"kernel < 4.12\"}\n"
                               "  net.netfilter.nf_conntrack_max: {value: 262144, optional: true, note: why}\n"
                               "  net.ipv4.ip_local_reserved_ports: \"\"\n",
                               &p, &f),
                         0);
        ck_assert_uint_eq(f.n, 0);
        ck_assert_str_eq(p->name, "web");
        ck_assert_str_eq(p->description, "d");
        ck_assert_uint_eq(p->n_reqs, 1);
        ck_assert_uint_eq(p->n_settings, 7);
        const struct setting *s = profile_find(p, "net.ipv4.ip_local_port_range");
        ck_assert_ptr_nonnull(s);
        ck_assert_str_eq(s->value, "1024 65535");
        ck_assert_uint_eq(s->loc.line, 6);
        ck_assert_uint_eq(s->loc.column, 3);
        ck_assert_str_eq(profile_find(p, "net.ipv4.tcp_rmem")->value, "4096 131072 6291456");
        s = profile_find(p, "net.core.somaxconn");
        ck_assert_int_eq(s->mode, SET_AT_LEAST);
        ck_assert_str_eq(s->value, "4096");
        s = profile_find(p, "net.ipv4.tcp_tw_recycle");
        ck_assert(s->has_when);
        ck_assert(!kcond_eval(s->when, KVER(6, 1)));
        s = profile_find(p, "net.netfilter.nf_conntrack_max");
        ck_assert(s->optional);
        ck_assert_str_eq(s->note, "why");
        ck_assert_str_eq(profile_find(p, "net.ipv4.ip_local_reserved_ports")->value, "");
        profile_free(p);
        findings_release(&f);
}
END_TEST

START_TEST(bad_structure)
{
        expect_error("sysctl: [1, 2]\n", "bad-type", 1, 9);
        expect_error("- a\n- b\n", "bad-type", 1, 1);
        expect_error("sysctl:\n  net.ipv4.tcp_fin_timeout: {valu: 30}\n", "unknown-field", 2, 30);
        expect_error("sysclt:\n  net.ipv4.tcp_fin_timeout: 30\n", "unknown-field", 1, 1);
        expect_error("sysctl:\n  net.ipv4.tcp_fin_timeout: {a: {b: 1}}\n", "unknown-field", 2, 30);
        expect_error("sysctl:\n  net.ipv4.tcp_fin_timeout: [[1]]\n", "bad-type", 2, 30);
        expect_error("sysctl:\n  net.ipv4.tcp_fin_timeout: {value: {x: 1}}\n", "bad-type", 2, 37);
        expect_error("sysctl:\n  net.core.somaxconn: {value: 1, at_least: 2}\n", "bad-setting", 2, 34);
        expect_error("sysctl:\n  net.core.somaxconn: {when: \"kernel > 4\"}\n", "bad-setting", 2, 23);
        expect_error("sysctl:\n  net.core.somaxconn: {at_least: \"1 2\"}\n", "bad-type", 2, 34);
        expect_error("sysctl:\n  net.core.somaxconn: {value: 1, optional: maybe}\n", "bad-type", 2, 44);
        expect_error("sysctl:\n  net.core.somaxconn: {value: 1, when: \"kernel ~ 4\"}\n", "bad-condition", 2, 40);
        expect_error("kernel: \"newer than 4\"\nsysctl: {a.b: 1}\n", "bad-condition", 1, 9);
        expect_error("name: [x]\nsysctl: {a.b: 1}\n", "bad-type", 1, 7);
        expect_error("", "empty-profile", 0, 0);
        expect_error("# only a comment\n", "empty-profile", 0, 0);
}
END_TEST

START_TEST(bad_values)
{
        expect_error("sysctl:\n  net.ipv4.tcp_tw_reuse: yes\n", "bad-value", 2, 26);
        expect_error("sysctl:\n  net.ipv4.tcp_tw_reuse:\n", "bad-value", 2, 25);
        expect_error("sysctl:\n  net.ipv4.tcp_tw_reuse: ~\n", "bad-value", 2, 26);
        expect_error("sysctl:\n  a.b: \"1\\n2\"\n", "bad-value", 2, 8);
        expect_error("sysctl:\n  a.b: \"x=1\"\n", "bad-value", 2, 8);
        expect_error("sysctl:\n  a.b: \"x\\u0001\"\n", "bad-value", 2, 8);
        expect_error("sysctl:\n  a.b: [1, null]\n", "bad-value", 2, 12);
}
END_TEST

START_TEST(bad_keys)
{
        expect_error("sysctl:\n  net..ipv4: 1\n", "bad-key", 2, 3);
        expect_error("sysctl:\n  /proc/sys/net/ipv4/tcp_fin_timeout: 1\n", "bad-key", 2, 3);
        expect_error("sysctl:\n  net/../../etc/shadow: 1\n", "bad-key", 2, 3);
        expect_error("sysctl:\n  [a, b]: 1\n", "bad-key", 2, 3);
        expect_error("sysctl:\n  \"\": 1\n", "bad-key", 2, 3);
        /* Duplicates, also across the two spellings of one key. */
        expect_error("sysctl:\n  net.core.somaxconn: 1\n  net.core.somaxconn: 2\n", "duplicate-key", 3, 3);
        expect_error("sysctl:\n  net.ipv4.tcp_fin_timeout: 1\n  net/ipv4/tcp_fin_timeout: 2\n", "duplicate-key", 3, 3);
        expect_error("sysctl: {a.b: 1}\nsysctl: {a.c: 1}\n", "duplicate-key", 2, 1);
}
END_TEST

START_TEST(hostile_yaml)
{
        expect_error("sysctl:\n  a.b: [1, 2\n", "yaml-syntax", 3, 1);
        expect_error("sysctl:\n\ta.b: 1\n", "yaml-syntax", 2, 1);
        /* A billion-laughs attempt is refused at its first anchor. */
        expect_error("a: &a [\"lol\",\"lol\"]\nb: &b [*a,*a,*a]\nc: [*b,*b,*b]\n", "yaml-syntax", 1, 4);
        expect_error("sysctl:\n  a.b: *x\n", "yaml-syntax", 2, 8);
        expect_error("sysctl: {a.b: 1}\n---\nsysctl: {a.b: 2}\n", "yaml-syntax", 2, 1);
        expect_error("sysctl:\n  a.b: \"caf\xe9\"\n", "yaml-syntax", 2, 12);
        expect_error("sysctl:\n  a.b: \"\xed\xa0\x80\"\n", "yaml-syntax", 2, 9);
        /* Deep nesting stops at the limit instead of recursing without bound. */
        char deep[200] = "a: ";
        for (int i = 0; i < 40; i++)
                strcat(deep, "[");
        expect_error(deep, "yaml-syntax", 1, 35); /* the 32nd "[" */
        /* Embedded NUL */
        struct findings f = {0};
        struct profile *p = NULL;
        ck_assert_int_eq(profile_parse_buffer("a: 1\0b: 2", 9, "t.yaml", NULL, &p, &f), -EINVAL);
        ck_assert_uint_eq(find_code(&f, "yaml-syntax")->line, 1);
        findings_release(&f);
        /* Over the size limit. */
        size_t big = PROFILE_MAX_BYTES + 10;
        char *b = malloc(big);
        memset(b, '#', big);
        ck_assert_int_eq(profile_parse_buffer(b, big, "t.yaml", NULL, &p, &f), -EFBIG);
        ck_assert_ptr_nonnull(find_code(&f, "file-too-large"));
        free(b);
        findings_release(&f);
}
END_TEST

static struct profile *load_in(const char *dir, const char *name, struct findings *f, int *ret)
{
        char *path;
        ck_assert_int_ge(asprintf(&path, "%s/%s", dir, name), 0);
        struct profile *p = NULL;
        *ret = profile_load(path, NULL, &p, f);
        free(path);
        return p;
}

START_TEST(extends_merge)
{
        char *d = make_tmpdir();
        write_file(d, "base.yaml", "sysctl:\n  a.x: 1\n  a.y: 1\n  a.z: 1\n");
        write_file(d, "left.yaml", "extends: base\nsysctl:\n  a.y: 2\n");
        write_file(d, "right.yaml", "extends: [base]\nsysctl:\n  a.w: 3\n");
        write_file(d, "sub/child.yaml", "extends: [../left.yaml, ../right.yaml]\nsysctl:\n  a.z: 4\n");
        struct findings f = {0};
        int r;
        struct profile *p = load_in(d, "sub/child.yaml", &f, &r);
        ck_assert_int_eq(r, 0);
        ck_assert_str_eq(p->name, "child");
        ck_assert_str_eq(profile_find(p, "a.x")->value, "1");
        /* base is merged once, at its first appearance: right.yaml does not undo left.yaml. */
        ck_assert_str_eq(profile_find(p, "a.y")->value, "2");
        ck_assert_str_eq(profile_find(p, "a.w")->value, "3");
        ck_assert_str_eq(profile_find(p, "a.z")->value, "4");
        ck_assert(strstr(profile_find(p, "a.z")->loc.file, "child.yaml"));
        ck_assert(strstr(profile_find(p, "a.y")->loc.file, "left.yaml"));
        ck_assert(strstr(profile_find(p, "a.x")->loc.file, "base.yaml"));
        profile_free(p);
        findings_release(&f);
        rm_rf(d);
        free(d);
}
END_TEST

START_TEST(extends_errors)
{
        char *d = make_tmpdir();
        struct findings f = {0};
        int r;

        write_file(d, "a.yaml", "extends: b\nsysctl: {a.x: 1}\n");
        write_file(d, "b.yaml", "extends: [c]\nsysctl: {a.x: 1}\n");
        write_file(d, "c.yaml", "extends: [a]\nsysctl: {a.x: 1}\n");
        struct profile *p = load_in(d, "a.yaml", &f, &r);
        ck_assert_int_eq(r, 0);
        ck_assert_uint_eq(findings_count(&f, SEV_ERROR), 1);
        profile_free(p);
        const struct finding *x = find_code(&f, "extends-cycle");
        ck_assert_ptr_nonnull(x);
        ck_assert(strstr(x->file, "c.yaml"));
        ck_assert_uint_eq(x->line, 1);
        ck_assert_uint_eq(x->column, 11);
        findings_release(&f);

        write_file(d, "self.yaml", "extends: self\nsysctl: {a.x: 1}\n");
        profile_free(load_in(d, "self.yaml", &f, &r));
        ck_assert_ptr_nonnull(find_code(&f, "extends-cycle"));
        findings_release(&f);

        write_file(d, "orphan.yaml", "extends: [nowhere]\nsysctl: {a.x: 1}\n");
        profile_free(load_in(d, "orphan.yaml", &f, &r));
        x = find_code(&f, "extends-not-found");
        ck_assert_uint_eq(x->line, 1);
        ck_assert_uint_eq(x->column, 11);
        findings_release(&f);

        /* A chain of 12 profiles is deeper than the limit. */
        for (int i = 0; i < 12; i++) {
                char name[32], *text;
                snprintf(name, sizeof(name), "d%d.yaml", i);
                if (i < 11)
                        ck_assert_int_ge(asprintf(&text, "extends: d%d\nsysctl: {a.x: %d}\n", i + 1, i), 0);
                else
                        ck_assert_int_ge(asprintf(&text, "sysctl: {a.x: %d}\n", i), 0);
                write_file(d, name, text);
                free(text);
        }
        profile_free(load_in(d, "d0.yaml", &f, &r));
        ck_assert_ptr_nonnull(find_code(&f, "extends-too-deep"));
        findings_release(&f);

        /* Missing file and directory. */
        ck_assert_ptr_null(load_in(d, "missing.yaml", &f, &r));
        ck_assert_int_eq(r, -ENOENT);
        ck_assert_ptr_nonnull(find_code(&f, "file-error"));
        findings_release(&f);
        write_file(d, "dir.yaml/x", "");
        ck_assert_ptr_null(load_in(d, "dir.yaml", &f, &r));
        ck_assert_int_eq(r, -EISDIR);
        findings_release(&f);
        rm_rf(d);
        free(d);
}
END_TEST

START_TEST(names_are_one_printable_line)
{
        /* name and description reach the persisted file's header: a line break there would be a
         * setting systemd-sysctl applies at boot. */
        expect_error("name: \"web\\nnet.ipv4.tcp_keepalive_probes = 42\"\nsysctl: {a.b: 1}\n", "bad-text", 1, 7);
        expect_error("description: \"x\\ry\"\nsysctl: {a.b: 1}\n", "bad-text", 1, 14);
        expect_error("name: \"\\e[31mred\"\nsysctl: {a.b: 1}\n", "bad-text", 1, 7);
        expect_error("name: \"a\\u202eb\"\nsysctl: {a.b: 1}\n", "bad-text", 1, 7); /* a bidi override */
        expect_error("name: \"a\\u2028b\"\nsysctl: {a.b: 1}\n", "bad-text", 1, 7);
        struct findings f = {0};
        struct profile *p = NULL;
        ck_assert_int_eq(parse("name: Serveur web – été\nsysctl: {a.b: 1}\n", &p, &f), 0);
        ck_assert_uint_eq(findings_count(&f, SEV_ERROR), 0);
        ck_assert_str_eq(p->name, "Serveur web – été");
        profile_free(p);
        findings_release(&f);
        /* Without a name, the file name stands in, made printable. */
        ck_assert_int_eq(profile_parse_buffer("sysctl: {a.b: 1}\n", 17, "dir/x\ny.yaml", NULL, &p, &f), 0);
        ck_assert_str_eq(p->name, "x?y");
        profile_free(p);
        findings_release(&f);
}
END_TEST

START_TEST(extends_only_profiles)
{
        char *d = make_tmpdir();
        struct findings f = {0};
        int r;
        write_file(d, "shadow", "root: $6$hash\n");
        write_file(d, "secret.yaml", "password: hunter2\n");
        write_file(d, "base.yaml", "name: base\nsysctl: {a.x: 1}\n");

        write_file(d, "p1.yaml", "extends: [shadow]\nsysctl: {a.x: 1}\n"); /* a name is NAME.yaml */
        profile_free(load_in(d, "p1.yaml", &f, &r));
        ck_assert_ptr_nonnull(find_code(&f, "extends-not-found"));
        findings_release(&f);

        write_file(d, "p2.yaml", "extends: [./shadow]\nsysctl: {a.x: 1}\n");
        profile_free(load_in(d, "p2.yaml", &f, &r));
        ck_assert_ptr_nonnull(find_code(&f, "extends-refused"));
        findings_release(&f);

        char *text;
        ck_assert_int_ge(asprintf(&text, "extends: [%s/base.yaml]\nsysctl: {a.x: 1}\n", d), 0);
        write_file(d, "p3.yaml", text);
        free(text);
        profile_free(load_in(d, "p3.yaml", &f, &r));
        const struct finding *x = find_code(&f, "extends-refused");
        ck_assert_ptr_nonnull(x);
        ck_assert_uint_eq(x->line, 1);
        ck_assert_uint_eq(x->column, 11);
        findings_release(&f);
        char *path;
        ck_assert_int_ge(asprintf(&path, "%s/p3.yaml", d), 0);
        struct profile_opts o = {.allow_absolute_extends = true};
        struct profile *p = NULL;
        ck_assert_int_eq(profile_load(path, &o, &p, &f), 0);
        ck_assert_uint_eq(findings_count(&f, SEV_ERROR), 0);
        profile_free(p);
        findings_release(&f);
        free(path);

        /* A .yaml file that is not a profile: one error at the extends entry, nothing quoted. */
        write_file(d, "p4.yaml", "extends: [secret.yaml]\nsysctl: {a.x: 1}\n");
        profile_free(load_in(d, "p4.yaml", &f, &r));
        x = find_code(&f, "extends-not-profile");
        ck_assert_ptr_nonnull(x);
        ck_assert(strstr(x->file, "p4.yaml"));
        for (size_t i = 0; i < f.n; i++)
                ck_assert_msg(!strstr(f.v[i].message, "hunter2") && !strstr(f.v[i].message, "password"),
                              "leaked: %s", f.v[i].message);
        findings_release(&f);
        rm_rf(d);
        free(d);
}
END_TEST

START_TEST(buffer_is_a_file_in_cwd)
{
        /* A profile from standard input extends profiles beside it, keeps its own name and
         * positions, and takes neither from its parent. */
        char *d = make_tmpdir(), *old = getcwd(NULL, 0);
        write_file(d, "base.yaml", "name: base\nsysctl: {a.x: 1, a.y: 1}\n");
        ck_assert_int_eq(chdir(d), 0);
        static const char text[] = "extends: [base]\nsysctl:\n  a.y: 2\n";
        struct findings f = {0};
        struct profile *p = NULL;
        ck_assert_int_eq(profile_parse_buffer(text, strlen(text), "<stdin>", NULL, &p, &f), 0);
        ck_assert_uint_eq(findings_count(&f, SEV_ERROR), 0);
        ck_assert_str_eq(p->name, "<stdin>");
        ck_assert_str_eq(profile_find(p, "a.x")->value, "1");
        const struct setting *y = profile_find(p, "a.y");
        ck_assert_str_eq(y->value, "2");
        ck_assert_str_eq(y->loc.file, "<stdin>");
        ck_assert_uint_eq(y->loc.line, 3);
        profile_free(p);
        findings_release(&f);
        ck_assert_int_eq(chdir(old), 0);
        free(old);
        rm_rf(d);
        free(d);
}
END_TEST

START_TEST(sysctl_conf_files)
{
        /* What users already have: sysctl.conf syntax read as systemd-sysctl and procps read it. */
        char *d = make_tmpdir();
        write_file(d, "a.conf",
                   "# comment\n; another\n\n  net.ipv4.tcp_fin_timeout  =   30  \r\n"
                   "-net.ipv4.nope = 1\n"
                   "net.ipv4.tcp_keepalive_time=600 # ten minutes\n"
                   "net/ipv4/conf/eth0.100/rp_filter = 2\n"
                   "net.ipv4.tcp_fin_timeout = 31\n"
                   "not an assignment\n"
                   "net.ipv4.conf.*.rp_filter = 1\n"
                   "net.ipv4.ip_local_port_range = 1024\t65000");
        struct findings f = {0};
        int r;
        struct profile *p = load_in(d, "a.conf", &f, &r);
        ck_assert_int_eq(r, 0);
        ck_assert_str_eq(p->name, "a.conf");
        const struct setting *s = profile_find(p, "net.ipv4.tcp_fin_timeout");
        ck_assert_str_eq(s->value, "31"); /* the last assignment wins */
        ck_assert_uint_eq(s->loc.line, 8);
        ck_assert(profile_find(p, "net.ipv4.nope")->optional);
        ck_assert_str_eq(profile_find(p, "net.ipv4.tcp_keepalive_time")->value, "600");
        ck_assert_str_eq(profile_find(p, "net.ipv4.conf.eth0/100.rp_filter")->value, "2");
        ck_assert_str_eq(profile_find(p, "net.ipv4.ip_local_port_range")->value, "1024 65000"); /* no final newline */
        ck_assert_uint_eq(p->n_settings, 6);
        ck_assert(profile_find(p, "net.ipv4.conf.*.rp_filter")->glob); /* expanded against a target later */
        const struct finding *x = find_code(&f, "conf-syntax");
        ck_assert_ptr_nonnull(x);
        ck_assert_uint_eq(x->line, 9);
        ck_assert_uint_eq(x->column, 1);
        ck_assert_int_eq(x->severity, SEV_ERROR);
        x = find_code(&f, "inline-comment");
        ck_assert_uint_eq(x->line, 6);
        ck_assert_uint_eq(x->column, 33);
        ck_assert_ptr_nonnull(find_code(&f, "duplicate-key"));
        ck_assert_uint_eq(find_code(&f, "duplicate-key")->severity, SEV_INFO);
        profile_free(p);
        findings_release(&f);
        rm_rf(d);
        free(d);
}
END_TEST

static Suite *suite(void)
{
        Suite *s = suite_create("profile");
        TCase *tc = tcase_create("profile");
        tcase_add_test(tc, all_value_forms);
        tcase_add_test(tc, keeps_going);
        tcase_add_test(tc, bad_structure);
        tcase_add_test(tc, bad_values);
        tcase_add_test(tc, bad_keys);
        tcase_add_test(tc, hostile_yaml);
        tcase_add_test(tc, extends_merge);
        tcase_add_test(tc, extends_errors);
        tcase_add_test(tc, names_are_one_printable_line);
        tcase_add_test(tc, extends_only_profiles);
        tcase_add_test(tc, buffer_is_a_file_in_cwd);
        tcase_add_test(tc, sysctl_conf_files);
        suite_add_tcase(s, tc);
        return s;
}

TEST_MAIN(suite)
