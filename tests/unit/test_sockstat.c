/* SPDX-License-Identifier: MIT */
/* The kernel-text parsers behind stats and advise, on well-formed and crafted input: /proc/net/tcp
 * and tcp6, /proc/net/netstat, the port-range sysctl, the sysctls advise doubles, and the
 * NETLINK_SOCK_DIAG reply walk. A --root makes the files attacker-controlled, so every malformed
 * case must be refused without reading past the text. Each input is copied to a heap block of
 * its exact size, so a read past the NUL is caught by ASan and valgrind rather than landing in a
 * string literal's neighbour. */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>

#include "advise.h"
#include "sockstat.h"
#include "sysroot.h"
#include "testutil.h"
#include "util.h"

static struct sockstats *new_stats(void)
{
        struct sockstat_opts o = {.remote_cap = 64, .port_lo = 32768, .port_hi = 60999};
        struct sockstats *s = sockstats_new(&o);
        ck_assert_ptr_nonnull(s);
        ck_assert_ptr_nonnull(s->ports_used);
        ck_assert_ptr_nonnull(s->remotes);
        return s;
}

static int feed(struct sockstats *s, const char *text, int family)
{
        char *copy = strdup(text);
        ck_assert_ptr_nonnull(copy);
        int r = sockstats_feed_proc(s, copy, family);
        free(copy);
        return r;
}

/* Every input must be refused, on a fresh object, and count nothing. */
static void expect_einval(const char *const *inputs, size_t n, int family)
{
        for (size_t i = 0; i < n; i++) {
                struct sockstats *s = new_stats();
                int r = feed(s, inputs[i], family);
                ck_assert_msg(r == -EINVAL, "IPv%d input %zu \"%s\": %d, expected -EINVAL", family, i, inputs[i], r);
                ck_assert_uint_eq(s->total, 0);
                sockstats_free(s);
        }
}

static const char header4[] = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout "
                              "inode                                                     \n";
static const char header6[] = "  sl  local_address                         remote_address                        st "
                              "tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";

/* Lines as a 6.x kernel prints them, padding and all. */
static const char good4[] =
        "   0: 00000000:07E8 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 546 1 "
        "000000001b42af1b 100 0 0 10 0                       \n"
        "   1: 0100007F:8000 0500000A:0050 06 00000000:00000000 03:00000D5A 00000000     0        0 0 3 "
        "0000000000000000                                            \n"
        "   2: 0100007F:07E8 0100007F:9000 01 00000000:00000000 00:00000000 00000000  1000        0 8812 1 "
        "00000000a1b2c3d4 20 4 30 10 -1                     \n";
static const char good6[] =
        "   0: 00000000000000000000000001000000:8001 00000000000000000000000001000000:01BB 06 00000000:00000000 "
        "03:00000D5A 00000000     0        0 0 3 0000000000000000\n"
        "   1: 00000000000000000000000000000000:0016 00000000000000000000000000000000:0000 0A 00000000:00000000 "
        "00:00000000 00000000     0        0 1234 1 00000000deadbeef 100 0 0 10 0\n";

static void check_good(const struct sockstats *s)
{
        ck_assert_uint_eq(s->total, 5);
        ck_assert_uint_eq(s->count[0][10], 1);
        ck_assert_uint_eq(s->count[0][6], 1);
        ck_assert_uint_eq(s->count[0][1], 1);
        ck_assert_uint_eq(s->count[1][6], 1);
        ck_assert_uint_eq(s->count[1][10], 1);
        ck_assert_uint_eq(s->n_remotes, 3); /* 10.0.0.5:80, 127.0.0.1:36864, [::1]:443; listeners are not remotes */
        /* 0x8000 and 0x8001 are ephemeral; 0x07E8 is a listener's port, so its accepted side is not. */
        ck_assert_uint_eq(sockstats_ephemeral_in_use(s), 2);
        const struct remote **top;
        size_t n = sockstats_top(s, 5, true, &top);
        ck_assert_uint_eq(n, 2);
        char a[64], b[64];
        remote_format(top[0], a, sizeof(a));
        remote_format(top[1], b, sizeof(b));
        ck_assert(strcmp(a, "10.0.0.5:80") == 0 || strcmp(b, "10.0.0.5:80") == 0);
        ck_assert(strcmp(a, "[::1]:443") == 0 || strcmp(b, "[::1]:443") == 0);
        free(top);
}

