/* SPDX-License-Identifier: MIT */
/* Profiles by name: the search path, lookup and listing. */
#include "profile_path.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "profile.h"
#include "util.h"
#include "yaml_tree.h"

static bool same_file(const char *a, const char *b)
{
        struct stat sa, sb;
        return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

int profile_dirs_add(struct profile_dirs *d, const char *dir)
{
        if (!dir || !*dir)
                return 0;
        for (size_t i = 0; i < d->n; i++)
                if (strcmp(d->dirs[i], dir) == 0 || same_file(d->dirs[i], dir))
                        return 0;
        char **grown = realloc(d->dirs, (d->n + 1) * sizeof(*grown));
        if (!grown)
                return -ENOMEM;
        d->dirs = grown;
        if (!(d->dirs[d->n] = strdup(dir)))
                return -ENOMEM;
        d->n++;
        return 0;
}

int profile_dirs_add_list(struct profile_dirs *d, const char *list)
{
        if (!list)
                return 0;
        char *copy = strdup(list);
        if (!copy)
                return -ENOMEM;
        int r = 0;
        char *save = NULL;
        for (char *p = strtok_r(copy, ":", &save); p && r == 0; p = strtok_r(NULL, ":", &save))
                r = profile_dirs_add(d, p);
        free(copy);
        return r;
}

void profile_dirs_release(struct profile_dirs *d)
{
        for (size_t i = 0; i < d->n; i++)
                free(d->dirs[i]);
        free(d->dirs);
        d->dirs = NULL;
        d->n = 0;
}

char *profile_dir_beside_exe(const char *rel)
{
        char exe[PATH_MAX];
        ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
        if (n <= 0 || (size_t)n >= sizeof(exe) - 1)
                return NULL;
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (!slash)
                return NULL;
        *slash = '\0';
        /* Lexically, so that the path reads as the directory it is: /usr/sbin + ../share → /usr/share. */
        while (strncmp(rel, "../", 3) == 0 && (slash = strrchr(exe, '/')) && slash != exe) {
                *slash = '\0';
                rel += 3;
        }
        return str_printf("%s/%s", exe, rel);
}

bool profile_name_valid(const char *arg)
{
        if (!arg || !*arg || arg[0] == '.' || arg[0] == '-' || strlen(arg) > 200)
                return false;
        if (str_has_suffix(arg, ".yaml") || str_has_suffix(arg, ".yml") || str_has_suffix(arg, ".conf")) /* a file's */
                return false;
        for (const char *p = arg; *p; p++)
                if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '.' ||
                      *p == '_' || *p == '-'))
                        return false;
        return true;
}

int profile_dirs_find(const struct profile_dirs *d, const char *name, char **ret_path)
{
        if (!profile_name_valid(name))
                return -ENOENT;
        for (size_t i = 0; i < d->n; i++) {
                char *cand = str_printf("%s/%s.yaml", d->dirs[i], name);
                if (!cand)
                        return -ENOMEM;
                struct stat st;
                if (stat(cand, &st) == 0 && S_ISREG(st.st_mode)) {
                        *ret_path = cand;
                        return 0;
                }
                free(cand);
        }
        return -ENOENT;
}

/* The top-level 'description' of a profile file, without loading its parents: a listing must
 * not fail, or read further files, because one profile is broken. */
static char *read_description(const char *path)
{
        char *text = NULL;
        size_t len = 0;
        struct ynode *root = NULL;
        struct yerror err;
        char *desc = NULL;
        if (read_file_at(AT_FDCWD, path, PROFILE_MAX_BYTES, &text, &len) == 0 &&
            ytree_parse(text, len, &root, &err) == 0 && root && root->kind == YN_MAP)
                for (size_t i = 0; i + 1 < root->n; i += 2)
                        if (root->items[i]->scalar && strcmp(root->items[i]->scalar, "description") == 0 &&
                            root->items[i + 1]->kind == YN_SCALAR && !ynode_is_null(root->items[i + 1]))
                                desc = strdup(root->items[i + 1]->scalar);
        ynode_free(root);
        free(text);
        return desc;
}

static int cmp_str(const void *a, const void *b)
{
        return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The profile names of one directory, sorted. A missing directory has none. */
static int dir_names(const char *dir, char ***ret, size_t *ret_n)
{
        *ret = NULL;
        *ret_n = 0;
        DIR *dh = opendir(dir);
        if (!dh)
                return 0;
        char **names = NULL;
        size_t n = 0;
        int r = 0;
        for (struct dirent *de; (de = readdir(dh));) {
                size_t l = strlen(de->d_name);
                if (l <= 5 || strcmp(de->d_name + l - 5, ".yaml") != 0)
                        continue;
                char *name = strndup(de->d_name, l - 5);
                char **grown = name ? realloc(names, (n + 1) * sizeof(*grown)) : NULL;
                if (!grown) {
                        free(name);
                        r = -ENOMEM;
                        break;
                }
                names = grown;
                names[n++] = name;
        }
        closedir(dh);
        if (n)
                qsort(names, n, sizeof(*names), cmp_str);
        *ret = names;
        *ret_n = n;
        return r;
}

int profile_dirs_list(const struct profile_dirs *d, struct profile_entry **ret, size_t *ret_n)
{
        struct profile_entry *e = NULL;
        size_t n = 0;
        int r = 0;
        for (size_t i = 0; i < d->n && r == 0; i++) {
                char **names;
                size_t nn;
                r = dir_names(d->dirs[i], &names, &nn);
                for (size_t j = 0; j < nn; j++) {
                        char *path = r == 0 ? str_printf("%s/%s.yaml", d->dirs[i], names[j]) : NULL;
                        struct stat st;
                        if (path && !profile_name_valid(names[j])) {
                                free(path); /* 'twtune apply NAME' could not name it */
                                continue;
                        }
                        if (path && (stat(path, &st) < 0 || !S_ISREG(st.st_mode))) {
                                free(path);
                                continue;
                        }
                        struct profile_entry *grown = path ? realloc(e, (n + 1) * sizeof(*grown)) : NULL;
                        if (!grown) {
                                free(path);
                                r = -ENOMEM;
                                continue;
                        }
                        e = grown;
                        e[n] = (struct profile_entry){.name = names[j], .path = path, .description = read_description(path)};
                        names[j] = NULL;
                        for (size_t k = 0; k < n; k++)
                                if (!e[k].shadowed_by && strcmp(e[k].name, e[n].name) == 0)
                                        e[n].shadowed_by = e[k].path;
                        n++;
                }
                for (size_t j = 0; j < nn; j++)
                        free(names[j]);
                free(names);
        }
        if (r < 0) {
                profile_entries_free(e, n);
                return r;
        }
        *ret = e;
        *ret_n = n;
        return 0;
}

void profile_entries_free(struct profile_entry *e, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                free(e[i].name);
                free(e[i].description);
                free(e[i].path);
        }
        free(e);
}
