/* SPDX-License-Identifier: MIT */
/* A record in memory (its keys and managed set) and as text (the format state.h describes). */
#include "record_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "key.h"
#include "sha256.h"
#include "sysroot.h"
#include "util.h"

#define RECORD_TEXT_MAX 512 /* a profile name, or "rollback to generation N" */

static void put_hex(struct strbuf *sb, const char *data, size_t len)
{
        static const char digits[] = "0123456789abcdef";
        char chunk[512];
        size_t k = 0;
        for (size_t i = 0; i < len; i++) {
                chunk[k++] = digits[(unsigned char)data[i] >> 4];
                chunk[k++] = digits[(unsigned char)data[i] & 15];
                if (k == sizeof(chunk)) {
                        sb_appendn(sb, chunk, k);
                        k = 0;
                }
        }
        sb_appendn(sb, chunk, k);
}

/* Whether a file can be kept as text lines: printable UTF-8, tabs and newlines, no CR (a line
 * would not give it back) and no other control character. */
static bool is_text(const char *data, size_t len)
{
        for (size_t i = 0; i < len;) {
                unsigned cp;
                unsigned char b = (unsigned char)data[i];
                if (b == '\n' || b == '\t' || (b >= 0x20 && b < 0x7f)) { /* ASCII: no decoding */
                        i++;
                        continue;
                }
                int n = data[i] ? utf8_decode(data + i, &cp) : -1;
                if (n < 0 || (size_t)n > len - i || !unicode_printable(cp))
                        return false;
                i += (size_t)n;
        }
        return true;
}

/* "NAME -", "NAME text BYTES LINES" and the lines, each after a '|', or "NAME hex HEX". */
static void put_file(struct strbuf *sb, const char *name, bool present, const char *data, size_t len)
{
        if (!present) {
                sb_appendf(sb, "%s -\n", name);
                return;
        }
        if (!is_text(data, len)) {
                sb_appendf(sb, "%s hex ", name);
                put_hex(sb, data, len);
                sb_append(sb, "\n");
                return;
        }
        size_t lines = 0;
        for (size_t i = 0; i < len; i++)
                lines += data[i] == '\n';
        lines += len && data[len - 1] != '\n';
        sb_appendf(sb, "%s text %zu %zu\n", name, len, lines);
        for (size_t i = 0; i < len;) {
                const char *nl = memchr(data + i, '\n', len - i);
                size_t n = nl ? (size_t)(nl - data - i) : len - i;
                sb_append(sb, "|");
                sb_appendn(sb, data + i, n);
                sb_append(sb, "\n");
                i += n + 1;
        }
}

static int get_hex(const char *s, bool *ret_present, char **ret, size_t *ret_len)
{
        size_t n = strlen(s);
        if (n % 2)
                return -EBADMSG;
        char *out = malloc(n / 2 + 1);
        if (!out)
                return -ENOMEM;
        for (size_t i = 0; i < n; i += 2) {
                int hi = s[i] >= 'a' ? s[i] - 'a' + 10 : s[i] - '0', lo = s[i + 1] >= 'a' ? s[i + 1] - 'a' + 10 : s[i + 1] - '0';
                if (hi < 0 || hi > 15 || lo < 0 || lo > 15) {
                        free(out);
                        return -EBADMSG;
                }
                out[i / 2] = (char)(hi << 4 | lo);
        }
        out[n / 2] = '\0';
        *ret_present = true;
        *ret = out;
        *ret_len = n / 2;
        return 0;
}

/* Reads a file block written by put_file (or a version 1 record's bare hex); *next is the line
 * after it, advanced past the text lines. */
static int get_file(const char *v, char **next, bool *ret_present, char **ret, size_t *ret_len)
{
        *ret_present = false;
        *ret = NULL;
        *ret_len = 0;
        if (strcmp(v, "-") == 0)
                return 0;
        if (strncmp(v, "hex ", 4) == 0)
                return get_hex(v + 4, ret_present, ret, ret_len);
        unsigned long bytes, lines;
        char extra;
        if (strncmp(v, "text ", 5) != 0)
                return get_hex(v, ret_present, ret, ret_len); /* version 1 */
        if (sscanf(v + 5, "%lu %lu%c", &bytes, &lines, &extra) != 2 || bytes > RECORD_MAX)
                return -EBADMSG;
        char *out = malloc(bytes + 1);
        if (!out)
                return -ENOMEM;
        size_t len = 0;
        for (unsigned long i = 0; i < lines; i++) {
                char *line = *next, *nl = line ? strchr(line, '\n') : NULL;
                size_t n = nl ? (size_t)(nl - line) : line ? strlen(line) : 0;
                if (!line || line[0] != '|' || len + (n - 1) > bytes) {
                        free(out);
                        return -EBADMSG;
                }
                memcpy(out + len, line + 1, n - 1);
                len += n - 1;
                if (len < bytes)
                        out[len++] = '\n';
                *next = nl ? nl + 1 : line + n;
        }
        if (len != bytes) {
                free(out);
                return -EBADMSG;
        }
        out[len] = '\0';
        *ret_present = true;
        *ret = out;
        *ret_len = len;
        return 0;
}

