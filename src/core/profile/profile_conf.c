/* SPDX-License-Identifier: MIT */
/* A sysctl.conf file as a profile: what users already have, checked, diffed and applied as they
 * wrote it, with the meaning systemd-sysctl and procps give it. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "key.h"
#include "profile_internal.h"
#include "strarena.h"
#include "sysctl_conf.h"
#include "util.h"
#include "value.h"

/* Where an inline "# ..." starts: a '#' after a blank. Neither systemd-sysctl nor procps treats
 * it as a comment; they hand it to the kernel. */
static char *inline_comment(char *v)
{
        for (char *p = strchr(v, '#'); p; p = strchr(p + 1, '#'))
                if (p > v && (p[-1] == ' ' || p[-1] == '\t'))
                        return p;
        return NULL;
}

static bool is_glob(const char *key)
{
        return strpbrk(key, "*?[") != NULL;
}

/* The setting for one assignment, or false after reporting why there is none. */
static bool to_setting(const struct conf_line *l, const char *file, struct setting *s, struct findings *f)
{
        struct srcloc kloc = {file, l->line, l->key_col}, vloc = {file, l->line, l->value_col};
        const char *why = NULL;
        char *key = NULL, *looked_up = key_tool_form(l->key, false); /* "/net/ipv4/x", "net..ipv4": as both tools */
        int r = looked_up ? key_normalize(looked_up, &key, &why) : -ENOMEM;
        free(looked_up);
        if (r < 0) {
                if (r == -ENOMEM)
                        f->oom = true;
                else
                        findings_add(f, SEV_ERROR, "bad-key", NULL, &kloc, "bad key '%s': %s", l->key, why);
                return false;
        }
        if (!l->value) { /* "-key": excluded from every pattern; kept by the caller */
                *s = (struct setting){.key = key, .loc = kloc};
                return true;
        }
        char *raw = strdup(l->value);
        char *hash = raw ? inline_comment(raw) : NULL;
        if (hash) {
                struct srcloc cloc = {file, l->line, l->value_col + (unsigned)(hash - raw)};
                findings_add(f, SEV_WARNING, "inline-comment", key, &cloc,
                             "%s: '#' here is not a comment to systemd-sysctl or sysctl -p: they write it to the "
                             "kernel, which ignores it once it has read all the numbers the key holds and refuses "
                             "it after fewer numbers or a word; twtune applies the value before it. Put the comment "
                             "on a line of its own", key);
                *hash = '\0';
        }
        /* The value the profile holds passes the same rules as a YAML profile's (value_check). */
        if (raw && value_check(raw, &why) < 0) {
                findings_add(f, SEV_ERROR, "bad-value", key, &vloc, "%s: %s", key, why);
                free(raw);
                free(key);
                return false;
        }
        char *norm = raw ? value_normalize(raw) : NULL;
        *s = (struct setting){.key = key, .value = str_intern(norm), .optional = l->ignore_failure, .loc = kloc,
                              .glob = is_glob(key)};
        free(norm);
        free(raw);
        if (!s->value) {
                f->oom = true;
                free(key);
                return false;
        }
        return true;
}

int profile_load_conf(struct profile *p, const char *file, const char *buf, size_t len, struct findings *f)
{
        struct conf_line *lines = NULL;
        size_t n = 0;
        int r = conf_parse(buf, len, file, &lines, &n, f);
        if (r < 0) {
                f->oom = true;
                return r;
        }
        for (size_t i = 0; i < n && !f->oom; i++) {
                struct setting s;
                if (!to_setting(&lines[i], file, &s, f))
                        continue;
                if (!s.value) {
                        char **v = realloc(p->excluded, (p->n_excluded + 1) * sizeof(*v));
                        if (!v) {
                                free(s.key);
                                f->oom = true;
                                continue;
                        }
                        p->excluded = v;
                        v[p->n_excluded++] = s.key;
                        continue;
                }
                const struct setting *earlier = profile_find(p, s.key);
                if (earlier)
                        findings_add(f, SEV_INFO, "duplicate-key", s.key, &s.loc,
                                     "%s was set at line %u too; the last assignment wins, as with sysctl -p", s.key,
                                     earlier->loc.line);
                if (profile_merge_setting(p, &s) < 0) {
                        setting_release(&s);
                        f->oom = true;
                }
        }
        conf_lines_free(lines, n);
        return f->oom ? -ENOMEM : 0;
}
