#include "txn.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "atomic.h"
#include "fault.h"
#include "sha256.h"
#include "state.h"
#include "sysroot.h"
#include "util.h"
#include "value.h"

void txn_free(struct txn *t)
{
        if (!t)
                return;
        for (size_t i = 0; i < t->n; i++) {
                free(t->items[i].key);
                free(t->items[i].before);
                free(t->items[i].after);
        }
        free(t->items);
        free(t->profile);
        free(t->body);
        free(t->file);
        free(t->hash);
        free(t);
}

size_t txn_count_writes(const struct txn *t)
{
        size_t n = 0;
        for (size_t i = 0; i < t->n; i++)
                n += t->items[i].write;
        return n;
}

void txn_failure_release(struct txn_failure *f)
{
        free(f->key);
        free(f->detail);
        for (size_t i = 0; i < f->n_left; i++)
                free(f->left_changed[i]);
        free(f->left_changed);
        *f = (struct txn_failure){0};
}

static int add_item(struct txn *t, const char *key, const char *before, const char *after, bool optional)
{
        struct txn_item *v = realloc(t->items, (t->n + 1) * sizeof(*v));
        if (!v)
                return -ENOMEM;
        t->items = v;
        struct txn_item it = {strdup(key), value_normalize(before), value_normalize(after), false, optional};
        if (!it.key || !it.before || !it.after) {
                free(it.key);
                free(it.before);
                free(it.after);
                return -ENOMEM;
        }
        it.write = !value_equal(it.before, it.after);
        v[t->n++] = it;
        return 0;
}

static long long first_int(const char *v, long long dflt)
{
        long long x;
        char buf[32];
        size_t n = strcspn(v, " ");
        if (n >= sizeof(buf))
                return dflt;
        memcpy(buf, v, n);
        buf[n] = '\0';
        return parse_kernel_int(buf, &x) == 0 ? x : dflt;
}

/* The kernel refuses ip_unprivileged_port_start above the port range's low end and a low end
 * below it, so when both change, the order of the two writes matters. */
static void order_coupled(struct txn *t)
{
        size_t u = t->n, r = t->n;
        for (size_t i = 0; i < t->n; i++) {
                if (strcmp(t->items[i].key, "net.ipv4.ip_unprivileged_port_start") == 0)
                        u = i;
                else if (strcmp(t->items[i].key, "net.ipv4.ip_local_port_range") == 0)
                        r = i;
        }
        if (u == t->n || r == t->n)
                return;
        /* Raising the start above the current low end: move the range first; otherwise lower
         * the start first. */
        bool range_first = first_int(t->items[u].after, 0) > first_int(t->items[r].before, 0);
        if ((range_first && r > u) || (!range_first && u > r)) {
                struct txn_item tmp = t->items[u];
                t->items[u] = t->items[r];
                t->items[r] = tmp;
        }
}

static int finish_body(struct txn *t)
{
        struct strbuf sb = {0};
        for (size_t i = 0; i < t->n; i++)
                sb_appendf(&sb, "%s%s = %s\n", t->items[i].optional ? "-" : "", t->items[i].key, t->items[i].after);
        t->body = sb_steal(&sb);
        if (!t->body)
                return -ENOMEM;
        char hex[SHA256_HEX_LEN + 1];
        sha256_hex(t->body, strlen(t->body), hex);
        t->hash = strdup(hex);
        return t->hash ? 0 : -ENOMEM;
}

int txn_from_profile(const struct profile *p, const struct validate_opts *o, struct sysroot *sr, bool persist,
                     struct txn **ret)
{
        struct txn *t = calloc(1, sizeof(*t));
        if (!t || !(t->profile = strdup(p->name))) {
                free(t);
                return -ENOMEM;
        }
        t->persist = persist;
        t->render = true;
        t->file_present = true;
        int r = 0;
        for (size_t i = 0; i < p->n_settings && r == 0; i++) {
                const struct setting *s = &p->settings[i];
                if (!setting_active(s, o))
                        continue;
                char *cur = NULL;
                r = sysroot_read_sysctl(sr, s->key, &cur);
                if (r == -ENOENT && s->optional) {
                        r = 0;
                        continue;
                }
                if (r < 0)
                        break;
                const char *after = s->value;
                long long c, w;
                if (s->mode != SET_EXACT && parse_kernel_int(cur, &c) == 0 && parse_kernel_int(s->value, &w) == 0 &&
                    (s->mode == SET_AT_LEAST ? c >= w : c <= w))
                        after = cur;
                r = add_item(t, s->key, cur, after, s->optional);
                free(cur);
        }
        if (r == 0) {
                order_coupled(t);
                r = finish_body(t);
        }
        if (r < 0) {
                txn_free(t);
                return r;
        }
        *ret = t;
        return 0;
}

