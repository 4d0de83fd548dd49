/* SPDX-License-Identifier: MIT */
#include "sysroot.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "atomic.h"
#include "in_root.h"
#include "key.h"
#include "strarena.h"
#include "strmap.h"
#include "util.h"


struct mount_ro {
        unsigned long long id;
        int r;
        bool ro;
};

/* What one key's reads found while the cache is on (sysroot_cache): each part once asked. */
struct cached {
        const char *key; /* the key and the value in sysroot.cache_strs */
        bool has_value, has_mode, has_ro;
        int value_r, mode_r, ro_r; /* 0 or the negative errno the uncached call returned */
        const char *value;
        unsigned mode;
        bool ro;
};

struct sysroot {
        char *root;
        int proc_sys_fd; /* -1 until first use */
        bool caching;
        struct cached *cache;
        size_t n_cache, cap_cache;
        struct strmap cache_idx;
        struct strarena cache_strs; /* thousands of keys and a few distinct values, one block a run */
        struct mount_ro *mounts; /* while caching: whether each mount (by id) is read-only */
        size_t n_mounts;
};

static const char *const dir_paths[] = {
        [SYSROOT_SYSCTL_D] = "etc/sysctl.d",
        [SYSROOT_STATE] = "var/lib/twtune",
        [SYSROOT_MODULES_LOAD_D] = "etc/modules-load.d",
};

int sysroot_new(const char *root, struct sysroot **ret)
{
        if (!root || !*root)
                root = "/";
        struct stat st;
        if (stat(root, &st) < 0)
                return -errno;
        if (!S_ISDIR(st.st_mode))
                return -ENOTDIR;
        struct sysroot *sr = calloc(1, sizeof(*sr));
        if (!sr)
                return -ENOMEM;
        sr->root = strdup(root);
        if (!sr->root) {
                free(sr);
                return -ENOMEM;
        }
        sr->proc_sys_fd = -1;
        *ret = sr;
        return 0;
}

void sysroot_free(struct sysroot *sr)
{
        if (!sr)
                return;
        if (sr->proc_sys_fd >= 0)
                close(sr->proc_sys_fd);
        sysroot_cache(sr, false);
        free(sr->root);
        free(sr);
}

const char *sysroot_path(const struct sysroot *sr)
{
        return sr->root;
}

static int proc_sys_fd(struct sysroot *sr)
{
        if (sr->proc_sys_fd >= 0)
                return sr->proc_sys_fd;
        char *p = str_printf("%s/proc/sys", strcmp(sr->root, "/") == 0 ? "" : sr->root);
        if (!p)
                return -ENOMEM;
        int fd = open(p, O_PATH | O_DIRECTORY | O_CLOEXEC);
        free(p);
        if (fd < 0)
                return -errno;
        sr->proc_sys_fd = fd;
        return fd;
}

/* Opens path below dirfd without following any symlink or leaving the directory; openat2 does
 * that in the kernel, and where it is missing every component is checked by hand. */
/* The path below /proc/sys of a key, which must already be in normal form. */
static int checked_path(const char *key, char **ret)
{
        char *norm = NULL;
        int r = key_normalize(key, &norm, NULL);
        if (r < 0)
                return r;
        bool same = strcmp(norm, key) == 0;
        free(norm);
        if (!same)
                return -EINVAL;
        *ret = key_to_path(key);
        return *ret ? 0 : -ENOMEM;
}

static int open_beneath(int dirfd, const char *path, int mode)
{
        /* O_PATH takes no other open flags (openat2 says EINVAL); a FIFO is no worry there. */
        int extra = mode & O_PATH ? 0 : O_NOCTTY | O_NONBLOCK;
        struct open_how how = {
                .flags = (unsigned)(mode | extra) | O_CLOEXEC,
                .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
        };
        long fd = syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
        if (fd >= 0)
                return (int)fd;
        if (errno != ENOSYS && errno != EPERM)
                return errno == ELOOP ? -ELOOP : -errno;

        /* Without openat2 (old kernels, container seccomp filters) walk one component at a time
         * with O_NOFOLLOW, and refuse anything that could climb out, whatever the caller checked. */
        if (path[0] == '/' || strstr(path, "//") || str_has_suffix(path, "/"))
                return -EINVAL;
        char *copy = strdup(path);
        if (!copy)
                return -ENOMEM;
        int cur = dup(dirfd);
        if (cur < 0)
                cur = -errno;
        char *save = NULL;
        for (char *c = strtok_r(copy, "/", &save); c && cur >= 0; c = strtok_r(NULL, "/", &save)) {
                if (strcmp(c, ".") == 0 || strcmp(c, "..") == 0) {
                        close(cur);
                        cur = -EINVAL;
                        break;
                }
                bool last = save == NULL || *save == '\0';
                int flags = O_CLOEXEC | O_NOFOLLOW | (last ? mode | extra : O_PATH | O_DIRECTORY);
                int next = openat(cur, c, flags);
                int saved = errno;
                close(cur);
                cur = next < 0 ? -saved : next;
        }
        free(copy);
        return cur;
}

