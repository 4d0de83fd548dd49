/* SPDX-License-Identifier: MIT */
#include "boot.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "boot_internal.h"
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
        struct strmap names; /* file name -> index in c, while scanning */
        struct boot_opt *opts; /* in the tool's order */
        size_t nopts;
        /* systemd: each key's live option (index into opts); procps: the keys of every explicit
         * assignment and exclusion. A glob never writes a key found here. */
        struct strmap keys;
        struct boot_file *over; /* overridden copies, listed after the files applied */
        size_t nover;
        bool oom;
};

const char *boot_rules_name(enum boot_rules r)
{
        return r == BOOT_PROCPS ? "procps" : "systemd";
}

const char *boot_presence_name(enum boot_presence p)
{
        static const char *const names[] = {"exists", "absent-module", "interface-added", "absent-interface",
                                            "absent-key"};
        return names[p];
}

const char *boot_file_status_name(enum boot_file_status s)
{
        return s == BOOT_MASKED ? "masked" : s == BOOT_OVERRIDDEN ? "overridden" : "applied";
}

static bool exists_below(struct sysroot *sr, const char *path, int flags)
{
        int fd = sysroot_open_config(sr, path, O_PATH | flags);
        if (fd >= 0)
                close(fd);
        return fd >= 0;
}

/* What runs at boot: a systemd that runs now (sd_booted()'s /run/systemd/system), else the init
 * installed (/sbin/init a link to systemd or not: Debian's procps init script runs sysctl --system
 * under sysvinit), else whether systemd-sysctl is installed. */
enum boot_rules boot_default_rules_why(struct sysroot *sr, const char **ret_why)
{
        static const char *const bins[] = {"/lib/systemd/systemd-sysctl", "/usr/lib/systemd/systemd-sysctl"};
        if (exists_below(sr, "/run/systemd/system", O_DIRECTORY)) {
                *ret_why = "/run/systemd/system exists: systemd runs as PID 1";
                return BOOT_SYSTEMD;
        }
        int fd = sysroot_open_config(sr, "/sbin", O_RDONLY | O_DIRECTORY);
        char target[PATH_MAX];
        ssize_t n = fd >= 0 ? readlinkat(fd, "init", target, sizeof(target) - 1) : -1;
        bool init = fd >= 0 && faccessat(fd, "init", F_OK, AT_SYMLINK_NOFOLLOW) == 0;
        if (fd >= 0)
                close(fd);
        if (n > 0) {
                target[n] = '\0';
                const char *base = strrchr(target, '/');
                base = base ? base + 1 : target;
                if (strcmp(base, "systemd") == 0) {
                        *ret_why = "/sbin/init is systemd: systemd-sysctl.service applies sysctl.d at boot";
                        return BOOT_SYSTEMD;
                }
        }
        if (init) {
                *ret_why = "/sbin/init is not systemd: the init scripts run sysctl --system at boot";
                return BOOT_PROCPS;
        }
        for (size_t i = 0; i < ELEMENTSOF(bins); i++)
                if (exists_below(sr, bins[i], 0)) {
                        *ret_why = "no /sbin/init; systemd-sysctl is installed";
                        return BOOT_SYSTEMD;
                }
        *ret_why = "no /sbin/init and no systemd-sysctl";
        return BOOT_PROCPS;
}

enum boot_rules boot_default_rules(struct sysroot *sr)
{
        const char *why;
        return boot_default_rules_why(sr, &why);
}

static void *grow(void *v, size_t n, size_t size, bool *oom)
{
        void *p = array_grow(v, n, size);
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
        size_t i;
        return strmap_get(&x->names, name, &i) ? &x->c[i] : NULL;
}