START_TEST(wellformed_counted_exactly)
{
        struct sockstats *s = new_stats();
        char *t4, *t6;
        ck_assert_int_ge(asprintf(&t4, "%s%s", header4, good4), 0);
        ck_assert_int_ge(asprintf(&t6, "%s%s", header6, good6), 0);
        ck_assert_int_eq(feed(s, t4, 4), 0);
        ck_assert_int_eq(feed(s, t6, 6), 0);
        check_good(s);
        sockstats_free(s);

        /* The same without a trailing newline (read_proc cuts it), or with it. */
        s = new_stats();
        t4[strlen(t4) - 1] = '\0';
        ck_assert_int_eq(feed(s, t4, 4), 0);
        ck_assert_int_eq(feed(s, good6, 6), 0);
        check_good(s);
        sockstats_free(s);
        free(t4);
        free(t6);
}
END_TEST

START_TEST(truncated_endpoint)
{
        static const char *const v4[] = {
                "   0:",
                "   0: ",
                "   0: 0100",
                "   0: 0100007F",
                "   0: 0100007F:",
                "   0: 0100007F:0016",
                "   0: 0100007F:0016 ",
                "   0: 0100007F:0016 0500",
                "   0: 0100007F:0016 0500000A",
                "   0: 0100007F:0016 0500000A:",
                "   0: 0100007F:0016 0500000A:0050",
                "   0: 0100007F:0016\n",
                "   0: 0100007F:\n   1: 0100007F:0016 0500000A:0050 01 0\n",
        };
        expect_einval(v4, ELEMENTSOF(v4), 4);
}
END_TEST

START_TEST(truncated_port)
{
        static const char *const v4[] = {
                "   0: 0100007F:0",
                "   0: 0100007F:00",
                "   0: 0100007F:001",
                "   0: 0100007F:0016 0500000A:0",
                "   0: 0100007F:0016 0500000A:00",
                "   0: 0100007F:0016 0500000A:005",
                "   0: 0100007F:00\n",
                "   0: 0100007F:0016 0500000A:005 01 0\n",
                "   0: 0100007F:00166 0500000A:0050 01 0\n", /* five digits */
        };
        expect_einval(v4, ELEMENTSOF(v4), 4);
}
END_TEST

START_TEST(missing_state)
{
        static const char *const v4[] = {
                "   0: 0100007F:0016 0500000A:0050 ",
                "   0: 0100007F:0016 0500000A:0050 0",
                "   0: 0100007F:0016 0500000A:0050 \n",
                "   0: 0100007F:0016 0500000A:0050 0\n",
                "   0: 0100007F:0016 0500000A:0050  01 0\n",
                "   0: 0100007F:0016 0500000A:0050 001 0\n",
        };
        expect_einval(v4, ELEMENTSOF(v4), 4);
        /* The state may end the text or its line: nothing after it is needed. */
        struct sockstats *s = new_stats();
        ck_assert_int_eq(feed(s, "   0: 0100007F:0016 0500000A:0050 01", 4), 0);
        ck_assert_int_eq(feed(s, "   0: 0100007F:0016 0500000A:0050 06\n", 4), 0);
        ck_assert_uint_eq(s->count[0][1], 1);
        ck_assert_uint_eq(s->count[0][6], 1);
        sockstats_free(s);
}
END_TEST

