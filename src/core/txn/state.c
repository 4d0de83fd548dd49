/* SPDX-License-Identifier: MIT */
#include "state.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "atomic.h"
#include "key.h"
#include "sha256.h"
#include "sysroot.h"
#include "util.h"

/* A record holds at most two persisted files in hex, plus the keys: 100 000 keys persist about 5 MiB. */
#define RECORD_MAX (64u * 1024 * 1024)
#define RECORD_TEXT_MAX 512 /* a profile name, or "rollback to generation N" */

struct state {
        int dirfd;
        int gens_fd;
        int lock_fd;
};

/* State is trusted only if nobody but root, or the user twtune runs as (a test tree), could have
 * written it: a journal or generation planted by another user would be replayed as root, and the
 * checksum detects damage, not forgery. Checked on the open descriptor, so what is checked is
 * what is read. */
static int check_trusted(int fd, const char *what, char **ret_why)
{
        struct stat st;
        if (fstat(fd, &st) < 0)
                return -errno;
        char *why = NULL;
        if (st.st_uid != 0 && st.st_uid != geteuid())
                why = str_printf("%s is owned by uid %lu, not root", what, (unsigned long)st.st_uid);
        else if (st.st_mode & 022)
                why = str_printf("%s is writable by group or others (mode %04o)", what, (unsigned)(st.st_mode & 07777));
        else
                return 0;
        if (ret_why)
                *ret_why = why;
        else
                free(why);
        return -EPERM;
}

int state_open(struct sysroot *sr, const char *sub, bool create, struct state **ret, char **ret_why)
{
        int fd = sysroot_open_dir(sr, SYSROOT_STATE, create);
        if (fd < 0)
                return fd;
        int r = check_trusted(fd, "the state directory", ret_why);
        if (r == 0 && sub) {
                int subfd = open_dir_at(fd, sub, create, 0755, 0755);
                close(fd);
                if (subfd < 0)
                        return subfd;
                fd = subfd;
                r = check_trusted(fd, sub, ret_why);
        }
        int gens = r < 0 ? -1 : open_dir_at(fd, "generations", create, 0755, 0755);
        if (r == 0 && gens < 0)
                r = gens;
        if (r == 0)
                r = check_trusted(gens, "generations/", ret_why);
        struct state *st = r < 0 ? NULL : calloc(1, sizeof(*st));
        if (!st) {
                if (gens >= 0)
                        close(gens);
                close(fd);
                return r < 0 ? r : -ENOMEM;
        }
        st->dirfd = fd;
        st->gens_fd = gens;
        st->lock_fd = -1;
        *ret = st;
        return 0;
}

void state_free(struct state *st)
{
        if (!st)
                return;
        if (st->lock_fd >= 0)
                close(st->lock_fd); /* releases the flock */
        close(st->gens_fd);
        close(st->dirfd);
        free(st);
}

/* flock with a bounded wait: 0, -EWOULDBLOCK when still held after wait_ms, or another error. */
static int lock_wait(int fd, int how, unsigned long wait_ms)
{
        for (unsigned long waited = 0;; waited += 50) {
                if (flock(fd, how | LOCK_NB) == 0)
                        return 0;
                if (errno != EWOULDBLOCK)
                        return -errno;
                if (waited >= wait_ms)
                        return -EWOULDBLOCK;
                struct timespec ts = {0, 50 * 1000 * 1000};
                nanosleep(&ts, NULL);
        }
}

static int open_lock(struct state *st, int flags)
{
        int fd = openat(st->dirfd, "lock", flags | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0)
                return -errno;
        int r = check_trusted(fd, "lock", NULL);
        if (r < 0) {
                close(fd);
                return r;
        }
        return fd;
}

int state_lock(struct state *st, unsigned long wait_ms, pid_t *ret_holder)
{
        int fd = open_lock(st, O_RDWR | O_CREAT);
        if (fd < 0)
                return fd;
        int r = lock_wait(fd, LOCK_EX, wait_ms);
        if (r < 0) {
                char buf[32] = {0};
                if (ret_holder && r == -EWOULDBLOCK)
                        *ret_holder = pread(fd, buf, sizeof(buf) - 1, 0) > 0 ? (pid_t)atol(buf) : 0;
                close(fd);
                return r;
        }
        /* Say who holds it, for the error a waiting process prints. */
        char buf[32];
        int n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
        if (ftruncate(fd, 0) < 0 || pwrite(fd, buf, (size_t)n, 0) != n) {
                r = -errno;
                close(fd);
                return r ? r : -EIO;
        }
        st->lock_fd = fd;
        return 0;
}

int state_lock_shared(struct state *st, unsigned long wait_ms)
{
        int fd = open_lock(st, O_RDONLY);
        if (fd == -ENOENT)
                return 0; /* nothing was ever applied here, so nothing can be in progress */
        if (fd < 0)
                return fd;
        int r = lock_wait(fd, LOCK_SH, wait_ms);
        if (r < 0) {
                close(fd);
                return r;
        }
        st->lock_fd = fd;
        return 0;
}

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
                if (data[i] == '\n' || data[i] == '\t') {
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

static char *serialize(const struct record *r, size_t *ret_len)
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
        char *norm = NULL;
        bool ok = key_normalize(key, &norm, NULL) == 0 && strcmp(norm, key) == 0 && strlen(written) == 1 &&
                  strchr("01wW", written[0]) && record_value_valid(before) && record_value_valid(after);
        free(norm);
        return ok;
}

