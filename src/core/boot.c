/* SPDX-License-Identifier: MIT */
#include "boot.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "key.h"
#include "sysctl_conf.h"
#include "sysroot.h"
#include "util.h"
#include "value.h"

static const char *const dirs[] = {"/etc/sysctl.d", "/run/sysctl.d", "/usr/local/lib/sysctl.d", "/usr/lib/sysctl.d",
                                   "/lib/sysctl.d"};
#define SYSCTL_CONF "/etc/sysctl.conf"

enum cand_kind { CAND_FILE, CAND_MASK, CAND_BAD };

struct cand {
        char *name, *path;
        enum cand_kind kind;
};

/* What resolving collects before it becomes a boot_view. */
struct ctx {
        struct sysroot *sr;
        const struct boot_opts *o;
        struct findings *f;
        struct boot_view *b;
        struct cand *c;
        size_t nc;
        struct boot_setting *glob; /* glob assignments in order: key is the pattern */
        size_t nglob;
        char **excluded;
        size_t nexcluded;
        struct boot_file *over; /* overridden copies, listed after the files applied */
        size_t nover;
        bool oom;
};

const char *boot_rules_name(enum boot_rules r)
{
        return r == BOOT_PROCPS ? "procps" : "systemd";
}

const char *boot_file_status_name(enum boot_file_status s)
{
        return s == BOOT_MASKED ? "masked" : s == BOOT_OVERRIDDEN ? "overridden" : "applied";
}

enum boot_rules boot_default_rules(struct sysroot *sr)
{
        static const char *const bins[] = {"/lib/systemd/systemd-sysctl", "/usr/lib/systemd/systemd-sysctl"};
        for (size_t i = 0; i < ELEMENTSOF(bins); i++) {
                int fd = sysroot_open_config(sr, bins[i], O_PATH);
                if (fd >= 0) {
                        close(fd);
                        return BOOT_SYSTEMD;
                }
        }
        return BOOT_PROCPS;
}

static void *grow(void *v, size_t n, size_t size, bool *oom)
{
        void *p = realloc(v, (n + 1) * size);
        if (!p)
                *oom = true;
        return p;
}

static void push_file(struct ctx *x, struct boot_file **files, size_t *n, const char *path, enum boot_file_status st,
                      const char *by)
{
        struct boot_file *v = grow(*files, *n, sizeof(*v), &x->oom);
        if (!v)
                return;
        *files = v;
        v[(*n)++] = (struct boot_file){strdup(path), st, by ? strdup(by) : NULL};
}

static void add_file(struct ctx *x, const char *path, enum boot_file_status st)
{
        push_file(x, &x->b->files, &x->b->n_files, path, st, NULL);
}

static bool wanted_name(const struct ctx *x, const char *name)
{
        size_t n = strlen(name);
        if (n < 5 || strcmp(name + n - 5, ".conf") != 0)
                return n == 5 && x->o->rules == BOOT_PROCPS && strcmp(name, ".conf") == 0;
        return name[0] != '.' || x->o->rules == BOOT_PROCPS; /* systemd skips hidden files */
}

static struct cand *find_cand(struct ctx *x, const char *name)
{
        for (size_t i = 0; i < x->nc; i++)
                if (strcmp(x->c[i].name, name) == 0)
                        return &x->c[i];
        return NULL;
}

/* A /dev/null symlink or an empty file masks; a directory or a dangling link hides lower copies
 * of its name but sets nothing (the tools report it, or not, but apply nothing from it). */
static enum cand_kind classify(struct ctx *x, int dfd, const char *name, const char *path)
{
        char target[16];
        ssize_t n = readlinkat(dfd, name, target, sizeof(target) - 1);
        if (n > 0) {
                target[n] = '\0';
                if (strcmp(target, "/dev/null") == 0)
                        return CAND_MASK;
        }
        if (x->o->replace && strncmp(path, "/etc/sysctl.d/", 14) == 0 && strcmp(path + 14, x->o->replace_name) == 0)
                return CAND_FILE; /* its content is the stand-in */
        struct stat st;
        int fd = sysroot_open_config(x->sr, path, O_RDONLY);
        int r = fd < 0 ? fd : fstat(fd, &st) < 0 ? -errno : 0;
        if (fd >= 0)
                close(fd);
        struct srcloc loc = {path, 0, 0};
        if (r < 0 || !S_ISREG(st.st_mode)) {
                findings_add(x->f, SEV_WARNING, "boot-unreadable", NULL, &loc,
                             "%s: %s; it sets nothing at boot but hides any file of the same name in a later directory",
                             path, r < 0 ? strerror(-r) : "not a regular file");
                return CAND_BAD;
        }
        return st.st_size == 0 ? CAND_MASK : CAND_FILE;
}