int txn_from_generation(struct state *st, struct sysroot *sr, unsigned long to, struct txn **ret)
{
        unsigned long *ids;
        size_t n;
        int r = state_generations(st, &ids, &n);
        if (r < 0)
                return r;
        bool known = to == 0;
        for (size_t i = 0; i < n; i++)
                known |= ids[i] == to;
        if (n == 0 || !known || to > ids[n - 1]) {
                free(ids);
                return -ENOENT;
        }
        struct txn *t = calloc(1, sizeof(*t));
        struct record *base = NULL;
        if (!t || !(t->profile = str_printf("rollback to generation %lu", to))) {
                free(t);
                free(ids);
                return -ENOMEM;
        }
        if (to > 0 && (r = state_generation_read(st, to, &base)) < 0)
                goto out;

        /* The value each key had at generation `to`: its value there, or, for keys first managed
         * later, the value before the first later generation that touched them. */
        struct record **later = calloc(n, sizeof(*later));
        size_t nl = 0;
        if (!later) {
                r = -ENOMEM;
                goto out;
        }
        for (size_t i = 0; i < n && r == 0; i++)
                if (ids[i] > to && (r = state_generation_read(st, ids[i], &later[nl])) == 0)
                        nl++;
        for (size_t k = 0; base && k < base->n_keys && r == 0; k++) {
                char *cur = NULL;
                if (sysroot_read_sysctl(sr, base->keys[k].key, &cur) == 0)
                        r = add_item(t, base->keys[k].key, cur, base->keys[k].after, false);
                free(cur);
        }
        for (size_t g = 0; g < nl && r == 0; g++)
                for (size_t k = 0; k < later[g]->n_keys && r == 0; k++) {
                        const struct rec_key *key = &later[g]->keys[k];
                        bool have = false;
                        for (size_t j = 0; j < t->n; j++)
                                have |= strcmp(t->items[j].key, key->key) == 0;
                        char *cur = NULL;
                        if (!have && sysroot_read_sysctl(sr, key->key, &cur) == 0)
                                r = add_item(t, key->key, cur, key->before, false);
                        free(cur);
                }
        /* The file at `to` is what the first later generation that managed it found. */
        for (size_t g = 0; g < nl && r == 0; g++)
                if (later[g]->persist) {
                        t->persist = true;
                        t->file_present = later[g]->file_before_present;
                        if (t->file_present) {
                                t->file = malloc(later[g]->file_before_len + 1);
                                if (!t->file)
                                        r = -ENOMEM;
                                else {
                                        memcpy(t->file, later[g]->file_before, later[g]->file_before_len);
                                        t->file[later[g]->file_before_len] = '\0';
                                        t->file_len = later[g]->file_before_len;
                                }
                        }
                        break;
                }
        if (r == 0 && base && base->hash)
                t->hash = strdup(base->hash);
        if (r == 0)
                order_coupled(t);
        for (size_t g = 0; g < nl; g++)
                record_free(later[g]);
        free(later);
out:
        record_free(base);
        free(ids);
        if (r < 0) {
                txn_free(t);
                return r;
        }
        *ret = t;
        return 0;
}

char *txn_render_file(const char *profile, const char *body, const char *hash, unsigned long generation, size_t *ret_len)
{
        char *s = str_printf("# Written by twtune. Do not edit: 'twtune apply' replaces this file and 'twtune rollback'\n"
                             "# restores earlier ones.\n"
                             "# profile: %s\n# sha256: %s\n# generation: %lu\n%s",
                             profile, hash, generation, body);
        if (s && ret_len)
                *ret_len = strlen(s);
        return s;
}

int txn_read_file(int dfd, char **ret, size_t *ret_len)
{
        /* A rendered file is a header plus at most a profile's worth of lines. */
        return read_nofollow_at(dfd, TXN_FILE_NAME, PROFILE_MAX_BYTES * 2, ret, ret_len);
}

const char *txn_file_body(const char *text)
{
        while (*text == '#') {
                const char *nl = strchr(text, '\n');
                if (!nl)
                        return text + strlen(text);
                text = nl + 1;
        }
        return text;
}

static int fail_at(struct txn_failure *f, const char *key, int error, char *detail)
{
        f->key = key ? strdup(key) : NULL;
        f->error = error;
        f->detail = detail;
        return error;
}

static void left_changed(struct txn_failure *f, const char *key)
{
        char **v = realloc(f->left_changed, (f->n_left + 1) * sizeof(*v));
        if (!v)
                return;
        f->left_changed = v;
        v[f->n_left] = strdup(key);
        if (v[f->n_left])
                f->n_left++;
}

