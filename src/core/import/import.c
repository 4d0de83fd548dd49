/* SPDX-License-Identifier: MIT */
/* sysctl.conf files as a profile: each line of the input becomes a line of the output, in order,
 * so that comments stay where they stood and a reviewer can read the two side by side. */
#include "import.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "key.h"
#include "profile.h"
#include "strarena.h"
#include "sysctl_conf.h"
#include "util.h"
#include "validate.h"
#include "value.h"
#include "yaml_out.h"

#define SHOWN_LINE_MAX 200 /* bytes of a left-out line quoted in the profile */

enum item_kind { IT_BLANK, IT_COMMENT, IT_SETTING, IT_SKIPPED };

/* One line of the input. */
struct item {
        enum item_kind kind;
        size_t file;
        unsigned line;
        char *text;  /* IT_COMMENT: the comment from its '#'; IT_SKIPPED: the line; both made printable */
        size_t asg;  /* IT_SETTING: its assignment */
        bool lead;   /* in the first file's leading comment block, which goes to the top */
        size_t fnd_lo, fnd_hi; /* its findings: refs[fnd_lo..fnd_hi) */
};

struct assignment {
        char *key, *value; /* normalised */
        char *comment;     /* "# ..." after the value on its line, made printable, or NULL */
        bool optional;     /* the '-' prefix */
        bool dropped;      /* the line was left out (its value cannot be written); value is NULL */
        size_t winner;     /* the assignment of this key that wins: the last one */
        size_t file;
        unsigned line, column;
};

/* A finding with the line it is about (file SIZE_MAX: none of the input's). */
struct ref {
        size_t file;
        unsigned line;
        size_t idx;
};

struct ctx {
        const struct import_file *files;
        size_t n_files;
        char **shown; /* the files' names made printable */
        struct findings *f;
        struct item *items;
        size_t n_items, cap_items;
        struct assignment *asg;
        size_t n_asg, cap_asg;
        struct import_skip *skipped;
        size_t n_skipped, cap_skipped;
        bool duplicates;
        bool oom;
};

/* Room for one more element in an array of n (v returned unchanged, *ok false, if none). */
static void *grow(void *v, size_t *cap, size_t n, size_t size, bool *ok)
{
        *ok = true;
        if (n < *cap)
                return v;
        size_t c = *cap ? *cap * 2 : 32;
        void *p = realloc(v, c * size);
        if (!p) {
                *ok = false;
                return v;
        }
        *cap = c;
        return p;
}

static bool blank(char c)
{
        return c == ' ' || c == '\t';
}

/* Cuts s to at most max bytes, at the start of a UTF-8 sequence. */
static void cut_utf8(char *s, size_t max)
{
        if (strlen(s) <= max)
                return;
        while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
                max--;
        s[max] = '\0';
}

/* Where an inline "# ..." starts: a '#' after a blank, which systemd-sysctl and procps hand to the
 * kernel with the value and twtune, reading a .conf file, drops. */
static char *inline_hash(char *v)
{
        for (char *p = strchr(v, '#'); p; p = strchr(p + 1, '#'))
                if (p > v && blank(p[-1]))
                        return p;
        return NULL;
}

static void add_item(struct ctx *c, struct item *it)
{
        bool ok;
        c->items = grow(c->items, &c->cap_items, c->n_items, sizeof(*c->items), &ok);
        if (!ok) {
                free(it->text);
                c->oom = true;
                return;
        }
        c->items[c->n_items++] = *it;
}

/* Leaves the line (len bytes at line) out of the profile, with an error finding at loc. */
static void left_out(struct ctx *c, struct item *it, const char *line, size_t len, const char *code, const char *key,
                     const struct srcloc *loc, const char *msg)
{
        bool ok;
        if (!msg) {
                c->oom = true;
                return;
        }
        findings_add(c->f, SEV_ERROR, code, key, loc, "%s", msg);
        c->skipped = grow(c->skipped, &c->cap_skipped, c->n_skipped, sizeof(*c->skipped), &ok);
        struct import_skip s = {.file = strdup(c->files[it->file].name), .line = it->line, .column = loc->column,
                                .code = strdup(code), .reason = strdup(msg)};
        if (!ok || !s.file || !s.code || !s.reason) {
                free(s.file);
                free(s.code);
                free(s.reason);
                c->oom = true;
                return;
        }
        c->skipped[c->n_skipped++] = s;
        it->kind = IT_SKIPPED;
        if (!(it->text = yaml_printable(line, len, SHOWN_LINE_MAX, true)))
                c->oom = true;
        add_item(c, it);
}

