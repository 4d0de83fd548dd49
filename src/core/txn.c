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
                free(t->items[i].kept);
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

static int add_item(struct txn *t, const char *key, const char *before, const char *after, bool optional, bool dependent)
{
        struct txn_item *v = realloc(t->items, (t->n + 1) * sizeof(*v));
        if (!v)
                return -ENOMEM;
        t->items = v;
        struct txn_item it = {strdup(key), value_normalize(before), value_normalize(after), false, optional, dependent,
                              false, NULL};
        if (!it.key || !it.before || !it.after) {
                free(it.key);
                free(it.before);
                free(it.after);
                return -ENOMEM;
        }
        it.write = !kb_value_equal(key, it.before, it.after);
        v[t->n++] = it;
        return 0;
}

/* Known to be write-only (mode 0200), where a read would not say so (a fake root, a snapshot). */
static bool key_write_only(const char *key)
{
        const struct kb_entry *e = kb_lookup(key);
        return e && e->write_only;
}

static bool has_item(const struct txn *t, const char *key)
{
        for (size_t i = 0; i < t->n; i++)
                if (strcmp(t->items[i].key, key) == 0)
                        return true;
        return false;
}

/* Reads a key's live value for a plan. A value a record could not give back exactly (a control
 * character, a multi-line value) cannot be restored, so it is refused (-EBADMSG). */
static int read_for_plan(struct sysroot *sr, const char *key, char **ret)
{
        char *cur = NULL;
        int r = sysroot_read_sysctl(sr, key, &cur);
        if (r < 0)
                return r;
        if (!record_value_valid(cur)) {
                free(cur);
                return -EBADMSG;
        }
        *ret = cur;
        return 0;
}

