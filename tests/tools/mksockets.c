/* SPDX-License-Identifier: MIT */
/* Test helper: a known population of TCP sockets on loopback, for stats tests and benchmarks.
 * Run it inside a private network namespace (unshare -n); it only ever talks to 127.0.0.0/8
 * and ::1. It prints "ready" when done and keeps its sockets until stdin closes or SIGTERM.
 *
 *   mksockets [--lo-up] [--family 4|6|both] [--listen N] [--established N] [--time-wait N]
 *             [--base-port P]
 *
 * Per family: N listeners on ports P..P+N-1; each "established" is a connected pair (2 sockets);
 * each "time-wait" is a connection the client closes first, leaving its side in TIME_WAIT. The
 * client binds an explicit, unique source (127.1.x.y or ::1, port), so no port search is needed
 * even for hundreds of thousands of tuples. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <net/if.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

static void die(const char *what)
{
        fprintf(stderr, "mksockets: %s: %s\n", what, strerror(errno));
        exit(1);
}

static void lo_up(void)
{
        int fd = socket(AF_INET, SOCK_DGRAM, 0);
        struct ifreq ifr = {0};
        strcpy(ifr.ifr_name, "lo");
        if (fd < 0 || ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
                die("SIOCGIFFLAGS lo");
        ifr.ifr_flags |= IFF_UP;
        if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
                die("SIOCSIFFLAGS lo");
        close(fd);
}

struct addr {
        struct sockaddr_storage ss;
        socklen_t len;
};

static struct addr make(int family, unsigned long host, unsigned port)
{
        struct addr a = {0};
        if (family == 4) {
                struct sockaddr_in *s = (struct sockaddr_in *)&a.ss;
                s->sin_family = AF_INET;
                s->sin_port = htons((uint16_t)port);
                s->sin_addr.s_addr = htonl(host);
                a.len = sizeof(*s);
        } else {
                struct sockaddr_in6 *s = (struct sockaddr_in6 *)&a.ss;
                s->sin6_family = AF_INET6;
                s->sin6_port = htons((uint16_t)port);
                s->sin6_addr = in6addr_loopback;
                a.len = sizeof(*s);
        }
        return a;
}

static int sock(int family)
{
        int fd = socket(family == 4 ? AF_INET : AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                die("socket");
        return fd;
}

int main(int argc, char **argv)
{
        unsigned long listen_n = 1, est = 0, tw = 0, base = 10000;
        int fam4 = 1, fam6 = 0;
        for (int i = 1; i < argc; i++) {
                const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : "0";
                if (strcmp(o, "--lo-up") == 0) {
                        lo_up();
                        continue;
                }
                if (strcmp(o, "--family") == 0) {
                        fam4 = strcmp(v, "6") != 0;
                        fam6 = strcmp(v, "4") != 0;
                } else if (strcmp(o, "--listen") == 0)
                        listen_n = strtoul(v, NULL, 10);
                else if (strcmp(o, "--established") == 0)
                        est = strtoul(v, NULL, 10);
                else if (strcmp(o, "--time-wait") == 0)
                        tw = strtoul(v, NULL, 10);
                else if (strcmp(o, "--base-port") == 0)
                        base = strtoul(v, NULL, 10);
                else {
                        fprintf(stderr, "mksockets: unknown option %s\n", o);
                        return 2;
                }
                i++;
        }
        if (listen_n == 0 && (est || tw)) {
                fprintf(stderr, "mksockets: connections need at least one listener\n");
                return 2;
        }
        struct rlimit rl = {1 << 20, 1 << 20};
        setrlimit(RLIMIT_NOFILE, &rl);
        signal(SIGPIPE, SIG_IGN);
        for (int family = 4; family <= 6; family += 2) {
                if ((family == 4 && !fam4) || (family == 6 && !fam6))
                        continue;
                int *ls = calloc(listen_n, sizeof(int));
                for (unsigned long i = 0; i < listen_n; i++) {
                        ls[i] = sock(family);
                        int one = 1;
                        setsockopt(ls[i], SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
                        struct addr a = make(family, INADDR_LOOPBACK, (unsigned)(base + i));
                        if (bind(ls[i], (struct sockaddr *)&a.ss, a.len) < 0 || listen(ls[i], 4096) < 0)
                                die("listen");
                }
                for (unsigned long i = 0; i < est + tw; i++) {
                        bool is_tw = i >= est;
                        unsigned long k = i - (is_tw ? est : 0);
                        int c = sock(family), l = ls[k % listen_n];
                        if (is_tw) {
                                /* A unique source per connection: 60000 ports on each of 127.1.x.y. */
                                unsigned long host = family == 4 ? (127ul << 24 | 1ul << 16) + 1 + k / 60000 : 0;
                                struct addr src = make(family, host, (unsigned)(2000 + k % 60000));
                                if (family == 6 && k >= 60000) {
                                        fprintf(stderr, "mksockets: at most 60000 IPv6 TIME_WAIT sockets\n");
                                        return 2;
                                }
                                if (bind(c, (struct sockaddr *)&src.ss, src.len) < 0)
                                        die("bind");
                        }
                        struct addr dst = make(family, INADDR_LOOPBACK, (unsigned)(base + k % listen_n));
                        if (connect(c, (struct sockaddr *)&dst.ss, dst.len) < 0)
                                die("connect");
                        int s = accept(l, NULL, NULL);
                        if (s < 0)
                                die("accept");
                        if (is_tw) {
                                close(c); /* the client closes first: its side goes to TIME_WAIT */
                                close(s);
                        }
                }
        }
        printf("ready\n");
        fflush(stdout);
        char buf[64];
        while (read(0, buf, sizeof(buf)) > 0)
                ;
        return 0;
}
