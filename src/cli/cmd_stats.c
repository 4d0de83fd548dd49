/* SPDX-License-Identifier: MIT */
/* twtune stats: TCP sockets by state, the seed's `netstat -ant | awk` done through netlink. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advise.h"
#include "cli.h"
#include "errors.h"
#include "format.h"
#include "interval.h"
#include "netns.h"
#include "open_target.h"
#include "options.h"
#include "output.h"
#include "prom.h"
#include "sockstat.h"
#include "sysroot.h"
#include "util.h"

struct args {
        const char *netns, *prom_file;
        bool by_remote, by_local, force_proc, explain;
        bool remote_given, local_given; /* --by-remote=N, --by-local=N */
        unsigned long top, top_local;
        double interval;
};

/* N of --by-remote and --by-local: digits only (strtoul alone takes "-1" and " 5"), at least 1. */
static int parse_top(struct cli *c, const char *opt, const char *arg, unsigned long *ret)
{
        errno = 0;
        unsigned long n = *arg && !arg[strspn(arg, "0123456789")] ? strtoul(arg, NULL, 10) : 0;
        if (!n || errno)
                return cli_usage_error(c, "%s takes a number of %s, not '%s'", opt,
                                       strcmp(opt, "--by-remote") == 0 ? "remotes" : "local endpoints", arg);
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
                a->remote_given = arg;
                return arg ? parse_top(c, "--by-remote", arg, &a->top) : 0;
        case 'l':
                a->by_local = true;
                a->local_given = arg;
                return arg ? parse_top(c, "--by-local", arg, &a->top_local) : 0;
        case 'i':
                return cli_parse_interval(c, arg, &a->interval);
        case 'P':
                a->prom_file = arg;
                return 0;
        case 'x':
                a->explain = true;
                return 0;
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

static void print_endpoints_json(struct cli *c, const struct sockstats *s, size_t top, bool by_tw, bool local)
{
        const struct remote **v;
        size_t n = local ? sockstats_top_local(s, top, by_tw, &v) : sockstats_top(s, top, by_tw, &v);
        fputs("[", c->out);
        for (size_t i = 0; i < n; i++) {
                char addr[64];
                remote_format(v[i], addr, sizeof(addr));
                fputs(i ? ", {" : "{", c->out);
                json_str(c->out, local ? "local" : "remote");
                fputs(": ", c->out);
                json_str(c->out, addr);
                fprintf(c->out, ", \"time_wait\": %lu, \"total\": %lu", v[i]->time_wait, v[i]->total);
                if (local)
                        fprintf(c->out, ", \"listener\": %s",
                                s->ports_listen && (s->ports_listen[v[i]->port >> 3] & (1u << (v[i]->port & 7))) ? "true"
                                                                                                               : "false");
                fputc('}', c->out);
        }
        fputs("]", c->out);
        free(v);
}

static void print_endpoints_text(struct cli *c, const struct sockstats *s, size_t top, bool by_tw, bool local)
{
        static const char *const rh[] = {"REMOTE", "TIME_WAIT", "SOCKETS"}, *const lh[] = {"LOCAL", "TIME_WAIT", "SOCKETS"};
        const struct remote **v;
        size_t n = local ? sockstats_top_local(s, top, by_tw, &v) : sockstats_top(s, top, by_tw, &v);
        fprintf(c->out, "\ntop %zu %s endpoints by %s:\n", n, local ? "local" : "remote", by_tw ? "TIME_WAIT" : "sockets");
        struct table t = {.ncols = 3};
        for (size_t i = 0; i < n; i++) {
                char addr[64], tw[24], tot[24];
                remote_format(v[i], addr, sizeof(addr));
                snprintf(tw, sizeof(tw), "%lu", v[i]->time_wait);
                snprintf(tot, sizeof(tot), "%lu", v[i]->total);
                table_add(&t, "reset", addr, tw, tot);
        }
        table_print(c, &t, local ? lh : rh);
        table_release(&t);
        free(v);
}

/* The counters that moved over --interval, per second. */
static const struct {
        const char *name;
        size_t off; /* in struct advise_input's delta */
} rates[] = {
#define R(n, f) {n, offsetof(struct advise_input, delta.f)}
        R("ActiveOpens", active_opens),          R("PassiveOpens", passive_opens),
        R("TWRecycled", tw_recycled),            R("ListenOverflows", listen_overflows),
        R("ListenDrops", listen_drops),          R("TCPReqQFullDrop", reqq_full_drop),
        R("TCPTimeWaitOverflow", tw_overflow),   R("SyncookiesSent", syncookies_sent),
#undef R
};

static long long delta_of(const struct advise_input *in, size_t i)
{
        long long v;
        memcpy(&v, (const char *)in + rates[i].off, sizeof(v));
        return v;
}

struct view {
        const struct args *a;
        const struct sockstats *s;
        const struct advise_input *in;
        bool have_range;
        unsigned long avail, in_use, reserved;
};

static void print_json(struct cli *c, const struct view *w)
{
        const struct sockstats *s = w->s;
        json_begin(c);
        fprintf(c->out, ", \"source\": \"%s\", \"states\": {", s->source == SOCK_NETLINK ? "netlink" : "proc");
        for (unsigned st = 1, k = 0; st < TCPS_MAX; st++, k++)
                fprintf(c->out, "%s\"%s\": {\"ipv4\": %lu, \"ipv6\": %lu, \"total\": %lu}", k ? ", " : "", tcp_state_name(st),
                        s->count[0][st], s->count[1][st], s->count[0][st] + s->count[1][st]);
        fprintf(c->out, "}, \"total\": %lu", s->total);
        if (w->have_range)
                fprintf(c->out, ", \"ephemeral\": {\"range\": [%u, %u], \"reserved\": %lu, \"available\": %lu, \"in_use\": %lu}",
                        s->port_lo, s->port_hi, w->reserved, w->avail, w->in_use);
        if (s->tw_timed)
                fprintf(c->out, ", \"time_wait_ages\": {\"recent\": %lu, \"recent_ms\": %d, \"newest_ms\": %ld, \"oldest_ms\": %ld}",
                        s->tw_recent, SOCKSTAT_RECENT_MS, s->tw_newest_ms, s->tw_oldest_ms);
        else
                fputs(", \"time_wait_ages\": null", c->out);
        if (w->a->by_remote) {
                fputs(", \"by_remote\": {\"time_wait\": ", c->out);
                print_endpoints_json(c, s, w->a->top, true, false);
                fputs(", \"total\": ", c->out);
                print_endpoints_json(c, s, w->a->top, false, false);
                fprintf(c->out, ", \"not_tracked\": %lu}", s->remotes_dropped);
        }
        if (w->a->by_local) {
                fputs(", \"by_local\": {\"time_wait\": ", c->out);
                print_endpoints_json(c, s, w->a->top_local, true, true);
                fputs(", \"total\": ", c->out);
                print_endpoints_json(c, s, w->a->top_local, false, true);
                fprintf(c->out, ", \"not_tracked\": %lu}", s->locals_dropped);
        }
        if (w->in->interval > 0) {
                fprintf(c->out, ", \"interval\": {\"seconds\": %g, \"per_second\": {", w->in->interval);
                for (size_t i = 0, k = 0; i < ELEMENTSOF(rates); i++)
                        if (delta_of(w->in, i) != ADVISE_UNKNOWN)
                                fprintf(c->out, "%s\"%s\": %.3f", k++ ? ", " : "", rates[i].name,
                                        (double)delta_of(w->in, i) / w->in->interval);
                fputs("}}", c->out);
        }
        fputs("}\n", c->out);
}

static void print_text(struct cli *c, const struct view *w)
{
        const struct sockstats *s = w->s;
        unsigned long max = 1;
        for (unsigned st = 1; st < TCPS_MAX; st++)
                if (s->count[0][st] + s->count[1][st] > max)
                        max = s->count[0][st] + s->count[1][st];
        if (!c->quiet)
                fprintf(c->out, "source: %s\n",
                        s->source == SOCK_NETLINK ? "netlink (NETLINK_SOCK_DIAG)" : "/proc/net/tcp, /proc/net/tcp6");
        /* The seed's "STATE count" lines, with the split by family beside them. */
        for (unsigned st = 1; st < TCPS_MAX; st++) {
                unsigned long n = s->count[0][st] + s->count[1][st];
                if (!n)
                        continue;
                fprintf(c->out, "%-12s %9lu   (IPv4 %lu, IPv6 %lu)", tcp_state_name(st), n, s->count[0][st], s->count[1][st]);
                if (c->tty) {
                        int bar = (int)(30 * n / max) + 1;
                        fprintf(c->out, "  %s", color(c, st == 6 ? "change" : "ok"));
                        for (int i = 0; i < bar; i++)
                                fputs("\u2588", c->out);
                        fputs(color(c, "reset"), c->out);
                }
                fputc('\n', c->out);
        }
        fprintf(c->out, "%-12s %9lu\n", "total", s->total);
        if (w->have_range && !c->quiet)
                fprintf(c->out, "ephemeral ports in use: %lu of %lu (%u-%u, %lu reserved)\n", w->in_use, w->avail, s->port_lo,
                        s->port_hi, w->reserved);
        if (s->tw_timed && !c->quiet)
                fprintf(c->out, "TIME_WAIT ages: %lu younger than %d s; the newest %.1f s, the oldest %.1f s old\n",
                        s->tw_recent, SOCKSTAT_RECENT_MS / 1000, (double)s->tw_newest_ms / 1000, (double)s->tw_oldest_ms / 1000);
        if (w->in->interval > 0) {
                fprintf(c->out, "over %g s, per second:", w->in->interval);
                for (size_t i = 0; i < ELEMENTSOF(rates); i++)
                        if (delta_of(w->in, i) != ADVISE_UNKNOWN)
                                fprintf(c->out, " %s %.1f", rates[i].name, (double)delta_of(w->in, i) / w->in->interval);
                fputc('\n', c->out);
        }
        if (w->a->by_remote) {
                print_endpoints_text(c, s, w->a->top, true, false);
                print_endpoints_text(c, s, w->a->top, false, false);
                if (s->remotes_dropped)
                        fprintf(c->out, "(%lu sockets to remotes beyond the table were not tracked)\n", s->remotes_dropped);
        }
        if (w->a->by_local) {
                print_endpoints_text(c, s, w->a->top_local, true, true);
                print_endpoints_text(c, s, w->a->top_local, false, true);
                if (s->locals_dropped)
                        fprintf(c->out, "(%lu sockets of local endpoints beyond the table were not tracked)\n", s->locals_dropped);
        }
}

static void fill_prom(FILE *f, void *ud)
{
        const struct view *w = ud;
        size_t top = w->a->by_remote || w->a->by_local ? (w->a->top > w->a->top_local ? w->a->top : w->a->top_local) : 0;
        prom_stats(f, w->s, w->in, w->have_range ? (long long)w->avail : 0, w->in_use, top);
        prom_timestamp(f, "stats");
}

int stats_explain(struct cli *c);

int cmd_stats(struct cli *c, int argc, char **argv);
int cmd_stats(struct cli *c, int argc, char **argv)
{
        static const struct option opts[] = {
                {"netns", required_argument, NULL, 'n'},      {"by-remote", optional_argument, NULL, 'r'},
                {"by-local", optional_argument, NULL, 'l'},   {"interval", required_argument, NULL, 'i'},
                {"prometheus-file", required_argument, NULL, 'P'}, {"explain", no_argument, NULL, 'x'},
                {"source", required_argument, NULL, 's'},     {0},
        };
        struct args a = {.top = 10, .top_local = 10};
        int first;
        int r = cli_parse(c, c->command, argc, argv, opts, on_opt, &a, &first);
        if (r >= 0)
                return r;
        /* "--by-remote 5" as well as "--by-remote=5": stats takes no operands, so one beside a bare
         * --by-remote (or --by-local, when only one of them is bare) is meant as its N. */
        bool bare_remote = a.by_remote && !a.remote_given, bare_local = a.by_local && !a.local_given;
        if (argc - first == 1 && bare_remote != bare_local) {
                if ((r = parse_top(c, bare_remote ? "--by-remote" : "--by-local", argv[first],
                                   bare_remote ? &a.top : &a.top_local)))
                        return r;
                first++;
        }
        if (first < argc)
                return cli_usage_error(c, "stats takes no arguments");
        if (a.explain)
                return stats_explain(c);
        if ((r = cli_enter_netns(c, a.netns)))
                return r;
        struct sysroot *sr = NULL;
        if ((r = cli_open_root(c, &sr)))
                return r;
        struct advise_input before, in;
        if (a.interval > 0) {
                advise_collect(sr, NULL, &before);
                cli_sleep(a.interval);
        }
        struct sockstat_opts o = {.force_proc = a.force_proc,
                                  .remote_cap = a.by_remote ? 65536 : 0,
                                  .local_cap = a.by_local ? 65536 : 0};
        struct view w = {.a = &a, .in = &in};
        w.have_range = ephemeral_range(sr, &o.port_lo, &o.port_hi, &w.reserved) == 0;
        struct sockstats *s = NULL;
        r = sockstats_collect(sr, &o, &s);
        if (r < 0) {
                sysroot_free(sr);
                return cli_error(c, EXIT_ENV, "cannot read TCP sockets (netlink or /proc/net/tcp): %s", strerror(-r));
        }
        advise_collect(sr, s, &in);
        if (a.interval > 0)
                advise_interval(&in, &before, a.interval);
        w.s = s;
        w.in_use = sockstats_ephemeral_in_use(s);
        w.avail = w.have_range ? o.port_hi - o.port_lo + 1 - w.reserved : 0;
        int exit_code = EXIT_OK;
        if (a.prom_file)
                exit_code = prom_write_file(c, a.prom_file, fill_prom, &w);
        if (exit_code == EXIT_OK) {
                if (c->format == FMT_PROMETHEUS)
                        fill_prom(c->out, &w);
                else if (c->format == FMT_JSON)
                        print_json(c, &w);
                else
                        print_text(c, &w);
        }
        sockstats_free(s);
        sysroot_free(sr);
        return exit_code;
}
