/* SPDX-License-Identifier: MIT */
/* twtune advise: findings from what the host shows, with the sysctl changes they support. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "advise.h"
#include "atomic.h"
#include "cli.h"
#include "errors.h"
#include "format.h"
#include "interval.h"
#include "load_profile.h"
#include "netns.h"
#include "open_target.h"
#include "options.h"
#include "output.h"
#include "prom.h"
#include "sockstat.h"
#include "sysroot.h"
#include "target.h"
#include "util.h"
#include "validate.h"

struct args {
        const char *netns, *emit, *prom_file;
        bool force;
        double interval; /* 0: one sample */
};

static int on_opt(struct cli *c, int opt, const char *arg, void *ud)
{
        struct args *a = ud;
        switch (opt) {
        case 'n':
                a->netns = arg;
                return 0;
        case 'e':
                a->emit = arg;
                return 0;
        case 'f':
                a->force = true;
                return 0;
        case 'i':
                return cli_parse_interval(c, arg, &a->interval);
        case 'P':
                a->prom_file = arg;
                return 0;
        default:
                return cli_usage_error(c, "unexpected option");
        }
}

static size_t count_remedies(const struct advice *v, size_t n)
{
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
                k += v[i].n_remedies;
        return k;
}

/* The profile of every supported change, to a new file (or over one with --force). Nothing is
 * written when no change is supported: an empty profile would apply nothing. */
static int emit(struct cli *c, const struct args *a, const struct advice *v, size_t n, const char *where)
{
        const char *path = a->emit;
        if (count_remedies(v, n) == 0) {
                char *shown = text_escape(path);
                cli_error(c, EXIT_OK, "no change is supported: %s not written", shown ? shown : "?");
                free(shown);
                return 0;
        }
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
        int r = !yaml || !dir ? -ENOMEM : dfd < 0 ? -errno : !*name ? -EISDIR : 0;
        if (r == 0) {
                size_t len = strlen(yaml);
                r = a->force ? atomic_replace_at(dfd, name, yaml, len, 0644) : atomic_create_at(dfd, name, yaml, len, 0644);
                if (r < 0 && r != -EEXIST && !a->force)
                        unlink_sync_at(dfd, name); /* linked, but the directory was not synced: undo */
        }
        if (dfd >= 0)
                close(dfd);
        free(dir);
        free(yaml);
        if (r >= 0)
                return 0;
        char *shown = text_escape(path);
        if (r == -EEXIST)
                r = cli_usage_error(c, "%s exists; give --force to replace it", shown ? shown : "?");
        else
                r = cli_error(c, EXIT_ENV, "cannot write %s: %s", shown ? shown : "?", strerror(-r));
        free(shown);
        return r;
}

