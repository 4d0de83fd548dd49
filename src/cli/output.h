/* SPDX-License-Identifier: MIT */
/* Output: escaped text, tables, findings in each format, JSON values (output.c). */
#ifndef TWTUNE_OUTPUT_H
#define TWTUNE_OUTPUT_H

#include <stddef.h>
#include <stdio.h>

#include "cli.h"
#include "finding.h"
#include "strarena.h"

/* Text from outside twtune (values, paths, names, messages) is printed escaped: C0 controls
 * (TAB, CR and LF included), DEL, C1 controls (U+0080..U+009F), bidirectional controls, U+2028,
 * U+2029 and each byte that is not valid UTF-8 become \xNN, one per byte; printable UTF-8 and a
 * backslash stay as they are. */
void out_text(FILE *f, const char *s);   /* writes s escaped; NULL writes nothing */
char *text_escape(const char *s);        /* s escaped, to free; NULL for NULL or out of memory */
char *text_elide(const char *s);         /* escaped and cut to 100 characters, as "head…(N bytes)" */
/* A line of text output: formatted, escaped as a whole, then a newline. */
void out_line(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* An aligned text table whose last column is coloured by a status word (see color()). Cells are
 * escaped as by out_text, and one longer than 100 characters is shown cut, as "head…(N bytes)". */
struct table {
        size_t ncols, nrows;
        const char **cells;    /* nrows * ncols, in strs */
        const char **colors;   /* per row */
        struct strarena strs;  /* the cells' text: a table of 9 000 rows is 36 000 cells, not mallocs */
};
void table_add(struct table *t, const char *status_color, ...); /* ncols strings (NULL prints "-") */
void table_print(struct cli *c, const struct table *t, const char *const *header);
void table_release(struct table *t);

void out_findings_text(struct cli *c, const struct findings *f, FILE *to);
void out_findings_github(struct cli *c, const struct findings *f);
void out_findings_json(struct cli *c, const struct findings *f); /* a "findings": [...] member */
/* A quoted string, or null; always valid UTF-8 JSON: invalid bytes become U+FFFD, and the
 * characters out_text escapes are \u escapes. */
void json_str(FILE *f, const char *s);
void json_member(FILE *f, const char *name, const char *value);  /* , "name": "value" (or null) */
const char *color(struct cli *c, const char *what);             /* "" when colour is off */
/* Findings after a table: text (after a blank line) or github workflow commands. */
void cli_out_findings(struct cli *c, const struct findings *f, FILE *to);

#endif
