/* SPDX-License-Identifier: MIT */
/* Diff statuses against a snapshot target, and snapshot parsing. */
#include <errno.h>
#include <sys/stat.h>

#include "diff.h"
#include "target.h"
#include "testutil.h"

static struct target *snapshot(const char *dir, const char *text)
{
        write_file(dir, "snap", text);
        char *path;
        ck_assert_int_ge(asprintf(&path, "%s/snap", dir), 0);
        struct target *t = NULL;
        ck_assert_int_eq(target_new_snapshot(path, &t, NULL), 0);
        free(path);
        return t;
}

static const struct diff_row *row(const struct diff *d, const char *key)
{
        for (size_t i = 0; i < d->n; i++)
                if (strcmp(d->rows[i].setting->key, key) == 0)
                        return &d->rows[i];
        ck_abort_msg("no row for %s", key);
        return NULL;
}

START_TEST(statuses)
{
        char *dir = make_tmpdir();
        struct target *t = snapshot(dir, "kernel.osrelease = 6.1.0-18-amd64\n"
                                         "net.ipv4.ip_local_port_range = 1024\t65535\n"
                                         "net.ipv4.tcp_fin_timeout = 60\n"
                                         "net.core.somaxconn = 4096\n"
                                         "net.ipv4.tcp_max_syn_backlog = 512\n"
                                         "net.ipv4.tcp_keepalive_time = 16\n"
                                         "net.ipv4.tcp_max_tw_buckets = 5000\n");
        static const char text[] = "sysctl:\n"
                                   "  net.ipv4.ip_local_port_range: \"1024 65535\"\n"
                                   "  net.ipv4.tcp_fin_timeout: 30\n"
                                   "  net.core.somaxconn: {at_least: 1024}\n"
                                   "  net.ipv4.tcp_max_syn_backlog: {at_least: 8192}\n"
                                   "  net.ipv4.tcp_max_tw_buckets: {at_most: 10000}\n"
                                   "  net.ipv4.tcp_keepalive_time: 0x10\n"
                                   "  net.ipv4.tcp_tw_recycle: {value: 0, when: \"kernel < 4.12\"}\n"
                                   "  net.netfilter.nf_conntrack_max: {value: 262144, optional: true}\n"
                                   "  net.ipv4.tcp_syncookies: 1\n";
        struct findings f = {0};
        struct profile *p = NULL;
        ck_assert_int_eq(profile_parse_buffer(text, strlen(text), "p.yaml", NULL, &p, &f), 0);
        struct validate_opts o = {.target = t};
        ck_assert_int_eq(target_kernel(t, &o.kernel), 0);
        o.kernel_known = true;
        ck_assert_int_eq(validate_profile(p, &o, &f), 0);
        struct diff *d = NULL;
        ck_assert_int_eq(diff_compute(p, &o, &f, &d), 0);

        /* A tab in the kernel's output is not drift. */
        ck_assert_int_eq(row(d, "net.ipv4.ip_local_port_range")->status, DIFF_OK);
        ck_assert_str_eq(row(d, "net.ipv4.ip_local_port_range")->current, "1024 65535");
        ck_assert_int_eq(row(d, "net.ipv4.tcp_fin_timeout")->status, DIFF_CHANGE);
        ck_assert_int_eq(row(d, "net.core.somaxconn")->status, DIFF_OK);
        ck_assert_int_eq(row(d, "net.ipv4.tcp_max_syn_backlog")->status, DIFF_CHANGE);
        ck_assert_int_eq(row(d, "net.ipv4.tcp_max_tw_buckets")->status, DIFF_OK);
        ck_assert_int_eq(row(d, "net.ipv4.tcp_keepalive_time")->status, DIFF_OK); /* 0x10 == 16 */
        ck_assert_int_eq(row(d, "net.ipv4.tcp_tw_recycle")->status, DIFF_SKIP);
        ck_assert(strstr(row(d, "net.ipv4.tcp_tw_recycle")->reason, "kernel < 4.12"));
        ck_assert_int_eq(row(d, "net.netfilter.nf_conntrack_max")->status, DIFF_SKIP);
        ck_assert_int_eq(row(d, "net.ipv4.tcp_syncookies")->status, DIFF_ERROR);
        ck_assert_ptr_null(row(d, "net.ipv4.tcp_syncookies")->current);
        ck_assert_ptr_nonnull(find_code(&f, "key-absent"));
        ck_assert_uint_eq(d->count[DIFF_OK], 4);
        ck_assert_uint_eq(d->count[DIFF_CHANGE], 2);
        ck_assert_uint_eq(d->count[DIFF_SKIP], 2);
        ck_assert_uint_eq(d->count[DIFF_ERROR], 1);

        diff_free(d);
        profile_free(p);
        findings_release(&f);
        target_free(t);
        rm_rf(dir);
        free(dir);
}
END_TEST

START_TEST(invalid_setting_is_error_row)
{
        char *dir = make_tmpdir();
        struct target *t = snapshot(dir, "net.ipv4.tcp_tw_reuse = 2\n");
        static const char text[] = "sysctl:\n  net.ipv4.tcp_tw_reuse: 3\n";
        struct findings f = {0};
        struct profile *p = NULL;
        ck_assert_int_eq(profile_parse_buffer(text, strlen(text), "p.yaml", NULL, &p, &f), 0);
        struct validate_opts o = {.kernel = KVER(6, 1), .kernel_known = true, .target = t};
        ck_assert_int_eq(validate_profile(p, &o, &f), 0);
        struct diff *d = NULL;
        ck_assert_int_eq(diff_compute(p, &o, &f, &d), 0);
        ck_assert_int_eq(d->rows[0].status, DIFF_ERROR);
        ck_assert_str_eq(d->rows[0].current, "2");
        diff_free(d);
        profile_free(p);
        findings_release(&f);
        target_free(t);
        rm_rf(dir);
        free(dir);
}
END_TEST

