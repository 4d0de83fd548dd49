/* SPDX-License-Identifier: MIT */
#include "profile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "key.h"
#include "profile_internal.h"
#include "strmap.h"
#include "util.h"
#include "yaml_tree.h"

struct ctx {
        const struct profile_opts *opts;
        struct findings *f;
        struct profile *p;
        char *chain[PROFILE_MAX_EXTENDS_DEPTH + 1]; /* real paths of the files being loaded */
        size_t depth;
        char **merged; /* real paths already merged: a shared ancestor is merged once */
        size_t n_merged;
        int io_error;
};

/* Keeps a file name alive for as long as the profile, for srclocs. */
static const char *own_file(struct ctx *c, const char *path)
{
        for (size_t i = 0; i < c->p->n_files; i++)
                if (strcmp(c->p->files[i], path) == 0)
                        return c->p->files[i];
        char **v = realloc(c->p->files, (c->p->n_files + 1) * sizeof(*v));
        if (!v)
                return NULL;
        c->p->files = v;
        v[c->p->n_files] = strdup(path);
        return v[c->p->n_files] ? v[c->p->n_files++] : NULL;
}

static const struct ynode *map_get(const struct ynode *map, const char *name)
{
        for (size_t i = 0; i + 1 < map->n; i += 2)
                if (map->items[i]->kind == YN_SCALAR && strcmp(map->items[i]->scalar, name) == 0)
                        return map->items[i + 1];
        return NULL;
}

static int load_file(struct ctx *c, const char *path, const char *buf, size_t len, const struct srcloc *from);

static char *dir_of(const char *path)
{
        const char *slash = strrchr(path, '/');
        if (!slash)
                return strdup(".");
        if (slash == path)
                return strdup("/");
        return strndup(path, (size_t)(slash - path));
}

/* Finds the file an extends entry names. Only .yaml/.yml files are profiles: a bare name is looked
 * up as NAME.yaml beside the including file, then on the search path; a path must end in .yaml
 * or .yml and is relative to the including file (absolute only when allowed). So a profile
 * cannot make twtune read, and quote in its errors, an arbitrary file such as /etc/shadow.
 * Returns 0 with *ret_path, -ENOENT when nothing matches, -EINVAL or -EPERM (with *ret_why). */
static int resolve_extends(struct ctx *c, const char *from_file, const char *name, char **ret_path,
                           const char **ret_why)
{
        bool yaml = str_has_suffix(name, ".yaml") || str_has_suffix(name, ".yml");
        if (!yaml && strchr(name, '/')) {
                *ret_why = "a path in 'extends' must name a .yaml or .yml file";
                return -EINVAL;
        }
        if (name[0] == '/' && !(c->opts && c->opts->allow_absolute_extends)) {
                *ret_why = "absolute paths in 'extends' need --allow-absolute-extends; name the profile, or give a "
                           "path relative to this file";
                return -EPERM;
        }
        char *dir = dir_of(from_file);
        if (!dir)
                return -ENOMEM;
        char *cand = NULL;
        if (yaml) {
                cand = name[0] == '/' ? strdup(name) : str_printf("%s/%s", dir, name);
                free(dir);
                if (!cand)
                        return -ENOMEM;
                *ret_path = cand;
                return 0;
        }
        cand = str_printf("%s/%s.yaml", dir, name);
        free(dir);
        for (size_t i = 0; cand && access(cand, F_OK) < 0; i++) {
                free(cand);
                cand = NULL;
                if (!c->opts || i >= c->opts->n_search_path)
                        return -ENOENT;
                cand = str_printf("%s/%s.yaml", c->opts->search_path[i], name);
        }
        if (!cand)
                return -ENOMEM;
        *ret_path = cand;
        return 0;
}