START_TEST(non_hex_junk)
{
        static const char *const v4[] = {
                "   0: garbage\n",
                "   0: 0100007G:0016 0500000A:0050 01 0\n",
                "   0: 0100007F:zzzz 0500000A:0050 01 0\n",
                "   0: 0100007F:00 6 0500000A:0050 01 0\n",
                "   0: 0100007F:-016 0500000A:0050 01 0\n",
                "   0: 0100007F:0016 0500000A:00g0 01 0\n",
                "   0: 0100007F:0016 0500000A:0050 ZZ 0\n",
                "   0: 0100007F:0016 0500000A:0050 0G 0\n",
                "   0: 0100007F:0016 0500000A:0050 \xff\xff 0\n",
                "   0: 0100007F:\xff\xff\xff\xff 0500000A:0050 01 0\n",
                "   0: 0100007F;0016 0500000A:0050 01 0\n",
                "   0: 0100007F:0016\t0500000A:0050 01 0\n",
                "   0: 0100007F:0016 0500000A:0050 01x\n",
                "junk: 0100007F:0016 0500000A:0050 01 0\n",
                "  -1: 0100007F:0016 0500000A:0050 01 0\n",
                "0100007F:0016 0500000A:0050 01 0\n",
                "garbage\n",
                "   0 0100007F:0016 0500000A:0050 01 0\n",
        };
        expect_einval(v4, ELEMENTSOF(v4), 4);
}
END_TEST

START_TEST(ipv6_truncated)
{
        static const char *const v6[] = {
                "   0: 0000000000000000",
                "   0: 00000000000000000000FFFF",
                "   0: 00000000000000000000FFFF0100",
                "   0: 0000000000000000000000000100000",
                "   0: 00000000000000000000000001000000",
                "   0: 00000000000000000000000001000000:",
                "   0: 00000000000000000000000001000000:01",
                "   0: 00000000000000000000000001000000:01BB 0000000000000000",
                "   0: 00000000000000000000000001000000:01BB 00000000000000000000000001000000:",
                "   0: 00000000000000000000000001000000:01BB 00000000000000000000000001000000:01BB ",
                "   0: 00000000000000000000FFFF:01BB 00000000000000000000000001000000:01BB 06 0\n",
                /* An IPv4 line is not an IPv6 one, nor the reverse. */
                "   0: 0100007F:0016 0500000A:0050 01 0\n",
        };
        expect_einval(v6, ELEMENTSOF(v6), 6);
        static const char *const v4[] = {
                "   0: 00000000000000000000000001000000:01BB 00000000000000000000000001000000:01BB 06 0\n",
        };
        expect_einval(v4, ELEMENTSOF(v4), 4);
}
END_TEST

START_TEST(empty_and_header_lines)
{
        /* Blank lines and the "sl" header carry no socket: skipped, as before. */
        static const char *const skipped[] = {"", "\n", "\n\n\n", "   \n", "sl", "  sl", "  sl\n", "sl  local_address",
                                              header4, header6};
        for (size_t i = 0; i < ELEMENTSOF(skipped); i++)
                for (int family = 4; family <= 6; family += 2) {
                        struct sockstats *s = new_stats();
                        ck_assert_msg(feed(s, skipped[i], family) == 0, "input %zu", i);
                        ck_assert_uint_eq(s->total, 0);
                        sockstats_free(s);
                }
        /* Skipped lines around well-formed ones change no count. */
        struct sockstats *s = new_stats();
        char *t;
        ck_assert_int_ge(asprintf(&t, "\n%s\n%s\n\n", header4, good4), 0);
        ck_assert_int_eq(feed(s, t, 4), 0);
        free(t);
        ck_assert_int_ge(asprintf(&t, "%s  \n%s", header6, good6), 0);
        ck_assert_int_eq(feed(s, t, 6), 0);
        free(t);
        check_good(s);
        sockstats_free(s);
}
END_TEST

START_TEST(unknown_state_counted_as_close)
{
        /* Two hex digits the kernel does not define yet are still a socket: counted as CLOSE. */
        struct sockstats *s = new_stats();
        ck_assert_int_eq(feed(s, "   0: 0100007F:8000 0500000A:0050 FF 0\n   1: 0100007F:8001 0500000A:0050 0D 0\n", 4), 0);
        ck_assert_uint_eq(s->count[0][7], 2);
        ck_assert_uint_eq(s->total, 2);
        sockstats_free(s);
}
END_TEST

