/* SPDX-License-Identifier: MIT */
#include "advise.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profile.h"
#include "sockstat.h"
#include "sysroot.h"
#include "util.h"
#include "validate.h"
#include "value.h"

#define TIME_WAIT_SECONDS (SOCKSTAT_TIME_WAIT_MS / 1000)

static long long sysctl_int(struct sysroot *sr, const char *key)
{
        char *v = NULL;
        long long x;
        int r = sysroot_read_sysctl(sr, key, &v);
        if (r == 0)
                r = parse_kernel_int(v, &x);
        free(v);
        return r == 0 ? x : ADVISE_UNKNOWN;
}

/* A counter's value as the kernel prints it (%lu): decimal digits only, else ADVISE_UNKNOWN.
 * A value past LLONG_MAX saturates there, as strtoll did, rather than overflowing. */
static long long parse_counter(const char *p, size_t n)
{
        if (n == 0)
                return ADVISE_UNKNOWN;
        long long v = 0;
        for (size_t i = 0; i < n; i++) {
                if (p[i] < '0' || p[i] > '9')
                        return ADVISE_UNKNOWN;
                int d = p[i] - '0';
                v = v > (LLONG_MAX - d) / 10 ? LLONG_MAX : v * 10 + d;
        }
        return v;
}

/* A counter from /proc/net/netstat, whose sections come in pairs of lines: "TcpExt: names..."
 * then "TcpExt: values...". Both lines are walked only up to their newline or the NUL, so a
 * pair cut short anywhere gives ADVISE_UNKNOWN, as does a name without a value. */
static long long netstat_counter(const char *text, const char *section, const char *name)
{
        size_t sl = strlen(section), want = strlen(name);
        for (const char *line = text; *line;) {
                const char *next = strchr(line, '\n');
                if (!next)
                        break; /* a names line with no values line after it */
                const char *values = next + 1;
                /* line[sl] and values[sl] are read only once the sl bytes before them matched. */
                if (strncmp(line, section, sl) == 0 && line[sl] == ':' && strncmp(values, section, sl) == 0 &&
                    values[sl] == ':') {
                        const char *names = line + sl + 1;
                        values += sl + 1;
                        for (;;) {
                                names += strspn(names, " ");
                                values += strspn(values, " ");
                                size_t nl = strcspn(names, " \n"), vl = strcspn(values, " \n");
                                if (nl == 0)
                                        break;
                                if (nl == want && strncmp(names, name, nl) == 0)
                                        return parse_counter(values, vl);
                                names += nl;
                                values += vl; /* stays on its newline or NUL once the values run out */
                        }
                        return ADVISE_UNKNOWN;
                }
                line = next + 1;
        }
        return ADVISE_UNKNOWN;
}

void advise_parse_netstat(const char *text, struct advise_input *in)
{
        in->listen_overflows = netstat_counter(text, "TcpExt", "ListenOverflows");
        in->listen_drops = netstat_counter(text, "TcpExt", "ListenDrops");
        in->tw_overflow = netstat_counter(text, "TcpExt", "TCPTimeWaitOverflow");
        in->reqq_full_drop = netstat_counter(text, "TcpExt", "TCPReqQFullDrop");
        in->syncookies_sent = netstat_counter(text, "TcpExt", "SyncookiesSent");
        in->tw_recycled = netstat_counter(text, "TcpExt", "TWRecycled");
        in->active_opens = netstat_counter(text, "Tcp", "ActiveOpens");
        in->passive_opens = netstat_counter(text, "Tcp", "PassiveOpens");
}

static long long growth(long long now, long long then)
{
        return now == ADVISE_UNKNOWN || then == ADVISE_UNKNOWN ? ADVISE_UNKNOWN : now >= then ? now - then : 0;
}

void advise_interval(struct advise_input *in, const struct advise_input *b, double seconds)
{
        in->interval = seconds;
        in->delta.listen_overflows = growth(in->listen_overflows, b->listen_overflows);
        in->delta.listen_drops = growth(in->listen_drops, b->listen_drops);
        in->delta.tw_overflow = growth(in->tw_overflow, b->tw_overflow);
        in->delta.reqq_full_drop = growth(in->reqq_full_drop, b->reqq_full_drop);
        in->delta.syncookies_sent = growth(in->syncookies_sent, b->syncookies_sent);
        in->delta.tw_recycled = growth(in->tw_recycled, b->tw_recycled);
        in->delta.active_opens = growth(in->active_opens, b->active_opens);
        in->delta.passive_opens = growth(in->passive_opens, b->passive_opens);
}

