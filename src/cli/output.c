/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "output.h"
#include "util.h"

const char *color(struct cli *c, const char *what)
{
        if (!c->color)
                return "";
        if (strcmp(what, "error") == 0)
                return "\033[1;31m";
        if (strcmp(what, "warning") == 0)
                return "\033[1;33m";
        if (strcmp(what, "info") == 0)
                return "\033[1;36m";
        if (strcmp(what, "ok") == 0)
                return "\033[32m";
        if (strcmp(what, "change") == 0)
                return "\033[1;33m";
        if (strcmp(what, "skip") == 0)
                return "\033[2m";
        if (strcmp(what, "bold") == 0)
                return "\033[1m";
        return "\033[0m"; /* "reset" */
}

/* Table cells longer than this many characters are elided in text; JSON keeps the full value. */
#define CELL_MAX_CHARS 100

/* UTF-8 length of the sequence at s, 0 when it is not a valid one (utf8_decode's -1). */
static size_t utf8_cp(const unsigned char *s, unsigned *ret_cp)
{
        int n = utf8_decode((const char *)s, ret_cp);
        return n < 0 ? 0 : (size_t)n;
}

/* One unit of escaped text: a printable code point as is, or \xNN for each byte of a control
 * character or of a byte that is not valid UTF-8. */
struct text_unit {
        size_t in;    /* bytes of input consumed */
        size_t chars; /* characters it shows as; an escape is ASCII, so also its length in buf */
        bool escaped; /* buf holds the escape; else the input bytes stand for themselves */
        char buf[16]; /* "\xNN" for up to 3 bytes */
};

static void text_unit(const unsigned char *s, struct text_unit *u)
{
        unsigned cp;
        size_t n = utf8_cp(s, &cp);
        u->in = n ? n : 1;
        u->escaped = n == 0 || !unicode_printable(cp);
        u->chars = 1;
        if (!u->escaped)
                return;
        for (size_t i = 0; i < u->in; i++)
                snprintf(u->buf + 4 * i, sizeof(u->buf) - 4 * i, "\\x%02x", s[i]);
        u->chars = 4 * u->in;
}

/* Printable ASCII stands for itself, one character a byte: the common case, without decoding. */
static bool plain(unsigned char b)
{
        return b >= 0x20 && b < 0x7f;
}

void out_text(FILE *f, const char *s)
{
        if (!s)
                return;
        const unsigned char *p = (const unsigned char *)s, *run = p;
        struct text_unit u;
        while (*p) {
                if (plain(*p)) {
                        p++;
                        continue;
                }
                text_unit(p, &u);
                if (u.escaped) {
                        fwrite(run, 1, (size_t)(p - run), f);
                        fwrite(u.buf, 1, u.chars, f);
                }
                p += u.in;
                if (u.escaped)
                        run = p;
        }
        fwrite(run, 1, (size_t)(p - run), f);
}

/* Escapes s, stopping before the unit that would take it past max characters; *ret_all tells
 * whether all of s fitted. NULL when out of memory. */
static char *escape_upto(const char *s, size_t max, bool *ret_all)
{
        struct strbuf sb = {0};
        const unsigned char *p = (const unsigned char *)s;
        size_t chars = 0;
        struct text_unit u;
        while (*p) {
                size_t n = 0;
                while (chars + n < max && plain(p[n]))
                        n++;
                if (n) {
                        sb_appendn(&sb, (const char *)p, n);
                        chars += n;
                        p += n;
                        continue;
                }
                text_unit(p, &u);
                if (chars + u.chars > max)
                        break;
                sb_appendn(&sb, u.escaped ? u.buf : (const char *)p, u.escaped ? u.chars : u.in);
                chars += u.chars;
                p += u.in;
        }
        *ret_all = !*p;
        return sb_steal(&sb);
}

void out_line(FILE *f, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        char *s = str_vprintf(fmt, ap);
        va_end(ap);
        out_text(f, s ? s : "(out of memory)");
        fputc('\n', f);
        free(s);
}

char *text_escape(const char *s)
{
        bool all;
        return s ? escape_upto(s, SIZE_MAX, &all) : NULL;
}