static void scan_dir(struct ctx *x, const char *dir, struct stat *seen, size_t *nseen)
{
        int fd = sysroot_open_config(x->sr, dir, O_RDONLY | O_DIRECTORY);
        struct stat st;
        if (fd < 0 || fstat(fd, &st) < 0) {
                if (fd >= 0)
                        close(fd);
                return; /* a missing directory is the common case */
        }
        for (size_t i = 0; i < *nseen; i++)
                if (seen[i].st_dev == st.st_dev && seen[i].st_ino == st.st_ino) {
                        close(fd); /* /lib/sysctl.d where /lib is /usr/lib */
                        return;
                }
        seen[(*nseen)++] = st;
        int lfd = dup(fd);
        DIR *d = lfd >= 0 ? fdopendir(lfd) : NULL;
        if (!d && lfd >= 0)
                close(lfd);
        struct dirent *de;
        while (d && (de = readdir(d))) {
                if (!wanted_name(x, de->d_name))
                        continue;
                char *path = str_printf("%s/%s", dir, de->d_name);
                struct cand *c = find_cand(x, de->d_name);
                if (!path) {
                        x->oom = true;
                } else if (c) {
                        push_file(x, &x->over, &x->nover, path, BOOT_OVERRIDDEN, c->path);
                        free(path);
                } else {
                        struct cand *v = grow(x->c, x->nc, sizeof(*v), &x->oom);
                        if (v) {
                                x->c = v;
                                v[x->nc++] = (struct cand){strdup(de->d_name), path, classify(x, fd, de->d_name, path)};
                        } else
                                free(path);
                }
        }
        if (d)
                closedir(d);
        close(fd);
}

static int cmp_cand(const void *a, const void *b)
{
        return strcmp(((const struct cand *)a)->name, ((const struct cand *)b)->name);
}

static struct boot_setting *find_setting(struct boot_setting *v, size_t n, const char *key)
{
        for (size_t i = 0; i < n; i++)
                if (strcmp(v[i].key, key) == 0)
                        return &v[i];
        return NULL;
}

/* Records that s is assigned again: its old value becomes an override of the new one. */
static void reassign(struct ctx *x, struct boot_setting *s, const char *value, const char *file, unsigned line,
                     bool ignore, const char *pattern)
{
        if (!s->value) { /* cancelled by an exclusion (systemd): nothing to override */
                free(s->file);
        } else {
                struct boot_assign *v = grow(s->overrides, s->n_overrides, sizeof(*v), &x->oom);
                if (!v)
                        return;
                s->overrides = v;
                v[s->n_overrides++] = (struct boot_assign){s->file, s->line, s->value};
        }
        s->value = value_normalize(value);
        s->file = strdup(file);
        s->line = line;
        s->ignore_failure = ignore;
        free(s->pattern);
        s->pattern = pattern ? strdup(pattern) : NULL;
}

static void assign(struct ctx *x, struct boot_setting **v, size_t *n, const char *key, const char *value,
                   const char *file, unsigned line, bool ignore, const char *pattern)
{
        struct boot_setting *s = find_setting(*v, *n, key);
        if (s) {
                reassign(x, s, value, file, line, ignore, pattern);
                return;
        }
        struct boot_setting *p = grow(*v, *n, sizeof(*p), &x->oom);
        if (!p)
                return;
        *v = p;
        p[(*n)++] = (struct boot_setting){strdup(key), value_normalize(value), strdup(file), line, ignore,
                                          pattern ? strdup(pattern) : NULL, NULL, 0};
}

