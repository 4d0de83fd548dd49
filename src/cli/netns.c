/* SPDX-License-Identifier: MIT */
/* Which network namespace twtune reads and writes: the host's or another, entered with --netns or
 * not, and the state directory of each. */
#include "netns.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "errors.h"
#include "output.h"
#include "util.h"

#ifndef SO_NETNS_COOKIE
#define SO_NETNS_COOKIE 71 /* Linux 5.14; older headers lack it */
#endif

/* An identity for a network namespace that the kernel never gives another: its cookie
 * (SO_NETNS_COOKIE, Linux 5.14), unique until reboot, with the boot id, since cookies and
 * namespaces start over at boot. Older kernels only have the nsfs inode, which is reused once the
 * namespace is gone; that fallback is documented in twtune(8). Call inside the namespace. */
static int netns_identity(const struct stat *ns, char *buf, size_t size)
{
        char boot[64] = "noboot";
        int fd = open("/proc/sys/kernel/random/boot_id", O_RDONLY | O_CLOEXEC);
        if (fd >= 0) {
                ssize_t n = read(fd, boot, sizeof(boot) - 1);
                boot[n > 0 ? (size_t)n : 0] = '\0';
                boot[strcspn(boot, "\n")] = '\0';
                if (!*boot || boot[strspn(boot, "0123456789abcdef-")])
                        strcpy(boot, "noboot");
                close(fd);
        }
        uint64_t cookie = 0;
        socklen_t len = sizeof(cookie);
        int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        bool have = s >= 0 && getsockopt(s, SOL_SOCKET, SO_NETNS_COOKIE, &cookie, &len) == 0 && len == sizeof(cookie);
        if (s >= 0)
                close(s);
        int n = have ? snprintf(buf, size, "netns/%s-c%" PRIu64, boot, cookie)
                     : snprintf(buf, size, "netns/%s-i%lu", boot, (unsigned long)ns->st_ino);
        return n > 0 && (size_t)n < size ? 0 : -ENAMETOOLONG;
}

/* Opens a namespace file without blocking on a FIFO and checks that it is a network one. */
static int open_netns(struct cli *c, const char *path, int *ret_fd)
{
        int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
        if (fd < 0)
                return cli_error(c, EXIT_ENV, "cannot open network namespace %s: %s", path, strerror(errno));
        int type = ioctl(fd, NS_GET_NSTYPE);
        if (type != CLONE_NEWNET) {
                int r = cli_error(c, EXIT_USAGE, "--netns %s: %s", path,
                                  type >= 0 ? "a namespace, but not a network one"
                                            : "not a namespace file (give a name under /run/netns or a path such as "
                                              "/proc/PID/ns/net)");
                close(fd);
                return r;
        }
        *ret_fd = fd;
        return 0;
}

static bool same_ns(const struct stat *st, dev_t dev, ino_t ino)
{
        return st->st_dev == dev && st->st_ino == ino;
}

enum netns_where cli_netns_where(struct cli *c)
{
        if (c->netns_known)
                return c->netns_where;
        c->netns_known = true;
        c->netns_where = NETNS_UNKNOWN;
        /* The identity of the namespaces, not the inode number: the initial namespace's fixed
         * number is a recent kernel's habit, and a container's init is not in the initial one. */
        struct stat self, init;
        const char *path = "/proc/self/ns/net";
        if (stat(path, &self) == 0) {
                c->netns_dev = self.st_dev;
                c->netns_ino = self.st_ino;
                path = "/proc/1/ns/net";
                if (stat(path, &init) == 0) {
                        c->init_known = true;
                        c->init_dev = init.st_dev;
                        c->init_ino = init.st_ino;
                        c->netns_where = same_ns(&self, init.st_dev, init.st_ino) ? NETNS_HOST : NETNS_OTHER;
                        return c->netns_where;
                }
        }
        /* PID 1's namespace is hidden from an unprivileged user or a confined root (EACCES, EPERM),
         * or /proc is missing (ENOENT). Refusing there would refuse every unprivileged diff; the
         * caller's namespace is taken for the host's, as --netns does when it cannot tell. */
        int e = errno;
        if (c->verbose)
                cli_error(c, 0, "cannot tell whether this is the host's network namespace (%s: %s); proceeding", path,
                          strerror(e));
        return c->netns_where;
}

