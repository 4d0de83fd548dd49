/* SPDX-License-Identifier: MIT */
/* verify's Prometheus output (verify_prom.c). */
#ifndef TWTUNE_VERIFY_PROM_H
#define TWTUNE_VERIFY_PROM_H

#include <stdbool.h>
#include <stddef.h>

struct cli;
struct rows;

struct verify_prom {
        const struct rows *rows;   /* status "drift" or "ok" per key */
        unsigned long generation;  /* 0: none */
        bool pending;
        const char *file_status;   /* NULL: no persisted file checked */
        size_t drifted;
};

/* With --format prometheus, the metrics on stdout; with file, also written there atomically.
 * Returns 0 or an exit code (the file could not be written). */
int verify_prometheus(struct cli *c, const char *file, const struct verify_prom *v);

#endif
