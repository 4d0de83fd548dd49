/* SPDX-License-Identifier: MIT */
/* Keys without a hand-written entry: the structural tier (kb/generated.h) says what the kernel showed
 * for them, the list of removed keys says when they went, and a near miss of a known key is a typo.
 * Severity follows what the kernel would do: a key no kernel has is an error; what rests only on one
 * kernel's observed behaviour is a warning; a key the target has but twtune knows little of is info. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kb.h"
#include "sysroot.h"
#include "target.h"
#include "util.h"
#include "validate_internal.h"
#include "value.h"

static const char *kv(struct kver v, char *buf)
{
        return kver_format(v, buf, 32);
}

/* The value against the structural facts: fields and their type, as the generating kernel showed. */
static void check_shape(const struct setting *s, const struct kb_gen *g, struct findings *f)
{
        char **tok;
        size_t n;
        if (g->nvalues == 0 || s->mode != SET_EXACT)
                return;
        if (value_split(s->value, &tok, &n) < 0) {
                f->oom = true;
                return;
        }
        bool ints = true;
        for (size_t i = 0; i < n && i < g->nvalues; i++) {
                long long x;
                ints = ints && parse_kernel_int(tok[i], &x) == 0;
        }
        value_tokens_free(tok);
        if (!ints || n == 0)
                findings_add(f, SEV_WARNING, "bad-type", s->key, &s->loc,
                             "%s: '%s' is not %u integer%s, the shape Linux %s shows for it; the kernel would reject it "
                             "(EINVAL)", s->key, s->value, g->nvalues, g->nvalues == 1 ? "" : "s", kb_gen_kernel);
        else if (n > g->nvalues)
                findings_add(f, SEV_WARNING, "extra-fields", s->key, &s->loc,
                             "%s: %zu fields, but the key holds %u; the kernel keeps the first %u and ignores the rest",
                             s->key, n, g->nvalues, g->nvalues);
        else if (n < g->nvalues)
                findings_add(f, SEV_WARNING, "missing-fields", s->key, &s->loc,
                             "%s: %zu of its %u fields; the kernel sets only those and keeps the others", s->key, n,
                             g->nvalues);
}

/* A key the structural tier knows: scope, mode, shape and bounds from the kernel source. */
static void check_structural(const struct validate_opts *o, const struct setting *s, const struct kb_gen *g,
                             struct findings *f)
{
        if (o->netns && g->scope != KBG_NETNS) {
                findings_add(f, SEV_ERROR, "not-per-netns", s->key, &s->loc,
                             "%s is not per network namespace (Linux %s: %s): it cannot be set from inside --netns",
                             s->key, kb_gen_kernel, g->scope == KBG_GLOBAL_ABSENT ? "absent in a child namespace"
                                                    : g->scope == KBG_GLOBAL_READONLY ? "read-only in a child namespace"
                                                                                      : "shared with the host");
                return;
        }
        unsigned mode = 0;
        struct sysroot *sr = o->target ? target_sysroot(o->target) : NULL;
        if (sr && !s->glob && sysroot_sysctl_mode(sr, s->key, &mode) == 0) {
                if (!(mode & 0222))
                        findings_add(f, SEV_ERROR, "read-only", s->key, &s->loc, "%s is read-only on the target (mode 0%o)",
                                     s->key, mode & 0777);
        } else if (!g->writable) {
                findings_add(f, SEV_WARNING, "read-only", s->key, &s->loc, "%s is read-only on Linux %s", s->key,
                             kb_gen_kernel);
        }
        check_shape(s, g, f);
        long long x;
        /* Bounds read in the source of one version: an error from that version on, a warning before
         * (an older kernel may have taken any int) or when the kernel is unknown. */
        if (g->has_bounds && g->nvalues == 1 && s->mode == SET_EXACT && parse_kernel_int(s->value, &x) == 0 &&
            (x < g->min || x > g->max)) {
                bool sure = o->kernel_known && kver_cmp(o->kernel, g->bounds_since) >= 0;
                char b[32];
                findings_add(f, sure ? SEV_ERROR : SEV_WARNING, "out-of-range", s->key, &s->loc,
                             "%s: %lld is outside %lld..%lld; the kernel rejects it (EINVAL) from Linux %s on (%s)", s->key,
                             x, g->min, g->max, kv(g->bounds_since, b), g->bounds_source);
        }
}

