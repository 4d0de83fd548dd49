/* SPDX-License-Identifier: MIT */
/* The writes a boot makes, replayed against the keys' current values: which assignment each key
 * ends with, as the kernel keeps it. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot_internal.h"
#include "kb.h"
#include "kver.h"
#include "sysroot.h"
#include "util.h"
#include "value.h"

/* conf.all and conf.default of net.ipv4 or net.ipv6: no interface's own setting. */
static bool conf_shared(const char *key)
{
        static const char *const pre[] = {"net.ipv4.conf.", "net.ipv6.conf."};
        for (size_t i = 0; i < ELEMENTSOF(pre); i++) {
                size_t n = strlen(pre[i]);
                if (strncmp(key, pre[i], n) == 0)
                        return strncmp(key + n, "all.", 4) == 0 || strncmp(key + n, "default.", 8) == 0;
        }
        return false;
}

/* ---- what the kernel keeps of a write ---- */

static bool kspace(char c)
{
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* One integer as proc_get_long reads it: '-'? digits (base 0: 0x.. hex, 0.. octal), then a blank
 * or the end. 1 parsed, 0 refused, -1 out of int range (not modelled: the key may be a long). */
static int kparse_int(const char **pp, long long *ret)
{
        const char *p = *pp;
        bool neg = *p == '-';
        p += neg;
        if (!isdigit((unsigned char)*p))
                return 0;
        char *end;
        errno = 0;
        unsigned long long v = strtoull(p, &end, 0);
        if (errno || end == p)
                return -1;
        if (*end && *end != ' ' && *end != '\t' && *end != '\n')
                return 0;
        if (v > (unsigned long long)INT_MAX + neg)
                return -1;
        *ret = neg ? -(long long)v : (long long)v;
        *pp = end;
        return 1;
}

static int kwrite_ints(const char *key, const char *raw, const char *text, char **ret_raw)
{
        long long old[8], val[8];
        size_t n = 0;
        for (const char *p = raw;;) {
                while (kspace(*p))
                        p++;
                if (!*p)
                        break;
                if (n == ELEMENTSOF(old) || kparse_int(&p, &old[n]) != 1)
                        return BOOT_KW_UNKNOWN;
                n++;
        }
        if (n == 0)
                return BOOT_KW_UNKNOWN;
        const char *p = text;
        size_t got = 0, kl = strlen(key);
        bool port_range = n == 2 && kl >= 19 && strcmp(key + kl - 19, "ip_local_port_range") == 0;
        int ret = BOOT_KW_ACCEPT;
        for (; got < n; got++) {
                while (kspace(*p))
                        p++;
                if (!*p)
                        break;
                int r = kparse_int(&p, &val[got]);
                if (r < 0)
                        return BOOT_KW_UNKNOWN;
                if (r == 0) {
                        /* proc_dointvec stores each number as it reads it and then fails: "4097 # x"
                         * into tcp_wmem sets 4097 (observed 6.18, both tools report the failure).
                         * ip_local_port_range and ping_group_range parse into a copy: nothing. */
                        bool copy = port_range || (kl >= 16 && strcmp(key + kl - 16, "ping_group_range") == 0);
                        if (got == 0 || copy)
                                return BOOT_KW_REFUSE;
                        ret = BOOT_KW_PARTIAL;
                        break;
                }
        }
        if (got == 0)
                return BOOT_KW_REFUSE; /* nothing but blanks */
        for (size_t i = got; i < n; i++)
                val[i] = old[i]; /* a shorter write keeps the rest */
        if (port_range && (val[1] < val[0] || val[0] < 1 || val[1] > 65535))
                return BOOT_KW_REFUSE; /* ipv4_local_port_range's own check */
        char buf[8 * 24], *w = buf;
        for (size_t i = 0; i < n; i++)
                w += snprintf(w, sizeof(buf) - (size_t)(w - buf), "%s%lld", i ? "\t" : "", val[i]);
        if (!(*ret_raw = strdup(buf)))
                return -ENOMEM;
        return ret;
}

/* proc_do_large_bitmap: "a", "a-b" joined by ',' (a trailing one is fine), no blanks; shown
 * back as sorted ranges. */
static int kwrite_bitmap(const char *text, char **ret_raw)
{
        unsigned char *bits = calloc(65536 / 8, 1);
        if (!bits)
                return -ENOMEM;
        int r = BOOT_KW_ACCEPT;
        for (const char *p = text; *p && r == BOOT_KW_ACCEPT;) {
                char *end;
                unsigned long a, b;
                if (!isdigit((unsigned char)*p) || (a = strtoul(p, &end, 10)) > 65535) {
                        r = BOOT_KW_REFUSE;
                        break;
                }
                b = a;
                if (*end == '-') {
                        p = end + 1;
                        if (!isdigit((unsigned char)*p) || (b = strtoul(p, &end, 10)) > 65535 || b < a) {
                                r = BOOT_KW_REFUSE;
                                break;
                        }
                }
                if (*end && *end != ',')
                        r = BOOT_KW_REFUSE;
                for (unsigned long i = a; r == BOOT_KW_ACCEPT && i <= b; i++)
                        bits[i / 8] |= (unsigned char)(1u << (i % 8));
                p = *end ? end + 1 : end;
        }
        char *out = NULL;
        size_t len = 0, cap = 0;
        for (unsigned long i = 0; r == BOOT_KW_ACCEPT && i < 65536;) {
                if (!(bits[i / 8] & (1u << (i % 8)))) {
                        i++;
                        continue;
                }
                unsigned long j = i;
                while (j + 1 < 65536 && (bits[(j + 1) / 8] & (1u << ((j + 1) % 8))))
                        j++;
                if (len + 16 > cap) {
                        char *o = realloc(out, cap = cap * 2 + 64);
                        if (!o) {
                                r = -ENOMEM;
                                break;
                        }
                        out = o;
                }
                len += (size_t)(j > i ? snprintf(out + len, cap - len, "%s%lu-%lu", len ? "," : "", i, j)
                                      : snprintf(out + len, cap - len, "%s%lu", len ? "," : "", i));
                i = j + 1;
        }
        free(bits);
        if (r == BOOT_KW_ACCEPT && !out && !(out = strdup("")))
                r = -ENOMEM;
        if (r == BOOT_KW_ACCEPT)
                *ret_raw = out;
        else
                free(out);
        return r;
}

int boot_kernel_write(const char *key, const char *raw, const char *text, char **ret_raw)
{
        size_t kl = strlen(key);
        if (kl >= 24 && strcmp(key + kl - 24, ".ip_local_reserved_ports") == 0)
                return kwrite_bitmap(text, ret_raw);
        if (!raw)
                return BOOT_KW_UNKNOWN;
        return kwrite_ints(key, raw, text, ret_raw);
}

/* ---- the replay ---- */

#define NO_SETTING UINT32_MAX
#define NO_NODE UINT32_MAX

/* A key the replay touched. Its strings are the view's (b->strs): no copy of its own. */
struct node {
        const char *key;
        const char *raw;  /* the content as simulated; NULL: unknown (no such key below the root) */
        const char *text; /* the text of the assignment the setting came from */
        uint32_t set;     /* its setting in sim.s, or NO_SETTING (a node is 32 bytes) */
        bool written;     /* the kernel's per-device "written" bit (conf/default copies skip it) */
        bool unreadable;  /* the key exists but cannot be read: write-only (route.flush) */
};

struct sim {
        struct sysroot *sr;
        enum boot_rules rules;
        struct findings *f;
        struct strarena *strs;
        struct node *v;
        size_t n;
        /* A key's node: systemd's options already index every key they set or exclude (opt_of:
         * key -> its live option), so those keys find their node through opt_node (one slot per
         * option) and only the others (a glob's, a propagation's) take a place in idx. */
        const struct strmap *opt_of;
        uint32_t *opt_node;
        struct strmap idx;
        struct boot_setting *s; /* becomes b->settings */
        size_t ns;
        bool oom;
};

/* The arena's copy of S (NULL stays NULL); out of memory is recorded. */
static const char *keep(struct sim *x, const char *s)
{
        const char *p = strarena_intern(x->strs, s);
        if (s && !p)
                x->oom = true;
        return p;
}

/* The same for an allocated string, which is freed. */
static const char *keep_free(struct sim *x, char *s)
{
        const char *p = keep(x, s);
        free(s);
        return p;
}

static const char *norm(struct sim *x, const char *value)
{
        char *n = value_normalize(value);
        if (!n)
                x->oom = true;
        return n ? keep_free(x, n) : NULL;
}

/* The value a key has when the boot starts writing, which is not its live value: a hand write, a
 * twtune apply or a default's copy made since the last boot are gone. For a per-namespace key of
 * the host (root "/") on the kernel the structural tier was read on, its value in a fresh network
 * namespace (kb_gen seen, a single number: a vector's blanks differ from /proc's); otherwise the live value stays the best guess. It decides whether
 * systemd skips a write as redundant, and so whether a conf.default write reaches the interfaces. */
static void boot_start_value(struct sim *x, const char *key, const char **raw)
{
        static int same_kernel = -1; /* per process: the running kernel does not change */
        if (strcmp(sysroot_path(x->sr), "/") != 0)
                return;
        if (same_kernel < 0) {
                char *rel = NULL;
                struct kver run, gen;
                same_kernel = sysroot_read_sysctl(x->sr, "kernel.osrelease", &rel) == 0 && kver_parse(rel, &run) == 0 &&
                              kver_parse(kb_gen_kernel, &gen) == 0 && run.major == gen.major && run.minor == gen.minor;
                free(rel);
        }
        const struct kb_gen *g = same_kernel ? kb_gen_lookup(key) : NULL;
        if (g && g->scope == KBG_NETNS && g->seen && !strpbrk(g->seen, " \t"))
                *raw = g->seen; /* static */
}

/* KEY is the arena's own (an option's) when kept, else a copy is made for a new node. */
static struct node *sim_get(struct sim *x, const char *key, bool kept)
{
        size_t i, o;
        bool by_opt = x->opt_of && strmap_get(x->opt_of, key, &o);
        if (by_opt ? x->opt_node[o] != NO_NODE : strmap_get(&x->idx, key, &i))
                return &x->v[by_opt ? x->opt_node[o] : i];
        if (x->n >= NO_NODE) {
                x->oom = true;
                return NULL;
        }
        struct node *v = array_grow(x->v, x->n, sizeof(*v));
        if (!v) {
                x->oom = true;
                return NULL;
        }
        x->v = v;
        struct node *nd = &x->v[x->n];
        *nd = (struct node){.key = kept ? key : strarena_dup(x->strs, key), .set = NO_SETTING};
        if (!nd->key || (!by_opt && strmap_put(&x->idx, nd->key, x->n) < 0)) {
                x->oom = true;
                return NULL;
        }
        if (by_opt)
                x->opt_node[o] = (uint32_t)x->n;
        char *raw = NULL;
        int r = sysroot_read_sysctl(x->sr, key, &raw);
        if (r < 0) {
                nd->unreadable = r == -EACCES;
        } else {
                nd->raw = keep_free(x, raw);
                boot_start_value(x, key, &nd->raw);
        }
        x->n++;
        return nd;
}

static struct boot_setting *setting_of(struct sim *x, const struct node *nd)
{
        return nd->set == NO_SETTING ? NULL : &x->s[nd->set];
}

/* FILE and VALUE are the arena's (or NULL after running out of memory). */
static void push_assign(struct sim *x, struct boot_setting *s, const char *file, unsigned line, const char *value)
{
        struct boot_assign *v = file && value ? realloc(s->overrides, (s->n_overrides + 1) * sizeof(*v)) : NULL;
        if (!v) {
                x->oom = true;
                return;
        }
        s->overrides = v;
        v[s->n_overrides++] = (struct boot_assign){file, line, value};
}

/* The setting of nd comes from opt now, with value (the arena's). */
static void set_setting(struct sim *x, struct node *nd, const char *value, const struct boot_opt *o, bool inherited)
{
        if (!value) {
                x->oom = true;
                return;
        }
        struct boot_setting *s = setting_of(x, nd);
        if (s) {
                push_assign(x, s, s->file, s->line, s->value);
        } else {
                struct boot_setting *v = array_grow(x->s, x->ns, sizeof(*v));
                if (!v) {
                        x->oom = true;
                        return;
                }
                x->s = v;
                if (x->ns >= NO_SETTING) {
                        x->oom = true;
                        return;
                }
                nd->set = (uint32_t)x->ns++;
                s = &v[nd->set];
                *s = (struct boot_setting){.key = nd->key};
                for (size_t i = 0; i < o->nprior; i++)
                        push_assign(x, s, o->prior[i].file, o->prior[i].line, o->prior[i].value);
        }
        s->value = value;
        s->file = o->file;
        s->line = o->line;
        s->ignore_failure = o->ignore;
        s->pattern = o->glob ? o->key : NULL;
        s->inherited = inherited;
        nd->text = o->value;
}

/* What else the kernel sets when key is written (kb_propagation): the interfaces that never set
 * their own value (a conf.default write), or default and every interface (a conf.all write). */
static void propagate(struct sim *x, const char *key, const char *old_raw, const char *raw, const struct boot_opt *o)
{
        const struct kb_propagation *p = kb_propagation(key);
        if (!p || (p->reach == KB_REACH_ON_CHANGE && old_raw && value_equal(old_raw, raw)))
                return;
        for (size_t d = 0; d < ELEMENTSOF(p->dependents) && p->dependents[d]; d++) {
                char **keys = NULL;
                size_t nk = 0;
                if (sysroot_expand(x->sr, p->dependents[d], &keys, &nk) < 0)
                        continue;
                for (size_t i = 0; i < nk; i++) {
                        struct node *nd = strcmp(keys[i], key) ? sim_get(x, keys[i], false) : NULL;
                        bool unwritten = p->reach == KB_REACH_UNWRITTEN;
                        if (nd && nd->raw && (!unwritten || (!nd->written && !conf_shared(keys[i])))) {
                                bool neg = p->negated && strcmp(keys[i], p->negated) == 0;
                                const char *r = keep(x, neg ? (value_equal(raw, "0") ? "1" : "0") : raw);
                                if (r) {
                                        nd->raw = r;
                                        set_setting(x, nd, norm(x, r), o, true);
                                }
                        }
                        free(keys[i]);
                }
                free(keys);
        }
}

static void sim_write(struct sim *x, const char *key, bool kept, const struct boot_opt *o)
{
        struct node *nd = sim_get(x, key, kept);
        if (!nd)
                return;
        if (x->rules == BOOT_SYSTEMD && nd->raw && strcmp(nd->raw, o->value) == 0) {
                set_setting(x, nd, norm(x, o->value), o, false); /* in place: systemd skips the write */
                return;
        }
        if (x->rules == BOOT_SYSTEMD && nd->unreadable) {
                /* systemd-sysctl 252 opens the key for reading as well (to skip a write of the
                 * value it holds): a write-only key fails, "Permission denied" (observed). */
                struct srcloc loc = {o->file, o->line, 0};
                findings_add(x->f, SEV_WARNING, "boot-value-refused", key, &loc,
                             "%s = %s: systemd-sysctl cannot write a write-only key (it opens it for reading "
                             "too), so this assignment changes nothing at boot",
                             key, o->value);
                if (setting_of(x, nd))
                        push_assign(x, setting_of(x, nd), o->file, o->line, norm(x, o->value));
                return;
        }
        nd->written = true;
        char *raw = NULL;
        int r = boot_kernel_write(key, nd->raw, o->value, &raw);
        if (r < 0) {
                x->oom = true;
                return;
        }
        if (r == BOOT_KW_REFUSE) {
                struct srcloc loc = {o->file, o->line, 0};
                findings_add(x->f, SEV_WARNING, "boot-value-refused", key, &loc,
                             "%s = %s: the kernel refuses this value, so this assignment changes nothing at boot",
                             key, o->value);
                if (setting_of(x, nd))
                        push_assign(x, setting_of(x, nd), o->file, o->line, norm(x, o->value));
                return;
        }
        if (r == BOOT_KW_UNKNOWN) {
                set_setting(x, nd, norm(x, o->value), o, false);
                return;
        }
        const char *old = nd->raw, *now = keep_free(x, raw);
        if (!now)
                return;
        nd->raw = now;
        set_setting(x, nd, norm(x, now), o, false);
        if (r == BOOT_KW_PARTIAL && setting_of(x, nd)) { /* its own finding, not boot-value-cut's */
                struct srcloc loc = {o->file, o->line, 0};
                findings_add(x->f, SEV_WARNING, "boot-value-partial", key, &loc,
                             "%s = %s: the kernel stores the numbers before the text it cannot read, then refuses "
                             "the write (the tool reports a failure); the key ends as %s", key, o->value,
                             setting_of(x, nd)->value);
                nd->text = setting_of(x, nd)->value;
        }
        propagate(x, key, old, now, o);
}

char *boot_procps_path(const char *k, bool glob)
{
        char *s = strdup(k);
        if (!s)
                return NULL;
        size_t n = strlen(s);
        while (glob && n > 1 && (s[n - 1] == '.' || s[n - 1] == '/'))
                s[--n] = '\0';
        if (s[strcspn(s, "./")] == '.')
                for (char *p = s; *p; p++)
                        *p = *p == '.' ? '/' : *p == '/' ? '.' : *p;
        return s;
}

/* The path procps' glob(3) gives for KEY matched by the pattern path PAT: PAT's components as
 * written (empty ones from "//" kept), the non-empty ones replaced by KEY's in order. */
static char *procps_match_path(const char *pat, const char *key)
{
        char *out = malloc(strlen(pat) + strlen(key) + 2), *w = out;
        if (!out)
                return NULL;
        const char *k = key;
        for (const char *p = pat;;) {
                size_t pl = strcspn(p, "/");
                if (pl) {
                        size_t kl = strcspn(k, ".");
                        memcpy(w, k, kl);
                        w += kl;
                        k += kl + (k[kl] == '.');
                }
                if (!p[pl])
                        break;
                *w++ = '/';
                p += pl + 1;
        }
        *w = '\0';
        return out;
}

static void sim_glob(struct sim *x, const struct boot_opt *o, const struct strmap *skip)
{
        char **keys = NULL;
        size_t nk = 0;
        int r = sysroot_expand(x->sr, o->key, &keys, &nk);
        if (r == -ENOMEM)
                x->oom = true;
        if (r < 0 || nk == 0) { /* no /proc/sys below the root, or nothing matches here */
                struct srcloc loc = {o->file, o->line, 0};
                findings_add(x->f, SEV_INFO, "glob-matches-nothing", NULL, &loc,
                             "%s matches no key on this target: it sets nothing here", o->key);
        }
        for (size_t k = 0; k < nk; k++) {
                char *lit = o->path ? procps_match_path(o->path, keys[k]) : NULL;
                if (o->path && !lit)
                        x->oom = true;
                bool skipped = strmap_get(skip, lit ? lit : keys[k], NULL);
                free(lit);
                if (!skipped) {
                        sim_write(x, keys[k], false, o);
                } else { /* an explicit key or an exclusion: listed as an assignment it beat */
                        struct node *nd = sim_get(x, keys[k], false);
                        if (nd && setting_of(x, nd))
                                push_assign(x, setting_of(x, nd), o->file, o->line, norm(x, o->value));
                }
                free(keys[k]);
        }
        free(keys);
}

static int cmp_setting(const void *a, const void *b)
{
        return strcmp(((const struct boot_setting *)a)->key, ((const struct boot_setting *)b)->key);
}

void boot_setting_release(struct boot_setting *s)
{
        free(s->module);
        free(s->overrides);
}

/* The settings, sorted; the values the kernel cut are findings. */
static void collect(struct sim *x, struct boot_view *b)
{
        for (size_t i = 0; i < x->n && !x->oom; i++) {
                const struct node *nd = &x->v[i];
                const struct boot_setting *s = setting_of(x, nd);
                char *t = s ? value_normalize(nd->text) : NULL;
                size_t tl = t ? strlen(t) : 0;
                if (t && strcmp(t, s->value) != 0 && !s->inherited) {
                        struct srcloc loc = {s->file, s->line, 0};
                        if (strncmp(s->value, t, tl) == 0 && s->value[tl] == ' ') /* "4096 87381" */
                                findings_add(x->f, SEV_WARNING, "boot-value-cut", nd->key, &loc,
                                             "%s = %s: fewer numbers than the key holds; the kernel sets "
                                             "those and keeps the others: %s", nd->key, t, s->value);
                        else
                                findings_add(x->f, SEV_WARNING, "boot-value-cut", nd->key, &loc,
                                             "%s = %s: the kernel keeps only %s and ignores the rest (text "
                                             "after a value is not a comment)", nd->key, t, s->value);
                }
                x->oom |= s && !t;
                free(t);
        }
        /* The settings array becomes the view's, in place: no second table at the peak. */
        b->settings = x->s;
        b->n_settings = x->ns;
        x->s = NULL;
        if (b->n_settings)
                qsort(b->settings, b->n_settings, sizeof(*b->settings), cmp_setting);
}

int boot_simulate(struct sysroot *sr, enum boot_rules rules, struct boot_opt *opts, size_t n, const struct strmap *skip,
                  struct boot_view *b, struct findings *f)
{
        struct sim x = {.sr = sr, .rules = rules, .f = f, .strs = &b->strs};
        if (rules == BOOT_SYSTEMD && n) {
                if (!(x.opt_node = malloc(n * sizeof(*x.opt_node))))
                        return -ENOMEM;
                memset(x.opt_node, 0xff, n * sizeof(*x.opt_node)); /* NO_NODE: none yet */
                x.opt_of = skip;
        }
        for (size_t i = 0; i < n && !x.oom; i++) {
                const struct boot_opt *o = &opts[i];
                if (o->dead || !o->value)
                        continue; /* exclusions only keep keys from globs */
                if (o->glob)
                        sim_glob(&x, o, skip);
                else
                        sim_write(&x, o->key, true, o);
        }
        collect(&x, b);
        free(x.v); /* the keys stay, in the arena */
        free(x.opt_node);
        strmap_release(&x.idx);
        return x.oom ? -ENOMEM : 0;
}
