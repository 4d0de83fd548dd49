/* SPDX-License-Identifier: MIT */
/* twtune explain: what the knowledge base knows about a key. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "errors.h"
#include "format.h"
#include "k8s.h"
#include "kb.h"
#include "key.h"
#include "options.h"
#include "output.h"
#include "sysroot.h"
#include "target.h"
#include "util.h"

/* "tcp_tw_reuse" for net.ipv4.tcp_tw_reuse, when exactly one key ends so. */
static const struct kb_entry *lookup_last_component(const char *name)
{
        size_t n;
        const struct kb_entry *const *e = kb_entries(&n), *found = NULL;
        for (size_t i = 0; i < n; i++)
                if (strcmp(strrchr(e[i]->key, '.') + 1, name) == 0) {
                        if (found)
                                return NULL;
                        found = e[i];
                }
        return found;
}

static const char *ver(struct kver v, char *buf)
{
        return kver_is_set(v) ? kver_format(v, buf, 32) : NULL;
}

static char *range_text(const struct kb_entry *e)
{
        if (e->type == KB_STRING || e->read_only)
                return NULL;
        if (e->type == KB_PORTLIST)
                return strdup("ports 0..65535, as \"a,b-c\"");
        /* The range as on current kernels, and since when the kernel itself checks it. */
        struct kb_facts now = kb_facts_at(e, KVER(999, 0), true);
        char since[48] = "";
        for (size_t i = 0; now.enforced && !e->kernel_enforced && i < e->n_changes; i++)
                if ((e->changes[i].what & KBC_ENFORCED) && e->changes[i].enforced) {
                        char v[32];
                        snprintf(since, sizeof(since), " since %s", kver_format(e->changes[i].since, v, sizeof(v)));
                        break;
                }
        if (now.kernel_range && !now.enforced)
                return str_printf("%s%lld..%lld; the kernel rejects values outside %lld..%lld%s%s%s", e->nvalues > 1 ? "each " : "",
                                  now.min, now.max, now.kmin, now.kmax,
                                  now.kernel_range_confirmed ? "" : " (seen on Linux 6.18, earlier kernels unconfirmed)",
                                  e->range_note ? "; " : "", e->range_note ? e->range_note : "");
        return str_printf("%s%lld..%lld%s%s%s%s", e->nvalues > 1 ? "each " : "", now.min, now.max,
                          now.enforced ? " (the kernel rejects other values" : "; twtune rejects other values: ",
                          since, now.enforced ? ")" : "",
                          now.enforced ? "" : e->range_note ? e->range_note : "they make no sense");
}

static const char *scope_name(enum kb_scope s)
{
        return s == KB_NETNS ? "netns" : s == KB_IPCNS ? "ipcns" : s == KB_UTSNS ? "utsns" : "global";
}

static const char *child_text(enum kb_child v)
{
        switch (v) {
        case KB_CHILD_ABSENT: return "global: one value for the host, absent in other network namespaces (containers)";
        case KB_CHILD_READONLY: return "global: other network namespaces (containers) see the host's value, read-only";
        case KB_CHILD_SHARED: return "not per network namespace: a container that can write it changes the host's value";
        default: return "global: one value for the whole host, not settable from a container";
        }
}

static const char *netns_init_text(enum kb_netns_init v)
{
        switch (v) {
        case KB_INIT_DEFAULT: return "; a new one starts at the compiled default";
        case KB_INIT_INIT_NET: return "; a new one copies the initial namespace's current value";
        case KB_INIT_PARENT: return "; a new one copies its creator's value";
        default: return "";
        }
}

/* What changes from a kernel version on, one line each. */
static void print_changes(struct cli *c, const struct kb_entry *e)
{
        for (size_t i = 0; i < e->n_changes; i++) {
                const struct kb_change *x = &e->changes[i];
                char v[32];
                fprintf(c->out, "  %-11s %s%s:", i ? "" : "changes", kver_format(x->since, v, sizeof(v)),
                        x->confirmed ? "" : " (unconfirmed)");
                if (x->what & KBC_RANGE)
                        fprintf(c->out, " range %lld..%lld;", x->min, x->max);
                if (x->what & KBC_ENFORCED)
                        fprintf(c->out, " %s;", x->enforced ? "the kernel rejects values outside the range"
                                                            : "the kernel no longer checks the range");
                if (x->what & KBC_DEFAULT)
                        fprintf(c->out, " default %s;", x->defval);
                if (x->what & KBC_KERNEL_RANGE)
                        fprintf(c->out, " the kernel rejects values outside %lld..%lld;", x->kmin, x->kmax);
                fprintf(c->out, " (%s)\n", x->source);
        }
}

