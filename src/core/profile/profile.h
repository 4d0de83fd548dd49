/* SPDX-License-Identifier: MIT */
/* Profiles: YAML files that declare sysctl settings, with inheritance (extends) and per-key
 * conditions. The format is documented in packaging/man/twtune-profile.5. */
#ifndef TWTUNE_PROFILE_H
#define TWTUNE_PROFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "finding.h"
#include "kver.h"

#define PROFILE_MAX_BYTES (16u * 1024 * 1024)
#define PROFILE_MAX_EXTENDS_DEPTH 8

enum setting_mode {
        SET_EXACT,
        SET_AT_LEAST, /* only raise: a current value at or above is fine */
        SET_AT_MOST,  /* only lower */
};

struct setting { /* 72 bytes, fields by size: a profile may hold 100 000 */
        char *key;   /* normalised */
        const char *value; /* tokens joined by single spaces; "" for an explicitly empty value; the
                            * run's copy (str_intern): thousands of settings share a few values */
        struct kcond *when; /* owned, when has_when: a pointer keeps the setting small */
        char *when_text;
        char *note;
        char *pattern; /* after profile_expand: the pattern this key came from, else NULL */
        struct srcloc loc; /* loc.file is owned by the profile */
        enum setting_mode mode;
        bool optional; /* an absent key is skipped, not an error */
        bool has_when;
        bool glob;     /* the key is a pattern (net.ipv4.conf.*.rp_filter), until profile_expand */
};

struct kernel_req {
        struct kcond cond;
        char *text;
        struct srcloc loc;
};

struct profile {
        char *name;
        char *description;
        char *path;             /* the file the profile was loaded from */
        struct setting *settings; /* merged, in order of first appearance; child values win */
        size_t n_settings;
        struct kernel_req *reqs; /* the kernel requirements of the profile and its ancestors */
        size_t n_reqs;
        char **files;           /* every file read, parents included */
        size_t n_files;
        char **excluded;        /* "-key" lines of a sysctl.conf file: left out of every pattern */
        size_t n_excluded;
        /* load_modules: true: twtune lists the modules its persisted keys need in
         * /etc/modules-load.d/99-twtune.conf (txn/modules_file.c). The profile's own value, else
         * the first parent's that gives one. */
        bool load_modules;
        bool load_modules_set;
};

struct profile_opts {
        /* Directories searched for "extends: [name]" after the including file's directory. */
        const char *const *search_path;
        size_t n_search_path;
        /* "extends: [/abs/path.yaml]" is refused unless set (twtune --allow-absolute-extends). */
        bool allow_absolute_extends;
};

#define PROFILE_MAX_NAME 200 /* bytes of name or description: one printable line */

/* Loads and merges a profile. Problems go to f as findings with file, line and column.
 * Returns 0 when a profile could be built: settings that failed to parse are left out and
 * reported, and the rest can still be validated, so one run reports every problem. A caller
 * must treat any error finding as "invalid" before acting on the profile. Returns -EINVAL when
 * nothing usable could be read (YAML syntax, not a mapping, empty), or another negative errno
 * when the file could not be read; both are also reported as findings, and *ret is unset. */
int profile_load(const char *path, const struct profile_opts *opts, struct profile **ret, struct findings *f);
/* The same for text in memory, as if it were a file called filename in the current directory
 * (extends are resolved from there, then on the search path). */
int profile_parse_buffer(const char *buf, size_t len, const char *filename, const struct profile_opts *opts,
                         struct profile **ret, struct findings *f);
void profile_free(struct profile *p);

const struct setting *profile_find(const struct profile *p, const char *key);

struct target;
/* Replaces each pattern setting by one setting per key of the target it matches, with systemd-
 * sysctl's meaning: a key set explicitly anywhere in the profile, or excluded, is left out, and a
 * later pattern wins over an earlier one. A pattern that matches nothing is dropped with an info
 * finding (glob-matches-nothing). Returns 0 or -ENOMEM. */
int profile_expand(struct profile *p, struct target *t, struct findings *f);
const char *setting_mode_name(enum setting_mode m);

#endif
