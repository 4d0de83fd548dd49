/* SPDX-License-Identifier: MIT */
/* Transaction planning: what an apply or a rollback will write, in which order, and what the
 * kernel will change along with it. Nothing here writes; txn.c commits the plan. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kb.h"
#include "key.h"
#include "managed.h"
#include "modules_file.h"
#include "sha256.h"
#include "state.h"
#include "sysroot.h"
#include "txn.h"
#include "util.h"
#include "value.h"

/* A value as the plan holds it: blanks normalised, the run's one copy (values such as "1" repeat
 * thousands of times). NULL when out of memory. */
static const char *plan_value(const char *s)
{
        char *norm = value_normalize(s);
        const char *v = str_intern(norm);
        free(norm);
        return v;
}

static int add_item(struct txn *t, const char *key, const char *before, const char *after, bool optional, bool dependent)
{
        struct txn_item *v = array_grow(t->items, t->n, sizeof(*v));
        if (!v)
                return -ENOMEM;
        t->items = v;
        /* A copy made before a failure is freed with the arena. */
        struct txn_item it = {.key = strarena_dup(&t->strs, key), .before = plan_value(before),
                              .after = plan_value(after), .optional = optional, .dependent = dependent};
        if (!it.key || !it.before || !it.after || strmap_put(&t->keyset, it.key, 0) < 0)
                return -ENOMEM;
        it.write = !kb_value_equal(key, it.before, it.after);
        v[t->n++] = it;
        return 0;
}

/* Gives back the room array_grow left at the end of the items and baselines (up to half of them)
 * once the plan is complete: nothing is added after, and no key is looked up. */
static void trim_items(struct txn *t)
{
        strmap_release(&t->keyset);
        struct txn_item *v = t->n ? realloc(t->items, t->n * sizeof(*v)) : NULL;
        if (v)
                t->items = v;
        struct rec_base *b = t->n_base ? realloc(t->base, t->n_base * sizeof(*b)) : NULL;
        if (b)
                t->base = b;
}

/* A baseline as the plan holds it: one line (tabs too become spaces, as a record's line would
 * make them), the run's one copy. */
static const char *base_value(const char *s)
{
        if (!strpbrk(s, "\t\r\n"))
                return str_intern(s);
        char *c = strdup(s);
        for (char *p = c; p && *p; p++)
                if (*p == '\n' || *p == '\r' || *p == '\t')
                        *p = ' ';
        const char *v = str_intern(c);
        free(c);
        return v;
}

/* Appends a managed key and its baseline to t->base: the key copied into t->strs unless it is
 * there already (an item's), the value interned. */
