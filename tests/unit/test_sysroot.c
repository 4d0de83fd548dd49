/* SPDX-License-Identifier: MIT */
/* The system-root layer on a fake tree: reads, absence, and no escape through symlinks. */
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

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

/* Makes openat2 fail with err in this process (Check runs each test in a child of its own), as
 * a kernel before 5.6 (ENOSYS) or an old container seccomp filter (EPERM) does. */
static void refuse_openat2(int err)
{
        struct sock_filter f[] = {
                BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
                BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_openat2, 0, 1),
                BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ((unsigned)err & SECCOMP_RET_DATA)),
                BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        };
        struct sock_fprog prog = {.len = sizeof(f) / sizeof(f[0]), .filter = f};
        ck_assert_int_eq(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), 0);
        ck_assert_int_eq(prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog), 0);
}

/* What sysroot_open_config(path) reads, or NULL when it cannot open it (*ret_err). */
static char *config_text(struct sysroot *sr, const char *path, int *ret_err)
{
        int fd = sysroot_open_config(sr, path, O_RDONLY);
        *ret_err = fd < 0 ? fd : 0;
        if (fd < 0)
                return NULL;
        char buf[64] = {0};
        ssize_t n = read(fd, buf, sizeof(buf) - 1);
        close(fd);
        return n >= 0 ? strdup(buf) : NULL;
}

/* Without openat2, configuration paths still resolve as if the root were "/": links inside it
 * are followed inside it, and none leads out (issue 20: boot printed a host file). */
START_TEST(config_in_root_without_openat2)
{
        char *d = make_tmpdir(), *outside = NULL, *p = NULL;
        write_file(d, "secret", "password = hunter2\n");
        write_file(d, "root/opt/real.conf", "real\n");
        write_file(d, "root/etc/sysctl.d/00-keep", "");
        ck_assert_int_ge(asprintf(&outside, "%s/secret", d), 0);
        static const struct {
                const char *name, *target;
        } links[] = {{"abs.conf", NULL}, {"rel.conf", "../../../../../../../../../../.."}, {"in.conf", "/opt/real.conf"},
                     {"up.conf", "../../opt/../../../opt/real.conf"}, {"dir", "/opt"}, {"loop", "loop"}};
        for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
                char *t = NULL;
                ck_assert_int_ge(asprintf(&p, "%s/root/etc/sysctl.d/%s", d, links[i].name), 0);
                ck_assert_int_ge(asprintf(&t, "%s%s", links[i].target ? links[i].target : "",
                                          links[i].target && strcmp(links[i].target, "../../../../../../../../../../..") ? "" : outside),
                                 0);
                ck_assert_int_eq(symlink(t, p), 0);
                free(t);
                free(p);
        }
        refuse_openat2(_i ? EPERM : ENOSYS);
        ck_assert_int_ge(asprintf(&p, "%s/root", d), 0);
        struct sysroot *sr;
        ck_assert_int_eq(sysroot_new(p, &sr), 0);
        int err;
        char *v;
        static const char *const out[] = {"/etc/sysctl.d/abs.conf", "/etc/sysctl.d/rel.conf"};
        for (size_t i = 0; i < 2; i++) {
                v = config_text(sr, out[i], &err);
                ck_assert_msg(!v || !strstr(v, "hunter2"), "%s read the file outside the root", out[i]);
                ck_assert_int_eq(err, -ENOENT); /* <root>/<d>/secret, which does not exist */
                free(v);
        }
        static const char *const in[] = {"/etc/sysctl.d/in.conf", "/etc/sysctl.d/up.conf", "/etc/sysctl.d/dir/real.conf",
                                         "etc//sysctl.d/./../sysctl.d/in.conf"};
        for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
                v = config_text(sr, in[i], &err);
                ck_assert_msg(v && strcmp(v, "real\n") == 0, "%s: %d", in[i], err);
                free(v);
        }
        ck_assert_ptr_null(config_text(sr, "/etc/sysctl.d/loop", &err));
        ck_assert_int_eq(err, -ELOOP);
        int fd = sysroot_open_config(sr, "/etc/sysctl.d", O_RDONLY | O_DIRECTORY);
        ck_assert_int_ge(fd, 0);
        close(fd);
        sysroot_free(sr);
        free(p);
        free(outside);
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

