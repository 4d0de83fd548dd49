/* SPDX-License-Identifier: MIT */
/* The rows apply would show: the plan against the live values, with the keys twtune manages that
 * the profile drops. */
#include "plan_rows.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "boot_check.h"
#include "errors.h"
#include "managed.h"
#include "rows.h"
#include "state.h"
#include "state_lock.h"
#include "txn.h"

void cli_plan_rows(struct cli *c, struct sysroot *sr, const struct profile *p, const struct validate_opts *vo,
                   const struct diff *d, struct rows *rows, struct findings *f)
{
        struct managed m = {0};
        struct txn *x = NULL;
        int r = cli_managed(c, sr, NULL, &m);
        if (r < 0)
                cli_error(c, 0, "cannot read what twtune manages (%s): managed keys this profile drops are not shown",
                          r == -EBADMSG ? "a damaged generation record" : strerror(-r));
        int planned = txn_from_profile(p, vo, sr, true, &m, &x, NULL);
        managed_release(&m); /* before the boot view: with 100 000 keys, memory adds up */
        if (planned == 0) {
                /* Shown, never committed: the baselines a commit would record, and the planning's
                 * key index, go before the boot view (about 1 MB with 9 000 keys). */
                free(x->base); /* its strings are the plan's */
                x->base = NULL;
                x->n_base = 0;
                strmap_release(&x->keyset);
                /* The boot view before the rows: the two are the run's largest, and need not be
                 * held at once. */
                if (!c->state_sub) /* the boot configures the host's namespace only */
                        cli_boot_check_txn(c, sr, x, f);
                rows_from_plan(rows, d, x, false);
        } else
                rows_from_diff(rows, d);
        txn_free(x);
        managed_release(&m);
}
