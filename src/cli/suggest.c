/* SPDX-License-Identifier: MIT */
#include "suggest.h"

#include <stdint.h>
#include <string.h>

#define WORD_MAX 63 /* commands and options are short; longer words are no typos of them */

static size_t min3(size_t a, size_t b, size_t c)
{
        size_t m = a < b ? a : b;
        return m < c ? m : c;
}

size_t suggest_distance(const char *a, const char *b)
{
        size_t la = strlen(a), lb = strlen(b);
        if (la > WORD_MAX || lb > WORD_MAX)
                return SIZE_MAX;
        /* Three rows of the matrix: a swap looks two rows back. */
        size_t rows[3][WORD_MAX + 1], *prev2 = rows[0], *prev = rows[1], *cur = rows[2];
        for (size_t j = 0; j <= lb; j++)
                prev[j] = j;
        for (size_t i = 1; i <= la; i++) {
                cur[0] = i;
                for (size_t j = 1; j <= lb; j++) {
                        cur[j] = min3(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1]));
                        if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && prev2[j - 2] + 1 < cur[j])
                                cur[j] = prev2[j - 2] + 1;
                }
                size_t *t = prev2;
                prev2 = prev;
                prev = cur;
                cur = t;
        }
        return prev[lb];
}

void suggest_init(struct suggest *s, const char *word)
{
        *s = (struct suggest){.word = word, .nearest_dist = SIZE_MAX};
}

void suggest_add(struct suggest *s, const char *candidate)
{
        size_t len = strlen(s->word);
        if (len && strncmp(candidate, s->word, len) == 0) {
                s->extended = candidate;
                s->n_extended++;
        }
        size_t d = suggest_distance(s->word, candidate);
        if (d < s->nearest_dist) {
                s->nearest = candidate;
                s->nearest_dist = d;
                s->n_nearest = 1;
        } else if (d == s->nearest_dist && d != SIZE_MAX) {
                s->n_nearest++;
        }
}

const char *suggest_result(const struct suggest *s)
{
        if (s->n_extended == 1)
                return s->extended;
        /* Two edits in a word of four would make "foo" a typo of "root". */
        size_t len = strlen(s->word), most = len > 4 ? 2 : 1;
        if (s->n_nearest == 1 && s->nearest_dist <= most && s->nearest_dist < len)
                return s->nearest;
        return NULL;
}
