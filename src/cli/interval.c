/* SPDX-License-Identifier: MIT */
/* --interval for stats and advise: the option's value and the wait between two samples. */
#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "cli.h"

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
