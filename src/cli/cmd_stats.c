/* SPDX-License-Identifier: MIT */
/* twtune stats: TCP sockets by state, the seed's `netstat -ant | awk` done through netlink. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "sockstat.h"
#include "sysroot.h"
#include "util.h"

struct args {
        const char *netns;
        bool by_remote, force_proc;
        bool top_given; /* --by-remote=N */
        unsigned long top;
};

/* N of --by-remote: digits only (strtoul alone takes "-1" and " 5"), at least 1. */
static int parse_top(struct cli *c, const char *arg, unsigned long *ret)
{
        errno = 0;
        unsigned long n = *arg && !arg[strspn(arg, "0123456789")] ? strtoul(arg, NULL, 10) : 0;
        if (!n || errno)
                return cli_usage_error(c, "--by-remote takes a number of remotes, not '%s'", arg);
        *ret = n;
        return 0;
}

static int on_opt(struct cli *c, int opt, const char *arg, void *ud)
{
        struct args *a = ud;
        switch (opt) {
        case 'n':
                a->netns = arg;
                return 0;
        case 'r':
                a->by_remote = true;
                a->top_given = arg;
                return arg ? parse_top(c, arg, &a->top) : 0;
        case 's':
                if (strcmp(arg, "proc") == 0)
                        a->force_proc = true;
                else if (strcmp(arg, "netlink") != 0)
                        return cli_usage_error(c, "--source is netlink or proc, not '%s'", arg);
                return 0;
        default:
                return cli_usage_error(c, "unexpected option");
        }
}

static void print_remotes_json(struct cli *c, const struct sockstats *s, size_t top, bool by_tw)
{
        const struct remote **v;
        size_t n = sockstats_top(s, top, by_tw, &v);
        fputs("[", c->out);
        for (size_t i = 0; i < n; i++) {
                char addr[64];
                remote_format(v[i], addr, sizeof(addr));
                fputs(i ? ", {\"remote\": " : "{\"remote\": ", c->out);
                json_str(c->out, addr);
                fprintf(c->out, ", \"time_wait\": %lu, \"total\": %lu}", v[i]->time_wait, v[i]->total);
        }
        fputs("]", c->out);
        free(v);
}

static void print_remotes_text(struct cli *c, const struct sockstats *s, size_t top, bool by_tw)
{
        static const char *const header[] = {"REMOTE", "TIME_WAIT", "SOCKETS"};
        const struct remote **v;
        size_t n = sockstats_top(s, top, by_tw, &v);
        fprintf(c->out, "\ntop %zu remote endpoints by %s:\n", n, by_tw ? "TIME_WAIT" : "sockets");
        struct table t = {.ncols = 3};
        for (size_t i = 0; i < n; i++) {
                char addr[64], tw[24], tot[24];
                remote_format(v[i], addr, sizeof(addr));
                snprintf(tw, sizeof(tw), "%lu", v[i]->time_wait);
                snprintf(tot, sizeof(tot), "%lu", v[i]->total);
                table_add(&t, "reset", addr, tw, tot);
        }
        table_print(c, &t, header);
        table_release(&t);
        free(v);
}

