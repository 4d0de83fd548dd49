/* SPDX-License-Identifier: MIT */
/* Writing YAML that reads back as the same text (yaml_out.c), for import. */
#ifndef TWTUNE_YAML_OUT_H
#define TWTUNE_YAML_OUT_H

#include <stdbool.h>

#include "util.h"

/* s as a double-quoted YAML scalar: '"' and '\' escaped, and what YAML or a terminal should not
 * see raw (controls, bidirectional controls, U+FFFE, U+FFFF) as \u escapes. */
void yaml_put_quoted(struct strbuf *sb, const char *s);
/* s plain where YAML reads it back as the same text (key: a mapping key, where a pattern's '*',
 * '?', '[' and ']' are fine), else quoted. */
void yaml_put_scalar(struct strbuf *sb, const char *s, bool key);
/* Several integers as a list ([1024, 65000]), anything else as one scalar ("bbr cubic"). */
void yaml_put_value(struct strbuf *sb, const char *v);
/* text (printable, one line) as comment lines after indent: "# " then text, cut at blanks to about
 * 100 bytes, continued on lines that start "#   ". */
void yaml_put_comment(struct strbuf *sb, const char *indent, const char *text);

#endif
