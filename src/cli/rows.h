/* SPDX-License-Identifier: MIT */
/* The settings table every command that compares values prints (diff, apply, rollback, verify):
 * one row per key with the same fields and the same status words in every format.
 *
 * Modes: value, at_least, at_most (setting_mode_name). Statuses: ok, change, restore (a managed key the profile dropped, back to its baseline), skip
 * (not applied here: condition, optional, removed key), error, write-only (written, never read),
 * follows (set by the kernel along with another key), drift (verify: live or file differs). */
#ifndef TWTUNE_ROWS_H
#define TWTUNE_ROWS_H

#include <stdbool.h>
#include <stddef.h>

#include "cli.h"

struct diff;
struct txn;

struct row {
        char *key;
        char *current; /* NULL: absent or unreadable */
        char *desired; /* the value the command leaves (or would) */
        char *shown;   /* its rendering in text (">=8192" for at_least); NULL: desired */
        const char *status;
        const char *mode; /* value, at_least, at_most */
        char *source;     /* "FILE:LINE" of the setting, "generation N", or NULL */
        char *reason;     /* why, for skip, error, restore and drift; else NULL */
        char *pattern;    /* the glob the key was expanded from, or NULL */
};

struct rows {
        struct row *v;
        size_t n;
        bool oom;
};

/* Adds a copy of r (its strings are copied). */
void rows_add(struct rows *rs, const struct row *r);
void rows_release(struct rows *rs);
size_t rows_count(const struct rows *rs, const char *status);

/* Rows of a diff alone (a snapshot, or a plan that could not be made). */
void rows_from_diff(struct rows *rs, const struct diff *d);
/* Rows of a planned transaction, in the profile's order, then the keys the plan adds (restores,
 * dependents). done: the plan was committed, so dependents' values are known. */
void rows_from_plan(struct rows *rs, const struct diff *d, const struct txn *t, bool done);

/* Rows that need attention: what --quiet keeps. */
bool row_needs_attention(const struct row *r);

/* The table in text (github: plus an ::error annotation per error or drift row); in JSON a
 * "settings" member and a "summary" member counting every status. */
void out_rows(struct cli *c, const struct rows *rs);
/* "WHAT: 3 ok, 1 change, 1 restore": ok and change always, other statuses when present. */
void out_rows_summary(struct cli *c, const struct rows *rs, const char *what);

#endif
