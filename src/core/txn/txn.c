/* SPDX-License-Identifier: MIT */
#include "txn.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "atomic.h"
#include "fault.h"
#include "kb.h"
#include "modules_file.h"
#include "state.h"
#include "sysroot.h"
#include "util.h"
#include "value.h"

void txn_free(struct txn *t)
{
        if (!t)
                return;
        for (size_t i = 0; i < t->n; i++) {
                free(t->items[i].kept);
                free(t->items[i].left);
        }
        free(t->items);
        strmap_release(&t->keyset);
        free(t->base);
        strarena_release(&t->strs);
        free(t->profile);
        free(t->file); /* and the body in it */
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

/* Nothing host-specific (no generation number): the same profile gives the same bytes on every host. */
char *txn_render_file(const char *profile, const char *body, const char *hash, size_t *ret_len)
{
        char *s = str_printf("# Written by twtune. Do not edit: 'twtune apply' replaces this file and 'twtune rollback'\n"
                             "# restores earlier ones.\n"
                             "# profile: %s\n# sha256: %s\n%s",
                             profile, hash, body);
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

/* Sets a key and checks what the kernel kept. *ret_kept (if given) is the value read back when it
 * differs from value: on a mismatch (-EIO), or in form only (the kernel's rounding; 0). */
static int write_verify(struct sysroot *sr, const char *key, const char *value, const char *point, char **ret_kept)
{
        int r = fault_point(point);
        char *back = NULL;
        if (r == 0) /* written and read back through one open */
                r = sysroot_write_read_sysctl(sr, key, value, &back);
        if (r < 0)
                return r;
        if (strcmp(point, "write") == 0)
                fault_point("written");
        bool same = kb_value_equal(key, back, value);
        if (ret_kept && (!same || !value_equal(back, value)))
                *ret_kept = value_normalize(back);
        free(back);
        return same ? 0 : -EIO;
}

/* A key that cannot be read back: written, with the same fault points. */
static int write_only(struct sysroot *sr, const char *key, const char *value)
{
        int r = fault_point("write");
        if (r == 0)
                r = sysroot_write_sysctl(sr, key, value);
        if (r == 0)
                fault_point("written");
        return r;
}

/* Puts the persisted file back as the journal found it, with its mode and owner, if it differs. */
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
        if (!j->file_before_present)
                return unlink_sync_at(dfd, TXN_FILE_NAME) == 0;
        if (j->file_before_meta)
                return atomic_replace_owned_at(dfd, TXN_FILE_NAME, j->file_before, j->file_before_len,
                                               j->file_before_mode, (long)j->file_before_uid, (long)j->file_before_gid) == 0;
        return atomic_replace_at(dfd, TXN_FILE_NAME, j->file_before, j->file_before_len, 0644) == 0;
}

static bool restore_key(struct sysroot *sr, const struct rec_key *k, struct txn_failure *f)
{
        if (k->write_only)
                return true; /* an action such as a route flush cannot be undone, nor needs to be */
        char *cur = NULL;
        bool same = sysroot_read_sysctl(sr, k->key, &cur) == 0 && kb_value_equal(k->key, cur, k->before);
        free(cur);
        if (same || write_verify(sr, k->key, k->before, "restore", NULL) == 0)
                return true;
        left_changed(f, k->key);
        return false;
}

/* Restores keys [0, upto) of the journal and, when with_file is set, the file. Keys go back last
 * first (those that propagate before the others); then every dependent, wherever it stands, since the kernel may have changed it as soon
 * as the key that propagates to it was written: restoring that key sets them all to one value,
 * and only then can each get its own back. Returns true when everything is back. */
static bool propagates(const char *key)
{
        struct kb_propagation tmp;
        char buf[256];
        return kb_propagation_or_conf(key, &tmp, buf, sizeof(buf), NULL) != NULL;
}

static bool restore(struct sysroot *sr, int dfd, const struct record *j, size_t upto, bool with_file, struct txn_failure *f)
{
        bool ok = true;
        /* Keys that propagate first: restoring one resets the keys it covers, which must get their
         * own values back after it, whatever order they were written in. */
        for (size_t i = upto; i-- > 0;)
                if (!j->keys[i].dependent && propagates(j->keys[i].key))
                        ok &= restore_key(sr, &j->keys[i], f);
        for (size_t i = upto; i-- > 0;)
                if (!j->keys[i].dependent && !propagates(j->keys[i].key))
                        ok &= restore_key(sr, &j->keys[i], f);
        for (size_t i = j->n_keys; i-- > 0;)
                if (j->keys[i].dependent)
                        ok &= restore_key(sr, &j->keys[i], f);
        if (with_file && (dfd < 0 || !restore_file(dfd, j))) {
                f->file_left_changed = true;
                ok = false;
        }
        if (with_file && modules_file_sync(sr, j->file_before_present ? j->file_before : NULL, j->file_before_len) < 0) {
                f->file_left_changed = true; /* modules_file.h: it follows the persisted file */
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

/* One txn_commit in progress. */
struct commit {
        struct state *st;
        struct sysroot *sr;
        struct txn *t;
        struct txn_failure *fail;
        int dfd;                 /* sysctl.d, -1 when not persisting and absent */
        char *cur;               /* the persisted file now */
        const char *file;        /* as the transaction leaves it: the plan's (txn.file) */
        size_t cur_len, file_len;
        bool cur_present, file_present, file_write;
        struct record j;         /* the journal; borrows cur, file and the txn's strings */
        size_t *item_of;         /* the plan item of each journal key */
};

/* Reads the persisted file as it is, with its mode and owner for a rollback to restore. */
static int commit_read_file(struct commit *c)
{
        int r = c->dfd >= 0 ? txn_read_file(c->dfd, &c->cur, &c->cur_len) : -ENOENT;
        if (r < 0 && r != -ENOENT)
                return fail_at(c->fail, NULL, r, strdup(r == -ELOOP ? "the persisted file is a symlink; twtune will "
                                                                      "not follow or replace it"
                                                                    : "cannot read the persisted file"));
        c->cur_present = r == 0;
        struct stat st;
        if (c->cur_present && fstatat(c->dfd, TXN_FILE_NAME, &st, AT_SYMLINK_NOFOLLOW) == 0) {
                c->j.file_before_meta = true;
                c->j.file_before_mode = st.st_mode & 07777;
                c->j.file_before_uid = st.st_uid;
                c->j.file_before_gid = st.st_gid;
        }
        return 0;
}

/* Whether the header of a persisted file says `hash` in its sha256 line: a hand edit can leave a
 * body another apply renders with a header that no longer matches it (walk seed 29 step 184: a
 * deleted line left the other, and the next apply's body was that line alone). */
static bool header_says(const char *text, const char *hash)
{
        static const char tag[] = "# sha256: ";
        size_t n = hash ? strlen(hash) : 0;
        if (!hash)
                return true;
        for (const char *l = text; *l == '#';) {
                if (strncmp(l, tag, sizeof(tag) - 1) == 0)
                        return strncmp(l + sizeof(tag) - 1, hash, n) == 0 && l[sizeof(tag) - 1 + n] == '\n';
                const char *nl = strchr(l, '\n');
                if (!nl)
                        break;
                l = nl + 1;
        }
        return false;
}

/* The file t leaves, given the file now, and whether it must be written
 * at all: an apply leaves alone a file with the same body whose header says that body's hash, a
 * rollback restores exact bytes. */
static int plan_file(const struct txn *t, bool cur_present, const char *cur, size_t cur_len,
                     bool *ret_present, const char **ret, size_t *ret_len, bool *ret_write)
{
        /* An apply's file is rendered with the plan (txn.file holds it). */
        *ret_present = t->render || t->file_present;
        *ret = *ret_present ? t->file : NULL;
        *ret_len = *ret_present ? t->file_len : 0;
        if (!t->persist)
                *ret_write = false;
        else if (t->render)
                *ret_write = !cur_present || strcmp(txn_file_body(cur), t->body) != 0 || !header_says(cur, t->hash);
        else
                *ret_write = cur_present != *ret_present ||
                             (*ret_present && (cur_len != *ret_len || memcmp(cur, *ret, *ret_len) != 0));
        return *ret_present && !*ret ? -ENOMEM : 0;
}

static int commit_plan_file(struct commit *c)
{
        return plan_file(c->t, c->cur_present, c->cur, c->cur_len, &c->file_present, &c->file,
                         &c->file_len, &c->file_write);
}

int txn_file_preview(struct state *st, struct sysroot *sr, const struct txn *t, struct txn_file_change *ret)
{
        (void)st; /* the file holds no generation number, so the history does not change it */
        *ret = (struct txn_file_change){0};
        int dfd = sysroot_open_dir(sr, SYSROOT_SYSCTL_D, false);
        int r = dfd >= 0 ? txn_read_file(dfd, &ret->before, &ret->before_len) : -ENOENT;
        if (dfd >= 0)
                close(dfd);
        if (r < 0 && r != -ENOENT)
                return r;
        ret->before_present = r == 0;
        if (!t->persist) {
                ret->after_present = ret->before_present;
                ret->after_len = ret->before_len;
                ret->after = ret->before_present ? strdup(ret->before) : NULL;
                return ret->before_present && !ret->after ? -ENOMEM : 0;
        }
        const char *after = NULL;
        r = plan_file(t, ret->before_present, ret->before, ret->before_len, &ret->after_present, &after,
                      &ret->after_len, &ret->write);
        if (r == 0 && !ret->write) { /* left as it is */
                ret->after_present = ret->before_present;
                ret->after_len = ret->before_len;
                after = ret->before;
        }
        if (r < 0 || !ret->after_present)
                return r;
        if (!(ret->after = malloc(ret->after_len + 1)))
                return -ENOMEM;
        memcpy(ret->after, after, ret->after_len);
        ret->after[ret->after_len] = '\0';
        return 0;
}

const char *txn_file_action(const struct txn_file_change *fc)
{
        if (fc->before_present != fc->after_present)
                return fc->after_present ? "create" : "remove";
        if (!fc->after_present || (fc->before_len == fc->after_len && memcmp(fc->before, fc->after, fc->after_len) == 0))
                return "none";
        return "change";
}

void txn_file_change_release(struct txn_file_change *fc)
{
        free(fc->before);
        free(fc->after);
        *fc = (struct txn_file_change){0};
}

/* A plan item as a record key. The commit's records borrow the plan's strings rather than copy
 * them: the journal and the generation each held a copy of every key and value, the largest part
 * of an apply's memory (9 000 keys: about 2 MB). Borrowed records are freed with free_borrowed,
 * never record_free. The plan's values are normalized (no tab, CR or newline) and its keys
 * checked, so they are what record_add_key's copies would have been. */
static struct rec_key borrowed_key(const struct txn_item *it)
{
        /* Casts: a record's strings are its own when parsed; these are never written through. */
        return (struct rec_key){.key = (char *)it->key, .before = (char *)it->before, .after = (char *)it->after,
                                .written = it->write,
                                .dependent = it->dependent, .write_only = it->write_only,
                                .restored = !it->dependent && it->restore};
}

/* The record's keys: in the journal, the items written or left to the kernel (with the item of
 * each in c->item_of); in the generation, every item. */
static int borrow_keys(struct commit *c, struct record *r, bool journal)
{
        const struct txn *t = c->t;
        size_t n = 0;
        for (size_t i = 0; i < t->n; i++)
                n += !journal || t->items[i].write || t->items[i].dependent;
        struct rec_key *keys = calloc(n ? n : 1, sizeof(*keys));
        size_t *idx = journal ? calloc(n ? n : 1, sizeof(*idx)) : NULL;
        if (!keys || (journal && !idx)) {
                free(keys);
                free(idx);
                return -ENOMEM;
        }
        size_t k = 0;
        for (size_t i = 0; i < t->n; i++) {
                if (journal && !t->items[i].write && !t->items[i].dependent)
                        continue;
                if (idx)
                        idx[k] = i;
                keys[k++] = borrowed_key(&t->items[i]);
        }
        r->keys = keys;
        r->n_keys = n;
        if (journal)
                c->item_of = idx;
        return 0;
}

static void free_borrowed(struct record *r)
{
        free(r->keys);
        r->keys = NULL;
        r->n_keys = 0;
}

/* 1. The journal: enough to undo everything below, on disk before anything changes. */
static int commit_journal(struct commit *c)
{
        struct record *j = &c->j;
        j->profile = c->t->profile;
        j->is_rollback = c->t->is_rollback;
        j->restores = c->t->restores;
        j->hash = c->t->hash;
        j->persist = c->file_write;
        j->file_before_present = c->cur_present;
        j->file_before = c->cur;
        j->file_before_len = c->cur_len;
        /* The file it leaves: as the generation will record it (the file there, when not written). */
        j->file_present = c->file_write ? c->file_present : c->cur_present;
        j->file = (char *)(c->file_write ? c->file : c->cur); /* borrowed, never written through */
        j->file_len = c->file_write ? c->file_len : c->cur_len;
        int r = borrow_keys(c, j, true);
        if (r == 0 && (r = state_journal_write(c->st, j)) == 0)
                r = fault_point("journal");
        if (r < 0 && r != -ENOMEM) {
                /* A journal renamed into place before a failed fsync must not be replayed later. */
                state_journal_remove(c->st);
                fail_at(c->fail, NULL, r, strdup("cannot write the journal"));
        }
        return r;
}

/* After a propagating key is written, reads what the kernel made of the dependents it covers and
 * keeps it as their after-value, in the journal and in the plan (for the generation record). */
static void observe_dependents(struct commit *c, size_t written)
{
        struct kb_propagation tmp;
        char buf[256];
        const struct kb_propagation *pr = kb_propagation_or_conf(c->j.keys[written].key, &tmp, buf, sizeof(buf), NULL);
        for (size_t k = 0; pr && k < c->j.n_keys; k++) {
                struct rec_key *d = &c->j.keys[k];
                char *now = NULL;
                if (!d->dependent || d->written || !kb_propagation_covers(pr, d->key) ||
                    sysroot_read_sysctl(c->sr, d->key, &now) < 0)
                        continue;
                char *norm = value_normalize(now);
                const char *kept = str_intern(norm);
                free(now);
                free(norm);
                if (kept) { /* the journal key borrows the item's value */
                        c->t->items[c->item_of[k]].after = kept;
                        d->after = (char *)kept;
                }
        }
}

/* Whether a dependent a rollback writes already holds its value, given it by the writes before it
 * (an IPv4 interface that follows conf.default: writing it would end that for good). */
static bool dependent_in_place(struct sysroot *sr, const struct rec_key *k)
{
        char *now = NULL;
        bool same = sysroot_read_sysctl(sr, k->key, &now) == 0 && kb_value_equal(k->key, now, k->after);
        free(now);
        return same;
}

/* 2. The live keys, in order, each read back. Returns true when all are set. */
static bool commit_keys(struct commit *c, enum txn_result *ret)
{
        for (size_t i = 0; i < c->j.n_keys; i++) {
                if (!c->j.keys[i].written)
                        continue; /* a dependent: the kernel sets it */
                char *kept = NULL;
                if (c->j.keys[i].dependent && dependent_in_place(c->sr, &c->j.keys[i]))
                        continue; /* a propagating write gave it its value: a write could end its following */
                int r = c->j.keys[i].write_only ? write_only(c->sr, c->j.keys[i].key, c->j.keys[i].after)
                                                : write_verify(c->sr, c->j.keys[i].key, c->j.keys[i].after, "write", &kept);
                if (r < 0) {
                        fail_at(c->fail, c->j.keys[i].key, r, kept ? str_printf("the kernel kept '%s'", kept) : NULL);
                        free(kept);
                        /* The failed key too: a vector write can stop half way. */
                        *ret = undo(c->st, c->sr, c->dfd, &c->j, i + 1, false, c->fail);
                        return false;
                }
                if (kept) {
                        struct txn_item *it = &c->t->items[c->item_of[i]];
                        free(it->kept);
                        it->kept = kept;
                }
                observe_dependents(c, i);
        }
        return true;
}

/* 3. The persisted file: rendered, or restored with its recorded mode and owner. */
static bool commit_persist(struct commit *c, enum txn_result *ret)
{
        if (!c->file_write)
                return true;
        const struct txn *t = c->t;
        int r = fault_point("persist");
        if (r == 0 && !c->file_present)
                r = unlink_sync_at(c->dfd, TXN_FILE_NAME);
        else if (r == 0 && !t->render && t->file_meta)
                r = atomic_replace_owned_at(c->dfd, TXN_FILE_NAME, c->file, c->file_len, t->file_mode,
                                            (long)t->file_uid, (long)t->file_gid);
        else if (r == 0)
                r = atomic_replace_at(c->dfd, TXN_FILE_NAME, c->file, c->file_len, 0644);
        if (r < 0) {
                fail_at(c->fail, NULL, r, strdup("cannot persist the settings"));
                *ret = undo(c->st, c->sr, c->dfd, &c->j, c->j.n_keys, true, c->fail);
                return false;
        }
        r = fault_point("modules");
        if (r < 0 || (r = modules_file_sync(c->sr, c->file_present ? c->file : NULL, c->file_len)) < 0) {
                fail_at(c->fail, NULL, r, strdup("cannot write " MODULES_DIR "/" MODULES_FILE_NAME));
                *ret = undo(c->st, c->sr, c->dfd, &c->j, c->j.n_keys, true, c->fail);
                return false;
        }
        fault_point("persisted");
        return true;
}

/* 4. The generation: once it is on disk the transaction is committed. */
static bool commit_record(struct commit *c, enum txn_result *ret)
{
        struct record g = c->j;
        g.is_journal = false;
        g.persist = c->t->persist;
        g.file_present = c->file_write ? c->file_present : c->cur_present;
        g.file = (char *)(c->file_write ? c->file : c->cur); /* borrowed, never written through */
        g.file_len = c->file_write ? c->file_len : c->cur_len;
        g.base = c->t->base; /* borrowed too, like the keys */
        g.n_base = c->t->n_base;
        int r = borrow_keys(c, &g, false);
        g.has_base = true; /* even empty: after a rollback to 0, twtune manages nothing */
        if (r == 0)
                r = fault_point("generation");
        if (r == 0)
                r = state_generation_write(c->st, &g);
        if (r == 0) /* as if the record landed but its directory fsync failed */
                r = fault_point("recorded");
        free_borrowed(&g);
        if (r == 0)
                return true;
        fail_at(c->fail, NULL, r, strdup("cannot record the generation"));
        /* A record renamed into place before a failed directory fsync must go before the undo,
         * or history and verify would show a generation that was rolled back. If it cannot be
         * removed, the transaction stands as committed and the journal stays: recover sees the
         * generation and keeps it, so live values, file and history still agree. */
        if (r != -EEXIST && state_generation_remove(c->st, c->j.generation) < 0) {
                for (size_t i = 0; i < c->j.n_keys; i++)
                        left_changed(c->fail, c->j.keys[i].key);
                c->fail->file_left_changed = c->file_write;
                *ret = TXN_RESTORE_FAILED;
                return false;
        }
        *ret = undo(c->st, c->sr, c->dfd, &c->j, c->j.n_keys, c->file_write, c->fail);
        return false;
}

int txn_commit(struct state *st, struct sysroot *sr, struct txn *t, struct txn_failure *fail, enum txn_result *ret)
{
        *fail = (struct txn_failure){0};
        struct commit c = {.st = st, .sr = sr, .t = t, .fail = fail, .j = {.is_journal = true, .time = (long long)time(NULL)}};
        unsigned long *ids = NULL;
        size_t n_ids = 0;
        int r;

        c.dfd = sysroot_open_dir(sr, SYSROOT_SYSCTL_D, t->persist);
        if (c.dfd < 0 && t->persist) {
                r = fail_at(fail, NULL, c.dfd, strdup("cannot open the sysctl.d directory"));
                goto out;
        }
        if ((r = commit_read_file(&c)) < 0)
                goto out;
        if ((r = state_generations(st, &ids, &n_ids)) < 0) {
                fail_at(fail, NULL, r, strdup("cannot list the generations in the state directory"));
                goto out;
        }
        c.j.generation = n_ids ? ids[n_ids - 1] + 1 : 1;
        if ((r = commit_plan_file(&c)) < 0)
                goto out;
        /* Dropping a managed key already at its baseline writes nothing but still changes what
         * twtune manages, which only a generation records. */
        bool drops = false;
        for (size_t i = 0; i < t->n; i++)
                drops |= t->items[i].restore;
        if (txn_count_writes(t) == 0 && !c.file_write && !drops && !t->record_always) {
                *ret = TXN_UNCHANGED;
                goto out;
        }
        if ((r = commit_journal(&c)) < 0)
                goto out;
        if (commit_keys(&c, ret) && commit_persist(&c, ret) && commit_record(&c, ret)) {
                fault_point("commit");
                state_journal_remove(st); /* if this fails, recovery sees the generation and just drops it */
                t->generation = c.j.generation;
                *ret = TXN_COMMITTED;
        }
out:
        free_borrowed(&c.j);
        free(c.item_of);
        free(c.cur);
        free(ids);
        if (c.dfd >= 0)
                close(c.dfd);
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
        r = state_generation_read(st, j->generation, &g);
        if (r == 0) {
                /* Killed after the commit point: only the journal is left to drop, and the modules
                 * file to bring in line with the persisted file the generation recorded. */
                if (j->persist && modules_file_sync(sr, g->file_present ? g->file : NULL, g->file_len) < 0)
                        fail->file_left_changed = true;
                record_free(g);
                record_free(j);
                *ret = TXN_COMMITTED;
                return state_journal_remove(st);
        }
        if (r != -ENOENT) {
                /* Only a generation known to be absent means "not committed": undoing a committed
                 * transaction because its record could not be read would contradict its history. */
                record_free(j);
                return r;
        }
        int dfd = j->persist ? sysroot_open_dir(sr, SYSROOT_SYSCTL_D, true) : -1;
        *ret = undo(st, sr, dfd, j, j->n_keys, j->persist, fail);
        if (dfd >= 0)
                close(dfd);
        record_free(j);
        return 0;
}
