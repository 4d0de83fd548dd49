/* SPDX-License-Identifier: MIT */
/* The transaction engine on a fake root: commit, idempotence, every failure path, recovery,
 * coupled-key order, rollback planning, and symlinks. */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "fault.h"
#include "state.h"
#include "sysroot.h"
#include "testutil.h"
#include "txn.h"
#include "util.h"

struct fix {
        char *dir;
        struct sysroot *sr;
        struct state *st;
};

static void setup(struct fix *x)
{
        x->dir = make_tmpdir();
        write_file(x->dir, "proc/sys/kernel/osrelease", "6.1.0\n");
        write_file(x->dir, "proc/sys/net/ipv4/tcp_fin_timeout", "60\n");
        write_file(x->dir, "proc/sys/net/ipv4/tcp_keepalive_time", "7200\n");
        write_file(x->dir, "proc/sys/net/ipv4/ip_local_port_range", "32768\t60999\n");
        write_file(x->dir, "proc/sys/net/ipv4/ip_unprivileged_port_start", "1024\n");
        write_file(x->dir, "proc/sys/net/core/somaxconn", "4096\n");
        ck_assert_int_eq(sysroot_new(x->dir, &x->sr), 0);
        ck_assert_int_eq(state_open(x->sr, NULL, true, &x->st, NULL), 0);
        ck_assert_int_eq(state_lock(x->st, 0, NULL), 0);
        fault_reset();
        unsetenv("TWTUNE_FAULT");
}

static void teardown(struct fix *x)
{
        unsetenv("TWTUNE_FAULT");
        state_free(x->st);
        sysroot_free(x->sr);
        rm_rf(x->dir);
        free(x->dir);
}

static char *val(struct fix *x, const char *key)
{
        char *v = NULL;
        ck_assert_int_eq(sysroot_read_sysctl(x->sr, key, &v), 0);
        return v;
}

static void expect_val(struct fix *x, const char *key, const char *want)
{
        char *v = val(x, key);
        ck_assert_msg(strcmp(v, want) == 0, "%s is '%s', expected '%s'", key, v, want);
        free(v);
}

static bool file_exists(struct fix *x, const char *rel)
{
        char *p;
        struct stat s;
        ck_assert_int_ge(asprintf(&p, "%s/%s", x->dir, rel), 0);
        bool r = lstat(p, &s) == 0;
        free(p);
        return r;
}

static struct txn *plan(struct fix *x, const char *text)
{
        struct findings f = {0};
        struct profile *p = NULL;
        ck_assert_int_eq(profile_parse_buffer(text, strlen(text), "p.yaml", NULL, &p, &f), 0);
        struct validate_opts o = {.kernel = KVER(6, 1), .kernel_known = true};
        struct txn *t = NULL;
        ck_assert_int_eq(txn_from_profile(p, &o, x->sr, true, NULL, &t, NULL), 0);
        profile_free(p);
        findings_release(&f);
        return t;
}

static enum txn_result commit(struct fix *x, struct txn *t, struct txn_failure *fail)
{
        enum txn_result res;
        ck_assert_int_eq(txn_commit(x->st, x->sr, t, fail, &res), 0);
        return res;
}

static const char three[] = "name: three\nsysctl:\n"
                            "  net.ipv4.tcp_fin_timeout: 30\n"
                            "  net.ipv4.tcp_keepalive_time: 1200\n"
                            "  net.core.somaxconn: {at_least: 8192}\n"
                            "  net.netfilter.nf_conntrack_max: {value: 1, optional: true}\n";

static void expect_original(struct fix *x)
{
        expect_val(x, "net.ipv4.tcp_fin_timeout", "60");
        expect_val(x, "net.ipv4.tcp_keepalive_time", "7200");
        expect_val(x, "net.core.somaxconn", "4096");
        ck_assert(!file_exists(x, "etc/sysctl.d/99-twtune.conf"));
        ck_assert(!file_exists(x, "var/lib/twtune/journal"));
        ck_assert(!file_exists(x, "var/lib/twtune/generations/1"));
}