/* Where a wider ephemeral range may start: 32768 (above twtune's well-known service ports), or
 * just above the highest port a listener holds beyond it; even, so that the ends differ in parity
 * from 65535. */
static long long wider_range_start(const struct sockstats *s)
{
        long long from = 32768;
        for (long long port = from; s && s->ports_listen && port <= 65535; port++)
                if (s->ports_listen[port >> 3] & (1u << (port & 7)))
                        from = port + 1;
        return from + (from & 1);
}

int advise_collect(struct sysroot *sr, const struct sockstats *stats, struct advise_input *in)
{
        *in = (struct advise_input){.stats = stats};
        in->port_lo = in->port_hi = ADVISE_UNKNOWN;
        unsigned lo, hi;
        unsigned long reserved;
        if (ephemeral_range(sr, &lo, &hi, &reserved) == 0) {
                in->port_lo = lo;
                in->port_hi = hi;
                in->reserved = (long long)reserved;
        }
        in->tw_reuse = sysctl_int(sr, "net.ipv4.tcp_tw_reuse");
        in->timestamps = sysctl_int(sr, "net.ipv4.tcp_timestamps");
        in->tw_reuse_delay_ms = sysctl_int(sr, "net.ipv4.tcp_tw_reuse_delay");
        in->max_tw_buckets = sysctl_int(sr, "net.ipv4.tcp_max_tw_buckets");
        in->max_syn_backlog = sysctl_int(sr, "net.ipv4.tcp_max_syn_backlog");
        in->somaxconn = sysctl_int(sr, "net.core.somaxconn");
        in->syncookies = sysctl_int(sr, "net.ipv4.tcp_syncookies");
        in->fin_timeout = sysctl_int(sr, "net.ipv4.tcp_fin_timeout");

        in->listen_overflows = in->listen_drops = in->tw_overflow = in->reqq_full_drop = in->syncookies_sent = ADVISE_UNKNOWN;
        in->tw_recycled = in->active_opens = in->passive_opens = ADVISE_UNKNOWN;
        const char *root = sysroot_path(sr);
        struct strbuf both = {0};
        for (int i = 0; i < 2; i++) {
                char *path = str_printf("%s/proc/net/%s", strcmp(root, "/") == 0 ? "" : root, i ? "snmp" : "netstat");
                char *text = NULL;
                size_t len;
                /* A NUL is not kernel output: the counters stay unknown rather than come from a prefix. */
                if (path && read_file_at(AT_FDCWD, path, 1 << 20, &text, &len) == 0 && strlen(text) == len) {
                        sb_append(&both, text);
                        if (len && text[len - 1] != '\n')
                                sb_append(&both, "\n");
                }
                free(text);
                free(path);
        }
        char *text = sb_steal(&both);
        if (text)
                advise_parse_netstat(text, in);
        free(text);
        return 0;
}

struct list {
        struct advice *v;
        size_t n;
        bool oom;
};

static struct advice *add(struct list *l, enum severity sev, const char *code, const char *not_supported, const char *fmt, ...)
        __attribute__((format(printf, 5, 6)));

static struct advice *add(struct list *l, enum severity sev, const char *code, const char *not_supported, const char *fmt, ...)
{
        struct advice *v = realloc(l->v, (l->n + 1) * sizeof(*v));
        if (!v) {
                l->oom = true;
                return NULL;
        }
        l->v = v;
        va_list ap;
        va_start(ap, fmt);
        v[l->n] = (struct advice){.severity = sev, .code = code, .message = str_vprintf(fmt, ap), .not_supported = not_supported};
        va_end(ap);
        if (!v[l->n].message)
                l->oom = true;
        return &v[l->n++];
}

static void evidence(struct list *l, struct advice *a, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void evidence(struct list *l, struct advice *a, const char *fmt, ...)
{
        if (!a)
                return;
        va_list ap;
        va_start(ap, fmt);
        a->evidence = str_vprintf(fmt, ap);
        va_end(ap);
        if (!a->evidence)
                l->oom = true;
}

static void remedy(struct advice *a, const char *key, enum remedy_op op, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));
static void remedy(struct advice *a, const char *key, enum remedy_op op, const char *fmt, ...)
{
        if (!a || a->n_remedies == ELEMENTSOF(a->remedies))
                return;
        struct remedy *r = &a->remedies[a->n_remedies++];
        r->key = key;
        r->op = op;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(r->value, sizeof(r->value), fmt, ap);
        va_end(ap);
}