int cli_refuse_other_netns(struct cli *c, const char *netns)
{
        if (netns || cli_netns_where(c) != NETNS_OTHER)
                return 0;
        /* /etc/sysctl.d and /var/lib/twtune are the host's (they configure PID 1's namespace at
         * boot), but the live values here are another namespace's: `ip netns exec`, a container's
         * netns without its own init. Persisting would give the host this namespace's values. */
        bool apply = strcmp(c->cmd, "apply") == 0;
        return cli_fail(c, EXIT_USAGE, "not-host-netns",
                         "this process is not in the host's network namespace (net:[%llu], PID 1 is in net:[%llu]); %s. "
                         "Use --netns NAME|PATH from the host to target a namespace (live only, with its own history), "
                         "%s, or run in the host's namespace.",
                         (unsigned long long)c->netns_ino, (unsigned long long)c->init_ino,
                         apply ? "persisting here would write the host's /etc/sysctl.d and history for another "
                                 "namespace's values"
                               : "the host's journal, history and /etc/sysctl.d do not belong to this namespace's "
                                 "live values",
                         apply ? "--no-persist to change this namespace's live values only"
                               : "--netns /proc/self/ns/net for the history of this namespace's --no-persist applies");
}

void cli_netns_json(struct cli *c, bool live)
{
        static const char *const names[] = {[NETNS_HOST] = "host", [NETNS_OTHER] = "other", [NETNS_UNKNOWN] = "unknown"};
        json_member(c->out, "netns", live ? names[cli_netns_where(c)] : NULL);
}

void cli_netns_note(struct cli *c, bool live)
{
        if (!live || c->quiet || cli_netns_where(c) != NETNS_OTHER)
                return;
        if (c->init_known)
                out_line(c->out, "note: reading network namespace net:[%llu], not the host's (PID 1 is in net:[%llu])",
                         (unsigned long long)c->netns_ino, (unsigned long long)c->init_ino);
        else /* --netns entered it; PID 1's cannot be read */
                out_line(c->out, "note: reading network namespace net:[%llu] (--netns), not this process's own",
                         (unsigned long long)c->netns_ino);
}

/* Gives a process that runs in another namespace than the host's that namespace's own state, as
 * --netns would: its no-persist transactions must not enter the host's history. */
static int own_netns_state(struct cli *c)
{
        struct stat self;
        if (stat("/proc/self/ns/net", &self) < 0)
                return cli_error(c, EXIT_ENV, "cannot identify this network namespace: %s", strerror(errno));
        if (netns_identity(&self, c->state_sub_buf, sizeof(c->state_sub_buf)) < 0)
                return cli_error(c, EXIT_ENV, "cannot identify this network namespace");
        c->state_sub = c->state_sub_buf;
        return 0;
}

int cli_enter_netns(struct cli *c, const char *netns)
{
        enum netns_where where = cli_netns_where(c);
        if (!netns)
                return where == NETNS_OTHER ? own_netns_state(c) : 0;
        char *path = strchr(netns, '/') ? strdup(netns) : str_printf("/run/netns/%s", netns);
        if (!path)
                return cli_error(c, EXIT_ENV, "%s", strerror(ENOMEM));
        int fd = -1;
        int r = open_netns(c, path, &fd);
        struct stat target, self;
        if (r == 0 && (fstat(fd, &target) < 0 || stat("/proc/self/ns/net", &self) < 0))
                r = cli_error(c, EXIT_ENV, "cannot identify network namespace %s: %s", path, strerror(errno));
        /* A namespace has one state directory and one lock however it is named, so that --netns
         * cannot sidestep a transaction in progress: the host's namespace (PID 1's; the caller's
         * where that cannot be told) takes the host's path, lock and file, any other its own. */
        bool here = r == 0 && same_ns(&target, self.st_dev, self.st_ino);
        bool host = r == 0 && (where == NETNS_UNKNOWN ? here : same_ns(&target, c->init_dev, c->init_ino));
        if (r == 0 && !here && setns(fd, CLONE_NEWNET) < 0)
                r = cli_error(c, EXIT_ENV, "cannot enter network namespace %s: %s", path, strerror(errno));
        if (r == 0 && !host && netns_identity(&target, c->state_sub_buf, sizeof(c->state_sub_buf)) < 0)
                r = cli_error(c, EXIT_ENV, "cannot identify network namespace %s", path);
        if (r == 0) {
                c->state_sub = host ? NULL : c->state_sub_buf;
                c->in_netns = !host;
                c->netns_dev = target.st_dev;
                c->netns_ino = target.st_ino;
                c->netns_where = !host ? NETNS_OTHER : where == NETNS_UNKNOWN ? NETNS_UNKNOWN : NETNS_HOST;
        }
        if (fd >= 0)
                close(fd);
        free(path);
        return r;
}
