/* SPDX-License-Identifier: MIT */
/* One setting of a profile's sysctl mapping, from its YAML: a value, a list of values, or a
 * mapping of value, at_least, at_most, when, optional and note. */
#include "profile_internal.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "kver.h"
#include "strarena.h"
#include "util.h"
#include "value.h"
#include "yaml_tree.h"

void profile_err_at(struct findings *f, const char *file, const struct ynode *n, const char *code, const char *key,
                    const char *fmt, ...)
{
        struct srcloc loc = {file, n ? n->line : 0, n ? n->column : 0};
        va_list ap;
        va_start(ap, fmt);
        findings_vadd(f, SEV_ERROR, code, key, &loc, fmt, ap);
        va_end(ap);
}

/* Turns a scalar or a list of scalars into a value string (str_intern's); NULL after reporting an
 * error. */
static const char *parse_value(struct findings *f, const char *file, const char *key, const struct ynode *n)
{
        struct strbuf sb = {0};
        if (n->kind == YN_MAP) {
                profile_err_at(f, file, n, "bad-type", key,
                               "%s: expected a value, a list of values or a mapping with 'value'", key);
                return NULL;
        }
        const struct ynode *const *items = n->kind == YN_SEQ ? (const struct ynode *const *)n->items : &n;
        size_t count = n->kind == YN_SEQ ? n->n : 1;
        for (size_t i = 0; i < count; i++) {
                const struct ynode *it = items[i];
                bool b;
                if (it->kind != YN_SCALAR) {
                        profile_err_at(f, file, it, "bad-type", key,
                                       "%s: list items must be plain values, not nested lists or mappings", key);
                        goto fail;
                }
                if (ynode_is_null(it)) {
                        profile_err_at(f, file, it, "bad-value", key,
                                       "%s: no value given (YAML null); write \"\" for an empty value", key);
                        goto fail;
                }
                if (ynode_bool(it, &b)) {
                        struct srcloc loc = {file, it->line, it->column};
                        findings_add(f, SEV_ERROR, "bad-value", key, &loc,
                                     "%s: '%s' is a YAML boolean; sysctls take numbers: write %d", key, it->scalar, b);
                        goto fail;
                }
                const char *why = NULL;
                if (value_check(it->scalar, &why) < 0) {
                        profile_err_at(f, file, it, "bad-value", key, "%s: %s", key, why);
                        goto fail;
                }
                char *norm = value_normalize(it->scalar);
                if (!norm) {
                        f->oom = true;
                        goto fail;
                }
                if (sb.len && *norm)
                        sb_append(&sb, " ");
                sb_append(&sb, norm);
                free(norm);
        }
        char *s = sb_steal(&sb);
        const char *kept = str_intern(s);
        free(s);
        if (!kept)
                f->oom = true;
        return kept;
fail:
        sb_release(&sb);
        return NULL;
}

/* A setting's field other than its value: fields[j] is 'when', 'optional' or 'note'. Returns
 * whether it was valid, after reporting why not. */
static bool parse_field(struct findings *f, const char *file, const char *key, size_t j, const struct ynode *fv,
                        struct setting *s)
{
        if (j == 3) {
                const char *why = NULL;
                if (fv->kind != YN_SCALAR || ynode_is_null(fv)) {
                        profile_err_at(f, file, fv, "bad-condition", key,
                                       "%s: 'when' takes a condition such as \"kernel < 4.12\"", key);
                        return false;
                }
                struct kcond c;
                if (kcond_parse(fv->scalar, &c, &why) < 0) {
                        struct srcloc loc = {file, fv->line, fv->column};
                        findings_add(f, SEV_ERROR, "bad-condition", key, &loc, "%s: bad condition \"%s\": %s",
                                     key, fv->scalar, why);
                        return false;
                }
                free(s->when);
                if (!(s->when = malloc(sizeof(*s->when)))) {
                        f->oom = true;
                        return false;
                }
                *s->when = c;
                s->has_when = true;
                free(s->when_text);
                s->when_text = strdup(fv->scalar);
        } else if (j == 4) {
                if (!ynode_bool(fv, &s->optional)) {
                        profile_err_at(f, file, fv, "bad-type", key, "%s: 'optional' takes true or false", key);
                        return false;
                }
        } else {
                if (fv->kind != YN_SCALAR) {
                        profile_err_at(f, file, fv, "bad-type", key, "%s: 'note' takes text", key);
                        return false;
                }
                free(s->note);
                s->note = strdup(fv->scalar);
        }
        return true;
}

bool profile_parse_setting(struct findings *f, const char *file, const char *key, const struct ynode *v,
                           struct setting *s)
{
        *s = (struct setting){.mode = SET_EXACT};
        if (v->kind != YN_MAP) {
                s->value = parse_value(f, file, key, v);
                return s->value != NULL;
        }
        static const char *const fields[] = {"value", "at_least", "at_most", "when", "optional", "note"};
        const struct ynode *val = NULL;
        bool ok = true;
        for (size_t i = 0; i + 1 < v->n; i += 2) {
                const struct ynode *fk = v->items[i], *fv = v->items[i + 1];
                size_t j;
                if (fk->kind != YN_SCALAR) {
                        profile_err_at(f, file, fk, "bad-type", key,
                                       "%s: setting fields are names such as 'value'", key);
                        ok = false;
                        continue;
                }
                for (j = 0; j < ELEMENTSOF(fields); j++)
                        if (strcmp(fk->scalar, fields[j]) == 0)
                                break;
                if (j == ELEMENTSOF(fields)) {
                        struct srcloc loc = {file, fk->line, fk->column};
                        findings_add(f, SEV_ERROR, "unknown-field", key, &loc,
                                     "%s: unknown field '%s' (expected value, at_least, at_most, when, optional, note)",
                                     key, fk->scalar);
                        ok = false;
                        continue;
                }
                for (size_t k = 0; k < i; k += 2)
                        if (v->items[k]->kind == YN_SCALAR && strcmp(v->items[k]->scalar, fk->scalar) == 0) {
                                profile_err_at(f, file, fk, "duplicate-key", key, "field '%s' given twice", fk->scalar);
                                ok = false;
                        }
                if (j <= 2) {
                        if (val) {
                                profile_err_at(f, file, fk, "bad-setting", key,
                                               "%s: give exactly one of 'value', 'at_least' and 'at_most'", key);
                                ok = false;
                                continue;
                        }
                        val = fv;
                        s->mode = j == 0 ? SET_EXACT : j == 1 ? SET_AT_LEAST : SET_AT_MOST;
                } else if (!parse_field(f, file, key, j, fv, s))
                        ok = false;
        }
        if (!val) {
                if (ok)
                        profile_err_at(f, file, v, "bad-setting", key,
                                       "%s: give one of 'value', 'at_least' or 'at_most'", key);
                return false;
        }
        s->value = parse_value(f, file, key, val);
        if (!s->value)
                return false;
        if (s->mode != SET_EXACT) {
                long long x;
                if (strchr(s->value, ' ') || parse_kernel_int(s->value, &x) < 0) {
                        profile_err_at(f, file, val, "bad-type", key,
                                       "%s: 'at_least' and 'at_most' take a single integer", key);
                        return false;
                }
        }
        return ok;
}