static const char NOT_FOR_TIME_WAIT[] =
        "tcp_fin_timeout (it bounds FIN_WAIT2, not TIME_WAIT, which lasts 60 s), tcp_tw_recycle (removed in 4.12; "
        "it broke clients behind NAT), lowering tcp_max_tw_buckets (sockets then skip TIME_WAIT)";

/* Twice v, or floor when that is more. The sysctls behind v are read from a --root, which can
 * hold any 64-bit number: saturate rather than overflow. */
static long long doubled_at_least(long long v, long long floor)
{
        long long d = v > LLONG_MAX / 2 ? LLONG_MAX : v < LLONG_MIN / 2 ? LLONG_MIN : v * 2;
        return d > floor ? d : floor;
}

/* n * 10 >= cap * 9, for cap > 0, without computing cap * 9 (cap is a sysctl: see above). */
static bool nearly_full(unsigned long n, long long cap)
{
        return cap > 0 && (unsigned long long)n >= (unsigned long long)(cap - cap / 10);
}

static bool is_loopback(const struct remote *r)
{
        static const uint8_t v6lo[16] = {[15] = 1};
        return r->family == 4 ? r->addr[0] == 127 : memcmp(r->addr, v6lo, 16) == 0;
}

/* "N since boot", or "+D in the last S s (N since boot)" over an interval. */
static void counted(char *buf, size_t size, const struct advise_input *in, long long total, long long delta)
{
        if (in->interval > 0 && delta != ADVISE_UNKNOWN)
                snprintf(buf, size, "+%lld in the last %.0f s (%lld since boot)", delta, in->interval, total);
        else
                snprintf(buf, size, "%lld since boot", total);
}

/* Over an interval, a counter that did not move is a trace of the past: info, said so. */
static enum severity now_or_before(const struct advise_input *in, long long delta)
{
        return in->interval > 0 && delta == 0 ? SEV_INFO : SEV_WARNING;
}

static const char *past_note(const struct advise_input *in, long long delta)
{
        return in->interval > 0 && delta == 0 ? " (none in the last interval: this happened earlier, not now)" : "";
}

struct ctx {
        const struct advise_input *in;
        const struct sockstats *s;
        long long ports;           /* ephemeral ports usable, or <= 0 unknown */
        bool reuse_all;            /* tcp_tw_reuse=1 with timestamps: every destination */
        long long delay;           /* tcp_tw_reuse_delay, ms */
        bool tw_full;              /* the TIME_WAIT table is (nearly) full */
        unsigned long tw;
        const struct remote *busiest;
        char dest[64];
};

static void advise_capacity(struct list *l, const struct ctx *x)
{
        const struct advise_input *in = x->in;
        long long per_tw = x->ports / TIME_WAIT_SECONDS, per_reuse = x->ports * 1000 / (x->delay > 0 ? x->delay : 1000);
        struct advice *a;
        if (x->reuse_all)
                a = add(l, SEV_INFO, "port-capacity", NULL,
                        "%lld ephemeral ports per destination (address and port): tcp_tw_reuse=1 lets connect() take a "
                        "port whose TIME_WAIT is older than %lld ms, so about %lld new connections a second to one "
                        "destination (without reuse, %lld: each port is held %d s)",
                        x->ports, x->delay, per_reuse, per_tw, TIME_WAIT_SECONDS);
        else
                a = add(l, SEV_INFO, "port-capacity", NULL,
                        "%lld ephemeral ports per destination (address and port): this host's side of each connection it "
                        "closes first holds its port %d s in TIME_WAIT, so at most about %lld new connections a second "
                        "to one destination sustained%s; once half the ports are held, each connect() searches the range "
                        "and gets slower",
                        x->ports, TIME_WAIT_SECONDS, per_tw,
                        in->tw_reuse == 2 && in->timestamps != 0 ? " (loopback destinations reuse TIME_WAIT ports: tcp_tw_reuse=2)" : "");
        evidence(l, a, "ip_local_port_range %lld %lld, %lld reserved; tcp_tw_reuse %lld, tcp_timestamps %lld%s",
                 in->port_lo, in->port_hi, in->reserved, in->tw_reuse, in->timestamps,
                 x->reuse_all ? "" : " (reuse applies to loopback only, or not at all)");
}