static char *one_line(const char *s)
{
        /* Names are free text; keep the record line-oriented. */
        char *c = strdup(s ? s : "");
        for (char *p = c; p && *p; p++)
                if (*p == '\n' || *p == '\r' || *p == '\t')
                        *p = ' ';
        return c;
}

char *record_serialize(const struct record *r, size_t *ret_len)
{
        struct strbuf sb = {0};
        char *profile = one_line(r->profile);
        sb_appendf(&sb, "twtune-state 2\nkind %s\ngeneration %lu\ntime %lld\nprofile %s\n",
                   r->is_journal ? "journal" : "generation", r->generation, r->time, profile ? profile : "");
        if (r->is_rollback)
                sb_appendf(&sb, "action rollback %lu\n", r->restores);
        else
                sb_append(&sb, "action apply\n");
        sb_appendf(&sb, "hash %s\npersist %d\n", r->hash ? r->hash : "-", r->persist);
        free(profile);
        put_file(&sb, "file-before", r->file_before_present, r->file_before, r->file_before_len);
        if (r->file_before_meta)
                sb_appendf(&sb, "file-before-meta %o %lu %lu\n", r->file_before_mode, r->file_before_uid,
                           r->file_before_gid);
        put_file(&sb, "file", r->file_present, r->file, r->file_len);
        /* Appends, not sb_appendf: a record holds a line for each of up to 100 000 keys. */
        for (size_t i = 0; i < r->n_keys; i++) {
                const struct rec_key *k = &r->keys[i];
                const char *parts[] = {k->dependent ? "dep\t" : k->restored ? "rst\t" : "key\t", k->key,
                                       k->write_only ? (k->written ? "\tW\t" : "\tw\t") : k->written ? "\t1\t" : "\t0\t",
                                       k->before, "\t", k->after, "\n"};
                for (size_t j = 0; j < ELEMENTSOF(parts); j++)
                        sb_append(&sb, parts[j] ? parts[j] : "(null)"); /* as printf wrote it */
        }
        for (size_t i = 0; i < r->n_base; i++) {
                const char *parts[] = {"base\t", r->base[i].key, "\t", r->base[i].value, "\n"};
                for (size_t j = 0; j < ELEMENTSOF(parts); j++)
                        sb_append(&sb, parts[j] ? parts[j] : "(null)");
        }
        if (sb.oom || !sb.buf) {
                sb_release(&sb);
                return NULL;
        }
        char hex[SHA256_HEX_LEN + 1];
        sha256_hex(sb.buf, sb.len, hex);
        sb_appendf(&sb, "end %s\n", hex);
        *ret_len = sb.len;
        return sb_steal(&sb);
}

static int parse_ulong(const char *s, unsigned long *ret)
{
        if (*s < '0' || *s > '9')
                return -EINVAL;
        char *end;
        errno = 0;
        unsigned long v = strtoul(s, &end, 10);
        if (errno || *end)
                return -EINVAL;
        *ret = v;
        return 0;
}

bool record_value_valid(const char *v)
{
        for (const unsigned char *p = (const unsigned char *)v; *p; p++)
                if ((*p < ' ' && *p != '\t') || *p == 0x7f) /* a tab separates tokens, as a space does */
                        return false;
        return strlen(v) <= SYSCTL_VALUE_MAX;
}

/* Keys from a record go through the checks a profile's keys do: a forged "../../x" must never
 * reach a path. */
static bool record_key_valid(const char *key, const char *written, const char *before, const char *after)
{
        return key_is_normal(key) && strlen(written) == 1 && strchr("01wW", written[0]) && record_value_valid(before) &&
               record_value_valid(after);
}