/* The escaped cell, elided to CELL_MAX_CHARS characters: "head…(N bytes)". */
char *text_elide(const char *s)
{
        bool all;
        char *e = escape_upto(s, CELL_MAX_CHARS, &all);
        if (!e || all)
                return e;
        free(e);
        char tail[48];
        int n = snprintf(tail, sizeof(tail), "\u2026(%zu bytes)", strlen(s));
        size_t tail_chars = (size_t)n - 2; /* the ellipsis is 3 bytes, 1 character */
        e = escape_upto(s, CELL_MAX_CHARS - tail_chars, &all);
        char *r = e ? str_printf("%s%s", e, tail) : NULL;
        free(e);
        return r;
}

/* Characters (code points) in valid UTF-8: the bytes that are not continuation bytes. */
static size_t text_chars(const char *s)
{
        size_t n = 0;
        for (; *s; s++)
                n += ((unsigned char)*s & 0xc0) != 0x80;
        return n;
}

void out_findings_text(struct cli *c, const struct findings *f, FILE *to)
{
        for (size_t i = 0; i < f->n; i++) {
                const struct finding *x = &f->v[i];
                if (c->quiet && x->severity == SEV_INFO) /* --quiet: what needs attention */
                        continue;
                out_text(to, x->file);
                if (x->file && x->line && x->column)
                        fprintf(to, ":%u:%u: ", x->line, x->column);
                else if (x->file && x->line)
                        fprintf(to, ":%u: ", x->line);
                else if (x->file)
                        fputs(": ", to);
                const char *sev = severity_name(x->severity);
                fprintf(to, "%s%s%s: ", color(c, sev), sev, color(c, "reset"));
                out_text(to, x->message);
                fputs(" [", to);
                out_text(to, x->code);
                fputs("]\n", to);
        }
}

/* GitHub workflow commands: data escapes %, CR, LF; properties also ':' and ','. Other control
 * characters and bytes that are not UTF-8 get the text escapes, so nothing raw reaches the log. */
static void gh_escape(FILE *f, const char *s, bool property)
{
        const unsigned char *p = (const unsigned char *)s;
        struct text_unit u;
        while (*p) {
                const char *rep = *p == '%' ? "%25" : *p == '\r' ? "%0D" : *p == '\n' ? "%0A"
                                : property && *p == ':' ? "%3A" : property && *p == ',' ? "%2C" : NULL;
                if (rep) {
                        fputs(rep, f);
                        p++;
                        continue;
                }
                text_unit(p, &u);
                if (u.escaped)
                        fwrite(u.buf, 1, u.chars, f);
                else
                        fwrite(p, 1, u.in, f);
                p += u.in;
        }
}

void out_findings_github(struct cli *c, const struct findings *f)
{
        FILE *out = c->gh ? c->gh : c->out;
        for (size_t i = 0; i < f->n; i++) {
                const struct finding *x = &f->v[i];
                if (c->quiet && x->severity == SEV_INFO) /* --quiet: what needs attention */
                        continue;
                fprintf(out, "::%s ", x->severity == SEV_ERROR ? "error" : x->severity == SEV_WARNING ? "warning" : "notice");
                if (x->file) {
                        fputs("file=", out);
                        gh_escape(out, x->file, true);
                        if (x->line)
                                fprintf(out, x->column ? ",line=%u,col=%u" : ",line=%u", x->line, x->column);
                        fputc(',', out);
                }
                fputs("title=twtune ", out);
                gh_escape(out, x->code, true);
                fputs("::", out);
                gh_escape(out, x->message, false);
                fputc('\n', out);
        }
}

/* The JSON escape for code point cp (n: its UTF-8 length, 0 for an invalid byte), or NULL. */
static const char *json_escape(size_t n, unsigned cp, char buf[static 8])
{
        switch (n ? cp : 0x110000) {
        case 0x110000: return "\\ufffd";
        case '"': return "\\\"";
        case '\\': return "\\\\";
        case '\b': return "\\b";
        case '\f': return "\\f";
        case '\n': return "\\n";
        case '\r': return "\\r";
        case '\t': return "\\t";
        }
        if (!!unicode_printable(cp))
                return NULL;
        snprintf(buf, 8, "\\u%04x", cp); /* valid JSON, and nothing raw for a terminal */
        return buf;
}

