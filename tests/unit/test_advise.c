/* SPDX-License-Identifier: MIT */
/* advise on recorded inputs: a fake root with /proc/net files and sysctls per scenario. */
#include <errno.h>

#include "advise.h"
#include "profile.h"
#include "sockstat.h"
#include "sysroot.h"
#include "testutil.h"
#include "util.h"
#include "validate.h"

struct scene {
        char *dir;
        struct sysroot *sr;
        struct sockstats *s;
        struct advice *v;
        size_t n;
};

static const char netstat_fmt[] = "TcpExt: SyncookiesSent SyncookiesRecv ListenOverflows ListenDrops TCPReqQFullDrop "
                                   "TCPTimeWaitOverflow\nTcpExt: %d 0 %d %d %d %d\nIpExt: InNoRoutes\nIpExt: 0\n";

/* n sockets in state st from 127.0.0.1 (ports from 40000; listeners on 8080 and up) to remote
 * (hex "0500000A:0050"). */
/* The timer field: 0xD5A clock ticks (34 s) left, so 26 s old for TIME_WAIT; tests set it to
 * 0x1770 (60 s left: brand new). */
static const char *timer = "03:00000D5A";

static void add_sockets(struct strbuf *sb, int n, const char *remote, int st, int *slot)
{
        for (int i = 0; i < n; i++, (*slot)++)
                sb_appendf(sb, "%4d: 0100007F:%04X %s %02X 00000000:00000000 %s 00000000     0        0 0 3 0\n",
                           *slot, st == 0x0A ? 8080 + i : 40000 + (*slot % 20000), remote, st, timer);
}

static void scene_new(struct scene *x, const char *tcp, const char *sysctls[][2], int overflows, int reqq, int twover,
                      int cookies)
{
        memset(x, 0, sizeof(*x));
        x->dir = make_tmpdir();
        static const char *const defaults[][2] = {
                {"net/ipv4/ip_local_port_range", "32768\t60999"}, {"net/ipv4/ip_local_reserved_ports", ""},
                {"net/ipv4/tcp_tw_reuse", "2"},                   {"net/ipv4/tcp_timestamps", "1"},
                {"net/ipv4/tcp_max_tw_buckets", "131072"},        {"net/ipv4/tcp_max_syn_backlog", "2048"},
                {"net/core/somaxconn", "4096"},                   {"net/ipv4/tcp_syncookies", "1"},
        };
        for (size_t i = 0; i < ELEMENTSOF(defaults); i++) {
                char *p, *v;
                ck_assert_int_ge(asprintf(&p, "proc/sys/%s", defaults[i][0]), 0);
                ck_assert_int_ge(asprintf(&v, "%s\n", defaults[i][1]), 0);
                write_file(x->dir, p, v);
                free(p);
                free(v);
        }
        for (size_t i = 0; sysctls && sysctls[i][0]; i++) {
                char *p, *v;
                ck_assert_int_ge(asprintf(&p, "proc/sys/%s", sysctls[i][0]), 0);
                ck_assert_int_ge(asprintf(&v, "%s\n", sysctls[i][1]), 0);
                write_file(x->dir, p, v);
                free(p);
                free(v);
        }
        char *ns;
        ck_assert_int_ge(asprintf(&ns, netstat_fmt, cookies, overflows, overflows, reqq, twover), 0);
        write_file(x->dir, "proc/net/netstat", ns);
        free(ns);
        char *t;
        ck_assert_int_ge(asprintf(&t, "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n%s",
                                  tcp), 0);
        write_file(x->dir, "proc/net/tcp", t);
        free(t);
        write_file(x->dir, "proc/net/tcp6", "  sl  local_address remote_address st\n");
        ck_assert_int_eq(sysroot_new(x->dir, &x->sr), 0);
        struct sockstat_opts o = {.remote_cap = 1024, .port_lo = 32768, .port_hi = 60999};
        ck_assert_int_eq(sockstats_collect(x->sr, &o, &x->s), 0);
        ck_assert_int_eq(x->s->source, SOCK_PROC);
        struct advise_input in;
        ck_assert_int_eq(advise_collect(x->sr, x->s, &in), 0);
        ck_assert_int_eq(advise(&in, &x->v, &x->n), 0);
}

