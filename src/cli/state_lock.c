/* SPDX-License-Identifier: MIT */
/* Opening the state directory, taking its lock (naming the holder) and finishing a transaction a
 * crash left behind. */
#include "state_lock.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "errors.h"
#include "managed.h"
#include "output.h"
#include "state.h"
#include "sysroot.h"
#include "txn.h"
#include "txn_report.h"
#include "util.h"

int cli_open_state(struct cli *c, struct sysroot *sr, bool create, struct state **ret)
{
        char *why = NULL;
        int r = state_open(sr, c->state_sub, create, ret, &why);
        if (r == -ENOENT && !create) {
                *ret = NULL;
                return 0;
        }
        if (r == 0)
                return 0;
        char *dir = sysroot_dir_path(sr, SYSROOT_STATE, c->state_sub);
        if (r == -EPERM && why)
                r = cli_error(c, EXIT_ENV,
                              "will not trust the state directory %s: %s. twtune replays its journal and history as "
                              "root, so no other user may be able to write them. Find out who changed it; once its "
                              "content is known to be twtune's: chown -R root:root %s && chmod -R go-w %s",
                              dir ? dir : "", why, dir ? dir : "", dir ? dir : "");
        else if (r == -EACCES && !create && geteuid() != 0)
                r = cli_fail(c, EXIT_ENV, "needs-root", "cannot read the state directory %s: %s. It is root's only "
                             "(as earlier builds of twtune made it): run as root, or let other users read the history: "
                             "chmod 0755 %s %s/generations && chmod 0644 %s/generations/*", dir ? dir : "",
                             strerror(-r), dir ? dir : "", dir ? dir : "", dir ? dir : "");
        else
                r = cli_access_error(c, EXIT_ENV, create ? r : 0, "cannot open the state directory %s: %s", dir ? dir : "",
                                     strerror(-r));
        free(why);
        free(dir);
        return r;
}

/* The name of a running process, or "" if it cannot be read. */
static void proc_comm(pid_t pid, char *buf, size_t size)
{
        char path[48];
        snprintf(path, sizeof(path), "/proc/%ld/comm", (long)pid);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        ssize_t n = fd >= 0 ? read(fd, buf, size - 1) : -1;
        buf[n > 0 ? (size_t)n : 0] = '\0';
        buf[strcspn(buf, "\n")] = '\0';
        if (fd >= 0)
                close(fd);
}

/* The pid in the lock file is the last twtune's to hold it, whoever holds it now (flock(1) writes
 * none): it is named only while it runs, with its name, by which a reused pid shows. */
static int lock_held(struct cli *c, const char *dir, pid_t holder)
{
        char comm[64] = "";
        if (holder <= 0 || (kill(holder, 0) < 0 && errno != EPERM))
                return cli_fail(c, EXIT_ENV, "lock-held", "%s/lock is held by another process; give --wait SECONDS to wait for it", dir);
        proc_comm(holder, comm, sizeof(comm));
        return cli_fail(c, EXIT_ENV, "lock-held", "%s/lock is held by process %ld%s%s%s; give --wait SECONDS to wait for it", dir,
                         (long)holder, *comm ? " (" : "", comm, *comm ? ")" : "");
}

int cli_take_lock(struct cli *c, struct sysroot *sr, struct state *st, unsigned long wait_ms)
{
        pid_t holder = 0;
        int r = state_lock(st, wait_ms, &holder);
        if (r == 0)
                return 0;
        char *dir = sysroot_dir_path(sr, SYSROOT_STATE, c->state_sub);
        if (r == -EWOULDBLOCK)
                r = lock_held(c, dir ? dir : "", holder);
        else if (r == -EPERM)
                r = cli_error(c, EXIT_ENV, "will not trust %s/lock: it is owned by another user or writable by "
                              "others; remove it once you know who made it", dir ? dir : "");
        else
                r = cli_access_error(c, EXIT_ENV, r, "cannot lock %s: %s", dir ? dir : "", strerror(-r));
        free(dir);
        return r;
}

int cli_recover_state(struct cli *c, struct sysroot *sr, struct state *st, bool *ret_changed)
{
        struct txn_failure f;
        enum txn_result res = TXN_UNCHANGED;
        char *dir = sysroot_dir_path(sr, SYSROOT_STATE, c->state_sub);
        int r = txn_recover(st, sr, &f, &res);
        if (r < 0) {
                r = cli_error(c, EXIT_ENV, "%s/journal: %s; nothing was changed. Inspect it, and remove it only once the "
                              "live values and /etc/sysctl.d are known to be right", dir ? dir : "",
                              r == -EBADMSG ? "damaged (bad format or checksum)"
                              : r == -EPERM ? "not trusted (owned by another user or writable by others)" : strerror(-r));
        } else if (res == TXN_ROLLED_BACK) {
                c->changed = true;
                cli_error(c, 0, "undid a transaction interrupted earlier (restored from %s/journal)", dir ? dir : "");
        } else if (res == TXN_RESTORE_FAILED) {
                r = cli_txn_exit(c, &f, res);
        }
        txn_failure_release(&f);
        free(dir);
        if (ret_changed)
                *ret_changed = res != TXN_UNCHANGED;
        return r;
}

int cli_lock_state(struct cli *c, struct sysroot *sr, unsigned long wait_ms, struct state **ret)
{
        struct state *st = NULL;
        int r = cli_open_state(c, sr, true, &st);
        if (r == 0)
                r = cli_take_lock(c, sr, st, wait_ms);
        if (r == 0)
                r = cli_recover_state(c, sr, st, NULL);
        if (r != 0) {
                state_free(st);
                return r;
        }
        *ret = st;
        return 0;
}

int cli_managed(struct cli *c, struct sysroot *sr, struct state *st, struct managed *ret)
{
        struct state *own = NULL;
        int r = 0;
        if (!st) {
                r = state_open(sr, c->state_sub, false, &own, NULL);
                st = own;
        }
        if (r == 0)
                r = managed_current(st, ret);
        state_free(own);
        return r == -ENOENT ? 0 : r;
}

void cli_json_state(struct cli *c, struct sysroot *sr, struct state *st)
{
        struct state *own = NULL;
        unsigned long *ids = NULL;
        size_t n = 0;
        struct record *g = NULL;
        if (!st && state_open(sr, c->state_sub, false, &own, NULL) == 0)
                st = own;
        /* What cannot be read is reported by the command itself where it matters; here it is null. */
        if (st && state_generations(st, &ids, &n) == 0 && n > 0 && state_generation_read(st, ids[n - 1], &g) < 0)
                g = NULL;
        fputs(",\n  \"state\": {\"generation\": ", c->out);
        if (g)
                fprintf(c->out, "%lu", g->generation);
        else
                fputs("null", c->out);
        json_member(c->out, "hash", g ? g->hash : NULL);
        fputc('}', c->out);
        record_free(g);
        free(ids);
        state_free(own);
}
