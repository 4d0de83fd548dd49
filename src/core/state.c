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
#include "sha256.h"
#include "sysroot.h"
#include "util.h"

/* A record holds at most two persisted files (1 MiB each) in hex, plus the keys. */
#define RECORD_MAX (8u * 1024 * 1024)

struct state {
        int dirfd;
        int gens_fd;
        int lock_fd;
};

int state_open(struct sysroot *sr, const char *sub, bool create, struct state **ret)
{
        int fd = sysroot_open_dir(sr, SYSROOT_STATE, create);
        if (fd < 0)
                return fd;
        if (sub) {
                int subfd = open_dir_at(fd, sub, create, 0700);
                close(fd);
                if (subfd < 0)
                        return subfd;
                fd = subfd;
        }
        /* The journal holds previous values and files: keep the directory private even if
         * something else created it. */
        struct stat st_dir;
        if (create && fstat(fd, &st_dir) == 0 && (st_dir.st_mode & 077) && fchmod(fd, 0700) < 0) {
                int r = -errno;
                close(fd);
                return r;
        }
        int gens = open_dir_at(fd, "generations", create, 0700);
        if (gens < 0) {
                close(fd);
                return gens;
        }
        struct state *st = calloc(1, sizeof(*st));
        if (!st) {
                close(gens);
                close(fd);
                return -ENOMEM;
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

int state_lock(struct state *st, unsigned long wait_ms, pid_t *ret_holder)
{
        int fd = openat(st->dirfd, "lock", O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0)
                return -errno;
        for (unsigned long waited = 0;; waited += 50) {
                if (flock(fd, LOCK_EX | LOCK_NB) == 0)
                        break;
                if (errno != EWOULDBLOCK || waited >= wait_ms) {
                        int r = errno == EWOULDBLOCK ? -EWOULDBLOCK : -errno;
                        char buf[32] = {0};
                        if (ret_holder)
                                *ret_holder = pread(fd, buf, sizeof(buf) - 1, 0) > 0 ? (pid_t)atol(buf) : 0;
                        close(fd);
                        return r;
                }
                struct timespec ts = {0, 50 * 1000 * 1000};
                nanosleep(&ts, NULL);
        }
        /* Say who holds it, for the error a waiting process prints. */
        char buf[32];
        int n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
        if (ftruncate(fd, 0) < 0 || pwrite(fd, buf, (size_t)n, 0) != n) {
                int r = -errno;
                close(fd);
                return r ? r : -EIO;
        }
        st->lock_fd = fd;
        return 0;
}

static void put_hex(struct strbuf *sb, const char *name, bool present, const char *data, size_t len)
{
        sb_appendf(sb, "%s ", name);
        if (!present) {
                sb_append(sb, "-\n");
                return;
        }
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
        sb_append(sb, "\n");
}

static int get_hex(const char *s, bool *ret_present, char **ret, size_t *ret_len)
{
        if (strcmp(s, "-") == 0) {
                *ret_present = false;
                *ret = NULL;
                *ret_len = 0;
                return 0;
        }
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
        sb_appendf(&sb, "twtune-state 1\nkind %s\ngeneration %lu\ntime %lld\nprofile %s\nhash %s\npersist %d\n",
                   r->is_journal ? "journal" : "generation", r->generation, r->time, profile ? profile : "",
                   r->hash ? r->hash : "-", r->persist);
        free(profile);
        put_hex(&sb, "file-before", r->file_before_present, r->file_before, r->file_before_len);
        put_hex(&sb, "file", r->file_present, r->file, r->file_len);
        for (size_t i = 0; i < r->n_keys; i++)
                sb_appendf(&sb, "key\t%s\t%d\t%s\t%s\n", r->keys[i].key, r->keys[i].written, r->keys[i].before,
                           r->keys[i].after);
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
                char *sp = strchr(line, strncmp(line, "key\t", 4) == 0 ? '\t' : ' ');
                if (!sp)
                        goto fail;
                *sp = '\0';
                char *v = sp + 1;
                if (strcmp(line, "twtune-state") == 0) {
                        if (strcmp(v, "1") != 0)
                                goto fail;
                        seen |= 1;
                } else if (strcmp(line, "kind") == 0) {
                        r->is_journal = strcmp(v, "journal") == 0;
                        seen |= 2;
                } else if (strcmp(line, "generation") == 0) {
                        r->generation = strtoul(v, NULL, 10);
                        seen |= 4;
                } else if (strcmp(line, "time") == 0) {
                        r->time = strtoll(v, NULL, 10);
                } else if (strcmp(line, "profile") == 0) {
                        if (!(r->profile = strdup(v)))
                                goto oom;
                } else if (strcmp(line, "hash") == 0) {
                        if (strcmp(v, "-") != 0 && !(r->hash = strdup(v)))
                                goto oom;
                } else if (strcmp(line, "persist") == 0) {
                        r->persist = strcmp(v, "1") == 0;
                } else if (strcmp(line, "file-before") == 0) {
                        if ((res = get_hex(v, &r->file_before_present, &r->file_before, &r->file_before_len)) < 0)
                                goto fail;
                        res = -EBADMSG;
                } else if (strcmp(line, "file") == 0) {
                        if ((res = get_hex(v, &r->file_present, &r->file, &r->file_len)) < 0)
                                goto fail;
                        res = -EBADMSG;
                } else if (strcmp(line, "key") == 0) {
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
                        if (record_add_key(r, f[0], f[2], f[3], strcmp(f[1], "1") == 0) < 0)
                                goto oom;
                } else
                        goto fail;
        }
        if (seen != 7)
                goto fail;
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
        char *text;
        size_t len;
        int r = read_nofollow_at(dirfd, name, RECORD_MAX, &text, &len);
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
        return read_record(st->gens_fd, name, ret);
}

int state_generation_write(struct state *st, const struct record *r)
{
        char name[32];
        snprintf(name, sizeof(name), "%lu", r->generation);
        return write_record(st->gens_fd, name, r);
}

static int cmp_ul(const void *a, const void *b)
{
        unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;
        return x < y ? -1 : x > y;
}

int state_generations(struct state *st, unsigned long **ret_ids, size_t *ret_n)
{
        int fd = dup(st->gens_fd);
        if (fd < 0)
                return -errno;
        DIR *d = fdopendir(fd);
        if (!d) {
                close(fd);
                return -errno;
        }
        rewinddir(d);
        unsigned long *ids = NULL;
        size_t n = 0, cap = 0;
        struct dirent *de;
        while ((de = readdir(d))) {
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
        closedir(d);
        if (n)
                qsort(ids, n, sizeof(*ids), cmp_ul);
        *ret_ids = ids;
        *ret_n = n;
        return 0;
}

int record_add_key(struct record *r, const char *key, const char *before, const char *after, bool written)
{
        struct rec_key *v = realloc(r->keys, (r->n_keys + 1) * sizeof(*v));
        if (!v)
                return -ENOMEM;
        r->keys = v;
        struct rec_key k = {strdup(key), one_line(before), one_line(after), written};
        if (!k.key || !k.before || !k.after) {
                free(k.key);
                free(k.before);
                free(k.after);
                return -ENOMEM;
        }
        v[r->n_keys++] = k;
        return 0;
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