static void scene_free(struct scene *x)
{
        advice_free_all(x->v, x->n);
        sockstats_free(x->s);
        sysroot_free(x->sr);
        rm_rf(x->dir);
        free(x->dir);
}

static const struct advice *get(const struct scene *x, const char *code)
{
        for (size_t i = 0; i < x->n; i++)
                if (strcmp(x->v[i].code, code) == 0)
                        return &x->v[i];
        return NULL;
}

static size_t warnings(const struct scene *x)
{
        size_t n = 0;
        for (size_t i = 0; i < x->n; i++)
                n += x->v[i].severity == SEV_WARNING;
        return n;
}

static bool has_remedy(const struct advice *a, const char *key, const char *value)
{
        for (size_t i = 0; i < a->n_remedies; i++)
                if (strcmp(a->remedies[i].key, key) == 0 && strcmp(a->remedies[i].value, value) == 0)
                        return true;
        return false;
}

static char *tcp_lines(int n_tw, const char *remote, int spread)
{
        struct strbuf sb = {0};
        int slot = 0;
        for (int r = 0; r < spread; r++) {
                char rem[32];
                if (spread == 1)
                        snprintf(rem, sizeof(rem), "%s", remote);
                else
                        snprintf(rem, sizeof(rem), "%02X00000A:0050", r + 1); /* 10.0.0.(r+1):80 */
                add_sockets(&sb, n_tw / spread, rem, 6, &slot);
        }
        add_sockets(&sb, 3, "00000000:0000", 0x0A, &slot); /* listeners */
        add_sockets(&sb, 5, "0500000A:0050", 1, &slot);    /* established */
        return sb_steal(&sb);
}

START_TEST(no_problem)
{
        struct scene x;
        char *tcp = tcp_lines(10, "0500000A:0050", 1);
        scene_new(&x, tcp, NULL, 0, 0, 0, 0);
        ck_assert_uint_eq(x.s->total, 18);
        ck_assert_uint_eq(warnings(&x), 0);
        ck_assert_ptr_nonnull(get(&x, "no-problem"));
        const struct advice *a = get(&x, "port-capacity");
        ck_assert_ptr_nonnull(a);
        ck_assert(strstr(a->message, "28232 ephemeral ports"));
        ck_assert(strstr(a->message, "about 470 new connections a second")); /* 28232 / 60 */
        free(tcp);
        scene_free(&x);
}
END_TEST