static void exclude(struct ctx *x, const char *key)
{
        char **v = grow(x->excluded, x->nexcluded, sizeof(*v), &x->oom);
        if (v) {
                x->excluded = v;
                v[x->nexcluded++] = strdup(key);
        }
        /* systemd drops an explicit assignment an exclusion follows; procps has written it. */
        struct boot_setting *s = x->o->rules == BOOT_SYSTEMD ? find_setting(x->b->settings, x->b->n_settings, key) : NULL;
        if (s) {
                free(s->value);
                s->value = NULL;
        }
}

static void take_line(struct ctx *x, const char *file, const struct conf_line *l)
{
        struct srcloc loc = {file, l->line, l->key_col};
        const char *k = l->key;
        if (l->ignore_failure && (*k == ' ' || *k == '\t')) {
                if (x->o->rules == BOOT_PROCPS) {
                        findings_add(x->f, SEV_WARNING, "boot-ignored-line", NULL, &loc,
                                     "'- %s': procps takes the blank after '-' as part of the key and never applies it",
                                     k + strspn(k, " \t"));
                        return;
                }
                k += strspn(k, " \t");
        }
        char *key = NULL, *looked_up = key_tool_form(k, x->o->rules == BOOT_SYSTEMD);
        const char *why = NULL;
        if (!looked_up) {
                x->oom = true;
                return;
        }
        int r = key_normalize(looked_up, &key, &why);
        free(looked_up);
        if (r < 0) {
                findings_add(x->f, SEV_WARNING, "boot-bad-key", NULL, &loc, "'%s' is not a sysctl key: %s; nothing is "
                             "set from this line", k, why ? why : "out of memory");
                return;
        }
        bool glob = strpbrk(key, "*?[") != NULL;
        if (!l->value) {
                if (glob)
                        findings_add(x->f, SEV_INFO, "boot-ignored-line", key, &loc,
                                     "an exclusion with a glob (-%s) excludes nothing: both tools ignore it", key);
                else
                        exclude(x, key);
        } else if (glob) {
                assign(x, &x->glob, &x->nglob, key, l->value, file, l->line, l->ignore_failure, key); /* keyed by pattern */
        } else {
                assign(x, &x->b->settings, &x->b->n_settings, key, l->value, file, l->line, l->ignore_failure, NULL);
        }
        free(key);
}

/* systemd-sysctl reads a file line by line and gives up on the rest of it at a line of 1 MiB or
 * more (ENOBUFS, "Failed to read file"), comment or not; what it parsed before counts. Returns
 * the length of the text it reads. */
static size_t systemd_readable(const char *text, size_t len, const char *path, struct findings *f)
{
        unsigned lineno = 1;
        for (size_t pos = 0; pos < len; lineno++) {
                const char *nl = memchr(text + pos, '\n', len - pos);
                size_t end = nl ? (size_t)(nl - text) : len, n = end - pos;
                if (n && text[end - 1] == '\r')
                        n--; /* an end of line to systemd, not part of it */
                if (n >= BOOT_SYSTEMD_LINE_MAX) {
                        struct srcloc loc = {path, lineno, 1};
                        findings_add(f, SEV_WARNING, "boot-line-too-long", NULL, &loc,
                                     "a line of %zu bytes: systemd-sysctl stops reading %s here (lines of 1 MiB or "
                                     "more fail), so nothing from this line on is applied", n, path);
                        return pos;
                }
                pos = end + 1;
        }
        return len;
}

static void read_one(struct ctx *x, const char *path, bool replaced)
{
        char *text = NULL;
        size_t len = 0;
        int r = 0;
        if (replaced) {
                text = strdup(x->o->replace_text ? x->o->replace_text : "");
                len = text ? strlen(text) : 0;
        } else {
                int fd = sysroot_open_config(x->sr, path, O_RDONLY);
                r = fd < 0 ? fd : read_fd(fd, BOOT_FILE_MAX, &text, &len);
                if (fd >= 0)
                        close(fd);
        }
        struct srcloc loc = {path, 0, 0};
        if (r < 0) {
                findings_add(x->f, SEV_WARNING, r == -EFBIG ? "boot-file-too-large" : "boot-unreadable", NULL, &loc,
                             "%s: %s; twtune cannot predict what it sets", path,
                             r == -EFBIG ? "larger than 16 MiB" : strerror(-r));
                return;
        }
        if (x->o->rules == BOOT_SYSTEMD && text)
                len = systemd_readable(text, len, path, x->f);
        struct conf_line *lines = NULL;
        size_t n = 0;
        if (conf_parse_max(text, len, path, SIZE_MAX, &lines, &n, x->f) < 0)
                x->oom = true;
        for (size_t i = 0; i < n; i++)
                take_line(x, path, &lines[i]);
        conf_lines_free(lines, n);
        free(text);
}

