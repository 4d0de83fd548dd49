/* SPDX-License-Identifier: MIT */
/* Lab load generator: short TCP connections to one destination, bounded in count and time, for
 * tests/lab/lab.sh. Run it only inside private network namespaces.
 *
 *   twload --client ADDR PORT [--count N] [--seconds S] [--rate R] [--parallel P]
 *          [--close client|server|never] [--timeout-ms T] [--bind ADDR]
 *   twload --server PORT [--bind ADDR] [--backlog B] [--accept-delay-ms D]
 *          [--close client|server|never] [--seconds S]
 *
 * Client: up to P connections in flight (default 1), at most R new ones a second (0: as fast as
 * it can), N in all and S seconds at most. Each connect() is non-blocking: the time spent inside
 * the call is the kernel's port search ("sys"), the time to writable is the handshake ("hs").
 * --close client: the client closes first once connected (TIME_WAIT on the client); server: it
 * waits for the server's FIN, then closes (TIME_WAIT on the server); never: it keeps the socket.
 * Each second it prints one line: second, attempts, connected, failed, sys p50/p90/p99 and hs
 * p50/p99 in microseconds, then errno=count for each failure; a "total" line ends the run.
 *
 * Server: accepts (waiting D ms between accepts), and closes first (--close server), when the
 * peer closes (client), or never. It stops after S seconds (default 600) or on SIGTERM. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum close_mode { CLOSE_CLIENT, CLOSE_SERVER, CLOSE_NEVER };

static double now(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
        fprintf(stderr, "twload: %s: %s\n", what, strerror(errno));
        exit(2);
}

static struct sockaddr_in addr_of(const char *ip, unsigned port)
{
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
        if (inet_pton(AF_INET, ip, &a.sin_addr) != 1) {
                fprintf(stderr, "twload: not an IPv4 address: %s\n", ip);
                exit(2);
        }
        return a;
}

static enum close_mode close_mode(const char *s)
{
        if (strcmp(s, "client") == 0)
                return CLOSE_CLIENT;
        if (strcmp(s, "server") == 0)
                return CLOSE_SERVER;
        if (strcmp(s, "never") == 0)
                return CLOSE_NEVER;
        fprintf(stderr, "twload: --close is client, server or never\n");
        exit(2);
}

static void raise_nofile(void)
{
        struct rlimit rl = {.rlim_cur = 1 << 20, .rlim_max = 1 << 20};
        if (setrlimit(RLIMIT_NOFILE, &rl) < 0) {
                getrlimit(RLIMIT_NOFILE, &rl);
                rl.rlim_cur = rl.rlim_max;
                setrlimit(RLIMIT_NOFILE, &rl);
        }
}

/* Latencies of one second, in microseconds. */
struct sample {
        double *v;
        size_t n, cap;
};

static void push(struct sample *s, double us)
{
        if (s->n == s->cap) {
                s->cap = s->cap ? s->cap * 2 : 1024;
                if (!(s->v = realloc(s->v, s->cap * sizeof(*s->v))))
                        die("realloc");
        }
        s->v[s->n++] = us;
}

static int cmp_double(const void *a, const void *b)
{
        double x = *(const double *)a, y = *(const double *)b;
        return x < y ? -1 : x > y;
}

static double pct(struct sample *s, double p)
{
        if (!s->n)
                return 0;
        return s->v[(size_t)(p * (double)(s->n - 1) + 0.5)];
}

struct second {
        unsigned long attempts, ok, failed;
        unsigned long err[134]; /* by errno */
        struct sample sys, hs;
};

static void report(const char *label, struct second *s)
{
        qsort(s->sys.v, s->sys.n, sizeof(double), cmp_double);
        qsort(s->hs.v, s->hs.n, sizeof(double), cmp_double);
        printf("%s %lu %lu %lu %.0f %.0f %.0f %.0f %.0f", label, s->attempts, s->ok, s->failed, pct(&s->sys, .5),
               pct(&s->sys, .9), pct(&s->sys, .99), pct(&s->hs, .5), pct(&s->hs, .99));
        for (int e = 0; e < 134; e++)
                if (s->err[e])
                        printf(" %s=%lu", e == 133 ? "other" : strerrorname_np(e), s->err[e]);
        putchar('\n');
        fflush(stdout);
}

static void merge(struct second *tot, const struct second *s)
{
        tot->attempts += s->attempts;
        tot->ok += s->ok;
        tot->failed += s->failed;
        for (int e = 0; e < 134; e++)
                tot->err[e] += s->err[e];
        for (size_t i = 0; i < s->sys.n; i++)
                push(&tot->sys, s->sys.v[i]);
        for (size_t i = 0; i < s->hs.n; i++)
                push(&tot->hs, s->hs.v[i]);
}

struct conn {
        int fd;
        double start;
        bool connected;
};

static void fail(struct second *s, int e)
{
        s->failed++;
        s->err[e > 0 && e < 133 ? e : 133]++;
}

