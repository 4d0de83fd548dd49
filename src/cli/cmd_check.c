/* SPDX-License-Identifier: MIT */
/* twtune check: validate profiles against the knowledge base. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "boot_check.h"
#include "cli.h"
#include "errors.h"
#include "format.h"
#include "k8s.h"
#include "load_profile.h"
#include "modules_file.h"
#include "netns.h"
#include "open_target.h"
#include "options.h"
#include "output.h"
#include "sysroot.h"
#include "target.h"
#include "util.h"
#include "validate.h"

struct args {
        const char *against;
        bool live;
        bool k8s;
};

/* --k8s-safe: one row per key of each merged profile, kept until the output. */
struct k8s_row {
        const char *profile; /* argv's */
        char *key;
        struct k8s_verdict v;
};
struct k8s_rows {
        struct k8s_row *v;
        size_t n;
        size_t count[3]; /* by class */
        size_t gate_not_met;
};

static int k8s_collect(struct k8s_rows *rows, const char *name, const struct profile *p, const struct validate_opts *vo)
{
        for (size_t i = 0; i < p->n_settings; i++) {
                const struct setting *s = &p->settings[i];
                if (!setting_active(s, vo))
                        continue; /* its when: excludes this kernel */
                struct k8s_row *v = realloc(rows->v, (rows->n + 1) * sizeof(*v));
                if (!v)
                        return -ENOMEM;
                rows->v = v;
                struct k8s_row *r = &v[rows->n];
                *r = (struct k8s_row){.profile = name, .key = strdup(s->key),
                                      .v = k8s_classify(s->key, vo->kernel, vo->kernel_known)};
                if (!r->key)
                        return -ENOMEM;
                rows->n++;
                rows->count[r->v.cls]++;
                rows->gate_not_met += r->v.gate == K8S_GATE_NOT_MET;
        }
        return 0;
}

static void k8s_rows_release(struct k8s_rows *rows)
{
        for (size_t i = 0; i < rows->n; i++)
                free(rows->v[i].key);
        free(rows->v);
}

static const char *k8s_gate_json(enum k8s_gate g)
{
        return g == K8S_GATE_MET ? "true" : g == K8S_GATE_NOT_MET ? "false" : "null";
}

static const char *k8s_ver(struct kver v, char *buf)
{
        return kver_is_set(v) ? kver_format(v, buf, 32) : NULL;
}

static void k8s_print_json(struct cli *c, const struct k8s_rows *rows)
{
        char b1[32], b2[32];
        fputs(",\n  \"k8s\": {\"keys\": [", c->out);
        for (size_t i = 0; i < rows->n; i++) {
                const struct k8s_row *r = &rows->v[i];
                fputs(i ? ",\n    {\"profile\": " : "\n    {\"profile\": ", c->out);
                json_str(c->out, r->profile);
                json_member(c->out, "key", r->key);
                json_member(c->out, "class", k8s_class_name(r->v.cls));
                json_member(c->out, "kubernetes", k8s_ver(r->v.k8s, b1));
                json_member(c->out, "kernel_gate", k8s_ver(r->v.kernel, b2));
                fprintf(c->out, ", \"kernel_ok\": %s", k8s_gate_json(r->v.gate));
                json_member(c->out, "reason", r->v.reason);
                fputc('}', c->out);
        }
        fprintf(c->out, "],\n    \"summary\": {\"pod-safe\": %zu, \"pod-unsafe\": %zu, \"node\": %zu, \"kernel_not_met\": %zu}}",
                rows->count[K8S_POD_SAFE], rows->count[K8S_POD_UNSAFE], rows->count[K8S_NODE], rows->gate_not_met);
}

/* The kernel gate's cell: ">= 4.5" and whether the target's kernel meets it. */
static void k8s_gate_text(const struct k8s_verdict *v, char *buf, size_t size)
{
        char b[32];
        if (!kver_is_set(v->kernel)) {
                snprintf(buf, size, "-");
                return;
        }
        kver_format(v->kernel, b, sizeof(b));
        snprintf(buf, size, ">= %s %s", b, v->gate == K8S_GATE_MET ? "(yes)" : v->gate == K8S_GATE_NOT_MET ? "(NO)" : "(?)");
}

