/* SPDX-License-Identifier: MIT */
/* The rows apply would show (plan_rows.c). */
#ifndef TWTUNE_PLAN_ROWS_H
#define TWTUNE_PLAN_ROWS_H

#include "cli.h"

struct diff;
struct findings;
struct profile;
struct rows;
struct sysroot;
struct validate_opts;

/* The rows apply would show for p: its plan against the live values, with managed keys the
 * profile drops; the diff's rows where no plan can be made. */
void cli_plan_rows(struct cli *c, struct sysroot *sr, const struct profile *p, const struct validate_opts *vo,
                   const struct diff *d, struct rows *rows, struct findings *f);

#endif