struct client_opts {
        struct sockaddr_in dst, src;
        bool bind_src;
        unsigned long count;
        double seconds, rate, timeout;
        size_t parallel;
        enum close_mode close;
};

static int start_one(const struct client_opts *o, struct second *cur, struct conn *c)
{
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0)
                die("socket");
        if (o->bind_src && bind(fd, (const struct sockaddr *)&o->src, sizeof(o->src)) < 0)
                die("bind");
        cur->attempts++;
        double t0 = now();
        int r = connect(fd, (const struct sockaddr *)&o->dst, sizeof(o->dst));
        int e = errno;
        push(&cur->sys, (now() - t0) * 1e6);
        if (r < 0 && e != EINPROGRESS) {
                fail(cur, e);
                close(fd);
                return -1;
        }
        *c = (struct conn){.fd = fd, .start = t0, .connected = r == 0};
        return 0;
}

/* A connection became writable (or failed); true when its slot is free again. */
static bool progress(const struct client_opts *o, struct second *cur, struct conn *c, short rev, int **kept, size_t *nkept)
{
        if (!c->connected) {
                int e = 0;
                socklen_t l = sizeof(e);
                getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &e, &l);
                if (e) {
                        fail(cur, e);
                        close(c->fd);
                        return true;
                }
                if (!(rev & POLLOUT))
                        return false;
                c->connected = true;
                cur->ok++;
                push(&cur->hs, (now() - c->start) * 1e6);
                if (o->close == CLOSE_CLIENT) {
                        close(c->fd);
                        return true;
                }
                if (o->close == CLOSE_NEVER) {
                        if (!(*kept = realloc(*kept, (*nkept + 1) * sizeof(int))))
                                die("realloc");
                        (*kept)[(*nkept)++] = c->fd;
                        return true;
                }
                return false; /* wait for the server's FIN */
        }
        char b[64];
        if (rev & (POLLIN | POLLHUP | POLLERR)) {
                ssize_t n = read(c->fd, b, sizeof(b));
                if (n <= 0) {
                        close(c->fd);
                        return true;
                }
        }
        return false;
}

static int run_client(const struct client_opts *o)
{
        struct conn *cs = calloc(o->parallel, sizeof(*cs));
        struct pollfd *pf = calloc(o->parallel, sizeof(*pf));
        struct second cur = {0}, tot = {0};
        int *kept = NULL;
        size_t nkept = 0, inflight = 0;
        unsigned long started = 0;
        if (!cs || !pf)
                die("calloc");
        double t0 = now(), next_report = t0 + 1;
        int sec = 1;
        for (;;) {
                double t = now();
                if (t >= next_report) {
                        char label[16];
                        snprintf(label, sizeof(label), "%d", sec++);
                        report(label, &cur);
                        merge(&tot, &cur);
                        free(cur.sys.v);
                        free(cur.hs.v);
                        cur = (struct second){0};
                        next_report += 1;
                }
                bool time_up = t - t0 >= o->seconds;
                if ((time_up || started >= o->count) && inflight == 0)
                        break;
                if (time_up) { /* what is still in flight is abandoned, not counted */
                        for (size_t i = 0; i < inflight; i++)
                                close(cs[i].fd);
                        break;
                }
                while (inflight < o->parallel && started < o->count &&
                       (o->rate <= 0 || (double)started < o->rate * (t - t0) + 1)) {
                        started++;
                        if (start_one(o, &cur, &cs[inflight]) == 0)
                                inflight++;
                }
                for (size_t i = 0; i < inflight; i++)
                        pf[i] = (struct pollfd){.fd = cs[i].fd, .events = cs[i].connected ? POLLIN : POLLOUT};
                /* As fast as it can: spin rather than sleep, since on a busy machine each sleep gives the CPU
                 * away for a whole time slice and the rate would measure the scheduler. */
                int wait_ms = o->rate > 0 ? 1 : 0;
                if (poll(pf, inflight, wait_ms) < 0 && errno != EINTR)
                        die("poll");
                for (size_t i = 0; i < inflight;) {
                        bool done = pf[i].revents && progress(o, &cur, &cs[i], pf[i].revents, &kept, &nkept);
                        if (!done && !cs[i].connected && now() - cs[i].start > o->timeout) {
                                fail(&cur, ETIMEDOUT);
                                close(cs[i].fd);
                                done = true;
                        }
                        if (done) {
                                cs[i] = cs[--inflight];
                                pf[i] = pf[inflight];
                        } else {
                                i++;
                        }
                }
        }
        if (cur.attempts) {
                char label[16];
                snprintf(label, sizeof(label), "%d", sec);
                report(label, &cur);
        }
        merge(&tot, &cur);
        printf("# seconds %.2f\n", now() - t0);
        report("total", &tot);
        for (size_t i = 0; i < nkept; i++)
                close(kept[i]);
        free(kept);
        free(cur.sys.v);
        free(cur.hs.v);
        free(tot.sys.v);
        free(tot.hs.v);
        free(cs);
        free(pf);
        return 0;
}

