/* SPDX-License-Identifier: MIT */
#include "fault.h"

#include <errno.h>
#include <stdbool.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#ifdef TWTUNE_FAULT_INJECTION

static unsigned long total;

#define MAX_NAMES 16
static struct {
        char name[32];
        unsigned long count;
} seen[MAX_NAMES];

static unsigned long bump(const char *name)
{
        for (int i = 0; i < MAX_NAMES; i++) {
                if (seen[i].name[0] == '\0') {
                        strncpy(seen[i].name, name, sizeof(seen[i].name) - 1);
                        return ++seen[i].count;
                }
                if (strcmp(seen[i].name, name) == 0)
                        return ++seen[i].count;
        }
        return 0;
}

static bool matches(const char *spec, size_t len, const char *name, unsigned long nth)
{
        if (len > 5 && strncmp(spec, "kill:", 5) == 0) {
                if (strtoul(spec + 5, NULL, 10) == total)
                        raise(SIGKILL);
                return false;
        }
        if (len <= 5 || strncmp(spec, "fail:", 5) != 0)
                return false;
        const char *n = spec + 5, *colon = memchr(n, ':', len - 5);
        if (!colon || (size_t)(colon - n) != strlen(name) || strncmp(n, name, strlen(name)) != 0)
                return false;
        return colon[1] == '*' || strtoul(colon + 1, NULL, 10) == nth;
}

int fault_point(const char *name)
{
        const char *spec = getenv("TWTUNE_FAULT");
        total++;
        unsigned long nth = bump(name);
        if (!spec)
                return 0;
        int r = 0;
        for (const char *p = spec; *p;) {
                size_t len = strcspn(p, ",");
                if (matches(p, len, name, nth))
                        r = -EIO;
                p += len + (p[len] == ',');
        }
        return r;
}

void fault_pause(const char *name)
{
        const char *spec = getenv("TWTUNE_FAULT");
        size_t n = strlen(name);
        for (const char *p = spec; p && *p;) {
                size_t len = strcspn(p, ",");
                if (len == 5 + n && strncmp(p, "stop:", 5) == 0 && strncmp(p + 5, name, n) == 0)
                        raise(SIGSTOP);
                p += len + (p[len] == ',');
        }
}

void fault_reset(void)
{
        total = 0;
        memset(seen, 0, sizeof(seen));
}

bool fault_compiled(void)
{
        return true;
}

#else /* a release build: no hook */

int fault_point(const char *name)
{
        (void)name;
        return 0;
}

void fault_pause(const char *name)
{
        (void)name;
}

void fault_reset(void)
{
}

bool fault_compiled(void)
{
        return false;
}

#endif
