/* SPDX-License-Identifier: MIT */
/* Profiles by name: the directories searched, a name's file, and the profiles installed.
 * A name is what tuned-adm calls a profile: "web-server" for web-server.yaml, found on the search
 * path. Everything here is plain paths of the machine twtune runs on, never below --root, except
 * the one directory the caller builds from the root itself. */
#ifndef TWTUNE_PROFILE_PATH_H
#define TWTUNE_PROFILE_PATH_H

#include <stdbool.h>
#include <stddef.h>

struct profile_dirs {
        char **dirs; /* in search order, each once */
        size_t n;
};

/* Adds dir (copied) unless it is empty or already listed, by name or by the file it resolves to.
 * Returns 0 or -ENOMEM. */
int profile_dirs_add(struct profile_dirs *d, const char *dir);
/* Adds each directory of a colon-separated list, as $PATH is written. */
int profile_dirs_add_list(struct profile_dirs *d, const char *list);
void profile_dirs_release(struct profile_dirs *d);

/* The installed profiles relative to the running binary: <dir of the executable>/rel, where rel
 * is the path from the install's sbin to its profiles (../share/twtune/profiles). So an install
 * unpacked anywhere (dpkg -x, rpm2cpio, a DESTDIR) finds its own profiles. NULL when
 * /proc/self/exe cannot be read. Caller frees. */
char *profile_dir_beside_exe(const char *rel);

/* A plain name, as opposed to a file: letters, digits, '.', '_' and '-', not starting with '.'
 * or '-', not ending in .yaml, .yml or .conf (that is a file's name), and no '/'. A name is looked
 * up on the search path only, never in the current directory. */
bool profile_name_valid(const char *arg);

/* The first NAME.yaml on the search path: 0 with *ret_path (caller frees), -ENOENT, -ENOMEM. */
int profile_dirs_find(const struct profile_dirs *d, const char *name, char **ret_path);

struct profile_entry {
        char *name;        /* the file name without .yaml: what 'twtune apply NAME' takes */
        char *description; /* the profile's own description, NULL if it has none or cannot be read */
        char *path;
        const char *shadowed_by; /* the path of an earlier profile of the same name, or NULL */
};

/* Every *.yaml profile of every directory, in search order, then by name. A profile whose name an
 * earlier directory already has is listed too, with shadowed_by set: it is never the one found. */
int profile_dirs_list(const struct profile_dirs *d, struct profile_entry **ret, size_t *ret_n);
void profile_entries_free(struct profile_entry *e, size_t n);

#endif
