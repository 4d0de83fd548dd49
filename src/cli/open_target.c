/* SPDX-License-Identifier: MIT */
/* The system a command reads: the root, the live target or a snapshot, its kernel, its RAM and
 * the ports its listeners hold. */
#include "open_target.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "errors.h"
#include "netns.h"
#include "output.h"
#include "profile.h"
#include "sockstat.h"
#include "sysroot.h"
#include "target.h"
#include "util.h"
#include "validate.h"

int cli_kernel(struct cli *c, struct target *t, struct kver *ret, bool *ret_known)
{
        *ret_known = false;
        if (c->kernel) {
                if (kver_parse(c->kernel, ret) < 0)
                        return -EINVAL;
                *ret_known = true;
                return 0;
        }
        if (t && target_kernel(t, ret) == 0)
                *ret_known = true;
        return 0;
}

/* MemTotal of a live target (its root's /proc/meminfo), in bytes; 0 when unknown. */
static unsigned long long live_memory(const struct target *t)
{
        struct sysroot *sr = t ? target_sysroot(t) : NULL;
        char *text = NULL, *m;
        size_t len;
        unsigned long long kib = 0;
        int fd = sr ? sysroot_open_config(sr, "/proc/meminfo", O_RDONLY) : -ENOENT;
        if (fd >= 0 && read_fd(fd, 64 * 1024, &text, &len) == 0 && (m = strstr(text, "MemTotal:")))
                kib = strtoull(m + strlen("MemTotal:"), NULL, 10);
        if (fd >= 0)
                close(fd);
        free(text);
        return kib < (1ULL << 50) ? kib * 1024 : 0;
}

unsigned long long cli_memory(const struct cli *c, struct target *t)
{
        return c->memory ? c->memory : live_memory(t);
}

int cli_open_root(struct cli *c, struct sysroot **ret)
{
        int r = sysroot_new(c->root, ret);
        return r < 0 ? cli_error(c, EXIT_ENV, "cannot use root %s: %s", c->root ? c->root : "/", strerror(-r)) : 0;
}

unsigned char *cli_listen_ports(struct cli *c, const struct profile *p, struct target *t)
{
        (void)c;
        /* The socket dump is the costly part of a diff: only for a profile that sets the range. */
        if (!profile_find(p, "net.ipv4.ip_local_port_range"))
                return NULL;
        struct sysroot *sr = t ? target_sysroot(t) : NULL;
        struct sockstat_opts o = {.port_lo = 1, .port_hi = 65535};
        struct sockstats *s = NULL;
        unsigned char *bits = NULL;
        if (sr && sockstats_collect(sr, &o, &s) == 0 && s->ports_listen && (bits = malloc(65536 / 8)))
                memcpy(bits, s->ports_listen, 65536 / 8);
        sockstats_free(s);
        return bits;
}

int cli_open_target(struct cli *c, const char *against, struct sysroot **ret_sr, struct target **ret_t)
{
        struct sysroot *sr = NULL;
        struct target *t = NULL;
        int r;
        if (against) {
                unsigned bad_line = 0;
                r = target_new_snapshot(against, &t, &bad_line);
                if (r == -EBADMSG)
                        return cli_error(c, EXIT_USAGE, "%s:%u: expected 'key = value' lines of text (a sysctl -a snapshot)",
                                         against, bad_line);
                if (r == -EINVAL)
                        return cli_error(c, EXIT_ENV, "cannot read snapshot %s: not a regular file", against);
                if (r == -EFBIG)
                        return cli_error(c, EXIT_USAGE, "%s: snapshot larger than 16 MiB", against);
                if (r < 0)
                        return cli_error(c, EXIT_ENV, "cannot read snapshot %s: %s", against, strerror(-r));
        } else {
                if ((r = cli_open_root(c, &sr)))
                        return r;
                r = target_new_live(sr, &t);
                if (r < 0) {
                        sysroot_free(sr);
                        return cli_error(c, EXIT_ENV, "%s", strerror(-r));
                }
        }
        *ret_sr = sr;
        *ret_t = t;
        return 0;
}

void cli_json_target(struct cli *c, const struct validate_opts *vo)
{
        char kb[32];
        json_member(c->out, "kernel", vo->kernel_known ? kver_format(vo->kernel, kb, sizeof(kb)) : NULL);
        json_member(c->out, "target", !vo->target ? NULL : target_is_snapshot(vo->target) ? "snapshot" : "live");
        cli_netns_json(c, vo->target && !target_is_snapshot(vo->target));
}
