/* SPDX-License-Identifier: MIT */
/* Seconds on the command line: --wait, --interval, and the wait between two samples (interval.c). */
#ifndef TWTUNE_INTERVAL_H
#define TWTUNE_INTERVAL_H

#include "cli.h"

/* Parses --wait SECONDS into milliseconds. */
int cli_parse_wait(struct cli *c, const char *arg, unsigned long *ret_ms);

/* --interval SECONDS (stats, advise): from 0.1 to 3600, else a usage error (its exit code). */
int cli_parse_interval(struct cli *c, const char *arg, double *ret);
/* Sleeps that long, through signals. */
void cli_sleep(double seconds);

#endif