static bool excluded(const struct ctx *x, const char *key)
{
        for (size_t i = 0; i < x->nexcluded; i++)
                if (strcmp(x->excluded[i], key) == 0)
                        return true;
        return false;
}

/* Globs in their order: each expands against the target's /proc/sys; an explicit or excluded key
 * is never touched, and a later glob beats an earlier one. */
static void expand_globs(struct ctx *x)
{
        size_t explicit = x->b->n_settings;
        for (size_t g = 0; g < x->nglob; g++) {
                struct boot_setting *gs = &x->glob[g];
                /* A pattern assigned twice: its overrides are the earlier assignments. */
                char **keys = NULL;
                size_t nk = 0;
                int r = sysroot_expand(x->sr, gs->pattern, &keys, &nk);
                if (r == -ENOMEM)
                        x->oom = true;
                if (r < 0 || nk == 0) { /* no /proc/sys below the root, or nothing matches here */
                        struct srcloc loc = {gs->file, gs->line, 0};
                        findings_add(x->f, SEV_INFO, "glob-matches-nothing", NULL, &loc,
                                     "%s matches no key on this target: it sets nothing here", gs->pattern);
                }
                for (size_t k = 0; k < nk; k++) {
                        struct boot_setting *s = find_setting(x->b->settings, explicit, keys[k]);
                        if (s || excluded(x, keys[k])) {
                                struct boot_assign *v = s ? grow(s->overrides, s->n_overrides, sizeof(*v), &x->oom) : NULL;
                                if (v) { /* it lost to the explicit key: listed, as an assignment it beat */
                                        s->overrides = v;
                                        v[s->n_overrides++] = (struct boot_assign){strdup(gs->file), gs->line,
                                                                                  value_normalize(gs->value)};
                                }
                                continue;
                        }
                        assign(x, &x->b->settings, &x->b->n_settings, keys[k], gs->value, gs->file, gs->line,
                               gs->ignore_failure, gs->pattern);
                }
                for (size_t k = 0; k < nk; k++)
                        free(keys[k]);
                free(keys);
        }
}

static int cmp_setting(const void *a, const void *b)
{
        return strcmp(((const struct boot_setting *)a)->key, ((const struct boot_setting *)b)->key);
}

static void setting_release(struct boot_setting *s)
{
        free(s->key);
        free(s->value);
        free(s->file);
        free(s->pattern);
        for (size_t i = 0; i < s->n_overrides; i++) {
                free(s->overrides[i].file);
                free(s->overrides[i].value);
        }
        free(s->overrides);
}

/* Drops the settings an exclusion cancelled (value NULL) and sorts the rest. */
static void finish(struct boot_view *b)
{
        size_t w = 0;
        for (size_t i = 0; i < b->n_settings; i++) {
                if (!b->settings[i].value)
                        setting_release(&b->settings[i]);
                else
                        b->settings[w++] = b->settings[i];
        }
        b->n_settings = w;
        if (w)
                qsort(b->settings, w, sizeof(*b->settings), cmp_setting);
}

/* A key that holds one number keeps only the leading number of a longer value: the kernel's
 * integer handlers stop after the numbers they expect, so "7 # seven" and "92 93" set 7 and 92
 * (observed with both tools). The live value's token count says how many numbers the key takes. */
static void keep_leading_number(struct ctx *x, struct boot_setting *s)
{
        const char *sp = strchr(s->value, ' ');
        char *cur = NULL, first[32];
        long long n;
        if (!sp || (size_t)(sp - s->value) >= sizeof(first) || sysroot_read_sysctl(x->sr, s->key, &cur) < 0)
                return;
        bool single = cur[strcspn(cur, " \t")] == '\0';
        free(cur);
        memcpy(first, s->value, (size_t)(sp - s->value));
        first[sp - s->value] = '\0';
        if (!single || parse_kernel_int(first, &n) < 0)
                return;
        struct srcloc loc = {s->file, s->line, 0};
        findings_add(x->f, SEV_WARNING, "boot-value-cut", s->key, &loc,
                     "%s = %s: the kernel keeps only %s and ignores the rest (text after a value is not a comment)",
                     s->key, s->value, first);
        char *v = strdup(first);
        if (!v) {
                x->oom = true;
                return;
        }
        free(s->value);
        s->value = v;
}

