#include "sysroot.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "atomic.h"
#include "key.h"
#include "util.h"

/* Sysctl values are short; the largest common ones (port lists) stay far below this. */
#define SYSCTL_VALUE_MAX (64 * 1024)

struct sysroot {
        char *root;
        int proc_sys_fd; /* -1 until first use */
};

static const char *const dir_paths[] = {
        [SYSROOT_SYSCTL_D] = "etc/sysctl.d",
        [SYSROOT_STATE] = "var/lib/twtune",
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
static int open_beneath(int dirfd, const char *path, int mode)
{
        struct open_how how = {
                .flags = (unsigned)mode | O_CLOEXEC | O_NOCTTY | O_NONBLOCK,
                .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
        };
        long fd = syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
        if (fd >= 0)
                return (int)fd;
        if (errno != ENOSYS && errno != EPERM)
                return errno == ELOOP ? -ELOOP : -errno;

        /* Keys were validated (no "..", no empty or absolute components), so a walk with
         * O_NOFOLLOW at each step is enough. */
        char *copy = strdup(path);
        if (!copy)
                return -ENOMEM;
        int cur = dup(dirfd);
        char *save = NULL;
        for (char *c = strtok_r(copy, "/", &save); c && cur >= 0; c = strtok_r(NULL, "/", &save)) {
                bool last = save == NULL || *save == '\0';
                int flags = O_CLOEXEC | O_NOFOLLOW | (last ? mode | O_NONBLOCK | O_NOCTTY : O_PATH | O_DIRECTORY);
                int next = openat(cur, c, flags);
                int saved = errno;
                close(cur);
                cur = next < 0 ? -saved : next;
        }
        free(copy);
        return cur;
}

int sysroot_read_sysctl(struct sysroot *sr, const char *key, char **ret_value)
{
        int dfd = proc_sys_fd(sr);
        if (dfd < 0)
                return dfd;
        char *path = key_to_path(key);
        if (!path)
                return -ENOMEM;
        int fd = open_beneath(dfd, path, O_RDONLY);
        free(path);
        if (fd < 0)
                return fd;
        char *v;
        size_t len;
        int r = read_fd(fd, SYSCTL_VALUE_MAX, &v, &len);
        close(fd);
        if (r < 0)
                return r;
        while (len > 0 && v[len - 1] == '\n')
                v[--len] = '\0';
        *ret_value = v;
        return 0;
}

int sysroot_write_sysctl(struct sysroot *sr, const char *key, const char *value)
{
        int dfd = proc_sys_fd(sr);
        if (dfd < 0)
                return dfd;
        char *path = key_to_path(key);
        char *line = str_printf("%s\n", value);
        if (!path || !line) {
                free(path);
                free(line);
                return -ENOMEM;
        }
        /* O_TRUNC is a no-op on /proc/sys and keeps a fake tree's files exact. */
        int fd = open_beneath(dfd, path, O_WRONLY | O_TRUNC);
        free(path);
        int r = fd;
        if (fd >= 0) {
                /* One write at offset 0: with kernel.sysctl_writes_strict a write at a later offset
                 * is ignored, and a vector must arrive whole. */
                size_t len = strlen(line);
                ssize_t n = pwrite(fd, line, len, 0);
                r = n < 0 ? -errno : (size_t)n != len ? -EIO : 0;
                if (close(fd) < 0 && r == 0)
                        r = -errno;
        }
        free(line);
        return r;
}

int sysroot_open_dir(struct sysroot *sr, enum sysroot_dir which, bool create)
{
        int root = open(sr->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (root < 0)
                return -errno;
        int fd = open_dir_at(root, dir_paths[which], create, which == SYSROOT_STATE ? 0700 : 0755);
        close(root);
        return fd;
}

char *sysroot_dir_path(const struct sysroot *sr, enum sysroot_dir which, const char *name)
{
        const char *root = strcmp(sr->root, "/") == 0 ? "" : sr->root;
        return name ? str_printf("%s/%s/%s", root, dir_paths[which], name) : str_printf("%s/%s", root, dir_paths[which]);
}
