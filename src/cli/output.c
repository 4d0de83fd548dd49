#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
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

void out_findings_text(struct cli *c, const struct findings *f, FILE *to)
{
        for (size_t i = 0; i < f->n; i++) {
                const struct finding *x = &f->v[i];
                if (c->quiet && x->severity != SEV_ERROR)
                        continue;
                if (x->file && x->line)
                        fprintf(to, "%s:%u:%u: ", x->file, x->line, x->column);
                else if (x->file)
                        fprintf(to, "%s: ", x->file);
                const char *sev = severity_name(x->severity);
                fprintf(to, "%s%s%s: %s [%s]\n", color(c, sev), sev, color(c, "reset"), x->message, x->code);
        }
}

/* GitHub workflow commands: data escapes %, CR, LF; properties also ':' and ','. */
static void gh_escape(FILE *f, const char *s, bool property)
{
        for (; *s; s++) {
                if (*s == '%')
                        fputs("%25", f);
                else if (*s == '\r')
                        fputs("%0D", f);
                else if (*s == '\n')
                        fputs("%0A", f);
                else if (property && *s == ':')
                        fputs("%3A", f);
                else if (property && *s == ',')
                        fputs("%2C", f);
                else
                        fputc(*s, f);
        }
}

void out_findings_github(struct cli *c, const struct findings *f)
{
        for (size_t i = 0; i < f->n; i++) {
                const struct finding *x = &f->v[i];
                if (c->quiet && x->severity != SEV_ERROR)
                        continue;
                fprintf(c->out, "::%s ", x->severity == SEV_ERROR ? "error" : x->severity == SEV_WARNING ? "warning" : "notice");
                if (x->file) {
                        fputs("file=", c->out);
                        gh_escape(c->out, x->file, true);
                        if (x->line)
                                fprintf(c->out, ",line=%u,col=%u", x->line, x->column);
                        fputc(',', c->out);
                }
                fputs("title=twtune ", c->out);
                gh_escape(c->out, x->code, true);
                fputs("::", c->out);
                gh_escape(c->out, x->message, false);
                fputc('\n', c->out);
        }
}

void json_str(FILE *f, const char *s)
{
        if (!s) {
                fputs("null", f);
                return;
        }
        fputc('"', f);
        for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
                switch (*p) {
                case '"': fputs("\\\"", f); break;
                case '\\': fputs("\\\\", f); break;
                case '\n': fputs("\\n", f); break;
                case '\r': fputs("\\r", f); break;
                case '\t': fputs("\\t", f); break;
                default:
                        if (*p < 0x20)
                                fprintf(f, "\\u%04x", *p);
                        else
                                fputc(*p, f);
                }
        }
        fputc('"', f);
}

void json_member(FILE *f, const char *name, const char *value)
{
        fprintf(f, ", \"%s\": ", name);
        json_str(f, value);
}

void json_setting(FILE *f, bool first, const struct setting *s, const char *current, const char *desired,
                  const char *status, const char *reason)
{
        fputs(first ? "\n    {\"key\": " : ",\n    {\"key\": ", f);
        json_str(f, s->key);
        json_member(f, "current", current);
        json_member(f, "desired", desired);
        json_member(f, "mode", setting_mode_name(s->mode));
        json_member(f, "status", status);
        json_member(f, "reason", reason);
        char *src = str_printf("%s:%u", s->loc.file, s->loc.line);
        json_member(f, "source", src);
        free(src);
        fputc('}', f);
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
        char **cells = realloc(t->cells, (t->nrows + 1) * t->ncols * sizeof(*cells));
        const char **colors = realloc(t->colors, (t->nrows + 1) * sizeof(*colors));
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
                cells[t->nrows * t->ncols + i] = strdup(s ? s : "-");
        }
        va_end(ap);
        colors[t->nrows++] = status_color;
}

void table_print(struct cli *c, const struct table *t, const char *const *header)
{
        size_t w[16] = {0};
        for (size_t i = 0; i < t->ncols && i < 16; i++) {
                w[i] = strlen(header[i]);
                for (size_t r = 0; r < t->nrows; r++) {
                        const char *s = t->cells[r * t->ncols + i];
                        size_t n = s ? strlen(s) : 0;
                        w[i] = n > w[i] ? n : w[i];
                }
        }
        if (!c->quiet && t->nrows) {
                fputs(color(c, "bold"), c->out);
                for (size_t i = 0; i + 1 < t->ncols; i++)
                        fprintf(c->out, "%-*s  ", (int)w[i], header[i]);
                fputs(header[t->ncols - 1], c->out);
                fprintf(c->out, "%s\n", color(c, "reset"));
        }
        for (size_t r = 0; r < t->nrows; r++) {
                for (size_t i = 0; i + 1 < t->ncols; i++) {
                        const char *s = t->cells[r * t->ncols + i];
                        fprintf(c->out, "%-*s  ", (int)w[i], s ? s : "?");
                }
                const char *last = t->cells[r * t->ncols + t->ncols - 1];
                fprintf(c->out, "%s%s%s\n", color(c, t->colors[r]), last ? last : "?", color(c, "reset"));
        }
}

void table_release(struct table *t)
{
        for (size_t i = 0; i < t->nrows * t->ncols; i++)
                free(t->cells[i]);
        free(t->cells);
        free(t->colors);
        t->cells = NULL;
        t->colors = NULL;
        t->nrows = 0;
}
