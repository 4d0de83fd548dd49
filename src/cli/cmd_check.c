/* twtune check: validate profiles against the knowledge base. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "util.h"
#include "sysroot.h"
#include "target.h"
#include "validate.h"

struct args {
        const char *against;
        bool live;
};

static int on_opt(struct cli *c, int opt, const char *arg, void *ud)
{
        struct args *a = ud;
        if (opt == 'a')
                a->against = arg;
        else if (opt == 'l')
                a->live = true;
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
        char *text = sb_steal(&body);
        if (text && n)
                cli_boot_check(c, sr, text, keys, values, n, SEV_WARNING, f);
        free(text);
        free(keys);
        free(values);
}

int cmd_check(struct cli *c, int argc, char **argv);
int cmd_check(struct cli *c, int argc, char **argv)
{
        static const struct option opts[] = {
                {"against", required_argument, NULL, 'a'},
                {"live", no_argument, NULL, 'l'},
                {0},
        };
        struct args a = {0};
        int first;
        int r = cli_parse(c, command_find("check"), argc, argv, opts, on_opt, &a, &first);
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

        struct findings f = {0};
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

        if (c->format == FMT_JSON) {
                char kb[32];
                json_begin(c);
                fputs(", \"kernel\": ", c->out);
                json_str(c->out, vo.kernel_known ? kver_format(vo.kernel, kb, sizeof(kb)) : NULL);
                cli_netns_json(c, a.live);
                fputs(", \"profiles\": [", c->out);
                for (int i = first; i < argc; i++) {
                        if (i > first)
                                fputs(", ", c->out);
                        json_str(c->out, argv[i]);
                }
                fputs("],\n  ", c->out);
                out_findings_json(c, &f);
                fprintf(c->out, ",\n  \"summary\": {\"error\": %zu, \"warning\": %zu, \"info\": %zu}}\n",
                        findings_count(&f, SEV_ERROR), findings_count(&f, SEV_WARNING), findings_count(&f, SEV_INFO));
        } else if (c->format == FMT_GITHUB) {
                out_findings_github(c, &f);
        } else {
                out_findings_text(c, &f, c->out);
                cli_netns_note(c, a.live);
                if (!c->quiet)
                        fprintf(c->out, "%d profile%s checked: %zu error%s, %zu warning%s, %zu info\n", argc - first,
                                argc - first == 1 ? "" : "s", findings_count(&f, SEV_ERROR),
                                findings_count(&f, SEV_ERROR) == 1 ? "" : "s", findings_count(&f, SEV_WARNING),
                                findings_count(&f, SEV_WARNING) == 1 ? "" : "s", findings_count(&f, SEV_INFO));
        }
        findings_release(&f);
        free(listening);
        target_free(t);
        sysroot_free(sr);
        return exit_code;
}
