/* SPDX-License-Identifier: MIT */
/* Opening a path below a root without ever leaving it, where openat2 cannot (see in_root.h). */
#include "in_root.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

#define IN_ROOT_MAX_DEPTH 128 /* directories deep below the root */
#define IN_ROOT_MAX_LINKS 40  /* symlinks followed in one walk, as the kernel's MAXSYMLINKS */

/* The walk's state: the directories open below the root (the last is where it stands) and the
 * path still to walk. */
struct in_root {
        int rootfd;
        int dirs[IN_ROOT_MAX_DEPTH];
        size_t depth;
        char *todo;
};

static int in_root_cur(const struct in_root *w)
{
        return w->depth ? w->dirs[w->depth - 1] : w->rootfd;
}

/* Replaces the walk's path by target followed by rest, which may point into w->todo. */
static int in_root_splice(struct in_root *w, const char *target, const char *rest)
{
        char *next = str_printf("%s/%s", target, rest);
        if (!next)
                return -ENOMEM;
        free(w->todo);
        w->todo = next;
        if (target[0] == '/') /* an absolute link starts again at the root */
                while (w->depth)
                        close(w->dirs[--w->depth]);
        return 0;
}

/* One component c of the walk, with rest after it. Returns 1 to go on, or the final fd or a
 * negative errno. */
static int in_root_step(struct in_root *w, const char *c, const char *rest, int flags, unsigned *links, bool *spliced)
{
        if (strcmp(c, ".") == 0)
                return 1;
        if (strcmp(c, "..") == 0) { /* never above the root, as RESOLVE_IN_ROOT */
                if (w->depth)
                        close(w->dirs[--w->depth]);
                return 1;
        }
        int fd = openat(in_root_cur(w), c, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        struct stat st;
        if (fd < 0 || fstat(fd, &st) < 0) {
                int r = -errno;
                if (fd >= 0)
                        close(fd);
                return r;
        }
        if (S_ISLNK(st.st_mode)) {
                char target[4096];
                ssize_t n = ++*links > IN_ROOT_MAX_LINKS ? -1 : readlinkat(fd, "", target, sizeof(target) - 1);
                int r = n < 0 ? (*links > IN_ROOT_MAX_LINKS ? -ELOOP : -errno) : 0;
                close(fd);
                if (r == 0) {
                        target[n] = '\0';
                        r = in_root_splice(w, target, rest);
                        *spliced = r == 0;
                }
                return r < 0 ? r : 1;
        }
        if (rest[strspn(rest, "/")] == '\0') { /* the last component, not a link */
                close(fd);
                int last = openat(in_root_cur(w), c, flags | O_NOFOLLOW);
                return last < 0 ? -errno : last;
        }
        if (!S_ISDIR(st.st_mode) || w->depth == IN_ROOT_MAX_DEPTH) {
                close(fd);
                return S_ISDIR(st.st_mode) ? -ENAMETOOLONG : -ENOTDIR;
        }
        w->dirs[w->depth++] = fd;
        return 1;
}

int open_in_root(int rootfd, const char *path, int flags)
{
        struct in_root w = {.rootfd = rootfd, .todo = strdup(path)};
        unsigned links = 0;
        int r = w.todo ? 1 : -ENOMEM;
        while (r == 1) {
                char *p = w.todo + strspn(w.todo, "/");
                if (!*p) { /* the path named a directory already open */
                        r = openat(in_root_cur(&w), ".", flags);
                        r = r < 0 ? -errno : r;
                        break;
                }
                size_t n = strcspn(p, "/");
                char *c = strndup(p, n), *rest = strdup(p + n);
                bool spliced = false;
                r = c && rest ? in_root_step(&w, c, rest, flags, &links, &spliced) : -ENOMEM;
                if (r == 1 && !spliced) { /* on to the rest; a link put its target in todo already */
                        free(w.todo);
                        w.todo = rest;
                        rest = NULL;
                }
                free(c);
                free(rest);
        }
        while (w.depth)
                close(w.dirs[--w.depth]);
        free(w.todo);
        return r;
}
