/* SPDX-License-Identifier: MIT */
#include "rows.h"

#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "kb.h"
#include "output.h"
#include "profile.h"
#include "strmap.h"
#include "txn.h"
#include "util.h"

static const char *const statuses[] = {"ok", "change", "restore", "skip", "error", "write-only", "follows", "drift"};

static char *dup0(const char *s)
{
        return s ? strdup(s) : NULL;
}

void rows_add(struct rows *rs, const struct row *r)
{
        struct row *v = array_grow(rs->v, rs->n, sizeof(*v));
        if (!v) {
                rs->oom = true;
                return;
        }
        rs->v = v;
        v[rs->n++] = (struct row){dup0(r->key),    dup0(r->current), dup0(r->desired), dup0(r->shown), r->status,
                                  r->mode,         dup0(r->source),  dup0(r->reason),  dup0(r->pattern)};
}

void rows_release(struct rows *rs)
{
        for (size_t i = 0; i < rs->n; i++) {
                struct row *r = &rs->v[i];
                free(r->key);
                free(r->current);
                free(r->desired);
                free(r->shown);
                free(r->source);
                free(r->reason);
                free(r->pattern);
        }
        free(rs->v);
        *rs = (struct rows){0};
}

size_t rows_count(const struct rows *rs, const char *status)
{
        size_t n = 0;
        for (size_t i = 0; i < rs->n; i++)
                n += strcmp(rs->v[i].status, status) == 0;
        return n;
}

bool row_needs_attention(const struct row *r)
{
        return strcmp(r->status, "change") == 0 || strcmp(r->status, "restore") == 0 ||
               strcmp(r->status, "error") == 0 || strcmp(r->status, "drift") == 0;
}

/* The row of a profile setting, before the plan fills in its values. */
static struct row setting_row(const struct setting *s, char *source, char *shown)
{
        snprintf(source, 512, "%s:%u", s->loc.file ? s->loc.file : "", s->loc.line);
        shown[0] = '\0';
        if (s->mode != SET_EXACT)
                snprintf(shown, 512, "%s%s", s->mode == SET_AT_LEAST ? ">=" : "<=", s->value);
        return (struct row){.key = s->key, .mode = setting_mode_name(s->mode),
                            .source = source, .shown = shown[0] ? shown : NULL, .pattern = s->pattern};
}

void rows_from_diff(struct rows *rs, const struct diff *d)
{
        char source[512], shown[512];
        for (size_t i = 0; i < d->n; i++) {
                const struct diff_row *dr = &d->rows[i];
                struct row r = setting_row(dr->setting, source, shown);
                r.current = dr->current;
                r.desired = (char *)dr->setting->value; /* rows_add copies it */
                r.status = diff_status_name(dr->status);
                r.reason = dr->reason;
                rows_add(rs, &r);
        }
}

/* The plan's item for key; idx maps keys to items (a plan may hold 100 000), or is empty. */
static const struct txn_item *find_item(const struct txn *t, const struct strmap *idx, const char *key)
{
        size_t i;
        if (idx->n)
                return strmap_get(idx, key, &i) ? &t->items[i] : NULL;
        for (i = 0; i < t->n; i++)
                if (strcmp(t->items[i].key, key) == 0)
                        return &t->items[i];
        return NULL;
}

static const char *item_status(const struct txn_item *it)
{
        if (it->dependent)
                return "follows";
        if (it->write_only)
                return "write-only";
        if (it->restore)
                return it->write ? "restore" : "ok";
        return it->write ? "change" : "ok";
}