START_TEST(ephemeral_exhaustion)
{
        struct scene x;
        char *tcp = tcp_lines(28000, "0500000A:0050", 1); /* 28000 TIME_WAIT to 10.0.0.5:80, 26 s old */
        scene_new(&x, tcp, NULL, 0, 0, 0, 0);
        ck_assert_ptr_null(get(&x, "port-search-slow"));
        const struct advice *a = get(&x, "ephemeral-exhaustion");
        ck_assert_ptr_nonnull(a);
        ck_assert_int_eq(a->severity, SEV_WARNING); /* nothing new got through: that is no sign it stopped */
        ck_assert(strstr(a->message, "28005 sockets to 10.0.0.5:80 hold all 28232 ephemeral ports (28000 in TIME_WAIT)"));
        ck_assert(strstr(a->message, "EADDRNOTAVAIL"));
        ck_assert(strstr(a->message, "about 470 new connections a second get through on average (ports / 60 s)"));
        ck_assert(strstr(a->message, "the newest TIME_WAIT is 25 s old"));
        ck_assert(strstr(a->evidence, "10.0.0.5:80"));
        ck_assert(has_remedy(a, "net.ipv4.tcp_tw_reuse", "1")); /* 2 covers loopback only */
        ck_assert(has_remedy(a, "net.ipv4.ip_local_port_range", "32768 65535"));
        ck_assert(strstr(a->not_supported, "tcp_fin_timeout"));
        ck_assert(strstr(a->not_supported, "tcp_tw_recycle"));
        ck_assert_ptr_null(get(&x, "no-problem"));

        /* What the profile says about it. */
        static const char yes[] = "sysctl:\n  net.ipv4.tcp_tw_reuse: 1\n  net.ipv4.ip_local_port_range: [32768, 65535]\n";
        static const char no[] = "sysctl:\n  net.ipv4.tcp_fin_timeout: 10\n  net.ipv4.tcp_tw_reuse: 1\n";
        struct findings f = {0};
        struct profile *p = NULL;
        struct validate_opts o = {.kernel = KVER(6, 1), .kernel_known = true};
        ck_assert_int_eq(profile_parse_buffer(yes, strlen(yes), "y.yaml", NULL, &p, &f), 0);
        ck_assert(advice_addressed(a, p, &o));
        profile_free(p);
        ck_assert_int_eq(profile_parse_buffer(no, strlen(no), "n.yaml", NULL, &p, &f), 0);
        ck_assert(!advice_addressed(a, p, &o));
        profile_free(p);

        /* The emitted profile is valid and carries the remedies. */
        char *yaml = advise_profile_yaml(x.v, x.n, "test");
        ck_assert_int_eq(profile_parse_buffer(yaml, strlen(yaml), "advised.yaml", NULL, &p, &f), 0);
        ck_assert_int_eq(validate_profile(p, &o, &f), 0);
        ck_assert_uint_eq(findings_count(&f, SEV_ERROR), 0);
        ck_assert_str_eq(profile_find(p, "net.ipv4.tcp_tw_reuse")->value, "1");
        ck_assert_str_eq(profile_find(p, "net.ipv4.ip_local_port_range")->value, "32768 65535");
        ck_assert_ptr_null(find_code(&f, "port-range-covers-service-port")); /* the suggestion avoids them */
        ck_assert(advice_addressed(a, p, &o));
        profile_free(p);
        findings_release(&f);
        free(yaml);
        free(tcp);
        scene_free(&x);

        /* A listener above 32768: the wider range starts above it, and only if still wider. */
        for (int k = 0; k < 2; k++) {
                struct strbuf sb = {0};
                int slot = 0;
                add_sockets(&sb, 28000, "0500000A:0050", 6, &slot);
                sb_appendf(&sb, "%4d: 0100007F:%04X 00000000:0000 0A 00000000:00000000 00:0 0\n", slot,
                           k ? 45000 : 33000);
                tcp = sb_steal(&sb);
                scene_new(&x, tcp, NULL, 0, 0, 0, 0);
                a = get(&x, "ephemeral-exhaustion");
                ck_assert(has_remedy(a, "net.ipv4.ip_local_port_range", "33002 65535") == (k == 0));
                ck_assert(!has_remedy(a, "net.ipv4.ip_local_port_range", "32768 65535"));
                free(tcp);
                scene_free(&x);
        }

        /* Reuse already on for all destinations: it covers the case, as the lab measured (no
         * failure, TWRecycled counting): no alarm, and the capacity leads with reuse's figure. */
        static const char *on[][2] = {{"net/ipv4/tcp_tw_reuse", "1"}, {NULL, NULL}};
        tcp = tcp_lines(28000, "0500000A:0050", 1);
        scene_new(&x, tcp, on, 0, 0, 0, 0);
        ck_assert_uint_eq(warnings(&x), 0);
        ck_assert_ptr_null(get(&x, "ephemeral-exhaustion"));
        a = get(&x, "time-wait-reused");
        ck_assert_ptr_nonnull(a);
        ck_assert_uint_eq(a->n_remedies, 0);
        ck_assert(strstr(get(&x, "port-capacity")->message, "older than 1000 ms, so about 28232 new connections a second"));
        free(tcp);
        scene_free(&x);
        /* tcp_tw_reuse=2 (the default) covers loopback only: 10.0.0.5 gets the warning above,
         * 127.0.0.1 none. */
        tcp = tcp_lines(28000, "0100007F:0050", 1);
        scene_new(&x, tcp, NULL, 0, 0, 0, 0);
        ck_assert_uint_eq(warnings(&x), 0);
        ck_assert_ptr_nonnull(get(&x, "time-wait-reused"));
        free(tcp);
        scene_free(&x);
}
END_TEST

