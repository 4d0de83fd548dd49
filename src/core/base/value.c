/* SPDX-License-Identifier: MIT */
#include "value.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static const char BLANKS[] = " \t\n\r\v\f";

int value_check(const char *v, const char **ret_why)
{
        const char *why = NULL;
        for (const char *p = v; *p && !why;) {
                unsigned cp;
                int k = utf8_decode(p, &cp);
                if (k < 0)
                        why = "value is not valid UTF-8";
                else if (cp == '\n' || cp == '\r' || cp == 0x2028 || cp == 0x2029)
                        why = "value contains a line break";
                else if (cp == '=')
                        why = "value contains '='";
                else if (cp != '\t' && !unicode_printable(cp))
                        why = "value contains a control character";
                p += k > 0 ? k : 1;
        }
        if (why && ret_why)
                *ret_why = why;
        return why ? -EINVAL : 0;
}

char *value_normalize(const char *s)
{
        struct strbuf sb = {0};
        for (const char *p = s + strspn(s, BLANKS); *p;) {
                size_t n = strcspn(p, BLANKS);
                if (sb.len)
                        sb_append(&sb, " ");
                sb_appendn(&sb, p, n);
                p += n;
                p += strspn(p, BLANKS);
        }
        return sb_steal(&sb);
}

int value_split(const char *s, char ***ret, size_t *ret_n)
{
        size_t n = 0;
        for (const char *p = s + strspn(s, BLANKS); *p; p += strspn(p, BLANKS)) {
                p += strcspn(p, BLANKS);
                n++;
        }
        char **v = calloc(n + 1, sizeof(*v));
        if (!v)
                return -ENOMEM;
        size_t i = 0;
        for (const char *p = s + strspn(s, BLANKS); *p; p += strspn(p, BLANKS)) {
                size_t len = strcspn(p, BLANKS);
                v[i] = strndup(p, len);
                if (!v[i]) {
                        value_tokens_free(v);
                        return -ENOMEM;
                }
                i++;
                p += len;
        }
        *ret = v;
        if (ret_n)
                *ret_n = n;
        return 0;
}

void value_tokens_free(char **tokens)
{
        if (!tokens)
                return;
        for (char **t = tokens; *t; t++)
                free(*t);
        free(tokens);
}

static bool token_equal(const char *a, size_t alen, const char *b, size_t blen)
{
        if (alen == blen && memcmp(a, b, alen) == 0)
                return true;
        char x[32], y[32];
        if (alen >= sizeof(x) || blen >= sizeof(y))
                return false;
        memcpy(x, a, alen);
        x[alen] = '\0';
        memcpy(y, b, blen);
        y[blen] = '\0';
        long long u, v;
        return parse_kernel_int(x, &u) == 0 && parse_kernel_int(y, &v) == 0 && u == v;
}

bool value_equal(const char *a, const char *b)
{
        a += strspn(a, BLANKS);
        b += strspn(b, BLANKS);
        while (*a && *b) {
                size_t la = strcspn(a, BLANKS), lb = strcspn(b, BLANKS);
                if (!token_equal(a, la, b, lb))
                        return false;
                a += la;
                a += strspn(a, BLANKS);
                b += lb;
                b += strspn(b, BLANKS);
        }
        return *a == '\0' && *b == '\0';
}

int portlist_parse(const char *s, unsigned lo, unsigned hi, unsigned long *ret_in_range)
{
        unsigned long in = 0;
        for (const char *p = s; *p;) {
                char *end;
                if (*p < '0' || *p > '9')
                        return -EINVAL;
                long a = strtol(p, &end, 10), b = a;
                if (*end == '-') {
                        p = end + 1;
                        if (*p < '0' || *p > '9')
                                return -EINVAL;
                        b = strtol(p, &end, 10);
                }
                if (a > 65535 || b > 65535 || a > b)
                        return -ERANGE;
                long x = a > (long)lo ? a : (long)lo, y = b < (long)hi ? b : (long)hi;
                if (y >= x)
                        in += (unsigned long)(y - x + 1);
                if (*end == ',' && end[1])
                        end++;
                else if (*end)
                        return -EINVAL;
                p = end;
        }
        if (ret_in_range)
                *ret_in_range = in;
        return 0;
}

/* Marks the ports of a list in a 65536-bit set; -EINVAL or -ERANGE as portlist_parse. */
static int portlist_bits(const char *s, unsigned char *bits)
{
        int r = portlist_parse(s, 0, 0, NULL);
        if (r < 0)
                return r;
        for (const char *p = s; *p;) {
                char *end;
                long a = strtol(p, &end, 10), b = a;
                if (*end == '-')
                        b = strtol(end + 1, &end, 10);
                for (long x = a; x <= b; x++)
                        bits[x >> 3] |= (unsigned char)(1u << (x & 7));
                p = *end == ',' ? end + 1 : end;
        }
        return 0;
}

bool portlist_equal(const char *a, const char *b)
{
        char *na = value_normalize(a), *nb = value_normalize(b);
        unsigned char *x = calloc(2, 65536 / 8);
        bool eq = false;
        if (na && nb && x && portlist_bits(na, x) == 0 && portlist_bits(nb, x + 65536 / 8) == 0)
                eq = memcmp(x, x + 65536 / 8, 65536 / 8) == 0;
        free(x);
        free(na);
        free(nb);
        return eq;
}

bool value_has_token(const char *list, const char *token)
{
        size_t n = strlen(token);
        for (const char *p = list + strspn(list, BLANKS); *p; p += strspn(p, BLANKS)) {
                size_t len = strcspn(p, BLANKS);
                if (len == n && memcmp(p, token, n) == 0)
                        return true;
                p += len;
        }
        return false;
}