static void print_text(struct cli *c, const struct kb_entry *e, const char *current, int cur_err)
{
        char b1[32], b2[32], b3[32];
        char *range = range_text(e);
        fprintf(c->out, "%s%s%s\n  %s\n\n", color(c, "bold"), e->key, color(c, "reset"), e->meaning);
        fprintf(c->out, "  %-11s %s%s%s\n", "type", kb_type_name(e->type), e->nvalues > 1 ? " of " : "",
                e->nvalues > 1 ? (e->nvalues == 2 ? "2 integers" : "3 integers") : "");
        if (e->unit)
                fprintf(c->out, "  %-11s %s\n", "unit", e->unit);
        if (range)
                fprintf(c->out, "  %-11s %s\n", "range", range);
        if (e->values)
                fprintf(c->out, "  %-11s %s\n", "values", e->values);
        fprintf(c->out, "  %-11s %s\n", "default", e->defval);
        print_changes(c, e);
        fprintf(c->out, "  %-11s since %s%s", "kernel", ver(e->introduced, b1) ? b1 : "(unknown)",
                e->verified & KBV_INTRODUCED ? "" : " (unconfirmed)");
        if (ver(e->removed, b2))
                fprintf(c->out, "; removed in %s", b2);
        if (ver(e->top_value_since, b3))
                fprintf(c->out, "; value %lld since %s%s", e->max, b3, e->verified & KBV_TOP_VALUE ? "" : " (unconfirmed)");
        fputc('\n', c->out);
        if (e->scope == KB_NETNS)
                fprintf(c->out, "  %-11s per network namespace%s%s%s%s\n", "namespace", ver(e->netns_since, b1) ? " since " : "",
                        ver(e->netns_since, b1) ? b1 : "", e->verified & KBV_NETNS ? "" : " (version unconfirmed)",
                        netns_init_text(e->netns_init));
        else
                fprintf(c->out, "  %-11s %s%s\n", "namespace",
                        e->scope == KB_IPCNS ? "per IPC namespace; " : e->scope == KB_UTSNS ? "per UTS namespace; " : "",
                        child_text(e->in_child));
        if (e->config)
                fprintf(c->out, "  %-11s only with %s\n", "build", e->config);
        if (e->read_only || e->write_only)
                fprintf(c->out, "  %-11s %s\n", "access", e->read_only ? "read-only" : "write-only: it cannot be read back");
        if (e->rounding != KB_ROUND_NONE)
                fprintf(c->out, "  %-11s %s\n", "rounding", e->rounding == KB_ROUND_MS_JIFFIES
                        ? "milliseconds kept in jiffies: the kernel reads back the nearest multiple of its tick"
                        : "the kernel rounds it up to a power of two");
        char *k8s = k8s_describe(e->key);
        if (k8s)
                fprintf(c->out, "  %-11s %s\n", "kubernetes", k8s);
        free(k8s);
        if (e->hazard)
                fprintf(c->out, "  %-11s %s\n", "hazard", e->hazard);
        fprintf(c->out, "  %-11s %s\n", "source", e->source);
        if (current) {
                fprintf(c->out, "  %-11s ", "current");
                out_text(c->out, current); /* read from --root: anything may be there */
                fputc('\n', c->out);
        } else
                fprintf(c->out, "  %-11s (%s)\n", "current", cur_err == -ENOENT ? "absent on this system" : strerror(-cur_err));
        free(range);
}