/* A fake root with proc/net/tcp and tcp6; returns the sockstats_collect result. */
static int collect_from(const char *tcp, size_t tcp_len, const char *tcp6, struct sockstats **ret)
{
        char *d = make_tmpdir();
        char *path;
        ck_assert_int_ge(asprintf(&path, "%s/proc/net/tcp", d), 0);
        write_file(d, "proc/net/tcp", "");
        FILE *f = fopen(path, "w");
        ck_assert_ptr_nonnull(f);
        ck_assert_uint_eq(fwrite(tcp, 1, tcp_len, f), tcp_len);
        ck_assert_int_eq(fclose(f), 0);
        free(path);
        if (tcp6)
                write_file(d, "proc/net/tcp6", tcp6);
        struct sysroot *sr;
        ck_assert_int_eq(sysroot_new(d, &sr), 0);
        struct sockstat_opts o = {.force_proc = true, .remote_cap = 64, .port_lo = 32768, .port_hi = 60999};
        *ret = NULL;
        int r = sockstats_collect(sr, &o, ret);
        sysroot_free(sr);
        rm_rf(d);
        free(d);
        return r;
}

START_TEST(proc_files_below_root)
{
        struct sockstats *s;
        char *t;
        ck_assert_int_ge(asprintf(&t, "%s%s", header4, good4), 0);
        char *t6;
        ck_assert_int_ge(asprintf(&t6, "%s%s", header6, good6), 0);
        ck_assert_int_eq(collect_from(t, strlen(t), t6, &s), 0);
        check_good(s);
        sockstats_free(s);
        /* No tcp6: a kernel without IPv6. */
        ck_assert_int_eq(collect_from(t, strlen(t), NULL, &s), 0);
        ck_assert_uint_eq(s->total, 3);
        sockstats_free(s);
        free(t6);

        /* A NUL inside the text is not kernel output, wherever it is. */
        static const char nul[] = "   0: 0100007F:8000 0500000A:0050 06 0\n   1: 0100\0007F:8001 0500000A:0050 06 0\n";
        ck_assert_int_eq(collect_from(nul, sizeof(nul) - 1, NULL, &s), -EINVAL);
        ck_assert_ptr_null(s);
        static const char nul_end[] = "   0: 0100007F:8000 0500000A:0050 06 0\n\0";
        ck_assert_int_eq(collect_from(nul_end, sizeof(nul_end) - 1, NULL, &s), -EINVAL);
        /* A malformed line anywhere fails the whole read. */
        ck_assert_int_eq(collect_from(t, strlen(t), "   0: 00000000000000000000000001000000:01", &s), -EINVAL);
        static const char trunc_tail[] = "   0: 0100007F:8000 0500000A:0050 06 0\n   1: 0100007F:80";
        ck_assert_int_eq(collect_from(trunc_tail, sizeof(trunc_tail) - 1, NULL, &s), -EINVAL);
        free(t);

        /* More than one read buffer (256 KiB) of padded lines: every socket counted once. */
        struct strbuf sb = {0};
        sb_append(&sb, header4);
        enum { N = 4000 };
        for (int i = 0; i < N; i++)
                sb_appendf(&sb, "%4d: 0100007F:%04X 0500000A:0050 06 00000000:00000000 03:00000D5A 00000000     0        0 0 3 "
                                "0000000000000000%-60s\n",
                           i, 32768 + i, "");
        size_t len = sb.len;
        t = sb_steal(&sb);
        ck_assert_uint_gt(len, 256 * 1024);
        ck_assert_int_eq(collect_from(t, len, NULL, &s), 0);
        ck_assert_uint_eq(s->total, N);
        ck_assert_uint_eq(s->count[0][6], N);
        ck_assert_uint_eq(sockstats_ephemeral_in_use(s), N);
        sockstats_free(s);
        free(t);
}
END_TEST

/* advise_collect on a fake root holding only proc/net/netstat (and, if given, the port range). */
static void collect_netstat(const char *netstat, const char *range, struct advise_input *in)
{
        char *d = make_tmpdir();
        write_file(d, "proc/net/netstat", netstat);
        write_file(d, "proc/sys/net/core/somaxconn", "4096\n");
        if (range)
                write_file(d, "proc/sys/net/ipv4/ip_local_port_range", range);
        struct sysroot *sr;
        ck_assert_int_eq(sysroot_new(d, &sr), 0);
        ck_assert_int_eq(advise_collect(sr, NULL, in), 0);
        sysroot_free(sr);
        rm_rf(d);
        free(d);
}