static void handle_extends(struct ctx *c, const char *file, const struct ynode *ext)
{
        const struct ynode *const *items = ext->kind == YN_SEQ ? (const struct ynode *const *)ext->items : &ext;
        size_t count = ext->kind == YN_SEQ ? ext->n : 1;
        if (ext->kind == YN_MAP || ynode_is_null(ext)) {
                profile_err_at(c->f, file, ext, "bad-type", NULL, "'extends' takes a profile name or a list of them");
                return;
        }
        for (size_t i = 0; i < count; i++) {
                const struct ynode *it = items[i];
                if (it->kind != YN_SCALAR || !*it->scalar) {
                        profile_err_at(c->f, file, it, "bad-type", NULL,
                                       "'extends' entries are profile names or paths");
                        continue;
                }
                char *path = NULL;
                const char *why = NULL;
                int r = resolve_extends(c, file, it->scalar, &path, &why);
                if (r == -ENOMEM) {
                        c->f->oom = true;
                        continue;
                }
                if (r == -ENOENT) {
                        profile_err_at(c->f, file, it, "extends-not-found", NULL,
                                       "profile '%s' not found beside this file or in the profile search path",
                                       it->scalar);
                        continue;
                }
                if (r < 0) {
                        profile_err_at(c->f, file, it, "extends-refused", NULL, "'%s': %s", it->scalar, why);
                        continue;
                }
                struct srcloc from = {file, it->line, it->column};
                load_file(c, path, NULL, 0, &from);
                free(path);
        }
}

static void handle_sysctl(struct ctx *c, const char *file, const struct ynode *map, struct setting **ret, size_t *ret_n)
{
        if (map->kind != YN_MAP) {
                if (!ynode_is_null(map))
                        profile_err_at(c->f, file, map, "bad-type", NULL,
                                       "'sysctl' must be a mapping of keys to values, not %s", ynode_kind_name(map));
                return;
        }
        struct setting *v = calloc(map->n / 2 + 1, sizeof(*v));
        if (!v) {
                c->f->oom = true;
                return;
        }
        size_t n = 0;
        struct strmap seen = {0}; /* key -> index in v */
        for (size_t i = 0; i + 1 < map->n; i += 2) {
                const struct ynode *k = map->items[i], *val = map->items[i + 1];
                const char *why = NULL;
                char *key = NULL;
                if (k->kind != YN_SCALAR) {
                        profile_err_at(c->f, file, k, "bad-key", NULL,
                                       "sysctl keys must be plain names, not %s", ynode_kind_name(k));
                        continue;
                }
                int r = key_normalize(k->scalar, &key, &why);
                if (r < 0) {
                        struct srcloc loc = {file, k->line, k->column};
                        if (r == -ENOMEM)
                                c->f->oom = true;
                        else
                                findings_add(c->f, SEV_ERROR, "bad-key", NULL, &loc, "bad key '%s': %s", k->scalar, why);
                        continue;
                }
                size_t j;
                bool dup = strmap_get(&seen, key, &j); /* a table: a profile may set 100 000 keys */
                if (dup) {
                        struct srcloc loc = {file, k->line, k->column};
                        findings_add(c->f, SEV_ERROR, "duplicate-key", key, &loc, "%s is already set at line %u", key,
                                     v[j].loc.line);
                }
                struct setting s;
                if (dup || !profile_parse_setting(c->f, file, key, val, &s)) {
                        if (!dup)
                                setting_release(&s);
                        free(key);
                        continue;
                }
                s.key = key;
                s.glob = strpbrk(key, "*?[") != NULL;
                s.loc = (struct srcloc){file, k->line, k->column};
                if (strmap_put(&seen, key, n) < 0)
                        c->f->oom = true;
                v[n++] = s;
        }
        strmap_release(&seen);
        *ret = v;
        *ret_n = n;
}

static const char *const top_fields[] = {"name", "description", "extends", "kernel", "load_modules", "sysctl"};

/* A mapping whose keys are all top-level profile fields. */
static bool looks_like_profile(const struct ynode *root)
{
        if (!root || root->kind != YN_MAP)
                return false;
        for (size_t i = 0; i + 1 < root->n; i += 2) {
                const struct ynode *k = root->items[i];
                size_t j = 0;
                if (k->kind == YN_SCALAR)
                        while (j < ELEMENTSOF(top_fields) && strcmp(k->scalar, top_fields[j]) != 0)
                                j++;
                if (k->kind != YN_SCALAR || j == ELEMENTSOF(top_fields))
                        return false;
        }
        return true;
}

/* name and description end up in the persisted file's header and on terminals: one printable
 * line each. Returns the copy to keep, or NULL after reporting why not. */