/* Opens a key's file below <root>/proc/sys; the key must be in normal form. */
static int open_sysctl(struct sysroot *sr, const char *key, int flags)
{
        int dfd = proc_sys_fd(sr);
        if (dfd < 0)
                return dfd;
        char *path = NULL;
        int r = checked_path(key, &path);
        if (r < 0)
                return r;
        int fd = open_beneath(dfd, path, flags);
        free(path);
        return fd;
}

static int fd_value(int fd, char **ret_value)
{
        char *v;
        size_t len;
        int r = read_fd(fd, SYSCTL_VALUE_MAX, &v, &len);
        if (r < 0)
                return r;
        while (len > 0 && v[len - 1] == '\n')
                v[--len] = '\0';
        *ret_value = v;
        return 0;
}

/* fd_value for a file known to be regular: no fstat, and a short value read into the stack. */
static int fd_regular_value(int fd, char **ret_value)
{
        char buf[4096];
        size_t len = 0;
        for (;;) {
                ssize_t n = read(fd, buf + len, sizeof(buf) - 1 - len);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return -errno;
                if (n == 0)
                        break;
                len += (size_t)n;
                if (len == sizeof(buf) - 1) /* a long one: the general reader, from the start */
                        return lseek(fd, 0, SEEK_SET) < 0 ? -errno : fd_value(fd, ret_value);
        }
        while (len > 0 && buf[len - 1] == '\n')
                len--;
        char *v = strndup(buf, len);
        if (!v)
                return -ENOMEM;
        *ret_value = v;
        return 0;
}

static int fd_mode(int fd, unsigned *ret_mode)
{
        struct stat st;
        if (fstat(fd, &st) < 0)
                return -errno;
        *ret_mode = st.st_mode & 07777;
        return 0;
}

static int fd_readonly_mount(int fd, bool *ret)
{
        struct statvfs sv;
        if (fstatvfs(fd, &sv) < 0)
                return -errno;
        bool ro = sv.f_flag & ST_RDONLY;
        /* What the kernel says a write would meet (EROFS), where faccessat takes an O_PATH descriptor
         * (AT_EMPTY_PATH; older kernels and libcs refuse, and then the mount flag alone answers). */
        if (!ro && faccessat(fd, "", W_OK, AT_EMPTY_PATH | AT_EACCESS) < 0 && errno == EROFS)
                ro = true;
        *ret = ro;
        return 0;
}

static int read_sysctl(struct sysroot *sr, const char *key, char **ret_value)
{
        int fd = open_sysctl(sr, key, O_RDONLY);
        if (fd < 0)
                return fd;
        int r = fd_value(fd, ret_value);
        close(fd);
        return r;
}

static int sysctl_mode(struct sysroot *sr, const char *key, unsigned *ret_mode)
{
        int fd = open_sysctl(sr, key, O_PATH);
        if (fd < 0)
                return fd;
        int r = fd_mode(fd, ret_mode);
        close(fd);
        return r;
}

static int sysctl_readonly_mount(struct sysroot *sr, const char *key, bool *ret)
{
        int fd = open_sysctl(sr, key, O_PATH);
        if (fd < 0)
                return fd;
        int r = fd_readonly_mount(fd, ret);
        close(fd);
        return r;
}

void sysroot_cache(struct sysroot *sr, bool on)
{
        strarena_release(&sr->cache_strs);
        free(sr->cache);
        free(sr->mounts);
        sr->mounts = NULL;
        sr->n_mounts = 0;
        strmap_release(&sr->cache_idx);
        sr->cache = NULL;
        sr->n_cache = sr->cap_cache = 0;
        sr->caching = on;
}

/* The mode from statx, and whether the mount is read-only asked once per mount (its id): both the
 * mount flag and faccessat's EROFS are the mount's (or its superblock's), the same for every key
 * on it, and thousands of keys share one or two mounts. False where statx has no mount id. */
