/* SPDX-License-Identifier: MIT */
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool sb_reserve(struct strbuf *sb, size_t extra)
{
        if (sb->oom)
                return false;
        if (sb->len + extra + 1 <= sb->cap)
                return true;
        size_t cap = sb->cap ? sb->cap : 64;
        while (cap < sb->len + extra + 1)
                cap *= 2;
        char *p = realloc(sb->buf, cap);
        if (!p) {
                sb->oom = true;
                return false;
        }
        sb->buf = p;
        sb->cap = cap;
        return true;
}

void sb_appendn(struct strbuf *sb, const char *s, size_t n)
{
        if (!sb_reserve(sb, n))
                return;
        memcpy(sb->buf + sb->len, s, n);
        sb->len += n;
        sb->buf[sb->len] = '\0';
}

void sb_append(struct strbuf *sb, const char *s)
{
        sb_appendn(sb, s, strlen(s));
}

void sb_appendf(struct strbuf *sb, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        char *s = str_vprintf(fmt, ap);
        va_end(ap);
        if (!s) {
                sb->oom = true;
                return;
        }
        sb_append(sb, s);
        free(s);
}

char *sb_steal(struct strbuf *sb)
{
        char *r = NULL;
        if (sb->oom)
                free(sb->buf);
        else if (!sb->buf)
                r = strdup("");
        else if (sb->cap - sb->len > 32 && (r = realloc(sb->buf, sb->len + 1)))
                ; /* many short strings live long: the rest of the buffer goes back */
        else
                r = sb->buf;
        *sb = (struct strbuf){0};
        return r;
}

void sb_release(struct strbuf *sb)
{
        free(sb->buf);
        *sb = (struct strbuf){0};
}

void *array_grow(void *v, size_t n, size_t size)
{
        if (v && (n < 4 || (n & (n - 1)) != 0))
                return v; /* below the capacity the last doubling made */
        size_t cap = n < 4 ? 4 : n * 2;
        if (size && cap > SIZE_MAX / size)
                return NULL;
        return realloc(v, cap * size);
}

char *str_vprintf(const char *fmt, va_list ap)
{
        char *s;
        if (vasprintf(&s, fmt, ap) < 0)
                return NULL;
        return s;
}

char *str_printf(const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        char *s = str_vprintf(fmt, ap);
        va_end(ap);
        return s;
}

bool str_has_suffix(const char *s, const char *suffix)
{
        size_t a = strlen(s), b = strlen(suffix);
        return a >= b && strcmp(s + a - b, suffix) == 0;
}

int read_fd(int fd, size_t max, char **ret, size_t *ret_len)
{
        struct stat st;
        if (fstat(fd, &st) < 0)
                return -errno;
        if (!S_ISREG(st.st_mode))
                return S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
        /* /proc files report size 0, so read until EOF rather than trusting st_size. */
        size_t cap = 4096, len = 0;
        char *buf = malloc(cap);
        if (!buf)
                return -ENOMEM;
        for (;;) {
                if (len + 1 >= cap) {
                        char *p = realloc(buf, cap * 2);
                        if (!p) {
                                free(buf);
                                return -ENOMEM;
                        }
                        buf = p;
                        cap *= 2;
                }
                ssize_t n = read(fd, buf + len, cap - len - 1);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0) {
                        int r = -errno;
                        free(buf);
                        return r;
                }
                if (n == 0)
                        break;
                len += (size_t)n;
                if (len > max) {
                        free(buf);
                        return -EFBIG;
                }
        }
        buf[len] = '\0';
        if (cap - len > 256) { /* a short value (every sysctl) need not keep its 4 KiB buffer */
                char *p = realloc(buf, len + 1);
                if (p)
                        buf = p;
        }
        *ret = buf;
        if (ret_len)
                *ret_len = len;
        return 0;
}

