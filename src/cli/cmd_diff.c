/* SPDX-License-Identifier: MIT */
/* twtune diff: compare a profile with the live system or a snapshot. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "errors.h"
#include "format.h"
#include "load_profile.h"
#include "netns.h"
#include "open_target.h"
#include "options.h"
#include "output.h"
#include "plan_rows.h"
#include "rows.h"
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

/* name: the profile's, NULL when it could not be loaded. */
static void print(struct cli *c, const char *name, const char *path, const struct validate_opts *vo,
                  const struct rows *rows, const struct findings *f)
{
        if (c->format == FMT_JSON) {
                json_begin(c);
                json_member(c->out, "profile", name);
                json_member(c->out, "path", path);
                cli_json_target(c, vo);
                out_rows(c, rows);
                fputs(",\n  ", c->out);
                out_findings_json(c, f);
                fputs("}\n", c->out);
                return;
        }
        out_rows(c, rows);
        cli_netns_note(c, !target_is_snapshot(vo->target));
        cli_out_findings(c, f, c->out);
        if (!c->quiet)
                out_rows_summary(c, rows, target_is_snapshot(vo->target) ? "against the snapshot" : "diff");
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
        int r = cli_parse(c, c->command, argc, argv, opts, on_opt, &a, &first);
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
        if (sr) /* validation, the diff, the plan and the boot view read the same keys */
                sysroot_cache(sr, true);
        struct validate_opts vo = {.target = t, .netns = c->in_netns};
        cli_kernel(c, t, &vo.kernel, &vo.kernel_known);

        struct findings f = {0};
        struct profile *p = NULL;
        struct diff *d = NULL;
        struct rows rows = {0};
        int exit_code = cli_prepare(c, argv[first], &vo, &p, &f, &d);
        if (exit_code == 0) {
                /* On the live system, the rows of the plan apply would make, with the managed keys
                 * the profile drops; a snapshot has only its values. */
                if (sr && !findings_count(&f, SEV_ERROR))
                        cli_plan_rows(c, sr, p, &vo, d, &rows, &f);
                else
                        rows_from_diff(&rows, d);
                if (c->strict) /* for the boot's findings, added after the profile's */
                        findings_strict(&f);
                print(c, p->name, p->path, &vo, &rows, &f);
                if (findings_count(&f, SEV_ERROR))
                        exit_code = cli_error(c, EXIT_INVALID, "%s is invalid", cli_profile_label(argv[first], p));
                else if (a.exit_code && (rows_count(&rows, "change") || rows_count(&rows, "restore") ||
                                         rows_count(&rows, "error")))
                        exit_code = EXIT_DRIFT;
        } else if (c->format == FMT_JSON)
                print(c, NULL, argv[first], &vo, &rows, &f);
        rows_release(&rows);
        diff_free(d);
        profile_free(p);
        findings_release(&f);
        target_free(t);
        sysroot_free(sr);
        return exit_code;
}