static volatile sig_atomic_t stop;
static void on_term(int sig)
{
        (void)sig;
        stop = 1;
}

static int run_server(struct sockaddr_in a, int backlog, int delay_ms, enum close_mode mode, double seconds)
{
        int l = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), one = 1;
        if (l < 0)
                die("socket");
        setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (bind(l, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(l, backlog) < 0)
                die("bind/listen");
        printf("listening\n");
        fflush(stdout);
        size_t cap = 1 << 16, n = 1;
        struct pollfd *pf = calloc(cap, sizeof(*pf));
        if (!pf)
                die("calloc");
        pf[0] = (struct pollfd){.fd = l, .events = POLLIN};
        double t0 = now(), last_accept = 0;
        unsigned long accepted = 0;
        while (!stop && now() - t0 < seconds) {
                /* Slow accept: the listener is polled only once the delay has passed. */
                bool may_accept = delay_ms == 0 || (now() - last_accept) * 1000 >= delay_ms;
                pf[0].events = may_accept && n < cap ? POLLIN : 0;
                if (poll(pf, n, may_accept ? 100 : delay_ms) < 0 && errno != EINTR)
                        die("poll");
                /* Without a delay, everything queued is accepted at once. */
                for (int k = 0; (pf[0].revents & POLLIN) && k < (delay_ms ? 1 : 4096) && n < cap; k++) {
                        int fd = accept4(l, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
                        if (fd < 0)
                                break;
                        {
                                accepted++;
                                last_accept = now();
                                if (mode == CLOSE_SERVER)
                                        close(fd);
                                else
                                        pf[n++] = (struct pollfd){.fd = fd, .events = mode == CLOSE_CLIENT ? POLLIN : 0};
                        }
                }
                for (size_t i = 1; i < n;) {
                        char b[64];
                        if ((pf[i].revents & (POLLIN | POLLHUP | POLLERR)) && read(pf[i].fd, b, sizeof(b)) <= 0) {
                                close(pf[i].fd);
                                pf[i] = pf[--n];
                                pf[n].revents = 0;
                                continue;
                        }
                        i++;
                }
        }
        printf("accepted %lu\n", accepted);
        for (size_t i = 0; i < n; i++)
                close(pf[i].fd);
        free(pf);
        return 0;
}

int main(int argc, char **argv)
{
        struct client_opts o = {.count = 100000, .seconds = 10, .parallel = 1, .timeout = 5, .close = CLOSE_CLIENT};
        const char *bind_ip = NULL;
        int server_port = -1, backlog = 128, delay_ms = 0;
        bool client = false, seconds_given = false;
        o.dst = addr_of("127.0.0.1", 1);
        for (int i = 1; i < argc; i++) {
                const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
                if (strcmp(k, "--client") == 0 && v && i + 2 < argc) {
                        o.dst = addr_of(v, (unsigned)atoi(argv[i + 2]));
                        client = true;
                        i += 2;
                        continue;
                }
                if (!v) {
                        fprintf(stderr, "twload: %s needs a value\n", k);
                        return 2;
                }
                i++;
                if (strcmp(k, "--server") == 0)
                        server_port = atoi(v);
                else if (strcmp(k, "--count") == 0)
                        o.count = strtoul(v, NULL, 10);
                else if (strcmp(k, "--seconds") == 0)
                        o.seconds = atof(v), seconds_given = true;
                else if (strcmp(k, "--rate") == 0)
                        o.rate = atof(v);
                else if (strcmp(k, "--parallel") == 0)
                        o.parallel = (size_t)atoi(v) > 0 ? (size_t)atoi(v) : 1;
                else if (strcmp(k, "--timeout-ms") == 0)
                        o.timeout = atof(v) / 1000;
                else if (strcmp(k, "--close") == 0)
                        o.close = close_mode(v);
                else if (strcmp(k, "--bind") == 0)
                        bind_ip = v;
                else if (strcmp(k, "--backlog") == 0)
                        backlog = atoi(v);
                else if (strcmp(k, "--accept-delay-ms") == 0)
                        delay_ms = atoi(v);
                else {
                        fprintf(stderr, "twload: unknown option %s\n", k);
                        return 2;
                }
        }
        if (o.count > 10000000 || o.seconds > 3600 || (!client && server_port < 0)) {
                fprintf(stderr, "twload: --client ADDR PORT or --server PORT; at most 10^7 connections and an hour\n");
                return 2;
        }
        raise_nofile();
        signal(SIGPIPE, SIG_IGN);
        if (!client) {
                struct sigaction sa = {.sa_handler = on_term};
                sigaction(SIGTERM, &sa, NULL);
                sigaction(SIGINT, &sa, NULL);
                return run_server(addr_of(bind_ip ? bind_ip : "0.0.0.0", (unsigned)server_port), backlog, delay_ms,
                                  o.close, seconds_given ? o.seconds : 600);
        }
        if (bind_ip) {
                o.src = addr_of(bind_ip, 0);
                o.bind_src = true;
        }
        return run_client(&o);
}
