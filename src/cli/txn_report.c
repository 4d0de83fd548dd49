/* SPDX-License-Identifier: MIT */
/* The errors and exit codes of a transaction that could not be planned or that failed. */
#include "txn_report.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "txn.h"
#include "util.h"

int cli_plan_error(struct cli *c, const char *key, int r)
{
        if (!key)
                return cli_error(c, EXIT_ENV, "cannot read the current values: %s; nothing was changed", strerror(-r));
        if (r == -EBADMSG)
                return cli_error(c, EXIT_ENV, "%s: its current value holds control characters or several lines, which "
                                 "twtune could not restore exactly; nothing was changed", key);
        return cli_error(c, EXIT_ENV, "%s: cannot read its current value: %s; nothing was changed", key,
                         r == -ENOENT ? "no such key" : strerror(-r));
}

/* Prints what txn_recover or a failed transaction left, and picks the exit code. */
int cli_txn_exit(struct cli *c, const struct txn_failure *f, enum txn_result res)
{
        int code = res == TXN_RESTORE_FAILED ? EXIT_ROLLBACK_FAILED : EXIT_APPLY_ROLLED_BACK;
        if (f->key && !c->err_key)
                c->err_key = strdup(f->key);
        if (f->key || f->detail)
                cli_access_error(c, code, f->error, "%s%s%s%s%s%s%s", f->key ? f->key : "", f->key ? ": " : "",
                                 f->error ? strerror(-f->error) : "", f->detail ? (f->error ? " (" : "") : "",
                                 f->detail ? f->detail : "", f->detail && f->error ? ")" : "",
                                 res == TXN_RESTORE_FAILED ? "" : "; every change was rolled back");
        if (res == TXN_RESTORE_FAILED) {
                struct strbuf sb = {0};
                for (size_t i = 0; i < f->n_left; i++)
                        sb_appendf(&sb, " %s", f->left_changed[i]);
                if (f->file_left_changed)
                        sb_appendf(&sb, " %s", TXN_FILE_NAME);
                char *left = sb_steal(&sb);
                cli_error(c, code, "ROLLBACK FAILED; left changed:%s", left ? left : " ?");
                cli_error(c, code, "the journal is kept; fix the cause and run 'twtune recover'");
                free(left);
        } else if (!f->key && !f->detail)
                cli_error(c, code, "every change was rolled back");
        return code;
}