START_TEST(commit_and_idempotent)
{
        struct fix x;
        setup(&x);
        struct txn *t = plan(&x, three);
        ck_assert_uint_eq(t->n, 3); /* the absent optional key is left out */
        ck_assert_uint_eq(txn_count_writes(t), 3);
        struct txn_failure fail;
        ck_assert_int_eq(commit(&x, t, &fail), TXN_COMMITTED);
        ck_assert_uint_eq(t->generation, 1);
        expect_val(&x, "net.ipv4.tcp_fin_timeout", "30");
        expect_val(&x, "net.core.somaxconn", "8192");
        ck_assert(!file_exists(&x, "var/lib/twtune/journal"));
        char *path;
        ck_assert_int_ge(asprintf(&path, "%s/etc/sysctl.d/99-twtune.conf", x.dir), 0);
        struct stat s1, s2;
        ck_assert_int_eq(stat(path, &s1), 0);
        ck_assert_int_eq(s1.st_mode & 0777, 0644);
        txn_free(t);

        t = plan(&x, three);
        ck_assert_uint_eq(txn_count_writes(t), 0);
        ck_assert_int_eq(commit(&x, t, &fail), TXN_UNCHANGED);
        ck_assert_int_eq(stat(path, &s2), 0);
        ck_assert(s1.st_ino == s2.st_ino && s1.st_mtim.tv_nsec == s2.st_mtim.tv_nsec && s1.st_mtime == s2.st_mtime);
        ck_assert(!file_exists(&x, "var/lib/twtune/generations/2"));
        txn_free(t);
        free(path);
        teardown(&x);
}
END_TEST

START_TEST(write_failure_rolls_back)
{
        if (!fault_compiled()) /* a build without the hook (the packages): nothing to inject */
                return;
        for (int k = 1; k <= 3; k++) {
                struct fix x;
                setup(&x);
                char spec[32];
                snprintf(spec, sizeof(spec), "fail:write:%d", k);
                setenv("TWTUNE_FAULT", spec, 1);
                struct txn *t = plan(&x, three);
                struct txn_failure fail;
                ck_assert_int_eq(commit(&x, t, &fail), TXN_ROLLED_BACK);
                ck_assert_str_eq(fail.key, t->items[k - 1].key);
                ck_assert_int_eq(fail.error, -EIO);
                ck_assert_uint_eq(fail.n_left, 0);
                expect_original(&x);
                txn_failure_release(&fail);
                txn_free(t);
                teardown(&x);
        }
}
END_TEST

START_TEST(later_failures_roll_back)
{
        if (!fault_compiled()) /* a build without the hook (the packages): nothing to inject */
                return;
        static const char *const specs[] = {"fail:persist:1", "fail:generation:1", "fail:journal:1"};
        for (size_t i = 0; i < 3; i++) {
                struct fix x;
                setup(&x);
                setenv("TWTUNE_FAULT", specs[i], 1);
                struct txn *t = plan(&x, three);
                struct txn_failure fail;
                enum txn_result res;
                int r = txn_commit(x.st, x.sr, t, &fail, &res);
                if (i == 2)
                        ck_assert_int_eq(r, -EIO); /* before any change: nothing to roll back */
                else {
                        ck_assert_int_eq(r, 0);
                        ck_assert_int_eq(res, TXN_ROLLED_BACK);
                        ck_assert_ptr_null(fail.key);
                }
                expect_original(&x);
                txn_failure_release(&fail);
                txn_free(t);
                teardown(&x);
        }
}
END_TEST

START_TEST(restore_failure_keeps_journal)
{
        if (!fault_compiled()) /* a build without the hook (the packages): nothing to inject */
                return;
        struct fix x;
        setup(&x);
        setenv("TWTUNE_FAULT", "fail:write:3,fail:restore:1", 1);
        struct txn *t = plan(&x, three);
        struct txn_failure fail;
        ck_assert_int_eq(commit(&x, t, &fail), TXN_RESTORE_FAILED);
        ck_assert_uint_eq(fail.n_left, 1);
        ck_assert_str_eq(fail.left_changed[0], t->items[1].key); /* restored last first */
        ck_assert(file_exists(&x, "var/lib/twtune/journal"));
        txn_failure_release(&fail);
        txn_free(t);

        /* Later, without the fault, recovery finishes the job. */
        unsetenv("TWTUNE_FAULT");
        enum txn_result res;
        ck_assert_int_eq(txn_recover(x.st, x.sr, &fail, &res), 0);
        ck_assert_int_eq(res, TXN_ROLLED_BACK);
        expect_original(&x);
        ck_assert_int_eq(txn_recover(x.st, x.sr, &fail, &res), 0);
        ck_assert_int_eq(res, TXN_UNCHANGED);
        teardown(&x);
}
END_TEST

