/* SPDX-License-Identifier: MIT */
/* twtune boot: what the next boot will set, from the sysctl.d hierarchy below --root. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "boot.h"
#include "cli.h"
#include "errors.h"
#include "format.h"
#include "open_target.h"
#include "options.h"
#include "output.h"
#include "sysroot.h"
#include "util.h"

struct args {
        const char *rules;
};

static int on_opt(struct cli *c, int opt, const char *arg, void *ud)
{
        struct args *a = ud;
        if (opt != 'r')
                return cli_usage_error(c, "unexpected option");
        if (strcmp(arg, "systemd") && strcmp(arg, "procps"))
                return cli_usage_error(c, "--rules takes systemd or procps, not '%s'", arg);
        a->rules = arg;
        return 0;
}

static void print_json(struct cli *c, const struct boot_view *b, const char *why, const struct findings *f)
{
        json_begin(c);
        json_member(c->out, "rules", boot_rules_name(b->rules));
        json_member(c->out, "rules_from", why);
        json_member(c->out, "root", c->root ? c->root : "/");
        fputs(",\n  \"files\": [", c->out);
        for (size_t i = 0; i < b->n_files; i++) {
                fputs(i ? ",\n    {\"path\": " : "\n    {\"path\": ", c->out);
                json_str(c->out, b->files[i].path);
                json_member(c->out, "status", boot_file_status_name(b->files[i].status));
                json_member(c->out, "by", b->files[i].by);
                fputc('}', c->out);
        }
        fputs(b->n_files ? "\n  ],\n  \"settings\": [" : "],\n  \"settings\": [", c->out);
        for (size_t i = 0; i < b->n_settings; i++) {
                const struct boot_setting *s = &b->settings[i];
                fputs(i ? ",\n    {\"key\": " : "\n    {\"key\": ", c->out);
                json_str(c->out, s->key);
                json_member(c->out, "value", s->value);
                json_member(c->out, "file", s->file);
                fprintf(c->out, ", \"line\": %u, \"ignore_failure\": %s", s->line, s->ignore_failure ? "true" : "false");
                json_member(c->out, "pattern", s->pattern);
                fprintf(c->out, ", \"inherited\": %s", s->inherited ? "true" : "false");
                json_member(c->out, "at_boot", boot_presence_name(s->presence));
                json_member(c->out, "module", s->module);
                fputs(", \"overrides\": [", c->out);
                for (size_t k = 0; k < s->n_overrides; k++) {
                        fputs(k ? ", {\"file\": " : "{\"file\": ", c->out);
                        json_str(c->out, s->overrides[k].file);
                        fprintf(c->out, ", \"line\": %u", s->overrides[k].line);
                        json_member(c->out, "value", s->overrides[k].value);
                        fputc('}', c->out);
                }
                fputs("]}", c->out);
        }
        fputs(b->n_settings ? "\n  ],\n  \"later\": [" : "],\n  \"later\": [", c->out);
        for (size_t i = 0; i < b->n_later; i++) {
                const struct boot_later *l = &b->later[i];
                fputs(i ? ",\n    {\"pattern\": " : "\n    {\"pattern\": ", c->out);
                json_str(c->out, l->pattern);
                json_member(c->out, "value", l->value);
                json_member(c->out, "file", l->file);
                fprintf(c->out, ", \"line\": %u", l->line);
                json_member(c->out, "later", boot_presence_name(l->presence));
                fputc('}', c->out);
        }
        fputs(b->n_later ? "\n  ],\n  " : "],\n  ", c->out);
        out_findings_json(c, f);
        fputs("}\n", c->out);
}

static void print_text(struct cli *c, const struct boot_view *b, const char *why, const struct findings *f)
{
        /* "KEY = VALUE   FILE:LINE", and under it what it overrode. */
        static const char *const header[] = {"SETTING", "FROM"};
        struct table tab = {.ncols = 2};
        for (size_t i = 0; i < b->n_settings; i++) {
                const struct boot_setting *s = &b->settings[i];
                char *set = str_printf("%s%s = %s", s->ignore_failure ? "-" : "", s->key, s->value);
                char *where = str_printf("%s:%u%s%s%s%s", s->file, s->line, s->pattern ? " via " : "",
                                         s->pattern ? s->pattern : "", s->inherited ? " (copied from conf.default)" : "",
                                         s->presence == BOOT_EXISTS ? ""
                                         : s->presence == BOOT_INTERFACE_ADDED ? " (when the interface appears)"
                                                                               : " (absent at boot)");
                table_add(&tab, s->presence == BOOT_EXISTS || s->presence == BOOT_INTERFACE_ADDED ? "ok" : "warning", set,
                          where);
                free(set);
                free(where);
                for (size_t k = 0; !c->quiet && k < s->n_overrides; k++) {
                        char *o = str_printf("  overrides %s", s->overrides[k].value);
                        char *ow = str_printf("%s:%u", s->overrides[k].file, s->overrides[k].line);
                        table_add(&tab, "skip", o, ow);
                        free(o);
                        free(ow);
                }
        }
        /* Globs over interface keys: what an interface that appears after the boot gets. */
        for (size_t i = 0; i < b->n_later; i++) {
                const struct boot_later *l = &b->later[i];
                char *set = str_printf("%s = %s", l->pattern, l->value);
                char *where = str_printf("%s:%u (%s)", l->file, l->line, l->presence == BOOT_INTERFACE_ADDED
                                         ? "also to interfaces that appear later, by udev"
                                         : "not to interfaces that appear later");
                table_add(&tab, "ok", set, where);
                free(set);
                free(where);
        }
        table_print(c, &tab, header);
        table_release(&tab);
        if (!c->quiet)
                for (size_t i = 0; i < b->n_files; i++)
                        if (b->files[i].status != BOOT_APPLIED)
                                out_line(c->out, "%s: %s%s%s", b->files[i].path, boot_file_status_name(b->files[i].status),
                                         b->files[i].by ? " by " : "", b->files[i].by ? b->files[i].by : "");
        cli_out_findings(c, f, c->out);
        if (!c->quiet)
                out_line(c->out, "%zu setting%s from %zu file%s, by %s rules (%s)", b->n_settings,
                         b->n_settings == 1 ? "" : "s", b->n_files, b->n_files == 1 ? "" : "s", boot_rules_name(b->rules), why);
}

int cmd_boot(struct cli *c, int argc, char **argv);
int cmd_boot(struct cli *c, int argc, char **argv)
{
        static const struct option opts[] = {
                {"rules", required_argument, NULL, 'r'},
                {0},
        };
        struct args a = {0};
        int first;
        int r = cli_parse(c, c->command, argc, argv, opts, on_opt, &a, &first);
        if (r >= 0)
                return r;
        if (first < argc)
                return cli_usage_error(c, "boot takes no arguments");
        struct sysroot *sr = NULL;
        if ((r = cli_open_root(c, &sr)))
                return r;
        const char *why = "--rules";
        struct boot_opts o = {.rules = !a.rules ? boot_default_rules_why(sr, &why)
                                       : strcmp(a.rules, "procps") == 0 ? BOOT_PROCPS : BOOT_SYSTEMD};
        struct findings f = {0};
        struct boot_view *b = NULL;
        r = boot_resolve(sr, &o, &b, &f);
        int exit_code = EXIT_OK;
        if (r < 0)
                exit_code = cli_error(c, EXIT_ENV, "%s", strerror(-r));
        else if (c->format == FMT_JSON)
                print_json(c, b, why, &f);
        else
                print_text(c, b, why, &f);
        boot_view_free(b);
        findings_release(&f);
        sysroot_free(sr);
        return exit_code;
}