static bool probe_by_mount(struct sysroot *sr, int fd, struct cached *c, unsigned *ret_type)
{
#ifdef STATX_MNT_ID
        struct statx sx;
        if (statx(fd, "", AT_EMPTY_PATH, STATX_MODE | STATX_MNT_ID, &sx) < 0 || !(sx.stx_mask & STATX_MNT_ID) ||
            !(sx.stx_mask & STATX_MODE))
                return false;
        size_t i = 0;
        while (i < sr->n_mounts && sr->mounts[i].id != sx.stx_mnt_id)
                i++;
        if (i == sr->n_mounts) {
                struct mount_ro *v = realloc(sr->mounts, (i + 1) * sizeof(*v));
                if (!v)
                        return false;
                sr->mounts = v;
                v[i].id = sx.stx_mnt_id;
                v[i].ro = false; /* fd_readonly_mount sets it only on success */
                v[i].r = fd_readonly_mount(fd, &v[i].ro);
                sr->n_mounts++;
        }
        c->mode = sx.stx_mode & 07777;
        c->mode_r = 0;
        *ret_type = sx.stx_mode & S_IFMT;
        c->ro = sr->mounts[i].ro;
        c->ro_r = sr->mounts[i].r;
        return true;
#else
        (void)sr, (void)fd, (void)c, (void)ret_type;
        return false;
#endif
}

/* Fills every part of a new cache entry from one open: what the three uncached calls would find,
 * at a third of the path walks. A key that cannot be opened for reading (write-only, mode 0200)
 * still has a mode and a mount, found through an O_PATH descriptor as the uncached calls do. */
static void probe(struct sysroot *sr, struct cached *c)
{
        int fd = open_sysctl(sr, c->key, O_RDONLY);
        unsigned type = 0;
        char *value = NULL;
        if (fd >= 0) {
                if (probe_by_mount(sr, fd, c, &type)) /* the type known: read_fd's checks, without its fstat */
                        c->value_r = S_ISREG(type) ? fd_regular_value(fd, &value) : S_ISDIR(type) ? -EISDIR : -EINVAL;
                else {
                        c->value_r = fd_value(fd, &value);
                        c->mode_r = fd_mode(fd, &c->mode);
                        c->ro_r = fd_readonly_mount(fd, &c->ro);
                }
                close(fd);
        } else {
                c->value_r = fd;
                int pfd = fd == -ENOENT || fd == -EINVAL ? fd : open_sysctl(sr, c->key, O_PATH);
                c->mode_r = pfd < 0 ? pfd : fd_mode(pfd, &c->mode);
                c->ro_r = pfd < 0 ? pfd : fd_readonly_mount(pfd, &c->ro);
                if (pfd >= 0)
                        close(pfd);
        }
        if (c->value_r == 0 && !(c->value = strarena_intern(&sr->cache_strs, value)))
                c->value_r = -ENOMEM;
        free(value);
        /* Out of memory is not an answer to keep: the caller asks the kernel again. */
        c->has_value = c->value_r != -ENOMEM;
        c->has_mode = c->mode_r != -ENOMEM;
        c->has_ro = c->ro_r != -ENOMEM;
}

/* The cache's entry for key, probed when new; NULL when the cache is off or out of memory
 * (the caller then asks the kernel). */
static struct cached *cached(struct sysroot *sr, const char *key)
{
        size_t i;
        if (!sr->caching)
                return NULL;
        if (strmap_get(&sr->cache_idx, key, &i))
                return &sr->cache[i];
        if (sr->n_cache == sr->cap_cache) {
                size_t cap = sr->cap_cache ? sr->cap_cache * 2 : 64;
                struct cached *v = realloc(sr->cache, cap * sizeof(*v));
                if (!v)
                        return NULL;
                sr->cache = v;
                sr->cap_cache = cap;
        }
        struct cached *c = &sr->cache[sr->n_cache];
        *c = (struct cached){.key = strarena_dup(&sr->cache_strs, key)};
        if (!c->key || strmap_put(&sr->cache_idx, c->key, sr->n_cache) < 0)
                return NULL; /* a key copied stays in the arena until the cache goes */
        sr->n_cache++;
        probe(sr, c);
        return c;
}

int sysroot_read_sysctl(struct sysroot *sr, const char *key, char **ret_value)
{
        struct cached *c = cached(sr, key);
        if (!c || !c->has_value)
                return read_sysctl(sr, key, ret_value);
        if (c->value_r < 0)
                return c->value_r;
        char *v = strdup(c->value);
        if (!v)
                return -ENOMEM;
        *ret_value = v;
        return 0;
}

