/* SPDX-License-Identifier: MIT */
/* twtune advise: findings from what the host shows, with the sysctl changes they support. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "advise.h"
#include "atomic.h"
#include "cli.h"
#include "sockstat.h"
#include "sysroot.h"
#include "target.h"
#include "util.h"
#include "validate.h"

struct args {
        const char *netns, *emit;
};

static int on_opt(struct cli *c, int opt, const char *arg, void *ud)
{
        struct args *a = ud;
        if (opt == 'n')
                a->netns = arg;
        else if (opt == 'e')
                a->emit = arg;
        else
                return cli_usage_error(c, "unexpected option");
        return 0;
}

static int emit(struct cli *c, const char *path, const struct advice *v, size_t n, const char *where)
{
        /* where (--root or the host name) lands in a comment and the description: one line of it,
         * or a newline in it would add lines to the profile. */
        char *where_line = text_escape(where);
        char *yaml = where_line ? advise_profile_yaml(v, n, where_line) : NULL;
        free(where_line);
        char *dir = strdup(path), *slash = dir ? strrchr(dir, '/') : NULL;
        const char *name = slash ? slash + 1 : path;
        if (slash)
                *slash = '\0';
        int dfd = dir ? open(slash ? (*dir ? dir : "/") : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
        int r = !yaml || !dir ? -ENOMEM : dfd < 0 ? -errno : atomic_replace_at(dfd, name, yaml, strlen(yaml), 0644);
        if (dfd >= 0)
                close(dfd);
        free(dir);
        free(yaml);
        if (r >= 0)
                return 0;
        char *shown = text_escape(path);
        r = cli_error(c, EXIT_ENV, "cannot write %s: %s", shown ? shown : "?", strerror(-r));
        free(shown);
        return r;
}

static void print_json(struct cli *c, const struct sockstats *s, const struct profile *p, const struct validate_opts *vo,
                       const struct advice *v, size_t n)
{
        json_begin(c);
        fprintf(c->out, ", \"source\": \"%s\", \"sockets\": %lu, \"time_wait\": %lu",
                s->source == SOCK_NETLINK ? "netlink" : "proc", s->total, s->count[0][6] + s->count[1][6]);
        json_member(c->out, "profile", p ? p->name : NULL);
        fputs(", \"advice\": [", c->out);
        for (size_t i = 0; i < n; i++) {
                fputs(i ? ",\n  {\"severity\": " : "\n  {\"severity\": ", c->out);
                json_str(c->out, severity_name(v[i].severity));
                json_member(c->out, "code", v[i].code);
                json_member(c->out, "message", v[i].message);
                json_member(c->out, "evidence", v[i].evidence);
                fputs(", \"supports\": [", c->out);
                for (size_t k = 0; k < v[i].n_remedies; k++) {
                        fputs(k ? ", {\"key\": " : "{\"key\": ", c->out);
                        json_str(c->out, v[i].remedies[k].key);
                        json_member(c->out, "op", v[i].remedies[k].op == REMEDY_SET ? "=" : ">=");
                        json_member(c->out, "value", v[i].remedies[k].value);
                        fputc('}', c->out);
                }
                fputc(']', c->out);
                json_member(c->out, "not_supported", v[i].not_supported);
                if (p && v[i].n_remedies)
                        fprintf(c->out, ", \"addressed\": %s", advice_addressed(&v[i], p, vo) ? "true" : "false");
                else
                        fputs(", \"addressed\": null", c->out);
                fputc('}', c->out);
        }
        fputs(n ? "\n]}\n" : "]}\n", c->out);
}

/* Messages and evidence carry what the host showed, and the profile name and the --emit-profile
 * path come from outside: all are printed escaped. */
static void print_text(struct cli *c, const struct sockstats *s, const struct profile *p, const struct validate_opts *vo,
                       const struct advice *v, size_t n, const char *emitted)
{
        if (!c->quiet)
                fprintf(c->out, "%lu TCP sockets, %lu in TIME_WAIT (from %s)\n\n", s->total, s->count[0][6] + s->count[1][6],
                        s->source == SOCK_NETLINK ? "netlink" : "/proc/net/tcp");
        for (size_t i = 0; i < n; i++) {
                if (c->quiet && v[i].severity == SEV_INFO)
                        continue;
                const char *sev = severity_name(v[i].severity);
                fprintf(c->out, "%s%s%s: ", color(c, sev), sev, color(c, "reset"));
                out_text(c->out, v[i].message);
                fprintf(c->out, " [%s]\n", v[i].code);
                if (v[i].evidence) {
                        fputs("  evidence: ", c->out);
                        out_text(c->out, v[i].evidence);
                        fputc('\n', c->out);
                }
                for (size_t k = 0; k < v[i].n_remedies; k++)
                        fprintf(c->out, "  %s %s %s %s\n", k ? "         " : "supports:", v[i].remedies[k].key,
                                v[i].remedies[k].op == REMEDY_SET ? "=" : ">=", v[i].remedies[k].value);
                if (v[i].not_supported)
                        fprintf(c->out, "  does not support: %s\n", v[i].not_supported);
                if (p && v[i].n_remedies) {
                        fputs("  ", c->out);
                        out_text(c->out, p->name);
                        fprintf(c->out, ": %s\n", advice_addressed(&v[i], p, vo) ? "addresses this" : "does NOT address this");
                }
                fputc('\n', c->out);
        }
        if (emitted && !c->quiet) {
                fputs("suggested profile written to ", c->out);
                out_text(c->out, emitted);
                fputc('\n', c->out);
        }
}