START_TEST(netstat_counters)
{
        /* As this kernel prints it (abridged). */
        static const char good[] =
                "TcpExt: SyncookiesSent SyncookiesRecv SyncookiesFailed EmbryonicRsts PruneCalled ListenOverflows "
                "ListenDrops TCPReqQFullDrop TCPTimeWaitOverflow\n"
                "TcpExt: 7 0 0 0 0 37 41 5 12\n"
                "IpExt: InNoRoutes InTruncatedPkts\n"
                "IpExt: 0 0\n"
                "MPTcpExt: MPCapableSYNRX\n"
                "MPTcpExt: 0\n";
        struct advise_input in;
        collect_netstat(good, NULL, &in);
        ck_assert_int_eq(in.syncookies_sent, 7);
        ck_assert_int_eq(in.listen_overflows, 37);
        ck_assert_int_eq(in.listen_drops, 41);
        ck_assert_int_eq(in.reqq_full_drop, 5);
        ck_assert_int_eq(in.tw_overflow, 12);
        ck_assert_int_eq(in.somaxconn, 4096);

        /* Values without a trailing newline, the value line last. */
        collect_netstat("TcpExt: ListenOverflows ListenDrops\nTcpExt: 3 4", NULL, &in);
        ck_assert_int_eq(in.listen_overflows, 3);
        ck_assert_int_eq(in.listen_drops, 4);

        /* The value line cut short, right after the section name or inside it. */
        static const char *const cut[] = {
                "TcpExt: ListenOverflows\nTcpExt",
                "TcpExt: ListenOverflows\nTcpExt:",
                "TcpExt: ListenOverflows\nTcpEx",
                "TcpExt: ListenOverflows\n",
                "TcpExt: ListenOverflows",
                "TcpExt:",
                "TcpExt",
                "",
                "\n\n",
                "TcpExt: ListenOverflows\nTcpExt: ",
                "TcpExt: ListenOverflows\nTcpExt: \n",
                "TcpExt: ListenOverflows\nTcpExt: x\n",
                "TcpExt: ListenOverflows\nTcpExt: 12x\n",
                "TcpExt: ListenOverflows\nTcpExt: -12\n",
                "TcpExt: ListenOverflows\nTcpExt  12\n",
                "TcpExt ListenOverflows\nTcpExt: 12\n",
        };
        for (size_t i = 0; i < ELEMENTSOF(cut); i++) {
                collect_netstat(cut[i], NULL, &in);
                ck_assert_msg(in.listen_overflows == ADVISE_UNKNOWN, "input %zu: %lld", i, in.listen_overflows);
        }
        /* More names than values: the ones without a value are unknown, not 0. */
        collect_netstat("TcpExt: ListenOverflows ListenDrops\nTcpExt: 3\n", NULL, &in);
        ck_assert_int_eq(in.listen_overflows, 3);
        ck_assert_int_eq(in.listen_drops, ADVISE_UNKNOWN);
        collect_netstat("TcpExt: ListenOverflows ListenDrops\nTcpExt: 3", NULL, &in);
        ck_assert_int_eq(in.listen_drops, ADVISE_UNKNOWN);
        /* A counter past LLONG_MAX saturates rather than wrapping negative. */
        collect_netstat("TcpExt: ListenOverflows ListenDrops\nTcpExt: 18446744073709551615 99999999999999999999999\n",
                        NULL, &in);
        ck_assert_int_eq(in.listen_overflows, LLONG_MAX);
        ck_assert_int_eq(in.listen_drops, LLONG_MAX);
}
END_TEST

