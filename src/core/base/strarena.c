/* SPDX-License-Identifier: MIT */
#include "strarena.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* 64 KiB blocks: a few per thousand keys, and above glibc's smallest mmap threshold's reach
 * only when a single string is (it gets a block of its own). */
#define BLOCK_SIZE (64 * 1024 - 64)

struct strarena_block {
        struct strarena_block *next;
        char data[];
};

const char *strarena_dupn(struct strarena *a, const char *s, size_t n)
{
        if (!a->blocks || a->size - a->used < n + 1) {
                size_t size = n + 1 > BLOCK_SIZE / 4 ? n + 1 : BLOCK_SIZE;
                struct strarena_block *b = malloc(sizeof(*b) + size);
                if (!b)
                        return NULL;
                if (size == BLOCK_SIZE || !a->blocks) {
                        b->next = a->blocks; /* the new block is the one being filled */
                        a->blocks = b;
                        a->used = 0;
                        a->size = size;
                } else { /* a large string: its own block, behind the one being filled */
                        b->next = a->blocks->next;
                        a->blocks->next = b;
                        memcpy(b->data, s, n);
                        b->data[n] = '\0';
                        return b->data;
                }
        }
        char *p = a->blocks->data + a->used;
        memcpy(p, s, n);
        p[n] = '\0';
        a->used += n + 1;
        return p;
}

const char *strarena_dup(struct strarena *a, const char *s)
{
        return s ? strarena_dupn(a, s, strlen(s)) : NULL;
}

const char *strarena_intern(struct strarena *a, const char *s)
{
        if (!s)
                return NULL;
        const char *p = strmap_key(&a->interned, s);
        if (p)
                return p;
        p = strarena_dup(a, s);
        if (!p || strmap_put(&a->interned, p, 0) < 0)
                return NULL; /* a copy made is freed with the arena */
        return p;
}

static struct strarena run_strs;

static void run_strs_release(void)
{
        strarena_release(&run_strs);
}

const char *str_intern(const char *s)
{
        static bool registered;
        if (!registered && s) {
                if (atexit(run_strs_release) != 0)
                        return NULL;
                registered = true;
        }
        return strarena_intern(&run_strs, s);
}

void strarena_release(struct strarena *a)
{
        for (struct strarena_block *b = a->blocks, *next; b; b = next) {
                next = b->next;
                free(b);
        }
        strmap_release(&a->interned);
        *a = (struct strarena){0};
}
