/* SPDX-License-Identifier: MIT */
/* twtune profiles: the profiles a name can select, with their descriptions and files. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "errors.h"
#include "format.h"
#include "load_profile.h"
#include "options.h"
#include "output.h"
#include "profile_path.h"
#include "util.h"

int cmd_profiles(struct cli *c, int argc, char **argv);

static void print_json(struct cli *c, const struct profile_dirs *d, const struct profile_entry *e, size_t n)
{
        json_begin(c);
        fputs(", \"search_path\": [", c->out);
        for (size_t i = 0; i < d->n; i++) {
                fputs(i ? ", " : "", c->out);
                json_str(c->out, d->dirs[i]);
        }
        fputs("], \"profiles\": [", c->out);
        for (size_t i = 0; i < n; i++) {
                fputs(i ? ",\n  {\"name\": " : "\n  {\"name\": ", c->out);
                json_str(c->out, e[i].name);
                json_member(c->out, "description", e[i].description);
                json_member(c->out, "path", e[i].path);
                json_member(c->out, "shadowed_by", e[i].shadowed_by);
                fputc('}', c->out);
        }
        fputs(n ? "\n]}\n" : "]}\n", c->out);
}

static void print_text(struct cli *c, const struct profile_dirs *d, const struct profile_entry *e, size_t n)
{
        if (c->quiet) { /* the names a profile argument takes, for scripts and completion */
                for (size_t i = 0; i < n; i++)
                        if (!e[i].shadowed_by)
                                fprintf(c->out, "%s\n", e[i].name);
                return;
        }
        struct table t = {.ncols = 3};
        for (size_t i = 0; i < n; i++) {
                char *where = e[i].shadowed_by ? str_printf("%s (hidden by %s)", e[i].path, e[i].shadowed_by) : NULL;
                table_add(&t, e[i].shadowed_by ? "skip" : "reset", e[i].name, e[i].description,
                          where ? where : e[i].path);
                free(where);
        }
        static const char *const header[] = {"NAME", "DESCRIPTION", "LOCATION"};
        table_print(c, &t, header);
        table_release(&t);
        if (!n || c->verbose) {
                fputs(n ? "search path:" : "no profiles on the search path:", c->out);
                for (size_t i = 0; i < d->n; i++) {
                        fputc(' ', c->out);
                        out_text(c->out, d->dirs[i]); /* from $TWTUNE_PROFILE_PATH: escaped */
                }
                fputc('\n', c->out);
        }
        fputs("A name is looked up on the search path only; a profile file elsewhere, the current directory "
              "included, is given as a path (./base.yaml).\n", c->out);
}

int cmd_profiles(struct cli *c, int argc, char **argv)
{
        int first;
        int r = cli_parse(c, c->command, argc, argv, NULL, NULL, NULL, &first);
        if (r >= 0)
                return r;
        if (first < argc)
                return cli_usage_error(c, "profiles takes no arguments");
        struct profile_dirs d = {0};
        struct profile_entry *e = NULL;
        size_t n = 0;
        r = cli_profile_dirs(c, &d);
        if (r == 0)
                r = profile_dirs_list(&d, &e, &n);
        if (r < 0) {
                profile_dirs_release(&d);
                return cli_error(c, EXIT_ENV, "cannot list the profiles: %s", strerror(-r));
        }
        if (c->format == FMT_JSON)
                print_json(c, &d, e, n);
        else
                print_text(c, &d, e, n);
        profile_entries_free(e, n);
        profile_dirs_release(&d);
        return EXIT_OK;
}