static char *one_line_field(struct ctx *c, const char *file, const struct ynode *n, const char *field)
{
        const char *why = NULL;
        if (n->kind != YN_SCALAR || ynode_is_null(n)) {
                profile_err_at(c->f, file, n, "bad-type", NULL, "'%s' takes text", field);
                return NULL;
        }
        if (text_check_line(n->scalar, PROFILE_MAX_NAME, &why) < 0) {
                profile_err_at(c->f, file, n, "bad-text", NULL,
                               "'%s' must be one line of printable text of at most %d bytes: %s", field,
                               PROFILE_MAX_NAME, why);
                return NULL;
        }
        char *copy = strdup(n->scalar);
        if (!copy)
                c->f->oom = true;
        return copy;
}

/* The real path of a file to load, checked against the chain of files being loaded (a cycle), those
 * already merged (a shared ancestor: returns 1) and the depth limit. Returns 0 with *ret_real set (to
 * free), 1, or a negative errno after reporting why. */
static int resolve_file(struct ctx *c, const char *path, const char *file, const struct srcloc *from, char **ret_real)
{
        char *real = realpath(path, NULL);
        if (!real) {
                int r = -errno;
                if (from)
                        findings_add(c->f, SEV_ERROR, "extends-not-found", NULL, from, "cannot read '%s': %s", path,
                                     strerror(-r));
                else {
                        struct srcloc loc = {file, 0, 0};
                        findings_add(c->f, SEV_ERROR, "file-error", NULL, &loc, "cannot read profile: %s", strerror(-r));
                        if (r != -ENOENT && r != -ENOTDIR)
                                c->io_error = r;
                }
                return r;
        }
        for (size_t i = 0; i < c->depth; i++)
                if (strcmp(c->chain[i], real) == 0) {
                        struct strbuf sb = {0};
                        for (size_t j = i; j < c->depth; j++)
                                sb_appendf(&sb, "%s -> ", c->chain[j]);
                        sb_append(&sb, real);
                        char *cycle = sb_steal(&sb);
                        findings_add(c->f, SEV_ERROR, "extends-cycle", NULL, from, "extends cycle: %s",
                                     cycle ? cycle : real);
                        free(cycle);
                        free(real);
                        return -ELOOP;
                }
        for (size_t i = 0; i < c->n_merged; i++)
                if (strcmp(c->merged[i], real) == 0) {
                        free(real);
                        return 1; /* a shared ancestor, already merged */
                }
        if (c->depth > PROFILE_MAX_EXTENDS_DEPTH) {
                findings_add(c->f, SEV_ERROR, "extends-too-deep", NULL, from,
                             "extends chain deeper than %d profiles", PROFILE_MAX_EXTENDS_DEPTH);
                free(real);
                return -ELOOP;
        }
        *ret_real = real;
        return 0;
}

/* The profile's text: *buf as given, within the size limit, else path read into *ret_text (to
 * free), which *buf and *len then point at. Returns 0 or a negative errno after reporting why. */
static int read_text(struct ctx *c, const char *path, const char *file, const char **buf, size_t *len, char **ret_text)
{
        struct srcloc floc = {file, 0, 0};
        if (*buf) {
                if (*len <= PROFILE_MAX_BYTES)
                        return 0;
                findings_add(c->f, SEV_ERROR, "file-too-large", NULL, &floc, "profile larger than the 16 MiB limit");
                return -EFBIG;
        }
        int r = read_file_at(AT_FDCWD, path, PROFILE_MAX_BYTES, ret_text, len);
        if (r < 0) {
                const char *msg = r == -EFBIG ? "file larger than the 16 MiB limit" : strerror(-r);
                findings_add(c->f, SEV_ERROR, r == -EFBIG ? "file-too-large" : "file-error", NULL, &floc,
                             "cannot read profile: %s", msg);
                if (r != -EFBIG && r != -EISDIR && r != -EINVAL)
                        c->io_error = r;
                return r;
        }
        *buf = *ret_text;
        return 0;
}

/* The YAML of a profile, parsed into *ret (to free with ynode_free): a mapping. Returns 0, or a
 * negative errno after reporting why (syntax, not a profile, empty, not a mapping). */