int sysroot_sysctl_mode(struct sysroot *sr, const char *key, unsigned *ret_mode)
{
        struct cached *c = cached(sr, key);
        if (!c || !c->has_mode)
                return sysctl_mode(sr, key, ret_mode);
        if (c->mode_r == 0)
                *ret_mode = c->mode;
        return c->mode_r;
}

int sysroot_sysctl_exists(struct sysroot *sr, const char *key)
{
        struct cached *c = cached(sr, key);
        int r;
        if (c && c->has_value && (c->value_r == 0 || c->value_r == -ENOENT))
                r = c->value_r;
        else {
                unsigned mode;
                r = sysroot_sysctl_mode(sr, key, &mode);
        }
        return r == 0 ? 1 : r == -ENOENT ? 0 : r;
}

int sysroot_sysctl_readonly_mount(struct sysroot *sr, const char *key, bool *ret)
{
        struct cached *c = cached(sr, key);
        if (!c || !c->has_ro)
                return sysctl_readonly_mount(sr, key, ret);
        if (c->ro_r == 0)
                *ret = c->ro;
        return c->ro_r;
}

/* The value (plus a newline) in one write at offset 0. */
static int write_value(int fd, const char *value)
{
        char *line = str_printf("%s\n", value);
        if (!line)
                return -ENOMEM;
        /* One write at offset 0: with kernel.sysctl_writes_strict a write at a later offset is
         * ignored, and a vector must arrive whole. */
        size_t len = strlen(line);
        ssize_t n = pwrite(fd, line, len, 0);
        /* A value with more fields than the key holds: the kernel takes what it holds, up to and with
         * the blank after the last of them, and says so with a short count (observed 6.18: "33 44\n"
         * into tcp_fin_timeout returns 3). That is the kernel keeping the first fields, as sysctl -p
         * does; the caller's read-back checks what it kept. */
        bool kept_first = n > 0 && (size_t)n < len && (line[n - 1] == ' ' || line[n - 1] == '\t');
        int r = n < 0 ? -errno : (size_t)n != len && !kept_first ? -EIO : 0;
        free(line);
        return r;
}

int sysroot_write_sysctl(struct sysroot *sr, const char *key, const char *value)
{
        if (sr->caching) /* a write may change other keys too (the kernel's propagation) */
                sysroot_cache(sr, false);
        /* O_TRUNC is a no-op on /proc/sys and keeps a fake tree's files exact. */
        int fd = open_sysctl(sr, key, O_WRONLY | O_TRUNC);
        if (fd < 0)
                return fd;
        int r = write_value(fd, value);
        if (close(fd) < 0 && r == 0)
                r = -errno;
        return r;
}

int sysroot_write_read_sysctl(struct sysroot *sr, const char *key, const char *value, char **ret_back)
{
        if (sr->caching)
                sysroot_cache(sr, false);
        int fd = open_sysctl(sr, key, O_RDWR | O_TRUNC);
        if (fd == -EACCES || fd == -EPERM) { /* writable, not readable: as two calls, which say which failed */
                int r = sysroot_write_sysctl(sr, key, value);
                return r < 0 ? r : sysroot_read_sysctl(sr, key, ret_back);
        }
        if (fd < 0)
                return fd;
        /* pwrite leaves the offset at 0: the read sees what the kernel kept, from the same open. */
        int r = write_value(fd, value);
        char *back = NULL;
        if (r == 0) /* regular: O_RDWR refuses a directory, and a write anything else */
                r = fd_regular_value(fd, &back);
        if (close(fd) < 0 && r == 0)
                r = -errno;
        if (r < 0) {
                free(back);
                return r;
        }
        *ret_back = back;
        return 0;
}

struct expansion {
        char **keys;
        size_t n, cap;
        int error;
};

static void expansion_add(struct expansion *x, char *key)
{
        if (!key || x->error) {
                x->error = x->error ? x->error : -ENOMEM;
                free(key);
                return;
        }
        if (x->n + 1 >= x->cap) {
                size_t cap = x->cap ? x->cap * 2 : 16;
                char **v = realloc(x->keys, cap * sizeof(*v));
                if (!v) {
                        x->error = -ENOMEM;
                        free(key);
                        return;
                }
                x->keys = v;
                x->cap = cap;
        }
        x->keys[x->n++] = key;
        x->keys[x->n] = NULL;
}