static void report_removed(const struct setting *s, const struct kb_removed *rm, int on_target, struct findings *f)
{
        char b[32];
        char *when = kver_is_set(rm->removed) ? str_printf("removed in Linux %s", kv(rm->removed, b))
                                             : strdup("never in the upstream kernel");
        if (!when) {
                f->oom = true;
                return;
        }
        /* Absent on the target, the kernel refuses it; with no target only the version speaks. */
        enum severity sev = on_target == -ENOENT && !s->optional ? SEV_ERROR
                            : on_target == -ENOENT || on_target == 0 ? SEV_INFO
                                                                    : SEV_WARNING;
        findings_add(f, sev, "removed-key", s->key, &s->loc, "%s was %s%s: %s (%s)", s->key, when,
                     on_target == 0 ? ", though the target still has it" : "", rm->replacement, rm->source);
        free(when);
}

/* A key nothing in the knowledge base knows. */
static void report_unknown_key(const struct validate_opts *o, const struct setting *s, int r, struct findings *f)
{
        char **near = NULL;
        size_t n_near = 0;
        if (r != 0 && o->target && target_siblings(o->target, s->key, &near, &n_near) < 0)
                near = NULL, n_near = 0;
        const char *guess = r == 0 ? NULL : kb_suggest(s->key, near, n_near);
        char *shown = NULL;
        if (r == 0 && target_describe(o->target, s->key, &shown) < 0)
                shown = NULL;
        if (r == 0)
                findings_add(f, SEV_INFO, "unknown-key", s->key, &s->loc,
                             "%s is not in twtune's knowledge base; the target has it (%s), but its value is not "
                             "validated", s->key, shown ? shown : "?");
        else if (s->optional)
                findings_add(f, SEV_INFO, "unknown-key", s->key, &s->loc,
                             "%s is not in the knowledge base%s; skipped (optional)%s%s%s", s->key,
                             r == -ENODATA ? "" : " and absent on the target", guess ? "; did you mean " : "",
                             guess ? guess : "", guess ? "?" : "");
        else if (guess)
                /* A near miss of a key twtune knows, on no kernel it knows: the kernel has no such file. */
                findings_add(f, SEV_ERROR, "unknown-key", s->key, &s->loc,
                             "%s is no sysctl of any kernel twtune knows (Linux %s and the removed keys); did you "
                             "mean %s?", s->key, kb_gen_kernel, guess);
        else if (r == -ENODATA)
                findings_add(f, SEV_WARNING, "unknown-key", s->key, &s->loc,
                             "%s is not in twtune's knowledge base; its value is not validated", s->key);
        else {
                char *hint = kb_absence_hint(s->key);
                findings_add(f, SEV_ERROR, "unknown-key", s->key, &s->loc,
                             "%s is not in twtune's knowledge base and does not exist on the target%s", s->key,
                             hint && *hint ? hint
                             : " (a typo, or a module not loaded? mark it 'optional: true' if it may be absent)");
                free(hint);
        }
        free(shown);
        for (size_t i = 0; i < n_near; i++)
                free(near[i]);
        free(near);
}

void validate_unknown(const struct validate_opts *o, const struct setting *s, struct findings *f)
{
        if (!strchr(s->key, '.')) {
                findings_add(f, s->optional ? SEV_WARNING : SEV_ERROR, "bad-key", s->key, &s->loc,
                             "%s has no separator: every sysctl key has at least two components (net.ipv4.ip_forward), "
                             "so the kernel has no such key", s->key);
                return;
        }
        const struct kb_gen *g = kb_gen_lookup(s->key);
        const struct kb_removed *rm = g ? NULL : kb_removed_lookup(s->key);
        char *v = NULL;
        /* A pattern is no key of its own to look up; it is expanded against the target later. */
        int r = o->target && !s->glob ? target_get(o->target, s->key, &v) : -ENODATA;
        free(v);
        if (g)
                check_structural(o, s, g, f);
        else if (o->netns)
                findings_add(f, SEV_ERROR, "not-per-netns", s->key, &s->loc,
                             "%s is not in the knowledge base, so twtune cannot tell whether it is per network "
                             "namespace; refusing it with --netns", s->key);
        else if (rm)
                report_removed(s, rm, r, f);
        else
                report_unknown_key(o, s, r, f);
}