static int parse_root(struct ctx *c, const char *path, const char *file, const struct srcloc *from, const char *buf,
                      size_t len, struct ynode **ret)
{
        struct ynode *root = NULL;
        struct yerror yerr = {0};
        int r = ytree_parse(buf, len, &root, &yerr);
        if (r < 0) {
                if (r == -ENOMEM)
                        c->f->oom = true;
                else {
                        struct srcloc loc = {file, yerr.line, yerr.column};
                        findings_add(c->f, SEV_ERROR, "yaml-syntax", NULL, &loc, "%s", yerr.message);
                }
                return r;
        }
        struct srcloc floc = {file, 0, 0};
        if (from && !looks_like_profile(root))
                /* Reached through extends: say nothing of its content, which may not be ours to show. */
                findings_add(c->f, SEV_ERROR, "extends-not-profile", NULL, from,
                             "'%s' is not a twtune profile (a mapping of name, description, extends, kernel, sysctl)",
                             path);
        else if (!root || ynode_is_null(root))
                findings_add(c->f, SEV_ERROR, "empty-profile", NULL, &floc, "profile is empty");
        else if (root->kind != YN_MAP)
                profile_err_at(c->f, file, root, "bad-type", NULL,
                               "a profile is a mapping (name, extends, kernel, sysctl), not %s", ynode_kind_name(root));
        else {
                *ret = root;
                return 0;
        }
        ynode_free(root);
        return -EINVAL;
}

/* Each top-level field once, and only those a profile has. */
static void check_top_fields(struct ctx *c, const char *file, const struct ynode *root)
{
        for (size_t i = 0; i + 1 < root->n; i += 2) {
                const struct ynode *k = root->items[i];
                size_t j = 0;
                if (k->kind == YN_SCALAR)
                        for (j = 0; j < ELEMENTSOF(top_fields); j++)
                                if (strcmp(k->scalar, top_fields[j]) == 0)
                                        break;
                if (k->kind != YN_SCALAR || j == ELEMENTSOF(top_fields)) {
                        profile_err_at(c->f, file, k, "unknown-field", NULL,
                                       "unknown top-level field '%s' (expected name, description, extends, kernel, load_modules, sysctl)",
                                       k->kind == YN_SCALAR ? k->scalar : "?");
                        continue;
                }
                for (size_t m = 0; m < i; m += 2)
                        if (root->items[m]->kind == YN_SCALAR && strcmp(root->items[m]->scalar, k->scalar) == 0)
                                profile_err_at(c->f, file, k, "duplicate-key", NULL,
                                               "top-level field '%s' given twice", k->scalar);
        }
}

/* 'kernel: ">= 4.12"': a requirement of this file, kept with those of the others. */
static void add_kernel_req(struct ctx *c, const char *file, const struct ynode *n)
{
        struct kernel_req req = {.loc = {file, n->line, n->column}};
        const char *why = NULL;
        if (n->kind != YN_SCALAR || ynode_is_null(n))
                profile_err_at(c->f, file, n, "bad-condition", NULL,
                               "'kernel' takes a requirement such as \">= 4.12\"");
        else if (kcond_parse(n->scalar, &req.cond, &why) < 0) {
                findings_add(c->f, SEV_ERROR, "bad-condition", NULL, &req.loc, "bad kernel requirement \"%s\": %s",
                             n->scalar, why);
        } else {
                req.text = strdup(n->scalar);
                struct kernel_req *v = req.text ? realloc(c->p->reqs, (c->p->n_reqs + 1) * sizeof(*v)) : NULL;
                if (!v) {
                        free(req.text);
                        c->f->oom = true;
                } else {
                        c->p->reqs = v;
                        v[c->p->n_reqs++] = req;
                }
        }
}

/* A file merged: its ancestors will not be merged again. Takes real (NULL: text in memory). */
static int note_merged(struct ctx *c, char *real)
{
        if (!real)
                return 0;
        char **v = realloc(c->merged, (c->n_merged + 1) * sizeof(*v));
        if (!v) {
                free(real);
                c->f->oom = true;
                return -ENOMEM;
        }
        c->merged = v;
        v[c->n_merged++] = real;
        return 0;
}

/* Loads one file of a profile into c->p: resolve, read, parse, header, then its parents (extends)
 * and its own settings merged over theirs. from: the extends that named it (NULL for the top). */
