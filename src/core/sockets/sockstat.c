/* SPDX-License-Identifier: MIT */
#include "sockstat.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sysroot.h"
#include "util.h"
#include "value.h"

static const char *const state_names[TCPS_MAX] = {
        NULL,         "ESTABLISHED", "SYN_SENT", "SYN_RECV",   "FIN_WAIT1", "FIN_WAIT2",    "TIME_WAIT",
        "CLOSE",      "CLOSE_WAIT",  "LAST_ACK", "LISTEN",     "CLOSING",   "NEW_SYN_RECV",
};

const char *tcp_state_name(unsigned state)
{
        return state < TCPS_MAX ? state_names[state] : NULL;
}

static uint64_t hash_remote(int family, const uint8_t *addr, uint16_t port)
{
        uint64_t h = 1469598103934665603ull ^ (uint64_t)family;
        for (int i = 0; i < 16; i++)
                h = (h ^ addr[i]) * 1099511628211ull;
        h = (h ^ port) * 1099511628211ull;
        return h;
}

/* One socket as either source gives it. Addresses are 16 bytes, IPv4 in the first 4; a number
 * the source does not give is -1. */
struct sock_entry {
        int family;
        unsigned state;
        uint8_t laddr[16], raddr[16];
        uint16_t lport, rport;
        long timer_ms;      /* a TIME_WAIT socket's timer */
        long rqueue, wqueue; /* a listener's accept queue and backlog */
};

/* Counts a socket under its endpoint in an open-addressed table; false when the table is full. */
static bool table_account(struct remote *tab, size_t cap, size_t *n, int family, const uint8_t *addr, uint16_t port,
                          unsigned state, bool recent)
{
        size_t i = hash_remote(family, addr, port) % cap;
        for (size_t probes = 0; probes < cap; probes++, i = (i + 1) % cap) {
                struct remote *r = &tab[i];
                if (r->family == 0) {
                        if (*n * 4 >= cap * 3)
                                return false; /* keep the table sparse; the rest is counted as dropped */
                        r->family = (uint8_t)family;
                        memcpy(r->addr, addr, 16);
                        r->port = port;
                        (*n)++;
                }
                if (r->family == family && r->port == port && memcmp(r->addr, addr, 16) == 0) {
                        r->total++;
                        r->time_wait += state == 6;
                        r->tw_recent += recent;
                        return true;
                }
        }
        return false;
}

static void account_listener(struct sockstats *s, const struct sock_entry *e)
{
        if (s->n_listeners == ELEMENTSOF(s->listeners)) {
                s->listeners_dropped++;
                return;
        }
        struct listener *l = &s->listeners[s->n_listeners++];
        l->family = (uint8_t)e->family;
        memcpy(l->addr, e->laddr, 16);
        l->port = e->lport;
        l->queued = e->rqueue;
        l->backlog = e->wqueue;
}

static void account(struct sockstats *s, const struct sock_entry *e)
{
        unsigned state = e->state < TCPS_MAX ? e->state : 7; /* unknown: count it as CLOSE rather than lose it */
        s->count[e->family == 6][state]++;
        s->total++;
        if (s->ports_used)
                (state == 10 ? s->ports_listen : s->ports_used)[e->lport >> 3] |= (uint8_t)(1u << (e->lport & 7));
        if (state == 10) {
                account_listener(s, e);
                return;
        }
        bool recent = false;
        if (state == 6 && e->timer_ms >= 0) {
                long age = SOCKSTAT_TIME_WAIT_MS - (e->timer_ms < SOCKSTAT_TIME_WAIT_MS ? e->timer_ms : SOCKSTAT_TIME_WAIT_MS);
                recent = age < SOCKSTAT_RECENT_MS;
                if (!s->tw_timed++ || age < s->tw_newest_ms)
                        s->tw_newest_ms = age;
                if (s->tw_timed == 1 || age > s->tw_oldest_ms)
                        s->tw_oldest_ms = age;
                s->tw_recent += recent;
        }
        if (s->remote_cap && !table_account(s->remotes, s->remote_cap, &s->n_remotes, e->family, e->raddr, e->rport, state, recent))
                s->remotes_dropped++;
        if (s->local_cap && !table_account(s->locals, s->local_cap, &s->n_locals, e->family, e->laddr, e->lport, state, recent))
                s->locals_dropped++;
}

