#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
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
        if (!sb->oom)
                r = sb->buf ? sb->buf : strdup("");
        else
                free(sb->buf);
        *sb = (struct strbuf){0};
        return r;
}

void sb_release(struct strbuf *sb)
{
        free(sb->buf);
        *sb = (struct strbuf){0};
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