static void push_cand(struct ctx *x, char *name, char *path, enum cand_kind kind)
{
        struct cand *v = name && path ? grow(x->c, x->nc, sizeof(*v), &x->oom) : NULL;
        if (!v || strmap_put(&x->names, name, x->nc) < 0) {
                if (v)
                        x->c = v;
                free(name);
                free(path);
                x->oom = true;
                return;
        }
        x->c = v;
        v[x->nc++] = (struct cand){name, path, kind};
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
                        push_cand(x, strdup(de->d_name), path, classify(x, fd, de->d_name, path));
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

/* KEY is the arena's copy already when the same key had an option before (systemd); FILE is
 * always the arena's (read_one). */
static struct boot_opt *push_opt(struct ctx *x, const char *key, bool key_kept, const char *value, const char *file,
                                 unsigned line, bool ignore, bool glob)
{
        struct boot_opt *v = grow(x->opts, x->nopts, sizeof(*v), &x->oom);
        if (!v)
                return NULL;
        x->opts = v;
        struct boot_opt *o = &v[x->nopts];
        *o = (struct boot_opt){key_kept ? key : strarena_dup(&x->b->strs, key), strarena_intern(&x->b->strs, value), file,
                               line, ignore, glob, false, NULL, NULL, 0};
        if (!o->key || (value && !o->value)) {
                x->oom = true;
                return NULL;
        }
        x->nopts++;
        return o;
}

/* FILE and NORM (a normalised value) are the arena's already. */
static void add_prior(struct ctx *x, struct boot_opt *o, const char *file, unsigned line, const char *norm)
{
        struct boot_assign *v = grow(o->prior, o->nprior, sizeof(*v), &x->oom);
        if (!v || !norm) {
                x->oom = true;
                return;
        }
        o->prior = v;
        v[o->nprior++] = (struct boot_assign){file, line, norm};
}

/* The arena's copy of VALUE normalised, or NULL when out of memory. */
static const char *norm_value(struct ctx *x, const char *value)
{
        char *n = value_normalize(value);
        const char *v = strarena_intern(&x->b->strs, n);
        free(n);
        return v;
}

/* systemd keeps one option per key in an ordered table: the same value again keeps the option's
 * place (and adds its '-'), another value (or an exclusion) replaces it at the end of the order. */
static void systemd_option(struct ctx *x, const char *key, const char *value, const char *file, unsigned line,
                           bool ignore, bool glob)
{
        size_t i;
        bool have = strmap_get(&x->keys, key, &i);
        struct boot_opt *old = have ? &x->opts[i] : NULL;
        if (old && (old->value && value ? strcmp(old->value, value) == 0 : old->value == value)) {
                old->ignore |= ignore;
                if (value)
                        add_prior(x, old, file, line, norm_value(x, value));
                return;
        }
        struct boot_opt *o = push_opt(x, old ? old->key : key, old != NULL, value, file, line, ignore, glob);
        if (!o)
                return;
        if (have) {
                old = &x->opts[i]; /* opts may have moved */
                old->dead = true;
                for (size_t k = 0; k < old->nprior; k++)
                        add_prior(x, o, old->prior[k].file, old->prior[k].line, old->prior[k].value);
                if (old->value)
                        add_prior(x, o, old->file, old->line, norm_value(x, old->value));
        }
        if (strmap_put(&x->keys, o->key, x->nopts - 1) < 0)
                x->oom = true;
}

/* procps keeps every line in order. A glob skips a key when any explicit assignment or exclusion
 * has its path: procps compares the paths as written ("/proc/sys/" and the key with '.' and '/'
 * swapped when '.' comes first), so "net..ipv4.x" or ".net.ipv4.x" is another path than
 * "net.ipv4.x", and a glob written with "//" or a leading separator yields such paths (observed,
 * tests/data/boot/README.md, "procps paths"). */
static void procps_option(struct ctx *x, const char *raw, const char *key, const char *value, const char *file,
                          unsigned line, bool ignore, bool glob)
{
        struct boot_opt *o = value ? push_opt(x, key, false, value, file, line, ignore, glob) : NULL;
        if (value && !o)
                return;
        if (!o) /* an exclusion: kept only for its path */
                o = push_opt(x, key, false, NULL, file, line, ignore, glob);
        char *path = o ? boot_procps_path(raw, glob) : NULL;
        if (!o || !path || !(o->path = strarena_dup(&x->b->strs, path))) {
                free(path);
                x->oom = true;
                return;
        }
        free(path);
        if (!glob && strmap_put(&x->keys, o->path, 0) < 0)
                x->oom = true;
}

/* "x.*.y?." : a separator at the end, after a last component with a wildcard (observed). */
static bool procps_dir_glob(const char *k)
{
        size_t n = strlen(k);
        if (!n || (k[n - 1] != '.' && k[n - 1] != '/'))
                return false;
        while (n && (k[n - 1] == '.' || k[n - 1] == '/'))
                n--;
        size_t c = n;
        while (c && k[c - 1] != '.' && k[c - 1] != '/')
                c--;
        for (size_t i = c; i < n; i++)
                if (k[i] == '*' || k[i] == '?' || k[i] == '[')
                        return true;
        return false;
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
        if (x->o->rules == BOOT_PROCPS && procps_dir_glob(k)) {
                findings_add(x->f, SEV_WARNING, "boot-ignored-line", NULL, &loc,
                             "'%s': procps' glob(3) of a pattern that ends in a separator after a wildcard matches "
                             "only directories, so this line sets nothing", k);
                return;
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
        if (!l->value && glob)
                findings_add(x->f, SEV_INFO, "boot-ignored-line", key, &loc,
                             "an exclusion with a glob (-%s) keeps no key from other globs", key);
        if (x->o->rules == BOOT_SYSTEMD)
                systemd_option(x, key, l->value, file, l->line, l->ignore_failure, glob);
        else
                procps_option(x, k, key, l->value, file, l->line, l->ignore_failure, glob);
        free(key);
}

struct file_lines {
        struct ctx *x;
        const char *file;
};

/* Each line as it is parsed: a file of 100 000 lines is never held as 100 000 copies. */
static int each_line(void *userdata, const struct conf_line *l)
{
        struct file_lines *fl = userdata;
        take_line(fl->x, fl->file, l);
        return 0;
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

static void read_one(struct ctx *x, const char *file_path, bool replaced)
{
        const char *path = strarena_intern(&x->b->strs, file_path); /* the options' file */
        if (!path) {
                x->oom = true;
                return;
        }
        char *read = NULL;
        const char *text = NULL;
        size_t len = 0;
        int r = 0;
        if (replaced) {
                text = x->o->replace_text ? x->o->replace_text : "";
                len = strlen(text);
        } else {
                int fd = sysroot_open_config(x->sr, path, O_RDONLY);
                r = fd < 0 ? fd : read_fd(fd, BOOT_FILE_MAX, &read, &len);
                if (fd >= 0)
                        close(fd);
                text = read;
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
        struct file_lines fl = {x, path};
        if (conf_parse_each(text, len, path, SIZE_MAX, each_line, &fl, x->f) < 0)
                x->oom = true;
        free(read);
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
        if (o->replace && o->replace_text && !find_cand(&x, o->replace_name)) /* the stand-in will be created */
                push_cand(&x, strdup(o->replace_name), str_printf("/etc/sysctl.d/%s", o->replace_name), CAND_FILE);
        strmap_release(&x.names); /* its indexes end with the sort */
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
        if (!x.oom && boot_simulate(sr, o->rules, x.opts, x.nopts, &x.keys, b, f) < 0)
                x.oom = true;
        if (!x.oom && boot_presence(sr, o, b, f) < 0)
                x.oom = true;
        if (!x.oom && boot_later_globs(sr, o->rules, x.opts, x.nopts, b, f) < 0)
                x.oom = true;
        for (size_t i = 0; i < x.nc; i++) {
                free(x.c[i].name);
                free(x.c[i].path);
        }
        free(x.c);
        for (size_t i = 0; i < x.nopts; i++)
                free(x.opts[i].prior);
        free(x.opts);
        strmap_release(&x.keys);
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
        size_t lo = 0, hi = b ? b->n_settings : 0;
        while (lo < hi) { /* settings are sorted by key */
                size_t mid = lo + (hi - lo) / 2;
                int c = strcmp(b->settings[mid].key, key);
                if (c == 0)
                        return &b->settings[mid];
                if (c < 0)
                        lo = mid + 1;
                else
                        hi = mid;
        }
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
                boot_setting_release(&b->settings[i]);
        free(b->settings);
        for (size_t i = 0; i < b->n_later; i++) {
                free(b->later[i].pattern);
                free(b->later[i].value);
                free(b->later[i].file);
        }
        free(b->later);
        strarena_release(&b->strs);
        free(b);
}