static int add_base(struct txn *t, const char *key, bool copy_key, const char *value)
{
        struct rec_base *v = array_grow(t->base, t->n_base, sizeof(*v));
        if (!v)
                return -ENOMEM;
        t->base = v;
        const char *k = copy_key ? strarena_dup(&t->strs, key) : key, *b = base_value(value ? value : "");
        if (!k || !b)
                return -ENOMEM;
        /* Casts: a record's strings are its own when parsed; these are never written through. */
        v[t->n_base++] = (struct rec_base){(char *)k, (char *)b};
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
        return strmap_get(&t->keyset, key, NULL);
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
#define PROP_BUF 256 /* a guessed dependent pattern (kb_propagation_or_conf) */

static const struct kb_propagation *propagation(const char *key, struct kb_propagation *tmp, char *buf)
{
        return kb_propagation_or_conf(key, tmp, buf, PROP_BUF, NULL);
}

static void order_propagating(struct txn *t)
{
        size_t w = 0;
        struct kb_propagation tmp;
        char buf[PROP_BUF];
        for (size_t i = 0; i < t->n; i++)
                if (!t->items[i].dependent && propagation(t->items[i].key, &tmp, buf)) {
                        struct txn_item it = t->items[i];
                        memmove(&t->items[w + 1], &t->items[w], (i - w) * sizeof(it));
                        t->items[w++] = it;
                }
}

/* A key after a propagating write does not keep the value read when planning: the write gives it
 * whatever the kernel propagates first. So it is written, to the value it must end with. */
static void mark_clobbered(struct txn *t)
{
        struct kb_propagation tmp;
        char buf[PROP_BUF];
        for (size_t i = 0; i < t->n; i++) {
                const struct kb_propagation *pr = propagation(t->items[i].key, &tmp, buf);
                if (!pr || !t->items[i].write)
                        continue;
                for (size_t k = i + 1; k < t->n; k++)
                        if (kb_propagation_covers(pr, t->items[k].key))
                                t->items[k].write = true;
        }
}

/* Whether writing p (a key of the plan) leaves d with p's own value whatever d held: ip_forward and
 * conf.all.forwarding share one value (each in the table covers the other), and a propagating 'all'
 * key of the table sets 'default' to its value (devinet.c inet_forward_change; addrconf.c
 * addrconf_fixup_forwarding, addrconf_set_all_disable). Not a conf.default key: it is copied only
 * into interfaces that follow it, and never into 'all' (IPv4 devinet_copy_dflt_conf, IPv6 default
 * has no handler that propagates; both observed on 6.18). Not a guessed (measured) propagation:
 * what it changes is only known once it is read back. */
static bool forces_value(const char *p, const char *d)
{
        const struct kb_propagation *pp = kb_propagation(p), *pd = kb_propagation(d);
        if (!pp || strstr(p, ".conf.default.") || !kb_propagation_covers(pp, d))
                return false;
        const char *pa = strrchr(p, '.'), *da = strrchr(d, '.');
        bool dflt = strstr(d, ".conf.default.") && pa && da && strcmp(pa, da) == 0;
        return dflt || (pd && kb_propagation_covers(pd, p));
}

/* A dependent p's write forces to p's value (forces_value) ends with that value: the value recorded
 * for it at another time would undo that key's write, or contradict it. */
static void settle_dependents(struct txn *t)
{
        for (size_t i = 0; i < t->n; i++) {
                struct txn_item *d = &t->items[i];
                for (size_t k = 0; d->dependent && k < t->n; k++) {
                        const struct txn_item *p = &t->items[k];
                        if (p->dependent || !forces_value(p->key, d->key))
                                continue;
                        d->after = p->after; /* str_intern's: shared */
                        d->write = !kb_value_equal(d->key, d->before, d->after);
                        break;
                }
        }
}

/* In a rollback, a key the target generation did not manage itself (later) that an IPv4 conf.default
 * key it did manage reaches, written by the rollback, is left to the kernel and read back as a
 * dependent: the default reaches only the interfaces that follow it, so one that still follows had
 * the default's value at the target. Not one a record shows twtune wrote itself: it no longer follows.
 * A later key that an IPv6 conf.all key or IPv4 forwarding reaches (the kernel forces those) is
 * written back after that write, to the value the first later record found: at the target the
 * propagating key may already have held its value unwritten, so the interface kept its own (walk
 * seeds 38, 632681087, 372080024: an interface ended with 'all''s value). Known gap: a hand write of
 * the propagating key between the target and the next twtune command is taken as the target's. */
static void settle_followers(struct txn *t)
{
        struct kb_propagation tmp;
        char buf[PROP_BUF];
        for (size_t p = 0; p < t->n; p++) {
                struct txn_item *pi = &t->items[p];
                bool ipv4_default = strncmp(pi->key, "net.ipv4.conf.default.", 22) == 0;
                const struct kb_propagation *pr = !ipv4_default || pi->later || pi->dependent || !pi->write
                                                  ? NULL : propagation(pi->key, &tmp, buf);
                for (size_t j = 0; pr && j < t->n; j++)
                        if (t->items[j].later && t->items[j].dependent && !t->items[j].own &&
                            kb_propagation_covers(pr, t->items[j].key)) {
                                t->items[j].write = false;
                                t->items[j].dependent = true;
                        }
        }
}

/* An IPv4 interface that has never had its own value written follows conf.default: a write of
 * conf.default.X copies into it (devinet_copy_dflt_conf), and writing the interface's key ends that
 * for good (the kernel keeps a per-interface "set" bit that nothing clears; observed 6.18). So a
 * rollback does not write a dependent of such a key in the plan whose value comes from a later record
 * (found at another time, perhaps after a hand write of default): an interface twtune's write of
 * default changed was a follower, and gets its value back from default's own write. Read back like
 * any dependent (or, default unwritten, left as it is). A dependent the target recorded itself is
 * written only if default's write did not already give it its value (commit_keys), so a follower
 * is not written either. Not forwarding, whose default the kernel does not copy. */
static void settle_default_followers(struct txn *t)
{
        static const char pre[] = "net.ipv4.conf.default.";
        for (size_t p = 0; p < t->n; p++) {
                const char *key = t->items[p].key, *attr = key + sizeof(pre) - 1;
                if (t->items[p].dependent || strncmp(key, pre, sizeof(pre) - 1) != 0 || strcmp(attr, "forwarding") == 0)
                        continue;
                for (size_t j = 0; j < t->n; j++) {
                        struct txn_item *d = &t->items[j];
                        const char *da = strrchr(d->key, '.');
                        if (!d->dependent || !d->later || d->own || strncmp(d->key, "net.ipv4.conf.", 14) != 0 || !da || strcmp(da + 1, attr) != 0 ||
                            strncmp(d->key + 14, "all.", 4) == 0 || strncmp(d->key + 14, "default.", 8) == 0)
                                continue;
                        d->write = false;
                        if (!t->items[p].write)
                                d->after = d->before; /* str_intern's: shared */
                }
        }
}

/* Marks the keys of the plan some record shows twtune wrote itself (a set or restore row, in any
 * generation): an IPv4 interface key written once no longer follows conf.default (the kernel's
 * per-interface "set" bit), whatever role its first later record gave it (a rollback's row of a key
 * it read back as a dependent, say). Walk seed 20261207 step 98: such an interface was left at
 * default's value instead of getting its own value at the target back. */
static int mark_own(struct txn *t, struct state *st, const unsigned long *ids, size_t n)
{
        for (size_t g = n; g-- > 0;) {
                bool open = false;
                for (size_t i = 0; i < t->n && !open; i++)
                        open = t->items[i].dependent && t->items[i].later && !t->items[i].own &&
                               strncmp(t->items[i].key, "net.ipv4.conf.", 14) == 0;
                if (!open)
                        break;
                struct record *rec = NULL;
                int r = state_generation_read(st, ids[g], &rec);
                if (r < 0)
                        return r;
                for (size_t k = 0; k < rec->n_keys; k++)
                        for (size_t i = 0; rec->keys[k].written && !rec->keys[k].dependent && i < t->n; i++)
                                if (strcmp(t->items[i].key, rec->keys[k].key) == 0)
                                        t->items[i].own = true;
                record_free(rec);
        }
        return 0;
}

/* Adds, as dependents, the live keys a propagating write will change, so that undo and rollback
 * can restore what the kernel changed behind the profile. twtune does not write them: their
 * after-values are read back once the key is written (commit_keys). */
static int add_dependents(struct txn *t, struct sysroot *sr, char **ret_key)
{
        size_t n = t->n;
        struct kb_propagation tmp;
        char buf[PROP_BUF];
        for (size_t i = 0; i < n; i++) {
                const struct kb_propagation *pr = propagation(t->items[i].key, &tmp, buf);
                if (!pr || !t->items[i].write)
                        continue;
                for (size_t d = 0; d < ELEMENTSOF(pr->dependents) && pr->dependents[d]; d++) {
                        char **keys = NULL;
                        size_t nk = 0;
                        int r = sysroot_expand(sr, pr->dependents[d], &keys, &nk);
                        for (size_t k = 0; k < nk && r == 0; k++) {
                                char *cur = NULL;
                                /* An interface no sysctl key can name ('=', controls): not read,
                                 * so not restored either; the pattern's own instances skip it too. */
                                if (has_item(t, keys[k]) || key_unnameable(keys[k]))
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

static int finish_body(struct txn *t, bool load_modules)
{
        struct strbuf sb = {0};
        const char **keys = load_modules ? calloc(t->n + 1, sizeof(*keys)) : NULL;
        size_t nk = 0;
        for (size_t i = 0; i < t->n; i++)
                if (!t->items[i].dependent && !t->items[i].restore) {
                        sb_appendf(&sb, "%s%s = %s\n", t->items[i].optional ? "-" : "", t->items[i].key,
                                   t->items[i].after);
                        if (keys)
                                keys[nk++] = t->items[i].key;
                }
        if (keys) /* last: the body's leading '#' lines would read as the header */
                modules_body_line(&sb, keys, nk);
        sb.oom |= load_modules && !keys;
        free(keys);
        char *body = sb_steal(&sb);
        if (!body)
                return -ENOMEM;
        size_t len = strlen(body);
        char hex[SHA256_HEX_LEN + 1];
        sha256_hex(body, len, hex);
        /* Rendered once, the body inside it: the plan, the dry run and the commit share it. */
        if ((t->hash = strdup(hex)))
                t->file = txn_render_file(t->profile, body, t->hash, &t->file_len);
        free(body);
        if (!t->file)
                return -ENOMEM;
        t->body = t->file + t->file_len - len;
        return 0;
}

static int cmp_base(const void *a, const void *b)
{
        return strcmp(((const struct rec_base *)a)->key, ((const struct rec_base *)b)->key);
}

/* Managed keys the profile no longer sets go back to their baselines, in the same transaction. A
 * key that is gone (its interface removed) has nothing left to restore. */
static int plan_restores(struct txn *t, struct sysroot *sr, const struct managed *m, char **ret_key)
{
        for (size_t i = 0; m && i < m->n; i++) {
                const struct managed_key *k = &m->v[i];
                if (has_item(t, k->key))
                        continue;
                char *cur = NULL;
                int r = read_for_plan(sr, k->key, &cur);
                if (r == -ENOENT)
                        continue;
                if (r < 0)
                        return fail_key(ret_key, k->key, r);
                r = add_item(t, k->key, cur, k->baseline, false, false);
                free(cur);
                if (r < 0)
                        return r;
                struct txn_item *it = &t->items[t->n - 1];
                it->restore = true;
                it->foreign = k->last && !kb_value_equal(k->key, it->before, k->last);
        }
        return 0;
}

/* A key twtune starts managing may hold a value the kernel copied in when twtune wrote a managed
 * key that propagates to it (conf.all.forwarding to every interface, conf.default.X to those that
 * follow it): its value before twtune is then that key's baseline, not the copy. Only for a key
 * of the same attribute (which the kernel copies as is). NULL: no such key. */
static const char *copied_baseline(const struct managed *m, const char *key)
{
        const char *attr = strrchr(key, '.');
        struct kb_propagation tmp;
        char buf[PROP_BUF];
        for (size_t i = 0; m && attr && i < m->n; i++) {
                const struct kb_propagation *pr = propagation(m->v[i].key, &tmp, buf);
                const char *pattr = strrchr(m->v[i].key, '.');
                bool same = pattr && (strcmp(pattr, attr) == 0 ||
                                      (strcmp(m->v[i].key, "net.ipv4.ip_forward") == 0 && strcmp(attr, ".forwarding") == 0));
                if (pr && same && kb_propagation_covers(pr, key))
                        return m->v[i].baseline;
        }
        return NULL;
}

/* The managed set the apply leaves: every key it sets, with the baseline it already had or,
 * for a key managed from now on, its value before this transaction. */
static int plan_base(struct txn *t, const struct managed *m)
{
        for (size_t i = 0; i < t->n; i++) {
                const struct txn_item *it = &t->items[i];
                if (it->dependent || it->write_only || it->restore)
                        continue;
                const struct managed_key *k = m ? managed_find(m, it->key) : NULL;
                const struct managed_key *copy = m && !k ? managed_find_copy(m, it->key) : NULL;
                const char *base = k ? k->baseline : copied_baseline(m, it->key);
                if (!k && copy && kb_value_equal(it->key, copy->last, it->before))
                        base = copy->baseline; /* it still holds the value the kernel copied in */
                int r = add_base(t, it->key, false, base ? base : it->before);
                if (r < 0)
                        return r;
        }
        if (t->n_base)
                qsort(t->base, t->n_base, sizeof(*t->base), cmp_base);
        return 0;
}

int txn_from_profile(const struct profile *p, const struct validate_opts *o, struct sysroot *sr, bool persist,
                     const struct managed *m, struct txn **ret, char **ret_key)
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
        if (r == 0)
                r = plan_base(t, m);
        if (r == 0)
                r = plan_restores(t, sr, m, ret_key);
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
                r = finish_body(t, p->load_modules);
        if (r < 0) {
                txn_free(t);
                return r;
        }
        trim_items(t);
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

/* The persisted file as generation `at` left it: the file recorded by the newest generation up to
 * `at` that managed it. *ret_found is false when none did (the file before twtune's first persisting
 * generation is then the answer, which only a later record holds). */
static int file_at(struct state *st, const unsigned long *ids, size_t n, unsigned long at, bool *ret_found,
                   bool *ret_present, char **ret, size_t *ret_len)
{
        *ret_found = false;
        for (size_t i = n; i-- > 0;) {
                struct record *g = NULL;
                if (ids[i] > at)
                        continue;
                int r = state_generation_read(st, ids[i], &g);
                if (r < 0)
                        return r;
                if (g->persist) {
                        *ret_found = true;
                        *ret_present = g->file_present;
                        *ret = g->file;
                        *ret_len = g->file_len;
                        g->file = NULL;
                        record_free(g);
                        return 0;
                }
                record_free(g);
        }
        return 0;
}

/* The file the rollback leaves: generation `to`'s, byte for byte; and whether the file there now is
 * the one the newest generation recorded. */
static int plan_file(struct txn *t, struct state *st, struct sysroot *sr, const unsigned long *ids, size_t n,
                     unsigned long to, struct record **later, size_t nl)
{
        bool found = false, present = false;
        char *data = NULL;
        size_t len = 0;
        int r = file_at(st, ids, n, to, &found, &present, &data, &len);
        if (r == 0 && !found)
                r = plan_file_back(t, later, nl);
        if (r == 0 && found) {
                t->persist = true;
                free(t->file);
                t->file = present ? data : NULL;
                t->file_len = present ? len : 0;
                t->file_present = present;
                t->file_meta = false; /* a file twtune wrote: its default mode and owner */
                data = present ? NULL : data;
        }
        free(data);
        data = NULL;
        if (r == 0 && t->persist)
                r = file_at(st, ids, n, ids[n - 1], &found, &present, &data, &len);
        if (r == 0 && found) {
                int dfd = sysroot_open_dir(sr, SYSROOT_SYSCTL_D, false);
                char *cur = NULL;
                size_t cur_len = 0;
                int q = dfd >= 0 ? txn_read_file(dfd, &cur, &cur_len) : -ENOENT;
                if (dfd >= 0)
                        close(dfd);
                t->file_edited = present ? q != 0 || cur_len != len || memcmp(cur, data, len) != 0 : q != -ENOENT;
                free(cur);
        }
        free(data);
        return r;
}

/* Marks the rollback's keys whose live value is not the one twtune last left them at (the newest
 * record line's after-value, over every generation): an out-of-band change (by hand, another tool,
 * sysctl --system, a boot), which the rollback overwrites or, for a key it leaves to the kernel,
 * may leave in place. Reported, never adopted silently. A write-only key has no value to compare. */
static int mark_foreign(struct txn *t, struct state *st, const unsigned long *ids, size_t n)
{
        for (size_t g = n; g-- > 0;) {
                struct record *rec = NULL;
                bool open = false;
                for (size_t i = 0; i < t->n && !open; i++)
                        open = !t->items[i].write_only && !t->items[i].left;
                if (!open)
                        break;
                int r = state_generation_read(st, ids[g], &rec);
                if (r < 0)
                        return r;
                for (size_t k = 0; k < rec->n_keys; k++) {
                        const struct rec_key *rk = &rec->keys[k];
                        for (size_t i = 0; i < t->n; i++) {
                                struct txn_item *it = &t->items[i];
                                if (it->left || it->write_only || rk->write_only || strcmp(it->key, rk->key) != 0)
                                        continue;
                                if (!(it->left = strdup(rk->after))) {
                                        record_free(rec);
                                        return -ENOMEM;
                                }
                        }
                }
                record_free(rec);
        }
        for (size_t i = 0; i < t->n; i++) {
                struct txn_item *it = &t->items[i];
                it->foreign = it->left && !kb_value_equal(it->key, it->before, it->left);
                if (!it->foreign) {
                        free(it->left);
                        it->left = NULL;
                }
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
        t->is_rollback = true;
        t->restores = to;
        struct managed m = {0};
        if ((r = managed_at(st, to, &m)) < 0)
                goto out;
        for (size_t i = 0; i < m.n && r == 0; i++)
                r = add_base(t, m.v[i].key, true, m.v[i].baseline);
        managed_release(&m);
        if (r < 0)
                goto out;
        if (to > 0 && (r = state_generation_read(st, to, &base)) < 0)
                goto out;
        for (size_t i = 0; i < n && r == 0; i++)
                if (ids[i] > to && (r = state_generation_read(st, ids[i], &later[nl])) == 0)
                        nl++;

        /* The value each key had at generation `to`: its value there, or, for keys first managed
         * later, the value before the first later generation that touched them. */
        for (size_t k = 0; base && k < base->n_keys && r == 0; k++)
                r = plan_back(t, sr, &base->keys[k], base->keys[k].after, ret_key);
        size_t nb = t->n;
        for (size_t g = 0; g < nl && r == 0; g++)
                for (size_t k = 0; k < later[g]->n_keys && r == 0; k++)
                        r = plan_back(t, sr, &later[g]->keys[k], later[g]->keys[k].before, ret_key);
        for (size_t i = nb; i < t->n; i++)
                t->items[i].later = true;
        if (r == 0)
                r = plan_file(t, st, sr, ids, n, to, later, nl);
        unsigned long now_state = 0, to_state = 0;
        if (r == 0 && (r = managed_state_of(st, ids[n - 1], &now_state)) == 0)
                r = managed_state_of(st, to, &to_state);
        t->record_always = now_state != to_state;
        if (r == 0 && base && base->hash && !(t->hash = strdup(base->hash)))
                r = -ENOMEM;
        if (r == 0) {
                r = mark_own(t, st, ids, n);
        }
        if (r == 0) {
                order_propagating(t);
                order_coupled(t);
                /* Dependents a key of the plan forces take its value first, so that only a write
                 * still planned after that clobbers the keys after it: a later record's conf.default
                 * value that 'all' then forces back is no write (walk seed 31 step 274: interfaces
                 * written with the values they held, a generation recorded for nothing). */
                settle_dependents(t);
                mark_clobbered(t);
                settle_followers(t);
                settle_default_followers(t);
                /* What the kernel changes along with the keys the rollback writes, read back and
                 * recorded like an apply's, so that a later rollback can give it back. */
                r = add_dependents(t, sr, ret_key);
        }
        if (r == 0)
                r = mark_foreign(t, st, ids, n);
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
        trim_items(t);
        *ret = t;
        return 0;
}