int cmd_stats(struct cli *c, int argc, char **argv);
int cmd_stats(struct cli *c, int argc, char **argv)
{
        static const struct option opts[] = {
                {"netns", required_argument, NULL, 'n'},
                {"by-remote", optional_argument, NULL, 'r'},
                {"source", required_argument, NULL, 's'},
                {0},
        };
        struct args a = {.top = 10};
        int first;
        int r = cli_parse(c, command_find("stats"), argc, argv, opts, on_opt, &a, &first);
        if (r >= 0)
                return r;
        /* "--by-remote 5" as well as "--by-remote=5": stats takes no operands, so one beside a bare
         * --by-remote is meant as its N. */
        if (a.by_remote && !a.top_given && argc - first == 1) {
                if ((r = parse_top(c, argv[first], &a.top)))
                        return r;
                first++;
        }
        if (first < argc)
                return cli_usage_error(c, "stats takes no arguments");
        if ((r = cli_enter_netns(c, a.netns)))
                return r;
        struct sysroot *sr = NULL;
        if ((r = cli_open_root(c, &sr)))
                return r;
        struct sockstat_opts o = {.force_proc = a.force_proc, .remote_cap = a.by_remote ? 65536 : 0};
        unsigned long reserved = 0;
        bool have_range = ephemeral_range(sr, &o.port_lo, &o.port_hi, &reserved) == 0;
        struct sockstats *s = NULL;
        r = sockstats_collect(sr, &o, &s);
        if (r < 0) {
                sysroot_free(sr);
                return cli_error(c, EXIT_ENV, "cannot read TCP sockets (netlink or /proc/net/tcp): %s", strerror(-r));
        }
        const char *src = s->source == SOCK_NETLINK ? "netlink" : "proc";
        unsigned long in_use = sockstats_ephemeral_in_use(s);
        unsigned long avail = have_range ? o.port_hi - o.port_lo + 1 - reserved : 0;
        if (c->format == FMT_JSON) {
                json_begin(c);
                fprintf(c->out, ", \"source\": \"%s\", \"states\": {", src);
                for (unsigned st = 1, k = 0; st < TCPS_MAX; st++, k++)
                        fprintf(c->out, "%s\"%s\": {\"ipv4\": %lu, \"ipv6\": %lu, \"total\": %lu}", k ? ", " : "",
                                tcp_state_name(st), s->count[0][st], s->count[1][st], s->count[0][st] + s->count[1][st]);
                fprintf(c->out, "}, \"total\": %lu", s->total);
                if (have_range)
                        fprintf(c->out, ", \"ephemeral\": {\"range\": [%u, %u], \"reserved\": %lu, \"available\": %lu, "
                                        "\"in_use\": %lu}", o.port_lo, o.port_hi, reserved, avail, in_use);
                if (a.by_remote) {
                        fputs(", \"by_remote\": {\"time_wait\": ", c->out);
                        print_remotes_json(c, s, a.top, true);
                        fputs(", \"total\": ", c->out);
                        print_remotes_json(c, s, a.top, false);
                        fprintf(c->out, ", \"not_tracked\": %lu}", s->remotes_dropped);
                }
                fputs("}\n", c->out);
        } else {
                unsigned long max = 1;
                for (unsigned st = 1; st < TCPS_MAX; st++)
                        if (s->count[0][st] + s->count[1][st] > max)
                                max = s->count[0][st] + s->count[1][st];
                if (!c->quiet)
                        fprintf(c->out, "source: %s\n", s->source == SOCK_NETLINK ? "netlink (NETLINK_SOCK_DIAG)"
                                                                                  : "/proc/net/tcp, /proc/net/tcp6");
                /* The seed's "STATE count" lines, with the split by family beside them. */
                for (unsigned st = 1; st < TCPS_MAX; st++) {
                        unsigned long n = s->count[0][st] + s->count[1][st];
                        if (!n)
                                continue;
                        fprintf(c->out, "%-12s %9lu   (IPv4 %lu, IPv6 %lu)", tcp_state_name(st), n, s->count[0][st],
                                s->count[1][st]);
                        if (c->tty) {
                                int w = (int)(30 * n / max) + 1;
                                fprintf(c->out, "  %s", color(c, st == 6 ? "change" : "ok"));
                                for (int i = 0; i < w; i++)
                                        fputs("\u2588", c->out);
                                fputs(color(c, "reset"), c->out);
                        }
                        fputc('\n', c->out);
                }
                fprintf(c->out, "%-12s %9lu\n", "total", s->total);
                if (have_range && !c->quiet)
                        fprintf(c->out, "ephemeral ports in use: %lu of %lu (%u-%u, %lu reserved)\n", in_use, avail, o.port_lo,
                                o.port_hi, reserved);
                if (a.by_remote) {
                        print_remotes_text(c, s, a.top, true);
                        print_remotes_text(c, s, a.top, false);
                        if (s->remotes_dropped)
                                fprintf(c->out, "(%lu sockets to remotes beyond the table's %zu were not tracked)\n",
                                        s->remotes_dropped, o.remote_cap);
                }
        }
        sockstats_free(s);
        sysroot_free(sr);
        return EXIT_OK;
}