START_TEST(snapshot_parsing)
{
        char *dir = make_tmpdir();
        struct target *t = snapshot(dir, "# comment\n; also\n\n  net.core.somaxconn =  128 \n"
                                         "net/ipv4/conf/eth0.100/rp_filter = 2\n"
                                         "net.core.somaxconn = 4096\n"
                                         "kernel.domainname = (none)\n");
        char *v;
        ck_assert_int_eq(target_get(t, "net.core.somaxconn", &v), 0);
        ck_assert_str_eq(v, "4096"); /* the last line wins, as when applied */
        free(v);
        ck_assert_int_eq(target_get(t, "net.ipv4.conf.eth0/100.rp_filter", &v), 0);
        ck_assert_str_eq(v, "2");
        free(v);
        ck_assert_int_eq(target_get(t, "net.ipv4.tcp_fin_timeout", &v), -ENOENT);
        struct kver k;
        ck_assert_int_eq(target_kernel(t, &k), -ENOENT);
        ck_assert(target_is_snapshot(t));
        target_free(t);

        write_file(dir, "bad", "a.b = 1\nsysctl: permission denied on key 'x'\n");
        char *path;
        ck_assert_int_ge(asprintf(&path, "%s/bad", dir), 0);
        unsigned line = 0;
        t = NULL;
        ck_assert_int_eq(target_new_snapshot(path, &t, &line), -EBADMSG);
        ck_assert_uint_eq(line, 2);
        ck_assert_ptr_null(t);
        free(path);

        /* A NUL byte would silently end the snapshot: it is an error at its line. */
        ck_assert_int_ge(asprintf(&path, "%s/nul", dir), 0);
        FILE *fp = fopen(path, "w");
        fwrite("a.b = 1\nc.d = 2\0\ne.f = 3\n", 1, 24, fp);
        fclose(fp);
        line = 0;
        ck_assert_int_eq(target_new_snapshot(path, &t, &line), -EBADMSG);
        ck_assert_uint_eq(line, 2);
        free(path);

        /* A FIFO is refused without blocking. */
        ck_assert_int_ge(asprintf(&path, "%s/fifo", dir), 0);
        ck_assert_int_eq(mkfifo(path, 0600), 0);
        ck_assert_int_eq(target_new_snapshot(path, &t, &line), -EINVAL);
        free(path);
        ck_assert_int_eq(target_new_snapshot("/nonexistent/snap", &t, NULL), -ENOENT);
        rm_rf(dir);
        free(dir);
}
END_TEST

START_TEST(patterns_expand_against_the_target)
{
        /* systemd-sysctl's meaning: a pattern sets every matching key of the target, an explicit
         * key beats it wherever it stands, "-key" excludes, a later pattern wins. */
        char *dir = make_tmpdir();
        struct target *t = snapshot(dir, "net.ipv4.conf.all.rp_filter = 0\nnet.ipv4.conf.default.rp_filter = 0\n"
                                         "net.ipv4.conf.eth0.rp_filter = 0\nnet.ipv4.conf.eth0/100.rp_filter = 0\n"
                                         "net.ipv4.conf.lo.rp_filter = 0\nnet.ipv4.conf.eth0.arp_ignore = 0\n");
        write_file(dir, "p.conf", "net.ipv4.conf.lo.rp_filter = 0\nnet.ipv4.conf.*.rp_filter = 1\n-net.ipv4.conf.all.rp_filter\n"
                                  "net.ipv4.conf.eth*.rp_filter = 2\nnet.ipv4.conf.*.nothing = 1\n");
        char *path;
        ck_assert_int_ge(asprintf(&path, "%s/p.conf", dir), 0);
        struct findings f = {0};
        struct profile *p = NULL;
        ck_assert_int_eq(profile_load(path, NULL, &p, &f), 0);
        ck_assert_int_eq(profile_expand(p, t, &f), 0);
        ck_assert_str_eq(profile_find(p, "net.ipv4.conf.lo.rp_filter")->value, "0");   /* explicit */
        ck_assert_ptr_null(profile_find(p, "net.ipv4.conf.all.rp_filter"));          /* excluded */
        ck_assert_str_eq(profile_find(p, "net.ipv4.conf.default.rp_filter")->value, "1");
        ck_assert_str_eq(profile_find(p, "net.ipv4.conf.eth0.rp_filter")->value, "2"); /* the later pattern */
        ck_assert_str_eq(profile_find(p, "net.ipv4.conf.eth0/100.rp_filter")->value, "2");
        ck_assert_str_eq(profile_find(p, "net.ipv4.conf.eth0.rp_filter")->pattern, "net.ipv4.conf.eth*.rp_filter");
        ck_assert_ptr_null(profile_find(p, "net.ipv4.conf.eth0.arp_ignore"));
        ck_assert_ptr_nonnull(find_code(&f, "glob-matches-nothing"));
        for (size_t i = 0; i < p->n_settings; i++)
                ck_assert(!p->settings[i].glob);
        ck_assert_uint_eq(p->n_settings, 4);
        profile_free(p);
        findings_release(&f);
        target_free(t);
        free(path);
        rm_rf(dir);
        free(dir);
}
END_TEST

static Suite *suite(void)
{
        Suite *s = suite_create("diff");
        TCase *tc = tcase_create("diff");
        tcase_add_test(tc, statuses);
        tcase_add_test(tc, invalid_setting_is_error_row);
        tcase_add_test(tc, snapshot_parsing);
        tcase_add_test(tc, patterns_expand_against_the_target);
        suite_add_tcase(s, tc);
        return s;
}

TEST_MAIN(suite)