static void k8s_print_text(struct cli *c, const struct k8s_rows *rows, int nprofiles, const struct validate_opts *vo)
{
        static const char *const header[] = {"KEY", "CLASS", "K8S", "KERNEL", "REASON"};
        for (size_t i = 0; i < rows->n;) {
                struct table t = {.ncols = 5};
                const char *profile = rows->v[i].profile;
                if (nprofiles > 1) {
                        if (i)
                                fputc('\n', c->out);
                        out_line(c->out, "%s:", profile);
                }
                for (; i < rows->n && rows->v[i].profile == profile; i++) {
                        const struct k8s_row *r = &rows->v[i];
                        char b1[32], gate[48];
                        k8s_gate_text(&r->v, gate, sizeof(gate));
                        const char *col = r->v.gate == K8S_GATE_NOT_MET ? "warning"
                                          : r->v.cls == K8S_POD_SAFE ? "ok" : r->v.cls == K8S_POD_UNSAFE ? "change" : "skip";
                        table_add(&t, col, r->key, k8s_class_name(r->v.cls), k8s_ver(r->v.k8s, b1), gate, r->v.reason);
                }
                table_print(c, &t, header);
                table_release(&t);
        }
        if (c->quiet)
                return;
        char kb[32];
        fprintf(c->out, "%zu key%s for kernel %s: %zu pod-safe, %zu pod-unsafe (kubelet --allowed-unsafe-sysctls), %zu node",
                rows->n, rows->n == 1 ? "" : "s", vo->kernel_known ? kver_format(vo->kernel, kb, sizeof(kb)) : "(unknown)",
                rows->count[K8S_POD_SAFE], rows->count[K8S_POD_UNSAFE], rows->count[K8S_NODE]);
        if (rows->gate_not_met)
                fprintf(c->out, " (%zu of them because they are not per namespace on this kernel)", rows->gate_not_met);
        fputc('\n', c->out);
}

static int on_opt(struct cli *c, int opt, const char *arg, void *ud)
{
        struct args *a = ud;
        if (opt == 'a')
                a->against = arg;
        else if (opt == 'l')
                a->live = true;
        else if (opt == 'k')
                a->k8s = true;
        else
                return cli_usage_error(c, "unexpected option");
        return 0;
}

/* With --live, what the next boot does with the profile's exact values, as if it were persisted:
 * shadowed-at-boot and also-set-by. */
static void boot_notes(struct cli *c, struct sysroot *sr, const struct profile *p, const struct validate_opts *vo,
                       struct findings *f)
{
        const char **keys = calloc(p->n_settings + 1, sizeof(*keys)), **values = calloc(p->n_settings + 1, sizeof(*values));
        struct strbuf body = {0};
        size_t n = 0;
        for (size_t i = 0; keys && values && i < p->n_settings; i++) {
                const struct setting *s = &p->settings[i];
                if (s->mode != SET_EXACT || s->pattern || !setting_active(s, vo) || setting_removed_noop(s, vo))
                        continue;
                keys[n] = s->key;
                values[n++] = s->value;
                sb_appendf(&body, "%s = %s\n", s->key, s->value);
        }
        if (p->load_modules && keys)
                modules_body_line(&body, keys, n);
        char *text = sb_steal(&body);
        if (text && n)
                cli_boot_check(c, sr, text, keys, values, n, SEV_WARNING, f);
        free(text);
        free(keys);
        free(values);
}

/* The findings of the n profiles checked (names), with the Kubernetes table under --k8s-safe, in
 * the format asked for. */
