/* SPDX-License-Identifier: MIT */
/* The knowledge base's structural tier (kb/generated.h) and its list of removed keys (kb/removed.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb.h"
#include "key.h"
#include "util.h"

#include "kb/generated.h"
#include "kb/removed.h"

static int cmp_gen(const void *k, const void *e)
{
        return strcmp(k, ((const struct kb_gen *)e)->key);
}

static const struct kb_gen *gen_exact(const char *key)
{
        return bsearch(key, kb_gen_, ELEMENTSOF(kb_gen_), sizeof(kb_gen_[0]), cmp_gen);
}

static const struct kb_gen *gen_lookup(const char *key);

/* The last key asked and its answer, as kb_lookup keeps them: one key is asked about several
 * times in a row. */
const struct kb_gen *kb_gen_lookup(const char *key)
{
        static char last[KEY_MAX_LEN + 1];
        static const struct kb_gen *last_g;
        if (last[0] && strcmp(key, last) == 0)
                return last_g;
        size_t len = strlen(key);
        const struct kb_gen *g = gen_lookup(key);
        if (len <= KEY_MAX_LEN && len > 0) {
                memcpy(last, key, len + 1);
                last_g = g;
        }
        return g;
}

static const struct kb_gen *gen_lookup(const char *key)
{
        const struct kb_gen *g = gen_exact(key);
        if (g || strlen(key) > KEY_MAX_LEN)
                return g;
        /* An interface key: each inner component in turn as IFACE (as kb_lookup). */
        char buf[KEY_MAX_LEN + 8];
        for (const char *c = strchr(key, '.'); c && !g; c = strchr(c + 1, '.')) {
                const char *end = strchr(c + 1, '.');
                if (!end)
                        break;
                /* memcpy, not snprintf: every key of a large profile comes here several times */
                size_t head = (size_t)(c + 1 - key), tail = strlen(end);
                memcpy(buf, key, head);
                memcpy(buf + head, "IFACE", 5);
                memcpy(buf + head + 5, end, tail + 1);
                g = gen_exact(buf);
        }
        return g;
}

const struct kb_gen *kb_gens(size_t *ret_n)
{
        *ret_n = ELEMENTSOF(kb_gen_);
        return kb_gen_;
}

const char *kb_gen_scope_name(enum kb_gen_scope s)
{
        switch (s) {
        case KBG_NETNS: return "netns";
        case KBG_GLOBAL_ABSENT: return "global-absent";
        case KBG_GLOBAL_READONLY: return "global-readonly";
        default: return "global-shared";
        }
}

static int cmp_removed(const void *k, const void *e)
{
        return strcmp(k, ((const struct kb_removed *)e)->key);
}

const struct kb_removed *kb_removed_lookup(const char *key)
{
        return bsearch(key, kb_removed_, ELEMENTSOF(kb_removed_), sizeof(kb_removed_[0]), cmp_removed);
}

const struct kb_removed *kb_removeds(size_t *ret_n)
{
        *ret_n = ELEMENTSOF(kb_removed_);
        return kb_removed_;
}