/* New connections a second to the busiest destination, from the TIME_WAIT sockets younger than
 * SOCKSTAT_RECENT_MS (one per connection this host closed first), or -1 without timers. */
static double recent_rate(const struct ctx *x)
{
        if (!x->s->tw_timed)
                return -1;
        return (double)x->busiest->tw_recent * 1000.0 / SOCKSTAT_RECENT_MS;
}

/* "the newest is 12 s old": when new connections stopped, with timers. */
static void age_note(char *buf, size_t size, const struct ctx *x, double rate)
{
        buf[0] = '\0';
        if (rate < 0)
                snprintf(buf, size, " (no TIME_WAIT timers in this source: whether it is happening now is unknown)");
        else if (rate == 0)
                snprintf(buf, size, " (none newer than %d s: a burst that ended about %ld s ago; its ports free up "
                                    "within %ld s)",
                         SOCKSTAT_RECENT_MS / 1000, x->s->tw_newest_ms / 1000,
                         (SOCKSTAT_TIME_WAIT_MS - x->s->tw_oldest_ms) / 1000 + 1);
}

static void add_port_remedies(struct advice *a, const struct ctx *x)
{
        if (x->in->tw_reuse != 1)
                remedy(a, "net.ipv4.tcp_tw_reuse", REMEDY_SET, "1");
        if (x->in->timestamps == 0)
                remedy(a, "net.ipv4.tcp_timestamps", REMEDY_SET, "1");
        /* Wider, but above every well-known service port (kb_service_ports) and every port a
         * listener holds here: a range over them lets outgoing connections take ports servers
         * must bind after a restart. Only when that is still wider than today's. */
        long long from = wider_range_start(x->s);
        if (x->ports < 65536 - from)
                remedy(a, "net.ipv4.ip_local_port_range", REMEDY_SET, "%lld 65535", from);
}

/* The busiest destination's share of the ports, as the lab measured it: below half, nothing;
 * from half, each connect() searches the range (slow, not failing); all held, EADDRNOTAVAIL
 * until TIME_WAIT ports expire, ports/60 a second. tcp_tw_reuse, where it applies, avoids both. */
