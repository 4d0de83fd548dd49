/* SPDX-License-Identifier: MIT */
#include "yaml_tree.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "util.h"

static int set_error(struct yerror *err, unsigned line, unsigned column, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));

static int set_error(struct yerror *err, unsigned line, unsigned column, const char *fmt, ...)
{
        err->line = line;
        err->column = column;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->message, sizeof(err->message), fmt, ap);
        va_end(ap);
        return -EINVAL;
}

/* libyaml reports bad encodings only as a byte offset; check here to give a line and column. */
static int check_text(const unsigned char *s, size_t len, struct yerror *err)
{
        unsigned line = 1, column = 1;
        for (size_t i = 0; i < len;) {
                unsigned char c = s[i];
                size_t n;
                unsigned cp;
                if (c == 0)
                        return set_error(err, line, column, "NUL byte in file");
                if (c < 0x80) {
                        n = 1;
                        cp = c;
                } else if ((c & 0xe0) == 0xc0) {
                        n = 2;
                        cp = c & 0x1f;
                } else if ((c & 0xf0) == 0xe0) {
                        n = 3;
                        cp = c & 0x0f;
                } else if ((c & 0xf8) == 0xf0) {
                        n = 4;
                        cp = c & 0x07;
                } else
                        return set_error(err, line, column, "invalid UTF-8 byte 0x%02x", c);
                if (i + n > len)
                        return set_error(err, line, column, "truncated UTF-8 sequence");
                for (size_t j = 1; j < n; j++) {
                        if ((s[i + j] & 0xc0) != 0x80)
                                return set_error(err, line, column, "invalid UTF-8 sequence");
                        cp = (cp << 6) | (s[i + j] & 0x3f);
                }
                static const unsigned min_cp[] = {0, 0, 0x80, 0x800, 0x10000};
                if (cp < min_cp[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
                        return set_error(err, line, column, "invalid UTF-8 sequence");
                if (c == '\n') {
                        line++;
                        column = 1;
                } else
                        column++;
                i += n;
        }
        return 0;
}

void ynode_free(struct ynode *n)
{
        if (!n)
                return;
        for (size_t i = 0; i < n->n; i++)
                ynode_free(n->items[i]);
        free(n->items);
        free(n->scalar);
        free(n);
}

static int add_child(struct ynode *parent, struct ynode *child)
{
        /* Grow by doubling; n is a power of two exactly when the array is full. */
        if ((parent->n & (parent->n - 1)) == 0) {
                size_t cap = parent->n ? parent->n * 2 : 4;
                struct ynode **p = realloc(parent->items, cap * sizeof(*p));
                if (!p)
                        return -ENOMEM;
                parent->items = p;
        }
        parent->items[parent->n++] = child;
        return 0;
}

/* The node a scalar, sequence or mapping event starts, at line and column: no anchor, within the
 * node count (*nodes, counted here) and the scalar length, no NUL. Returns 0 with *ret set, or a
 * negative errno (with err set for input twtune refuses). */
static int new_node(const yaml_event_t *ev, unsigned line, unsigned column, size_t *nodes, struct yerror *err,
                    struct ynode **ret)
{
        const yaml_char_t *anchor = ev->type == YAML_SCALAR_EVENT ? ev->data.scalar.anchor
                                    : ev->type == YAML_SEQUENCE_START_EVENT ? ev->data.sequence_start.anchor
                                                                           : ev->data.mapping_start.anchor;
        if (anchor)
                return set_error(err, line, column, "YAML anchors (&%s) are not supported in profiles", (const char *)anchor);
        if (++*nodes > YTREE_MAX_NODES)
                return set_error(err, line, column, "too many YAML nodes (limit %d)", YTREE_MAX_NODES);
        struct ynode *node = calloc(1, sizeof(*node));
        if (!node)
                return -ENOMEM;
        node->line = line;
        node->column = column;
        if (ev->type == YAML_SCALAR_EVENT) {
                node->kind = YN_SCALAR;
                if (ev->data.scalar.length > YTREE_MAX_SCALAR) {
                        ynode_free(node);
                        return set_error(err, line, column, "scalar longer than %d bytes", YTREE_MAX_SCALAR);
                }
                node->quoted = ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
                node->scalar = strndup((const char *)ev->data.scalar.value, ev->data.scalar.length);
                if (!node->scalar || memchr(ev->data.scalar.value, '\0', ev->data.scalar.length)) {
                        int r = node->scalar ? set_error(err, line, column, "NUL character in scalar") : -ENOMEM;
                        ynode_free(node);
                        return r;
                }
        } else
                node->kind = ev->type == YAML_SEQUENCE_START_EVENT ? YN_SEQ : YN_MAP;
        *ret = node;
        return 0;
}

int ytree_parse(const char *buf, size_t len, struct ynode **ret, struct yerror *err)
{
        int r = check_text((const unsigned char *)buf, len, err);
        if (r < 0)
                return r;

        yaml_parser_t parser;
        if (!yaml_parser_initialize(&parser))
                return -ENOMEM;
        yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);

        struct ynode *root = NULL;
        struct ynode *stack[YTREE_MAX_DEPTH];
        size_t depth = 0, nodes = 0, documents = 0;
        bool done = false;

        while (!done) {
                yaml_event_t ev;
                if (!yaml_parser_parse(&parser, &ev)) {
                        const yaml_mark_t *m = parser.problem ? &parser.problem_mark : &parser.mark;
                        r = set_error(err, (unsigned)m->line + 1, (unsigned)m->column + 1, "invalid YAML: %s%s%s",
                                      parser.problem ? parser.problem : "syntax error",
                                      parser.context ? " " : "", parser.context ? parser.context : "");
                        goto out;
                }
                unsigned line = (unsigned)ev.start_mark.line + 1, column = (unsigned)ev.start_mark.column + 1;
                struct ynode *node = NULL;
                switch (ev.type) {
                case YAML_STREAM_END_EVENT:
                        done = true;
                        break;
                case YAML_DOCUMENT_START_EVENT:
                        if (++documents > 1)
                                r = set_error(err, line, column, "more than one YAML document in a profile");
                        break;
                case YAML_ALIAS_EVENT:
                        r = set_error(err, line, column, "YAML aliases (*%s) are not supported in profiles",
                                      (const char *)ev.data.alias.anchor);
                        break;
                case YAML_SCALAR_EVENT:
                case YAML_SEQUENCE_START_EVENT:
                case YAML_MAPPING_START_EVENT: {
                        if ((r = new_node(&ev, line, column, &nodes, err, &node)) < 0)
                                break;
                        if (depth == 0) {
                                root = node;
                        } else if (add_child(stack[depth - 1], node) < 0) {
                                ynode_free(node);
                                r = -ENOMEM;
                                break;
                        }
                        if (node->kind != YN_SCALAR) {
                                if (depth == YTREE_MAX_DEPTH) {
                                        r = set_error(err, line, column, "YAML nested deeper than %d levels", YTREE_MAX_DEPTH);
                                        break;
                                }
                                stack[depth++] = node;
                        }
                        break;
                }
                case YAML_SEQUENCE_END_EVENT:
                case YAML_MAPPING_END_EVENT:
                        depth--;
                        break;
                default:
                        break;
                }
                yaml_event_delete(&ev);
                if (r < 0)
                        goto out;
        }
        *ret = root;
        root = NULL;
        r = 0;
out:
        ynode_free(root);
        yaml_parser_delete(&parser);
        return r;
}

bool ynode_is_null(const struct ynode *n)
{
        if (n->kind != YN_SCALAR || n->quoted)
                return false;
        const char *s = n->scalar;
        return !*s || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 || strcmp(s, "Null") == 0 ||
               strcmp(s, "NULL") == 0;
}

const char *ynode_kind_name(const struct ynode *n)
{
        if (ynode_is_null(n))
                return "null";
        return n->kind == YN_SCALAR ? "a scalar" : n->kind == YN_SEQ ? "a list" : "a mapping";
}

bool ynode_bool(const struct ynode *n, bool *ret)
{
        static const char *const yes[] = {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON"};
        static const char *const no[] = {"false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF"};
        if (n->kind != YN_SCALAR || n->quoted)
                return false;
        for (size_t i = 0; i < ELEMENTSOF(yes); i++) {
                if (strcmp(n->scalar, yes[i]) == 0) {
                        *ret = true;
                        return true;
                }
                if (strcmp(n->scalar, no[i]) == 0) {
                        *ret = false;
                        return true;
                }
        }
        return false;
}