struct sockstats *sockstats_new(const struct sockstat_opts *o)
{
        struct sockstats *s = calloc(1, sizeof(*s));
        if (!s)
                return NULL;
        if (o->port_lo && o->port_hi >= o->port_lo && o->port_hi <= 65535) {
                s->port_lo = o->port_lo;
                s->port_hi = o->port_hi;
                s->ports_used = calloc(65536 / 8, 1);
                s->ports_listen = calloc(65536 / 8, 1);
                if (!s->ports_used || !s->ports_listen) {
                        sockstats_free(s);
                        return NULL;
                }
        }
        if (o->remote_cap) {
                s->remote_cap = o->remote_cap * 4 / 3 + 1;
                if (!(s->remotes = calloc(s->remote_cap, sizeof(*s->remotes)))) {
                        sockstats_free(s);
                        return NULL;
                }
        }
        if (o->local_cap) {
                s->local_cap = o->local_cap * 4 / 3 + 1;
                if (!(s->locals = calloc(s->local_cap, sizeof(*s->locals)))) {
                        sockstats_free(s);
                        return NULL;
                }
        }
        return s;
}

void sockstats_free(struct sockstats *s)
{
        if (!s)
                return;
        free(s->remotes);
        free(s->locals);
        free(s->ports_used);
        free(s->ports_listen);
        free(s);
}

static bool is_hex(char c)
{
        return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f');
}

static unsigned hexval(char c)
{
        return c >= 'a' ? (unsigned)(c - 'a' + 10) : c >= 'A' ? (unsigned)(c - 'A' + 10) : (unsigned)(c - '0');
}

/* Exactly n (at most 8) hex digits at p. Each byte is read only after the one before it was a
 * digit, so a NUL or a newline ends the scan and nothing past the text is touched. */
static bool parse_hex(const char *p, size_t n, uint32_t *ret)
{
        uint32_t v = 0;
        for (size_t i = 0; i < n; i++) {
                if (!is_hex(p[i]))
                        return false;
                v = v << 4 | hexval(p[i]);
        }
        *ret = v;
        return true;
}

/* "0100007F:0016": the address as the kernel prints it (32-bit words in host order). */
static bool parse_endpoint(const char *p, int family, uint8_t addr[16], uint16_t *port, const char **end)
{
        size_t words = family == 6 ? 4 : 1;
        uint32_t v;
        memset(addr, 0, 16);
        for (size_t w = 0; w < words; w++, p += 8) {
                if (!parse_hex(p, 8, &v))
                        return false;
                memcpy(addr + 4 * w, &v, 4); /* host order, as in the kernel's struct in6_addr words */
        }
        if (*p != ':' || !parse_hex(p + 1, 4, &v))
                return false;
        *port = (uint16_t)v;
        *end = p + 5;
        return true;
}

/* One line of /proc/net/tcp or tcp6, which the kernel prints as "%4d: %08X:%04X %08X:%04X %02X ..."
 * (four address words for IPv6). Returns 1 for a socket, 0 for a line without one (blank, or
 * the "sl" header) and -EINVAL for anything else. The line ends at its newline or at the NUL:
 * every byte is tested before the next is read, so no check can step past either. */
static int parse_proc_line(const char *line, int family, struct sock_entry *k)
{
        const char *p = line + strspn(line, " ");
        if (*p == '\n' || *p == '\0')
                return 0;
        if (p[0] == 's' && p[1] == 'l' && (p[2] == ' ' || p[2] == '\n' || p[2] == '\0'))
                return 0;
        size_t digits = strspn(p, "0123456789"); /* the slot: checked, never converted */
        if (digits == 0 || p[digits] != ':')
                return -EINVAL;
        p += digits + 1;
        p += strspn(p, " ");
        uint32_t st;
        if (!parse_endpoint(p, family, k->laddr, &k->lport, &p) || *p != ' ' ||
            !parse_endpoint(p + 1, family, k->raddr, &k->rport, &p) || *p != ' ' || !parse_hex(p + 1, 2, &st))
                return -EINVAL;
        /* Exactly two digits: the state is followed by the next field or ends the line. */
        if (p[3] != ' ' && p[3] != '\n' && p[3] != '\0')
                return -EINVAL;
        k->state = st;
        k->family = family;
        k->timer_ms = k->rqueue = k->wqueue = -1;
        /* Then, when the line goes on as the kernel prints it, "tx_queue:rx_queue timer:when" in
         * hex: a listener's accept queue is rx_queue, a TIME_WAIT socket's timer (3) counts
         * clock ticks, USER_HZ 100 (jiffies_delta_to_clock_t). Its backlog is not printed. */
        uint32_t tx, rx, tr, when;
        p += 3;
        if (p[0] == ' ' && parse_hex(p + 1, 8, &tx) && p[9] == ':' && parse_hex(p + 10, 8, &rx) && p[18] == ' ' &&
            parse_hex(p + 19, 2, &tr) && p[21] == ':' && parse_hex(p + 22, 8, &when)) {
                if (st == 10)
                        k->rqueue = (long)rx;
                if (st == 6 && tr == 3)
                        k->timer_ms = (long)when * 10;
        }
        return 1;
}