static void advise_ports(struct list *l, const struct ctx *x)
{
        const struct advise_input *in = x->in;
        const struct remote *b = x->busiest;
        if (!b || x->ports <= 0 || (long long)b->total * 2 < x->ports || x->tw_full)
                return;
        bool reuse_here = x->reuse_all || (in->tw_reuse == 2 && is_loopback(b) && in->timestamps != 0);
        double rate = recent_rate(x);
        char rate_s[96] = "", age[160], recycled[64] = "";
        if (rate >= 0)
                snprintf(rate_s, sizeof(rate_s), "; about %.0f new connections a second to it over the last %d s", rate,
                         SOCKSTAT_RECENT_MS / 1000);
        age_note(age, sizeof(age), x, rate);
        unsigned long pct = (unsigned long)((unsigned long long)b->total * 100 / (unsigned long long)x->ports);
        if (in->tw_recycled != ADVISE_UNKNOWN)
                counted(recycled, sizeof(recycled), in, in->tw_recycled, in->delta.tw_recycled);
        struct advice *a;
        if (reuse_here) {
                a = add(l, SEV_INFO, "time-wait-reused", NOT_FOR_TIME_WAIT,
                        "%lu sockets to %s hold %lu%% of the %lld ephemeral ports (%lu in TIME_WAIT), but tcp_tw_reuse=%lld "
                        "covers it: connect() reuses a port whose TIME_WAIT is older than %lld ms, without a slow search "
                        "or EADDRNOTAVAIL%s; no change is called for",
                        b->total, x->dest, pct, x->ports, b->time_wait, in->tw_reuse, x->delay, rate_s);
                evidence(l, a, "%lu TIME_WAIT of %lu sockets to %s; TcpExt TWRecycled %s", b->time_wait, b->total, x->dest,
                         recycled[0] ? recycled : "unknown");
                return;
        }
        if ((long long)b->total >= x->ports - x->ports / 50) {
                /* No port is free, so no new TIME_WAIT says whether the application still tries:
                 * its connects fail before any SYN, and no counter counts them. A warning. */
                if (rate == 0)
                        snprintf(age, sizeof(age), " (the newest TIME_WAIT is %ld s old: nothing got through since; "
                                 "connects tried now fail)", x->s->tw_newest_ms / 1000);
                a = add(l, SEV_WARNING, "ephemeral-exhaustion", NOT_FOR_TIME_WAIT,
                        "%lu sockets to %s hold all %lld ephemeral ports (%lu in TIME_WAIT): connect() to it fails with "
                        "EADDRNOTAVAIL (\"Cannot assign requested address\") until ports leave TIME_WAIT, %d s after "
                        "they entered it, so about %lld new connections a second get through on average (ports / %d s), in "
                        "bursts as the ports taken %d s earlier come free%s%s",
                        b->total, x->dest, x->ports, b->time_wait, TIME_WAIT_SECONDS, x->ports / TIME_WAIT_SECONDS,
                        TIME_WAIT_SECONDS, TIME_WAIT_SECONDS, rate_s, age);
        } else {
                long long left = x->ports - (long long)b->total;
                long long ends = x->s->tw_timed ? (SOCKSTAT_TIME_WAIT_MS - x->s->tw_oldest_ms) / 1000 : -1;
                char forecast[200] = "";
                if (rate > 0 && ends >= 0)
                        snprintf(forecast, sizeof(forecast),
                                 (double)left / rate < (double)ends
                                         ? "; at that rate its %lld free ports run out in about %.0f s, before the oldest "
                                           "TIME_WAIT ends (in %lld s): then connect() fails with EADDRNOTAVAIL"
                                         : "; at that rate its %lld free ports last about %.0f s, past the end of the "
                                           "oldest TIME_WAIT (in %lld s): slow, but no EADDRNOTAVAIL expected",
                                 left, (double)left / rate, ends);
                a = add(l, rate == 0 ? SEV_INFO : SEV_WARNING, "port-search-slow", NOT_FOR_TIME_WAIT,
                        "%lu sockets to %s hold %lu%% of the %lld ephemeral ports (%lu in TIME_WAIT): past half the "
                        "range, each connect() to it searches the range for a free port, so connections get slower "
                        "(milliseconds instead of microseconds) rather than fail%s%s%s",
                        b->total, x->dest, pct, x->ports, b->time_wait, rate_s, forecast, age);
        }
        evidence(l, a, "%lu TIME_WAIT of %lu sockets to %s; %lld ports in %lld-%lld; tcp_tw_reuse %lld, tcp_timestamps %lld",
                 b->time_wait, b->total, x->dest, x->ports, in->port_lo, in->port_hi, in->tw_reuse, in->timestamps);
        add_port_remedies(a, x);
}

/* The listener most likely behind ListenOverflows: the fullest accept queue, by share of its
 * backlog. NULL when no listener's backlog is known (/proc does not give it). */
static const struct listener *fullest_listener(const struct sockstats *s)
{
        const struct listener *best = NULL;
        for (size_t i = 0; s && i < s->n_listeners; i++) {
                const struct listener *l = &s->listeners[i];
                if (l->backlog < 0 || l->queued < 0)
                        continue;
                /* queued/backlog compared without division: q1 * b2 > q2 * b1 */
                if (!best || l->queued * (best->backlog + 1) > best->queued * (l->backlog + 1) ||
                    (l->queued * (best->backlog + 1) == best->queued * (l->backlog + 1) && l->backlog < best->backlog))
                        best = l;
        }
        return best;
}

static void listener_format(const struct listener *l, char *buf, size_t size)
{
        struct remote r = {.family = l->family, .port = l->port};
        memcpy(r.addr, l->addr, 16);
        remote_format(&r, buf, size);
}

