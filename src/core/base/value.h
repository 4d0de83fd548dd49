/* SPDX-License-Identifier: MIT */
/* Sysctl values as whitespace-separated tokens. The kernel prints vectors with tabs and accepts
 * any blanks, so "1024 65535" and "1024\t65535" are the same value; numbers compare by value
 * (the kernel parses base 0, so "0x10" reads back as "16"). */
#ifndef TWTUNE_VALUE_H
#define TWTUNE_VALUE_H

#include <stdbool.h>
#include <stddef.h>

/* The one rule set for a value a profile holds, whatever its file (YAML or sysctl.conf; import
 * applies it too): valid UTF-8 on one line, no control character but tab (C0, DEL, C1, and the
 * line separators and bidirectional controls that hide text), and no '=' (a sysctl.d line ends
 * its key at the first one, so the value could not be written back). Returns 0, or -EINVAL with
 * a static reason ("value contains ...") in *ret_why. */
int value_check(const char *v, const char **ret_why);

/* Collapses runs of blanks to one space and trims both ends. NULL on allocation failure. */
char *value_normalize(const char *s);

/* Splits into tokens; *ret is a NULL-terminated array to free with value_tokens_free. */
int value_split(const char *s, char ***ret, size_t *ret_n);
void value_tokens_free(char **tokens);

bool value_equal(const char *a, const char *b);
/* Whether one of list's whitespace-separated tokens is token (a congestion-control list). */
bool value_has_token(const char *list, const char *token);

/* Parses a port list such as "8080,9000-9100" (empty: no ports). Returns the number of ports
 * within [lo, hi] in *ret_in_range (if given), -EINVAL for bad syntax, -ERANGE for ports
 * outside 0..65535 or a range running high-low. */
int portlist_parse(const char *s, unsigned lo, unsigned hi, unsigned long *ret_in_range);

/* Port lists as the kernel means them: the same set of ports, however written ("1000,1001" and
 * "1000-1001" are equal). False when either does not parse. */
bool portlist_equal(const char *a, const char *b);

#endif