/* One assignment of the file (line: the whole line, len bytes, trimmed). */
static void convert(struct ctx *c, size_t fi, const struct conf_line *l, const char *line, size_t len)
{
        const char *file = c->files[fi].name;
        struct srcloc kloc = {file, l->line, l->key_col}, vloc = {file, l->line, l->value_col};
        struct item it = {.kind = IT_SETTING, .file = fi, .line = l->line};
        const char *why = NULL;
        char *key = NULL, *raw = NULL, *comment = NULL, *msg = NULL, *looked_up = key_tool_form(l->key, false);
        /* "/net/ipv4/x" and "net..ipv4.x" as both tools read them; a trailing separator, which they
         * read differently, is refused. */
        int r = looked_up ? key_normalize(looked_up, &key, &why) : -ENOMEM;
        free(looked_up);
        if (r == -ENOMEM) {
                c->oom = true;
                return;
        }
        if (r < 0) {
                msg = str_printf("bad key '%s': %s", l->key, why);
                left_out(c, &it, line, len, "bad-key", NULL, &kloc, msg);
                free(msg);
                return;
        }
        if (!l->value) {
                msg = str_printf("'-%s' keeps %s out of the file's patterns; a profile cannot say that, so the line is "
                                 "left out", l->key, key);
                left_out(c, &it, line, len, "conf-exclusion", key, &kloc, msg);
                goto done;
        }
        if (!(raw = strdup(l->value))) {
                c->oom = true;
                goto done;
        }
        char *hash = inline_hash(raw);
        if (hash) {
                struct srcloc cloc = {file, l->line, l->value_col + (unsigned)(hash - raw)};
                findings_add(c->f, SEV_WARNING, "inline-comment", key, &cloc,
                             "%s: '#' after the value is no comment to systemd-sysctl or sysctl -p, which write it to "
                             "the kernel; the profile keeps the value before it, as twtune reads it, and the rest as a "
                             "comment", key);
                if (!(comment = yaml_printable(hash, strlen(hash), SIZE_MAX, true)))
                        c->oom = true;
                *hash = '\0';
        }
        bool ok;
        c->asg = grow(c->asg, &c->cap_asg, c->n_asg, sizeof(*c->asg), &ok);
        if (!ok) {
                c->oom = true;
                goto done;
        }
        struct assignment a = {.key = key, .optional = l->ignore_failure, .winner = c->n_asg, .file = fi,
                               .line = l->line, .column = l->key_col};
        /* The rules a profile's values follow (value_check). A line left out still assigns its key,
         * for the tools: find_winners must not let an earlier line take its place. */
        if (value_check(raw, &why) < 0) {
                msg = str_printf("%s: %s", key, why);
                left_out(c, &it, line, len, "bad-value", key, &vloc, msg);
                a.dropped = true;
                c->asg[c->n_asg++] = a;
                key = NULL;
                goto done;
        }
        if (!(a.value = value_normalize(raw))) {
                c->oom = true;
                goto done;
        }
        a.comment = comment;
        c->asg[c->n_asg] = a;
        it.asg = c->n_asg++;
        key = comment = NULL;
        add_item(c, &it);
done:
        free(msg);
        free(comment);
        free(raw);
        free(key);
}

