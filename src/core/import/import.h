/* SPDX-License-Identifier: MIT */
/* twtune import: sysctl.conf files turned into a profile. The files are read as systemd-sysctl
 * and procps read them (sysctl_conf.h) and merged in order; the profile is YAML text that
 * profile_load reads back to the same settings, with the files' comments where they stood and
 * twtune's findings beside each setting. Text in, text and findings out: reading the files and
 * writing the profile are the caller's. */
#ifndef TWTUNE_IMPORT_H
#define TWTUNE_IMPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "finding.h"

struct validate_opts;

struct import_file {
        const char *name; /* as positions show it: the path given, or "<stdin>"; distinct per file */
        const char *text;
        size_t len;
};

/* A line left out of the profile, for the caller to report as FILE:LINE. */
struct import_skip {
        char *file;
        unsigned line, column;
        char *code; /* the finding's */
        char *reason;
};

struct import_result {
        char *yaml;        /* the profile */
        size_t n_settings; /* the settings it holds */
        struct import_skip *skipped;
        size_t n_skipped;
};

/* Turns files into a profile called name (NULL: "imported"). A key assigned more than once keeps
 * the last assignment, where that one stands (systemd-sysctl's order); the earlier ones stay as
 * comments. Patterns are kept; "-key" exclusion lines, which a profile cannot express, and lines
 * that are not valid settings are left out (ret->skipped). The settings are validated with vo.
 * Every finding, the import's own (conf-syntax, bad-key, bad-value, conf-exclusion,
 * inline-comment, duplicate-key) and validation's, is added to f at its line in the input, and
 * written into the profile as a "# twtune:" comment above its line. Returns 0 or -ENOMEM. */
int import_conf(const struct import_file *files, size_t n, const char *name, const struct validate_opts *vo,
                struct import_result *ret, struct findings *f);
void import_result_release(struct import_result *r);

/* A profile name from a path: its last component without .yaml, .yml or .conf, as one printable
 * line of at most PROFILE_MAX_NAME bytes. NULL when nothing is left or on allocation failure. */
char *import_name_from_path(const char *path);

#endif
