/* SPDX-License-Identifier: MIT */
/* Prometheus text exposition for stats, advise and verify. Names follow the Prometheus naming
 * conventions: the twtune_ prefix, base units in the name (_seconds), _total for counters only. */
#include "prom.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "advise.h"
#include "atomic.h"
#include "cli.h"
#include "errors.h"
#include "finding.h"
#include "output.h"
#include "sockstat.h"
#include "util.h"

void prom_family(FILE *f, const char *name, const char *type, const char *help)
{
        fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* A label value: backslash, double quote and newline escaped, as the format requires. */
static void label_value(FILE *f, const char *v)
{
        for (; *v; v++) {
                if (*v == '\\' || *v == '"')
                        fputc('\\', f);
                if (*v == '\n')
                        fputs("\\n", f);
                else
                        fputc(*v, f);
        }
}

void prom_sample(FILE *f, const char *name, double value, ...)
{
        va_list ap;
        va_start(ap, value);
        fputs(name, f);
        int n = 0;
        for (const char *k; (k = va_arg(ap, const char *)); n++) {
                fprintf(f, "%s%s=\"", n ? "," : "{", k);
                label_value(f, va_arg(ap, const char *));
                fputc('"', f);
        }
        va_end(ap);
        fprintf(f, "%s %.17g\n", n ? "}" : "", value);
}

static const char *const state_label[TCPS_MAX] = {
        NULL,    "established", "syn_sent",   "syn_recv", "fin_wait1", "fin_wait2",   "time_wait",
        "close", "close_wait",  "last_ack",   "listen",   "closing",   "new_syn_recv",
};

static void counter(FILE *f, const char *name, long long v, const char *help)
{
        if (v == ADVISE_UNKNOWN)
                return;
        prom_family(f, name, "counter", help);
        prom_sample(f, name, (double)v, (const char *)NULL);
}

static void endpoints(FILE *f, const char *name, const char *label, const struct sockstats *s, size_t top, bool local)
{
        const struct remote **v = NULL;
        size_t n = local ? sockstats_top_local(s, top, false, &v) : sockstats_top(s, top, false, &v);
        for (size_t i = 0; i < n; i++) {
                char a[64];
                remote_format(v[i], a, sizeof(a));
                prom_sample(f, name, (double)v[i]->total, label, a, "state", "all", (const char *)NULL);
                prom_sample(f, name, (double)v[i]->time_wait, label, a, "state", "time_wait", (const char *)NULL);
        }
        free(v);
}

void prom_stats(FILE *f, const struct sockstats *s, const struct advise_input *in, long long ports_available,
                unsigned long ports_in_use, size_t top)
{
        prom_family(f, "twtune_tcp_sockets", "gauge", "TCP sockets by state and address family.");
        for (unsigned st = 1; st < TCPS_MAX; st++)
                for (int fam = 0; fam < 2; fam++)
                        prom_sample(f, "twtune_tcp_sockets", (double)s->count[fam][st], "state", state_label[st], "family",
                                    fam ? "ipv6" : "ipv4", (const char *)NULL);
        if (s->tw_timed) {
                prom_family(f, "twtune_tcp_time_wait_recent", "gauge",
                            "TIME_WAIT sockets younger than 3 seconds: connections this host closed first, lately.");
                prom_sample(f, "twtune_tcp_time_wait_recent", (double)s->tw_recent, (const char *)NULL);
                prom_family(f, "twtune_tcp_time_wait_newest_age_seconds", "gauge", "Age of the youngest TIME_WAIT socket.");
                prom_sample(f, "twtune_tcp_time_wait_newest_age_seconds", (double)s->tw_newest_ms / 1000, (const char *)NULL);
        }
        if (ports_available > 0) {
                prom_family(f, "twtune_ephemeral_ports", "gauge",
                            "Ephemeral ports: available in ip_local_port_range less reserved ones, and in use.");
                prom_sample(f, "twtune_ephemeral_ports", (double)ports_available, "kind", "available", (const char *)NULL);
                prom_sample(f, "twtune_ephemeral_ports", (double)ports_in_use, "kind", "in_use", (const char *)NULL);
        }
        if (top && s->remotes) {
                prom_family(f, "twtune_tcp_remote_sockets", "gauge", "Sockets to the remote endpoints with most sockets.");
                endpoints(f, "twtune_tcp_remote_sockets", "remote", s, top, false);
        }
        if (top && s->locals) {
                prom_family(f, "twtune_tcp_local_sockets", "gauge", "Sockets of the local endpoints with most sockets.");
                endpoints(f, "twtune_tcp_local_sockets", "local", s, top, true);
        }
        counter(f, "twtune_tcp_listen_overflows_total", in->listen_overflows,
                "Accept queue overflows (TcpExt ListenOverflows).");
        counter(f, "twtune_tcp_listen_drops_total", in->listen_drops, "SYNs and handshakes listeners dropped (TcpExt ListenDrops).");
        counter(f, "twtune_tcp_syn_queue_drops_total", in->reqq_full_drop, "SYNs dropped with a full SYN queue (TcpExt TCPReqQFullDrop).");
        counter(f, "twtune_tcp_syncookies_sent_total", in->syncookies_sent, "SYN cookies sent (TcpExt SyncookiesSent).");
        counter(f, "twtune_tcp_time_wait_overflows_total", in->tw_overflow,
                "Sockets that skipped TIME_WAIT because the table was full (TcpExt TCPTimeWaitOverflow).");
        counter(f, "twtune_tcp_time_wait_recycled_total", in->tw_recycled,
                "TIME_WAIT ports reused by connect() under tcp_tw_reuse (TcpExt TWRecycled).");
        counter(f, "twtune_tcp_active_opens_total", in->active_opens, "Connections this host opened (Tcp ActiveOpens).");
        counter(f, "twtune_tcp_passive_opens_total", in->passive_opens, "Connections this host accepted (Tcp PassiveOpens).");
}

void prom_advise(FILE *f, const struct advice *v, size_t n)
{
        prom_family(f, "twtune_advice", "gauge", "1 for each finding of twtune advise, by code and severity.");
        for (size_t i = 0; i < n; i++)
                prom_sample(f, "twtune_advice", 1, "code", v[i].code, "severity", severity_name(v[i].severity),
                            (const char *)NULL);
        prom_family(f, "twtune_advice_findings", "gauge", "Findings of twtune advise by severity.");
        static const enum severity sev[] = {SEV_INFO, SEV_WARNING, SEV_ERROR};
        for (size_t k = 0; k < ELEMENTSOF(sev); k++) {
                unsigned long c = 0;
                for (size_t i = 0; i < n; i++)
                        c += v[i].severity == sev[k];
                prom_sample(f, "twtune_advice_findings", (double)c, "severity", severity_name(sev[k]), (const char *)NULL);
        }
}

void prom_timestamp(FILE *f, const char *what)
{
        char name[96];
        snprintf(name, sizeof(name), "twtune_%s_timestamp_seconds", what);
        prom_family(f, name, "gauge", "Unix time of this twtune run.");
        prom_sample(f, name, (double)time(NULL), (const char *)NULL);
}

int prom_write_file(struct cli *c, const char *path, void (*fill)(FILE *f, void *ud), void *ud)
{
        char *buf = NULL;
        size_t len = 0;
        FILE *m = open_memstream(&buf, &len);
        int r = m ? 0 : -errno;
        if (m) {
                fill(m, ud);
                r = fclose(m) == 0 ? 0 : -ENOMEM;
        }
        char *dir = strdup(path), *slash = dir ? strrchr(dir, '/') : NULL;
        const char *name = slash ? slash + 1 : path;
        if (slash)
                *slash = '\0';
        int dfd = -1;
        if (r == 0 && !dir)
                r = -ENOMEM;
        if (r == 0 && !*name)
                r = -EISDIR;
        if (r == 0 && (dfd = open(slash ? (*dir ? dir : "/") : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
                r = -errno;
        /* 0644: node_exporter runs as its own user and reads it. */
        if (r == 0)
                r = atomic_replace_at(dfd, name, buf, len, 0644);
        if (dfd >= 0)
                close(dfd);
        free(dir);
        free(buf);
        if (r >= 0)
                return 0;
        char *shown = text_escape(path);
        r = cli_error(c, EXIT_ENV, "cannot write %s: %s", shown ? shown : "?", strerror(-r));
        free(shown);
        return r;
}
