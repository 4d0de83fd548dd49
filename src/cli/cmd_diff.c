/* twtune diff: compare a profile with the live system or a snapshot. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "sysroot.h"
#include "target.h"
#include "util.h"

struct args {
        const char *against;
        const char *netns;
        bool exit_code;
};

static int on_opt(struct cli *c, int opt, const char *arg, void *ud)
{
        struct args *a = ud;
        if (opt == 'a')
                a->against = arg;
        else if (opt == 'e')
                a->exit_code = true;
        else if (opt == 'n')
                a->netns = arg;
        else
                return cli_usage_error(c, "unexpected option");
        return 0;
}

static char *desired_text(const struct setting *s)
{
        if (s->mode == SET_EXACT)
                return strdup(s->value);
        return str_printf("%s%s", s->mode == SET_AT_LEAST ? ">=" : "<=", s->value);
}

static void print_json(struct cli *c, const struct profile *p, const struct validate_opts *vo, const struct diff *d,
                       const struct findings *f)
{
        char kb[32];
        fputs("{\"format\": 1", c->out);
        json_member(c->out, "profile", p->name);
        json_member(c->out, "path", p->path);
        json_member(c->out, "kernel", vo->kernel_known ? kver_format(vo->kernel, kb, sizeof(kb)) : NULL);
        json_member(c->out, "target", target_is_snapshot(vo->target) ? "snapshot" : "live");
        cli_netns_json(c, !target_is_snapshot(vo->target));
        fputs(",\n  \"settings\": [", c->out);
        for (size_t i = 0; i < d->n; i++) {
                const struct diff_row *row = &d->rows[i];
                const struct setting *s = row->setting;
                json_setting(c->out, i == 0, s, row->current, s->value, diff_status_name(row->status), row->reason);
        }
        fputs(d->n ? "\n  ],\n  " : "],\n  ", c->out);
        out_findings_json(c, f);
        fprintf(c->out, ",\n  \"summary\": {\"ok\": %zu, \"change\": %zu, \"skip\": %zu, \"error\": %zu, \"write-only\": %zu}}\n",
                d->count[DIFF_OK], d->count[DIFF_CHANGE], d->count[DIFF_SKIP], d->count[DIFF_ERROR],
                d->count[DIFF_WRITE_ONLY]);
}

/* Text table; findings follow as text, or as GitHub workflow commands with --format github. */
static void print_text(struct cli *c, const struct target *tg, const struct diff *d, const struct findings *f)
{
        static const char *const header[] = {"KEY", "CURRENT", "DESIRED", "STATUS"};
        struct table t = {.ncols = 4};
        for (size_t i = 0; i < d->n; i++) {
                const struct diff_row *row = &d->rows[i];
                if (c->quiet && (row->status == DIFF_OK || row->status == DIFF_SKIP))
                        continue;
                const char *st = diff_status_name(row->status);
                char *want = desired_text(row->setting);
                char *status = row->reason ? str_printf("%s (%s)", st, row->reason) : strdup(st);
                table_add(&t, st, row->setting->key, row->current, want, status);
                free(want);
                free(status);
        }
        table_print(c, &t, header);
        table_release(&t);
        cli_netns_note(c, !target_is_snapshot(tg));
        if (f->n && !c->quiet)
                fputc('\n', c->out);
        if (c->format == FMT_GITHUB)
                out_findings_github(c, f);
        else
                out_findings_text(c, f, c->out);
        if (c->quiet)
                return;
        fprintf(c->out, "%zu ok, %zu to change, %zu skipped, %zu error%s", d->count[DIFF_OK], d->count[DIFF_CHANGE],
                d->count[DIFF_SKIP], d->count[DIFF_ERROR], d->count[DIFF_ERROR] == 1 ? "" : "s");
        if (d->count[DIFF_WRITE_ONLY])
                fprintf(c->out, ", %zu write-only", d->count[DIFF_WRITE_ONLY]);
        fputc('\n', c->out);
}

int cmd_diff(struct cli *c, int argc, char **argv);
int cmd_diff(struct cli *c, int argc, char **argv)
{
        static const struct option opts[] = {
                {"against", required_argument, NULL, 'a'},
                {"exit-code", no_argument, NULL, 'e'},
                {"netns", required_argument, NULL, 'n'},
                {0},
        };
        struct args a = {0};
        int first;
        int r = cli_parse(c, command_find("diff"), argc, argv, opts, on_opt, &a, &first);
        if (r >= 0)
                return r;
        if (argc - first != 1)
                return cli_usage_error(c, argc == first ? "no profile given" : "diff takes one profile");

        if (a.netns && a.against)
                return cli_usage_error(c, "--netns and --against exclude each other");
        if ((r = cli_enter_netns(c, a.netns)))
                return r;
        struct sysroot *sr = NULL;
        struct target *t = NULL;
        r = cli_open_target(c, a.against, &sr, &t);
        if (r)
                return r;
        struct validate_opts vo = {.target = t, .netns = c->in_netns};
        cli_kernel(c, t, &vo.kernel, &vo.kernel_known);

        struct findings f = {0};
        struct profile *p = NULL;
        struct diff *d = NULL;
        int exit_code = cli_prepare(c, argv[first], &vo, &p, &f, &d);
        if (exit_code == 0) {
                if (c->format == FMT_JSON)
                        print_json(c, p, &vo, d, &f);
                else
                        print_text(c, t, d, &f);
                if (findings_count(&f, SEV_ERROR))
                        exit_code = EXIT_INVALID;
                else if (a.exit_code && (d->count[DIFF_CHANGE] || d->count[DIFF_ERROR]))
                        exit_code = EXIT_DRIFT;
        }
        diff_free(d);
        profile_free(p);
        findings_release(&f);
        target_free(t);
        sysroot_free(sr);
        return exit_code;
}
