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

/* TIME_WAIT lasts TCP_TIMEWAIT_LEN, 60 s (include/net/tcp.h), whatever tcp_fin_timeout says. */
#define TIME_WAIT_SECONDS 60

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

        in->listen_overflows = in->listen_drops = in->tw_overflow = in->reqq_full_drop = in->syncookies_sent = ADVISE_UNKNOWN;
        const char *root = sysroot_path(sr);
        char *path = str_printf("%s/proc/net/netstat", strcmp(root, "/") == 0 ? "" : root);
        char *text = NULL;
        size_t len;
        /* A NUL is not kernel output: the counters stay unknown rather than come from a prefix. */
        if (path && read_file_at(AT_FDCWD, path, 1 << 20, &text, &len) == 0 && strlen(text) == len)
                advise_parse_netstat(text, in);
        free(text);
        free(path);
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

int advise(const struct advise_input *in, struct advice **ret, size_t *ret_n)
{
        struct list l = {0};
        const struct sockstats *s = in->stats;
        unsigned long tw = s ? s->count[0][6] + s->count[1][6] : 0;
        unsigned long fin2 = s ? s->count[0][5] + s->count[1][5] : 0;
        long long ports = in->port_lo != ADVISE_UNKNOWN ? in->port_hi - in->port_lo + 1 - in->reserved : ADVISE_UNKNOWN;
        bool reuse_all = in->tw_reuse == 1 && in->timestamps != 0;
        long long delay = in->tw_reuse_delay_ms != ADVISE_UNKNOWN ? in->tw_reuse_delay_ms : 1000;
        struct advice *a;

        /* The busiest destination by TIME_WAIT: each of its 4-tuples holds one local port. */
        const struct remote **top = NULL;
        size_t ntop = s && s->remotes ? sockstats_top(s, 1, true, &top) : 0;
        const struct remote *busiest = ntop ? top[0] : NULL;
        char dest[64] = "";
        if (busiest)
                remote_format(busiest, dest, sizeof(dest));

        if (ports > 0) {
                a = add(&l, SEV_INFO, "port-capacity", NULL,
                        "%lld ephemeral ports: one destination (address and port) can take about %lld new connections a "
                        "second that this host closes first, since each holds its port in TIME_WAIT for %d s%s",
                        ports, ports / TIME_WAIT_SECONDS, TIME_WAIT_SECONDS,
                        reuse_all ? "; with tcp_tw_reuse=1 a TIME_WAIT port can be reused after tcp_tw_reuse_delay" : "");
                evidence(&l, a, "ip_local_port_range %lld %lld, %lld reserved; tcp_tw_reuse %lld, tcp_timestamps %lld%s",
                         in->port_lo, in->port_hi, in->reserved, in->tw_reuse, in->timestamps,
                         reuse_all ? "" : " (reuse applies to loopback only, or not at all)");
                if (reuse_all && a) {
                        char *m = str_printf("%s (about %lld a second with a %lld ms delay)", a->message,
                                             ports * 1000 / (delay > 0 ? delay : 1000), delay);
                        if (m) {
                                free(a->message);
                                a->message = m;
                        }
                }
        }

        if (busiest && ports > 0 && (long long)busiest->time_wait * 2 >= ports) {
                bool reuse_here = reuse_all || (in->tw_reuse == 2 && is_loopback(busiest) && in->timestamps != 0);
                a = add(&l, SEV_WARNING, "ephemeral-exhaustion", NOT_FOR_TIME_WAIT,
                        "%lu sockets in TIME_WAIT to %s hold %lu%% of the %lld ephemeral ports: new connections to it will "
                        "fail with EADDRNOTAVAIL (\"Cannot assign requested address\") when they run out",
                        busiest->time_wait, dest, (unsigned long)(busiest->time_wait * 100 / (unsigned long long)ports), ports);
                evidence(&l, a, "%lu TIME_WAIT of %lu sockets to %s; %lld ports in %lld-%lld", busiest->time_wait,
                         busiest->total, dest, ports, in->port_lo, in->port_hi);
                if (!reuse_here)
                        remedy(a, "net.ipv4.tcp_tw_reuse", REMEDY_SET, "1");
                if (in->timestamps == 0)
                        remedy(a, "net.ipv4.tcp_timestamps", REMEDY_SET, "1");
                /* Wider, but above every well-known service port (kb_service_ports) and every port a
                 * listener holds here: a range over them lets outgoing connections take ports servers
                 * must bind after a restart. Only when that is still wider than today's. */
                long long from = wider_range_start(s);
                if (ports < 65536 - from)
                        remedy(a, "net.ipv4.ip_local_port_range", REMEDY_SET, "%lld 65535", from);
        }

        if (in->reqq_full_drop > 0) {
                a = add(&l, SEV_WARNING, "syn-queue-overflow", NULL,
                        "listeners dropped %lld SYNs because their SYN queue was full", in->reqq_full_drop);
                evidence(&l, a, "TcpExt TCPReqQFullDrop %lld since boot; tcp_max_syn_backlog %lld, tcp_syncookies %lld",
                         in->reqq_full_drop, in->max_syn_backlog, in->syncookies);
                if (in->max_syn_backlog != ADVISE_UNKNOWN)
                        remedy(a, "net.ipv4.tcp_max_syn_backlog", REMEDY_AT_LEAST, "%lld",
                               doubled_at_least(in->max_syn_backlog, 8192));
                if (in->syncookies == 0)
                        remedy(a, "net.ipv4.tcp_syncookies", REMEDY_SET, "1");
        }
        if (in->listen_overflows > 0) {
                a = add(&l, SEV_WARNING, "accept-queue-overflow", NULL,
                        "accept queues overflowed %lld times: the application does not accept() fast enough, or its "
                        "listen() backlog (capped by net.core.somaxconn) is too small",
                        in->listen_overflows);
                evidence(&l, a, "TcpExt ListenOverflows %lld, ListenDrops %lld since boot; net.core.somaxconn %lld",
                         in->listen_overflows, in->listen_drops, in->somaxconn);
                if (in->somaxconn != ADVISE_UNKNOWN)
                        remedy(a, "net.core.somaxconn", REMEDY_AT_LEAST, "%lld", doubled_at_least(in->somaxconn, 8192));
        }
        if (in->syncookies_sent > 0)
                evidence(&l,
                         add(&l, SEV_INFO, "syn-cookies-sent", NULL,
                             "%lld SYN cookies were sent: a SYN flood, or SYN queues too small for the load",
                             in->syncookies_sent),
                         "TcpExt SyncookiesSent %lld since boot", in->syncookies_sent);

        bool tw_full = nearly_full(tw, in->max_tw_buckets);
        if (in->tw_overflow > 0 || tw_full) {
                a = add(&l, SEV_WARNING, "tw-bucket-overflow", NULL,
                        "the TIME_WAIT table %s: closing sockets skip TIME_WAIT, losing its protection against stray "
                        "segments of old connections",
                        in->tw_overflow > 0 ? "overflowed" : "is nearly full");
                evidence(&l, a, "TcpExt TCPTimeWaitOverflow %lld since boot; %lu TIME_WAIT of tcp_max_tw_buckets %lld",
                         in->tw_overflow, tw, in->max_tw_buckets);
                if (in->max_tw_buckets != ADVISE_UNKNOWN)
                        remedy(a, "net.ipv4.tcp_max_tw_buckets", REMEDY_AT_LEAST, "%lld",
                               doubled_at_least(in->max_tw_buckets, 262144));
        }

        if (in->tw_reuse > 0 && in->timestamps == 0) {
                a = add(&l, SEV_WARNING, "reuse-needs-timestamps", NULL,
                        "tcp_tw_reuse is %lld but tcp_timestamps is 0, so no TIME_WAIT port is ever reused", in->tw_reuse);
                evidence(&l, a, "tcp_tw_reuse %lld, tcp_timestamps 0", in->tw_reuse);
                remedy(a, "net.ipv4.tcp_timestamps", REMEDY_SET, "1");
        }

        if (tw >= 1000 && (!busiest || ports <= 0 || (long long)busiest->time_wait * 10 < ports) && in->tw_overflow <= 0 &&
            !tw_full)
                evidence(&l,
                         add(&l, SEV_INFO, "time-wait-harmless", NOT_FOR_TIME_WAIT,
                             "%lu sockets in TIME_WAIT, but no destination is short of ports and the table has room: "
                             "they cost a little memory each and need no change",
                             tw),
                         "%lu TIME_WAIT; the busiest destination %s has %lu", tw, busiest ? dest : "(none)",
                         busiest ? busiest->time_wait : 0);
        if (fin2 >= 1000)
                evidence(&l,
                         add(&l, SEV_INFO, "many-fin-wait2", NULL,
                             "%lu sockets in FIN_WAIT2: peers are slow to close; tcp_fin_timeout bounds how long the "
                             "orphaned ones wait", fin2),
                         "%lu FIN_WAIT2", fin2);

        bool trouble = false;
        for (size_t i = 0; i < l.n; i++)
                trouble |= l.v[i].severity != SEV_INFO;
        if (!trouble)
                evidence(&l,
                         add(&l, SEV_INFO, "no-problem", NULL,
                             "no sign of port exhaustion, queue overflow or TIME_WAIT table overflow: no change is called for"),
                         "%lu sockets, %lu in TIME_WAIT", s ? s->total : 0, tw);
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