START_TEST(port_range)
{
        struct advise_input in;
        collect_netstat("", "32768\t60999\n", &in);
        ck_assert_int_eq(in.port_lo, 32768);
        ck_assert_int_eq(in.port_hi, 60999);
        collect_netstat("", "1024 65535\n", &in);
        ck_assert_int_eq(in.port_lo, 1024);
        ck_assert_int_eq(in.port_hi, 65535);
        /* Numbers that wrap in an unsigned int, signs, junk and missing halves are unknown. */
        static const char *const bad[] = {"4294967296 4294967297\n", "-4294967295 5\n", "1024 65535 7\n", "1024 65535x\n",
                                          "1024\n", "\n", "60999 32768\n", "1024 65536\n", "99999999999999999999 1\n",
                                          "+1024 65535\n"};
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                collect_netstat("", bad[i], &in);
                ck_assert_msg(in.port_lo == ADVISE_UNKNOWN, "input %zu: %lld", i, in.port_lo);
        }
}
END_TEST

START_TEST(huge_sysctls_no_overflow)
{
        /* Sysctls read from a --root can hold any 64-bit number: doubling them for a remedy
         * must saturate instead of overflowing. */
        char *d = make_tmpdir();
        write_file(d, "proc/net/netstat",
                   "TcpExt: ListenOverflows TCPReqQFullDrop TCPTimeWaitOverflow\nTcpExt: 1 1 1\n");
        write_file(d, "proc/sys/net/core/somaxconn", "9223372036854775807\n");
        write_file(d, "proc/sys/net/ipv4/tcp_max_syn_backlog", "4611686018427387905\n");
        write_file(d, "proc/sys/net/ipv4/tcp_max_tw_buckets", "9223372036854775807\n");
        write_file(d, "proc/sys/net/ipv4/tcp_tw_reuse_delay", "-9223372036854775808\n");
        write_file(d, "proc/sys/net/ipv4/tcp_tw_reuse", "1\n");
        write_file(d, "proc/sys/net/ipv4/ip_local_port_range", "1 65535\n");
        struct sysroot *sr;
        ck_assert_int_eq(sysroot_new(d, &sr), 0);
        struct sockstats *s = new_stats();
        ck_assert_int_eq(feed(s, good4, 4), 0);
        struct advise_input in;
        ck_assert_int_eq(advise_collect(sr, s, &in), 0);
        struct advice *v;
        size_t n;
        ck_assert_int_eq(advise(&in, &v, &n), 0);
        size_t remedies = 0;
        for (size_t i = 0; i < n; i++)
                for (size_t k = 0; k < v[i].n_remedies; k++) {
                        const struct remedy *r = &v[i].remedies[k];
                        if (strcmp(r->key, "net.ipv4.tcp_syncookies") == 0)
                                continue;
                        ck_assert_msg(strcmp(r->value, "9223372036854775807") == 0, "%s: %s", r->key, r->value);
                        remedies++;
                }
        ck_assert_uint_eq(remedies, 2); /* no somaxconn: /proc gives no listener's backlog */
        advice_free_all(v, n);
        /* The negative extreme as well. */
        write_file(d, "proc/sys/net/core/somaxconn", "-9223372036854775808\n");
        write_file(d, "proc/sys/net/ipv4/tcp_max_syn_backlog", "-9223372036854775808\n");
        write_file(d, "proc/sys/net/ipv4/tcp_max_tw_buckets", "-9223372036854775808\n");
        ck_assert_int_eq(advise_collect(sr, s, &in), 0);
        ck_assert_int_eq(advise(&in, &v, &n), 0);
        advice_free_all(v, n);
        sockstats_free(s);
        sysroot_free(sr);
        rm_rf(d);
        free(d);
}
END_TEST

/* advise_parse_netstat on an exact heap copy: the same counters as through a file. */
static long long overflows_of(const char *text)
{
        char *copy = strdup(text);
        ck_assert_ptr_nonnull(copy);
        struct advise_input in;
        memset(&in, 0, sizeof(in));
        advise_parse_netstat(copy, &in);
        free(copy);
        return in.listen_overflows;
}