static int fail_key(char **ret_key, const char *key, int r)
{
        if (ret_key && r != -ENOMEM)
                *ret_key = strdup(key);
        return r;
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

/* A key the kernel propagates goes first, so that its write cannot overwrite a later explicit
 * value of a key it propagates to. Stable, so the profile's order holds otherwise. */
static void order_propagating(struct txn *t)
{
        size_t w = 0;
        for (size_t i = 0; i < t->n; i++)
                if (kb_propagation(t->items[i].key)) {
                        struct txn_item it = t->items[i];
                        memmove(&t->items[w + 1], &t->items[w], (i - w) * sizeof(it));
                        t->items[w++] = it;
                }
}

/* A key after a propagating write does not keep the value read when planning: the write gives it
 * whatever the kernel propagates first. So it is written, to the value it must end with. */
static void mark_clobbered(struct txn *t)
{
        for (size_t i = 0; i < t->n; i++) {
                const struct kb_propagation *pr = kb_propagation(t->items[i].key);
                if (!pr || !t->items[i].write)
                        continue;
                for (size_t k = i + 1; k < t->n; k++)
                        if (kb_propagation_covers(pr, t->items[k].key))
                                t->items[k].write = true;
        }
}

/* Adds, as dependents, the live keys a propagating write will change, so that undo and rollback
 * can restore what the kernel changed behind the profile. twtune does not write them: their
 * after-values are read back once the key is written (commit_keys). */
static int add_dependents(struct txn *t, struct sysroot *sr, char **ret_key)
{
        size_t n = t->n;
        for (size_t i = 0; i < n; i++) {
                const struct kb_propagation *pr = kb_propagation(t->items[i].key);
                if (!pr || !t->items[i].write)
                        continue;
                for (size_t d = 0; d < ELEMENTSOF(pr->dependents) && pr->dependents[d]; d++) {
                        char **keys = NULL;
                        size_t nk = 0;
                        int r = sysroot_expand(sr, pr->dependents[d], &keys, &nk);
                        for (size_t k = 0; k < nk && r == 0; k++) {
                                char *cur = NULL;
                                if (has_item(t, keys[k]))
                                        continue;
                                r = read_for_plan(sr, keys[k], &cur);
                                if (r == -ENOENT) /* gone since it was listed */
                                        r = 0;
                                else if (r < 0)
                                        r = fail_key(ret_key, keys[k], r);
                                else
                                        r = add_item(t, keys[k], cur, cur, false, true);
                                free(cur);
                        }
                        for (size_t k = 0; k < nk; k++)
                                free(keys[k]);
                        free(keys);
                        if (r < 0)
                                return r;
                }
        }
        return 0;
}

static int finish_body(struct txn *t)
{
        struct strbuf sb = {0};
        for (size_t i = 0; i < t->n; i++)
                if (!t->items[i].dependent)
                        sb_appendf(&sb, "%s%s = %s\n", t->items[i].optional ? "-" : "", t->items[i].key,
                                   t->items[i].after);
        t->body = sb_steal(&sb);
        if (!t->body)
                return -ENOMEM;
        char hex[SHA256_HEX_LEN + 1];
        sha256_hex(t->body, strlen(t->body), hex);
        t->hash = strdup(hex);
        return t->hash ? 0 : -ENOMEM;
}

int txn_from_profile(const struct profile *p, const struct validate_opts *o, struct sysroot *sr, bool persist,
                     struct txn **ret, char **ret_key)
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
                if (!setting_active(s, o) || setting_removed_noop(s, o))
                        continue;
                char *cur = NULL;
                r = read_for_plan(sr, s->key, &cur);
                if (r == -ENOENT && s->optional) {
                        r = 0;
                        continue;
                }
                if (r == -EACCES || (r == 0 && key_write_only(s->key))) {
                        /* Nothing to compare: it is written when the transaction writes anything. */
                        free(cur);
                        if ((r = add_item(t, s->key, "", s->value, s->optional, false)) == 0) {
                                t->items[t->n - 1].write_only = true;
                                t->items[t->n - 1].write = false;
                        }
                        continue;
                }
                if (r < 0) {
                        r = fail_key(ret_key, s->key, r);
                        break;
                }
                const char *after = s->value;
                long long c, w;
                if (s->mode != SET_EXACT && parse_kernel_int(cur, &c) == 0 && parse_kernel_int(s->value, &w) == 0 &&
                    (s->mode == SET_AT_LEAST ? c >= w : c <= w))
                        after = cur;
                r = add_item(t, s->key, cur, after, s->optional, false);
                free(cur);
        }
        if (r == 0) {
                order_propagating(t);
                order_coupled(t);
                mark_clobbered(t);
                r = add_dependents(t, sr, ret_key);
        }
        if (r == 0 && txn_count_writes(t) > 0)
                for (size_t i = 0; i < t->n; i++)
                        t->items[i].write |= t->items[i].write_only;
        if (r == 0)
                r = finish_body(t);
        if (r < 0) {
                txn_free(t);
                return r;
        }
        *ret = t;
        return 0;
}

/* Adds a key from a record to a rollback plan, with the value it goes back to. */
static int plan_back(struct txn *t, struct sysroot *sr, const struct rec_key *k, const char *value, char **ret_key)
{
        if (k->write_only || has_item(t, k->key))
                return 0; /* a write-only key has no earlier value to go back to */
        char *cur = NULL;
        int r = read_for_plan(sr, k->key, &cur);
        if (r == -ENOENT && k->dependent)
                return 0; /* its interface is gone, and with it what there was to restore */
        if (r < 0)
                return fail_key(ret_key, k->key, r);
        r = add_item(t, k->key, cur, value, false, k->dependent);
        free(cur);
        return r;
}

/* The file at `to` is what the first later generation that managed it found. */
static int plan_file_back(struct txn *t, struct record **later, size_t nl)
{
        for (size_t g = 0; g < nl; g++) {
                const struct record *r = later[g];
                if (!r->persist)
                        continue;
                t->persist = true;
                t->file_present = r->file_before_present;
                t->file_meta = r->file_before_meta;
                t->file_mode = r->file_before_mode;
                t->file_uid = r->file_before_uid;
                t->file_gid = r->file_before_gid;
                if (t->file_present) {
                        if (!(t->file = malloc(r->file_before_len + 1)))
                                return -ENOMEM;
                        memcpy(t->file, r->file_before, r->file_before_len);
                        t->file[r->file_before_len] = '\0';
                        t->file_len = r->file_before_len;
                }
                break;
        }
        return 0;
}