START_TEST(recover_after_commit_point)
{
        struct fix x;
        setup(&x);
        struct txn *t = plan(&x, three);
        struct txn_failure fail;
        ck_assert_int_eq(commit(&x, t, &fail), TXN_COMMITTED);
        /* As if killed after the generation was recorded but before the journal went away. */
        struct record *g;
        ck_assert_int_eq(state_generation_read(x.st, 1, &g), 0);
        g->is_journal = true;
        ck_assert_int_eq(state_journal_write(x.st, g), 0);
        record_free(g);
        enum txn_result res;
        ck_assert_int_eq(txn_recover(x.st, x.sr, &fail, &res), 0);
        ck_assert_int_eq(res, TXN_COMMITTED);
        expect_val(&x, "net.ipv4.tcp_fin_timeout", "30"); /* kept: it was committed */
        ck_assert(!file_exists(&x, "var/lib/twtune/journal"));
        txn_free(t);
        teardown(&x);
}
END_TEST

static size_t index_of(const struct txn *t, const char *key)
{
        for (size_t i = 0; i < t->n; i++)
                if (strcmp(t->items[i].key, key) == 0)
                        return i;
        ck_abort_msg("no %s", key);
        return 0;
}

START_TEST(coupled_keys_ordered)
{
        struct fix x;
        setup(&x);
        /* Raising the unprivileged start above the current range: the range moves first. */
        struct txn *t = plan(&x, "sysctl:\n  net.ipv4.ip_unprivileged_port_start: 40000\n"
                                 "  net.ipv4.ip_local_port_range: [40000, 50001]\n");
        ck_assert_uint_lt(index_of(t, "net.ipv4.ip_local_port_range"), index_of(t, "net.ipv4.ip_unprivileged_port_start"));
        txn_free(t);
        /* Lowering it to widen the range downwards: the start moves first. */
        t = plan(&x, "sysctl:\n  net.ipv4.ip_local_port_range: [600, 60999]\n"
                     "  net.ipv4.ip_unprivileged_port_start: 500\n");
        ck_assert_uint_lt(index_of(t, "net.ipv4.ip_unprivileged_port_start"), index_of(t, "net.ipv4.ip_local_port_range"));
        /* The file keeps the same order, for boot. */
        const char *u = strstr(t->body, "ip_unprivileged_port_start"), *r = strstr(t->body, "ip_local_port_range");
        ck_assert(u && r && u < r);
        txn_free(t);
        teardown(&x);
}
END_TEST

START_TEST(rollback_plans)
{
        struct fix x;
        setup(&x);
        struct txn_failure fail;
        struct txn *t = plan(&x, "name: a\nsysctl:\n  net.ipv4.tcp_fin_timeout: 30\n");
        ck_assert_int_eq(commit(&x, t, &fail), TXN_COMMITTED);
        txn_free(t);
        char *file1 = NULL;
        size_t len1;
        char *p;
        ck_assert_int_ge(asprintf(&p, "%s/etc/sysctl.d/99-twtune.conf", x.dir), 0);
        ck_assert_int_eq(read_file_at(AT_FDCWD, p, 1 << 20, &file1, &len1), 0);
        t = plan(&x, "name: b\nsysctl:\n  net.ipv4.tcp_fin_timeout: 20\n  net.ipv4.tcp_keepalive_time: 600\n");
        ck_assert_int_eq(commit(&x, t, &fail), TXN_COMMITTED);
        txn_free(t);

        /* Back to 1: fin_timeout as in 1, keepalive as before 2 touched it, file as in 1. */
        ck_assert_int_eq(txn_from_generation(x.st, x.sr, 1, &t, NULL), 0);
        ck_assert_int_eq(commit(&x, t, &fail), TXN_COMMITTED);
        ck_assert_uint_eq(t->generation, 3);
        expect_val(&x, "net.ipv4.tcp_fin_timeout", "30");
        expect_val(&x, "net.ipv4.tcp_keepalive_time", "7200");
        char *now;
        size_t len;
        ck_assert_int_eq(read_file_at(AT_FDCWD, p, 1 << 20, &now, &len), 0);
        ck_assert_uint_eq(len, len1);
        ck_assert_mem_eq(now, file1, len); /* byte for byte */
        free(now);
        txn_free(t);

        /* Back to 0: everything as before twtune, and no file. */
        ck_assert_int_eq(txn_from_generation(x.st, x.sr, 0, &t, NULL), 0);
        ck_assert_int_eq(commit(&x, t, &fail), TXN_COMMITTED);
        expect_val(&x, "net.ipv4.tcp_fin_timeout", "60");
        expect_val(&x, "net.ipv4.tcp_keepalive_time", "7200");
        ck_assert(!file_exists(&x, "etc/sysctl.d/99-twtune.conf"));
        txn_free(t);
        ck_assert_int_eq(txn_from_generation(x.st, x.sr, 9, &t, NULL), -ENOENT);
        free(file1);
        free(p);
        teardown(&x);
}
END_TEST

