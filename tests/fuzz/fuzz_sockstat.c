/* SPDX-License-Identifier: MIT */
/* libFuzzer target for the kernel-text parsers that a --root tree puts in an attacker's hands:
 * /proc/net/tcp and tcp6 (sockstats_feed_proc, family 4 and 6), /proc/net/netstat
 * (advise_parse_netstat), and the NETLINK_SOCK_DIAG reply walk (sockstats_feed_netlink).
 * Every input goes to all of them. The text parsers get it NUL-terminated and the netlink walk
 * gets the raw bytes, each in a heap block of exactly that size, so a read one byte past the
 * end is an ASan report rather than a quiet look at libFuzzer's own buffer. What they parsed
 * then goes through the code that uses it (remote table, port map, advise's arithmetic). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "advise.h"
#include "sockstat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void use_stats(const struct sockstats *s)
{
        const struct remote **top;
        size_t n = sockstats_top(s, 3, true, &top);
        char buf[64];
        for (size_t i = 0; i < n; i++)
                remote_format(top[i], buf, sizeof(buf));
        free(top);
        n = sockstats_top_local(s, 3, false, &top);
        for (size_t i = 0; i < n; i++)
                remote_format(top[i], buf, sizeof(buf));
        free(top);
        (void)sockstats_ephemeral_in_use(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char *text = malloc(size + 1);
        void *raw = malloc(size ? size : 1);
        /* A small remote table, so that filling it (and dropping the rest) is reachable too. The
         * port map covers every port whatever the range; a short range only keeps the count of
         * ephemeral ports in use, a loop over the range, from taking most of each run. */
        struct sockstat_opts o = {.remote_cap = 4, .local_cap = 4, .port_lo = 32768, .port_hi = 33023};
        struct sockstats *s = sockstats_new(&o);
        if (!text || !raw || !s)
                goto out;
        memcpy(text, data, size);
        text[size] = '\0';
        memcpy(raw, data, size);

        sockstats_feed_proc(s, text, 4);
        sockstats_feed_proc(s, text, 6);
        sockstats_feed_netlink(s, raw, size, 4);
        sockstats_feed_netlink(s, raw, size, 6);
        use_stats(s);

        struct advise_input in = {.stats = s, .port_lo = 32768, .port_hi = 33023, .tw_reuse = 1, .timestamps = 1,
                                  .tw_reuse_delay_ms = ADVISE_UNKNOWN, .syncookies = 0};
        advise_parse_netstat(text, &in);
        /* The sysctls come from a --root as any 64-bit number: feed advise the parsed counters
         * as sysctls too, so its remedy arithmetic sees the extremes. */
        in.max_syn_backlog = in.listen_drops;
        in.somaxconn = in.syncookies_sent;
        in.max_tw_buckets = in.tw_overflow;
        in.reserved = 0;
        struct advice *v;
        size_t n;
        if (advise(&in, &v, &n) == 0)
                advice_free_all(v, n);
out:
        sockstats_free(s);
        free(raw);
        free(text);
        return 0;
}