int sockstats_feed_proc(struct sockstats *s, const char *text, int family)
{
        if (family != 4 && family != 6)
                return -EINVAL;
        for (const char *line = text; *line;) {
                struct sock_entry k;
                int r = parse_proc_line(line, family, &k);
                if (r < 0)
                        return r;
                if (r > 0)
                        account(s, &k);
                const char *nl = strchr(line, '\n');
                if (!nl)
                        break;
                line = nl + 1;
        }
        return 0;
}

/* Reads a /proc/net file in chunks, feeding whole lines, so memory stays flat. */
static int read_proc(struct sysroot *sr, const char *name, int family, struct sockstats *s)
{
        const char *root = sysroot_path(sr);
        char *path = str_printf("%s/proc/net/%s", strcmp(root, "/") == 0 ? "" : root, name);
        if (!path)
                return -ENOMEM;
        /* O_NONBLOCK: a FIFO planted in a --root tree must not hang the open; it is refused below. */
        int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
        free(path);
        if (fd < 0)
                return -errno;
        struct stat st;
        int r = fstat(fd, &st) < 0 ? -errno : S_ISREG(st.st_mode) ? 0 : -EINVAL;
        enum { CHUNK = 256 * 1024 };
        char *buf = r < 0 ? NULL : malloc(CHUNK + 1);
        if (!buf) {
                close(fd);
                return r < 0 ? r : -ENOMEM;
        }
        size_t have = 0;
        for (;;) {
                ssize_t n = read(fd, buf + have, CHUNK - have);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0) {
                        r = -errno;
                        break;
                }
                /* The kernel never prints a NUL; one would also hide the rest of the buffer from
                 * the string functions below. */
                if (memchr(buf + have, '\0', (size_t)n)) {
                        r = -EINVAL;
                        break;
                }
                have += (size_t)n;
                buf[have] = '\0';
                char *last = n == 0 ? buf + have : strrchr(buf, '\n');
                if (!last) {
                        if (have == CHUNK)
                                r = -EINVAL; /* a line longer than the buffer: not this format */
                        if (n == 0 || r)
                                break;
                        continue;
                }
                char save = *last;
                *last = '\0';
                r = sockstats_feed_proc(s, buf, family);
                *last = save;
                if (r < 0 || n == 0)
                        break;
                size_t used = (size_t)(last - buf) + 1;
                memmove(buf, buf + used, have - used);
                have -= used;
        }
        free(buf);
        close(fd);
        return r;
}

int sockstats_feed_netlink(struct sockstats *s, const void *buf, size_t len, int family)
{
        if (family != 4 && family != 6)
                return -EINVAL;
        /* Every length is checked against what is left before anything it covers is read:
         * NLMSG_OK/NLMSG_NEXT would let a last message with an unaligned length wrap the count
         * of bytes left and walk off the buffer. Headers and payloads are copied out, since
         * only the buffer's start is known to be aligned. */
        const unsigned char *p = buf;
        while (len > 0) {
                struct nlmsghdr h;
                if (len < sizeof(h))
                        return -EBADMSG;
                memcpy(&h, p, sizeof(h));
                if (h.nlmsg_len < sizeof(h) || h.nlmsg_len > len)
                        return -EBADMSG;
                if (h.nlmsg_type == NLMSG_DONE)
                        return 1;
                if (h.nlmsg_type == NLMSG_ERROR) {
                        int err;
                        if (h.nlmsg_len < NLMSG_LENGTH(sizeof(err)))
                                return -EBADMSG;
                        memcpy(&err, p + NLMSG_HDRLEN, sizeof(err));
                        return err < 0 && err > -4096 ? err : -EIO; /* an errno, or not one at all */
                }
                /* Replies echo the request's type; other messages (NLMSG_NOOP...) hold no socket. */
                if (h.nlmsg_type == SOCK_DIAG_BY_FAMILY && h.nlmsg_len >= NLMSG_LENGTH(sizeof(struct inet_diag_msg))) {
                        struct inet_diag_msg m;
                        memcpy(&m, p + NLMSG_HDRLEN, sizeof(m));
                        /* A TIME_WAIT socket's idiag_expires is its timer in ms (inet_twsk_diag_fill);
                         * a listener's rqueue and wqueue are its accept queue and backlog
                         * (tcp_diag_get_info). */
                        struct sock_entry e = {.family = family, .state = m.idiag_state, .lport = ntohs(m.id.idiag_sport),
                                               .rport = ntohs(m.id.idiag_dport), .timer_ms = -1, .rqueue = -1, .wqueue = -1};
                        memcpy(e.raddr, m.id.idiag_dst, 16);
                        memcpy(e.laddr, m.id.idiag_src, 16);
                        if (family == 4) {
                                memset(e.raddr + 4, 0, 12);
                                memset(e.laddr + 4, 0, 12);
                        }
                        if (m.idiag_state == 6 && m.idiag_timer == 3)
                                e.timer_ms = (long)m.idiag_expires;
                        if (m.idiag_state == 10) {
                                e.rqueue = (long)m.idiag_rqueue;
                                e.wqueue = (long)m.idiag_wqueue;
                        }
                        account(s, &e);
                }
                size_t step = NLMSG_ALIGN(h.nlmsg_len);
                if (step >= len)
                        break; /* the last message; its padding may be cut off */
                p += step;
                len -= step;
        }
        return 0;
}

