/* SPDX-License-Identifier: MIT */
/* Errors and notes as each format shows them, and the names of the exit codes. */
#include "errors.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "output.h"
#include "util.h"

const char *cli_exit_code_name(int exit_code)
{
        switch (exit_code) {
        case EXIT_DRIFT: return "drift";
        case EXIT_USAGE: return "usage";
        case EXIT_INVALID: return "invalid-profile";
        case EXIT_APPLY_ROLLED_BACK: return "rolled-back";
        case EXIT_ENV: return "environment";
        case EXIT_ROLLBACK_FAILED: return "rollback-incomplete";
        case EXIT_REPORT_LOST: return "report-lost";
        default: return "error";
        }
}

/* "twtune CMD: message" with the message escaped: it quotes paths, keys and values from outside.
 * Returns whether it printed (JSON keeps errors for its "error" member instead). */
static bool print_error(struct cli *c, int exit_code, const char *code, const char *fmt, va_list ap)
{
        char *msg = str_vprintf(fmt, ap);
        const char *m = msg ? msg : strerror(ENOMEM);
        bool printed = true;
        if (exit_code && !c->err_code)
                c->err_code = code;
        if (exit_code && c->format == FMT_JSON) {
                char *all = c->err_message ? str_printf("%s; %s", c->err_message, m) : strdup(m);
                if (all) {
                        free(c->err_message);
                        c->err_message = all;
                }
                printed = false;
        } else if (c->format == FMT_GITHUB) {
                struct finding x = {.severity = exit_code ? SEV_ERROR : SEV_INFO,
                                    .code = (char *)(code ? code : exit_code ? cli_exit_code_name(exit_code) : "note"),
                                    .message = (char *)m};
                struct findings one = {.v = &x, .n = 1, .cap = 1};
                bool quiet = c->quiet;
                c->quiet = false;
                out_findings_github(c, &one);
                c->quiet = quiet;
                printed = false;
        } else {
                fprintf(c->err, "twtune%s%s: ", c->cmd ? " " : "", c->cmd ? c->cmd : "");
                out_text(c->err, m);
                fputc('\n', c->err);
        }
        free(msg);
        return printed;
}

int cli_usage_error(struct cli *c, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        bool printed = print_error(c, EXIT_USAGE, NULL, fmt, ap);
        va_end(ap);
        if (printed)
                fprintf(c->err, "Try 'twtune %s%s--help'.\n", c->cmd ? c->cmd : "", c->cmd ? " " : "");
        return EXIT_USAGE;
}

int cli_error(struct cli *c, int code, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        print_error(c, code, NULL, fmt, ap);
        va_end(ap);
        return code;
}

int cli_fail(struct cli *c, int exit_code, const char *code, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        print_error(c, exit_code, code, fmt, ap);
        va_end(ap);
        return exit_code;
}

int cli_access_error(struct cli *c, int code, int err, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        char *msg = str_vprintf(fmt, ap);
        va_end(ap);
        bool denied = (err == -EACCES || err == -EPERM) && geteuid() != 0;
        int r = cli_fail(c, code, denied ? "needs-root" : NULL, "%s%s%s", !denied ? "" : c->cmd ? c->cmd : "twtune", denied ? " needs root: " : "",
                          msg ? msg : strerror(ENOMEM));
        free(msg);
        return r;
}