static void print_json(struct cli *c, const struct kb_entry *e, const char *current)
{
        char b[32];
        FILE *o = c->out;
        char *range = range_text(e);
        json_begin(c);
        json_member(o, "key", e->key);
        json_member(o, "type", kb_type_name(e->type));
        fprintf(o, ", \"values\": %u", e->nvalues);
        /* The facts on current kernels, as the text's range says (not the entry's oldest fields). */
        struct kb_facts now = kb_facts_at(e, KVER(999, 0), true);
        if (e->type != KB_STRING && !e->read_only) {
                fprintf(o, ", \"min\": %lld, \"max\": %lld, \"kernel_enforced\": %s", now.min, now.max,
                        now.enforced ? "true" : "false");
                if (now.kernel_range)
                        fprintf(o, ", \"kernel_min\": %lld, \"kernel_max\": %lld, \"kernel_range_confirmed\": %s",
                                now.kmin, now.kmax, now.kernel_range_confirmed ? "true" : "false");
        }
        json_member(o, "range", range);
        json_member(o, "unit", e->unit);
        json_member(o, "default", e->defval);
        json_member(o, "value_meanings", e->values);
        json_member(o, "introduced", ver(e->introduced, b));
        json_member(o, "removed", ver(e->removed, b));
        json_member(o, "scope", scope_name(e->scope));
        json_member(o, "config", e->config);
        json_member(o, "netns_since", ver(e->netns_since, b));
        fprintf(o, ", \"read_only\": %s", e->read_only ? "true" : "false");
        fprintf(o, ", \"verified\": {\"introduced\": %s, \"removed\": %s, \"netns\": %s, \"top_value\": %s}",
                e->verified & KBV_INTRODUCED ? "true" : "false", e->verified & KBV_REMOVED ? "true" : "false",
                e->verified & KBV_NETNS ? "true" : "false", e->verified & KBV_TOP_VALUE ? "true" : "false");
        char *k8s = k8s_describe(e->key);
        json_member(o, "kubernetes", k8s);
        free(k8s);
        json_member(o, "meaning", e->meaning);
        json_member(o, "hazard", e->hazard);
        json_member(o, "source", e->source);
        json_member(o, "current", current);
        fputs("}\n", o);
        free(range);
}

static const char *gen_scope_text(enum kb_gen_scope s)
{
        switch (s) {
        case KBG_NETNS: return "per network namespace (a fresh one has its own copy)";
        case KBG_GLOBAL_ABSENT: return "global: absent in other network namespaces (containers)";
        case KBG_GLOBAL_READONLY: return "global: other network namespaces see the host's value, read-only";
        default: return "not per network namespace: containers see the host's key";
        }
}

static void other_text(struct cli *c, const char *key, const struct kb_gen *g, const struct kb_removed *rm,
                       const char *shown, const char *current)
{
        char b[32];
        fprintf(c->out, "%s%s%s\n", color(c, "bold"), key, color(c, "reset"));
        if (g) {
                fprintf(c->out, "  only what Linux %s showed for it (twtune's structural tier, from tools/kbgen.py)\n\n",
                        kb_gen_kernel);
                if (g->nvalues)
                        fprintf(c->out, "  %-11s %u integer%s\n", "shape", g->nvalues, g->nvalues == 1 ? "" : "s");
                else
                        fprintf(c->out, "  %-11s text\n", "shape");
                fprintf(c->out, "  %-11s %s\n", "access", !g->readable ? "write-only" : g->writable ? "writable" : "read-only");
                fprintf(c->out, "  %-11s %s\n", "namespace", gen_scope_text(g->scope));
                if (g->seen)
                        fprintf(c->out, "  %-11s %s (on Linux %s%s)\n", "seen", g->seen, kb_gen_kernel,
                                g->scope == KBG_NETNS ? ", in a fresh network namespace: its default there" : "");
                if (g->has_bounds)
                        fprintf(c->out, "  %-11s %lld..%lld, the kernel rejects other values (%s)\n", "range", g->min,
                                g->max, g->bounds_source);
                if (g->module)
                        fprintf(c->out, "  %-11s %s\n", "module", g->module);
        } else if (rm) {
                fprintf(c->out, "  %s: %s\n", kver_is_set(rm->removed) ? "removed from the kernel" : "never in the upstream kernel",
                        rm->replacement);
                if (kver_is_set(rm->removed))
                        fprintf(c->out, "  %-11s %s\n", "removed in", kver_format(rm->removed, b, sizeof(b)));
                fprintf(c->out, "  %-11s %s\n", "source", rm->source);
        } else {
                fprintf(c->out, "  not in the knowledge base; what the target shows:\n");
        }
        if (shown)
                fprintf(c->out, "  %-11s %s\n", "target", shown);
        fprintf(c->out, "  %-11s ", "current");
        if (current)
                out_text(c->out, current);
        else
                fputs("(absent on this system)", c->out);
        fputc('\n', c->out);
}