static int dump_netlink(int family, struct sockstats *s)
{
        int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
        if (fd < 0)
                return -errno;
        struct {
                struct nlmsghdr nlh;
                struct inet_diag_req_v2 req;
        } msg = {
                .nlh = {.nlmsg_len = sizeof(msg), .nlmsg_type = SOCK_DIAG_BY_FAMILY, .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP},
                .req = {.sdiag_family = (uint8_t)(family == 6 ? AF_INET6 : AF_INET), .sdiag_protocol = IPPROTO_TCP,
                        .idiag_states = ~0u},
        };
        struct sockaddr_nl nladdr = {.nl_family = AF_NETLINK};
        if (sendto(fd, &msg, sizeof(msg), 0, (struct sockaddr *)&nladdr, sizeof(nladdr)) < 0) {
                int r = -errno;
                close(fd);
                return r;
        }
        enum { BUF = 256 * 1024 };
        char *buf = malloc(BUF);
        if (!buf) {
                close(fd);
                return -ENOMEM;
        }
        int r = 0;
        for (bool done = false; !done;) {
                ssize_t n = recv(fd, buf, BUF, 0);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0) {
                        r = -errno;
                        break;
                }
                if (n == 0)
                        break;
                r = sockstats_feed_netlink(s, buf, (size_t)n, family);
                if (r != 0) {
                        done = true;
                        r = r < 0 ? r : 0;
                }
        }
        free(buf);
        close(fd);
        return r;
}

static void reset(struct sockstats *s)
{
        memset(s->count, 0, sizeof(s->count));
        s->total = s->n_remotes = s->remotes_dropped = s->n_locals = s->locals_dropped = 0;
        s->n_listeners = s->listeners_dropped = s->tw_timed = s->tw_recent = 0;
        if (s->remotes)
                memset(s->remotes, 0, s->remote_cap * sizeof(*s->remotes));
        if (s->locals)
                memset(s->locals, 0, s->local_cap * sizeof(*s->locals));
        if (s->ports_used) {
                memset(s->ports_used, 0, 65536 / 8);
                memset(s->ports_listen, 0, 65536 / 8);
        }
}

unsigned long sockstats_ephemeral_in_use(const struct sockstats *s)
{
        /* A local port counts when a non-listening socket holds it and no listener does: the
         * accepted side of a server's connections uses the listening port, not an ephemeral one. */
        unsigned long n = 0;
        for (unsigned p = s->port_lo; s->ports_used && p && p <= s->port_hi; p++)
                n += (s->ports_used[p >> 3] & ~s->ports_listen[p >> 3] & (1u << (p & 7))) != 0;
        return n;
}

int sockstats_collect(struct sysroot *sr, const struct sockstat_opts *o, struct sockstats **ret)
{
        struct sockstats *s = sockstats_new(o); /* zeroed */
        if (!s)
                return -ENOMEM;
        int r = -EPROTONOSUPPORT;
        if (!o->force_proc && strcmp(sysroot_path(sr), "/") == 0) {
                r = dump_netlink(4, s);
                if (r == 0)
                        r = dump_netlink(6, s);
                if (r == 0)
                        s->source = SOCK_NETLINK;
                else
                        reset(s); /* start again rather than mix two sources */
        }
        if (r < 0) {
                s->source = SOCK_PROC;
                r = read_proc(sr, "tcp", 4, s);
                if (r == 0) {
                        int r6 = read_proc(sr, "tcp6", 6, s);
                        r = r6 == -ENOENT ? 0 : r6; /* a kernel without IPv6 */
                }
        }
        if (r < 0) {
                sockstats_free(s);
                return r;
        }
        *ret = s;
        return 0;
}