START_TEST(port_search_slow)
{
        /* 20000 of 28232 ports held, brand-new TIME_WAIT: past half the range connect() searches
         * (slow, not failing), with the rate of the last 3 s (20000 / 3 s) and the forecast. */
        struct scene x;
        timer = "03:00001770";
        char *tcp = tcp_lines(20000, "0500000A:0050", 1);
        scene_new(&x, tcp, NULL, 0, 0, 0, 0);
        ck_assert_ptr_null(get(&x, "ephemeral-exhaustion"));
        const struct advice *a = get(&x, "port-search-slow");
        ck_assert_ptr_nonnull(a);
        ck_assert_int_eq(a->severity, SEV_WARNING);
        ck_assert(strstr(a->message, "20005 sockets to 10.0.0.5:80 hold 70% of the 28232 ephemeral ports"));
        ck_assert(strstr(a->message, "about 6667 new connections a second to it over the last 3 s"));
        ck_assert(strstr(a->message, "run out in about 1 s, before the oldest TIME_WAIT ends (in 60 s)"));
        ck_assert(has_remedy(a, "net.ipv4.tcp_tw_reuse", "1"));
        ck_assert(strstr(a->not_supported, "tcp_max_tw_buckets"));
        free(tcp);
        scene_free(&x);
        /* The same sockets 26 s old: a burst that ended, not a problem now. */
        timer = "03:00000D5A";
        tcp = tcp_lines(20000, "0500000A:0050", 1);
        scene_new(&x, tcp, NULL, 0, 0, 0, 0);
        a = get(&x, "port-search-slow");
        ck_assert_int_eq(a->severity, SEV_INFO);
        ck_assert(strstr(a->message, "a burst that ended about 25 s ago"));
        ck_assert_uint_eq(warnings(&x), 0);
        free(tcp);
        scene_free(&x);
}
END_TEST

START_TEST(time_wait_harmless)
{
        struct scene x;
        char *tcp = tcp_lines(3000, NULL, 100); /* 30 each to 100 destinations */
        scene_new(&x, tcp, NULL, 0, 0, 0, 0);
        ck_assert_uint_eq(warnings(&x), 0);
        const struct advice *a = get(&x, "time-wait-harmless");
        ck_assert_ptr_nonnull(a);
        ck_assert(strstr(a->message, "3000 sockets in TIME_WAIT"));
        ck_assert_uint_eq(a->n_remedies, 0);
        free(tcp);
        scene_free(&x);
}
END_TEST