/* The trailer first: everything else is only trusted after its checksum matches. Cuts TEXT
 * before it. */
static int check_trailer(char *text, size_t len)
{
        if (len < 70 || text[len - 1] != '\n')
                return -EBADMSG;
        char *end = text + len - 1;
        while (end > text && end[-1] != '\n')
                end--;
        if (strncmp(end, "end ", 4) != 0 || text + len - end != 4 + SHA256_HEX_LEN + 1)
                return -EBADMSG;
        char hex[SHA256_HEX_LEN + 1];
        sha256_hex(text, (size_t)(end - text), hex);
        if (memcmp(end + 4, hex, SHA256_HEX_LEN) != 0)
                return -EBADMSG;
        *end = '\0';
        return 0;
}

/* "base KEY VALUE" (tabs): a managed key after this generation, version 2 only. */
static int parse_base(struct record *r, char *k)
{
        char *tab = strchr(k, '\t');
        if (!tab || !r->has_base)
                return -EBADMSG;
        *tab = '\0';
        if (!record_key_valid(k, "0", tab + 1, tab + 1))
                return -EBADMSG;
        return record_add_base(r, k, tab + 1) < 0 ? -ENOMEM : 0;
}

/* "key|dep|rst KEY WRITTEN BEFORE AFTER" (tabs), V after the first tab; KIND its first letter. */
static int parse_key(struct record *r, char kind, char *v)
{
        char *f[4];
        for (int i = 0; i < 4; i++) {
                f[i] = v;
                char *tab = strchr(v, '\t');
                if (i < 3) {
                        if (!tab)
                                return -EBADMSG;
                        *tab = '\0';
                        v = tab + 1;
                }
        }
        if (!record_key_valid(f[0], f[1], f[2], f[3]))
                return -EBADMSG;
        int (*add)(struct record *, const char *, const char *, const char *, bool) =
                kind == 'd' ? record_add_dependent : kind == 'r' ? record_add_restored : record_add_key;
        if (add(r, f[0], f[2], f[3], f[1][0] == '1' || f[1][0] == 'W') < 0)
                return -ENOMEM;
        r->keys[r->n_keys - 1].write_only = f[1][0] == 'w' || f[1][0] == 'W';
        return 0;
}

/* One "NAME VALUE" line of the header; *SEEN marks the three every record has. A file's text
 * lines follow its line: *NEXT moves past them. */
static int parse_field(struct record *r, const char *name, char *v, char **next, unsigned *seen)
{
        if (strcmp(name, "twtune-state") == 0) {
                if (strcmp(v, "1") != 0 && strcmp(v, "2") != 0)
                        return -EBADMSG;
                r->has_base = v[0] == '2';
                *seen |= 1;
        } else if (strcmp(name, "kind") == 0) {
                if (strcmp(v, "journal") != 0 && strcmp(v, "generation") != 0)
                        return -EBADMSG;
                r->is_journal = strcmp(v, "journal") == 0;
                *seen |= 2;
        } else if (strcmp(name, "generation") == 0) {
                if (parse_ulong(v, &r->generation) < 0 || r->generation == 0)
                        return -EBADMSG;
                *seen |= 4;
        } else if (strcmp(name, "time") == 0) {
                r->time = strtoll(v, NULL, 10);
        } else if (strcmp(name, "profile") == 0) {
                if (text_check_line(v, RECORD_TEXT_MAX, NULL) < 0)
                        return -EBADMSG;
                if (!(r->profile = strdup(v)))
                        return -ENOMEM;
        } else if (strcmp(name, "action") == 0) {
                if (strncmp(v, "rollback ", 9) == 0 && parse_ulong(v + 9, &r->restores) == 0)
                        r->is_rollback = true;
                else if (strcmp(v, "apply") != 0)
                        return -EBADMSG;
        } else if (strcmp(name, "hash") == 0) {
                if (strcmp(v, "-") != 0 && (strlen(v) != SHA256_HEX_LEN || v[strspn(v, "0123456789abcdef")]))
                        return -EBADMSG;
                if (strcmp(v, "-") != 0 && !(r->hash = strdup(v)))
                        return -ENOMEM;
        } else if (strcmp(name, "persist") == 0) {
                r->persist = strcmp(v, "1") == 0;
        } else if (strcmp(name, "file-before") == 0) {
                return get_file(v, next, &r->file_before_present, &r->file_before, &r->file_before_len);
        } else if (strcmp(name, "file-before-meta") == 0) {
                if (sscanf(v, "%o %lu %lu", &r->file_before_mode, &r->file_before_uid, &r->file_before_gid) != 3 ||
                    r->file_before_mode > 07777)
                        return -EBADMSG;
                r->file_before_meta = true;
        } else if (strcmp(name, "file") == 0) {
                return get_file(v, next, &r->file_present, &r->file, &r->file_len);
        } else
                return -EBADMSG;
        return 0;
}