static void advise_accept_queue(struct list *l, const struct ctx *x)
{
        const struct advise_input *in = x->in;
        if (in->listen_overflows <= 0)
                return;
        char n[96], drops[96], where[64];
        counted(n, sizeof(n), in, in->listen_overflows, in->delta.listen_overflows);
        counted(drops, sizeof(drops), in, in->listen_drops, in->delta.listen_drops);
        const struct listener *f = fullest_listener(x->s);
        bool app_limit = f && in->somaxconn != ADVISE_UNKNOWN && f->backlog < in->somaxconn;
        if (f)
                listener_format(f, where, sizeof(where));
        struct advice *a =
                add(l, now_or_before(in, in->delta.listen_overflows), "accept-queue-overflow",
                    app_limit ? "raising net.core.somaxconn (it only caps the backlog a listener asks for; this one asks "
                                "for less)"
                              : NULL,
                    "accept queues overflowed (ListenOverflows %s): the kernel dropped the handshakes, and clients "
                    "retransmit their SYN after 1 s, then 3 s: their connect() takes seconds%s",
                    n, past_note(in, in->delta.listen_overflows));
        if (!a)
                return;
        char *m = NULL;
        if (app_limit)
                m = str_printf("%s. The fullest listener, %s, holds %ld of the listen() backlog of %ld its application "
                               "asked for, below net.core.somaxconn %lld: raise the application's backlog (the "
                               "listen() argument, or its configuration), or make it accept() faster",
                               a->message, where, f->queued, f->backlog, in->somaxconn);
        else if (f)
                m = str_printf("%s. The fullest listener, %s, holds %ld of a backlog of %ld, the cap of net.core.somaxconn "
                               "%lld: raise it (and the application's backlog), or make the application accept() faster",
                               a->message, where, f->queued, f->backlog, in->somaxconn);
        else
                m = str_printf("%s. The listeners' backlogs are unknown here (netlink gives them; see the Send-Q of ss "
                               "-ltn): a backlog below net.core.somaxconn is the application's to raise",
                               a->message);
        if (m) {
                free(a->message);
                a->message = m;
        }
        evidence(l, a, "TcpExt ListenOverflows %s, ListenDrops %s; net.core.somaxconn %lld", n, drops, in->somaxconn);
        if (f && !app_limit && in->somaxconn != ADVISE_UNKNOWN)
                remedy(a, "net.core.somaxconn", REMEDY_AT_LEAST, "%lld", doubled_at_least(in->somaxconn, 8192));
}

static const char NOT_LOWER_BUCKETS[] =
        "lowering tcp_max_tw_buckets (it is the limit being hit: fewer buckets mean more sockets skip TIME_WAIT; their "
        "ports free at once, which hides port exhaustion rather than fixing it), tcp_fin_timeout (it bounds "
        "FIN_WAIT2, not TIME_WAIT)";

static void advise_tw_table(struct list *l, const struct ctx *x)
{
        const struct advise_input *in = x->in;
        if (in->tw_overflow <= 0 && !x->tw_full)
                return;
        char n[96];
        counted(n, sizeof(n), in, in->tw_overflow > 0 ? in->tw_overflow : 0, in->delta.tw_overflow);
        enum severity sev = in->tw_overflow > 0 && !x->tw_full ? now_or_before(in, in->delta.tw_overflow) : SEV_WARNING;
        struct advice *a = add(l, sev, "tw-bucket-overflow", NOT_LOWER_BUCKETS,
                               "the TIME_WAIT table %s (%lu of tcp_max_tw_buckets %lld; TCPTimeWaitOverflow %s): sockets "
                               "closing past it skip TIME_WAIT, so a delayed segment of an old connection can be taken "
                               "for one of a new connection on the same ports%s",
                               x->tw_full ? "is full" : "overflowed", x->tw, in->max_tw_buckets, n,
                               x->tw_full ? "" : past_note(in, in->delta.tw_overflow));
        evidence(l, a, "TcpExt TCPTimeWaitOverflow %s; %lu TIME_WAIT of tcp_max_tw_buckets %lld", n, x->tw,
                 in->max_tw_buckets);
        if (in->max_tw_buckets != ADVISE_UNKNOWN)
                remedy(a, "net.ipv4.tcp_max_tw_buckets", REMEDY_AT_LEAST, "%lld", doubled_at_least(in->max_tw_buckets, 262144));
}

static void advise_syn(struct list *l, const struct advise_input *in)
{
        char n[96];
        struct advice *a;
        if (in->reqq_full_drop > 0) {
                counted(n, sizeof(n), in, in->reqq_full_drop, in->delta.reqq_full_drop);
                a = add(l, now_or_before(in, in->delta.reqq_full_drop), "syn-queue-overflow", NULL,
                        "listeners dropped SYNs because their SYN queue was full (TCPReqQFullDrop %s)%s", n,
                        past_note(in, in->delta.reqq_full_drop));
                evidence(l, a, "TcpExt TCPReqQFullDrop %s; tcp_max_syn_backlog %lld, tcp_syncookies %lld", n,
                         in->max_syn_backlog, in->syncookies);
                if (in->max_syn_backlog != ADVISE_UNKNOWN)
                        remedy(a, "net.ipv4.tcp_max_syn_backlog", REMEDY_AT_LEAST, "%lld",
                               doubled_at_least(in->max_syn_backlog, 8192));
                if (in->syncookies == 0)
                        remedy(a, "net.ipv4.tcp_syncookies", REMEDY_SET, "1");
        }
        if (in->syncookies_sent > 0) {
                counted(n, sizeof(n), in, in->syncookies_sent, in->delta.syncookies_sent);
                evidence(l,
                         add(l, SEV_INFO, "syn-cookies-sent", NULL,
                             "SYN cookies were sent (SyncookiesSent %s): a SYN flood, or SYN queues too small for the load", n),
                         "TcpExt SyncookiesSent %s", n);
        }
}