START_TEST(netstat_buffer)
{
        ck_assert_int_eq(overflows_of("TcpExt: ListenOverflows\nTcpExt: 42\n"), 42);
        ck_assert_int_eq(overflows_of("IpExt: A\nIpExt: 1\nTcpExt: SyncookiesSent ListenOverflows\nTcpExt: 1 2"), 2);
        static const char *const cut[] = {
                "TcpExt: ListenOverflows\nTcpExt",
                "TcpExt: ListenOverflows\nTcpExt:",
                "TcpExt: ListenOverflows\nTcp",
                "TcpExt: ListenOverflows\n",
                "TcpExt:",
                "TcpExt: ListenDrops ListenOverflows\nTcpExt: 1",
                "TcpExt: X ListenOverflows\nTcpExt: 1 ",
        };
        for (size_t i = 0; i < ELEMENTSOF(cut); i++)
                ck_assert_msg(overflows_of(cut[i]) == ADVISE_UNKNOWN, "input %zu", i);
        /* Only the five counters are set: absent, they are unknown, and the rest is left alone. */
        struct advise_input in = {.somaxconn = 7};
        advise_parse_netstat("", &in);
        ck_assert_int_eq(in.somaxconn, 7);
        ck_assert_int_eq(in.syncookies_sent, ADVISE_UNKNOWN);
        ck_assert_int_eq(in.reqq_full_drop, ADVISE_UNKNOWN);
}
END_TEST

/* One SOCK_DIAG_BY_FAMILY reply for an IPv4 socket. */
static size_t put_diag(unsigned char *p, uint8_t state, uint32_t dst, uint16_t dport, uint16_t sport)
{
        struct nlmsghdr h = {.nlmsg_len = NLMSG_LENGTH(sizeof(struct inet_diag_msg)), .nlmsg_type = SOCK_DIAG_BY_FAMILY};
        struct inet_diag_msg m = {.idiag_family = AF_INET, .idiag_state = state};
        m.id.idiag_dst[0] = htonl(dst);
        m.id.idiag_dport = htons(dport);
        m.id.idiag_sport = htons(sport);
        memcpy(p, &h, sizeof(h));
        memcpy(p + NLMSG_HDRLEN, &m, sizeof(m));
        return NLMSG_ALIGN(h.nlmsg_len);
}

static size_t put_hdr(unsigned char *p, uint32_t len, uint16_t type)
{
        struct nlmsghdr h = {.nlmsg_len = len, .nlmsg_type = type};
        memcpy(p, &h, sizeof(h));
        return NLMSG_ALIGN(len);
}

/* sockstats_feed_netlink on an exact heap copy of the first len bytes of buf. */
static int feed_nl(struct sockstats *s, const unsigned char *buf, size_t len)
{
        void *copy = malloc(len ? len : 1);
        ck_assert_ptr_nonnull(copy);
        memcpy(copy, buf, len);
        int r = sockstats_feed_netlink(s, copy, len, 4);
        free(copy);
        return r;
}