int cmd_advise(struct cli *c, int argc, char **argv);
int cmd_advise(struct cli *c, int argc, char **argv)
{
        static const struct option opts[] = {
                {"netns", required_argument, NULL, 'n'},
                {"emit-profile", required_argument, NULL, 'e'},
                {0},
        };
        struct args a = {0};
        int first;
        int r = cli_parse(c, command_find("advise"), argc, argv, opts, on_opt, &a, &first);
        if (r >= 0)
                return r;
        if (argc - first > 1)
                return cli_usage_error(c, "advise takes at most one profile");
        if ((r = cli_enter_netns(c, a.netns)))
                return r;

        struct sysroot *sr = NULL;
        struct target *t = NULL;
        struct sockstats *s = NULL;
        struct profile *p = NULL;
        struct advice *v = NULL;
        struct findings f = {0};
        size_t n = 0;
        int exit_code;
        if ((exit_code = cli_open_target(c, NULL, &sr, &t)))
                return exit_code;
        struct validate_opts vo = {.target = t};
        cli_kernel(c, t, &vo.kernel, &vo.kernel_known);
        vo.mem_bytes = cli_memory(c, vo.target);
        if (argc > first) {
                r = cli_load_profile(c, argv[first], &p, &f);
                if (r == 0)
                        r = validate_profile(p, &vo, &f);
                if (c->strict)
                        findings_strict(&f);
                if (r < 0 || findings_count(&f, SEV_ERROR)) {
                        findings_sort(&f);
                        out_findings_text(c, &f, c->err);
                        exit_code = r == -ENOMEM ? EXIT_ENV : r < 0 ? cli_profile_exit(r) : EXIT_INVALID;
                        /* The findings went to stderr: JSON's "error" member says which profile. */
                        cli_error(c, exit_code, "%s: %s", argv[first],
                                  r < 0 ? "cannot load the profile" : "the profile is invalid");
                        goto out;
                }
        }
        struct sockstat_opts so = {.remote_cap = 65536};
        unsigned long reserved;
        ephemeral_range(sr, &so.port_lo, &so.port_hi, &reserved); /* unreadable: no port map */
        if ((r = sockstats_collect(sr, &so, &s)) < 0) {
                exit_code = cli_error(c, EXIT_ENV, "cannot read TCP sockets: %s", strerror(-r));
                goto out;
        }
        struct advise_input in;
        advise_collect(sr, s, &in);
        if ((r = advise(&in, &v, &n)) < 0) {
                exit_code = cli_error(c, EXIT_ENV, "%s", strerror(-r));
                goto out;
        }

        char host[256] = "this host";
        if (strcmp(sysroot_path(sr), "/") != 0)
                snprintf(host, sizeof(host), "%s", sysroot_path(sr));
        else if (gethostname(host, sizeof(host) - 1) < 0)
                strcpy(host, "this host");
        if (a.emit && (exit_code = emit(c, a.emit, v, n, host)))
                goto out;

        if (c->format == FMT_JSON)
                print_json(c, s, p, &vo, v, n);
        else
                print_text(c, s, p, &vo, v, n, a.emit);
        if (c->format == FMT_GITHUB) { /* each piece of advice as an annotation, at its severity */
                struct findings gf = {0};
                for (size_t i = 0; i < n; i++)
                        findings_add(&gf, v[i].severity, v[i].code, NULL, NULL, "%s", v[i].message);
                out_findings_github(c, &gf);
                findings_release(&gf);
        }
        exit_code = EXIT_OK;
out:
        advice_free_all(v, n);
        sockstats_free(s);
        profile_free(p);
        findings_release(&f);
        target_free(t);
        sysroot_free(sr);
        return exit_code;
}