/* FIN_WAIT2 and CLOSE_WAIT, as the lab's fin-wait2 scenario showed them: this host closed and
 * the peer does not (FIN_WAIT2 here; an orphan lasts tcp_fin_timeout, so the count is the rate
 * times that), or the peer closed and the application here does not (CLOSE_WAIT, which no timer
 * ends). */
static void advise_closing(struct list *l, const struct ctx *x)
{
        const struct sockstats *s = x->s;
        unsigned long fin2 = s ? s->count[0][5] + s->count[1][5] : 0, cw = s ? s->count[0][8] + s->count[1][8] : 0;
        const struct advise_input *in = x->in;
        if (fin2 >= 1000) {
                char rate[160] = "";
                if (in->fin_timeout > 0)
                        snprintf(rate, sizeof(rate), ": at tcp_fin_timeout %lld s, about %lld new ones a second if they "
                                                     "are orphans (closed here, each held until the timeout)",
                                 in->fin_timeout, (long long)fin2 / in->fin_timeout);
                evidence(l,
                         add(l, SEV_INFO, "many-fin-wait2", "tcp_fin_timeout as a cure for TIME_WAIT (it bounds FIN_WAIT2 only)",
                             "%lu sockets in FIN_WAIT2: this host closed, and the peers have not closed their side%s; "
                             "each also holds its local port. tcp_fin_timeout bounds how long an orphan waits; the "
                             "peers' applications are what does not close",
                             fin2, rate),
                         "%lu FIN_WAIT2; tcp_fin_timeout %lld", fin2, in->fin_timeout);
        }
        if (cw >= 1000)
                evidence(l,
                         add(l, SEV_WARNING, "many-close-wait",
                             "any sysctl: tcp_fin_timeout and the keepalive settings do not end CLOSE_WAIT",
                             "%lu sockets in CLOSE_WAIT: their peers closed, and the application here has not called "
                             "close() on them; only that ends CLOSE_WAIT (a descriptor leak, or a stuck worker)",
                             cw),
                         "%lu CLOSE_WAIT", cw);
}

int advise(const struct advise_input *in, struct advice **ret, size_t *ret_n)
{
        struct list l = {0};
        const struct sockstats *s = in->stats;
        struct ctx x = {.in = in, .s = s};
        x.tw = s ? s->count[0][6] + s->count[1][6] : 0;
        x.ports = in->port_lo != ADVISE_UNKNOWN ? in->port_hi - in->port_lo + 1 - in->reserved : ADVISE_UNKNOWN;
        x.reuse_all = in->tw_reuse == 1 && in->timestamps != 0;
        x.delay = in->tw_reuse_delay_ms != ADVISE_UNKNOWN ? in->tw_reuse_delay_ms : 1000;
        x.tw_full = nearly_full(x.tw, in->max_tw_buckets);

        /* The busiest destination by TIME_WAIT: each of its 4-tuples holds one local port. */
        const struct remote **top = NULL;
        size_t ntop = s && s->remotes ? sockstats_top(s, 1, true, &top) : 0;
        x.busiest = ntop ? top[0] : NULL;
        if (x.busiest)
                remote_format(x.busiest, x.dest, sizeof(x.dest));

        if (x.ports > 0)
                advise_capacity(&l, &x);
        advise_ports(&l, &x);
        advise_syn(&l, in);
        advise_accept_queue(&l, &x);
        advise_tw_table(&l, &x);

        struct advice *a;
        if (in->tw_reuse > 0 && in->timestamps == 0) {
                a = add(&l, SEV_WARNING, "reuse-needs-timestamps", NULL,
                        "tcp_tw_reuse is %lld but tcp_timestamps is 0, so no TIME_WAIT port is ever reused", in->tw_reuse);
                evidence(&l, a, "tcp_tw_reuse %lld, tcp_timestamps 0", in->tw_reuse);
                remedy(a, "net.ipv4.tcp_timestamps", REMEDY_SET, "1");
        }

        if (x.tw >= 1000 && (!x.busiest || x.ports <= 0 || (long long)x.busiest->total * 2 < x.ports) &&
            in->tw_overflow <= 0 && !x.tw_full)
                evidence(&l,
                         add(&l, SEV_INFO, "time-wait-harmless", NOT_FOR_TIME_WAIT,
                             "%lu sockets in TIME_WAIT, but no destination is short of ports and the table has room: "
                             "they cost a little memory each and need no change",
                             x.tw),
                         "%lu TIME_WAIT; the busiest destination %s has %lu", x.tw, x.busiest ? x.dest : "(none)",
                         x.busiest ? x.busiest->time_wait : 0);
        advise_closing(&l, &x);

        bool trouble = false;
        for (size_t i = 0; i < l.n; i++)
                trouble |= l.v[i].severity != SEV_INFO;
        if (!trouble)
                evidence(&l,
                         add(&l, SEV_INFO, "no-problem", NULL,
                             "no sign of port exhaustion, queue overflow or TIME_WAIT table overflow%s: no change is "
                             "called for",
                             in->interval > 0 ? " in the interval" : ""),
                         "%lu sockets, %lu in TIME_WAIT", s ? s->total : 0, x.tw);
        free(top);
        if (l.oom) {
                advice_free_all(l.v, l.n);
                return -ENOMEM;
        }
        *ret = l.v;
        *ret_n = l.n;
        return 0;
}