START_TEST(propagated_keys_restored)
{
        if (!fault_compiled()) /* a build without the hook (the packages): nothing to inject */
                return;
        /* conf.all.forwarding rewrites every interface's forwarding: undo and rollback must give
         * each its own value back, after the key that propagated. */
        struct fix x;
        setup(&x);
        write_file(x.dir, "proc/sys/net/ipv4/ip_forward", "0\n");
        const char *ifs[] = {"all", "default", "eth0", "eth1.100"};
        for (size_t i = 0; i < 4; i++) {
                char *rel;
                ck_assert_int_ge(asprintf(&rel, "proc/sys/net/ipv4/conf/%s/forwarding", ifs[i]), 0);
                write_file(x.dir, rel, i == 3 ? "1\n" : "0\n");
                free(rel);
        }
        const char *prof = "name: f\nsysctl:\n  net.ipv4.tcp_fin_timeout: 30\n  net.ipv4.conf.all.forwarding: 1\n";
        struct txn *t = plan(&x, prof);
        ck_assert_str_eq(t->items[0].key, "net.ipv4.conf.all.forwarding"); /* propagating keys first */
        size_t deps = 0;
        for (size_t i = 0; i < t->n; i++)
                deps += t->items[i].dependent;
        ck_assert_uint_eq(deps, 4); /* ip_forward, default, eth0, eth1.100 (all is the key itself) */
        ck_assert_uint_eq(txn_count_writes(t), 2); /* twtune writes the key; the kernel the rest */
        ck_assert_ptr_null(strstr(t->body, "eth0")); /* dependents are not persisted */
        struct txn_failure fail;
        ck_assert_int_eq(commit(&x, t, &fail), TXN_COMMITTED);
        txn_free(t);
        /* What the kernel would have done; a fake tree does not propagate. */
        for (size_t i = 0; i < 4; i++) {
                char *rel;
                ck_assert_int_ge(asprintf(&rel, "proc/sys/net/ipv4/conf/%s/forwarding", ifs[i]), 0);
                write_file(x.dir, rel, "1\n");
                free(rel);
        }
        write_file(x.dir, "proc/sys/net/ipv4/ip_forward", "1\n");

        ck_assert_int_eq(txn_from_generation(x.st, x.sr, 0, &t, NULL), 0);
        ck_assert_str_eq(t->items[0].key, "net.ipv4.conf.all.forwarding");
        ck_assert_int_eq(commit(&x, t, &fail), TXN_COMMITTED);
        txn_free(t);
        expect_val(&x, "net.ipv4.conf.all.forwarding", "0");
        expect_val(&x, "net.ipv4.conf.eth0.forwarding", "0");
        expect_val(&x, "net.ipv4.conf.eth1/100.forwarding", "1");
        expect_val(&x, "net.ipv4.ip_forward", "0");

        /* A failure after the writes undoes the dependents too (the real kernel's propagation is
         * in tests/cli/t_hardening.sh). */
        t = plan(&x, prof);
        fault_reset();
        setenv("TWTUNE_FAULT", "fail:persist:1", 1);
        write_file(x.dir, "proc/sys/net/ipv4/conf/eth1.100/forwarding", "0\n"); /* as if propagated */
        ck_assert_int_eq(commit(&x, t, &fail), TXN_ROLLED_BACK);
        txn_failure_release(&fail);
        txn_free(t);
        expect_val(&x, "net.ipv4.conf.eth0.forwarding", "0");
        expect_val(&x, "net.ipv4.conf.eth1/100.forwarding", "1");
        teardown(&x);
}
END_TEST

