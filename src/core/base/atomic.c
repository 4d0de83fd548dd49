/* SPDX-License-Identifier: MIT */
#include "atomic.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

static int write_all(int fd, const void *data, size_t len)
{
        const char *p = data;
        while (len > 0) {
                ssize_t n = write(fd, p, len);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return -errno;
                p += n;
                len -= (size_t)n;
        }
        return 0;
}

/* Writes data to a fresh temporary beside name, with mode and (unless -1) owner, and fsyncs it;
 * returns its name (caller frees). */
static int write_temp(int dirfd, const char *name, const void *data, size_t len, mode_t mode, long uid, long gid,
                      char **ret_tmp)
{
        char *tmp = str_printf(".%s.tmp", name);
        if (!tmp)
                return -ENOMEM;
        if (unlinkat(dirfd, tmp, 0) < 0 && errno != ENOENT) {
                int r = -errno;
                free(tmp);
                return r;
        }
        int fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
        if (fd < 0) {
                int r = -errno;
                free(tmp);
                return r;
        }
        int r = write_all(fd, data, len);
        if (r == 0 && (uid >= 0 || gid >= 0) && fchown(fd, (uid_t)uid, (gid_t)gid) < 0)
                r = -errno;
        if (r == 0 && fchmod(fd, mode) < 0) /* umask must not widen or narrow it; after chown, which clears setgid */
                r = -errno;
        if (r == 0 && fsync(fd) < 0)
                r = -errno;
        if (close(fd) < 0 && r == 0)
                r = -errno;
        if (r < 0) {
                unlinkat(dirfd, tmp, 0);
                free(tmp);
                return r;
        }
        *ret_tmp = tmp;
        return 0;
}

int atomic_replace_at(int dirfd, const char *name, const void *data, size_t len, mode_t mode)
{
        return atomic_replace_owned_at(dirfd, name, data, len, mode, -1, -1);
}

int atomic_replace_owned_at(int dirfd, const char *name, const void *data, size_t len, mode_t mode, long uid, long gid)
{
        char *tmp;
        int r = write_temp(dirfd, name, data, len, mode, uid, gid, &tmp);
        if (r < 0)
                return r;
        if (renameat(dirfd, tmp, dirfd, name) < 0) {
                r = -errno;
                unlinkat(dirfd, tmp, 0);
        } else if (fsync(dirfd) < 0)
                r = -errno;
        free(tmp);
        return r;
}

int atomic_create_at(int dirfd, const char *name, const void *data, size_t len, mode_t mode)
{
        char *tmp;
        int r = write_temp(dirfd, name, data, len, mode, -1, -1, &tmp);
        if (r < 0)
                return r;
        /* link() fails with EEXIST where rename() would replace. */
        if (linkat(dirfd, tmp, dirfd, name, 0) < 0)
                r = -errno;
        if (unlinkat(dirfd, tmp, 0) < 0 && r == 0)
                r = -errno;
        if (r == 0 && fsync(dirfd) < 0)
                r = -errno;
        free(tmp);
        return r;
}

int read_nofollow_at(int dirfd, const char *name, size_t max, char **ret, size_t *ret_len)
{
        int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        if (fd < 0)
                return -errno;
        int r = read_fd(fd, max, ret, ret_len);
        close(fd);
        return r;
}

int unlink_sync_at(int dirfd, const char *name)
{
        if (unlinkat(dirfd, name, 0) < 0 && errno != ENOENT)
                return -errno;
        return fsync(dirfd) < 0 ? -errno : 0;
}

int open_dir_at(int dirfd, const char *path, bool create, mode_t parent_mode, mode_t mode)
{
        char *copy = strdup(path);
        if (!copy)
                return -ENOMEM;
        int cur = dup(dirfd);
        if (cur < 0) {
                free(copy);
                return -errno;
        }
        char *save = NULL;
        for (char *c = strtok_r(copy, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
                int next = openat(cur, c, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                int err = next < 0 ? errno : 0;
                if (err == ENOENT && create) {
                        bool last = save == NULL || *save == '\0';
                        if (mkdirat(cur, c, last ? mode : parent_mode) < 0 && errno != EEXIST) {
                                err = errno;
                        } else {
                                fsync(cur); /* the new entry must survive a crash */
                                next = openat(cur, c, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                                err = next < 0 ? errno : 0;
                        }
                }
                if (err) {
                        close(cur);
                        free(copy);
                        /* O_NOFOLLOW on a symlink gives ELOOP; a symlink is not our directory. */
                        return err == ELOOP ? -ENOTDIR : -err;
                }
                close(cur);
                cur = next;
        }
        free(copy);
        return cur;
}
