/* SPDX-License-Identifier: MIT */
/* "Did you mean": the word a mistyped one most likely meant, among candidates that may come from
 * several tables (commands, a command's options and the global ones). */
#ifndef TWTUNE_SUGGEST_H
#define TWTUNE_SUGGEST_H

#include <stddef.h>

/* Edits from a to b: insertions, deletions, substitutions and swaps of two neighbours count one
 * each (the optimal string alignment distance). SIZE_MAX for words longer than 63 bytes. */
size_t suggest_distance(const char *a, const char *b);

struct suggest {
        const char *word;
        const char *nearest; /* the closest candidate so far */
        size_t nearest_dist;
        unsigned n_nearest;  /* candidates that close: more than one suggests none */
        const char *extended; /* a candidate that begins with word */
        unsigned n_extended;
};

void suggest_init(struct suggest *s, const char *word);
/* Adds each candidate once; it must outlive s. */
void suggest_add(struct suggest *s, const char *candidate);
/* The only candidate word is a prefix of, else the only closest candidate if within 1 edit (2 for
 * a word longer than 4 characters) and fewer edits than word has characters; else NULL. */
const char *suggest_result(const struct suggest *s);

#endif