static int load_file(struct ctx *c, const char *path, const char *buf, size_t len, const struct srcloc *from)
{
        const char *file = own_file(c, path);
        if (!file) {
                c->f->oom = true;
                return -ENOMEM;
        }
        char *real = NULL;
        int r = buf ? 0 : resolve_file(c, path, file, from, &real);
        if (r != 0)
                return r > 0 ? 0 : r;
        char *text = NULL;
        r = read_text(c, path, file, &buf, &len, &text);
        if (r < 0) {
                free(real);
                return r;
        }
        if (!from && str_has_suffix(path, ".conf")) {
                /* A sysctl.conf file, as systemd-sysctl and procps read it. */
                r = profile_load_conf(c->p, file, buf, len, c->f);
                free(text);
                free(real);
                return r;
        }
        struct ynode *root = NULL;
        r = parse_root(c, path, file, from, buf, len, &root);
        free(text);
        if (r < 0) {
                free(real);
                return r;
        }
        check_top_fields(c, file, root);

        bool top = c->depth == 0;
        const struct ynode *n;
        if ((n = map_get(root, "name")) && top)
                c->p->name = one_line_field(c, file, n, "name");
        if ((n = map_get(root, "description")) && top && !ynode_is_null(n))
                c->p->description = one_line_field(c, file, n, "description");
        if ((n = map_get(root, "kernel")))
                add_kernel_req(c, file, n);
        if ((n = map_get(root, "load_modules")) && !c->p->load_modules_set) {
                if (ynode_bool(n, &c->p->load_modules))
                        c->p->load_modules_set = true;
                else
                        profile_err_at(c->f, file, n, "bad-type", NULL, "'load_modules' takes true or false");
        }

        /* Parents first, so this file's values win. Text from standard input has no real path;
         * it stands in the chain as "", which no real path equals. */
        c->chain[c->depth++] = real ? real : (char *)"";
        if ((n = map_get(root, "extends")))
                handle_extends(c, file, n);
        c->depth--;

        struct setting *own = NULL;
        size_t n_own = 0;
        if ((n = map_get(root, "sysctl")))
                handle_sysctl(c, file, n, &own, &n_own);
        if (profile_merge_settings(c->p, own, n_own) < 0)
                c->f->oom = true;
        free(own);
        ynode_free(root);
        return note_merged(c, real);
}

/* The name of a profile without 'name': its file name, made one printable line, since a file
 * name may hold anything but '/' and NUL. */
static char *basename_noext(const char *path)
{
        const char *b = strrchr(path, '/');
        b = b ? b + 1 : path;
        size_t n = strlen(b);
        if (str_has_suffix(b, ".yaml"))
                n -= 5;
        else if (str_has_suffix(b, ".yml"))
                n -= 4;
        char *raw = strndup(b, n > PROFILE_MAX_NAME ? PROFILE_MAX_NAME : n);
        char *name = raw ? text_sanitize_line(raw) : NULL;
        free(raw);
        return name;
}

static int load(const char *path, const char *buf, size_t len, const struct profile_opts *opts, struct profile **ret,
                struct findings *f)
{
        size_t errors_before = findings_count(f, SEV_ERROR);
        struct ctx c = {.opts = opts, .f = f};
        c.p = calloc(1, sizeof(*c.p));
        if (!c.p || !(c.p->path = strdup(path))) {
                free(c.p);
                return -ENOMEM;
        }
        int r = load_file(&c, path, buf, len, NULL);
        for (size_t i = 0; i < c.n_merged; i++)
                free(c.merged[i]);
        free(c.merged);

        if (!c.p->name && !(c.p->name = basename_noext(path)))
                f->oom = true;
        if (r == 0 && c.p->n_settings == 0 && findings_count(f, SEV_ERROR) == errors_before) {
                struct srcloc loc = {c.p->files ? c.p->files[0] : path, 0, 0};
                findings_add(f, SEV_WARNING, "no-settings", NULL, &loc, "profile sets no sysctl");
        }
        if (f->oom)
                r = -ENOMEM;
        else if (c.io_error)
                r = c.io_error;
        if (r < 0) {
                profile_free(c.p);
                return r;
        }
        *ret = c.p;
        return 0;
}

int profile_load(const char *path, const struct profile_opts *opts, struct profile **ret, struct findings *f)
{
        return load(path, NULL, 0, opts, ret, f);
}

int profile_parse_buffer(const char *buf, size_t len, const char *filename, const struct profile_opts *opts,
                         struct profile **ret, struct findings *f)
{
        return load(filename, buf, len, opts, ret, f);
}