int txn_from_generation(struct state *st, struct sysroot *sr, unsigned long to, struct txn **ret, char **ret_key)
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
        struct record **later = calloc(n, sizeof(*later));
        size_t nl = 0;
        if (!t || !later || !(t->profile = str_printf("rollback to generation %lu", to))) {
                r = -ENOMEM;
                goto out;
        }
        if (to > 0 && (r = state_generation_read(st, to, &base)) < 0)
                goto out;
        for (size_t i = 0; i < n && r == 0; i++)
                if (ids[i] > to && (r = state_generation_read(st, ids[i], &later[nl])) == 0)
                        nl++;

        /* The value each key had at generation `to`: its value there, or, for keys first managed
         * later, the value before the first later generation that touched them. */
        for (size_t k = 0; base && k < base->n_keys && r == 0; k++)
                r = plan_back(t, sr, &base->keys[k], base->keys[k].after, ret_key);
        for (size_t g = 0; g < nl && r == 0; g++)
                for (size_t k = 0; k < later[g]->n_keys && r == 0; k++)
                        r = plan_back(t, sr, &later[g]->keys[k], later[g]->keys[k].before, ret_key);
        if (r == 0)
                r = plan_file_back(t, later, nl);
        if (r == 0 && base && base->hash && !(t->hash = strdup(base->hash)))
                r = -ENOMEM;
        if (r == 0) {
                order_propagating(t);
                order_coupled(t);
                mark_clobbered(t);
        }
out:
        for (size_t g = 0; g < nl; g++)
                record_free(later[g]);
        free(later);
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

/* Sets a key and checks what the kernel kept. *ret_kept (if given) is the value read back when it
 * differs from value: on a mismatch (-EIO), or in form only (the kernel's rounding; 0). */
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
 * first; then every dependent, wherever it stands, since the kernel may have changed it as soon
 * as the key that propagates to it was written: restoring that key sets them all to one value,
 * and only then can each get its own back. Returns true when everything is back. */