static void apply_files(struct ctx *x)
{
        for (size_t i = 0; i < x->nc; i++) {
                struct cand *c = &x->c[i];
                bool replaced = x->o->replace && strncmp(c->path, "/etc/sysctl.d/", 14) == 0 &&
                                strcmp(c->name, x->o->replace_name) == 0;
                if (replaced && !x->o->replace_text)
                        continue; /* the stand-in is absent */
                if (c->kind == CAND_FILE || replaced) {
                        add_file(x, c->path, BOOT_APPLIED);
                        read_one(x, c->path, replaced);
                } else
                        add_file(x, c->path, BOOT_MASKED);
        }
}

int boot_resolve(struct sysroot *sr, const struct boot_opts *o, struct boot_view **ret, struct findings *f)
{
        struct boot_view *b = calloc(1, sizeof(*b));
        if (!b)
                return -ENOMEM;
        b->rules = o->rules;
        struct ctx x = {.sr = sr, .o = o, .f = f, .b = b};
        struct stat seen[ELEMENTSOF(dirs)];
        size_t nseen = 0;
        for (size_t i = 0; i < ELEMENTSOF(dirs); i++)
                scan_dir(&x, dirs[i], seen, &nseen);
        if (o->replace && o->replace_text && !find_cand(&x, o->replace_name)) {
                struct cand *v = grow(x.c, x.nc, sizeof(*v), &x.oom);
                if (v) { /* the stand-in will be created */
                        x.c = v;
                        v[x.nc++] = (struct cand){strdup(o->replace_name), str_printf("/etc/sysctl.d/%s", o->replace_name),
                                                  CAND_FILE};
                }
        }
        if (x.nc)
                qsort(x.c, x.nc, sizeof(*x.c), cmp_cand);
        apply_files(&x);
        if (o->rules == BOOT_PROCPS) {
                int fd = sysroot_open_config(sr, SYSCTL_CONF, O_RDONLY);
                if (fd >= 0) {
                        close(fd);
                        add_file(&x, SYSCTL_CONF, BOOT_APPLIED);
                        read_one(&x, SYSCTL_CONF, false);
                }
        }
        /* Files in application order, then the overridden copies. */
        for (size_t i = 0; i < x.nover; i++)
                push_file(&x, &b->files, &b->n_files, x.over[i].path, BOOT_OVERRIDDEN, x.over[i].by);
        expand_globs(&x);
        finish(b);
        for (size_t i = 0; i < b->n_settings; i++)
                keep_leading_number(&x, &b->settings[i]);
        for (size_t i = 0; i < x.nc; i++) {
                free(x.c[i].name);
                free(x.c[i].path);
        }
        free(x.c);
        for (size_t i = 0; i < x.nglob; i++)
                setting_release(&x.glob[i]);
        free(x.glob);
        for (size_t i = 0; i < x.nexcluded; i++)
                free(x.excluded[i]);
        free(x.excluded);
        for (size_t i = 0; i < x.nover; i++) {
                free(x.over[i].path);
                free(x.over[i].by);
        }
        free(x.over);
        if (x.oom || f->oom) {
                boot_view_free(b);
                return -ENOMEM;
        }
        *ret = b;
        return 0;
}

const struct boot_setting *boot_find(const struct boot_view *b, const char *key)
{
        for (size_t i = 0; b && i < b->n_settings; i++)
                if (strcmp(b->settings[i].key, key) == 0)
                        return &b->settings[i];
        return NULL;
}

void boot_view_free(struct boot_view *b)
{
        if (!b)
                return;
        for (size_t i = 0; i < b->n_files; i++) {
                free(b->files[i].path);
                free(b->files[i].by);
        }
        free(b->files);
        for (size_t i = 0; i < b->n_settings; i++)
                setting_release(&b->settings[i]);
        free(b->settings);
        free(b);
}