int read_stream(int fd, size_t max, char **ret, size_t *ret_len)
{
        struct strbuf sb = {0};
        char chunk[8192];
        for (;;) {
                ssize_t n = read(fd, chunk, sizeof(chunk));
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0) {
                        int r = -errno;
                        sb_release(&sb);
                        return r;
                }
                if (n == 0)
                        break;
                sb_appendn(&sb, chunk, (size_t)n);
                if (sb.len > max) {
                        sb_release(&sb);
                        return -EFBIG;
                }
        }
        size_t len = sb.len;
        char *s = sb_steal(&sb);
        if (!s)
                return -ENOMEM;
        *ret = s;
        if (ret_len)
                *ret_len = len;
        return 0;
}

int read_file_at(int dirfd, const char *path, size_t max, char **ret, size_t *ret_len)
{
        int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        if (fd < 0)
                return -errno;
        int r = read_fd(fd, max, ret, ret_len);
        close(fd);
        return r;
}

int parse_kernel_int(const char *s, long long *ret)
{
        const char *p = s;
        bool neg = false;
        if (*p == '-') {
                neg = true;
                p++;
        }
        /* strtoull would accept a second sign or leading blanks; the kernel does not. */
        if (*p < '0' || *p > '9')
                return -EINVAL;
        errno = 0;
        char *end;
        unsigned long long v = strtoull(p, &end, 0);
        if (*end != '\0')
                return -EINVAL;
        if (errno == ERANGE)
                return -ERANGE;
        if (neg) {
                if (v > (unsigned long long)LLONG_MAX + 1)
                        return -ERANGE;
                *ret = v == (unsigned long long)LLONG_MAX + 1 ? LLONG_MIN : -(long long)v;
        } else {
                if (v > LLONG_MAX)
                        return -ERANGE;
                *ret = (long long)v;
        }
        return 0;
}

int utf8_decode(const char *s, unsigned *ret_cp)
{
        const unsigned char *p = (const unsigned char *)s;
        unsigned cp, min;
        int len;
        if (p[0] < 0x80) {
                *ret_cp = p[0];
                return 1;
        }
        if ((p[0] & 0xe0) == 0xc0)
                cp = p[0] & 0x1f, len = 2, min = 0x80;
        else if ((p[0] & 0xf0) == 0xe0)
                cp = p[0] & 0x0f, len = 3, min = 0x800;
        else if ((p[0] & 0xf8) == 0xf0)
                cp = p[0] & 0x07, len = 4, min = 0x10000;
        else
                return -1;
        for (int i = 1; i < len; i++) {
                if ((p[i] & 0xc0) != 0x80) /* also stops at the NUL */
                        return -1;
                cp = cp << 6 | (p[i] & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
                return -1;
        *ret_cp = cp;
        return len;
}

bool unicode_printable(unsigned cp)
{
        if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
                return false;
        if (cp == 0x2028 || cp == 0x2029) /* line and paragraph separators */
                return false;
        if ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200e || cp == 0x200f)
                return false; /* bidirectional controls */
        return true;
}

int text_check_line(const char *s, size_t max, const char **ret_why)
{
        const char *why = NULL;
        if (strlen(s) > max)
                why = "too long";
        for (const char *p = s; !why && *p;) {
                unsigned cp;
                int n = utf8_decode(p, &cp);
                if (n < 0)
                        why = "not valid UTF-8";
                else if (!unicode_printable(cp))
                        why = cp == '\n' || cp == '\r' || cp == 0x2028 || cp == 0x2029 ? "more than one line"
                                                                                       : "contains a control character";
                else
                        p += n;
        }
        if (why && ret_why)
                *ret_why = why;
        return why ? -EINVAL : 0;
}

char *text_sanitize_line(const char *s)
{
        struct strbuf sb = {0};
        for (const char *p = s; *p;) {
                unsigned cp;
                int n = utf8_decode(p, &cp);
                if (n < 0 || !unicode_printable(cp)) {
                        sb_append(&sb, "?");
                        p += n < 0 ? 1 : n;
                } else {
                        sb_appendn(&sb, p, (size_t)n);
                        p += n;
                }
        }
        return sb_steal(&sb);
}
