/* SPDX-License-Identifier: MIT */
/* Advice tied to what the host shows: socket counts, kernel counters and sysctls in, findings
 * with their evidence and the sysctl changes that evidence supports out. */
#ifndef TWTUNE_ADVISE_H
#define TWTUNE_ADVISE_H

#include <stdbool.h>
#include <stddef.h>

#include "finding.h"

struct sysroot;
struct sockstats;
struct profile;
struct validate_opts;

#define ADVISE_UNKNOWN (-1LL)

/* What advise() looks at. Unknown numbers are ADVISE_UNKNOWN. */
struct advise_input {
        const struct sockstats *stats; /* collected with a remote table and the port range */
        long long port_lo, port_hi, reserved;
        long long tw_reuse, timestamps, tw_reuse_delay_ms, max_tw_buckets, max_syn_backlog, somaxconn, syncookies;
        long long fin_timeout;
        /* TcpExt counters from /proc/net/netstat, and Tcp ones from /proc/net/snmp, cumulative
         * since boot (or namespace creation) */
        long long listen_overflows, listen_drops, tw_overflow, reqq_full_drop, syncookies_sent;
        long long tw_recycled, active_opens, passive_opens;
        /* With two samples (advise_interval): the seconds between them and each counter's
         * growth over them, ADVISE_UNKNOWN when either sample lacks it. interval 0: one sample. */
        double interval;
        struct {
                long long listen_overflows, listen_drops, tw_overflow, reqq_full_drop, syncookies_sent;
                long long tw_recycled, active_opens, passive_opens;
        } delta;
};

enum remedy_op { REMEDY_SET, REMEDY_AT_LEAST };

struct remedy {
        const char *key;
        enum remedy_op op;
        char value[32];
};

struct advice {
        enum severity severity;
        const char *code;
        char *message;
        char *evidence;
        struct remedy remedies[3];
        size_t n_remedies;
        const char *not_supported; /* popular changes this evidence does not call for, or NULL */
};

/* Reads sysctls, <root>/proc/net/netstat and the given stats into in. */
int advise_collect(struct sysroot *sr, const struct sockstats *stats, struct advise_input *in);
/* Sets in's counters from the text of /proc/net/netstat, or of netstat and snmp one after the
 * other (NUL-terminated): each one absent, cut short or not a decimal number is ADVISE_UNKNOWN.
 * advise_collect reads the files with it. */
void advise_parse_netstat(const char *text, struct advise_input *in);
/* Makes in (the later sample) one over an interval: sets in->interval and in->delta from the
 * counters of before, taken seconds earlier (> 0). */
void advise_interval(struct advise_input *in, const struct advise_input *before, double seconds);
/* The findings for in; *ret is an array of *ret_n (advice_free_all to free). */
int advise(const struct advise_input *in, struct advice **ret, size_t *ret_n);
void advice_free_all(struct advice *v, size_t n);

/* Whether the profile already makes every change a advises: sets it (for its kernel) to the value,
 * or to at least the value. */
bool advice_addressed(const struct advice *a, const struct profile *p, const struct validate_opts *o);

/* A profile with every remedy (the strongest for each key), as YAML text `check` accepts. */
char *advise_profile_yaml(const struct advice *v, size_t n, const char *generated_on);

#endif
