/* SPDX-License-Identifier: MIT */
#include "sysctl_conf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static bool blank(char c)
{
        return c == ' ' || c == '\t';
}

static void bad(struct findings *f, const char *file, unsigned line, unsigned col, const char *why)
{
        struct srcloc loc = {file, line, col};
        findings_add(f, SEV_ERROR, "conf-syntax", NULL, &loc, "%s", why);
}

/* Room for a line's key and value: a buffer kept from line to line (conf_parse_each), or NULL for
 * copies of their own (strndup). */
struct scratch {
        char *buf;
        size_t cap;
};

static char *take(struct scratch *sc, size_t at, const char *s, size_t n)
{
        if (!sc)
                return strndup(s, n);
        memcpy(sc->buf + at, s, n);
        sc->buf[at + n] = '\0';
        return sc->buf + at;
}

/* One line, without its newline (and a CR before it). Returns 0 with *ret set or left alone. */
static int parse_line(const char *s, size_t n, size_t line_max, const char *file, unsigned lineno, struct scratch *sc,
                      struct conf_line *ret, bool *ret_have, struct findings *f)
{
        *ret_have = false;
        if (n && s[n - 1] == '\r')
                n--;
        size_t a = 0;
        while (a < n && blank(s[a]))
                a++;
        while (n > a && blank(s[n - 1]))
                n--;
        if (a == n || s[a] == '#' || s[a] == ';')
                return 0;
        if (n > line_max) {
                struct srcloc loc = {file, lineno, 1};
                findings_add(f, SEV_ERROR, "conf-syntax", NULL, &loc, "line longer than %zu bytes", line_max);
                return 0;
        }
        struct conf_line l = {.line = lineno};
        if (s[a] == '-') {
                l.ignore_failure = true;
                a++;
        }
        const char *eq = memchr(s + a, '=', n - a);
        size_t kend = eq ? (size_t)(eq - s) : n;
        size_t k = kend;
        while (k > a && blank(s[k - 1]))
                k--;
        if (k == a) {
                bad(f, file, lineno, (unsigned)a + 1, eq ? "no key before '='" : "expected 'key = value'");
                return 0;
        }
        if (!eq && !l.ignore_failure) {
                bad(f, file, lineno, (unsigned)a + 1, "expected 'key = value' (a line with no '=' must be '-key', "
                                                      "which excludes the key from a glob)");
                return 0;
        }
        l.key_col = (unsigned)a + 1;
        if (sc && sc->cap < n + 2) { /* key and value, each with its NUL, fit in the line's length + 2 */
                char *b = realloc(sc->buf, n + 2);
                if (!b)
                        return -ENOMEM;
                sc->buf = b;
                sc->cap = n + 2;
        }
        if (!(l.key = take(sc, 0, s + a, k - a)))
                return -ENOMEM;
        if (eq) {
                size_t v = kend + 1;
                while (v < n && blank(s[v]))
                        v++;
                l.value_col = (unsigned)v + 1;
                if (!(l.value = take(sc, k - a + 1, s + v, n - v))) {
                        if (!sc)
                                free(l.key);
                        return -ENOMEM;
                }
        }
        *ret = l;
        *ret_have = true;
        return 0;
}

int conf_parse(const char *text, size_t len, const char *file, struct conf_line **ret, size_t *ret_n, struct findings *f)
{
        return conf_parse_max(text, len, file, CONF_LINE_MAX, ret, ret_n, f);
}

/* Every line in turn: into v (grown, each line's strings its own) when sc is NULL, else handed to
 * each() from sc's buffer. */
static int parse_all(const char *text, size_t len, const char *file, size_t line_max, struct scratch *sc,
                     int (*each)(void *userdata, const struct conf_line *l), void *userdata, struct conf_line **v,
                     size_t *n, struct findings *f)
{
        size_t cap = 0;
        unsigned lineno = 0;
        for (size_t pos = 0; pos < len;) {
                const char *nl = memchr(text + pos, '\n', len - pos);
                size_t end = nl ? (size_t)(nl - text) : len;
                lineno++;
                if (memchr(text + pos, '\0', end - pos)) {
                        bad(f, file, lineno, 1, "NUL byte in the line");
                } else {
                        if (!sc && *n == cap) {
                                cap = cap ? cap * 2 : 32;
                                struct conf_line *p = realloc(*v, cap * sizeof(*p));
                                if (!p)
                                        return -ENOMEM;
                                *v = p;
                        }
                        struct conf_line one;
                        bool have;
                        int r = parse_line(text + pos, end - pos, line_max, file, lineno, sc, sc ? &one : &(*v)[*n],
                                           &have, f);
                        if (r == 0 && have && sc)
                                r = each(userdata, &one);
                        if (r < 0)
                                return r;
                        *n += have && !sc;
                }
                pos = end + 1;
        }
        return f->oom ? -ENOMEM : 0;
}

int conf_parse_max(const char *text, size_t len, const char *file, size_t line_max, struct conf_line **ret, size_t *ret_n,
                   struct findings *f)
{
        struct conf_line *v = NULL;
        size_t n = 0;
        int r = parse_all(text, len, file, line_max, NULL, NULL, NULL, &v, &n, f);
        if (r < 0) {
                conf_lines_free(v, n);
                return r;
        }
        *ret = v;
        *ret_n = n;
        return 0;
}

int conf_parse_each(const char *text, size_t len, const char *file, size_t line_max,
                    int (*each)(void *userdata, const struct conf_line *l), void *userdata, struct findings *f)
{
        struct scratch sc = {0};
        size_t none = 0;
        int r = parse_all(text, len, file, line_max, &sc, each, userdata, NULL, &none, f);
        free(sc.buf);
        return r;
}

void conf_lines_free(struct conf_line *v, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                free(v[i].key);
                free(v[i].value);
        }
        free(v);
}