/* Matches the path components comps[i..] below the open directory dfd, whose key prefix is
 * prefix ("net.ipv4.conf"). Components are in path form (a '.' inside one is a real dot). */
static void expand_at(int dfd, const char *prefix, char **comps, size_t i, size_t n, struct expansion *x)
{
        int fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        DIR *d = fd < 0 ? NULL : fdopendir(fd);
        if (!d) {
                if (fd >= 0)
                        close(fd);
                return; /* a directory that vanished or cannot be listed matches nothing */
        }
        struct dirent *de;
        while (!x->error && (de = readdir(d))) {
                if (de->d_name[0] == '.' && (!de->d_name[1] || (de->d_name[1] == '.' && !de->d_name[2])))
                        continue;
                if (fnmatch(comps[i], de->d_name, FNM_PERIOD) != 0)
                        continue;
                char *name = key_to_path(de->d_name); /* path form to key form: swap '.' and '/' */
                char *key = name ? str_printf("%s%s%s", prefix, *prefix ? "." : "", name) : NULL;
                free(name);
                struct stat st;
                if (!key || fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
                        if (!key)
                                x->error = -ENOMEM;
                        free(key);
                        continue;
                }
                if (i + 1 == n && S_ISREG(st.st_mode)) {
                        expansion_add(x, key);
                        continue;
                }
                int sub = i + 1 < n && S_ISDIR(st.st_mode)
                                  ? openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                                  : -1;
                if (sub >= 0) {
                        expand_at(sub, key, comps, i + 1, n, x);
                        close(sub);
                }
                free(key);
        }
        closedir(d);
}

static int cmp_str(const void *a, const void *b)
{
        return strcmp(*(char *const *)a, *(char *const *)b);
}

int sysroot_expand(struct sysroot *sr, const char *pattern, char ***ret_keys, size_t *ret_n)
{
        int dfd = proc_sys_fd(sr);
        if (dfd < 0)
                return dfd;
        char *norm = NULL;
        int r = key_normalize(pattern, &norm, NULL);
        if (r < 0)
                return r;
        char *path = key_to_path(norm);
        free(norm);
        if (!path)
                return -ENOMEM;
        char *comps[64];
        size_t n = 0;
        char *save = NULL;
        for (char *c = strtok_r(path, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
                if (n == ELEMENTSOF(comps) || strcmp(c, "..") == 0 || strcmp(c, ".") == 0) {
                        free(path);
                        return -EINVAL;
                }
                comps[n++] = c;
        }
        struct expansion x = {0};
        int top = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (top < 0)
                x.error = -errno;
        else {
                expand_at(top, "", comps, 0, n, &x);
                close(top);
        }
        free(path);
        if (!x.error && !x.keys && !(x.keys = calloc(1, sizeof(char *))))
                x.error = -ENOMEM;
        if (x.error) {
                for (size_t i = 0; i < x.n; i++)
                        free(x.keys[i]);
                free(x.keys);
                return x.error;
        }
        qsort(x.keys, x.n, sizeof(char *), cmp_str);
        *ret_keys = x.keys;
        *ret_n = x.n;
        return 0;
}

int sysroot_open_dir(struct sysroot *sr, enum sysroot_dir which, bool create)
{
        int root = open(sr->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (root < 0)
                return -errno;
        int fd = open_dir_at(root, dir_paths[which], create, 0755, 0755); /* the state too: see state.h */
        close(root);
        return fd;
}

char *sysroot_dir_path(const struct sysroot *sr, enum sysroot_dir which, const char *name)
{
        const char *root = strcmp(sr->root, "/") == 0 ? "" : sr->root;
        return name ? str_printf("%s/%s/%s", root, dir_paths[which], name) : str_printf("%s/%s", root, dir_paths[which]);
}

int sysroot_open_config(struct sysroot *sr, const char *path, int flags)
{
        int rootfd = open(sr->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (rootfd < 0)
                return -errno;
        while (*path == '/')
                path++;
        flags |= (flags & O_PATH) ? O_CLOEXEC : O_NOCTTY | O_NONBLOCK | O_CLOEXEC; /* O_PATH takes no others */
        struct open_how how = {.flags = (unsigned long long)flags, .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};
        long fd = syscall(SYS_openat2, rootfd, *path ? path : ".", &how, sizeof(how));
        int r = fd < 0 ? -errno : (int)fd;
        if (fd < 0 && (errno == ENOSYS || errno == EPERM))
                r = open_in_root(rootfd, path, flags);
        close(rootfd);
        return r;
}
