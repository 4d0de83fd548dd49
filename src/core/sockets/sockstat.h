/* SPDX-License-Identifier: MIT */
/* TCP socket counts by state and family, streamed from NETLINK_SOCK_DIAG (as ss does) or, where
 * netlink is unavailable or a --root is in use, from <root>/proc/net/tcp and tcp6. Memory is
 * bounded whatever the number of sockets: counts are streamed, the per-remote table is capped,
 * and local ports are a 64 Ki-bit map. */
#ifndef TWTUNE_SOCKSTAT_H
#define TWTUNE_SOCKSTAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sysroot;

/* Kernel TCP states (include/net/tcp_states.h), 1-based. */
enum { TCPS_MAX = 13 };
const char *tcp_state_name(unsigned state); /* NULL for an unknown state */

enum sock_source { SOCK_NETLINK, SOCK_PROC };

/* TIME_WAIT lasts TCP_TIMEWAIT_LEN, 60 s (include/net/tcp.h), whatever tcp_fin_timeout says: a
 * TIME_WAIT socket's age is 60 s less its timer. "Recent" is younger than SOCKSTAT_RECENT_MS. */
#define SOCKSTAT_TIME_WAIT_MS 60000
#define SOCKSTAT_RECENT_MS 3000

/* An endpoint (remote, or local for the by-local table) and the sockets that have it. */
struct remote {
        uint8_t family; /* 4 or 6 */
        uint8_t addr[16];
        uint16_t port;
        unsigned long time_wait, total;
        unsigned long tw_recent; /* TIME_WAIT younger than SOCKSTAT_RECENT_MS */
};

/* A listening socket: its accept queue now and its listen() backlog (-1: unknown, /proc). */
struct listener {
        uint8_t family;
        uint8_t addr[16];
        uint16_t port;
        long queued, backlog;
};

struct sockstat_opts {
        bool force_proc;        /* skip netlink */
        size_t remote_cap;      /* 0: no per-remote table */
        size_t local_cap;       /* 0: no per-local-endpoint table */
        unsigned port_lo, port_hi; /* ephemeral range, for the local-port map; 0: none */
};

struct sockstats {
        enum sock_source source;
        unsigned long count[2][TCPS_MAX]; /* [0] IPv4, [1] IPv6 */
        unsigned long total;
        struct remote *remotes; /* open-addressed table of remote_cap slots */
        size_t remote_cap, n_remotes;
        unsigned long remotes_dropped; /* sockets whose remote did not fit in the table */
        unsigned port_lo, port_hi;
        uint8_t *ports_used;    /* bit per local port held by a non-listening socket */
        uint8_t *ports_listen;  /* bit per local port with a listener */
        struct remote *locals;  /* like remotes, keyed by the local address and port */
        size_t local_cap, n_locals;
        unsigned long locals_dropped;
        struct listener listeners[256];
        size_t n_listeners;
        unsigned long listeners_dropped;
        /* TIME_WAIT timers: how many had one, how many are recent, the youngest and oldest age
         * in ms (tw_timed 0: none known; the /proc source has them, to 10 ms). */
        unsigned long tw_timed, tw_recent;
        long tw_newest_ms, tw_oldest_ms;
};

/* The ephemeral port range (ip_local_port_range) and the reserved ports inside it
 * (ip_local_reserved_ports) below sr. -EINVAL when the range is unreadable or malformed. */
int ephemeral_range(struct sysroot *sr, unsigned *ret_lo, unsigned *ret_hi, unsigned long *ret_reserved);

/* A set of counters to feed by hand (tests); sockstats_collect makes its own. */
struct sockstats *sockstats_new(const struct sockstat_opts *o);
/* Netlink is used unless o->force_proc or sr has a root other than "/"; the proc files are then
 * read below the root. Returns -errno when neither source can be read. */
int sockstats_collect(struct sysroot *sr, const struct sockstat_opts *o, struct sockstats **ret);
void sockstats_free(struct sockstats *s);

/* Distinct local ports in [port_lo, port_hi] held by sockets other than listeners' own. */
unsigned long sockstats_ephemeral_in_use(const struct sockstats *s);
/* Feeds one /proc/net/tcp-format text, NUL-terminated, family 4 (tcp) or 6 (tcp6); the /proc
 * reader hands it whole lines, and the tests and the fuzzer use it on recorded or crafted input.
 * Blank lines and the "sl" header are skipped; any other line must be a socket entry, else
 * -EINVAL (the sockets of the lines before it have been counted). */
int sockstats_feed_proc(struct sockstats *s, const char *text, int family);
/* Feeds one NETLINK_SOCK_DIAG reply datagram of len bytes: 1 once NLMSG_DONE is seen, 0 when
 * more are to come, the kernel's -errno for NLMSG_ERROR, -EBADMSG for a length that does not fit. */
int sockstats_feed_netlink(struct sockstats *s, const void *buf, size_t len, int family);
/* The n remotes with most TIME_WAIT (by_tw) or most sockets, in *ret (caller frees). */
size_t sockstats_top(const struct sockstats *s, size_t n, bool by_tw, const struct remote ***ret);
/* The same over the local endpoints (o->local_cap). */
size_t sockstats_top_local(const struct sockstats *s, size_t n, bool by_tw, const struct remote ***ret);
void remote_format(const struct remote *r, char *buf, size_t size); /* "127.0.0.1:80", "[::1]:80" */

#endif