START_TEST(netlink_walk)
{
        _Alignas(8) unsigned char buf[1024] = {0};
        struct sockstats *s = new_stats();
        size_t n = put_diag(buf, 6, 0x0A000005, 80, 40000);
        n += put_diag(buf + n, 10, 0, 0, 80);
        ck_assert_int_eq(feed_nl(s, buf, n), 0); /* more to come */
        size_t done = n + put_hdr(buf + n, NLMSG_LENGTH(sizeof(int)), NLMSG_DONE);
        ck_assert_int_eq(feed_nl(s, buf, done), 1);
        ck_assert_uint_eq(s->total, 4);
        ck_assert_uint_eq(s->count[0][6], 2);
        ck_assert_uint_eq(s->count[0][10], 2);
        ck_assert_uint_eq(s->n_remotes, 1);
        ck_assert_uint_eq(sockstats_ephemeral_in_use(s), 1);
        sockstats_free(s);

        /* The kernel's error, and errors that are not one. */
        s = new_stats();
        struct nlmsgerr e = {.error = -EPERM};
        size_t el = put_hdr(buf, NLMSG_LENGTH(sizeof(e)), NLMSG_ERROR);
        memcpy(buf + NLMSG_HDRLEN, &e, sizeof(e));
        ck_assert_int_eq(feed_nl(s, buf, el), -EPERM);
        e.error = 5;
        memcpy(buf + NLMSG_HDRLEN, &e, sizeof(e));
        ck_assert_int_eq(feed_nl(s, buf, el), -EIO);
        e.error = INT_MIN;
        memcpy(buf + NLMSG_HDRLEN, &e, sizeof(e));
        ck_assert_int_eq(feed_nl(s, buf, el), -EIO);
        put_hdr(buf, NLMSG_HDRLEN, NLMSG_ERROR); /* no room for the error */
        ck_assert_int_eq(feed_nl(s, buf, NLMSG_HDRLEN), -EBADMSG);

        /* Lengths that do not fit what was received. */
        memset(buf, 0, sizeof(buf));
        put_hdr(buf, 200, SOCK_DIAG_BY_FAMILY);
        ck_assert_int_eq(feed_nl(s, buf, 100), -EBADMSG);
        put_hdr(buf, 8, SOCK_DIAG_BY_FAMILY);
        ck_assert_int_eq(feed_nl(s, buf, 100), -EBADMSG);
        put_hdr(buf, 0, SOCK_DIAG_BY_FAMILY);
        ck_assert_int_eq(feed_nl(s, buf, 100), -EBADMSG);
        ck_assert_int_eq(feed_nl(s, buf, 7), -EBADMSG); /* not even a header */
        n = put_diag(buf, 1, 0x0A000005, 80, 40001);
        ck_assert_int_eq(feed_nl(s, buf, n + 3), -EBADMSG); /* a cut header after a whole message */
        /* A last message whose length is not a multiple of 4 ends the walk, with no wrap. */
        put_hdr(buf, NLMSG_HDRLEN + 1, 0x30);
        ck_assert_int_eq(feed_nl(s, buf, NLMSG_HDRLEN + 1), 0);
        n = put_diag(buf, 1, 0x0A000005, 80, 40001);
        put_hdr(buf + n, NLMSG_HDRLEN + 3, 0x30);
        ck_assert_int_eq(feed_nl(s, buf, n + NLMSG_HDRLEN + 3), 0);
        /* A reply too short for a socket is no socket; nor are other message types. */
        put_hdr(buf, NLMSG_LENGTH(sizeof(struct inet_diag_msg)) - 1, SOCK_DIAG_BY_FAMILY);
        ck_assert_int_eq(feed_nl(s, buf, NLMSG_LENGTH(sizeof(struct inet_diag_msg)) - 1), 0);
        n = put_diag(buf, 1, 0x0A000005, 80, 40002);
        put_hdr(buf, NLMSG_LENGTH(sizeof(struct inet_diag_msg)), NLMSG_NOOP);
        ck_assert_int_eq(feed_nl(s, buf, n), 0);
        ck_assert_uint_eq(s->total, 2); /* the two whole replies above, each before the end of its walk */
        ck_assert_int_eq(sockstats_feed_netlink(s, buf, 0, 4), 0);
        ck_assert_int_eq(sockstats_feed_netlink(s, buf, n, 5), -EINVAL);
        ck_assert_int_eq(sockstats_feed_proc(s, "", 5), -EINVAL);
        sockstats_free(s);
}
END_TEST

static Suite *suite(void)
{
        Suite *s = suite_create("sockstat");
        TCase *tc = tcase_create("sockstat");
        tcase_set_timeout(tc, 30);
        tcase_add_test(tc, wellformed_counted_exactly);
        tcase_add_test(tc, truncated_endpoint);
        tcase_add_test(tc, truncated_port);
        tcase_add_test(tc, missing_state);
        tcase_add_test(tc, non_hex_junk);
        tcase_add_test(tc, ipv6_truncated);
        tcase_add_test(tc, empty_and_header_lines);
        tcase_add_test(tc, unknown_state_counted_as_close);
        tcase_add_test(tc, proc_files_below_root);
        tcase_add_test(tc, netstat_counters);
        tcase_add_test(tc, port_range);
        tcase_add_test(tc, huge_sysctls_no_overflow);
        tcase_add_test(tc, netstat_buffer);
        tcase_add_test(tc, netlink_walk);
        suite_add_tcase(s, tc);
        return s;
}

TEST_MAIN(suite)