static int parse(char *text, size_t len, struct record **ret)
{
        /* Check the trailer first: everything else is only trusted after it matches. */
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

        struct record *r = calloc(1, sizeof(*r));
        if (!r)
                return -ENOMEM;
        int res = -EBADMSG;
        unsigned seen = 0;
        for (char *line = text, *next; line && *line; line = next) {
                next = strchr(line, '\n');
                if (next)
                        *next++ = '\0';
                bool keyline = strncmp(line, "key\t", 4) == 0 || strncmp(line, "dep\t", 4) == 0 ||
                               strncmp(line, "rst\t", 4) == 0;
                if (strncmp(line, "base\t", 5) == 0) {
                        char *k = line + 5, *tab = strchr(k, '\t');
                        if (!tab || !r->has_base)
                                goto fail;
                        *tab = '\0';
                        if (!record_key_valid(k, "0", tab + 1, tab + 1))
                                goto fail;
                        if (record_add_base(r, k, tab + 1) < 0)
                                goto oom;
                        continue;
                }
                char *sp = strchr(line, keyline ? '\t' : ' ');
                if (!sp)
                        goto fail;
                *sp = '\0';
                char *v = sp + 1;
                if (strcmp(line, "twtune-state") == 0) {
                        if (strcmp(v, "1") != 0 && strcmp(v, "2") != 0)
                                goto fail;
                        r->has_base = v[0] == '2';
                        seen |= 1;
                } else if (strcmp(line, "kind") == 0) {
                        if (strcmp(v, "journal") != 0 && strcmp(v, "generation") != 0)
                                goto fail;
                        r->is_journal = strcmp(v, "journal") == 0;
                        seen |= 2;
                } else if (strcmp(line, "generation") == 0) {
                        if (parse_ulong(v, &r->generation) < 0 || r->generation == 0)
                                goto fail;
                        seen |= 4;
                } else if (strcmp(line, "time") == 0) {
                        r->time = strtoll(v, NULL, 10);
                } else if (strcmp(line, "profile") == 0) {
                        if (text_check_line(v, RECORD_TEXT_MAX, NULL) < 0)
                                goto fail;
                        if (!(r->profile = strdup(v)))
                                goto oom;
                } else if (strcmp(line, "action") == 0) {
                        if (strncmp(v, "rollback ", 9) == 0 && parse_ulong(v + 9, &r->restores) == 0)
                                r->is_rollback = true;
                        else if (strcmp(v, "apply") != 0)
                                goto fail;
                } else if (strcmp(line, "hash") == 0) {
                        if (strcmp(v, "-") != 0 && (strlen(v) != SHA256_HEX_LEN || v[strspn(v, "0123456789abcdef")]))
                                goto fail;
                        if (strcmp(v, "-") != 0 && !(r->hash = strdup(v)))
                                goto oom;
                } else if (strcmp(line, "persist") == 0) {
                        r->persist = strcmp(v, "1") == 0;
                } else if (strcmp(line, "file-before") == 0) {
                        if ((res = get_file(v, &next, &r->file_before_present, &r->file_before, &r->file_before_len)) < 0)
                                goto fail;
                        res = -EBADMSG;
                } else if (strcmp(line, "file-before-meta") == 0) {
                        if (sscanf(v, "%o %lu %lu", &r->file_before_mode, &r->file_before_uid, &r->file_before_gid) != 3 ||
                            r->file_before_mode > 07777)
                                goto fail;
                        r->file_before_meta = true;
                } else if (strcmp(line, "file") == 0) {
                        if ((res = get_file(v, &next, &r->file_present, &r->file, &r->file_len)) < 0)
                                goto fail;
                        res = -EBADMSG;
                } else if (keyline) {
                        char *f[4];
                        for (int i = 0; i < 4; i++) {
                                f[i] = v;
                                char *tab = strchr(v, '\t');
                                if (i < 3) {
                                        if (!tab)
                                                goto fail;
                                        *tab = '\0';
                                        v = tab + 1;
                                }
                        }
                        if (!record_key_valid(f[0], f[1], f[2], f[3]))
                                goto fail;
                        int (*add)(struct record *, const char *, const char *, const char *, bool) =
                                line[0] == 'd' ? record_add_dependent : line[0] == 'r' ? record_add_restored : record_add_key;
                        if (add(r, f[0], f[2], f[3], f[1][0] == '1' || f[1][0] == 'W') < 0)
                                goto oom;
                        r->keys[r->n_keys - 1].write_only = f[1][0] == 'w' || f[1][0] == 'W';
                } else
                        goto fail;
        }
        if (seen != 7)
                goto fail;
        unsigned long to;
        char tail;
        if (!r->has_base && r->profile && sscanf(r->profile, "rollback to generation %lu%c", &to, &tail) == 1) {
                r->is_rollback = true; /* version 1 named a rollback only in its profile */
                r->restores = to;
        }
        *ret = r;
        return 0;
oom:
        res = -ENOMEM;
fail:
        record_free(r);
        return res;
}

