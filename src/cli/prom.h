/* SPDX-License-Identifier: MIT */
/* The Prometheus text exposition format (version 0.0.4) for stats, advise and verify: metric
 * names, help and types in one place (documented in README.md and twtune(8)), and the file a
 * node_exporter textfile collector reads, replaced atomically. */
#ifndef TWTUNE_PROM_H
#define TWTUNE_PROM_H

#include <stdio.h>

struct cli;
struct sockstats;
struct advise_input;
struct advice;

/* A metric family's "# HELP" and "# TYPE" lines; type is "gauge" or "counter". */
void prom_family(FILE *f, const char *name, const char *type, const char *help);
/* One sample: name{labels} value. labels is "k1", "v1", "k2", "v2", ..., NULL; values escaped. */
void prom_sample(FILE *f, const char *name, double value, ...) __attribute__((sentinel));

/* Socket counts by state and family, ephemeral ports, the kernel counters of in, and with top,
 * the top endpoints of s's remote and local tables. */
void prom_stats(FILE *f, const struct sockstats *s, const struct advise_input *in, long long ports_available,
                unsigned long ports_in_use, size_t top);
/* One twtune_advice sample per finding, and a count by severity. */
void prom_advise(FILE *f, const struct advice *v, size_t n);
/* The time of this run, for staleness alerts: twtune_<what>_timestamp_seconds. */
void prom_timestamp(FILE *f, const char *what);

/* Writes the text that fill writes into path atomically (temporary, fsync, rename, fsync of the
 * directory). Returns 0, or an exit code after printing the error. */
int prom_write_file(struct cli *c, const char *path, void (*fill)(FILE *f, void *ud), void *ud);

#endif