/* Sets a key and checks what the kernel kept. On a mismatch *ret_kept is the value read back. */
static int write_verify(struct sysroot *sr, const char *key, const char *value, const char *point, char **ret_kept)
{
        int r = fault_point(point);
        if (r == 0)
                r = sysroot_write_sysctl(sr, key, value);
        if (r < 0)
                return r;
        if (strcmp(point, "write") == 0)
                fault_point("written");
        char *back = NULL;
        r = sysroot_read_sysctl(sr, key, &back);
        if (r < 0)
                return r;
        if (!value_equal(back, value)) {
                if (ret_kept)
                        *ret_kept = value_normalize(back);
                free(back);
                return -EIO;
        }
        free(back);
        return 0;
}

/* Puts the persisted file back as the journal found it, if it differs. */
static bool restore_file(int dfd, const struct record *j)
{
        char *cur = NULL;
        size_t len = 0;
        int r = txn_read_file(dfd, &cur, &len);
        bool same = j->file_before_present ? r == 0 && len == j->file_before_len && memcmp(cur, j->file_before, len) == 0
                                           : r == -ENOENT;
        free(cur);
        if (same)
                return true;
        if (j->file_before_present)
                return atomic_replace_at(dfd, TXN_FILE_NAME, j->file_before, j->file_before_len, 0644) == 0;
        return unlink_sync_at(dfd, TXN_FILE_NAME) == 0;
}

/* Restores keys [0, upto) of the journal, last first, and the file when with_file is set.
 * Returns true when everything is back. */
static bool restore(struct sysroot *sr, int dfd, const struct record *j, size_t upto, bool with_file, struct txn_failure *f)
{
        bool ok = true;
        for (size_t i = upto; i-- > 0;) {
                char *cur = NULL;
                if (sysroot_read_sysctl(sr, j->keys[i].key, &cur) == 0 && value_equal(cur, j->keys[i].before)) {
                        free(cur);
                        continue;
                }
                free(cur);
                if (write_verify(sr, j->keys[i].key, j->keys[i].before, "restore", NULL) < 0) {
                        left_changed(f, j->keys[i].key);
                        ok = false;
                }
        }
        if (with_file && (dfd < 0 || !restore_file(dfd, j))) {
                f->file_left_changed = true;
                ok = false;
        }
        return ok;
}

static enum txn_result undo(struct state *st, struct sysroot *sr, int dfd, const struct record *j, size_t upto,
                            bool with_file, struct txn_failure *f)
{
        if (!restore(sr, dfd, j, upto, with_file, f))
                return TXN_RESTORE_FAILED; /* the journal stays for `twtune recover` */
        state_journal_remove(st);
        return TXN_ROLLED_BACK;
}

