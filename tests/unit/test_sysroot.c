/* The system-root layer on a fake tree: reads, absence, and no escape through symlinks. */
#include <errno.h>

#include "sysroot.h"
#include "target.h"
#include "testutil.h"

START_TEST(reads_below_root)
{
        char *d = make_tmpdir();
        write_file(d, "proc/sys/kernel/osrelease", "5.10.0-28-amd64\n");
        write_file(d, "proc/sys/net/ipv4/ip_local_port_range", "32768\t60999\n");
        write_file(d, "proc/sys/net/ipv4/conf/eth0.100/rp_filter", "1\n");
        struct sysroot *sr;
        ck_assert_int_eq(sysroot_new(d, &sr), 0);
        ck_assert_str_eq(sysroot_path(sr), d);
        char *v;
        ck_assert_int_eq(sysroot_read_sysctl(sr, "net.ipv4.ip_local_port_range", &v), 0);
        ck_assert_str_eq(v, "32768\t60999");
        free(v);
        ck_assert_int_eq(sysroot_read_sysctl(sr, "net.ipv4.conf.eth0/100.rp_filter", &v), 0);
        ck_assert_str_eq(v, "1");
        free(v);
        ck_assert_int_eq(sysroot_read_sysctl(sr, "net.ipv4.tcp_tw_recycle", &v), -ENOENT);
        ck_assert_int_eq(sysroot_read_sysctl(sr, "net.ipv4", &v), -EISDIR);
        /* A live target takes its kernel from the root's kernel.osrelease. */
        struct target *t;
        struct kver k;
        ck_assert_int_eq(target_new_live(sr, &t), 0);
        ck_assert_int_eq(target_kernel(t, &k), 0);
        ck_assert_int_eq(kver_cmp(k, KVER(5, 10)), 0);
        ck_assert(!target_is_snapshot(t));
        target_free(t);
        sysroot_free(sr);
        rm_rf(d);
        free(d);
}
END_TEST

START_TEST(symlinks_not_followed)
{
        char *d = make_tmpdir();
        write_file(d, "secret", "do not read\n");
        write_file(d, "proc/sys/net/core/somaxconn", "4096\n");
        char *link, *target;
        ck_assert_int_ge(asprintf(&link, "%s/proc/sys/net/core/evil", d), 0);
        ck_assert_int_ge(asprintf(&target, "%s/secret", d), 0);
        ck_assert_int_eq(symlink(target, link), 0);
        free(link);
        ck_assert_int_ge(asprintf(&link, "%s/proc/sys/net/ipv6", d), 0);
        ck_assert_int_eq(symlink("../../..", link), 0);
        struct sysroot *sr;
        ck_assert_int_eq(sysroot_new(d, &sr), 0);
        char *v = NULL;
        ck_assert_int_lt(sysroot_read_sysctl(sr, "net.core.evil", &v), 0);
        ck_assert_ptr_null(v);
        ck_assert_int_lt(sysroot_read_sysctl(sr, "net.ipv6.secret", &v), 0);
        ck_assert_ptr_null(v);
        sysroot_free(sr);
        free(link);
        free(target);
        rm_rf(d);
        free(d);
}
END_TEST

START_TEST(bad_roots)
{
        struct sysroot *sr = NULL;
        ck_assert_int_eq(sysroot_new("/nonexistent-twtune-root", &sr), -ENOENT);
        ck_assert_int_eq(sysroot_new("/etc/hostname", &sr), -ENOTDIR);
        ck_assert_ptr_null(sr);
        /* A root without proc/sys: every read fails cleanly. */
        char *d = make_tmpdir();
        ck_assert_int_eq(sysroot_new(d, &sr), 0);
        char *v;
        ck_assert_int_eq(sysroot_read_sysctl(sr, "net.core.somaxconn", &v), -ENOENT);
        sysroot_free(sr);
        sysroot_free(NULL);
        rm_rf(d);
        free(d);
}
END_TEST

static Suite *suite(void)
{
        Suite *s = suite_create("sysroot");
        TCase *tc = tcase_create("sysroot");
        tcase_add_test(tc, reads_below_root);
        tcase_add_test(tc, symlinks_not_followed);
        tcase_add_test(tc, bad_roots);
        suite_add_tcase(s, tc);
        return s;
}

TEST_MAIN(suite)