/* The lines of one file, in order. */
static void add_file(struct ctx *c, size_t fi)
{
        const struct import_file *in = &c->files[fi];
        struct findings syntax = {0};
        struct conf_line *lines = NULL;
        size_t n = 0, k = 0, e = 0;
        /* Lines of any length, as the tools read them (the input is at most 1 MiB): a long last
         * assignment must still win over an earlier one. */
        if (conf_parse_max(in->text, in->len, in->name, PROFILE_MAX_BYTES, &lines, &n, &syntax) < 0) {
                findings_release(&syntax);
                c->oom = true;
                return;
        }
        unsigned lineno = 0;
        for (size_t pos = 0; pos < in->len && !c->oom;) {
                /* Lines as conf_parse splits them: at '\n', without a CR before it, trimmed. */
                const char *s = in->text + pos;
                const char *nl = memchr(s, '\n', in->len - pos);
                size_t len = nl ? (size_t)(nl - s) : in->len - pos;
                pos += len + 1;
                lineno++;
                size_t a = 0, b = len;
                if (b && s[b - 1] == '\r')
                        b--;
                while (a < b && blank(s[a]))
                        a++;
                while (b > a && blank(s[b - 1]))
                        b--;
                struct item it = {.file = fi, .line = lineno};
                if (k < n && lines[k].line == lineno) {
                        convert(c, fi, &lines[k++], s + a, b - a);
                        continue;
                }
                bool nul = memchr(s, '\0', len) != NULL;
                if (!nul && a == b) {
                        it.kind = IT_BLANK;
                        add_item(c, &it);
                } else if (!nul && (s[a] == '#' || s[a] == ';')) {
                        it.kind = IT_COMMENT;
                        if (!(it.text = yaml_printable(s + a, b - a, SIZE_MAX, true))) {
                                c->oom = true;
                                break;
                        }
                        it.text[0] = '#'; /* a ';' comment too */
                        add_item(c, &it);
                } else {
                        /* conf_parse reported it: its finding is the reason. */
                        while (e < syntax.n && syntax.v[e].line < lineno)
                                e++;
                        const struct finding *x = e < syntax.n && syntax.v[e].line == lineno ? &syntax.v[e] : NULL;
                        struct srcloc loc = {in->name, lineno, x ? x->column : 1};
                        left_out(c, &it, s + a, b - a, x ? x->code : "conf-syntax", NULL, &loc,
                                 x ? x->message : "not a sysctl.conf line");
                }
        }
        if (syntax.oom)
                c->oom = true;
        findings_release(&syntax);
        conf_lines_free(lines, n);
}

static int by_key(const void *a, const void *b)
{
        const struct assignment *x = *(const struct assignment *const *)a, *y = *(const struct assignment *const *)b;
        int d = strcmp(x->key, y->key);
        return d ? d : x < y ? -1 : x > y;
}

/* Records that the kept assignment a is left out because the line that wins over it, w, was. */
static void lost_to_dropped(struct ctx *c, const struct assignment *a, const struct assignment *w)
{
        struct srcloc loc = {c->files[a->file].name, a->line, a->column};
        char *msg = str_printf("%s: left out: %s:%u sets it last, which wins with systemd-sysctl and sysctl -p, and "
                               "that value cannot be imported; this earlier value would not be what the tools set",
                               a->key, c->shown[w->file], w->line);
        bool ok;
        if (!msg) {
                c->oom = true;
                return;
        }
        findings_add(c->f, SEV_ERROR, "overridden-left-out", a->key, &loc, "%s", msg);
        c->skipped = grow(c->skipped, &c->cap_skipped, c->n_skipped, sizeof(*c->skipped), &ok);
        struct import_skip s = {.file = strdup(c->files[a->file].name), .line = a->line, .column = a->column,
                                .code = strdup("overridden-left-out"), .reason = msg};
        if (!ok || !s.file || !s.code) {
                free(s.file);
                free(s.code);
                free(msg);
                c->oom = true;
                return;
        }
        c->skipped[c->n_skipped++] = s;
}

/* The last assignment of a key wins, as with systemd-sysctl and sysctl -p; each later one gets
 * a duplicate-key note at its line. When the last one was left out, so is the key: every earlier
 * one stays a comment ("replaced by"), with an error. */
static void find_winners(struct ctx *c)
{
        struct assignment **v = malloc((c->n_asg + 1) * sizeof(*v));
        if (!v) {
                c->oom = true;
                return;
        }
        for (size_t i = 0; i < c->n_asg; i++)
                v[i] = &c->asg[i];
        qsort(v, c->n_asg, sizeof(*v), by_key);
        for (size_t i = 0; i < c->n_asg;) {
                size_t j = i + 1;
                while (j < c->n_asg && strcmp(v[j]->key, v[i]->key) == 0)
                        j++;
                size_t last = (size_t)(v[j - 1] - c->asg);
                for (size_t m = i; m < j; m++) {
                        v[m]->winner = last;
                        if (m + 1 < j && !v[m]->dropped && c->asg[last].dropped)
                                lost_to_dropped(c, v[m], &c->asg[last]);
                        if (m == i)
                                continue;
                        struct srcloc loc = {c->files[v[m]->file].name, v[m]->line, v[m]->column};
                        findings_add(c->f, SEV_INFO, "duplicate-key", v[m]->key, &loc,
                                     "%s was set at %s:%u too; the last assignment wins, as with systemd-sysctl and "
                                     "sysctl -p", v[m]->key, c->files[v[m - 1]->file].name, v[m - 1]->line);
                        c->duplicates = true;
                }
                i = j;
        }
        free(v);
}