static void print_json(struct cli *c, const struct sockstats *s, const struct advise_input *in, const struct profile *p,
                       const struct validate_opts *vo, const struct advice *v, size_t n)
{
        json_begin(c);
        fprintf(c->out, ", \"source\": \"%s\", \"sockets\": %lu, \"time_wait\": %lu",
                s->source == SOCK_NETLINK ? "netlink" : "proc", s->total, s->count[0][6] + s->count[1][6]);
        if (in->interval > 0)
                fprintf(c->out, ", \"interval\": %g", in->interval);
        else
                fputs(", \"interval\": null", c->out);
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
static void print_text(struct cli *c, const struct sockstats *s, const struct advise_input *in, const struct profile *p,
                       const struct validate_opts *vo, const struct advice *v, size_t n, const char *emitted)
{
        if (!c->quiet && in->interval > 0)
                fprintf(c->out, "%lu TCP sockets, %lu in TIME_WAIT (from %s); counters over %g s\n\n", s->total,
                        s->count[0][6] + s->count[1][6], s->source == SOCK_NETLINK ? "netlink" : "/proc/net/tcp", in->interval);
        else if (!c->quiet)
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

/* Each piece of advice as an annotation, at its severity. */
static void print_github(struct cli *c, const struct advice *v, size_t n)
{
        struct findings gf = {0};
        for (size_t i = 0; i < n; i++)
                findings_add(&gf, v[i].severity, v[i].code, NULL, NULL, "%s", v[i].message);
        out_findings_github(c, &gf);
        findings_release(&gf);
}

/* What the emitted profile says it was made from: the --root, or the host name. */
static void where_name(struct sysroot *sr, char *host, size_t size)
{
        if (strcmp(sysroot_path(sr), "/") != 0)
                snprintf(host, size, "%s", sysroot_path(sr));
        else if (gethostname(host, size - 1) < 0)
                snprintf(host, size, "this host");
        host[size - 1] = '\0';
}

struct prom_ctx {
        const struct sockstats *s;
        const struct advise_input *in;
        const struct advice *v;
        size_t n;
};

static void fill_prom(FILE *f, void *ud)
{
        const struct prom_ctx *p = ud;
        prom_advise(f, p->v, p->n);
        long long ports = p->in->port_lo != ADVISE_UNKNOWN ? p->in->port_hi - p->in->port_lo + 1 - p->in->reserved : 0;
        prom_stats(f, p->s, p->in, ports, sockstats_ephemeral_in_use(p->s), 0);
        prom_timestamp(f, "advise");
}

/* The sockets and counters now, or with --interval the counters first, then everything again
 * that many seconds later, with the counters' growth between the two. */
static int sample(struct cli *c, struct sysroot *sr, const struct args *a, struct sockstats **s, struct advise_input *in)
{
        struct advise_input before;
        if (a->interval > 0) {
                advise_collect(sr, NULL, &before);
                cli_sleep(a->interval);
        }
        struct sockstat_opts so = {.remote_cap = 65536};
        unsigned long reserved;
        ephemeral_range(sr, &so.port_lo, &so.port_hi, &reserved); /* unreadable: no port map */
        int r = sockstats_collect(sr, &so, s);
        if (r < 0)
                return cli_error(c, EXIT_ENV, "cannot read TCP sockets: %s", strerror(-r));
        advise_collect(sr, *s, in);
        if (a->interval > 0)
                advise_interval(in, &before, a->interval);
        return 0;
}

/* The profile whose settings advise compares with its findings: loaded and valid. Returns 0 or an
 * exit code after printing its findings (to stderr) and why. */
static int load_valid_profile(struct cli *c, const char *arg, const struct validate_opts *vo, struct profile **p,
                              struct findings *f)
{
        int r = cli_load_profile(c, arg, p, f);
        if (r == 0)
                r = validate_profile(*p, vo, f);
        if (c->strict)
                findings_strict(f);
        if (r < 0 || findings_count(f, SEV_ERROR)) {
                findings_sort(f);
                out_findings_text(c, f, c->err);
                int exit_code = r == -ENOMEM ? EXIT_ENV : r < 0 ? cli_profile_exit(r) : EXIT_INVALID;
                /* The findings went to stderr: JSON's "error" member says which profile. */
                return cli_error(c, exit_code, "%s: %s", arg, r < 0 ? "cannot load the profile" : "the profile is invalid");
        }
        return 0;
}

int cmd_advise(struct cli *c, int argc, char **argv);
int cmd_advise(struct cli *c, int argc, char **argv)
{
        static const struct option opts[] = {
                {"netns", required_argument, NULL, 'n'},
                {"emit-profile", required_argument, NULL, 'e'},
                {"force", no_argument, NULL, 'f'},
                {"interval", required_argument, NULL, 'i'},
                {"prometheus-file", required_argument, NULL, 'P'},
                {0},
        };
        struct args a = {0};
        int first;
        int r = cli_parse(c, c->command, argc, argv, opts, on_opt, &a, &first);
        if (r >= 0)
                return r;
        if (argc - first > 1)
                return cli_usage_error(c, "advise takes at most one profile");
        if (a.force && !a.emit)
                return cli_usage_error(c, "--force needs --emit-profile FILE");
        struct stat st;
        /* Refused before sampling, which can take --interval seconds. */
        if (a.emit && !a.force && fstatat(AT_FDCWD, a.emit, &st, AT_SYMLINK_NOFOLLOW) == 0)
                return cli_usage_error(c, "%s exists; give --force to replace it", a.emit);
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
        if (argc > first && (exit_code = load_valid_profile(c, argv[first], &vo, &p, &f)))
                goto out;
        struct advise_input in;
        if ((exit_code = sample(c, sr, &a, &s, &in)))
                goto out;
        if ((r = advise(&in, &v, &n)) < 0) {
                exit_code = cli_error(c, EXIT_ENV, "%s", strerror(-r));
                goto out;
        }

        char host[256];
        where_name(sr, host, sizeof(host));
        if (a.emit && (exit_code = emit(c, &a, v, n, host)))
                goto out;
        bool emitted = a.emit && count_remedies(v, n);

        struct prom_ctx pc = {.s = s, .in = &in, .v = v, .n = n};
        if (a.prom_file && (exit_code = prom_write_file(c, a.prom_file, fill_prom, &pc)))
                goto out;
        if (c->format == FMT_PROMETHEUS)
                fill_prom(c->out, &pc);
        else if (c->format == FMT_JSON)
                print_json(c, s, &in, p, &vo, v, n);
        else
                print_text(c, s, &in, p, &vo, v, n, emitted ? a.emit : NULL);
        if (c->format == FMT_GITHUB)
                print_github(c, v, n);
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