static int cmp_count(unsigned long x, unsigned long y, const struct remote *a, const struct remote *b)
{
        if (x != y)
                return x > y ? -1 : 1;
        if (a->port != b->port)
                return a->port < b->port ? -1 : 1;
        return memcmp(a->addr, b->addr, 16);
}

static int cmp_by_tw(const void *a, const void *b)
{
        const struct remote *x = *(const struct remote *const *)a, *y = *(const struct remote *const *)b;
        return cmp_count(x->time_wait, y->time_wait, x, y);
}

static int cmp_by_total(const void *a, const void *b)
{
        const struct remote *x = *(const struct remote *const *)a, *y = *(const struct remote *const *)b;
        return cmp_count(x->total, y->total, x, y);
}

static size_t top_of(const struct remote *tab, size_t cap, size_t used, size_t n, bool by_tw, const struct remote ***ret)
{
        const struct remote **v = calloc(used + 1, sizeof(*v));
        if (!v) {
                *ret = NULL;
                return 0;
        }
        size_t k = 0;
        for (size_t i = 0; i < cap; i++)
                if (tab[i].family && (!by_tw || tab[i].time_wait))
                        v[k++] = &tab[i];
        qsort(v, k, sizeof(*v), by_tw ? cmp_by_tw : cmp_by_total);
        *ret = v;
        return k < n ? k : n;
}

size_t sockstats_top(const struct sockstats *s, size_t n, bool by_tw, const struct remote ***ret)
{
        return top_of(s->remotes, s->remote_cap, s->n_remotes, n, by_tw, ret);
}

size_t sockstats_top_local(const struct sockstats *s, size_t n, bool by_tw, const struct remote ***ret)
{
        return top_of(s->locals, s->local_cap, s->n_locals, n, by_tw, ret);
}

void remote_format(const struct remote *r, char *buf, size_t size)
{
        char a[INET6_ADDRSTRLEN];
        if (r->family == 4) {
                inet_ntop(AF_INET, r->addr, a, sizeof(a));
                snprintf(buf, size, "%s:%u", a, r->port);
        } else {
                inet_ntop(AF_INET6, r->addr, a, sizeof(a));
                snprintf(buf, size, "[%s]:%u", a, r->port);
        }
}

/* A port number in decimal at p, after any blanks; NULL unless it is one and at most 65535.
 * sscanf's %u would wrap 4294967296 to 0 (and its overflow is undefined) and take a sign. */
static const char *parse_port(const char *p, unsigned *ret)
{
        static const char blanks[] = " \t\n";
        p += strspn(p, blanks);
        if (*p < '0' || *p > '9')
                return NULL;
        unsigned v = 0;
        for (; *p >= '0' && *p <= '9'; p++) {
                v = v * 10 + (unsigned)(*p - '0');
                if (v > 65535)
                        return NULL;
        }
        *ret = v;
        return p;
}

int ephemeral_range(struct sysroot *sr, unsigned *ret_lo, unsigned *ret_hi, unsigned long *ret_reserved)
{
        char *range = NULL, *res = NULL;
        unsigned lo = 0, hi = 0; /* set when r is 0; gcc -O2 cannot follow parse_port's NULL */
        unsigned long reserved = 0;
        int r = sysroot_read_sysctl(sr, "net.ipv4.ip_local_port_range", &range);
        if (r == 0) {
                /* "32768\t60999": two numbers, blanks between and around, nothing else. */
                const char *p = parse_port(range, &lo);
                const char *q = p && (*p == ' ' || *p == '\t' || *p == '\n') ? parse_port(p, &hi) : NULL;
                if (!q || q[strspn(q, " \t\n")] != '\0' || lo > hi)
                        r = -EINVAL;
        }
        if (r == 0 && sysroot_read_sysctl(sr, "net.ipv4.ip_local_reserved_ports", &res) == 0)
                portlist_parse(res, lo, hi, &reserved);
        free(range);
        free(res);
        if (r < 0)
                return r;
        *ret_lo = lo;
        *ret_hi = hi;
        *ret_reserved = reserved;
        return 0;
}
