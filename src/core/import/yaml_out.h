/* SPDX-License-Identifier: MIT */
/* Writing YAML that reads back as the same text (yaml_out.c), for import. */
#ifndef TWTUNE_YAML_OUT_H
#define TWTUNE_YAML_OUT_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

/* n bytes of s as text a YAML comment can hold, to free: printable UTF-8 (and tabs, if tabs is set);
 * anything else (control characters, invalid UTF-8, U+FFFE and U+FFFF, which YAML refuses) becomes
 * '?'. Beyond max bytes of s it is cut, with "..." to say so. NULL when out of memory. */
char *yaml_printable(const char *s, size_t n, size_t max, bool tabs);
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
