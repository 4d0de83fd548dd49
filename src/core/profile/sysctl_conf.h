/* SPDX-License-Identifier: MIT */
/* sysctl.conf syntax, as systemd-sysctl and procps' sysctl read it: "key = value" lines, '#' and
 * ';' comments, blanks around '=' and at both ends, a '-' before the key to ignore a failure, and
 * "-key" alone to exclude a key from a glob. Only the syntax: keys are not normalised here. */
#ifndef TWTUNE_SYSCTL_CONF_H
#define TWTUNE_SYSCTL_CONF_H

#include <stdbool.h>
#include <stddef.h>

#include "finding.h"

#define CONF_LINE_MAX 4096 /* longer lines are reported, not read */

struct conf_line {
        char *key;           /* as written, without the '-' prefix */
        char *value;         /* trimmed; NULL for an exclusion ("-key" with no '=') */
        bool ignore_failure; /* the '-' prefix */
        unsigned line, key_col, value_col; /* 1-based */
};

/* Parses text (len bytes, which may hold a NUL: reported) from file. Malformed lines become
 * findings with file, line and column (code "conf-syntax") and are left out; the rest are
 * returned. Returns 0 or -ENOMEM. */
int conf_parse(const char *text, size_t len, const char *file, struct conf_line **ret, size_t *ret_n, struct findings *f);
/* The same, with lines of up to line_max bytes (after trimming blanks) read rather than reported
 * as too long: the tools that read sysctl.d at boot have no such limit of their own. */
int conf_parse_max(const char *text, size_t len, const char *file, size_t line_max, struct conf_line **ret, size_t *ret_n,
                   struct findings *f);
void conf_lines_free(struct conf_line *v, size_t n);
/* The same lines one at a time, with nothing kept: each is handed to each() as it is read, its
 * key and value in a buffer the next line reuses (copy what you keep). For a file of many
 * thousands of lines read once (the boot view), no array and no copies. each() returns 0 or a
 * negative errno, which stops the parse and is returned; else 0 or -ENOMEM. */
int conf_parse_each(const char *text, size_t len, const char *file, size_t line_max,
                    int (*each)(void *userdata, const struct conf_line *l), void *userdata, struct findings *f);

#endif
