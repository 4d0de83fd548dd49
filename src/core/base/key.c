/* SPDX-License-Identifier: MIT */
#include "key.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int fail(const char **ret_why, const char *why)
{
        if (ret_why)
                *ret_why = why;
        return -EINVAL;
}

/* What every key must be, in either form: length, not absolute, the bytes it may hold. */
static int check_bytes(const char *in, size_t n, const char **ret_why)
{
        if (n == 0)
                return fail(ret_why, "empty key");
        if (n > KEY_MAX_LEN)
                return fail(ret_why, "key longer than 255 characters");
        if (in[0] == '/')
                return fail(ret_why, "absolute path; write the key relative to /proc/sys");
        for (size_t i = 0; i < n; i++) {
                unsigned char c = (unsigned char)in[i];
                if (c <= ' ' || c >= 0x7f)
                        return fail(ret_why, "whitespace, control or non-ASCII character in key");
                if (c == '=')
                        return fail(ret_why, "'=' in key");
        }
        return 0;
}

/* Components in dotted form; "/" and "//" would become "." and ".." in the path. */
static int check_components(const char *k, const char **ret_why)
{
        for (const char *c = k;;) {
                size_t len = strcspn(c, ".");
                if (len == 0 || (len == 1 && c[0] == '/') || (len == 2 && c[0] == '/' && c[1] == '/'))
                        return fail(ret_why, len == 0 ? "empty component in key" : "'.' or '..' component in key");
                if (!c[len])
                        return 0;
                c += len + 1;
        }
}

int key_normalize(const char *in, char **ret, const char **ret_why)
{
        int r = check_bytes(in, strlen(in), ret_why);
        if (r < 0)
                return r;
        char *k = strdup(in);
        if (!k)
                return -ENOMEM;
        size_t sep = strcspn(k, "./");
        if (k[sep] == '/')
                for (char *p = k; *p; p++)
                        *p = *p == '/' ? '.' : *p == '.' ? '/' : *p;
        if ((r = check_components(k, ret_why)) < 0) {
                free(k);
                return r;
        }
        *ret = k;
        return 0;
}

bool key_is_normal(const char *key)
{
        /* A '/' first would be swapped for a '.', so the normal form would differ. */
        return check_bytes(key, strlen(key), NULL) == 0 && key[strcspn(key, "./")] != '/' &&
               check_components(key, NULL) == 0;
}

char *key_to_path(const char *key)
{
        char *p = strdup(key);
        if (!p)
                return NULL;
        for (char *c = p; *c; c++)
                *c = *c == '.' ? '/' : *c == '/' ? '.' : *c;
        return p;
}

char *key_tool_form(const char *k, bool systemd_rules)
{
        char sep = k[strcspn(k, "./")] == '/' ? '/' : '.', other = sep == '.' ? '/' : '.';
        char *s = strdup(k), *w = s;
        if (!s)
                return NULL;
        for (const char *p = k; *p; p++)
                if (*p != sep || w == s || w[-1] != sep)
                        *w++ = *p;
        *w = '\0';
        if (s[0] == sep && s[1] && s[1 + strcspn(s + 1, "./")] != other)
                memmove(s, s + 1, strlen(s));
        size_t n = strlen(s);
        /* systemd drops a trailing separator; procps looks up "x/", which fails, but its glob(3) of
         * "x/STAR/y/" finds the keys of "x/STAR/y". */
        if ((systemd_rules || strpbrk(s, "*?[")) && n > 1 && s[n - 1] == sep)
                s[n - 1] = '\0';
        return s;
}

const char *key_unnameable(const char *key)
{
        const char *why = NULL;
        char *norm = NULL;
        int r = key_normalize(key, &norm, &why);
        bool same = r == 0 && strcmp(norm, key) == 0;
        free(norm);
        if (r == -ENOMEM)
                return "out of memory";
        if (r < 0)
                return why;
        if (!same)
                return "a name that does not read back as the same key";
        if (strpbrk(key, "*?[]\\"))
                return "a glob character, which systemd-sysctl would read as a pattern";
        return NULL;
}