void json_str(FILE *f, const char *s)
{
        if (!s) {
                fputs("null", f);
                return;
        }
        /* Each byte that is not valid UTF-8 becomes U+FFFD, so the output always parses as UTF-8 JSON. */
        fputc('"', f);
        const unsigned char *p = (const unsigned char *)s, *run = p;
        char buf[8];
        while (*p) {
                unsigned cp;
                size_t n = utf8_cp(p, &cp);
                const char *esc = json_escape(n, cp, buf);
                if (esc) {
                        fwrite(run, 1, (size_t)(p - run), f);
                        fputs(esc, f);
                }
                p += n ? n : 1;
                if (esc)
                        run = p;
        }
        fwrite(run, 1, (size_t)(p - run), f);
        fputc('"', f);
}

void json_member(FILE *f, const char *name, const char *value)
{
        fprintf(f, ", \"%s\": ", name);
        json_str(f, value);
}

void out_findings_json(struct cli *c, const struct findings *f)
{
        fputs("\"findings\": [", c->out);
        for (size_t i = 0; i < f->n; i++) {
                const struct finding *x = &f->v[i];
                fputs(i ? ",\n    {" : "\n    {", c->out);
                fputs("\"severity\": ", c->out);
                json_str(c->out, severity_name(x->severity));
                json_member(c->out, "code", x->code);
                json_member(c->out, "key", x->key);
                json_member(c->out, "file", x->file);
                if (x->line)
                        fprintf(c->out, ", \"line\": %u, \"column\": %u", x->line, x->column);
                else
                        fputs(", \"line\": null, \"column\": null", c->out);
                json_member(c->out, "message", x->message);
                fputc('}', c->out);
        }
        fputs(f->n ? "\n  ]" : "]", c->out);
}

void table_add(struct table *t, const char *status_color, ...)
{
        const char **cells = array_grow(t->cells, t->nrows, t->ncols * sizeof(*cells)); /* ncols is fixed */
        const char **colors = array_grow(t->colors, t->nrows, sizeof(*colors));
        if (cells)
                t->cells = cells;
        if (colors)
                t->colors = colors;
        if (!cells || !colors)
                return; /* a row short under memory pressure, not a crash */
        va_list ap;
        va_start(ap, status_color);
        for (size_t i = 0; i < t->ncols; i++) {
                const char *s = va_arg(ap, const char *);
                char *e = text_elide(s ? s : "-");
                cells[t->nrows * t->ncols + i] = strarena_dup(&t->strs, e); /* NULL prints "?" */
                free(e);
        }
        va_end(ap);
        colors[t->nrows++] = status_color;
}

/* s (NULL: "?") padded with spaces to w characters. */
static void put_padded(FILE *f, const char *s, size_t w)
{
        s = s ? s : "?";
        fputs(s, f);
        for (size_t n = text_chars(s); n < w; n++)
                fputc(' ', f);
}

void table_print(struct cli *c, const struct table *t, const char *const *header)
{
        size_t w[16] = {0};
        for (size_t i = 0; i < t->ncols && i < 16; i++) {
                w[i] = text_chars(header[i]);
                for (size_t r = 0; r < t->nrows; r++) {
                        const char *s = t->cells[r * t->ncols + i];
                        size_t n = s ? text_chars(s) : 1;
                        w[i] = n > w[i] ? n : w[i];
                }
        }
        if (!c->quiet && t->nrows) {
                fputs(color(c, "bold"), c->out);
                for (size_t i = 0; i + 1 < t->ncols; i++) {
                        put_padded(c->out, header[i], w[i]);
                        fputs("  ", c->out);
                }
                fputs(header[t->ncols - 1], c->out);
                fprintf(c->out, "%s\n", color(c, "reset"));
        }
        for (size_t r = 0; r < t->nrows; r++) {
                for (size_t i = 0; i + 1 < t->ncols; i++) {
                        put_padded(c->out, t->cells[r * t->ncols + i], w[i]);
                        fputs("  ", c->out);
                }
                const char *last = t->cells[r * t->ncols + t->ncols - 1];
                fprintf(c->out, "%s%s%s\n", color(c, t->colors[r]), last ? last : "?", color(c, "reset"));
        }
}

void table_release(struct table *t)
{
        strarena_release(&t->strs);
        free(t->cells);
        free(t->colors);
        t->cells = NULL;
        t->colors = NULL;
        t->nrows = 0;
}

void cli_out_findings(struct cli *c, const struct findings *f, FILE *to)
{
        if (f->n && !c->quiet && c->format != FMT_GITHUB)
                fputc('\n', to);
        if (c->format == FMT_GITHUB)
                out_findings_github(c, f);
        else
                out_findings_text(c, f, to);
}
