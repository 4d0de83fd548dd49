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
#include "record_internal.h"
#include "sysroot.h"
#include "util.h"

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
        r = record_parse(text, len, ret);
        free(text);
        return r;
}

static int write_record(int dirfd, const char *name, const struct record *r)
{
        size_t len;
        char *text = record_serialize(r, &len);
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
        char *text = record_serialize(r, &len);
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