START_TEST(rollback_fails_on_unreadable_key)
{
        /* A key that cannot be read is never skipped: rollback would report success and leave it. */
        struct fix x;
        setup(&x);
        struct txn_failure fail;
        struct txn *t = plan(&x, "name: a\nsysctl:\n  net.ipv4.tcp_fin_timeout: 30\n  net.core.somaxconn: 1024\n");
        ck_assert_int_eq(commit(&x, t, &fail), TXN_COMMITTED);
        txn_free(t);
        char *path;
        ck_assert_int_ge(asprintf(&path, "%s/proc/sys/net/core/somaxconn", x.dir), 0);
        ck_assert_int_eq(unlink(path), 0);
        ck_assert_int_eq(mkdir(path, 0755), 0); /* reads now fail with EISDIR */
        char *key = NULL;
        t = NULL;
        ck_assert_int_eq(txn_from_generation(x.st, x.sr, 0, &t, &key), -EISDIR);
        ck_assert_ptr_null(t);
        ck_assert_str_eq(key, "net.core.somaxconn");
        free(key);
        expect_val(&x, "net.ipv4.tcp_fin_timeout", "30"); /* nothing was changed */
        free(path);
        teardown(&x);
}
END_TEST

START_TEST(failed_record_leaves_no_generation)
{
        if (!fault_compiled()) /* a build without the hook (the packages): nothing to inject */
                return;
        /* The record is in place but its directory fsync failed: the rollback removes it, so
         * history never lists a generation that was undone. */
        struct fix x;
        setup(&x);
        struct txn *t = plan(&x, three);
        struct txn_failure fail;
        setenv("TWTUNE_FAULT", "fail:recorded:1", 1);
        ck_assert_int_eq(commit(&x, t, &fail), TXN_ROLLED_BACK);
        txn_failure_release(&fail);
        txn_free(t);
        expect_val(&x, "net.ipv4.tcp_fin_timeout", "60");
        ck_assert(!file_exists(&x, "var/lib/twtune/generations/1"));
        ck_assert(!file_exists(&x, "var/lib/twtune/journal"));
        ck_assert(!file_exists(&x, "etc/sysctl.d/99-twtune.conf"));
        teardown(&x);
}
END_TEST

START_TEST(rollback_restores_file_mode_and_owner)
{
        struct fix x;
        setup(&x);
        write_file(x.dir, "etc/sysctl.d/99-twtune.conf", "# by hand\nnet.ipv4.tcp_fin_timeout = 50\n");
        char *path;
        ck_assert_int_ge(asprintf(&path, "%s/etc/sysctl.d/99-twtune.conf", x.dir), 0);
        ck_assert_int_eq(chmod(path, 0640), 0);
        bool root = geteuid() == 0;
        if (root)
                ck_assert_int_eq(chown(path, 1234, 4321), 0);
        struct txn_failure fail;
        struct txn *t = plan(&x, three);
        ck_assert_int_eq(commit(&x, t, &fail), TXN_COMMITTED);
        txn_free(t);
        struct stat st;
        ck_assert_int_eq(stat(path, &st), 0);
        ck_assert_uint_eq(st.st_mode & 07777, 0644);
        ck_assert_int_eq(txn_from_generation(x.st, x.sr, 0, &t, NULL), 0);
        ck_assert_int_eq(commit(&x, t, &fail), TXN_COMMITTED);
        txn_free(t);
        ck_assert_int_eq(stat(path, &st), 0);
        ck_assert_uint_eq(st.st_mode & 07777, 0640);
        if (root) {
                ck_assert_uint_eq(st.st_uid, 1234);
                ck_assert_uint_eq(st.st_gid, 4321);
        }
        free(path);
        teardown(&x);
}
END_TEST