static void print(struct cli *c, const struct args *a, char **names, int n, const struct validate_opts *vo,
                  const struct k8s_rows *rows, const struct findings *f)
{
        if (c->format == FMT_JSON) {
                char kb[32];
                json_begin(c);
                fputs(", \"kernel\": ", c->out);
                json_str(c->out, vo->kernel_known ? kver_format(vo->kernel, kb, sizeof(kb)) : NULL);
                cli_netns_json(c, a->live);
                fputs(", \"profiles\": [", c->out);
                for (int i = 0; i < n; i++) {
                        if (i > 0)
                                fputs(", ", c->out);
                        json_str(c->out, names[i]);
                }
                fputs("]", c->out);
                if (a->k8s)
                        k8s_print_json(c, rows);
                fputs(",\n  ", c->out);
                out_findings_json(c, f);
                fprintf(c->out, ",\n  \"summary\": {\"error\": %zu, \"warning\": %zu, \"info\": %zu}}\n",
                        findings_count(f, SEV_ERROR), findings_count(f, SEV_WARNING), findings_count(f, SEV_INFO));
        } else if (c->format == FMT_GITHUB) {
                out_findings_github(c, f);
        } else if (a->k8s) {
                /* Advice: the findings only when they make the profile invalid, then the table. */
                if (findings_count(f, SEV_ERROR))
                        out_findings_text(c, f, c->out);
                k8s_print_text(c, rows, n, vo);
        } else {
                out_findings_text(c, f, c->out);
                cli_netns_note(c, a->live);
                if (!c->quiet)
                        fprintf(c->out, "%d profile%s checked: %zu error%s, %zu warning%s, %zu info\n", n,
                                n == 1 ? "" : "s", findings_count(f, SEV_ERROR),
                                findings_count(f, SEV_ERROR) == 1 ? "" : "s", findings_count(f, SEV_WARNING),
                                findings_count(f, SEV_WARNING) == 1 ? "" : "s", findings_count(f, SEV_INFO));
        }
}

int cmd_check(struct cli *c, int argc, char **argv);
int cmd_check(struct cli *c, int argc, char **argv)
{
        static const struct option opts[] = {
                {"against", required_argument, NULL, 'a'},
                {"live", no_argument, NULL, 'l'},
                {"k8s-safe", no_argument, NULL, 'k'},
                {0},
        };
        struct args a = {0};
        int first;
        int r = cli_parse(c, c->command, argc, argv, opts, on_opt, &a, &first);
        if (r >= 0)
                return r;
        if (first >= argc)
                return cli_usage_error(c, "no profile given");
        if (a.against && a.live)
                return cli_usage_error(c, "--against and --live exclude each other");

        /* Without --against or --live the profile is checked on its own: the only thing read from
         * the host is the kernel release, and only when --kernel is not given. */
        struct sysroot *sr = NULL;
        struct target *t = NULL;
        if (a.against || a.live || !c->kernel) {
                r = cli_open_target(c, a.against, &sr, &t);
                if (r)
                        return r;
        }
        unsigned char *listening = NULL;
        struct validate_opts vo = {.target = a.against || a.live ? t : NULL};
        cli_kernel(c, t, &vo.kernel, &vo.kernel_known);
        vo.mem_bytes = cli_memory(c, vo.target);

        struct findings f = {0};
        struct k8s_rows rows = {0};
        int exit_code = EXIT_OK;
        for (int i = first; i < argc; i++) {
                struct profile *p = NULL;
                r = cli_load_profile(c, argv[i], &p, &f);
                if (r == 0 && a.live && !listening && (listening = cli_listen_ports(c, p, t)))
                        vo.listen_ports = listening;
                if (r == 0)
                        r = validate_profile(p, &vo, &f);
                if (r == 0 && a.live && !c->state_sub)
                        boot_notes(c, sr, p, &vo, &f);
                if (r == 0 && a.k8s)
                        r = k8s_collect(&rows, argv[i], p, &vo);
                profile_free(p);
                int e = r == -ENOMEM ? EXIT_ENV : cli_profile_exit(r);
                if (e > exit_code)
                        exit_code = e;
        }
        if (c->strict)
                findings_strict(&f);
        if (exit_code == EXIT_OK && findings_count(&f, SEV_ERROR))
                exit_code = EXIT_INVALID;
        findings_sort(&f);

        print(c, &a, argv + first, argc - first, &vo, &rows, &f);
        findings_release(&f);
        k8s_rows_release(&rows);
        free(listening);
        target_free(t);
        sysroot_free(sr);
        return exit_code;
}