/* The read cache answers each key from its first read (value, absence, mode, mount), the same as
 * the uncached calls, until a write through the root turns it off; turning it on again empties it. */
START_TEST(read_cache)
{
        char *d = make_tmpdir();
        write_file(d, "proc/sys/net/ipv4/tcp_syncookies", "1\n");
        write_file(d, "proc/sys/net/core/somaxconn", "4096\n");
        struct sysroot *sr;
        ck_assert_int_eq(sysroot_new(d, &sr), 0);
        char *v, *path;
        unsigned mode, mode2;
        bool ro, ro2;
        /* Uncached first, as the oracle for the cached answers. */
        ck_assert_int_eq(sysroot_sysctl_mode(sr, "net.ipv4.tcp_syncookies", &mode), 0);
        ck_assert_int_eq(sysroot_sysctl_readonly_mount(sr, "net.ipv4.tcp_syncookies", &ro), 0);
        sysroot_cache(sr, true);
        ck_assert_int_eq(sysroot_sysctl_mode(sr, "net.ipv4.tcp_syncookies", &mode2), 0);
        ck_assert_uint_eq(mode, mode2);
        ck_assert_int_eq(sysroot_sysctl_readonly_mount(sr, "net.ipv4.tcp_syncookies", &ro2), 0);
        ck_assert(ro == ro2);
        ck_assert_int_eq(sysroot_read_sysctl(sr, "net.ipv4.tcp_syncookies", &v), 0);
        ck_assert_str_eq(v, "1");
        free(v);
        ck_assert_int_eq(sysroot_read_sysctl(sr, "net.ipv4.tcp_fin_timeout", &v), -ENOENT);
        ck_assert_int_eq(sysroot_sysctl_mode(sr, "net.ipv4.tcp_fin_timeout", &mode2), -ENOENT);
        ck_assert_int_eq(sysroot_read_sysctl(sr, "net.ipv4", &v), -EISDIR);
        /* Changed behind its back: the cache still answers what it read. */
        write_file(d, "proc/sys/net/ipv4/tcp_syncookies", "2\n");
        write_file(d, "proc/sys/net/ipv4/tcp_fin_timeout", "60\n");
        ck_assert_int_eq(sysroot_read_sysctl(sr, "net.ipv4.tcp_syncookies", &v), 0);
        ck_assert_str_eq(v, "1");
        free(v);
        ck_assert_int_eq(sysroot_read_sysctl(sr, "net.ipv4.tcp_fin_timeout", &v), -ENOENT);
        /* Existence, from what the cache read: the key made since is still absent to it. */
        ck_assert_int_eq(sysroot_sysctl_exists(sr, "net.ipv4.tcp_syncookies"), 1);
        ck_assert_int_eq(sysroot_sysctl_exists(sr, "net.ipv4.tcp_fin_timeout"), 0);
        ck_assert_int_eq(sysroot_sysctl_exists(sr, "net.core.somaxconn"), 1); /* not cached: asked */
        ck_assert_int_eq(sysroot_sysctl_exists(sr, "net.core.nonexistent"), 0);
        /* Turned on again: emptied. */
        sysroot_cache(sr, true);
        ck_assert_int_eq(sysroot_read_sysctl(sr, "net.ipv4.tcp_syncookies", &v), 0);
        ck_assert_str_eq(v, "2");
        free(v);
        /* A write (of any key: the kernel propagates some) turns it off: reads are the kernel's. */
        ck_assert_int_eq(sysroot_write_sysctl(sr, "net.core.somaxconn", "8192"), 0);
        write_file(d, "proc/sys/net/ipv4/tcp_syncookies", "0\n");
        ck_assert_int_eq(sysroot_read_sysctl(sr, "net.ipv4.tcp_syncookies", &v), 0);
        ck_assert_str_eq(v, "0");
        free(v);
        ck_assert_int_eq(sysroot_read_sysctl(sr, "net.core.somaxconn", &v), 0);
        ck_assert_str_eq(v, "8192");
        free(v);
        ck_assert_int_ge(asprintf(&path, "%s/proc/sys/net/ipv4/tcp_syncookies", d), 0);
        ck_assert_int_eq(chmod(path, 0200), 0); /* write-only: read refused, mode still known */
        free(path);
        sysroot_cache(sr, true);
        if (geteuid() != 0) { /* root reads a 0200 file of a fake tree anyway */
                ck_assert_int_eq(sysroot_read_sysctl(sr, "net.ipv4.tcp_syncookies", &v), -EACCES);
        }
        ck_assert_int_eq(sysroot_sysctl_mode(sr, "net.ipv4.tcp_syncookies", &mode2), 0);
        ck_assert_uint_eq(mode2, 0200);
        sysroot_free(sr); /* with the cache on: freed with it */
        rm_rf(d);
        free(d);
}
END_TEST