START_TEST(queues_and_tables)
{
        struct scene x;
        static const char *nocookies[][2] = {{"net/ipv4/tcp_syncookies", "0"}, {NULL, NULL}};
        char *tcp = tcp_lines(10, "0500000A:0050", 1);
        scene_new(&x, tcp, nocookies, 37, 5, 12, 9);
        const struct advice *a = get(&x, "accept-queue-overflow");
        ck_assert_ptr_nonnull(a);
        ck_assert(strstr(a->evidence, "ListenOverflows 37"));
        /* /proc gives no listener's backlog: whether somaxconn is the limit is unknown. */
        ck_assert_uint_eq(a->n_remedies, 0);
        ck_assert(strstr(a->message, "backlogs are unknown"));
        a = get(&x, "syn-queue-overflow");
        ck_assert(has_remedy(a, "net.ipv4.tcp_max_syn_backlog", "8192"));
        ck_assert(has_remedy(a, "net.ipv4.tcp_syncookies", "1"));
        a = get(&x, "tw-bucket-overflow");
        ck_assert(strstr(a->evidence, "TCPTimeWaitOverflow 12"));
        ck_assert(has_remedy(a, "net.ipv4.tcp_max_tw_buckets", "262144"));
        ck_assert_ptr_nonnull(get(&x, "syn-cookies-sent"));
        ck_assert_uint_eq(warnings(&x), 3);
        free(tcp);
        scene_free(&x);
}
END_TEST

/* The listener behind ListenOverflows, as netlink gives it: its own backlog below somaxconn is
 * the application's to raise (the lab's accept-overflow); at somaxconn, somaxconn is the cap. */
START_TEST(accept_queue_backlog)
{
        for (int capped = 0; capped < 2; capped++) {
                struct sockstat_opts o = {0};
                struct sockstats *s = sockstats_new(&o);
                s->listeners[0] = (struct listener){.family = 4, .port = 8080, .queued = capped ? 0 : 9, .backlog = 8};
                s->listeners[1] = (struct listener){.family = 4, .port = 9090, .queued = capped ? 4097 : 0, .backlog = 4096};
                s->n_listeners = 2;
                struct advise_input in = {.stats = s, .port_lo = ADVISE_UNKNOWN, .somaxconn = 4096, .listen_overflows = 50,
                                          .listen_drops = 50, .tw_overflow = 0, .max_tw_buckets = 262144};
                struct advice *v;
                size_t n;
                ck_assert_int_eq(advise(&in, &v, &n), 0);
                const struct advice *a = NULL;
                for (size_t i = 0; i < n; i++)
                        if (strcmp(v[i].code, "accept-queue-overflow") == 0)
                                a = &v[i];
                ck_assert_ptr_nonnull(a);
                if (capped) {
                        ck_assert(strstr(a->message, "0.0.0.0:9090, holds 4097 of a backlog of 4096"));
                        ck_assert(has_remedy(a, "net.core.somaxconn", "8192"));
                        ck_assert_ptr_null(a->not_supported);
                } else {
                        ck_assert(strstr(a->message, "0.0.0.0:8080, holds 9 of the listen() backlog of 8"));
                        ck_assert_uint_eq(a->n_remedies, 0);
                        ck_assert(strstr(a->not_supported, "somaxconn"));
                }
                advice_free_all(v, n);
                sockstats_free(s);
        }
}
END_TEST

/* Over an interval: a counter that did not move is a trace of the past, said so and not a warning. */
START_TEST(interval_past_and_present)
{
        struct sockstat_opts o = {0};
        struct sockstats *s = sockstats_new(&o);
        struct advise_input before = {.listen_overflows = 50, .listen_drops = 50, .tw_overflow = 0,
                                      .reqq_full_drop = 0, .syncookies_sent = 0, .tw_recycled = 0,
                                      .active_opens = 100, .passive_opens = 7};
        for (int moved = 0; moved < 2; moved++) {
                struct advise_input in = before;
                in.stats = s;
                in.port_lo = ADVISE_UNKNOWN;
                in.somaxconn = 4096;
                in.listen_overflows += moved * 12;
                advise_interval(&in, &before, 2);
                ck_assert_int_eq(in.delta.listen_overflows, moved * 12);
                ck_assert_int_eq(in.delta.active_opens, 0);
                struct advice *v;
                size_t n;
                ck_assert_int_eq(advise(&in, &v, &n), 0);
                ck_assert_str_eq(v[0].code, "accept-queue-overflow");
                ck_assert_int_eq(v[0].severity, moved ? SEV_WARNING : SEV_INFO);
                ck_assert(strstr(v[0].message, moved ? "+12 in the last 2 s (62 since boot)" : "this happened earlier, not now"));
                advice_free_all(v, n);
        }
        sockstats_free(s);
}
END_TEST