/* Validates the winning assignments as the profile will hold them. */
static int validate(struct ctx *c, const char *name, const struct validate_opts *vo, size_t *ret_n)
{
        struct profile *p = calloc(1, sizeof(*p));
        size_t n = 0;
        if (!p)
                return -ENOMEM;
        p->files = calloc(c->n_files + 1, sizeof(*p->files));
        p->settings = calloc(c->n_asg + 1, sizeof(*p->settings));
        p->name = strdup(name);
        p->path = strdup(c->n_files ? c->files[0].name : "");
        int r = p->files && p->settings && p->name && p->path ? 0 : -ENOMEM;
        for (size_t i = 0; r == 0 && i < c->n_files; i++, p->n_files++)
                if (!(p->files[i] = strdup(c->files[i].name)))
                        r = -ENOMEM;
        for (size_t i = 0; r == 0 && i < c->n_items; i++) {
                const struct item *it = &c->items[i];
                if (it->kind != IT_SETTING || c->asg[it->asg].winner != it->asg)
                        continue;
                const struct assignment *a = &c->asg[it->asg];
                struct setting *s = &p->settings[p->n_settings++];
                *s = (struct setting){.key = strdup(a->key), .value = str_intern(a->value), .mode = SET_EXACT,
                                      .optional = a->optional, .glob = strpbrk(a->key, "*?[") != NULL,
                                      .loc = {p->files[a->file], a->line, a->column}};
                if (!s->key || !s->value)
                        r = -ENOMEM;
                n++;
        }
        if (r == 0 && vo)
                r = validate_profile(p, vo, c->f);
        profile_free(p);
        *ret_n = n;
        return r;
}

