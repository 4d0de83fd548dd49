/* SPDX-License-Identifier: MIT */
#include "kver.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

static int parse_num(const char **p, unsigned *ret)
{
        if (!isdigit((unsigned char)**p))
                return -EINVAL;
        unsigned long v = 0;
        while (isdigit((unsigned char)**p)) {
                v = v * 10 + (unsigned long)(**p - '0');
                if (v > 100000)
                        return -EINVAL;
                (*p)++;
        }
        *ret = (unsigned)v;
        return 0;
}

/* Parses a version at *p and advances past it. */
static int kver_parse_prefix(const char **p, struct kver *ret)
{
        struct kver v = {0};
        if (parse_num(p, &v.major) < 0 || v.major == 0)
                return -EINVAL;
        if (**p == '.') {
                (*p)++;
                if (parse_num(p, &v.minor) < 0)
                        return -EINVAL;
                if (**p == '.') {
                        (*p)++;
                        if (parse_num(p, &v.patch) < 0)
                                return -EINVAL;
                }
        }
        *ret = v;
        return 0;
}

int kver_parse(const char *s, struct kver *ret)
{
        const char *p = s;
        struct kver v;
        if (kver_parse_prefix(&p, &v) < 0)
                return -EINVAL;
        if (*p && *p != '-' && *p != '+' && *p != '_' && *p != '\n')
                return -EINVAL;
        *ret = v;
        return 0;
}

int kver_cmp(struct kver a, struct kver b)
{
        if (a.major != b.major)
                return a.major < b.major ? -1 : 1;
        if (a.minor != b.minor)
                return a.minor < b.minor ? -1 : 1;
        if (a.patch != b.patch)
                return a.patch < b.patch ? -1 : 1;
        return 0;
}

const char *kver_format(struct kver v, char *buf, size_t size)
{
        if (v.patch)
                snprintf(buf, size, "%u.%u.%u", v.major, v.minor, v.patch);
        else
                snprintf(buf, size, "%u.%u", v.major, v.minor);
        return buf;
}

static void skip_space(const char **p)
{
        while (**p == ' ' || **p == '\t')
                (*p)++;
}

int kcond_parse(const char *s, struct kcond *ret, const char **ret_why)
{
        static const struct {
                const char *tok;
                enum kcond_op op;
        } ops[] = {
                /* Two-character operators first so "<=" is not read as "<". */
                {"<=", KC_LE}, {">=", KC_GE}, {"==", KC_EQ}, {"!=", KC_NE},
                {"<", KC_LT},  {">", KC_GT},  {"=", KC_EQ},
        };
        struct kcond c = {0};
        const char *p = s;
        const char *why = NULL;

        for (;;) {
                skip_space(&p);
                if (strncmp(p, "kernel", 6) == 0) {
                        p += 6;
                        skip_space(&p);
                }
                size_t i;
                for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
                        if (strncmp(p, ops[i].tok, strlen(ops[i].tok)) == 0)
                                break;
                if (i == sizeof(ops) / sizeof(ops[0])) {
                        why = "expected a comparison such as \"kernel >= 4.12\"";
                        goto fail;
                }
                p += strlen(ops[i].tok);
                skip_space(&p);
                if (c.n == KCOND_MAX) {
                        why = "too many clauses (at most 4)";
                        goto fail;
                }
                c.c[c.n].op = ops[i].op;
                if (kver_parse_prefix(&p, &c.c[c.n].v) < 0) {
                        why = "expected a kernel version such as 4.12";
                        goto fail;
                }
                c.n++;
                skip_space(&p);
                if (*p == '\0')
                        break;
                if (strncmp(p, "&&", 2) == 0)
                        p += 2;
                else if (*p == ',')
                        p++;
                else {
                        why = "clauses are joined with \"&&\"";
                        goto fail;
                }
        }
        *ret = c;
        return 0;
fail:
        if (ret_why)
                *ret_why = why;
        return -EINVAL;
}

bool kcond_eval(const struct kcond *c, struct kver v)
{
        for (size_t i = 0; i < c->n; i++) {
                int r = kver_cmp(v, c->c[i].v);
                bool ok;
                switch (c->c[i].op) {
                case KC_LT: ok = r < 0; break;
                case KC_LE: ok = r <= 0; break;
                case KC_GT: ok = r > 0; break;
                case KC_GE: ok = r >= 0; break;
                case KC_EQ: ok = r == 0; break;
                default:    ok = r != 0; break;
                }
                if (!ok)
                        return false;
        }
        return true;
}
