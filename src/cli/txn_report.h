/* SPDX-License-Identifier: MIT */
/* Why a transaction could not be planned, or what became of one that failed (txn_report.c). */
#ifndef TWTUNE_TXN_REPORT_H
#define TWTUNE_TXN_REPORT_H

#include "cli.h"
#include "txn.h"

/* Prints why a transaction could not be planned (key: the key that could not be read, or NULL)
 * and returns EXIT_ENV. */
int cli_plan_error(struct cli *c, const char *key, int r);

/* Prints a failed transaction (its cause, and any keys left changed) and returns 4 or 6. */
int cli_txn_exit(struct cli *c, const struct txn_failure *f, enum txn_result res);

#endif