START_TEST(settings_and_fin_wait2)
{
        struct scene x;
        static const char *nots[][2] = {{"net/ipv4/tcp_tw_reuse", "1"}, {"net/ipv4/tcp_timestamps", "0"}, {NULL, NULL}};
        struct strbuf sb = {0};
        int slot = 0;
        add_sockets(&sb, 1500, "0500000A:0050", 5, &slot);
        char *tcp = sb_steal(&sb);
        scene_new(&x, tcp, nots, 0, 0, 0, 0);
        const struct advice *a = get(&x, "reuse-needs-timestamps");
        ck_assert_ptr_nonnull(a);
        ck_assert(has_remedy(a, "net.ipv4.tcp_timestamps", "1"));
        ck_assert_ptr_nonnull(get(&x, "many-fin-wait2"));
        free(tcp);
        scene_free(&x);
}
END_TEST

START_TEST(proc_parsing)
{
        /* Recorded lines, IPv4 and IPv6, parsed the way the kernel prints them. */
        struct sockstat_opts o = {.remote_cap = 16, .port_lo = 32768, .port_hi = 60999};
        struct sockstats *s = sockstats_new(&o);
        ck_assert_int_eq(sockstats_feed_proc(s, "  sl  local_address rem_address   st\n"
                                                "   0: 0100007F:8000 0500000A:0050 06 00000000:00000000 03:0 0\n"
                                                "   1: 0100007F:0050 00000000:0000 0A 00000000:00000000 00:0 0\n"
                                                "   2: 0100007F:0050 0100007F:9000 01 00000000:00000000 00:0 0\n",
                                             4),
                         0);
        ck_assert_int_eq(sockstats_feed_proc(s, "   0: 00000000000000000000000001000000:8001 "
                                                "00000000000000000000000001000000:01BB 06 0\n",
                                             6),
                         0);
        ck_assert_uint_eq(s->count[0][6], 1);
        ck_assert_uint_eq(s->count[0][10], 1);
        ck_assert_uint_eq(s->count[0][1], 1);
        ck_assert_uint_eq(s->count[1][6], 1);
        const struct remote **top;
        size_t n = sockstats_top(s, 5, true, &top);
        ck_assert_uint_eq(n, 2);
        char buf[64];
        remote_format(top[0], buf, sizeof(buf));
        ck_assert(strcmp(buf, "10.0.0.5:80") == 0 || strcmp(buf, "[::1]:443") == 0);
        free(top);
        /* Ports 0x8000 and 0x8001 are ephemeral; 80 is a listener's, so its accepted side is not. */
        ck_assert_uint_eq(sockstats_ephemeral_in_use(s), 2);
        ck_assert_int_eq(sockstats_feed_proc(s, "   0: garbage\n", 4), -EINVAL);
        sockstats_free(s);
}
END_TEST

static Suite *suite(void)
{
        Suite *s = suite_create("advise");
        TCase *tc = tcase_create("advise");
        tcase_set_timeout(tc, 30);
        tcase_add_test(tc, no_problem);
        tcase_add_test(tc, ephemeral_exhaustion);
        tcase_add_test(tc, port_search_slow);
        tcase_add_test(tc, accept_queue_backlog);
        tcase_add_test(tc, interval_past_and_present);
        tcase_add_test(tc, time_wait_harmless);
        tcase_add_test(tc, queues_and_tables);
        tcase_add_test(tc, settings_and_fin_wait2);
        tcase_add_test(tc, proc_parsing);
        suite_add_tcase(s, tc);
        return s;
}

TEST_MAIN(suite)