static int read_record(int dirfd, const char *name, struct record **ret)
{
        int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        if (fd < 0)
                return -errno;
        char *text = NULL;
        size_t len;
        int r = check_trusted(fd, name, NULL);
        if (r == 0)
                r = read_fd(fd, RECORD_MAX, &text, &len);
        close(fd);
        if (r < 0)
                return r == -EFBIG ? -EBADMSG : r;
        r = parse(text, len, ret);
        free(text);
        return r;
}

static int write_record(int dirfd, const char *name, const struct record *r)
{
        size_t len;
        char *text = serialize(r, &len);
        if (!text)
                return -ENOMEM;
        int res = atomic_replace_at(dirfd, name, text, len, 0600);
        free(text);
        return res;
}

int state_journal_read(struct state *st, struct record **ret)
{
        return read_record(st->dirfd, "journal", ret);
}

int state_journal_write(struct state *st, const struct record *r)
{
        return write_record(st->dirfd, "journal", r);
}

int state_journal_remove(struct state *st)
{
        return unlink_sync_at(st->dirfd, "journal");
}

int state_generation_read(struct state *st, unsigned long id, struct record **ret)
{
        char name[32];
        snprintf(name, sizeof(name), "%lu", id);
        struct record *g = NULL;
        int r = read_record(st->gens_fd, name, &g);
        if (r == 0 && (g->is_journal || g->generation != id)) {
                record_free(g); /* a record copied or renamed to another number */
                r = -EBADMSG;
        }
        if (r == 0)
                *ret = g;
        return r;
}

int state_generation_write(struct state *st, const struct record *r)
{
        char name[32];
        snprintf(name, sizeof(name), "%lu", r->generation);
        size_t len;
        char *text = serialize(r, &len);
        if (!text)
                return -ENOMEM;
        int res = atomic_create_at(st->gens_fd, name, text, len, 0644); /* readable: see state.h */
        free(text);
        return res;
}

int state_generation_remove(struct state *st, unsigned long id)
{
        char name[32];
        snprintf(name, sizeof(name), "%lu", id);
        return unlink_sync_at(st->gens_fd, name);
}

static int cmp_ul(const void *a, const void *b)
{
        unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;
        return x < y ? -1 : x > y;
}

int state_generations(struct state *st, unsigned long **ret_ids, size_t *ret_n)
{
        /* A fresh descriptor each time: a dup() would share the offset of the last listing, and
         * rewinddir() cannot report a failed rewind. */
        int fd = openat(st->gens_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        DIR *d = fdopendir(fd);
        if (!d) {
                close(fd);
                return -errno;
        }
        unsigned long *ids = NULL;
        size_t n = 0, cap = 0;
        struct dirent *de;
        /* readdir returns NULL at the end and on error: only errno tells them apart, and a list
         * cut short would make the next apply reuse a generation number. */
        while ((errno = 0, de = readdir(d))) {
                char *endp;
                if (de->d_name[0] < '1' || de->d_name[0] > '9')
                        continue; /* ".", "..", temporaries */
                unsigned long id = strtoul(de->d_name, &endp, 10);
                if (*endp)
                        continue;
                if (n == cap) {
                        cap = cap ? cap * 2 : 16;
                        unsigned long *p = realloc(ids, cap * sizeof(*p));
                        if (!p) {
                                free(ids);
                                closedir(d);
                                return -ENOMEM;
                        }
                        ids = p;
                }
                ids[n++] = id;
        }
        if (errno) {
                int r = -errno;
                free(ids);
                closedir(d);
                return r;
        }
        closedir(d);
        if (n)
                qsort(ids, n, sizeof(*ids), cmp_ul);
        *ret_ids = ids;
        *ret_n = n;
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

int state_generation_by_hash(struct state *st, const char *prefix, unsigned long *ret_id)
{
        size_t len = strlen(prefix);
        if (len < STATE_HASH_PREFIX_MIN || len > 64 || strspn(prefix, "0123456789abcdef") != len)
                return -EINVAL;
        unsigned long *ids = NULL, found = 0;
        size_t n = 0;
        char *hash = NULL;
        int r = state_generations(st, &ids, &n);
        /* Newest first; a prefix that two different hashes share names neither. */
        for (size_t i = n; r == 0 && i-- > 0;) {
                struct record *g = NULL;
                if ((r = state_generation_read(st, ids[i], &g)) < 0)
                        break;
                if (g->hash && strncmp(g->hash, prefix, len) == 0) {
                        if (!hash) {
                                found = ids[i];
                                r = (hash = strdup(g->hash)) ? 0 : -ENOMEM;
                        } else if (strcmp(hash, g->hash) != 0)
                                r = -ENOTUNIQ;
                }
                record_free(g);
        }
        free(ids);
        free(hash);
        if (r == 0 && !found)
                r = -ENOENT;
        if (r == 0)
                *ret_id = found;
        return r;
}