int record_parse(char *text, size_t len, struct record **ret)
{
        int res = check_trailer(text, len);
        if (res < 0)
                return res;
        struct record *r = calloc(1, sizeof(*r));
        if (!r)
                return -ENOMEM;
        unsigned seen = 0;
        for (char *line = text, *next; res == 0 && line && *line; line = next) {
                next = strchr(line, '\n');
                if (next)
                        *next++ = '\0';
                bool keyline = strncmp(line, "key\t", 4) == 0 || strncmp(line, "dep\t", 4) == 0 ||
                               strncmp(line, "rst\t", 4) == 0;
                if (strncmp(line, "base\t", 5) == 0) {
                        res = parse_base(r, line + 5);
                        continue;
                }
                char *sp = strchr(line, keyline ? '\t' : ' ');
                if (!sp) {
                        res = -EBADMSG;
                        break;
                }
                *sp = '\0';
                res = keyline ? parse_key(r, line[0], sp + 1) : parse_field(r, line, sp + 1, &next, &seen);
        }
        if (res == 0 && seen != 7)
                res = -EBADMSG;
        if (res < 0) {
                record_free(r);
                return res;
        }
        unsigned long to;
        char tail;
        if (!r->has_base && r->profile && sscanf(r->profile, "rollback to generation %lu%c", &to, &tail) == 1) {
                r->is_rollback = true; /* version 1 named a rollback only in its profile */
                r->restores = to;
        }
        *ret = r;
        return 0;
}

static int add_key(struct record *r, const char *key, const char *before, const char *after, bool written, bool dep,
                   bool restored)
{
        struct rec_key *v = array_grow(r->keys, r->n_keys, sizeof(*v));
        if (!v)
                return -ENOMEM;
        r->keys = v;
        struct rec_key k = {strdup(key), one_line(before), one_line(after), written, dep, false, restored};
        if (!k.key || !k.before || !k.after) {
                free(k.key);
                free(k.before);
                free(k.after);
                return -ENOMEM;
        }
        v[r->n_keys++] = k;
        return 0;
}

int record_add_key(struct record *r, const char *key, const char *before, const char *after, bool written)
{
        return add_key(r, key, before, after, written, false, false);
}

int record_add_dependent(struct record *r, const char *key, const char *before, const char *after, bool written)
{
        return add_key(r, key, before, after, written, true, false);
}

int record_add_restored(struct record *r, const char *key, const char *before, const char *after, bool written)
{
        return add_key(r, key, before, after, written, false, true);
}

int rec_base_add(struct rec_base **v, size_t *n, const char *key, const char *value)
{
        struct rec_base *p = array_grow(*v, *n, sizeof(*p));
        if (!p)
                return -ENOMEM;
        *v = p;
        struct rec_base b = {strdup(key), one_line(value)};
        if (!b.key || !b.value) {
                free(b.key);
                free(b.value);
                return -ENOMEM;
        }
        p[(*n)++] = b;
        return 0;
}

void rec_base_free(struct rec_base *v, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                free(v[i].key);
                free(v[i].value);
        }
        free(v);
}

int record_add_base(struct record *r, const char *key, const char *value)
{
        int q = rec_base_add(&r->base, &r->n_base, key, value);
        if (q == 0)
                r->has_base = true;
        return q;
}

void record_clear_keys(struct record *r)
{
        for (size_t i = 0; i < r->n_keys; i++) {
                free(r->keys[i].key);
                free(r->keys[i].before);
                free(r->keys[i].after);
        }
        free(r->keys);
        r->keys = NULL;
        r->n_keys = 0;
        rec_base_free(r->base, r->n_base);
        r->base = NULL;
        r->n_base = 0;
}

void record_free(struct record *r)
{
        if (!r)
                return;
        record_clear_keys(r);
        free(r->profile);
        free(r->hash);
        free(r->file_before);
        free(r->file);
        free(r);
}
