/* SPDX-License-Identifier: MIT */
/* SHA-256, state records (round trip, damage detection), generations and the lock. */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "sha256.h"
#include "state.h"
#include "sysroot.h"
#include "testutil.h"

START_TEST(sha256_vectors)
{
        /* FIPS 180-4 examples, and a message that needs a second padding block. */
        char hex[65];
        sha256_hex("", 0, hex);
        ck_assert_str_eq(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        sha256_hex("abc", 3, hex);
        ck_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
        sha256_hex(m, strlen(m), hex);
        ck_assert_str_eq(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
        char *big = malloc(1000000);
        memset(big, 'a', 1000000);
        sha256_hex(big, 1000000, hex);
        ck_assert_str_eq(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
        free(big);
}
END_TEST

/* Where the CPU has the SHA extensions, they and the portable rounds agree on every length
 * around the block boundaries and on a long message (elsewhere both calls are portable). */
START_TEST(sha256_paths_agree)
{
        unsigned char buf[4096];
        unsigned seed = 20261207;
        for (size_t i = 0; i < sizeof(buf); i++) {
                seed = seed * 1103515245u + 12345u;
                buf[i] = (unsigned char)(seed >> 16);
        }
        char a[65], b[65];
        for (size_t len = 0; len <= sizeof(buf); len += len < 300 ? 1 : 61) {
                sha256_portable(true);
                sha256_hex(buf, len, a);
                sha256_portable(false);
                sha256_hex(buf, len, b);
                ck_assert_msg(strcmp(a, b) == 0, "length %zu: portable %s, fast %s", len, a, b);
        }
        sha256_portable(true); /* and the vectors once more on the portable rounds */
        sha256_hex("abc", 3, a);
        sha256_portable(false);
        ck_assert_str_eq(a, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}
END_TEST

static struct state *open_state(const char *dir, struct sysroot **sr)
{
        struct state *st = NULL;
        ck_assert_int_eq(sysroot_new(dir, sr), 0);
        ck_assert_int_eq(state_open(*sr, NULL, false, &st, NULL), -ENOENT);
        ck_assert_int_eq(state_open(*sr, NULL, true, &st, NULL), 0);
        return st;
}

/* The end of a test: the state, the root and the temporary tree. */
static void close_state(struct state *st, struct sysroot *sr, char *d)
{
        state_free(st);
        sysroot_free(sr);
        rm_rf(d);
        free(d);
}

static struct record *sample(void)
{
        struct record *r = calloc(1, sizeof(*r));
        r->is_journal = true;
        r->generation = 7;
        r->time = 1700000000;
        r->profile = strdup("web\tserver\nx"); /* flattened to one line */
        r->hash = strdup("2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881");
        r->persist = true;
        r->file_before_present = true;
        r->file_before = strdup("old = 1\n\x01\xff");
        r->file_before_len = strlen(r->file_before);
        r->file_present = false;
        ck_assert_int_eq(record_add_key(r, "net.ipv4.ip_local_port_range", "32768 60999", "1024 65535", true), 0);
        ck_assert_int_eq(record_add_key(r, "net.ipv4.ip_local_reserved_ports", "", "8080", false), 0);
        return r;
}

START_TEST(record_round_trip)
{
        char *d = make_tmpdir();
        struct sysroot *sr;
        struct state *st = open_state(d, &sr);
        struct record *r = sample(), *back = NULL;
        ck_assert_int_eq(state_journal_read(st, &back), -ENOENT);
        ck_assert_int_eq(state_journal_write(st, r), 0);
        ck_assert_int_eq(state_journal_read(st, &back), 0);
        ck_assert(back->is_journal);
        ck_assert_uint_eq(back->generation, 7);
        ck_assert_int_eq(back->time, 1700000000);
        ck_assert_str_eq(back->profile, "web server x");
        ck_assert_str_eq(back->hash, "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881");
        ck_assert(back->persist);
        ck_assert(back->file_before_present);
        ck_assert_uint_eq(back->file_before_len, r->file_before_len);
        ck_assert_mem_eq(back->file_before, r->file_before, r->file_before_len);
        ck_assert(!back->file_present);
        ck_assert_uint_eq(back->n_keys, 2);
        ck_assert_str_eq(back->keys[0].after, "1024 65535");
        ck_assert(back->keys[0].written);
        ck_assert_str_eq(back->keys[1].before, ""); /* empty values survive */
        ck_assert(!back->keys[1].written);
        record_free(back);

        /* The journal file is private. */
        char *path;
        struct stat s;
        ck_assert_int_ge(asprintf(&path, "%s/var/lib/twtune/journal", d), 0);
        ck_assert_int_eq(stat(path, &s), 0);
        ck_assert_int_eq(s.st_mode & 0777, 0600);
        free(path);
        /* The directory is readable, for verify and history as another user (state.h). */
        ck_assert_int_ge(asprintf(&path, "%s/var/lib/twtune", d), 0);
        ck_assert_int_eq(stat(path, &s), 0);
        ck_assert_int_eq(s.st_mode & 0777, 0755);
        free(path);

        ck_assert_int_eq(state_journal_remove(st), 0);
        ck_assert_int_eq(state_journal_read(st, &back), -ENOENT);
        record_free(r);
        close_state(st, sr, d);
}
END_TEST

/* Replaces the journal's bytes with a damaged version of them. */
static void damage(const char *dir, void (*how)(char *buf, size_t *len))
{
        char *path;
        ck_assert_int_ge(asprintf(&path, "%s/var/lib/twtune/journal", dir), 0);
        FILE *f = fopen(path, "r+");
        ck_assert_ptr_nonnull(f);
        char buf[8192];
        size_t len = fread(buf, 1, sizeof(buf), f);
        how(buf, &len);
        ck_assert_int_eq(fclose(f), 0);
        f = fopen(path, "w");
        fwrite(buf, 1, len, f);
        ck_assert_int_eq(fclose(f), 0);
        free(path);
}

static void flip(char *buf, size_t *len)
{
        buf[*len / 2] ^= 1;
}
static void truncate_half(char *buf, size_t *len)
{
        (void)buf;
        *len /= 2;
}
static void drop_last_line(char *buf, size_t *len)
{
        *len -= 1;
        while (*len && buf[*len - 1] != '\n')
                (*len)--;
}
static void empty(char *buf, size_t *len)
{
        (void)buf;
        *len = 0;
}

START_TEST(damage_detected)
{
        void (*hows[])(char *, size_t *) = {flip, truncate_half, drop_last_line, empty};
        for (size_t i = 0; i < sizeof(hows) / sizeof(hows[0]); i++) {
                char *d = make_tmpdir();
                struct sysroot *sr;
                struct state *st = open_state(d, &sr);
                struct record *r = sample(), *back = NULL;
                ck_assert_int_eq(state_journal_write(st, r), 0);
                damage(d, hows[i]);
                ck_assert_int_eq(state_journal_read(st, &back), -EBADMSG);
                ck_assert_ptr_null(back);
                record_free(r);
                state_free(st);
                sysroot_free(sr);
                rm_rf(d);
                free(d);
        }
}
END_TEST

START_TEST(generations_listed_in_order)
{
        char *d = make_tmpdir();
        struct sysroot *sr;
        struct state *st = open_state(d, &sr);
        struct record *r = sample();
        r->is_journal = false;
        unsigned long order[] = {2, 10, 1};
        for (size_t i = 0; i < 3; i++) {
                r->generation = order[i];
                ck_assert_int_eq(state_generation_write(st, r), 0);
        }
        write_file(d, "var/lib/twtune/generations/.3.tmp", "junk"); /* a temporary is not a generation */
        unsigned long *ids;
        size_t n;
        ck_assert_int_eq(state_generations(st, &ids, &n), 0);
        ck_assert_uint_eq(n, 3);
        ck_assert_uint_eq(ids[0], 1);
        ck_assert_uint_eq(ids[1], 2);
        ck_assert_uint_eq(ids[2], 10);
        free(ids);
        struct record *g;
        ck_assert_int_eq(state_generation_read(st, 10, &g), 0);
        ck_assert(!g->is_journal);
        ck_assert_uint_eq(g->generation, 10);
        record_free(g);
        ck_assert_int_eq(state_generation_read(st, 5, &g), -ENOENT);
        record_free(r);
        close_state(st, sr, d);
}
END_TEST

START_TEST(lock_is_exclusive)
{
        char *d = make_tmpdir();
        struct sysroot *sr;
        struct state *a = open_state(d, &sr), *b = NULL;
        ck_assert_int_eq(state_lock(a, 0, NULL), 0);
        ck_assert_int_eq(state_open(sr, NULL, true, &b, NULL), 0);
        pid_t holder = 0;
        ck_assert_int_eq(state_lock(b, 100, &holder), -EWOULDBLOCK);
        ck_assert_int_eq(holder, getpid());
        state_free(a); /* releases it */
        ck_assert_int_eq(state_lock(b, 0, NULL), 0);
        state_free(b);
        sysroot_free(sr);
        rm_rf(d);
        free(d);
}
END_TEST

START_TEST(symlinked_state_dir_refused)
{
        char *d = make_tmpdir(), *elsewhere = make_tmpdir();
        char *p;
        ck_assert_int_ge(asprintf(&p, "%s/var/lib", d), 0);
        char *cmd;
        ck_assert_int_ge(asprintf(&cmd, "mkdir -p '%s' && ln -s '%s' '%s/twtune'", p, elsewhere, p), 0);
        ck_assert_int_eq(system(cmd), 0);
        struct sysroot *sr;
        struct state *st = NULL;
        ck_assert_int_eq(sysroot_new(d, &sr), 0);
        ck_assert_int_eq(state_open(sr, NULL, true, &st, NULL), -ENOTDIR);
        sysroot_free(sr);
        free(cmd);
        free(p);
        rm_rf(d);
        rm_rf(elsewhere);
        free(d);
        free(elsewhere);
}
END_TEST

/* Runs a shell command in dir, for chmod and chown on the fake tree. */
static void sh_in(const char *dir, const char *cmd)
{
        char *full;
        ck_assert_int_ge(asprintf(&full, "cd '%s' && %s", dir, cmd), 0);
        ck_assert_int_eq(system(full), 0);
        free(full);
}

START_TEST(untrusted_state_refused)
{
        /* A directory or record another user could have written is never read: its checksum
         * would be the forger's own. */
        char *d = make_tmpdir();
        struct sysroot *sr;
        struct state *st = open_state(d, &sr), *st2 = NULL;
        struct record *r = sample(), *back = NULL;
        r->is_journal = false;
        r->generation = 1;
        ck_assert_int_eq(state_generation_write(st, r), 0);
        state_free(st);
        char *why = NULL;

        sh_in(d, "chmod 1777 var/lib/twtune");
        ck_assert_int_eq(state_open(sr, NULL, true, &st2, &why), -EPERM);
        ck_assert_ptr_nonnull(strstr(why, "writable by group or others (mode 1777)"));
        free(why);
        why = NULL;
        sh_in(d, "chmod 0755 var/lib/twtune && chmod 0770 var/lib/twtune/generations");
        ck_assert_int_eq(state_open(sr, NULL, false, &st2, &why), -EPERM);
        ck_assert_ptr_nonnull(strstr(why, "generations/"));
        free(why);
        why = NULL;
        sh_in(d, "chmod 0700 var/lib/twtune/generations");
        ck_assert_int_eq(state_open(sr, NULL, false, &st2, NULL), 0); /* a root-owned 0755 is fine */
        sh_in(d, "chmod 0666 var/lib/twtune/generations/1");
        ck_assert_int_eq(state_generation_read(st2, 1, &back), -EPERM);
        sh_in(d, "chmod 0600 var/lib/twtune/generations/1");
        ck_assert_int_eq(state_generation_read(st2, 1, &back), 0);
        record_free(back);
        if (geteuid() == 0) {
                sh_in(d, "chown 1234 var/lib/twtune/generations/1");
                ck_assert_int_eq(state_generation_read(st2, 1, &back), -EPERM);
                sh_in(d, "chown 1234 var/lib/twtune");
                state_free(st2);
                ck_assert_int_eq(state_open(sr, NULL, false, &st2, &why), -EPERM);
                ck_assert_ptr_nonnull(strstr(why, "owned by uid 1234"));
                free(why);
                st2 = NULL;
        }
        state_free(st2);
        record_free(r);
        sysroot_free(sr);
        rm_rf(d);
        free(d);
}
END_TEST

START_TEST(forged_records_refused)
{
        /* Records pass the checks a profile would: a valid checksum over a bad key is no excuse. */
        static const char *const bad_keys[] = {"../../../victim", "//.//.//.victim", "/etc/passwd", "a..b", "net/ipv4/x"};
        char *d = make_tmpdir();
        struct sysroot *sr;
        struct state *st = open_state(d, &sr);
        for (size_t i = 0; i < sizeof(bad_keys) / sizeof(bad_keys[0]); i++) {
                struct record *r = sample(), *back = NULL;
                ck_assert_int_eq(record_add_key(r, bad_keys[i], "1", "2", true), 0);
                ck_assert_int_eq(state_journal_write(st, r), 0);
                ck_assert_int_eq(state_journal_read(st, &back), -EBADMSG);
                record_free(r);
        }
        struct record *r = sample(), *back = NULL;
        ck_assert_int_eq(record_add_key(r, "net.ipv4.tcp_fin_timeout", "1\x1b[31m", "2", true), 0);
        ck_assert_int_eq(state_journal_write(st, r), 0);
        ck_assert_int_eq(state_journal_read(st, &back), -EBADMSG);
        record_free(r);

        /* A generation copied to another number is not that generation; none is ever replaced. */
        r = sample();
        r->is_journal = false;
        r->generation = 1;
        ck_assert_int_eq(state_generation_write(st, r), 0);
        ck_assert_int_eq(state_generation_write(st, r), -EEXIST);
        sh_in(d, "cp -p var/lib/twtune/generations/1 var/lib/twtune/generations/5");
        ck_assert_int_eq(state_generation_read(st, 5, &back), -EBADMSG);
        ck_assert_int_eq(state_generation_remove(st, 1), 0);
        ck_assert_int_eq(state_generation_read(st, 1, &back), -ENOENT);
        ck_assert_int_eq(state_generation_remove(st, 1), 0); /* gone already is fine */
        record_free(r);
        close_state(st, sr, d);
}
END_TEST

START_TEST(new_parents_are_not_private)
{
        /* A /var/lib twtune creates stays usable by others, and the state directory is readable. */
        char *d = make_tmpdir();
        struct sysroot *sr;
        struct state *st = open_state(d, &sr);
        char *p;
        struct stat s;
        ck_assert_int_ge(asprintf(&p, "%s/var/lib", d), 0);
        ck_assert_int_eq(stat(p, &s), 0);
        ck_assert_uint_eq(s.st_mode & 0777, 0755);
        free(p);
        ck_assert_int_ge(asprintf(&p, "%s/var/lib/twtune", d), 0);
        ck_assert_int_eq(stat(p, &s), 0);
        ck_assert_uint_eq(s.st_mode & 0777, 0755);
        free(p);
        close_state(st, sr, d);
}
END_TEST

static Suite *suite(void)
{
        Suite *s = suite_create("state");
        TCase *tc = tcase_create("state");
        tcase_add_test(tc, sha256_vectors);
        tcase_add_test(tc, sha256_paths_agree);
        tcase_add_test(tc, record_round_trip);
        tcase_add_test(tc, damage_detected);
        tcase_add_test(tc, generations_listed_in_order);
        tcase_add_test(tc, lock_is_exclusive);
        tcase_add_test(tc, symlinked_state_dir_refused);
        tcase_add_test(tc, untrusted_state_refused);
        tcase_add_test(tc, forged_records_refused);
        tcase_add_test(tc, new_parents_are_not_private);
        suite_add_tcase(s, tc);
        return s;
}

TEST_MAIN(suite)