static bool restore(struct sysroot *sr, int dfd, const struct record *j, size_t upto, bool with_file, struct txn_failure *f)
{
        bool ok = true;
        for (size_t i = upto; i-- > 0;)
                if (!j->keys[i].dependent)
                        ok &= restore_key(sr, &j->keys[i], f);
        for (size_t i = j->n_keys; i-- > 0;)
                if (j->keys[i].dependent)
                        ok &= restore_key(sr, &j->keys[i], f);
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

/* One txn_commit in progress. */
struct commit {
        struct state *st;
        struct sysroot *sr;
        struct txn *t;
        struct txn_failure *fail;
        int dfd;                 /* sysctl.d, -1 when not persisting and absent */
        char *cur, *file;        /* the persisted file now, and as the transaction leaves it */
        size_t cur_len, file_len;
        bool cur_present, file_present, file_write;
        struct record j;         /* the journal; borrows cur, file and the txn's strings */
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

/* The file the transaction leaves, and whether it must be written at all. */
static int commit_plan_file(struct commit *c)
{
        struct txn *t = c->t;
        c->file_present = t->render || t->file_present;
        if (t->render) {
                if (!(c->file = txn_render_file(t->profile, t->body, t->hash, c->j.generation, &c->file_len)))
                        return -ENOMEM;
        } else if (t->file_present) {
                if (!(c->file = malloc(t->file_len + 1)))
                        return -ENOMEM;
                memcpy(c->file, t->file, t->file_len);
                c->file_len = t->file_len;
        }
        if (!t->persist)
                c->file_write = false;
        else if (t->render)
                c->file_write = !c->cur_present || strcmp(txn_file_body(c->cur), t->body) != 0;
        else
                c->file_write = c->cur_present != c->file_present ||
                                (c->file_present && (c->cur_len != c->file_len || memcmp(c->cur, c->file, c->file_len) != 0));
        return 0;
}

static int add_record_key(struct record *r, const struct txn_item *it, bool written)
{
        int q = (it->dependent ? record_add_dependent : record_add_key)(r, it->key, it->before, it->after, written);
        if (q == 0)
                r->keys[r->n_keys - 1].write_only = it->write_only;
        return q;
}

/* 1. The journal: enough to undo everything below, on disk before anything changes. */
static int commit_journal(struct commit *c)
{
        struct record *j = &c->j;
        j->profile = c->t->profile;
        j->hash = c->t->hash;
        j->persist = c->file_write;
        j->file_before_present = c->cur_present;
        j->file_before = c->cur;
        j->file_before_len = c->cur_len;
        j->file_present = c->file_present;
        j->file = c->file;
        j->file_len = c->file_len;
        int r = 0;
        for (size_t i = 0; i < c->t->n && r == 0; i++)
                if (c->t->items[i].write || c->t->items[i].dependent)
                        r = add_record_key(j, &c->t->items[i], c->t->items[i].write);
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
        const struct kb_propagation *pr = kb_propagation(c->j.keys[written].key);
        for (size_t k = 0; pr && k < c->j.n_keys; k++) {
                struct rec_key *d = &c->j.keys[k];
                char *now = NULL;
                if (!d->dependent || d->written || !kb_propagation_covers(pr, d->key) ||
                    sysroot_read_sysctl(c->sr, d->key, &now) < 0)
                        continue;
                char *norm = value_normalize(now);
                free(now);
                for (size_t i = 0; norm && i < c->t->n; i++)
                        if (strcmp(c->t->items[i].key, d->key) == 0) {
                                free(c->t->items[i].after);
                                c->t->items[i].after = strdup(norm);
                        }
                if (norm) {
                        free(d->after);
                        d->after = norm;
                }
        }
}

/* 2. The live keys, in order, each read back. Returns true when all are set. */
static bool commit_keys(struct commit *c, enum txn_result *ret)
{
        for (size_t i = 0; i < c->j.n_keys; i++) {
                if (!c->j.keys[i].written)
                        continue; /* a dependent: the kernel sets it */
                char *kept = NULL;
                int r = c->j.keys[i].write_only ? write_only(c->sr, c->j.keys[i].key, c->j.keys[i].after)
                                                : write_verify(c->sr, c->j.keys[i].key, c->j.keys[i].after, "write", &kept);
                if (r < 0) {
                        fail_at(c->fail, c->j.keys[i].key, r, kept ? str_printf("the kernel kept '%s'", kept) : NULL);
                        free(kept);
                        /* The failed key too: a vector write can stop half way. */
                        *ret = undo(c->st, c->sr, c->dfd, &c->j, i + 1, false, c->fail);
                        return false;
                }
                for (size_t k = 0; kept && k < c->t->n; k++)
                        if (strcmp(c->t->items[k].key, c->j.keys[i].key) == 0) {
                                c->t->items[k].kept = kept;
                                kept = NULL;
                        }
                free(kept);
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
        g.file = c->file_write ? c->file : c->cur;
        g.file_len = c->file_write ? c->file_len : c->cur_len;
        g.keys = NULL;
        g.n_keys = 0;
        int r = 0;
        for (size_t i = 0; i < c->t->n && r == 0; i++)
                r = add_record_key(&g, &c->t->items[i], c->t->items[i].write);
        if (r == 0)
                r = fault_point("generation");
        if (r == 0)
                r = state_generation_write(c->st, &g);
        if (r == 0) /* as if the record landed but its directory fsync failed */
                r = fault_point("recorded");
        record_clear_keys(&g);
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
        if (txn_count_writes(t) == 0 && !c.file_write) {
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
        record_clear_keys(&c.j);
        free(c.cur);
        free(c.file);
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
                /* Killed after the commit point: only the journal is left to drop. */
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