void rows_from_plan(struct rows *rs, const struct diff *d, const struct txn *t, bool done)
{
        char source[512], shown[512];
        struct strmap idx = {0};
        for (size_t i = 0; i < t->n; i++)
                if (!strmap_get(&idx, t->items[i].key, NULL) && strmap_put(&idx, t->items[i].key, i) < 0) {
                        strmap_release(&idx); /* the slow way, then */
                        break;
                }
        for (size_t i = 0; i < d->n; i++) {
                const struct diff_row *dr = &d->rows[i];
                const struct txn_item *it = find_item(t, &idx, dr->setting->key);
                struct row r = setting_row(dr->setting, source, shown);
                if (dr->status == DIFF_SKIP || dr->status == DIFF_ERROR || !it) {
                        r.current = dr->current;
                        r.desired = (char *)dr->setting->value; /* rows_add copies it */
                        r.status = dr->status == DIFF_ERROR ? "error" : "skip";
                        r.reason = dr->reason;
                } else {
                        r.current = it->write_only ? NULL : (char *)it->before; /* copied */
                        r.desired = (char *)it->after;
                        r.status = item_status(it);
                        r.reason = dr->reason;
                        /* mark_clobbered: already right, but a propagating write above resets it */
                        if (it->write && !it->write_only && !it->restore && !r.reason &&
                            kb_value_equal(it->key, it->before, it->after))
                                r.reason = "written again: a key written before it makes the kernel reset it";
                }
                rows_add(rs, &r);
        }
        strmap_release(&idx);
        for (size_t i = 0; i < t->n; i++) {
                const struct txn_item *it = &t->items[i];
                if (!it->restore && !it->dependent)
                        continue;
                /* Short: it is a table cell. */
                const char *why = !it->restore ? "set by the kernel along with a key above"
                                  : it->foreign ? "dropped from the profile: back to its value before twtune; the live "
                                                  "value was not twtune's"
                                                : "dropped from the profile: back to its value before twtune";
                struct row r = {.key = (char *)it->key, .current = (char *)it->before, .mode = "value",
                                /* a dependent's value is only known once the kernel has propagated */
                                .desired = it->dependent && !done ? NULL : (char *)it->after, .status = item_status(it),
                                .reason = (char *)why};
                rows_add(rs, &r);
        }
}

static void out_github_rows(struct cli *c, const struct rows *rs)
{
        for (size_t i = 0; i < rs->n; i++) {
                const struct row *r = &rs->v[i];
                if (strcmp(r->status, "error") && strcmp(r->status, "drift"))
                        continue;
                /* Values and reasons come from the target: cut, as in the table. */
                char *cur = text_elide(r->current ? r->current : "absent"), *want = text_elide(r->desired ? r->desired : "-");
                char *why = r->reason ? text_elide(r->reason) : NULL;
                char *msg = str_printf("%s is %s, expected %s%s%s", r->key, cur ? cur : "?", want ? want : "?",
                                       why ? ": " : "", why ? why : "");
                struct finding x = {.severity = SEV_ERROR, .code = (char *)r->status, .key = r->key, .message = msg};
                struct findings one = {.v = &x, .n = 1, .cap = 1};
                if (msg)
                        out_findings_github(c, &one);
                free(msg);
                free(cur);
                free(want);
                free(why);
        }
}

void out_rows(struct cli *c, const struct rows *rs)
{
        if (c->format == FMT_JSON) {
                fputs(",\n  \"settings\": [", c->out);
                for (size_t i = 0; i < rs->n; i++) {
                        const struct row *r = &rs->v[i];
                        fputs(i ? ",\n    {\"key\": " : "\n    {\"key\": ", c->out);
                        json_str(c->out, r->key);
                        json_member(c->out, "current", r->current);
                        json_member(c->out, "desired", r->desired);
                        json_member(c->out, "status", r->status);
                        json_member(c->out, "mode", r->mode);
                        json_member(c->out, "source", r->source);
                        json_member(c->out, "reason", r->reason);
                        json_member(c->out, "pattern", r->pattern);
                        fputc('}', c->out);
                }
                fputs(rs->n ? "\n  ],\n  \"summary\": {" : "],\n  \"summary\": {", c->out);
                for (size_t s = 0; s < ELEMENTSOF(statuses); s++)
                        fprintf(c->out, "%s\"%s\": %zu", s ? ", " : "", statuses[s], rows_count(rs, statuses[s]));
                fputc('}', c->out);
                return;
        }
        static const char *const header[] = {"KEY", "CURRENT", "DESIRED", "STATUS"};
        struct table tab = {.ncols = 4};
        for (size_t i = 0; i < rs->n; i++) {
                const struct row *r = &rs->v[i];
                if (c->quiet && !row_needs_attention(r))
                        continue;
                char *status = r->reason ? str_printf("%s (%s)", r->status, r->reason) : NULL;
                table_add(&tab, r->status, r->key, r->current, r->shown ? r->shown : r->desired,
                          status ? status : r->status);
                free(status);
        }
        table_print(c, &tab, header);
        table_release(&tab);
        if (c->format == FMT_GITHUB)
                out_github_rows(c, rs);
}

void out_rows_summary(struct cli *c, const struct rows *rs, const char *what)
{
        struct strbuf sb = {0};
        for (size_t s = 0; s < ELEMENTSOF(statuses); s++) {
                size_t n = rows_count(rs, statuses[s]);
                if (n || s < 2)
                        sb_appendf(&sb, "%s%zu %s", sb.len ? ", " : "", n, statuses[s]);
        }
        char *line = sb_steal(&sb);
        out_line(c->out, "%s: %s", what, line ? line : "?");
        free(line);
}