START_TEST(keys_must_be_normal)
{
        /* The one layer every access goes through refuses what a forged record might carry. */
        char *d = make_tmpdir();
        write_file(d, "proc/sys/net/ipv4/tcp_fin_timeout", "60\n");
        write_file(d, "victim", "safe\n");
        struct sysroot *sr;
        ck_assert_int_eq(sysroot_new(d, &sr), 0);
        char *v = NULL;
        static const char *const bad[] = {"net/ipv4/tcp_fin_timeout", "../../victim", "//.//.//.victim", "net..x", "/victim"};
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                ck_assert_int_eq(sysroot_read_sysctl(sr, bad[i], &v), -EINVAL);
                ck_assert_int_eq(sysroot_write_sysctl(sr, bad[i], "x"), -EINVAL);
        }
        ck_assert_int_eq(sysroot_read_sysctl(sr, "net.ipv4.tcp_fin_timeout", &v), 0);
        free(v);
        sysroot_free(sr);
        rm_rf(d);
        free(d);
}
END_TEST

START_TEST(patterns_expand)
{
        char *d = make_tmpdir();
        const char *ifs[] = {"all", "default", "eth0.100", "lo"};
        for (size_t i = 0; i < 4; i++) {
                char *rel;
                ck_assert_int_ge(asprintf(&rel, "proc/sys/net/ipv4/conf/%s/rp_filter", ifs[i]), 0);
                write_file(d, rel, "1\n");
                free(rel);
        }
        write_file(d, "proc/sys/net/ipv4/conf/eth9/other", "1\n");
        struct sysroot *sr;
        ck_assert_int_eq(sysroot_new(d, &sr), 0);
        char **keys;
        size_t n;
        ck_assert_int_eq(sysroot_expand(sr, "net.ipv4.conf.*.rp_filter", &keys, &n), 0);
        ck_assert_uint_eq(n, 4);
        ck_assert_str_eq(keys[0], "net.ipv4.conf.all.rp_filter");
        ck_assert_str_eq(keys[1], "net.ipv4.conf.default.rp_filter");
        ck_assert_str_eq(keys[2], "net.ipv4.conf.eth0/100.rp_filter"); /* the dot of a VLAN name */
        ck_assert_str_eq(keys[3], "net.ipv4.conf.lo.rp_filter");
        ck_assert_ptr_null(keys[4]);
        for (size_t i = 0; i < n; i++)
                free(keys[i]);
        free(keys);
        ck_assert_int_eq(sysroot_expand(sr, "net.ipv4.conf.e*.rp_*", &keys, &n), 0);
        ck_assert_uint_eq(n, 1);
        free(keys[0]);
        free(keys);
        ck_assert_int_eq(sysroot_expand(sr, "net.ipv6.conf.*.forwarding", &keys, &n), 0);
        ck_assert_uint_eq(n, 0);
        free(keys);
        sysroot_free(sr);
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
        tcase_add_loop_test(tc, config_in_root_without_openat2, 0, 2); /* ENOSYS, EPERM */
        tcase_add_test(tc, keys_must_be_normal);
        tcase_add_test(tc, read_cache);
        tcase_add_test(tc, patterns_expand);
        suite_add_tcase(s, tc);
        return s;
}

TEST_MAIN(suite)
