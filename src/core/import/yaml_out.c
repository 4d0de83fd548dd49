/* SPDX-License-Identifier: MIT */
/* The YAML import writes: text a comment can hold; scalars plain where YAML reads them back as the
 * same text, quoted otherwise; values; comments wrapped at blanks. */
#include "yaml_out.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "value.h"

#define COMMENT_WIDTH 100 /* comments are wrapped at blanks to lines of about this many bytes */

/* n bytes of s as text a YAML comment can hold: printable UTF-8 (and tabs, if tabs is set);
 * anything else (control characters, invalid UTF-8, U+FFFE and U+FFFF, which YAML refuses) becomes
 * '?'. Beyond max bytes of s it is cut, with "..." to say so. */
char *yaml_printable(const char *s, size_t n, size_t max, bool tabs)
{
        char *copy = malloc(n + 1);
        if (!copy)
                return NULL;
        for (size_t i = 0; i < n; i++)
                copy[i] = s[i] ? s[i] : '\x01'; /* a NUL, as any control character, is shown as '?' */
        copy[n] = '\0';
        struct strbuf sb = {0};
        for (const char *p = copy; *p;) {
                if ((size_t)(p - copy) >= max) {
                        sb_append(&sb, "...");
                        break;
                }
                unsigned cp;
                int k = utf8_decode(p, &cp);
                if (k > 0 && ((cp == '\t' && tabs) || (unicode_printable(cp) && cp != 0xfffe && cp != 0xffff)))
                        sb_appendn(&sb, p, (size_t)k);
                else
                        sb_append(&sb, "?");
                p += k > 0 ? k : 1;
        }
        free(copy);
        return sb_steal(&sb);
}

static bool ascii_alnum(char ch)
{
        return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
}

/* Whether s can be written as a plain YAML scalar and read back as the same text: no indicator,
 * blank or flow character, and no word YAML gives a meaning (booleans, null). A pattern's '*', '?',
 * '[' and ']' are fine inside a block mapping's key, not in a flow list. */
static bool plain_ok(const char *s, bool key)
{
        static const char *const words[] = {"y", "Y", "n", "N", "yes", "Yes", "YES", "no", "No", "NO", "true", "True",
                                            "TRUE", "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF",
                                            "null", "Null", "NULL"};
        for (size_t i = 0; i < ELEMENTSOF(words); i++)
                if (strcmp(s, words[i]) == 0)
                        return false;
        if (!ascii_alnum(s[0]) && s[0] != '_' && s[0] != '/' && s[0] != '.' && !(s[0] == '-' && s[1] >= '0' && s[1] <= '9'))
                return false;
        for (const char *p = s; *p; p++)
                if (!ascii_alnum(*p) && !strchr(key ? "_./+-*?[]" : "_./+-", *p))
                        return false;
        return true;
}

/* s as a double-quoted YAML scalar: '"' and '\' escaped, and what YAML or a terminal should not
 * see raw (controls, bidirectional controls, U+FFFE, U+FFFF) as \u escapes, which read back as
 * the same characters. */
void yaml_put_quoted(struct strbuf *sb, const char *s)
{
        sb_append(sb, "\"");
        for (const char *p = s; *p;) {
                unsigned cp;
                int k = utf8_decode(p, &cp);
                if (k < 0) { /* not reached: such values are left out */
                        sb_append(sb, "?");
                        p++;
                        continue;
                }
                if (cp == '"' || cp == '\\')
                        sb_appendf(sb, "\\%c", (char)cp);
                else if (!unicode_printable(cp) || cp == 0xfeff || cp == 0xfffe || cp == 0xffff)
                        sb_appendf(sb, cp > 0xffff ? "\\U%08x" : "\\u%04x", cp);
                else
                        sb_appendn(sb, p, (size_t)k);
                p += k;
        }
        sb_append(sb, "\"");
}

void yaml_put_scalar(struct strbuf *sb, const char *s, bool key)
{
        if (plain_ok(s, key))
                sb_append(sb, s);
        else
                yaml_put_quoted(sb, s);
}

/* Several integers as a list ([1024, 65000]), anything else as one scalar ("bbr cubic"). */
void yaml_put_value(struct strbuf *sb, const char *v)
{
        char **tok;
        size_t n;
        if (value_split(v, &tok, &n) < 0) {
                sb->oom = true;
                return;
        }
        bool ints = n > 1;
        for (size_t i = 0; ints && i < n; i++) {
                long long x;
                ints = parse_kernel_int(tok[i], &x) == 0;
        }
        if (ints) {
                sb_append(sb, "[");
                for (size_t i = 0; i < n; i++) {
                        if (i)
                                sb_append(sb, ", ");
                        yaml_put_scalar(sb, tok[i], false);
                }
                sb_append(sb, "]");
        } else
                yaml_put_scalar(sb, v, false);
        value_tokens_free(tok);
}

/* text (printable, one line) as comment lines: "# " then text, cut at blanks to about
 * COMMENT_WIDTH bytes, continued on lines that start "#   ". */
void yaml_put_comment(struct strbuf *sb, const char *indent, const char *text)
{
        bool first = true;
        for (const char *p = text; *p;) {
                size_t room = COMMENT_WIDTH - strlen(indent) - (first ? 2 : 4);
                size_t n = strlen(p);
                if (n > room) {
                        size_t cut = room;
                        while (cut > 0 && p[cut] != ' ')
                                cut--;
                        if (cut == 0)
                                cut = strcspn(p, " ");
                        n = cut;
                }
                sb_appendf(sb, "%s#%s%.*s\n", indent, first ? " " : "   ", (int)n, p);
                p += n;
                while (*p == ' ')
                        p++;
                first = false;
        }
}
