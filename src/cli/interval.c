/* SPDX-License-Identifier: MIT */
/* --interval for stats and advise: the option's value and the wait between two samples. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "errors.h"
#include "interval.h"

/* --interval SECONDS: a number of seconds from 0.1 to 3600 (a fraction is fine). */
int cli_parse_interval(struct cli *c, const char *arg, double *ret)
{
        char *end;
        errno = 0;
        double v = strtod(arg, &end);
        if (errno || end == arg || *end || !(v >= 0.1 && v <= 3600))
                return cli_usage_error(c, "--interval takes seconds from 0.1 to 3600, not '%s'", arg);
        *ret = v;
        return 0;
}

void cli_sleep(double seconds)
{
        struct timespec ts = {.tv_sec = (time_t)seconds, .tv_nsec = (long)((seconds - (double)(time_t)seconds) * 1e9)};
        while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
                ;
}

int cli_parse_wait(struct cli *c, const char *arg, unsigned long *ret_ms)
{
        /* Digits with an optional fraction: strtod alone would take "nan", "inf" and "1e3". */
        size_t digits = strspn(arg, "0123456789");
        bool ok = digits > 0 && (arg[digits] == '\0' || (arg[digits] == '.' && arg[digits + 1] &&
                                                         arg[digits + 1 + strspn(arg + digits + 1, "0123456789")] == '\0'));
        double s = ok ? strtod(arg, NULL) : -1;
        if (!ok || s > 86400)
                return cli_usage_error(c, "--wait takes seconds from 0 to 86400, not '%s'", arg);
        *ret_ms = (unsigned long)(s * 1000);
        return 0;
}
