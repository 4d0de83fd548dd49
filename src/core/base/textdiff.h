/* SPDX-License-Identifier: MIT */
/* A unified diff of two short texts (the persisted file before and after a change), for dry runs,
 * apply's JSON and verify. */
#ifndef TWTUNE_TEXTDIFF_H
#define TWTUNE_TEXTDIFF_H

#include <stddef.h>

/* The unified diff from a to b ("---"/"+++" lines naming from and to, then one hunk with up to
 * three lines of context); "" when the texts are equal. A NULL text is an absent file (then its
 * name is shown as /dev/null). A last line without a newline is marked as diff(1) does. NULL when
 * out of memory. */
char *textdiff_unified(const char *a, size_t alen, const char *b, size_t blen, const char *from, const char *to);

#endif