START_TEST(write_only_keys)
{
        /* route.flush cannot be read: written along with the other writes, never read back,
         * compared or restored, and never a reason to apply again. */
        struct fix x;
        setup(&x);
        write_file(x.dir, "proc/sys/net/ipv4/route/flush", "\n");
        const char *prof = "name: w\nsysctl:\n  net.ipv4.tcp_fin_timeout: 30\n  net.ipv4.route.flush: 1\n";
        struct txn *t = plan(&x, prof);
        ck_assert_uint_eq(txn_count_writes(t), 2);
        ck_assert(t->items[1].write_only);
        ck_assert_ptr_nonnull(strstr(t->body, "net.ipv4.route.flush = 1"));
        struct txn_failure fail;
        ck_assert_int_eq(commit(&x, t, &fail), TXN_COMMITTED);
        txn_free(t);
        expect_val(&x, "net.ipv4.route.flush", "1");
        write_file(x.dir, "proc/sys/net/ipv4/route/flush", "\n"); /* a flush leaves nothing to read */
        t = plan(&x, prof);
        ck_assert_uint_eq(txn_count_writes(t), 0); /* nothing else changes: no flush either */
        ck_assert_int_eq(commit(&x, t, &fail), TXN_UNCHANGED);
        txn_free(t);
        ck_assert_int_eq(txn_from_generation(x.st, x.sr, 0, &t, NULL), 0);
        for (size_t i = 0; i < t->n; i++)
                ck_assert_str_ne(t->items[i].key, "net.ipv4.route.flush"); /* nothing to go back to */
        ck_assert_int_eq(commit(&x, t, &fail), TXN_COMMITTED);
        txn_free(t);
        expect_val(&x, "net.ipv4.tcp_fin_timeout", "60");
        teardown(&x);
}
END_TEST

START_TEST(symlinks_not_followed)
{
        struct fix x;
        setup(&x);
        write_file(x.dir, "victim", "precious\n");
        write_file(x.dir, "etc/sysctl.d/.keep", "");
        char *victim, *link;
        ck_assert_int_ge(asprintf(&victim, "%s/victim", x.dir), 0);
        /* At the temporary path: removed and replaced, the victim untouched. */
        ck_assert_int_ge(asprintf(&link, "%s/etc/sysctl.d/.99-twtune.conf.tmp", x.dir), 0);
        ck_assert_int_eq(symlink(victim, link), 0);
        struct txn *t = plan(&x, three);
        struct txn_failure fail;
        ck_assert_int_eq(commit(&x, t, &fail), TXN_COMMITTED);
        txn_free(t);
        free(link);
        char *v;
        ck_assert_int_eq(read_file_at(AT_FDCWD, victim, 100, &v, NULL), 0);
        ck_assert_str_eq(v, "precious\n");
        free(v);

        /* At the file itself: refused before anything changes. */
        ck_assert_int_ge(asprintf(&link, "%s/etc/sysctl.d/99-twtune.conf", x.dir), 0);
        ck_assert_int_eq(unlink(link), 0);
        ck_assert_int_eq(symlink(victim, link), 0);
        t = plan(&x, "sysctl:\n  net.ipv4.tcp_fin_timeout: 45\n");
        enum txn_result res;
        ck_assert_int_eq(txn_commit(x.st, x.sr, t, &fail, &res), -ELOOP);
        expect_val(&x, "net.ipv4.tcp_fin_timeout", "30");
        ck_assert_int_eq(read_file_at(AT_FDCWD, victim, 100, &v, NULL), 0);
        ck_assert_str_eq(v, "precious\n");
        free(v);
        txn_failure_release(&fail);
        txn_free(t);
        free(link);
        free(victim);
        teardown(&x);
}
END_TEST

static Suite *suite(void)
{
        Suite *s = suite_create("txn");
        TCase *tc = tcase_create("txn");
        tcase_add_test(tc, commit_and_idempotent);
        tcase_add_test(tc, write_failure_rolls_back);
        tcase_add_test(tc, later_failures_roll_back);
        tcase_add_test(tc, restore_failure_keeps_journal);
        tcase_add_test(tc, recover_after_commit_point);
        tcase_add_test(tc, coupled_keys_ordered);
        tcase_add_test(tc, rollback_plans);
        tcase_add_test(tc, symlinks_not_followed);
        tcase_add_test(tc, propagated_keys_restored);
        tcase_add_test(tc, rollback_fails_on_unreadable_key);
        tcase_add_test(tc, failed_record_leaves_no_generation);
        tcase_add_test(tc, rollback_restores_file_mode_and_owner);
        tcase_add_test(tc, write_only_keys);
        suite_add_tcase(s, tc);
        return s;
}

TEST_MAIN(suite)