static void other_json(struct cli *c, const char *key, const struct kb_gen *g, const struct kb_removed *rm,
                       const char *shown, const char *current)
{
        char b[32];
        FILE *o = c->out;
        json_begin(c);
        json_member(o, "key", key);
        json_member(o, "tier", g ? "structural" : rm ? "removed" : "target");
        if (g) {
                json_member(o, "kernel", kb_gen_kernel);
                fprintf(o, ", \"values\": %u, \"readable\": %s, \"writable\": %s", g->nvalues, g->readable ? "true" : "false",
                        g->writable ? "true" : "false");
                json_member(o, "scope", kb_gen_scope_name(g->scope));
                json_member(o, "seen", g->seen);
                if (g->has_bounds) {
                        fprintf(o, ", \"min\": %lld, \"max\": %lld", g->min, g->max);
                        json_member(o, "bounds_source", g->bounds_source);
                }
                json_member(o, "module", g->module);
        } else if (rm) {
                json_member(o, "removed", kver_is_set(rm->removed) ? kver_format(rm->removed, b, sizeof(b)) : NULL);
                json_member(o, "replacement", rm->replacement);
                json_member(o, "source", rm->source);
        }
        json_member(o, "target", shown);
        json_member(o, "current", current);
        fputs("}\n", o);
}

/* A key without a hand-written entry: the structural tier, the removed keys, or what the target
 * shows; only a key none of them knows is an error. */
static int explain_other(struct cli *c, const char *key)
{
        const struct kb_gen *g = kb_gen_lookup(key);
        const struct kb_removed *rm = kb_removed_lookup(key);
        struct sysroot *sr = NULL;
        struct target *t = NULL;
        char *current = NULL, *shown = NULL;
        if (sysroot_new(c->root, &sr) == 0 && target_new_live(sr, &t) == 0 && target_describe(t, key, &shown) == 0)
                sysroot_read_sysctl(sr, key, &current);
        target_free(t);
        sysroot_free(sr);
        int r = EXIT_OK;
        if (!g && !rm && !shown) {
                const char *s = kb_suggest(key, NULL, 0);
                r = cli_error(c, EXIT_USAGE, "%s is not in the knowledge base and not on this system%s%s%s (see 'twtune keys')",
                              key, s ? "; did you mean " : "", s ? s : "", s ? "?" : "");
        } else if (c->format == FMT_JSON) {
                other_json(c, key, g, rm, shown, current);
        } else {
                other_text(c, key, g, rm, shown, current);
        }
        free(current);
        free(shown);
        return r;
}

int cmd_explain(struct cli *c, int argc, char **argv);
int cmd_explain(struct cli *c, int argc, char **argv)
{
        int first;
        int r = cli_parse(c, c->command, argc, argv, NULL, NULL, NULL, &first);
        if (r >= 0)
                return r;
        if (argc - first != 1)
                return cli_usage_error(c, argc == first ? "no key given" : "explain takes one key");
        char *key;
        const char *why;
        r = key_normalize(argv[first], &key, &why);
        if (r < 0) {
                char *shown = text_escape(argv[first]); /* a bad key may hold control characters */
                r = cli_usage_error(c, "bad key '%s': %s", shown ? shown : "?", r == -EINVAL ? why : strerror(-r));
                free(shown);
                return r;
        }
        const struct kb_entry *e = kb_lookup(key);
        if (!e && !strchr(key, '.'))
                e = lookup_last_component(key);
        if (!e) {
                r = explain_other(c, key);
                free(key);
                return r;
        }

        /* The current value is a convenience: failing to read it is not an error. */
        struct sysroot *sr = NULL;
        char *current = NULL;
        int cur_err = -ENOENT;
        if (sysroot_new(c->root, &sr) == 0) /* a pattern entry: the key asked for */
                cur_err = sysroot_read_sysctl(sr, strstr(e->key, "IFACE") ? key : e->key, &current);
        sysroot_free(sr);
        if (current) {
                for (char *p = current; *p; p++)
                        if (*p == '\t')
                                *p = ' ';
        }
        if (c->format == FMT_JSON)
                print_json(c, e, current);
        else
                print_text(c, e, current, cur_err);
        free(current);
        free(key);
        return EXIT_OK;
}
