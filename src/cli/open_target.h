/* SPDX-License-Identifier: MIT */
/* The system a command reads: --root, the live target or a snapshot, its kernel and RAM, the ports
 * its listeners hold (open_target.c). */
#ifndef TWTUNE_OPEN_TARGET_H
#define TWTUNE_OPEN_TARGET_H

#include <stdbool.h>

#include "cli.h"
#include "kver.h"

struct profile;
struct sysroot;
struct target;
struct validate_opts;

/* The kernel to validate for: --kernel, else the target's, else unknown. */
int cli_kernel(struct cli *c, struct target *t, struct kver *ret, bool *ret_known);
/* The target's RAM for memory hazards: --memory, else a live target's MemTotal; 0 if unknown. */
unsigned long long cli_memory(const struct cli *c, struct target *t);

/* Opens the system root given by --root ("/" by default). Returns 0 or an exit code. */
int cli_open_root(struct cli *c, struct sysroot **ret);

/* The local ports listeners hold on a live target, as a bitmap to free, when profile p sets the
 * ephemeral port range; NULL otherwise (a snapshot, sockets that cannot be read: the check is then
 * left to the well-known ports). */
unsigned char *cli_listen_ports(struct cli *c, const struct profile *p, struct target *t);

/* Opens the target: the snapshot FILE when against is set, else the live tree below --root.
 * Returns 0 or an exit code after printing the error. */
int cli_open_target(struct cli *c, const char *against, struct sysroot **ret_sr, struct target **ret_t);

/* The "kernel" and "target" members of a JSON result. */
void cli_json_target(struct cli *c, const struct validate_opts *vo);

#endif