void advice_free_all(struct advice *v, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                free(v[i].message);
                free(v[i].evidence);
        }
        free(v);
}

static bool satisfies(const struct setting *s, const struct remedy *r)
{
        long long want, have;
        if (r->op == REMEDY_SET)
                return s->mode == SET_EXACT && value_equal(s->value, r->value);
        if (s->mode == SET_AT_MOST || parse_kernel_int(r->value, &want) < 0 || parse_kernel_int(s->value, &have) < 0)
                return false;
        return have >= want;
}

bool advice_addressed(const struct advice *a, const struct profile *p, const struct validate_opts *o)
{
        if (a->n_remedies == 0)
                return false;
        for (size_t i = 0; i < a->n_remedies; i++) {
                const struct setting *s = profile_find(p, a->remedies[i].key);
                if (!s || !setting_active(s, o) || !satisfies(s, &a->remedies[i]))
                        return false;
        }
        return true;
}

char *advise_profile_yaml(const struct advice *v, size_t n, const char *generated_on)
{
        struct strbuf sb = {0};
        sb_appendf(&sb, "# Suggested by 'twtune advise' from what %s showed. Review it before applying.\n"
                        "name: advised\ndescription: Changes supported by the evidence on %s\nsysctl:\n",
                   generated_on, generated_on);
        size_t written = 0;
        for (size_t i = 0; i < n; i++)
                for (size_t k = 0; k < v[i].n_remedies; k++) {
                        const struct remedy *r = &v[i].remedies[k];
                        /* One line per key: the first advice that asks for it, with the largest bound. */
                        bool seen = false;
                        for (size_t j = 0; j < i && !seen; j++)
                                for (size_t m = 0; m < v[j].n_remedies; m++)
                                        seen |= strcmp(v[j].remedies[m].key, r->key) == 0;
                        if (seen)
                                continue;
                        const char *best = r->value;
                        for (size_t j = i + 1; j < n; j++)
                                for (size_t m = 0; m < v[j].n_remedies; m++)
                                        if (strcmp(v[j].remedies[m].key, r->key) == 0 && r->op == REMEDY_AT_LEAST &&
                                            strtoll(v[j].remedies[m].value, NULL, 10) > strtoll(best, NULL, 10))
                                                best = v[j].remedies[m].value;
                        sb_appendf(&sb, "  # %s: %s\n", v[i].code, v[i].evidence ? v[i].evidence : "");
                        if (r->op == REMEDY_AT_LEAST)
                                sb_appendf(&sb, "  %s: {at_least: %s}\n", r->key, best);
                        else
                                sb_appendf(&sb, "  %s: \"%s\"\n", r->key, best);
                        written++;
                }
        if (!written)
                sb_append(&sb, "  {}\n");
        return sb_steal(&sb);
}