int txn_commit(struct state *st, struct sysroot *sr, struct txn *t, struct txn_failure *fail, enum txn_result *ret)
{
        *fail = (struct txn_failure){0};
        struct record j = {.is_journal = true, .time = (long long)time(NULL)};
        char *cur = NULL, *file = NULL, *kept = NULL;
        size_t cur_len = 0, file_len = 0;
        unsigned long *ids = NULL;
        size_t n_ids = 0;
        int dfd = -1, r;

        dfd = sysroot_open_dir(sr, SYSROOT_SYSCTL_D, t->persist);
        if (dfd < 0 && t->persist) {
                r = fail_at(fail, NULL, dfd, strdup("cannot open the sysctl.d directory"));
                goto out;
        }
        r = dfd >= 0 ? txn_read_file(dfd, &cur, &cur_len) : -ENOENT;
        if (r < 0 && r != -ENOENT) {
                fail_at(fail, NULL, r, strdup(r == -ELOOP ? "the persisted file is a symlink; twtune will not follow or replace it"
                                                          : "cannot read the persisted file"));
                goto out;
        }
        bool cur_present = r == 0;
        if ((r = state_generations(st, &ids, &n_ids)) < 0) {
                fail_at(fail, NULL, r, strdup("cannot list the generations in the state directory"));
                goto out;
        }
        unsigned long gen = n_ids ? ids[n_ids - 1] + 1 : 1;

        bool file_present = t->render || t->file_present;
        if (t->render) {
                if (!(file = txn_render_file(t->profile, t->body, t->hash, gen, &file_len))) {
                        r = -ENOMEM;
                        goto out;
                }
        } else if (t->file_present) {
                file = malloc(t->file_len + 1);
                if (!file) {
                        r = -ENOMEM;
                        goto out;
                }
                memcpy(file, t->file, t->file_len);
                file_len = t->file_len;
        }
        bool file_write;
        if (!t->persist)
                file_write = false;
        else if (t->render)
                file_write = !cur_present || strcmp(txn_file_body(cur), t->body) != 0;
        else
                file_write = cur_present != file_present ||
                             (file_present && (cur_len != file_len || memcmp(cur, file, file_len) != 0));
        size_t n_writes = txn_count_writes(t);
        if (n_writes == 0 && !file_write) {
                *ret = TXN_UNCHANGED;
                r = 0;
                goto out;
        }

        /* 1. The journal: enough to undo everything below, on disk before anything changes. */
        j.generation = gen;
        j.profile = t->profile;
        j.hash = t->hash;
        j.persist = file_write;
        j.file_before_present = cur_present;
        j.file_before = cur;
        j.file_before_len = cur_len;
        j.file_present = file_present;
        j.file = file;
        j.file_len = file_len;
        for (size_t i = 0; i < t->n; i++)
                if (t->items[i].write && (r = record_add_key(&j, t->items[i].key, t->items[i].before, t->items[i].after, true)) < 0)
                        goto out;
        if ((r = state_journal_write(st, &j)) < 0) {
                fail_at(fail, NULL, r, strdup("cannot write the journal"));
                goto out;
        }
        if ((r = fault_point("journal")) < 0) {
                state_journal_remove(st);
                fail_at(fail, NULL, r, strdup("cannot write the journal"));
                goto out;
        }

        /* 2. The live keys, in order, each read back. */
        for (size_t i = 0; i < j.n_keys; i++) {
                r = write_verify(sr, j.keys[i].key, j.keys[i].after, "write", &kept);
                if (r < 0) {
                        fail_at(fail, j.keys[i].key, r, kept ? str_printf("the kernel kept '%s'", kept) : NULL);
                        /* The failed key too: a vector write can stop half way. */
                        *ret = undo(st, sr, dfd, &j, i + 1, false, fail);
                        r = 0;
                        goto out;
                }
        }

        /* 3. The persisted file. */
        if (file_write) {
                r = fault_point("persist");
                if (r == 0)
                        r = file_present ? atomic_replace_at(dfd, TXN_FILE_NAME, file, file_len, 0644)
                                         : unlink_sync_at(dfd, TXN_FILE_NAME);
                if (r < 0) {
                        fail_at(fail, NULL, r, strdup("cannot persist the settings"));
                        *ret = undo(st, sr, dfd, &j, j.n_keys, true, fail);
                        r = 0;
                        goto out;
                }
                fault_point("persisted");
        }

        /* 4. The generation: from here on the transaction is committed. */
        struct record g = j;
        g.is_journal = false;
        g.persist = t->persist;
        g.file_present = file_write ? file_present : cur_present;
        g.file = file_write ? file : cur;
        g.file_len = file_write ? file_len : cur_len;
        g.keys = NULL;
        g.n_keys = 0;
        for (size_t i = 0; i < t->n && r == 0; i++)
                r = record_add_key(&g, t->items[i].key, t->items[i].before, t->items[i].after, t->items[i].write);
        if (r == 0)
                r = fault_point("generation");
        if (r == 0)
                r = state_generation_write(st, &g);
        record_clear_keys(&g);
        if (r < 0) {
                fail_at(fail, NULL, r, strdup("cannot record the generation"));
                *ret = undo(st, sr, dfd, &j, j.n_keys, file_write, fail);
                r = 0;
                goto out;
        }
        fault_point("commit");
        state_journal_remove(st); /* if this fails, recovery sees the generation and just drops it */
        t->generation = gen;
        *ret = TXN_COMMITTED;
        r = 0;
out:
        record_clear_keys(&j);
        free(kept);
        free(cur);
        free(file);
        free(ids);
        if (dfd >= 0)
                close(dfd);
        return r;
}

int txn_recover(struct state *st, struct sysroot *sr, struct txn_failure *fail, enum txn_result *ret)
{
        *fail = (struct txn_failure){0};
        struct record *j = NULL, *g = NULL;
        int r = state_journal_read(st, &j);
        if (r == -ENOENT) {
                *ret = TXN_UNCHANGED;
                return 0;
        }
        if (r < 0)
                return r;
        if (state_generation_read(st, j->generation, &g) == 0) {
                /* Killed after the commit point: only the journal is left to drop. */
                record_free(g);
                record_free(j);
                *ret = TXN_COMMITTED;
                return state_journal_remove(st);
        }
        int dfd = j->persist ? sysroot_open_dir(sr, SYSROOT_SYSCTL_D, true) : -1;
        *ret = undo(st, sr, dfd, j, j->n_keys, j->persist, fail);
        if (dfd >= 0)
                close(dfd);
        record_free(j);
        return 0;
}
