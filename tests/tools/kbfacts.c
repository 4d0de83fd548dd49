/* SPDX-License-Identifier: MIT */
/* kbfacts: the knowledge base's checkable facts, one key a line, for the kernel conformance test
 * (tests/cli/t_kb_conformance.sh) and the coverage script (tools/kb_coverage.sh).
 *
 *   kbfacts VERSION          every hand-written entry's facts on kernel VERSION, tab-separated:
 *                            key type nvalues min max enforced kernel_range kmin kmax defval
 *                            introduced removed scope in_child netns_init rounding read_only
 *                            write_only netns_since module config
 *   kbfacts --known          keys on stdin; prints "hand", "gen", "removed" or "-" and the key for each
 *   kbfacts --removed        every removed key: key, the version that removed it ("-": never upstream)
 *   kbfacts --propagations   every key whose write the kernel carries over to others, tab-separated:
 *                            key reach (every_write, on_change, unwritten) negated dependent...
 *   kbfacts --gen            every entry of the generated structural tier, tab-separated:
 *                            key nvalues writable readable scope seen min max bounds_source
 *
 * Text fields have their tabs and newlines turned into spaces; an absent one is "-". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb.h"
#include "util.h"
#include "kver.h"

static void field(const char *s)
{
        putchar('\t');
        if (!s || !*s) {
                putchar('-');
                return;
        }
        for (; *s; s++)
                putchar(*s == '\t' || *s == '\n' ? ' ' : *s);
}

static const char *ver(struct kver v, char *buf)
{
        return kver_is_set(v) ? kver_format(v, buf, 32) : "-";
}

static const char *scope_name(const struct kb_entry *e)
{
        if (e->scope == KB_NETNS)
                return "netns";
        return e->scope == KB_IPCNS ? "ipcns" : e->scope == KB_UTSNS ? "utsns" : "global";
}

static void dump(struct kver k)
{
        static const char *const child[] = {"own", "absent", "readonly", "shared"};
        static const char *const init[] = {"unknown", "default", "init_net", "parent"};
        static const char *const round[] = {"none", "ms_jiffies", "pow2"};
        size_t n;
        const struct kb_entry *const *v = kb_entries(&n);
        for (size_t i = 0; i < n; i++) {
                const struct kb_entry *e = v[i];
                struct kb_facts f = kb_facts_at(e, k, true);
                char b1[32], b2[32], b3[32];
                fputs(e->key, stdout);
                field(kb_type_name(e->type));
                printf("\t%u\t%lld\t%lld\t%d\t%d\t%lld\t%lld", e->nvalues, f.min, f.max, f.enforced, f.kernel_range,
                       f.kmin, f.kmax);
                field(f.defval);
                printf("\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t%d\t%s", ver(e->introduced, b1), ver(e->removed, b2),
                       scope_name(e), child[e->in_child], init[e->netns_init], round[e->rounding], e->read_only,
                       e->write_only, ver(e->netns_since, b3));
                field(kb_module_for(e->key));
                field(e->config);
                putchar('\n');
        }
}

static void known(void)
{
        char line[512];
        while (fgets(line, sizeof(line), stdin)) {
                line[strcspn(line, "\n")] = '\0';
                if (!*line)
                        continue;
                const struct kb_entry *e = kb_lookup(line);
                const struct kb_removed *r = kb_removed_lookup(line);
                printf("%s\t%s\n", e ? "hand" : kb_gen_lookup(line) ? "gen" : r ? "removed" : "-", line);
        }
}

static void gen(void)
{
        size_t n;
        const struct kb_gen *g = kb_gens(&n);
        for (size_t i = 0; i < n; i++) {
                printf("%s\t%u\t%d\t%d\t%s", g[i].key, g[i].nvalues, g[i].writable, g[i].readable,
                       kb_gen_scope_name(g[i].scope));
                field(g[i].seen);
                if (g[i].has_bounds)
                        printf("\t%lld\t%lld", g[i].min, g[i].max);
                else
                        fputs("\t-\t-", stdout);
                field(g[i].bounds_source);
                putchar('\n');
        }
}

static void removed(void)
{
        size_t n;
        const struct kb_removed *r = kb_removeds(&n);
        for (size_t i = 0; i < n; i++) {
                char b[32];
                printf("%s\t%s\n", r[i].key, ver(r[i].removed, b));
        }
}

static void propagations(void)
{
        static const char *const reach[] = {"every_write", "on_change", "unwritten"};
        size_t n;
        const struct kb_propagation *p = kb_propagations(&n);
        for (size_t i = 0; i < n; i++) {
                fputs(p[i].key, stdout);
                field(reach[p[i].reach]);
                field(p[i].negated);
                for (size_t d = 0; d < ELEMENTSOF(p[i].dependents) && p[i].dependents[d]; d++)
                        field(p[i].dependents[d]);
                putchar('\n');
        }
}

int main(int argc, char **argv)
{
        struct kver k;
        if (argc == 2 && strcmp(argv[1], "--known") == 0)
                known();
        else if (argc == 2 && strcmp(argv[1], "--removed") == 0)
                removed();
        else if (argc == 2 && strcmp(argv[1], "--propagations") == 0)
                propagations();
        else if (argc == 2 && strcmp(argv[1], "--gen") == 0)
                gen();
        else if (argc == 2 && kver_parse(argv[1], &k) == 0)
                dump(k);
        else {
                fputs("usage: kbfacts VERSION | --known | --removed | --propagations | --gen\n", stderr);
                return 2;
        }
        return ferror(stdout) ? 1 : 0;
}
