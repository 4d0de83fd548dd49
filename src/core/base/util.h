/* SPDX-License-Identifier: MIT */
/* Small helpers shared by the core: string building and bounded file reads.
 * Every function that allocates returns NULL or -ENOMEM on failure and never exits. */
#ifndef TWTUNE_UTIL_H
#define TWTUNE_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#define ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))

/* A growable NUL-terminated buffer. A failed append marks it broken; sb_steal then returns NULL. */
struct strbuf {
        char *buf;
        size_t len, cap;
        bool oom;
};

void sb_append(struct strbuf *sb, const char *s);
void sb_appendn(struct strbuf *sb, const char *s, size_t n);
void sb_appendf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Returns the string (caller frees) or NULL after an allocation failure; the buffer is reset. */
char *sb_steal(struct strbuf *sb);
void sb_release(struct strbuf *sb);

/* Room for element n (0-based) of an array that grows one element at a time: the capacity doubles
 * (4, 8, 16, ...), so n appends copy O(n) bytes in all and leave no trail of freed blocks behind
 * (a realloc per append made tens of thousands of keys cost gigabytes of copying and megabytes
 * of fragmented heap). Only for arrays grown by it alone from NULL, n the count before the append;
 * removing elements is fine. Returns the array, or NULL when out of memory (v unchanged). */
void *array_grow(void *v, size_t n, size_t size);

char *str_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *str_vprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
bool str_has_suffix(const char *s, const char *suffix);

/* Reads a whole file below dirfd (AT_FDCWD for a plain path), refusing files over max bytes
 * (-EFBIG) and non-regular files (-EISDIR for directories, -EINVAL otherwise).
 * On success *ret is NUL-terminated and *ret_len (if given) excludes the NUL. */
int read_file_at(int dirfd, const char *path, size_t max, char **ret, size_t *ret_len);

/* The same for an open descriptor (left open). */
int read_fd(int fd, size_t max, char **ret, size_t *ret_len);

/* Reads a pipe or terminal to EOF, refusing more than max bytes (-EFBIG). */
int read_stream(int fd, size_t max, char **ret, size_t *ret_len);

/* Decodes one UTF-8 sequence at s (which must not be at its NUL). Returns its length (1..4) with
 * the code point in *ret_cp, or -1 for a byte that does not start a valid, shortest-form
 * sequence of a scalar value (overlongs, surrogates and values above U+10FFFF are invalid). */
int utf8_decode(const char *s, unsigned *ret_cp);

/* False for the characters that control a terminal or hide text: C0, DEL and C1 controls (some
 * terminals obey C1 like ESC), bidirectional controls, line and paragraph separators. */
bool unicode_printable(unsigned cp);

/* Checks that s is one line of printable UTF-8 text of at most max bytes: no control characters
 * (C0, DEL, C1), no line or paragraph separator and no bidirectional control, any of which could
 * break a line-oriented file or hide text from a reviewer. Returns 0, or -EINVAL with a static
 * reason in *ret_why. */
int text_check_line(const char *s, size_t max, const char **ret_why);

/* A copy of s with every character text_check_line refuses replaced by '?'. */
char *text_sanitize_line(const char *s);

/* Parses an integer the way the kernel's proc handlers do (base 0: 0x.. hex, 0.. octal),
 * the whole string, with an optional leading '-'. -ERANGE on overflow, -EINVAL otherwise. */
int parse_kernel_int(const char *s, long long *ret);

#endif
