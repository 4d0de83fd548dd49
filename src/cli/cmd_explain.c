/* SPDX-License-Identifier: MIT */
/* twtune explain: what the knowledge base knows about a key. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "k8s.h"
#include "kb.h"
#include "key.h"
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
        return str_printf("%s%lld..%lld%s%s%s%s", e->nvalues > 1 ? "each " : "", now.min, now.max,
                          now.enforced ? " (the kernel rejects other values" : "; twtune rejects other values: ",
                          since, now.enforced ? ")" : "",
                          now.enforced ? "" : e->range_note ? e->range_note : "they make no sense");
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
                fprintf(c->out, "  %-11s %s\n", "namespace", child_text(e->in_child));
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
        if (e->type != KB_STRING && !e->read_only)
                fprintf(o, ", \"min\": %lld, \"max\": %lld, \"kernel_enforced\": %s", e->min, e->max,
                        e->kernel_enforced ? "true" : "false");
        json_member(o, "range", range);
        json_member(o, "unit", e->unit);
        json_member(o, "default", e->defval);
        json_member(o, "value_meanings", e->values);
        json_member(o, "introduced", ver(e->introduced, b));
        json_member(o, "removed", ver(e->removed, b));
        json_member(o, "scope", e->scope == KB_NETNS ? "netns" : "global");
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

int cmd_explain(struct cli *c, int argc, char **argv);
int cmd_explain(struct cli *c, int argc, char **argv)
{
        int first;
        int r = cli_parse(c, command_find("explain"), argc, argv, NULL, NULL, NULL, &first);
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
                const char *s = kb_suggest(key, NULL, 0);
                r = cli_error(c, EXIT_USAGE, "%s is not in the knowledge base%s%s%s (see 'twtune keys')", key,
                              s ? "; did you mean " : "", s ? s : "", s ? "?" : "");
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