static int by_line(const void *a, const void *b)
{
        const struct ref *x = a, *y = b;
        if (x->file != y->file)
                return x->file < y->file ? -1 : 1;
        if (x->line != y->line)
                return x->line < y->line ? -1 : 1;
        return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* The findings from f->v[from] on, ordered by the line they are about, each item's range of them
 * set. Those about no line of the input are left with *ret_placed false. */
static struct ref *place_findings(struct ctx *c, size_t from, bool **ret_placed)
{
        size_t n = c->f->n - from;
        struct ref *refs = calloc(n + 1, sizeof(*refs));
        bool *placed = calloc(n + 1, sizeof(*placed));
        if (!refs || !placed) {
                free(refs);
                free(placed);
                return NULL;
        }
        for (size_t i = 0; i < n; i++) {
                const struct finding *x = &c->f->v[from + i];
                refs[i] = (struct ref){.file = SIZE_MAX, .line = x->line, .idx = from + i};
                for (size_t k = 0; x->file && x->line && k < c->n_files && refs[i].file == SIZE_MAX; k++)
                        if (strcmp(x->file, c->files[k].name) == 0)
                                refs[i].file = k;
        }
        qsort(refs, n, sizeof(*refs), by_line);
        /* Items are in the same order: files as given, lines ascending. */
        size_t r = 0;
        for (size_t i = 0; i < c->n_items; i++) {
                struct item *it = &c->items[i];
                while (r < n && (refs[r].file < it->file || (refs[r].file == it->file && refs[r].line < it->line)))
                        r++;
                it->fnd_lo = r;
                while (r < n && refs[r].file == it->file && refs[r].line == it->line)
                        placed[r++] = true;
                it->fnd_hi = r;
        }
        *ret_placed = placed;
        return refs;
}

/* "KEY: VALUE" or "KEY: {value: VALUE, optional: true}", without indentation or newline. */
static void put_setting(struct strbuf *sb, const struct assignment *a)
{
        yaml_put_scalar(sb, a->key, true);
        sb_append(sb, a->optional ? ": {value: " : ": ");
        yaml_put_value(sb, a->value);
        if (a->optional)
                sb_append(sb, ", optional: true}");
}

static void put_finding(struct ctx *c, struct strbuf *sb, const char *indent, const struct finding *x)
{
        char *msg = yaml_printable(x->message, strlen(x->message), SIZE_MAX, false);
        char *code = yaml_printable(x->code, strlen(x->code), SIZE_MAX, false);
        char *line = msg && code ? str_printf("twtune: %s (%s): %s", code, severity_name(x->severity), msg) : NULL;
        if (line)
                yaml_put_comment(sb, indent, line);
        else
                c->oom = true;
        free(line);
        free(code);
        free(msg);
}

/* The description: the files, within the 200 bytes a description may hold. */
static char *describe(struct ctx *c)
{
        struct strbuf sb = {0};
        sb_append(&sb, "Imported from ");
        for (size_t i = 0; i < c->n_files; i++)
                sb_appendf(&sb, "%s%s", i == 0 ? "" : i + 1 == c->n_files ? " and " : ", ", c->shown[i]);
        char *d = sb_steal(&sb);
        if (d && strlen(d) > PROFILE_MAX_NAME) {
                free(d);
                d = c->n_files > 1 ? str_printf("Imported from %s and %zu more files", c->shown[0], c->n_files - 1) : NULL;
                if (!d || strlen(d) > PROFILE_MAX_NAME) {
                        free(d);
                        d = str_printf("Imported from %zu file%s", c->n_files, c->n_files == 1 ? "" : "s");
                }
        }
        return d;
}

/* Marks the first file's leading comment block: its first comments, when a blank line (or the
 * end of the file) follows them, so that they are not a setting's. */
static void mark_lead(struct ctx *c)
{
        size_t i = 0, j;
        while (i < c->n_items && c->items[i].file == 0 && c->items[i].kind == IT_BLANK)
                i++;
        for (j = i; j < c->n_items && c->items[j].file == 0 && c->items[j].kind == IT_COMMENT; j++)
                ;
        if (j > i && (j == c->n_items || c->items[j].file != 0 || c->items[j].kind == IT_BLANK))
                for (; i < j; i++)
                        c->items[i].lead = true;
}

/* The profile's head: the first file's leading comments, what it was imported from, the findings
 * about no line of it, name and description. */
static void emit_head(struct ctx *c, struct strbuf *sb, const char *name, size_t n_settings, const struct ref *refs,
                      const bool *placed, size_t n_refs)
{
        bool lead = false;
        for (size_t i = 0; i < c->n_items; i++)
                if (c->items[i].lead) {
                        sb_appendf(sb, "%s\n", c->items[i].text);
                        lead = true;
                }
        if (lead)
                sb_append(sb, "\n");

        char *files = NULL, *desc = describe(c);
        struct strbuf fb = {0};
        for (size_t i = 0; i < c->n_files; i++)
                sb_appendf(&fb, "%s%s", i ? ", " : "", c->shown[i]);
        files = sb_steal(&fb);
        char *head = files ? str_printf("Imported by 'twtune import' from %s.", files) : NULL;
        if (!head || !desc)
                c->oom = true;
        else
                yaml_put_comment(sb, "", head);
        if (c->n_files > 1 || c->duplicates)
                yaml_put_comment(sb, "", "Where a key is set more than once, the last assignment wins, as with systemd-sysctl "
                                     "and sysctl -p.");
        yaml_put_comment(sb, "", "twtune's findings are the '# twtune:' comments above the lines they are about.");
        for (size_t i = 0; i < n_refs; i++)
                if (!placed[i])
                        put_finding(c, sb, "", &c->f->v[refs[i].idx]);
        sb_append(sb, "name: ");
        yaml_put_scalar(sb, name, false);
        sb_append(sb, "\ndescription: ");
        yaml_put_quoted(sb, desc ? desc : "");
        sb_append(sb, n_settings ? "\nsysctl:\n" : "\nsysctl: {}\n");
        free(head);
        free(files);
        free(desc);
}

/* One line of the input under sysctl: its findings, then the comment, the line left out, or the
 * setting (marked when a later assignment replaces it). */
static void emit_item(struct ctx *c, struct strbuf *sb, const struct item *it, const struct ref *refs)
{
        for (size_t k = it->fnd_lo; k < it->fnd_hi; k++)
                put_finding(c, sb, "  ", &c->f->v[refs[k].idx]);
        if (it->kind == IT_COMMENT) {
                sb_appendf(sb, "  %s\n", it->text);
                return;
        }
        if (it->kind == IT_SKIPPED) {
                sb_appendf(sb, "  # twtune: left out: %s\n", it->text);
                return;
        }
        const struct assignment *a = &c->asg[it->asg];
        if (a->winner != it->asg)
                sb_appendf(sb, "  # twtune: replaced by %s:%u: ", c->shown[c->asg[a->winner].file],
                           c->asg[a->winner].line);
        else
                sb_append(sb, "  ");
        put_setting(sb, a);
        if (a->comment)
                sb_appendf(sb, "  %s", a->comment);
        sb_append(sb, "\n");
}

static char *emit(struct ctx *c, const char *name, size_t n_settings, const struct ref *refs, const bool *placed,
                  size_t n_refs)
{
        struct strbuf sb = {0};
        emit_head(c, &sb, name, n_settings, refs, placed, n_refs);

        /* With several files, each one's lines under its name. Runs of blank lines become one. */
        bool started = false, gap = false;
        size_t i = 0;
        for (size_t fi = 0; fi < c->n_files; fi++) {
                if (c->n_files > 1) {
                        sb_appendf(&sb, "%s  # --- from %s ---\n", started ? "\n" : "", c->shown[fi]);
                        started = gap = false;
                }
                for (; i < c->n_items && c->items[i].file == fi; i++) {
                        const struct item *it = &c->items[i];
                        if (it->lead)
                                continue;
                        if (it->kind == IT_BLANK) {
                                gap = started;
                                continue;
                        }
                        if (gap)
                                sb_append(&sb, "\n");
                        gap = false;
                        started = true;
                        emit_item(c, &sb, it, refs);
                }
                started = started || c->n_files > 1;
        }
        return sb_steal(&sb);
}

int import_conf(const struct import_file *files, size_t n, const char *name, const struct validate_opts *vo,
                struct import_result *ret, struct findings *f)
{
        struct ctx c = {.files = files, .n_files = n, .f = f};
        size_t from = f->n, n_settings = 0, n_refs = 0;
        struct ref *refs = NULL;
        bool *placed = NULL;
        char *yaml = NULL, *nm = text_sanitize_line(name && *name ? name : "imported");
        if (nm)
                cut_utf8(nm, PROFILE_MAX_NAME);
        c.shown = calloc(n + 1, sizeof(*c.shown));
        c.oom = !nm || !c.shown;
        for (size_t i = 0; !c.oom && i < n; i++)
                c.oom = !(c.shown[i] = yaml_printable(files[i].name, strlen(files[i].name), SIZE_MAX, false));
        for (size_t i = 0; !c.oom && i < n; i++)
                add_file(&c, i);
        if (!c.oom)
                find_winners(&c);
        if (!c.oom && validate(&c, nm, vo, &n_settings) < 0)
                c.oom = true;
        if (!c.oom && n_settings == 0) {
                struct srcloc loc = {n ? files[0].name : NULL, 0, 0};
                findings_add(f, SEV_WARNING, "no-settings", NULL, &loc, "nothing to import: no line sets a sysctl");
        }
        mark_lead(&c);
        if (!c.oom && !f->oom) {
                n_refs = f->n - from;
                refs = place_findings(&c, from, &placed);
                c.oom = !refs;
        }
        if (!c.oom)
                yaml = emit(&c, nm, n_settings, refs, placed, n_refs);
        bool failed = c.oom || f->oom || !yaml;
        for (size_t i = 0; i < c.n_items; i++)
                free(c.items[i].text);
        free(c.items);
        for (size_t i = 0; i < c.n_asg; i++) {
                free(c.asg[i].key);
                free(c.asg[i].value);
                free(c.asg[i].comment);
        }
        free(c.asg);
        for (size_t i = 0; c.shown && i < n; i++)
                free(c.shown[i]);
        free(c.shown);
        free(refs);
        free(placed);
        free(nm);
        *ret = (struct import_result){.yaml = yaml, .n_settings = n_settings, .skipped = c.skipped,
                                      .n_skipped = c.n_skipped};
        if (failed) {
                import_result_release(ret);
                f->oom = true;
                return -ENOMEM;
        }
        return 0;
}

void import_result_release(struct import_result *r)
{
        for (size_t i = 0; i < r->n_skipped; i++) {
                free(r->skipped[i].file);
                free(r->skipped[i].code);
                free(r->skipped[i].reason);
        }
        free(r->skipped);
        free(r->yaml);
        *r = (struct import_result){0};
}

char *import_name_from_path(const char *path)
{
        const char *b = strrchr(path, '/');
        b = b ? b + 1 : path;
        size_t n = strlen(b);
        static const char *const ext[] = {".yaml", ".yml", ".conf"};
        for (size_t i = 0; i < ELEMENTSOF(ext); i++)
                if (str_has_suffix(b, ext[i]) && n > strlen(ext[i])) {
                        n -= strlen(ext[i]);
                        break;
                }
        char *raw = strndup(b, n);
        char *name = raw && *raw ? text_sanitize_line(raw) : NULL;
        free(raw);
        if (name)
                cut_utf8(name, PROFILE_MAX_NAME);
        return name;
}
