/* SPDX-License-Identifier: MIT */
/* A small YAML document tree with source positions, built from libyaml events.
 * Profiles need no anchors, aliases or tags, so anchors and aliases are refused outright
 * (no alias bomb can expand), and depth, node count and scalar length are bounded. */
#ifndef TWTUNE_YAML_TREE_H
#define TWTUNE_YAML_TREE_H

#include <stdbool.h>
#include <stddef.h>

#define YTREE_MAX_DEPTH 32
#define YTREE_MAX_NODES 250000 /* 100 000 keys of two nodes each, and the rest */
#define YTREE_MAX_SCALAR 4096

enum ynode_kind { YN_SCALAR, YN_SEQ, YN_MAP };

struct ynode {
        enum ynode_kind kind;
        unsigned line, column; /* 1-based */
        char *scalar;          /* YN_SCALAR */
        bool quoted;           /* a quoted scalar is always a string, never null or a number */
        struct ynode **items;  /* YN_SEQ: values; YN_MAP: key, value, key, value... */
        size_t n;
};

struct yerror {
        unsigned line, column; /* 1-based; 0 when the error has no place */
        char message[256];
};

/* Parses one YAML document. *ret is NULL for an empty document. On failure returns -EINVAL and
 * fills err; -ENOMEM on allocation failure. */
int ytree_parse(const char *buf, size_t len, struct ynode **ret, struct yerror *err);
void ynode_free(struct ynode *n);

/* Plain "", "~" and "null" (any case of the first letter) are null. */
bool ynode_is_null(const struct ynode *n);
/* A plain scalar YAML 1.1 reads as a boolean (true, yes, on, false, no, off, in three cases), in
 * *ret; false for anything else, a quoted "true" too. */
bool ynode_bool(const struct ynode *n, bool *ret);
const char *ynode_kind_name(const struct ynode *n);

#endif
